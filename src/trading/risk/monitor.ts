/**
 * What the guardrails track over time: the equity peak (for the max-drawdown kill switch) and the
 * day's first equity (for the daily loss limit). The state is a plain object the loop keeps in its
 * journal, so a restarted loop remembers both.
 */
import type { RiskConfig } from "../schema.js";
import { localTime } from "./hours.js";

export interface RiskState {
  peak: number;
  day: string;
  dayStart: number;
}

export interface RiskReading {
  state: RiskState;
  /** equity / peak - 1 (<= 0). */
  drawdown: number;
  /** equity / day start - 1. */
  dayReturn: number;
  dailyLossHit: boolean;
  /** Why the kill switch fires now, or null. */
  kill: string | null;
}

/** The trading day of an instant: the local date in the market-hours zone when they are on, else the UTC date. */
export function tradingDay(ms: number, risk: RiskConfig): string {
  return !risk.market_hours.enabled ? new Date(ms).toISOString().slice(0, 10) : localTime(ms, risk.market_hours.timezone).date;
}

export function readRisk(prev: RiskState | undefined, equity: number, now: number, risk: RiskConfig, rebasePeak = false): RiskReading {
  const day = tradingDay(now, risk);
  const peak = prev === undefined || rebasePeak ? equity : Math.max(prev.peak, equity);
  const dayStart = prev === undefined || prev.day !== day ? equity : prev.dayStart;
  const state: RiskState = { peak, day, dayStart };
  const drawdown = peak > 0 ? equity / peak - 1 : -1;
  const dayReturn = dayStart > 0 ? equity / dayStart - 1 : 0;
  const dailyLossHit = risk.daily_loss_limit !== null && dayReturn <= -risk.daily_loss_limit;
  const kill = risk.max_drawdown !== null && drawdown <= -risk.max_drawdown ? `drawdown ${(drawdown * 100).toFixed(2)}% reached the max_drawdown limit of ${(risk.max_drawdown * 100).toFixed(2)}%` : null;
  return { state, drawdown, dayReturn, dailyLossHit, kill };
}
