/**
 * Tick data through the commands: `foxml data inspect --json` reports the interval as irregular
 * with tick-rate statistics and a suggested resample interval; the readable report says the same;
 * `foxml run` refuses unresampled ticks with the suggestion, and with pipeline.data.resample set
 * completes end to end, the spread entering as candidate features and as a backtest cost.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { generateTicks, writeTicksCsv } from "../../src/data/synth/ticks.js";
import type { InspectReport } from "../../src/data/inspect.js";

const tmp = mkdtempSync(join(tmpdir(), "foxml-ticks-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const ticks = join(tmp, "ticks.csv");

beforeAll(() => {
  // 5 symbols, 50 NYSE days, about one tick a minute each: 30m bars hold ~30 ticks.
  writeTicksCsv(ticks, generateTicks({ seed: 4, symbols: ["AAA", "BBB", "CCC", "DDD", "EEE"], tradingDays: 50, quotesPerMinute: 0.8, tradesPerMinute: 0.2, bad: 1 }));
});

describe("foxml data inspect on ticks", () => {
  it("--json: interval irregular, tick rates, gaps and a suggested resample", async () => {
    const io = captureIo();
    expect(await main(["data", "inspect", ticks, "--json"], io)).toBe(0);
    const r = JSON.parse(io.stdout) as InspectReport;
    expect(r.interval).toBe("irregular");
    expect(r.panel).toBeNull();
    expect(r.gaps.applicable).toBe(false);
    const t = r.ticks!;
    expect(t.kind).toBe("quotes_and_trades");
    expect(t.perSymbol).toHaveLength(5);
    // one tick a minute: ~60 per session hour, a median gap near 42 s (exponential: ln 2 x 60 s)
    expect(t.ticksPerHour.median).toBeGreaterThan(50);
    expect(t.ticksPerHour.median).toBeLessThan(70);
    expect(t.gapMs!.median).toBeGreaterThan(30_000);
    expect(t.gapMs!.median).toBeLessThan(55_000);
    for (const s of t.perSymbol) expect(s.tradingDays).toBe(50);
    // trades price the bars: 0.2 a minute, so 20 per bar needs 1h... 100 minutes: 4h
    expect(t.ticksPerBar["1h"]).toBeLessThan(20);
    expect(t.suggestedResample).toBe("4h");
    expect(t.suggestion).toMatch(/^4h: the smallest bar size/);
    // the planted bad rows are reported by line
    expect(r.checks.checks.crossed_quote.count).toBe(1);
    expect(r.checks.checks.crossed_quote.examples[0].row).toBeGreaterThan(1);
    expect(r.checks.checks.duplicate_ticks.count).toBe(1);
  });

  it("readable: the tick section and the suggestion", async () => {
    const io = captureIo();
    expect(await main(["data", "inspect", ticks], io)).toBe(0);
    expect(io.stdout).toContain("interval: irregular");
    expect(io.stdout).toMatch(/ticks: \d+ \(quotes and trades: \d+ quotes, \d+ trades\)/);
    expect(io.stdout).toContain("set pipeline.data.resample: 4h");
    expect(io.stdout).toContain("panel: none (tick data: set pipeline.data.resample");
  });

  it("with a resample interval: 30m bars on the NYSE session grid", async () => {
    const io = captureIo();
    expect(await main(["data", "inspect", ticks, "--json", "--set", "pipeline.data.resample=30m"], io)).toBe(0);
    const r = JSON.parse(io.stdout) as InspectReport;
    expect(r.interval).toBe("30m");
    expect(r.intervalSource).toBe("config");
    expect(r.panel!.S).toBe(5);
    // ~6 trades per 30 minutes: a few bars have none, so no bar (never a flat copy); the gap report counts them missing
    expect(r.rows).toBeLessThan(5 * 50 * 13);
    expect(r.rows).toBeGreaterThan(5 * 50 * 13 * 0.99);
    expect(r.gaps.totals.missingBars).toBe(5 * 50 * 13 - r.rows);
    // Good Friday is a closure of the whole market, not missing data
    expect(r.gaps.marketClosures.map((c) => c.start)).toEqual(["2024-03-29"]);
    for (const s of r.perSymbol) expect(s.closedDays).toBe(1);
    expect(r.ticks!.resample).toBe("30m");
  });
});

describe("foxml data synth --ticks", () => {
  it("writes a tick file the readers take, the same for the same seed", async () => {
    const texts: string[] = [];
    for (const name of ["s1", "s2"]) {
      const io = captureIo();
      expect(await main(["data", "synth", join(tmp, name), "--ticks", "--seed", "3", "--symbols", "AAA,BBB", "--days", "2"], io)).toBe(0);
      expect(io.stdout).toMatch(/^wrote \d+ ticks of 2 symbols to .*ticks\.csv\n$/);
      texts.push(readFileSync(join(tmp, name, "ticks.csv"), "utf8"));
    }
    expect(texts[0]).toBe(texts[1]);
    const io = captureIo();
    expect(await main(["data", "inspect", join(tmp, "s1", "ticks.csv"), "--json"], io)).toBe(0);
    expect(JSON.parse(io.stdout).ticks.perSymbol.map((p: { symbol: string }) => p.symbol)).toEqual(["AAA", "BBB"]);
    const bad = captureIo();
    expect(await main(["data", "synth", join(tmp, "s3"), "--ticks", "--interval", "5m"], bad)).toBe(2);
    expect(bad.stderr).toContain("--interval does not go with --ticks");
  });
});

describe("foxml run on ticks", () => {
  it("refuses unresampled ticks, naming the setting and the suggestion", async () => {
    const io = captureIo();
    expect(await main(["run", "--data", ticks, "--out", join(tmp, "refused"), "--log-level", "silent"], io)).toBe(2);
    expect(io.stderr).toMatch(/holds ticks \(quotes and trades\), not bars: set pipeline.data.resample/);
    expect(io.stderr).toContain("--set pipeline.data.resample=4h");
  });

  it("--set data.resample=30m (the shorthand for pipeline.data.resample) completes end to end; spread is a feature and a cost", async () => {
    const exp = join(tmp, "exp.yaml");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(
      exp,
      `name: ticks
targets: [fwd_ret_5]
families:
  - name: ridge
pipeline:
  ranking:
    top_n: 1
  selection:
    top_m: 8
    # Generated ticks carry no signal: the gate would rightly keep no feature and end the run
    # no_result. Off, so the run goes through training and the backtest's spread cost.
    significance: {enabled: false}
    methods:
      boruta:
        iterations: 4
      stability:
        pairs: 4
`,
    );
    const out = join(tmp, "runs");
    const io = captureIo();
    const code = await main(["run", "--data", ticks, "--experiment", exp, "--set", "data.resample=30m", "--out", out, "--log-level", "silent"], io);
    expect(io.stderr).toBe("");
    expect(code).toBe(0);
    const dir = join(out, readdirSync(out).filter((f) => !f.startsWith("registry"))[0]);
    const summary = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8"));
    expect(summary.status).toBe("succeeded");
    expect(summary.headline.interval).toBe("30m");
    expect(summary.headline.bars).toBeGreaterThan(5 * 50 * 13 * 0.99);
    const features = JSON.parse(readFileSync(join(dir, "features/features.json"), "utf8"));
    const spread = features.features.find((f: { name: string }) => f.name === "rel_spread");
    expect(spread).toMatchObject({ lookback: 1, lag: 0 });
    const evaluation = JSON.parse(readFileSync(join(dir, "evaluation/fwd_ret_5.json"), "utf8"));
    const bt = evaluation.models[0].backtests[0];
    expect(bt.spread_cost).toBe(true);
    expect(bt.total_spread_cost).toBeGreaterThan(0);
    expect(bt.total_spread_cost).toBeLessThan(bt.total_cost);
  }, 300_000);
});
