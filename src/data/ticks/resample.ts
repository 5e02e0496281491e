import { DAY_MS } from "../panel/sessions.js";
import { INTERVAL_MS, type SymbolSeries } from "../types.js";
import type { DataOptions } from "../options.js";
import type { TickSeries } from "./checks.js";
import { tickSessions } from "./sessions.js";

/**
 * Ticks -> bars, per symbol and session.
 *
 * A bar is labelled by its start and holds the ticks in [start, start + interval) of one session:
 * open/high/low/close of the trade price (symbols with trades) or of the quote mid (quote-only
 * symbols), `ticks` (the price ticks in the bar), `volume` (trade sizes summed; for quote-only
 * symbols the displayed bid + ask sizes summed over the quote updates, a proxy), `spread` (mean
 * ask - bid over the bar's quotes) and `rel_spread` (mean (ask - bid) / mid). Everything in a bar
 * is known at its close, which is the decision time of its row (a row's features use bars up to
 * and including it), and a tick after a bar's close never changes it.
 *
 * Grid: bars up to 30m sit on multiples of the interval since the epoch (UTC); 1h and 4h bars
 * start at the session open (the day's earliest first tick over all symbols, floored to 30
 * minutes, so every symbol shares the grid: 09:30 New York opens give 09:30, 10:30, ...); 1d bars
 * are one per trading day, stamped 00:00 UTC of its date like daily bar files. A bar never crosses
 * a session boundary (tickSessions): the last bar of a session is cut at the close. An interval
 * without a price tick has no bar (missing), never a flat copy of the last one.
 */

export type ResampleInterval = Exclude<DataOptions["resample"], "off">;

/** Columns resampled bars carry besides OHLC; `spread`/`rel_spread` need quotes, `volume` sizes. */
export const TICK_BAR_COLUMNS = ["ticks", "spread", "rel_spread"] as const;

const ANCHOR_MS = 30 * 60_000;

export interface ResampledSymbol {
  series: SymbolSeries;
  /** Where OHLC came from. */
  priceSource: "trades" | "quotes";
}

export function resampleTicks(ticks: readonly TickSeries[], interval: ResampleInterval): ResampledSymbol[] {
  const sessions = ticks.map((t) => tickSessions(t.ts));
  const anchors = interval === "1h" || interval === "4h" ? dayAnchors(ticks, sessions) : null;
  const anyQuotes = ticks.some((t) => hasFinite(t.values.bid) && hasFinite(t.values.ask));
  const anySize = ticks.some((t) => hasFinite(t.values.size) || hasFinite(t.values.bid_size) || hasFinite(t.values.ask_size));
  return ticks.map((t, k) => resampleSymbol(t, sessions[k], interval, anchors, anyQuotes, anySize));
}

function hasFinite(v: Float64Array): boolean {
  for (let i = 0; i < v.length; i++) if (v[i] === v[i]) return true;
  return false;
}

/** Per trading day: the earliest first tick of that day's first session over all symbols, floored to 30 minutes. */
function dayAnchors(ticks: readonly TickSeries[], sessions: ReturnType<typeof tickSessions>[]): Map<number, number> {
  const out = new Map<number, number>();
  ticks.forEach((t, k) => {
    const s = sessions[k];
    for (let j = 0; j < s.starts.length; j++) {
      if (j > 0 && s.day[j] === s.day[j - 1]) continue;
      const a = Math.floor(t.ts[s.starts[j]] / ANCHOR_MS) * ANCHOR_MS;
      const prev = out.get(s.day[j]);
      if (prev === undefined || a < prev) out.set(s.day[j], a);
    }
  });
  return out;
}

class BarBuilder {
  readonly ts: number[] = [];
  readonly open: number[] = [];
  readonly high: number[] = [];
  readonly low: number[] = [];
  readonly close: number[] = [];
  readonly ticks: number[] = [];
  readonly volume: number[] = [];
  readonly spread: number[] = [];
  readonly relSpread: number[] = [];
  private label = NaN;
  private o = NaN;
  private h = -Infinity;
  private l = Infinity;
  private c = NaN;
  private n = 0;
  private vol = 0;
  private nVol = 0;
  private spr = 0;
  private rel = 0;
  private nQuote = 0;

