/**
 * The live loop: `foxml trade --broker paper|alpaca|ibkr --model RUN_DIR --state DIR`.
 *
 *   poll the feed -> each newly complete bar time, oldest first: window <- bar; paper broker fills
 *   against it; stale / market closed / warming up / no prediction: a logged skip; else features
 *   from the window only -> prediction -> TradingLoop.onBar (decide, guardrails, journal, submit).
 *   Between bars: a halt set by `foxml trade halt` (another process) cancels and flattens at once.
 *
 * A bar time is complete once a later bar has arrived, or when every symbol with a bar at one of
 * the few times before has one at it; a late bar for a time already decided is ignored (the
 * decision is final). Bars are numbered from the loop's first one; the journal keeps the number and time of the
 * last bar decided, so a restarted loop warms up from the feed, finds that bar, and continues with
 * the next: together with the TradingLoop's deterministic client ids, a loop killed anywhere and
 * restarted ends with the book of one never killed.
 */
import type { Panel } from "../../data/types.js";
import type { FeaturePlan } from "../../features/plan.js";
import { panelFromGrids } from "../../data/panel.js";
import { InputError } from "../../util/errors.js";
import type { PaperBroker } from "../broker/paper.js";
import type { Broker } from "../broker/types.js";
import type { BarFeed, LiveBar } from "../feed/types.js";
import { panelSlice } from "../fills/quote.js";
import { featureOptions, windowPlan } from "../model/features.js";
import type { TradingModel } from "../model/load.js";
import { rowSignal } from "../model/predict.js";
import type { TrainedUniverse } from "../model/universe.js";
import type { Journal } from "../orders/journal.js";
import type { TradingConfig } from "../schema.js";
import type { TradingMetrics } from "../metrics.js";
import { Decider } from "../strategy/decide.js";
import { BarWindow } from "./bar-window.js";
import { barAgeInBars, barIntervalMs } from "./dry-run.js";
import { percentile } from "./results.js";
import { errorText, isTransientError, type SubmitRetry } from "./submit.js";
import { TradingLoop, type BarOutcome, type LoopLog } from "./trading-loop.js";

export interface LiveInput {
  model: TradingModel;
  universe: TrainedUniverse;
  cfg: TradingConfig;
  broker: Broker;
  feed: BarFeed;
  /** The paper broker when trading on paper: it fills against the feed's bars. */
  paper: PaperBroker | null;
  journal: Journal;
  log: LoopLog;
  metrics: TradingMetrics | null;
  /** Aborted by SIGTERM / SIGINT: the loop finishes the bar it is in and returns. */
  stop: AbortSignal;
  /** Wall clock, for staleness (epoch ms). */
  now?: () => number;
  retry?: SubmitRetry;
}

export type SkipReason = "stale" | "closed" | "warmup" | "no_signal";

export interface LiveSummary {
  bars: number;
  decided: number;
  skipped: Partial<Record<SkipReason, number>>;
  /** Per decided bar: features, prediction, decision, guardrails and submission, ms. */
  decision_ms: { p50: number; p99: number; max: number; n: number };
}

/** Bars asked of the feed at once, per symbol. */
const PAGE = 5000;
/** Latencies kept for the running percentiles in the journal's heartbeat. */
const KEEP_LATENCIES = 2000;

export class LiveLoop {
  private readonly loop: TradingLoop;
  private readonly window: BarWindow;
  private readonly plan: FeaturePlan;
  private readonly need: number;
  private readonly step: number;
  private readonly now: () => number;
  private readonly latencies: number[] = [];
  private readonly summary: LiveSummary = { bars: 0, decided: 0, skipped: {}, decision_ms: { p50: NaN, p99: NaN, max: NaN, n: 0 } };
  private scheduleStart: number | undefined;
  private haltHandled = false;
  /** The newest row is in the window but was not processed (a transient broker error): retried first. */
  private unprocessed = false;
  private initialEquity: number;

