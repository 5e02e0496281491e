import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import pl from "nodejs-polars";
import { afterAll, describe, expect, it } from "vitest";
import { generateMarket, MANIFEST_NAME, writeMarket, type SyntheticMarket } from "../../src/data/synth/index.js";
import { formatNumber } from "../../src/data/synth/csv.js";
import { InputError } from "../../src/util/errors.js";

const root = mkdtempSync(join(tmpdir(), "foxml-synth-write-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(root, `out${++n}`);

const small = { seed: 17, symbols: 6, bars: 120, listing: { late_fraction: 0.5, delist_fraction: 0.5, min_bars: 30 }, signals: { plant: true }, leaks: { plant: true } };
const market = generateMarket(small);
const totalRows = market.series.reduce((a, s) => a + s.ts.length, 0);

function parseCsv(path: string): { header: string[]; rows: string[][] } {
  const lines = readFileSync(path, "utf8").trimEnd().split("\n");
  return { header: lines[0].split(","), rows: lines.slice(1).map((l) => l.split(",")) };
}

function valueAt(m: SyntheticMarket, symbol: string, ms: number, column: string): number {
  const s = m.series.find((x) => x.symbol === symbol);
  if (!s) throw new Error(`no ${symbol}`);
  const k = s.ts.indexOf(ms);
  return (s.columns.get(column) as Float64Array)[k];
}

describe("CSV number text", () => {
  it("reads back as exactly the same double, NaN as an empty field", () => {
    for (const x of [0, -0, 1, -1, 123.4567, -0.0001, 0.1 + 0.2, 1 / 3, 1e-10, 5e-7, 2 ** 60, 1e300, 123456789.123, 98.5564, 1213821]) {
      expect(Number(formatNumber(x))).toBe(x === 0 ? 0 : x);
    }
    expect(formatNumber(Number.NaN)).toBe("");
    expect(formatNumber(98.5564)).toBe("98.5564");
    expect(formatNumber(-0.0000123)).toBe("-0.0000123");
    expect(formatNumber(-0)).toBe("0");
    expect(formatNumber(98.55, 4)).toBe("98.55");
  });

  it("gives the same shortest text whatever decimals it tries first (property)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e9, max: 1e9, noNaN: true }),
        fc.integer({ min: 0, max: 10 }),
        fc.integer({ min: 0, max: 12 }),
        (raw, places, hint) => {
          const x = Math.round(raw * 10 ** places) / 10 ** places;
          const text = formatNumber(x, hint);
          return Number(text) === x && text === formatNumber(x, 0);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe("writeMarket: long CSV", () => {
  const out = fresh();
  let written: Awaited<ReturnType<typeof writeMarket>>;

  it("writes bars.csv and the manifest into a new folder", async () => {
    written = await writeMarket(market, out);
    expect(readdirSync(out).sort()).toEqual(["bars.csv", MANIFEST_NAME]);
    expect(written.files).toEqual(["bars.csv"]);
    expect(written.dataPath).toBe(join(out, "bars.csv"));
    expect(written.rows).toBe(totalRows);
    // Nothing left behind beside the folder.
    expect(readdirSync(root).filter((f) => f.includes("synth-tmp") || f.includes("synth-old"))).toEqual([]);
  });

  it("holds every bar, in time order, with the exact in-memory values", () => {
    const { header, rows } = parseCsv(join(out, "bars.csv"));
    expect(header).toEqual(["timestamp", "symbol", ...market.series[0].columns.keys()]);
    expect(rows.length).toBe(totalRows);
    const stamps = rows.map((r) => r[0]);
    expect([...stamps].sort()).toEqual(stamps);
    expect(rows[0][0]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const r of rows.slice(0, 200)) {
      const ms = Date.parse(`${r[0]}T00:00:00Z`);
      header.slice(2).forEach((c, j) => {
        const expected = valueAt(market, r[1], ms, c);
        if (Number.isNaN(expected)) expect(r[j + 2]).toBe("");
        else expect(Number(r[j + 2])).toBe(expected);
      });
    }
  });

  it("writes a manifest with the configuration, the files and the ground truth", () => {
    const manifest = JSON.parse(readFileSync(join(out, MANIFEST_NAME), "utf8"));
    expect(manifest.generator).toBe("foxml data synth");
    expect(manifest.config.seed).toBe(17);
    expect(manifest.config_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.output).toMatchObject({ format: "csv", layout: "long", data_path: "bars.csv", files: ["bars.csv"], rows: totalRows, symbols: 6 });
    expect(manifest.truth.columns).toEqual({
      prices: ["open", "high", "low", "close", "volume"],
      signals: ["sig_h5", "sig_h20"],
      noise: ["noise_1", "noise_2", "noise_3"],
      leaks: ["leak_fwd_copy", "leak_future_close", "leak_centered_ma", "leak_fwd_sign"],
    });
    expect(manifest.truth.signals[0]).toMatchObject({ name: "sig_h5", horizon: 5, onset: 5, ic: 0.1 });
    expect(manifest.truth.leaks.map((l: { kind: string }) => l.kind)).toEqual(["fwd_copy", "future_close", "centered_ma", "sign_agreement"]);
    expect(manifest.truth.targets.find((t: { horizon: number }) => t.horizon === 1).predictable).toBe(false);
    expect(manifest.truth.symbols).toHaveLength(6);
    expect(manifest.truth.time_axis).toMatchObject({ interval: "1d", bars: 120 });
  });

  it("refuses to overwrite an existing folder unless forced, and replaces it completely when forced", async () => {
    await expect(writeMarket(market, out)).rejects.toThrow(InputError);
    await expect(writeMarket(market, out)).rejects.toThrow(/already exists/);
    writeFileSync(join(out, "stale.txt"), "old");
    await writeMarket(market, out, { force: true, format: "parquet" });
    expect(readdirSync(out).sort()).toEqual(["bars.parquet", MANIFEST_NAME]);
    expect(readdirSync(root).filter((f) => f.includes("synth-tmp") || f.includes("synth-old"))).toEqual([]);
  });

  it("is byte-identical for the same seed and differs for another", async () => {
    const a = fresh();
    const b = fresh();
    const c = fresh();
    await writeMarket(generateMarket(small), a);
    await writeMarket(generateMarket(small), b);
    await writeMarket(generateMarket({ ...small, seed: 18 }), c);
    for (const f of ["bars.csv", MANIFEST_NAME]) expect(readFileSync(join(a, f)).equals(readFileSync(join(b, f)))).toBe(true);
    expect(readFileSync(join(a, "bars.csv")).equals(readFileSync(join(c, "bars.csv")))).toBe(false);
  });
});

describe("writeMarket: Parquet and folder layouts", () => {
  it("writes a long Parquet file with UTC datetimes, Int64 volume and nulls for unknown futures", async () => {
    const out = fresh();
    await writeMarket(market, out, { format: "parquet" });
    const df = pl.readParquet(join(out, "bars.parquet"));
    expect(df.height).toBe(totalRows);
    expect(df.columns).toEqual(["timestamp", "symbol", ...market.series[0].columns.keys()]);
    expect(String(df.getColumn("timestamp").dtype)).toContain("Datetime");
    expect(String(df.getColumn("volume").dtype)).toContain("Int64");
    const s = market.series[2];
    const rows = df.filter(pl.col("symbol").eq(pl.lit(s.symbol)));
    expect(rows.height).toBe(s.ts.length);
    expect(Array.from(rows.getColumn("close").toArray() as number[])).toEqual(Array.from(s.columns.get("close") as Float64Array));
    const ts = rows.select(pl.col("timestamp").cast(pl.Int64).alias("t")).getColumn("t").toArray() as unknown[];
    expect(ts.map(Number)).toEqual(Array.from(s.ts));
    expect(rows.getColumn("leak_future_close").nullCount()).toBe(1);
    const again = fresh();
    await writeMarket(generateMarket(small), again, { format: "parquet" });
    expect(readFileSync(join(out, "bars.parquet")).equals(readFileSync(join(again, "bars.parquet")))).toBe(true);
  });

  it("writes symbol=SYM/SYM.parquet folders without a symbol column", async () => {
    const out = fresh();
    const written = await writeMarket(market, out, { format: "parquet", layout: "per-symbol" });
    expect(written.files).toEqual(market.series.map((s) => join(`symbol=${s.symbol}`, `${s.symbol}.parquet`)));
    expect(written.dataPath).toBe(out);
    const s = market.series[0];
    const df = pl.readParquet(join(out, `symbol=${s.symbol}`, `${s.symbol}.parquet`));
    expect(df.columns).toEqual(["timestamp", ...s.columns.keys()]);
    expect(Array.from(df.getColumn("sig_h5").toArray() as number[])).toEqual(Array.from(s.columns.get("sig_h5") as Float64Array));
  });

  it("writes symbol=SYM/SYM.csv folders and flat SYM.csv folders", async () => {
    const perSymbol = fresh();
    await writeMarket(market, perSymbol, { format: "csv", layout: "per-symbol" });
    expect(existsSync(join(perSymbol, "symbol=S001", "S001.csv"))).toBe(true);
    const flat = fresh();
    const written = await writeMarket(market, flat, { format: "csv", layout: "csv-folder" });
    expect(readdirSync(flat).sort()).toEqual([...market.series.map((s) => `${s.symbol}.csv`), MANIFEST_NAME].sort());
    expect(written.rows).toBe(totalRows);
    const s = market.series[3];
    const { header, rows } = parseCsv(join(flat, `${s.symbol}.csv`));
    expect(header).toEqual(["timestamp", ...s.columns.keys()]);
    expect(rows.length).toBe(s.ts.length);
    expect(rows.map((r) => Number(r[header.indexOf("close")]))).toEqual(Array.from(s.columns.get("close") as Float64Array));
    expect(readFileSync(join(perSymbol, "symbol=S004", "S004.csv")).equals(readFileSync(join(flat, "S004.csv")))).toBe(true);
  });

  it("writes intraday timestamps as UTC instants", async () => {
    const m = generateMarket({ symbols: 2, start: "2021-07-01", bars: 20, interval: "15m", listing: { min_bars: 20 } });
    const out = fresh();
    await writeMarket(m, out);
    const { rows } = parseCsv(join(out, "bars.csv"));
    expect(rows[0][0]).toBe("2021-07-01T13:30:00Z");
    expect(rows[2][0]).toBe("2021-07-01T13:45:00Z");
  });

  it("refuses csv-folder with Parquet and removes its temp folder after a failure", async () => {
    await expect(writeMarket(market, fresh(), { format: "parquet", layout: "csv-folder" })).rejects.toThrow(/csv-folder writes CSV/);
    expect(readdirSync(root).filter((f) => f.includes("synth-tmp"))).toEqual([]);
  });
});
