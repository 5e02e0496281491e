/**
 * A market calendar from the bars themselves, for the paper broker: one session per UTC date that
 * has bars, from its first bar to the end of its last one. Daily bars make one-bar sessions.
 */
import { INTERVAL_MS, type IntervalInfo } from "../../data/types.js";
import type { MarketClock, TradingSession } from "./types.js";

export function sessionsFromBars(times: ArrayLike<number>, interval: IntervalInfo): TradingSession[] {
  const barMs = interval.interval === "irregular" ? 0 : INTERVAL_MS[interval.interval];
  const out: TradingSession[] = [];
  for (let i = 0; i < times.length; i++) {
    const t = times[i];
    const date = new Date(t).toISOString().slice(0, 10);
    const last = out[out.length - 1];
    // A daily (or longer) bar is a session on its own; intraday bars of one date share one.
    if (last !== undefined && last.date === date && barMs < 86_400_000) last.close = t + barMs;
    else out.push({ date, open: t, close: t + (barMs < 86_400_000 ? barMs : 0) });
  }
  return out;
}

/** The clock at `now` against sessions in time order: open inside one, and the next open / close. */
export function clockAt(now: number, sessions: readonly TradingSession[]): MarketClock {
  let lo = 0;
  let hi = sessions.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sessions[mid].close < now) lo = mid + 1;
    else hi = mid;
  }
  const s = sessions[lo];
  if (s === undefined) return { now, isOpen: false };
  const isOpen = s.open <= now && now <= s.close;
  const next = isOpen ? sessions[lo + 1] : s;
  return { now, isOpen, nextOpen: next?.open, nextClose: s.close };
}
