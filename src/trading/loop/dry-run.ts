/**
 * `foxml trade --dry-run`: the orders the newest bar would send, computed the live way (features
 * from only the bars they need, see model/features.ts), checked by the guardrails, and printed
 * instead of sent. A bar older than `max_bar_age_bars` intervals is stale: an error, not orders.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { BarInspection } from "../../data/inspect.js";
import { INTERVAL_MS, type IntervalInfo } from "../../data/types.js";
import { parseTimestamp } from "../../data/timestamps.js";
import { barsPerYear } from "../../validation/metrics/annualization.js";
import { InputError } from "../../util/errors.js";
import { PaperBroker } from "../broker/paper.js";
import { modelFeatureOptions, windowPlan } from "../model/features.js";
import type { TradingModel } from "../model/load.js";
import { rowSignal } from "../model/predict.js";
import { clientOrderId } from "../orders/client-id.js";
import { signedQuantity } from "../orders/types.js";
import { lastCloses } from "../fills/quote.js";
import { checkOrder } from "../risk/guardrails.js";
import type { TradingConfig } from "../schema.js";
import { Decider } from "../strategy/decide.js";

export interface DryRunInput {
  model: TradingModel;
  inspection: BarInspection;
  cfg: TradingConfig;
  /** ISO time or "last"; default: now, which a historical file fails as stale. */
  asOf?: string;
  stateDir: string | null;
  dataLabel: string;
  now?: number;
}

export interface DryRunOrder {
  client_order_id: string;
  bar_time: string;
  symbol: string;
  side: string;
  quantity: number;
  type: "market";
  time_in_force: "day";
  reference_price: number;
  guardrail: "ok" | string;
  reason?: string;
}

/** Milliseconds of one bar. */
export function barIntervalMs(interval: IntervalInfo): number {
  return interval.interval === "irregular" ? interval.medianSpacingMs : INTERVAL_MS[interval.interval];
}

/** How many bar intervals `now` is after the bar at `barTime` (the staleness `max_bar_age_bars` limits). */
export function barAgeInBars(barTime: number, now: number, interval: IntervalInfo): number {
  return (now - barTime) / barIntervalMs(interval);
}

/** The decision bar: the last one at or before `asOf` (or the newest), checked for staleness against now. */
export function decisionBar(inspection: BarInspection, cfg: TradingConfig, asOf: string | undefined, now: number, dataLabel: string): number {
  const { panel } = inspection;
  const times = panel.times;
  let t = panel.T - 1;
  let clock = now;
  if (asOf !== undefined && asOf !== "last") {
    const ms = parseTimestamp(asOf);
    if (!Number.isFinite(ms)) throw new InputError(`--as-of ${asOf} is not a time`, "use an ISO time such as 2000-06-30 or 2000-06-30T16:00:00Z, or 'last'");
    while (t >= 0 && times[t] > ms) t--;
    if (t < 0) throw new InputError(`--as-of ${asOf}: ${dataLabel} has no bar at or before it`);
    clock = ms;
  } else if (asOf === "last") clock = times[t];
  const age = barAgeInBars(times[t], clock, panel.interval);
  if (age > cfg.max_bar_age_bars) {
    throw new InputError(
      `stale bar: the newest bar of ${dataLabel} is ${new Date(times[t]).toISOString()}, ${age.toFixed(1)} bar intervals before ${new Date(clock).toISOString()} (limit pipeline.trading.max_bar_age_bars = ${cfg.max_bar_age_bars}); nothing is traded on it`,
      "update the data, or pass --as-of last (or a time) to see what the model would have done then",
    );
  }
  return t;
}

export async function dryRun(o: DryRunInput): Promise<DryRunOrder[]> {
  const { model, inspection, cfg } = o;
  const panel = inspection.panel;
  if (model.sequence) throw new InputError(`model ${model.modelId} is a sequence model; the dry run predicts tabular models only in this version`, "use --replay, or a tabular family");
  const t = decisionBar(inspection, cfg, o.asOf, o.now ?? Date.now(), o.dataLabel);
  const plan = windowPlan(panel, modelFeatureOptions(inspection, model), model, o.dataLabel);
  const signal = rowSignal(model, panel, t, plan);
  if (o.stateDir !== null && !existsSync(join(o.stateDir, "paper-broker.sqlite"))) {
    throw new InputError(`--state ${o.stateDir} holds no paper book (paper-broker.sqlite)`, "give the --out folder of a replay, or leave --state out to start from an empty book");
  }
  const broker = new PaperBroker({ path: o.stateDir === null ? ":memory:" : join(o.stateDir, "paper-broker.sqlite"), symbols: panel.symbols, initialCash: cfg.initial_cash, fill: cfg.fill, lot: cfg.lot_size });
  try {
    const account = await broker.account();
    const positions = new Map((await broker.positions()).map((p) => [p.symbol, p.quantity]));
    const decider = new Decider(cfg, panel.symbols, barsPerYear(panel.times));
    const decided = decider.decide(panel, t, signal, { equity: account.equity, held: (s) => positions.get(s) ?? 0, pending: () => 0 });
    const lastClose = lastCloses(panel, t);
    const pending = new Map<string, number>();
    const out: DryRunOrder[] = [];
    let accepted = 0;
    for (const r of decided) {
      const ref = lastClose.get(r.symbol) ?? NaN;
      const v = checkOrder({ ...r, intent: "rebalance", referencePrice: ref }, { now: panel.times[t], equity: account.equity, positions, pending, lastClose, ordersLastMinute: accepted, dailyLossHit: false, halted: false }, cfg.risk);
      if (v.ok) {
        accepted++;
        pending.set(r.symbol, (pending.get(r.symbol) ?? 0) + signedQuantity(r.side, r.quantity));
      }
      out.push({
        client_order_id: clientOrderId(model.modelId, panel.times[t], r.symbol, "rebalance"),
        bar_time: new Date(panel.times[t]).toISOString(),
        symbol: r.symbol,
        side: r.side,
        quantity: r.quantity,
        type: "market",
        time_in_force: "day",
        reference_price: ref,
        guardrail: v.ok ? "ok" : v.rule,
        ...(v.ok ? {} : { reason: v.reason }),
      });
    }
    return out;
  } finally {
    await broker.close();
  }
}