  constructor(private readonly o: LiveInput, step: number) {
    const { model, universe, cfg, journal } = o;
    if (model.sequence) throw new InputError(`model ${model.modelId} is a sequence model; the live loop trades tabular models in this version`, "trade a tabular family (ridge, lightgbm, ...) or use --replay");
    this.now = o.now ?? Date.now;
    this.step = step;
    // Planned on the training columns: what the features read, hence how many bars to keep.
    this.plan = windowPlan(schemaPanel(universe), featureOptions(model, []), model, `the live bars of ${universe.symbols.length} symbols`);
    const decider = new Decider(cfg, universe.symbols, universe.barsPerYear);
    this.need = Math.max(this.plan.warmupRows + 1, decider.historyBars + 1);
    this.window = new BarWindow(universe.symbols, universe.columns, this.need, universe.interval);
    this.scheduleStart = journal.meta.get<number>("live_schedule_start");
    this.initialEquity = journal.meta.get<number>("live_initial_equity") ?? NaN;
    this.loop = new TradingLoop({ broker: o.broker, journal, decider, cfg, modelId: model.modelId, start: this.scheduleStart ?? Number.MAX_SAFE_INTEGER, step, log: o.log, retry: o.retry });
  }

  /** Bars of history kept (features' lookback and the strategy's volatility window, plus the bar itself). */
  get windowBars(): number {
    return this.need;
  }

  async run(): Promise<LiveSummary> {
    const { journal, log, stop } = this.o;
    this.heartbeat(null);
    await this.loop.start();
    await this.warmUp();
    log.info("live loop started", { broker: this.o.broker.name, feed: this.o.feed.name, window_bars: this.need, last_bar: journal.meta.get<number>("last_bar_time") ?? null });
    while (!stop.aborted) {
      try {
        await this.poll();
      } catch (e) {
        if (!isTransientError(e)) throw e;
        log.warn("broker or feed unreachable; trying again at the next poll", { error: errorText(e) });
      }
      if (stop.aborted) break;
      await sleep(this.o.cfg.live.poll_ms, stop);
    }
    log.info("live loop stopped", { bars: this.summary.bars, decided: this.summary.decided });
    return this.summary;
  }

  /** The history up to the last bar decided (or, on a first start, up to the newest bar, which is then decided). */
  private async warmUp(): Promise<void> {
    const { journal, feed } = this.o;
    const lastDone = journal.meta.get<number>("last_bar");
    const lastTime = journal.meta.get<number>("last_bar_time");
    const barMs = barIntervalMs(this.o.universe.interval);
    const anchor = lastTime ?? this.now();
    const from = feed.holdsHistory ? -Infinity : anchor - (2 * this.need * barMs + 7 * 86_400_000);
    const times = completeTimes(await this.fetchAll(from), null);
    let history: Array<[number, LiveBar[]]>;
    if (lastDone === undefined || lastTime === undefined) {
      // First start: the newest complete bar is decided like a live one; the rest is history.
      history = times.slice(0, Math.max(0, times.length - 1));
      this.window.lastIndex = -1;
    } else {
      const p = times.findIndex(([t]) => t === lastTime);
      if (p < 0) {
        const newest = times.length > 0 ? new Date(times[times.length - 1][0]).toISOString() : "none";
        throw new InputError(
          `the bar feed ${feed.name} does not hold the last bar this loop decided (${new Date(lastTime).toISOString()}; the feed's newest is ${newest})`,
          "the feed must keep the history the loop traded on; to start afresh, give another --state folder",
        );
      }
      history = times.slice(0, p + 1);
      this.window.lastIndex = lastDone - (p + 1);
    }
    for (const [t, bars] of history) this.window.push(t, bars);
  }

  /** Every bar after `from`, page by page. */
  private async fetchAll(from: number): Promise<LiveBar[]> {
    const symbols = this.o.universe.symbols;
    const out: LiveBar[] = [];
    let after = from;
    for (;;) {
      const page = await this.o.feed.barsAfter(symbols, after, PAGE);
      if (page.length === 0) break;
      out.push(...page);
      const count = new Map<string, number>();
      for (const b of page) count.set(b.symbol, (count.get(b.symbol) ?? 0) + 1);
      if (![...count.values()].some((n) => n >= PAGE)) break;
      after = Math.min(...[...count.entries()].filter(([, n]) => n >= PAGE).map(([s]) => Math.max(...page.filter((b) => b.symbol === s).map((b) => b.time))));
    }
    return out;
  }

