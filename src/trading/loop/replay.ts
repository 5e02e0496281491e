/**
 * `foxml trade --broker paper --replay`: history bar by bar through the live loop, against the
 * paper broker. Features are built once over the whole history (they are causal: see
 * model/features.ts), predictions once over every bar; then each bar goes broker -> loop exactly
 * as a live bar would. With an output folder, the journal and the paper broker's book live in it,
 * so a replay killed at any point and started again with the same arguments continues where it
 * died and ends with the trades of an uninterrupted one.
 */
import { join } from "node:path";
import type { BarInspection } from "../../data/inspect.js";
import type { IntervalInfo } from "../../data/types.js";
import { buildTarget } from "../../targets/index.js";
import { barsPerYear } from "../../validation/metrics/annualization.js";
import { hashJson } from "../../util/hash.js";
import { InputError } from "../../util/errors.js";
import { sessionsFromBars } from "../broker/calendar.js";
import { PaperBroker } from "../broker/paper.js";
import { panelSlice } from "../fills/quote.js";
import { historyFeatures } from "../model/features.js";
import type { TradingModel } from "../model/load.js";
import { firstSignalRow, signalGrid } from "../model/predict.js";
import { Journal } from "../orders/journal.js";
import type { TradingConfig } from "../schema.js";
import { Decider } from "../strategy/decide.js";
import { equityFigures, percentile, type ReplaySummary } from "./results.js";
import { TradingLoop, type LoopLog } from "./trading-loop.js";

export interface ReplayInput {
  model: TradingModel;
  inspection: BarInspection;
  cfg: TradingConfig;
  /** Folder of the journal and the paper book; null keeps them in memory. */
  stateDir: string | null;
  log: LoopLog;
  /** Describes the data in messages (its path). */
  dataLabel: string;
}

export interface Prepared {
  signal: Float64Array;
  start: number;
  step: number;
  decider: Decider;
  barsPerYear: number;
}

/** Features, predictions, schedule and decider for a model on a history: what backtest and replay share. */
export function prepareHistory(model: TradingModel, inspection: BarInspection, cfg: TradingConfig, dataLabel: string): Prepared {
  const panel = inspection.panel;
  if (!panel.has("close")) throw new InputError(`${dataLabel}: no close column; trading needs closes`);
  if (panel.T < 2) throw new InputError(`${dataLabel}: ${panel.T} bar(s); a replay needs at least two`);
  const grids = historyFeatures(inspection, model, dataLabel);
  const signal = signalGrid(model, grids, panel);
  const start = firstSignalRow(signal, panel.T, panel.S);
  if (start >= panel.T) throw new InputError(`model ${model.modelId} predicts nothing on ${dataLabel}: every bar lacks a feature value`, "give the replay more history than the features' lookback");
  const step = prepareStep(model, panel.interval, cfg);
  const bpy = barsPerYear(panel.times);
  return { signal, start, step, decider: new Decider(cfg, panel.symbols, bpy), barsPerYear: bpy };
}

/** Bars between rebalances: pipeline.trading.step, or the target's horizon. */
export function prepareStep(model: TradingModel, interval: IntervalInfo, cfg: TradingConfig): number {
  if (cfg.step !== undefined) return cfg.step;
  const c = model.config;
  const tctx = { interval, executionLag: c.pipeline.leakage.decision_time.execution_lag_bars };
  const listed = c.targets.find((t) => t.name === model.target);
  return (listed ? buildTarget({ ...listed.definition, name: listed.name }, tctx) : buildTarget(model.target, tctx)).horizon;
}

export interface ReplayResult {
  summary: ReplaySummary;
  journal: Journal;
  broker: PaperBroker;
}

export async function replay(o: ReplayInput): Promise<ReplayResult> {
  const t0 = performance.now();
  const { model, inspection, cfg } = o;
  const panel = inspection.panel;
  const prep = prepareHistory(model, inspection, cfg, o.dataLabel);
  const journal = Journal.open(o.stateDir === null ? ":memory:" : join(o.stateDir, "journal.sqlite"), cfg.journal.synchronous);
  // The live loop's poll interval and metrics endpoint change nothing a replay does.
  const { live: _live, metrics: _metrics, ...trading } = cfg;
  journal.bind(hashJson({ model: model.modelId, data: inspection.report.fingerprint, trading }), "model, data or trading settings");
  const broker = new PaperBroker({ path: o.stateDir === null ? ":memory:" : join(o.stateDir, "paper-broker.sqlite"), symbols: panel.symbols, initialCash: cfg.initial_cash, fill: cfg.fill, lot: cfg.lot_size, synchronous: cfg.journal.synchronous, sessions: sessionsFromBars(panel.times, panel.interval) });
  const loop = new TradingLoop({ broker, journal, decider: prep.decider, cfg, modelId: model.modelId, start: prep.start, step: prep.step, log: o.log });
  await loop.start();
  const S = panel.S;
  const latencies: number[] = [];
  for (let t = 0; t < panel.T; t++) {
    broker.advance(panelSlice(panel, t));
    if (t <= loop.lastDone()) continue;
    const r = await loop.onBar(panel, t, () => prep.signal.subarray(t * S, (t + 1) * S));
    latencies.push(r.latencyMs);
  }
  const seconds = (performance.now() - t0) / 1000;
  const fills = journal.fills();
  const equity = journal.equitySeries().map((e) => e.equity);
  const halt = journal.halt();
  latencies.sort((a, b) => a - b);
  const summary: ReplaySummary = {
    format: "foxml-trade-replay",
    version: 1,
    model: { run_id: model.runId, target: model.target, member: model.member },
    broker: "paper",
    strategy: prep.decider.description,
    bars: panel.T,
    first_bar: new Date(panel.times[0]).toISOString(),
    last_bar: new Date(panel.times[panel.T - 1]).toISOString(),
    orders: journal.orders().length,
    fills: fills.length,
    shares_traded: fills.reduce((a, f) => a + f.quantity, 0),
    commission: fills.reduce((a, f) => a + f.commission, 0),
    initial_equity: cfg.initial_cash,
    ...equityFigures(equity, cfg.initial_cash, prep.barsPerYear),
    blocked: journal.blockedByRule(),
    rejected: journal.orders().filter((x) => x.state === "rejected").length,
    halted: halt.halted ? { reason: halt.reason, since: halt.since === null ? null : new Date(halt.since).toISOString() } : null,
    performance: {
      bars_per_second: panel.T / seconds,
      decision_ms: { mean: latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length), p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), max: latencies[latencies.length - 1] ?? NaN },
      seconds,
    },
  };
  return { summary, journal, broker };
}
