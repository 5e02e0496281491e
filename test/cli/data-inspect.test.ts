import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { captureIo } from "../../src/cli/io.js";
import type { InspectReport } from "../../src/data/inspect.js";

const DOW = "datasets/dowjones30/dowjones30_daily_close_1990-2001.csv";
const OHLCV = "datasets/ohlcv_daily/ohlcv_daily_SPX_GOOG_MSFT_VIX.csv";

async function inspectJson(path: string, ...extra: string[]): Promise<InspectReport> {
  const io = captureIo();
  const code = await main(["data", "inspect", path, "--json", ...extra], io);
  expect(io.stderr).toBe("");
  expect(code).toBe(0);
  return JSON.parse(io.stdout) as InspectReport;
}

describe("foxml data inspect on the bundled real datasets", () => {
  it("Dow Jones 30: 30 symbols, daily, close only, US market holidays as closures", async () => {
    const r = await inspectJson(DOW);
    expect(r.symbols).toBe(30);
    expect(r.rows).toBe(75_870);
    expect(r.interval).toBe("1d");
    expect(r.intervalSource).toBe("detected");
    expect(r.start.slice(0, 10)).toBe("1990-12-31");
    expect(r.end.slice(0, 10)).toBe("2001-01-02");
    expect(r.missingStandardColumns).toEqual(["open", "high", "low", "volume"]);
    for (const s of r.perSymbol) expect(s.interval).toBe("1d");
    // Holidays are closures of the whole market, not missing bars of a symbol.
    const closures = r.gaps.marketClosures.map((c) => c.start);
    expect(closures).toContain("1999-12-24"); // Christmas Eve observed, a Friday
    expect(closures).toContain("2000-07-04");
    expect(r.gaps.totals.missingBars).toBe(0);
    // About nine US holidays a year over ten years.
    expect(r.gaps.marketClosures.length).toBeGreaterThan(80);
    expect(r.gaps.marketClosures.length).toBeLessThan(110);
    expect(r.panel!.T * r.panel!.S).toBe(2529 * 30);
  });

  it("OHLCV file: four symbols with staggered coverage, the Sep 2001 closure, VIX without volume", async () => {
    const r = await inspectJson(OHLCV);
    expect(r.symbols).toBe(4);
    expect(r.rows).toBe(6_445);
    expect(r.interval).toBe("1d");
    expect(r.perSymbol.map((s) => s.symbol)).toEqual(["GOOG", "MSFT", "SPX", "VIX"]);
    const sep2001 = r.gaps.marketClosures.find((c) => c.start === "2001-09-11");
    expect(sep2001?.end).toBe("2001-09-14");
    expect(sep2001?.tradingDays).toBe(4);
    expect(r.gaps.marketClosures.some((c) => c.start === "2012-10-29")).toBe(true); // Hurricane Sandy
    const volume = r.columns.find((c) => c.name === "volume");
    expect(volume?.symbolsWithoutValues).toEqual(["VIX"]);
    expect(r.missingStandardColumns).toEqual([]);
    // Union alignment: the panel spans SPX's whole history, sparse for the others.
    expect(r.panel!.T).toBe(5105);
    expect(r.panel!.density).toBeLessThan(0.5);
  });

  it("prints a readable summary by default", async () => {
    const io = captureIo();
    expect(await main(["data", "inspect", DOW], io)).toBe(0);
    expect(io.stdout).toContain("symbols: 30");
    expect(io.stdout).toContain("interval: 1d (detected");
    expect(io.stdout).toContain("missing standard columns: open, high, low, volume");
    expect(io.stdout).toMatch(/market closures: \d+/);
  });

  it("an explicit interval wins over detection", async () => {
    const r = await inspectJson(OHLCV, "--interval", "1w");
    expect(r.interval).toBe("1w");
    expect(r.intervalSource).toBe("config");
    expect(r.intervalDetail.disagreement).toBeTruthy();
  });

  it("a missing path is a clear error with exit code 2", async () => {
    const io = captureIo();
    expect(await main(["data", "inspect", "no/such/file.csv"], io)).toBe(2);
    expect(io.stderr).toMatch(/^error: .*no\/such\/file\.csv/m);
    expect(io.stderr).not.toMatch(/\n\s+at /);
  });

  it("a bad flag value names the flag", async () => {
    const io = captureIo();
    expect(await main(["data", "inspect", DOW, "--interval", "7m"], io)).toBe(2);
    expect(io.stderr).toContain("--interval");
  });

  it("daily bars stamped at different times of day share one panel row per trading day", async () => {
    const dir = mkdtempSync(join(tmpdir(), "foxml-stamps-"));
    const path = join(dir, "bars.csv");
    const days = ["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05", "2024-01-08"];
    const rows = days.flatMap((d, i) => [`${d}T00:00:00Z,A,${i + 1}`, `${d}T21:00:00Z,B,${i + 1}`]);
    writeFileSync(path, ["timestamp,symbol,close", ...rows].join("\n") + "\n");
    const r = await inspectJson(path, "--set", "pipeline.data.min_bars=2");
    expect(r.interval).toBe("1d");
    expect(r.panel!.T).toBe(5);
    expect(r.panel!.density).toBe(1);
    expect(r.intervalWarnings.join(" ")).toContain("restamps");
  });
});