  private async poll(): Promise<void> {
    const { journal, metrics } = this.o;
    if (this.unprocessed) {
      await this.process();
      this.unprocessed = false;
    }
    const halted = journal.halt().halted;
    if (halted && !this.haltHandled && this.window.length > 0) {
      this.o.log.warn("halted: cancelling every open order and flattening", { reason: journal.halt().reason });
      const out = await this.loop.haltNow(this.window.panel(), this.window.length - 1);
      metrics?.record(out);
      await this.book(out.equity, true);
    }
    this.haltHandled = halted;
    const bars = await this.fetchAll(this.window.lastTime);
    const prev = this.window.length > 0 ? this.window.panel() : null;
    for (const [t, rows] of completeTimes(bars, prev === null ? null : presentIn(prev, RECENT_TIMES))) {
      if (this.o.stop.aborted) return;
      this.window.push(t, rows);
      this.unprocessed = true;
      await this.process();
      this.unprocessed = false;
    }
  }

  /** The newest row of the window: fills, then a decision or a logged skip. */
  private async process(): Promise<void> {
    const t0 = performance.now();
    const { cfg, log, journal, metrics, paper, broker } = this.o;
    const panel = this.window.panel();
    const t = panel.T - 1;
    const index = this.window.lastIndex;
    const time = panel.times[t];
    if (index <= this.loop.lastDone()) return;
    paper?.advance(panelSlice(panel, t));
    this.summary.bars++;
    const iso = new Date(time).toISOString();
    const age = barAgeInBars(time, this.now(), this.o.universe.interval);
    let skip: SkipReason | null = null;
    let signal: Float64Array | null = null;
    if (age > cfg.max_bar_age_bars) {
      skip = "stale";
      log.warn("stale bar: nothing is traded on it", { bar: iso, age_bars: Number(age.toFixed(2)), limit: cfg.max_bar_age_bars });
    } else if (paper === null && !(await broker.clock()).isOpen) {
      skip = "closed";
      log.info("market closed: bar not traded", { bar: iso });
    } else if (panel.T < this.need) {
      skip = "warmup";
      log.info("warming up: not enough history for the model's features yet", { bar: iso, have: panel.T, need: this.need });
    } else {
      signal = rowSignal(this.o.model, panel, t, this.liveCheckedPlan(panel), this.window.firstIndex);
      if (this.scheduleStart === undefined) {
        if (signal.some((x) => Number.isFinite(x))) {
          this.scheduleStart = index;
          journal.meta.set("live_schedule_start", index);
          this.loop.schedule(index, this.step);
        } else {
          skip = "no_signal";
          log.warn("the model predicts nothing on this bar (a feature is missing for every symbol)", { bar: iso });
        }
      }
    }
    let out: BarOutcome | null = null;
    if (skip !== null) {
      this.loop.skip(index, time);
      this.summary.skipped[skip] = (this.summary.skipped[skip] ?? 0) + 1;
      metrics?.bars.inc({ outcome: skip });
    } else {
      const s = signal!;
      out = await this.loop.onBar(panel, t, () => s, index);
      const ms = performance.now() - t0;
      this.summary.decided++;
      this.latencies.push(ms);
      if (this.latencies.length > KEEP_LATENCIES) this.latencies.shift();
      if (metrics !== null) {
        metrics.bars.inc({ outcome: "decided" });
        metrics.latency.observe(ms / 1000);
        metrics.record(out);
      }
      if (out.blocked + out.rejected + out.unknown > 0 || out.submitted > 0) log.info("bar decided", { bar: iso, submitted: out.submitted, blocked: out.blocked, rejected: out.rejected, unknown: out.unknown, ms: Number(ms.toFixed(2)) });
    }
    if (!Number.isFinite(this.initialEquity) && out !== null && Number.isFinite(out.equity)) {
      this.initialEquity = out.equity;
      journal.meta.set("live_initial_equity", out.equity);
    }
    await this.book(out?.equity ?? NaN, journal.halt().halted);
    this.heartbeat(time);
  }

  private checkedPlan: FeaturePlan | null = null;

  /** The plan checked once against the live columns: a feature whose column the feed lacks is an error naming it. */
  private liveCheckedPlan(panel: Panel): FeaturePlan {
    if (this.checkedPlan === null) {
      windowPlan(schemaPanel(this.o.universe, columnsWithValues(panel)), featureOptions(this.o.model, []), this.o.model, `the live bars from the ${this.o.feed.name} feed`);
      this.checkedPlan = this.plan;
    }
    return this.checkedPlan;
  }

