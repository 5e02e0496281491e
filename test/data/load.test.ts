import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { formatCheckReport, loadData, type LoadedData } from "../../src/data/load.js";
import { dataOptionsSchema } from "../../src/data/options.js";
import { hashFiles } from "../../src/util/hash.js";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const DOW = "datasets/dowjones30/dowjones30_daily_close_1990-2001.csv";
const OHLCV = "datasets/ohlcv_daily/ohlcv_daily_SPX_GOOG_MSFT_VIX.csv";

function load(path: string, extra: Record<string, unknown> = {}): Promise<LoadedData> {
  return loadData(dataOptionsSchema.parse({ path, ...extra }), { baseDir: REPO });
}

function strictlyIncreasing(ts: Float64Array): boolean {
  for (let i = 1; i < ts.length; i++) if (!(ts[i] > ts[i - 1])) return false;
  return true;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

describe("bundled Dow Jones 30 (close only)", () => {
  let d: LoadedData;
  beforeAll(async () => {
    d = await load(DOW);
  });

  it("has 30 symbols of 2529 daily bars, sorted, each strictly increasing", () => {
    expect(d.series).toHaveLength(30);
    expect(d.series.map((s) => s.symbol)).toEqual([...d.series.map((s) => s.symbol)].sort());
    for (const s of d.series) {
      expect(s.ts.length).toBe(2529);
      expect(strictlyIncreasing(s.ts)).toBe(true);
    }
    expect(d.files).toEqual([{ path: expect.stringContaining("dowjones30_daily_close_1990-2001.csv"), rows: 75870, bytes: 1843268, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
  });

  it("reports open/high/low/volume as missing standard columns, not as errors", () => {
    expect(d.missingStandardColumns).toEqual(["open", "high", "low", "volume"]);
    for (const s of d.series) expect([...s.columns.keys()]).toEqual(["close"]);
    expect(d.columns.filter((c) => c.kind === "standard").map((c) => c.name)).toEqual(["close"]);
    expect(formatCheckReport(d.report)).toEqual([]);
  });

  it("keeps the first two days, which repeat the same close in the source, as two bars", () => {
    const aa = d.series[0];
    expect(aa.symbol).toBe("AA");
    expect([day(aa.ts[0]), day(aa.ts[1])]).toEqual(["1990-12-31", "1991-01-02"]);
    expect([aa.columns.get("close")![0], aa.columns.get("close")![1]]).toEqual([5.92, 5.92]);
    expect(day(aa.ts[2528])).toBe("2001-01-02");
    expect(d.report.checks.duplicate_timestamps.count).toBe(0);
  });

  it("is the default data path", async () => {
    const def = await loadData(dataOptionsSchema.parse({}), { baseDir: REPO });
    expect(def.fingerprint).toBe(d.fingerprint);
    expect(def.series).toHaveLength(30);
  });

  it("fingerprint is the content hash util/hash gives the same file", async () => {
    const path = `${REPO}${DOW}`;
    expect(d.fingerprint).toBe((await hashFiles([path], { base: `${REPO}datasets/dowjones30` })).sha256);
  });
});

describe("bundled daily OHLCV (SPX, GOOG, MSFT, VIX)", () => {
  let d: LoadedData;
  beforeAll(async () => {
    d = await load(OHLCV);
  });

  it("has 4 symbols with their row counts", () => {
    expect(d.series.map((s) => [s.symbol, s.ts.length])).toEqual([
      ["GOOG", 1047],
      ["MSFT", 249],
      ["SPX", 5105],
      ["VIX", 44],
    ]);
    expect(d.files[0].rows).toBe(6445);
    for (const s of d.series) expect(strictlyIncreasing(s.ts)).toBe(true);
  });

  it("reads the first SPX bar exactly", () => {
    const spx = d.series.find((s) => s.symbol === "SPX")!;
    expect(day(spx.ts[0])).toBe("2000-01-03");
    expect(["open", "high", "low", "close", "volume"].map((c) => spx.columns.get(c)![0])).toEqual([1469.25, 1478.0, 1438.359985, 1455.219971, 931800000]);
  });

  it("VIX has no volume: reported per column, not a missing standard column", () => {
    expect(d.missingStandardColumns).toEqual([]);
    const vix = d.series.find((s) => s.symbol === "VIX")!;
    expect(vix.columns.get("volume")!.every(Number.isNaN)).toBe(true);
    expect(d.columns.find((c) => c.name === "volume")).toMatchObject({ kind: "standard", nonNull: 6401, symbolsWithoutValues: ["VIX"] });
  });

  it("VIX's 44 bars are below the default min_bars: a warning, the symbol stays", () => {
    expect(d.report.checks.too_few_bars).toMatchObject({ action: "warn", count: 1, bySymbol: { VIX: 1 } });
    expect(formatCheckReport(d.report)).toEqual([
      "too_few_bars (warn): 1 finding; most in VIX 1",
      expect.stringContaining("symbol VIX has 44 bars, fewer than pipeline.data.min_bars (50)"),
    ]);
  });

  it("loads a subset of symbols", async () => {
    const sub = await load(OHLCV, { symbols: ["MSFT", "SPX"] });
    expect(sub.series.map((s) => s.symbol)).toEqual(["MSFT", "SPX"]);
    expect(sub.fingerprint).toBe(d.fingerprint);
  });
});