  start(label: number): void {
    this.flush();
    const last = this.ts.length > 0 ? this.ts[this.ts.length - 1] : -Infinity;
    this.label = label > last ? label : last + 1;
  }
  get current(): number {
    return this.label;
  }
  price(p: number): void {
    if (this.n === 0) this.o = p;
    if (p > this.h) this.h = p;
    if (p < this.l) this.l = p;
    this.c = p;
    this.n++;
  }
  size(x: number): void {
    if (x === x) {
      this.vol += x;
      this.nVol++;
    }
  }
  quote(bid: number, ask: number): void {
    this.spr += ask - bid;
    this.rel += (ask - bid) / ((ask + bid) / 2);
    this.nQuote++;
  }
  flush(): void {
    if (this.label === this.label && this.n > 0) {
      this.ts.push(this.label);
      this.open.push(this.o);
      this.high.push(this.h);
      this.low.push(this.l);
      this.close.push(this.c);
      this.ticks.push(this.n);
      this.volume.push(this.nVol > 0 ? this.vol : NaN);
      this.spread.push(this.nQuote > 0 ? this.spr / this.nQuote : NaN);
      this.relSpread.push(this.nQuote > 0 ? this.rel / this.nQuote : NaN);
    }
    this.label = NaN;
    this.o = this.c = NaN;
    this.h = -Infinity;
    this.l = Infinity;
    this.n = this.nVol = this.nQuote = 0;
    this.vol = this.spr = this.rel = 0;
  }
}

function resampleSymbol(
  t: TickSeries,
  sessions: ReturnType<typeof tickSessions>,
  interval: ResampleInterval,
  anchors: Map<number, number> | null,
  anyQuotes: boolean,
  anySize: boolean,
): ResampledSymbol {
  const { bid, ask, price, size, bid_size: bidSize, ask_size: askSize } = t.values;
  const trades = hasFinite(price);
  const step = INTERVAL_MS[interval];
  const b = new BarBuilder();
  const n = t.ts.length;
  for (let j = 0; j < sessions.starts.length; j++) {
    const from = sessions.starts[j];
    const to = j + 1 < sessions.starts.length ? sessions.starts[j + 1] : n;
    const day = sessions.day[j];
    const newDay = j === 0 || sessions.day[j - 1] !== day;
    const anchor = anchors === null ? 0 : newDay ? anchors.get(day)! : Math.floor(t.ts[from] / ANCHOR_MS) * ANCHOR_MS;
    // A new session always starts a new bar (1d: a new trading day does).
    let gridLabel = NaN;
    if (interval !== "1d" || newDay) b.flush();
    for (let i = from; i < to; i++) {
      const x = t.ts[i];
      const g = interval === "1d" ? day * DAY_MS : anchor + Math.floor((x - anchor) / step) * step;
      if (g !== gridLabel) {
        if (interval !== "1d" || b.current !== b.current) b.start(g);
        gridLabel = g;
      }
      const quote = bid[i] === bid[i] && ask[i] === ask[i];
      if (trades) {
        if (price[i] === price[i]) {
          b.price(price[i]);
          b.size(size[i]);
        }
      } else if (quote) {
        b.price((bid[i] + ask[i]) / 2);
        const depth = (bidSize[i] === bidSize[i] ? bidSize[i] : 0) + (askSize[i] === askSize[i] ? askSize[i] : 0);
        if (bidSize[i] === bidSize[i] || askSize[i] === askSize[i]) b.size(depth);
      }
      if (quote) b.quote(bid[i], ask[i]);
    }
  }
  b.flush();
  const columns = new Map<string, Float64Array>([
    ["open", Float64Array.from(b.open)],
    ["high", Float64Array.from(b.high)],
    ["low", Float64Array.from(b.low)],
    ["close", Float64Array.from(b.close)],
  ]);
  if (anySize) columns.set("volume", Float64Array.from(b.volume));
  columns.set("ticks", Float64Array.from(b.ticks));
  if (anyQuotes) {
    columns.set("spread", Float64Array.from(b.spread));
    columns.set("rel_spread", Float64Array.from(b.relSpread));
  }
  return { series: { symbol: t.symbol, ts: Float64Array.from(b.ts), columns, sources: t.sources }, priceSource: trades ? "trades" : "quotes" };
}