  private async book(equity: number, halted: boolean): Promise<void> {
    const { metrics, broker } = this.o;
    if (metrics === null) return;
    let gross = 0;
    let net = 0;
    for (const p of await broker.positions()) {
      gross += Math.abs(p.quantity * p.marketPrice);
      net += p.quantity * p.marketPrice;
    }
    const eq = Number.isFinite(equity) ? equity : (await broker.account()).equity;
    metrics.book({ equity: eq, initialEquity: this.initialEquity, gross, net, halted });
  }

  /** The loop's process and progress, in the journal for `foxml trade status` (and the one-loop-per-folder check). */
  private heartbeat(barTime: number | null): void {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    this.summary.decision_ms = { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted[sorted.length - 1] ?? NaN, n: sorted.length };
    this.o.journal.meta.set("live", {
      pid: process.pid,
      broker: this.o.broker.name,
      feed: this.o.feed.name,
      heartbeat: new Date().toISOString(),
      last_bar_time: barTime === null ? null : new Date(barTime).toISOString(),
      bars: this.summary.bars,
      decided: this.summary.decided,
      skipped: this.summary.skipped,
      decision_ms: this.summary.decision_ms,
    });
  }
}

/** Bar times looked back over for the symbols a complete newest time must hold. */
const RECENT_TIMES = 5;

/**
 * Bar times of `bars` that are complete, oldest first, with their bars (see the file comment).
 * The newest time is complete when every symbol with a bar in the RECENT_TIMES times before it
 * (`recent`: the symbols of the last processed bars) has one at it: a symbol that missed one bar
 * is still waited for, one gone for longer holds the newest bar back only until a later one arrives.
 */
export function completeTimes(bars: readonly LiveBar[], recent: ReadonlySet<string> | null): Array<[number, LiveBar[]]> {
  const byTime = new Map<number, LiveBar[]>();
  for (const b of bars) {
    let list = byTime.get(b.time);
    if (list === undefined) byTime.set(b.time, (list = []));
    list.push(b);
  }
  const times = [...byTime.keys()].sort((a, b) => a - b);
  const out: Array<[number, LiveBar[]]> = times.map((t) => [t, byTime.get(t)!]);
  if (out.length > 0) {
    const have = new Set(out[out.length - 1][1].map((b) => b.symbol));
    const before = new Set(out.length > RECENT_TIMES ? [] : (recent ?? []));
    for (const [, list] of out.slice(Math.max(0, out.length - 1 - RECENT_TIMES), -1)) for (const b of list) before.add(b.symbol);
    if (before.size === 0 || ![...before].every((s) => have.has(s))) out.pop();
  }
  return out;
}

/** Symbols with a bar in the last `n` rows of a panel. */
function presentIn(panel: Panel, n: number): Set<string> {
  const s = new Set<string>();
  for (let t = Math.max(0, panel.T - n); t < panel.T; t++) {
    panel.symbols.forEach((sym, i) => {
      if (panel.present[t * panel.S + i] === 1) s.add(sym);
    });
  }
  return s;
}

/**
 * A panel for planning the features before any bar arrives: the training symbols, a long run of
 * bars at the training interval (so calendar features see varied dates), and `columns` as the
 * ones with values. Planning reads only which columns hold values and the time axis, never prices.
 */
function schemaPanel(u: TrainedUniverse, columns: readonly string[] = u.columns): Panel {
  const S = u.symbols.length;
  const T = 1000;
  const barMs = barIntervalMs(u.interval);
  const times = new Float64Array(T).map((_, i) => Date.UTC(2000, 0, 3) + i * barMs);
  return panelFromGrids({ times, symbols: u.symbols, columns: new Map(columns.map((c) => [c, new Float64Array(T * S).fill(1)])), present: new Uint8Array(T * S).fill(1), interval: u.interval });
}

function columnsWithValues(panel: Panel): string[] {
  return [...panel.columns.keys()].filter((c) => panel.column(c).some((x) => Number.isFinite(x)));
}

function sleep(ms: number, stop: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (stop.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      stop.removeEventListener("abort", done);
      resolve();
    }
    stop.addEventListener("abort", done, { once: true });
  });
}
