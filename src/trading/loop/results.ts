/**
 * What a replay leaves in its folder: `trades.csv` (one row per fill: timestamp, symbol, side,
 * quantity, price, commission) and `summary.json` (equity, return, drawdown, Sharpe, counts of
 * orders, fills, blocks by guardrail and rejects, plus a `performance` block of timings that is
 * the only part that differs between two identical replays). Both written atomically.
 */
import { join } from "node:path";
import { maxDrawdown } from "../../backtest/metrics.js";
import { annualizeSharpe, returnMoments } from "../../validation/metrics/sharpe.js";
import { writeFileAtomic, writeJsonAtomic } from "../../util/atomic.js";
import { finiteOrNull } from "../../util/finite.js";
import type { Fill } from "../orders/types.js";

export const TRADES_HEADER = "timestamp,symbol,side,quantity,price,commission";

export function tradesCsv(fills: readonly Fill[]): string {
  const lines = [TRADES_HEADER];
  for (const f of fills) lines.push(`${new Date(f.time).toISOString()},${f.symbol},${f.side},${f.quantity},${f.price},${f.commission}`);
  return lines.join("\n") + "\n";
}

export interface PerformanceFigures {
  /** Bars replayed per second of wall time (features, predictions and the loop together). */
  bars_per_second: number;
  /** Per-bar decision latency of the loop, milliseconds. */
  decision_ms: { mean: number; p50: number; p99: number; max: number };
  seconds: number;
}

export interface ReplaySummary {
  format: "foxml-trade-replay";
  version: 1;
  model: { run_id: string; target: string; member: string };
  broker: string;
  strategy: string;
  bars: number;
  first_bar: string | null;
  last_bar: string | null;
  orders: number;
  fills: number;
  shares_traded: number;
  commission: number;
  initial_equity: number;
  final_equity: number | null;
  total_return: number | null;
  max_drawdown: number | null;
  sharpe: number | null;
  blocked: Record<string, number>;
  rejected: number;
  halted: { reason: string | null; since: string | null } | null;
  performance?: PerformanceFigures;
}

/** Equity figures from the equity at each bar (before its decision). */
export function equityFigures(equity: readonly number[], initial: number, barsPerYear: number): Pick<ReplaySummary, "final_equity" | "total_return" | "max_drawdown" | "sharpe"> {
  if (equity.length === 0) return { final_equity: null, total_return: null, max_drawdown: null, sharpe: null };
  const nav = equity.map((e) => e / initial);
  const returns: number[] = [];
  for (let i = 1; i < equity.length; i++) returns.push(equity[i] / equity[i - 1] - 1);
  const dd = maxDrawdown(nav, 0, nav.length - 1);
  const m = returnMoments(returns);
  const last = equity[equity.length - 1];
  return { final_equity: last, total_return: finiteOrNull(last / initial - 1), max_drawdown: finiteOrNull(dd.depth), sharpe: finiteOrNull(annualizeSharpe(m.sharpe, barsPerYear)) };
}

export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

export function writeReplayFiles(dir: string, fills: readonly Fill[], summary: ReplaySummary): void {
  writeFileAtomic(join(dir, "trades.csv"), tradesCsv(fills));
  writeJsonAtomic(join(dir, "summary.json"), summary);
}
