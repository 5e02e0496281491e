/**
 * Resampling ticks into bars: hand-computed OHLC, tick counts, volumes and spreads on a tiny file;
 * empty intervals give no bar; bars never span a session close, a lunch break or a weekend; 1h
 * bars start at the session open, daily bars are one per trading day across a DST change; and the
 * property that matters most: a tick after a bar's close never changes that bar.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadData } from "../../src/data/load.js";
import { dataOptionsSchema } from "../../src/data/options.js";
import { INTERVAL_MS } from "../../src/data/types.js";
import { generateTicks, ticksCsv, type TickRow } from "../../src/data/synth/ticks.js";
import { resampleTicks, type ResampleInterval } from "../../src/data/ticks/resample.js";
import type { TickSeries } from "../../src/data/ticks/checks.js";
import { rng } from "../../src/util/random.js";

const tmp = mkdtempSync(join(tmpdir(), "foxml-ticks-resample-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
function file(text: string): string {
  const p = join(tmp, `f${n++}.csv`);
  writeFileSync(p, text);
  return p;
}
const load = (path: string, resample: string, extra: Record<string, unknown> = {}) => loadData(dataOptionsSchema.parse({ path, resample, min_bars: 1, ...extra }));
const T = (iso: string) => Date.parse(iso);
const col = (s: { columns: Map<string, Float64Array> }, name: string) => Array.from(s.columns.get(name)!);

// Monday 2024-03-04, New York opens at 14:30 UTC. A trades + quotes, B quotes only.
const TINY = `timestamp,symbol,bid,ask,bid_size,ask_size,price,size
2024-03-04T14:30:01Z,B,20.00,20.10,100,300,,
2024-03-04T14:30:10Z,A,10.00,10.02,,,,
2024-03-04T14:30:20Z,A,,,,,10.01,100
2024-03-04T14:31:00Z,A,10.02,10.06,,,,
2024-03-04T14:31:00Z,B,20.10,20.20,200,200,,
2024-03-04T14:32:00Z,A,,,,,10.05,200
2024-03-04T14:33:00Z,A,,,,,9.99,50
2024-03-04T14:34:59.999Z,A,10.00,10.04,,,,
2024-03-04T14:35:00Z,A,10.04,10.06,,,,
2024-03-04T14:36:00Z,A,,,,,10.06,10
2024-03-04T14:52:00Z,A,,,,,10.10,5
`;

describe("resampling known answers", () => {
  it("5m bars: OHLC of trades (or of the mid), tick count, volume, mean spread; no bar for empty intervals", async () => {
    const d = await load(file(TINY), "5m");
    expect(d.ticks?.priceSource).toEqual({ A: "trades", B: "quotes" });
    const [a, b] = d.series;
    expect(Array.from(a.ts)).toEqual([T("2024-03-04T14:30:00Z"), T("2024-03-04T14:35:00Z"), T("2024-03-04T14:50:00Z")]);
    expect(col(a, "open")).toEqual([10.01, 10.06, 10.1]);
    expect(col(a, "high")).toEqual([10.05, 10.06, 10.1]);
    expect(col(a, "low")).toEqual([9.99, 10.06, 10.1]);
    expect(col(a, "close")).toEqual([9.99, 10.06, 10.1]);
    expect(col(a, "ticks")).toEqual([3, 1, 1]);
    expect(col(a, "volume")).toEqual([350, 10, 5]);
    const spread = col(a, "spread");
    expect(spread[0]).toBeCloseTo((0.02 + 0.04 + 0.04) / 3, 12);
    expect(spread[1]).toBeCloseTo(0.02, 12);
    expect(Number.isNaN(spread[2])).toBe(true); // no quote in the 14:50 bar
    expect(col(a, "rel_spread")[0]).toBeCloseTo((0.02 / 10.01 + 0.04 / 10.04 + 0.04 / 10.02) / 3, 12);

    // Quotes only: OHLC of the mid, volume = displayed sizes summed.
    expect(Array.from(b.ts)).toEqual([T("2024-03-04T14:30:00Z")]);
    expect(col(b, "open")[0]).toBeCloseTo(20.05, 12);
    expect(col(b, "close")[0]).toBeCloseTo(20.15, 12);
    expect(col(b, "low")[0]).toBeCloseTo(20.05, 12);
    expect(col(b, "volume")).toEqual([800]);
    expect(col(b, "ticks")).toEqual([2]);

    // spread, rel_spread and ticks are candidate features; OHLCV standard columns.
    const kinds = Object.fromEntries(d.columns.map((c) => [c.name, c.kind]));
    expect(kinds).toMatchObject({ open: "standard", close: "standard", volume: "standard", spread: "extra-feature", rel_spread: "extra-feature", ticks: "extra-feature" });
    expect(d.missingStandardColumns).toEqual([]);
  });

  it("bad ticks dropped by the checks never reach a bar; kept with warn they do", async () => {
    const text = `timestamp,symbol,bid,ask
2024-03-04T14:30:01Z,A,10.00,10.02
2024-03-04T14:31:00Z,A,99.00,10.04
2024-03-04T14:32:00Z,A,0,10.04
2024-03-04T14:33:00Z,A,10.02,10.04
`;
    const d = await load(file(text), "5m");
    expect(col(d.series[0], "high")).toEqual([10.03]);
    expect(col(d.series[0], "ticks")).toEqual([2]);
    expect(d.report.checks.crossed_quote.examples[0].row).toBe(3);
    expect(d.report.checks.non_positive_price.examples[0].row).toBe(4);
    const kept = await load(file(text), "5m", { checks: { crossed_quote: "warn" } });
    expect(col(kept.series[0], "high")[0]).toBeCloseTo(54.52, 12);
    expect(col(kept.series[0], "spread")[0]).toBeLessThan(0);
  });

  it("extra_columns.exclude_patterns keeps derived columns out", async () => {
    const d = await load(file(TINY), "5m", { extra_columns: { exclude_patterns: ["ticks"] } });
    expect(d.series[0].columns.has("ticks")).toBe(false);
    expect(d.columns.find((c) => c.name === "ticks")?.kind).toBe("excluded");
  });

  it("a bar never spans the close: Friday's last bar ends at the close, Monday's first starts at the open", async () => {
    const text = `timestamp,symbol,price,size
2024-03-01T20:50:00Z,A,10,1
2024-03-01T20:59:59Z,A,11,1
2024-03-04T14:30:05Z,A,12,1
2024-03-04T15:29:00Z,A,13,1
2024-03-04T15:31:00Z,A,14,1
`;
    for (const [iv, labels] of [
      ["4h", ["2024-03-01T20:30:00Z", "2024-03-04T14:30:00Z"]],
      ["1h", ["2024-03-01T20:30:00Z", "2024-03-04T14:30:00Z", "2024-03-04T15:30:00Z"]],
      ["1d", ["2024-03-01T00:00:00Z", "2024-03-04T00:00:00Z"]],
    ] as const) {
      const d = await load(file(text), iv);
      const s = d.series[0];
      expect(Array.from(s.ts).map((x) => new Date(x).toISOString().replace(".000", "")), iv).toEqual(labels);
      expect(col(s, "close")[0], iv).toBe(11); // Friday's bar holds Friday only
      expect(col(s, "open")[1], iv).toBe(12);
    }
  });
});

/** TickSeries straight from generated rows (no checks: generated rows are clean). */
function series(rows: readonly TickRow[]): TickSeries[] {
  const bySymbol = new Map<string, TickRow[]>();
  for (const r of rows) {
    const list = bySymbol.get(r.symbol);
    if (list) list.push(r);
    else bySymbol.set(r.symbol, [r]);
  }
  return [...bySymbol].sort().map(([symbol, list]) => ({
    symbol,
    ts: Float64Array.from(list, (r) => r.ts),
    values: {
      bid: Float64Array.from(list, (r) => r.bid),
      ask: Float64Array.from(list, (r) => r.ask),
      bid_size: Float64Array.from(list, (r) => r.bidSize),
      ask_size: Float64Array.from(list, (r) => r.askSize),
      price: Float64Array.from(list, (r) => r.price),
      size: Float64Array.from(list, (r) => r.size),
    },
    sources: ["gen"],
  }));
}

