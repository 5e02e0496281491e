/**
 * The market clock and calendar of a live IBKR session, from `risk.market_hours` (TWS has no
 * exchange calendar call short of parsing each contract's liquid hours): sessions are the
 * configured local hours on every day (weekdays only when set), holidays not known. With market
 * hours off, the market counts as always open and the calendar is empty, as for the paper broker
 * without sessions.
 */
import type { RiskConfig } from "../../schema.js";
import { localTime, withinTradingHours } from "../../risk/hours.js";
import type { MarketClock, TradingSession } from "../types.js";
import { zonedToEpoch } from "./ib-time.js";

type Hours = RiskConfig["market_hours"];
const DAY = 86_400_000;

export function sessionsBetween(from: number, to: number, h: Hours): TradingSession[] {
  if (!h.enabled) return [];
  const out: TradingSession[] = [];
  const dates = new Set<string>();
  const [sh, sm] = h.start.split(":").map(Number);
  const [eh, em] = h.end.split(":").map(Number);
  // One step per local date, from a day before `from` (a session opening at `from` in a zone behind UTC).
  for (let t = from - DAY; t <= to + DAY; t += DAY) {
    const { date, weekday } = localTime(t, h.timezone);
    if (dates.has(date)) continue;
    dates.add(date);
    if (h.weekdays_only && (weekday === 0 || weekday === 6)) continue;
    const [y, mo, d] = date.split("-").map(Number);
    const open = zonedToEpoch(y, mo, d, sh, sm, 0, h.timezone);
    const close = zonedToEpoch(y, mo, d, eh, em, 0, h.timezone);
    if (open >= from && open <= to) out.push({ date, open, close });
  }
  return out;
}

export function clockNow(now: number, h: Hours): MarketClock {
  if (!h.enabled) return { now, isOpen: true };
  const isOpen = withinTradingHours(now, h);
  const next = sessionsBetween(now, now + 8 * DAY, h)[0];
  const today = sessionsBetween(now - DAY, now, h).at(-1);
  return { now, isOpen, nextOpen: next?.open, nextClose: isOpen ? today?.close : next?.close };
}
