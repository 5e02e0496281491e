/**
 * Tick files: quotes, trades and both in one file are read (by column names, with aliases, CSV
 * and Parquet); a file with neither bars nor tick columns is refused naming both; every kind of
 * bad tick row is reported with its file and line, dropped or kept as its check says, and with
 * action error stops the load naming the line.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pl from "nodejs-polars";
import { afterAll, describe, expect, it } from "vitest";
import { loadData } from "../../src/data/load.js";
import { dataOptionsSchema } from "../../src/data/options.js";
import { InputError } from "../../src/util/errors.js";

const tmp = mkdtempSync(join(tmpdir(), "foxml-ticks-read-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
function csv(text: string): string {
  const p = join(tmp, `t${n++}.csv`);
  writeFileSync(p, text);
  return p;
}

function load(path: string, extra: Record<string, unknown> = {}) {
  return loadData(dataOptionsSchema.parse({ path, min_bars: 1, ...extra }));
}

const QUOTES = `timestamp,symbol,bid,ask,bid_size,ask_size
2024-03-04T14:30:00.100Z,AAA,10.00,10.02,100,200
2024-03-04T14:30:01.000Z,AAA,10.01,10.03,300,100
2024-03-04T14:30:01.000Z,BBB,20.00,20.10,,
2024-03-04T14:30:02.500Z,AAA,10.02,10.04,100,100
`;

describe("reading tick files", () => {
  it("reads quotes: bid, ask and sizes per symbol in time order, no bars without resampling", async () => {
    const d = await load(csv(QUOTES));
    expect(d.ticks?.kind).toBe("quotes");
    expect(d.series).toEqual([]);
    const [a, b] = d.ticks!.series;
    expect(a.symbol).toBe("AAA");
    expect(Array.from(a.values.bid)).toEqual([10, 10.01, 10.02]);
    expect(Array.from(a.values.ask_size)).toEqual([200, 100, 100]);
    expect(Number.isNaN(a.values.price[0])).toBe(true);
    expect(b.symbol).toBe("BBB");
    expect(Number.isNaN(b.values.bid_size[0])).toBe(true);
    expect(d.columns.filter((c) => c.kind === "tick").map((c) => c.name)).toEqual(["bid", "ask", "bid_size", "ask_size"]);
  });

  it("reads trades under aliases (trade_price, qty) and mixed files row by row", async () => {
    const trades = await load(csv("time,ticker,trade_price,qty\n2024-03-04T14:30:00Z,X,5,100\n2024-03-04T14:30:03Z,X,5.01,200\n"), { symbol_column: "ticker" });
    expect(trades.ticks?.kind).toBe("trades");
    expect(Array.from(trades.ticks!.series[0].values.size)).toEqual([100, 200]);
    const both = await load(csv("timestamp,symbol,bid,ask,price,size\n2024-03-04T14:30:00Z,X,4.99,5.01,,\n2024-03-04T14:30:01Z,X,,,5.01,300\n"));
    expect(both.ticks?.kind).toBe("quotes_and_trades");
    const s = both.ticks!.series[0];
    expect(Array.from(s.values.price).map((v) => (Number.isNaN(v) ? null : v))).toEqual([null, 5.01]);
  });

  it("reads vendor header spellings: kdb+ camelCase and Dukascopy exports", async () => {
    const kdb = await load(csv("time,sym,bidPrice,askPrice,bidSize,askSize\n2024-03-04T14:30:00Z,X,1.1,1.2,5,6\n"), { symbol_column: "sym" });
    expect(kdb.columns.filter((c) => c.kind === "tick").map((c) => c.name)).toEqual(["bid", "ask", "bid_size", "ask_size"]);
    const duka = await load(csv("Time (UTC),Ask,Bid,AskVolume,BidVolume\n2024.03.04 14:30:00.123,1.08512,1.08509,1.2,0.9\n"), { time_column: "Time (UTC)", checks: { missing_columns: "fix" } }).catch((e) => e);
    // Dukascopy's dotted dates are not ISO: the reader names the value and the accepted formats
    expect(String(duka.message ?? "")).toMatch(/"2024.03.04 14:30:00.123" is not a timestamp/);
    const iso = await load(csv("Time (UTC),Ask,Bid,AskVolume,BidVolume\n2024-03-04 14:30:00.123,1.08512,1.08509,1.2,0.9\n"), { time_column: "Time (UTC)", checks: { missing_columns: "fix" } });
    expect(iso.ticks?.kind).toBe("quotes");
    expect(iso.ticks!.series[0].values.bid[0]).toBe(1.08509);
    expect(iso.ticks!.series[0].values.ask_size[0]).toBe(1.2);
  });

  it("reads Parquet tick files", async () => {
    const p = join(tmp, "q.parquet");
    pl.DataFrame({ ts: [Date.UTC(2024, 2, 4, 14, 30), Date.UTC(2024, 2, 4, 14, 31)], symbol: ["A", "A"], bid: [1, 1.1], ask: [1.2, 1.3] }).writeParquet(p);
    const d = await load(p, { epoch_unit: "ms" });
    expect(d.ticks?.kind).toBe("quotes");
    expect(Array.from(d.ticks!.series[0].values.ask)).toEqual([1.2, 1.3]);
  });

  it("refuses a file with neither bars nor ticks, naming both layouts", async () => {
    const err = await load(csv("timestamp,symbol,last_px\n2024-03-04,A,1\n")).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(/neither bars nor ticks: no "close" column, and no "bid" and "ask" or "price" column/);
    expect(err.hint).toMatch(/bars need a close column; tick files need bid and ask/);
  });

  it("refuses resampling bar data and mixing bar and tick files", async () => {
    const bars = csv("timestamp,symbol,close\n2024-03-04,A,1\n2024-03-05,A,2\n");
    await expect(load(bars, { resample: "5m" })).rejects.toThrow(/pipeline.data.resample is 5m, but .* holds bars/);
    const dir = join(tmp, "mixed");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(dir);
    writeFileSync(join(dir, "A.csv"), "timestamp,close\n2024-03-04,1\n");
    writeFileSync(join(dir, "B.csv"), "timestamp,bid,ask\n2024-03-04T14:30:00Z,1,2\n");
    await expect(load(dir)).rejects.toThrow(/mixes bar files and tick files/);
  });
});

// One bad row of every kind, at known lines (line 1 is the header).
const BAD = `timestamp,symbol,bid,ask,price,size
2024-03-04T14:30:00Z,AAA,10.00,10.02,,
2024-03-04T14:30:01Z,AAA,10.05,10.01,,
2024-03-04T14:30:02Z,AAA,10.01,10.01,,
2024-03-04T14:30:03Z,AAA,0,10.02,,
2024-03-04T14:30:04Z,AAA,10.00,10.02,,
2024-03-04T14:30:04Z,AAA,10.00,10.02,,
2024-03-04T14:30:04Z,AAA,10.01,10.03,,
2024-03-04T14:30:05Z,AAA,10.00,,,
2024-03-04T14:30:07Z,AAA,,,10.01,-
2024-03-04T14:30:06Z,AAA,10.00,10.02,,
2024-03-04T14:30:08Z,AAA,,,10.02,-50
`;

describe("bad ticks are reported by row", () => {
  it("finds each kind at its line and drops or keeps rows as the checks say", async () => {
    const d = await load(csv(BAD));
    const c = d.report.checks;
    const lines = (name: keyof typeof c) => c[name].examples.map((e) => e.row);
    expect(lines("crossed_quote")).toEqual([3]);
    expect(c.crossed_quote.examples[0].detail).toBe("ask 10.01 is below bid 10.05");
    expect(lines("locked_quote")).toEqual([4]);
    expect(lines("non_positive_price")).toEqual([5]);
    expect(c.non_positive_price.examples[0].column).toBe("bid");
    expect(lines("duplicate_ticks")).toEqual([7]);
    expect(c.duplicate_ticks.examples[0].detail).toBe("same values as line 6");
    expect(lines("same_time_ticks")).toEqual([8]);
    expect(lines("incomplete_tick")).toEqual([9]);
    expect(c.incomplete_tick.examples[0].detail).toBe("ask is missing, and there is no price");
    expect(lines("unsorted")).toEqual([11]);
    // "-" is text where a size belongs: reported, set missing; the trade itself is kept
    expect(lines("non_numeric")).toEqual([10]);
    expect(lines("negative_size")).toEqual([12]);
    expect(Number.isNaN(d.ticks!.series[0].values.size[d.ticks!.series[0].ts.length - 1])).toBe(true);
    for (const e of c.crossed_quote.examples) expect(e.file).toMatch(/t\d+\.csv$/);

    // Defaults: crossed, zero, repeated and incomplete rows dropped; locked and same-time kept.
    const s = d.ticks!.series[0];
    const t = (iso: string) => Date.parse(iso);
    expect(Array.from(s.ts)).toEqual(
      ["00", "02", "04", "04", "06", "07", "08"].map((x) => t(`2024-03-04T14:30:${x}Z`)),
    );
    expect(Array.from(s.values.bid).slice(0, 4)).toEqual([10, 10.01, 10, 10.01]);
  });

  it("warn keeps crossed quotes, fix drops locked ones and keeps the last tick of a timestamp", async () => {
    const d = await load(csv(BAD), { checks: { crossed_quote: "warn", locked_quote: "fix", same_time_ticks: "fix" } });
    const s = d.ticks!.series[0];
    const at = (iso: string) => Array.from(s.ts).filter((x) => x === Date.parse(iso)).length;
    expect(at("2024-03-04T14:30:01Z")).toBe(1); // crossed, kept
    expect(at("2024-03-04T14:30:02Z")).toBe(0); // locked, dropped
    expect(at("2024-03-04T14:30:04Z")).toBe(1); // last of the timestamp
    expect(s.values.bid[Array.from(s.ts).indexOf(Date.parse("2024-03-04T14:30:04Z"))]).toBe(10.01);
  });

  it.each([
    ["crossed_quote", /line 3, column "ask": crossed quote, ask 10.01 is below bid 10.05 \(symbol AAA\)/],
    ["locked_quote", /line 4, column "ask": locked quote/],
    ["non_positive_price", /line 5, column "bid": price 0 is not positive/],
    ["duplicate_ticks", /line 7: symbol AAA repeats the tick at 2024-03-04T14:30:04/],
    ["same_time_ticks", /line 8: symbol AAA has another tick at 2024-03-04T14:30:04/],
    ["incomplete_tick", /line 9, column "ask": ask is missing/],
    ["unsorted", /line 11, column "timestamp"/],
    ["negative_size", /line 12, column "size": size -50 is negative \(symbol AAA\)/],
  ])("with %s: error the load stops naming the line", async (check, message) => {
    const err = await load(csv(BAD), { checks: { [check]: "error" } }).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(message);
    expect(err.hint).toContain(`pipeline.data.checks.${check}`);
  });
});