describe("sessions on generated NYSE ticks (3 weeks across the March 2024 DST change)", () => {
  const rows = generateTicks({ seed: 5, tradingDays: 12, quotesPerMinute: 2, tradesPerMinute: 0.5 });
  const ticks = series(rows);

  it("4h bars start at 09:30 and 13:30 New York time, before and after the clocks change", () => {
    const bars = resampleTicks(ticks, "4h")[0].series;
    const times = Array.from(bars.ts).map((x) => new Date(x).toISOString().slice(5, 16));
    expect(times.slice(0, 2)).toEqual(["03-04T14:30", "03-04T18:30"]); // EST: UTC-5
    expect(times.slice(-2)).toEqual(["03-19T13:30", "03-19T17:30"]); // EDT: UTC-4
    expect(bars.ts.length).toBe(24);
  });

  it("daily bars are one per trading day, none on the weekend", () => {
    const bars = resampleTicks(ticks, "1d")[0].series;
    const days = Array.from(bars.ts).map((x) => new Date(x).toISOString().slice(0, 10));
    expect(days).toHaveLength(12);
    for (const d of days) expect([0, 6]).not.toContain(new Date(d).getUTCDay());
  });

  it("every bar holds exactly the trades in [start, start + interval), and bars per day fit one session", () => {
    for (const iv of ["5m", "30m", "1h", "4h"] as const) {
      const got = resampleTicks(ticks, iv);
      got.forEach((r, k) => {
        const s = r.series;
        const t = ticks[k];
        const counts = col(s, "ticks");
        let j = 0;
        for (let i = 0; i < s.ts.length; i++) {
          if (i > 0) expect(s.ts[i]).toBeGreaterThan(s.ts[i - 1]);
          let inBar = 0;
          while (j < t.ts.length && t.ts[j] < s.ts[i]) j++;
          for (let q = j; q < t.ts.length && t.ts[q] < s.ts[i] + INTERVAL_MS[iv]; q++) if (t.values.price[q] === t.values.price[q]) inBar++;
          expect(counts[i], `${iv} bar ${i}`).toBe(inBar);
        }
        const perDay = new Map<string, number>();
        for (const x of s.ts) {
          const day = new Date(x).toISOString().slice(0, 10);
          perDay.set(day, (perDay.get(day) ?? 0) + 1);
        }
        const max = { "5m": 78, "30m": 13, "1h": 7, "4h": 2 }[iv];
        for (const c of perDay.values()) expect(c).toBeLessThanOrEqual(max);
      });
    }
  });
});

describe("resampling is causal", () => {
  const rows = generateTicks({ seed: 9, tradingDays: 6, quotesPerMinute: 3, tradesPerMinute: 1 });
  const ticks = series(rows);
  const r = rng(11);

  it.each(["5m", "30m", "1h", "1d"] as ResampleInterval[])("%s: ticks after a bar's close (changed, dropped or cut off) never change it", (iv) => {
    const base = resampleTicks(ticks, iv);
    const first = rows[0].ts;
    const last = rows[rows.length - 1].ts;
    for (let k = 0; k < 3; k++) {
      const cut = first + (last - first) * (0.2 + 0.6 * r.uniform());
      // changed and thinned after the cut...
      const changed = series(
        rows
          .filter((x) => x.ts <= cut || r.uniform() > 0.1)
          .map((x) => (x.ts <= cut ? x : { ...x, price: x.price * 1.05, bid: x.bid * 0.97, ask: x.ask * 1.03, size: x.size + 7 })),
      );
      // ...or cut off there
      const truncated = series(rows.filter((x) => x.ts <= cut));
      for (const other of [changed, truncated]) {
        const got = resampleTicks(other, iv);
        for (let s = 0; s < base.length; s++) {
          const a = base[s].series;
          const b = got[s].series;
          let closed = 0;
          while (closed < a.ts.length && a.ts[closed] + (iv === "1d" ? 86_400_000 : INTERVAL_MS[iv]) <= cut) closed++;
          expect(closed).toBeGreaterThan(0);
          expect(Array.from(b.ts.subarray(0, closed))).toEqual(Array.from(a.ts.subarray(0, closed)));
          for (const c of a.columns.keys()) expect(Array.from(b.columns.get(c)!.subarray(0, closed)), `${iv} ${c}`).toEqual(Array.from(a.columns.get(c)!.subarray(0, closed)));
        }
      }
    }
  });
});

describe("lunch breaks", () => {
  it("a Tokyo-style session with a lunch break: 4h bars are cut at the break", async () => {
    const morning = generateTicks({ seed: 2, tradingDays: 5, session: { open: "09:00", close: "11:30", timezone: "Asia/Tokyo" }, symbols: ["T"] });
    const afternoon = generateTicks({ seed: 3, tradingDays: 5, session: { open: "12:30", close: "15:00", timezone: "Asia/Tokyo" }, symbols: ["T"] });
    const rows = [...morning, ...afternoon].sort((a, b) => a.ts - b.ts);
    const d = await load(file(ticksCsv(rows)), "4h");
    const times = Array.from(d.series[0].ts).map((x) => new Date(x).toISOString().slice(11, 16));
    // 09:00 JST = 00:00 UTC, 12:30 JST = 03:30 UTC: two bars a day, never one over the break
    expect(new Set(times)).toEqual(new Set(["00:00", "03:30"]));
    expect(times).toHaveLength(10);
  });
});
