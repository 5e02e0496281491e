/**
 * Data checks of one feature against the target, before any model: is it a near copy of the
 * target, is it more strongly tied to the target than any genuine feature could be, is it tied to
 * the future far more than to the past, and does its tie vanish when it is one bar older.
 *
 * Each feature is read three ways (views.ts) and compared with the target three ways
 * (association.ts); the strongest reading is the evidence. A strong reading is also compared with
 * the target moved past its window and with the feature's own persistence (persistence.ts): a tie
 * that survives the move is a slow feature's, and only the part the target's own window adds
 * counts towards a leak. Thresholds are raised by the baseline,
 * what the target's own realized past (the lagged target) achieves: for a persistent target such as
 * a future volatility or drawdown, a feature as good as the target's own past is not suspicious.
 */
import type { Panel } from "../data/types.js";
import type { TargetSpec } from "../targets/spec.js";
import { Rng } from "../util/random.js";
import {
  asCorrelations,
  associate,
  AssociationScratch,
  blockCount,
  scanSeries,
  STAT_TEXT,
  timeBlocks,
  type Association,
  type ScanSeries,
  type StatKind,
} from "./association.js";
import { persistenceChecks, persistenceOf, type Persistence, type PersistenceContext } from "./persistence.js";
import type { CheckResult, LeakageConfig } from "./types.js";
import { evidence, fmt, result } from "./verdict.js";
import { changeWithinSymbols, extract, isPriceLike, logRatio, pastLogReturn, scanFrame, shiftWithinSymbols, VIEW_TEXT, type ScanFrame, type ViewKind } from "./views.js";

/** Fewest pairs (or timestamps, for the rank IC) behind a statistic for it to be used at all. */
const MIN_PAIRS = 100;
const MIN_TIMESTAMPS = 20;
/** Past association below this counts as this much in the future/past ratio (avoids dividing by noise). */
const PAST_FLOOR = 0.01;

interface Comparator {
  name: string;
  text: string;
  series: Float64Array;
  scan: ScanSeries;
}

export interface PrescanContext extends PersistenceContext {
  readonly frame: ScanFrame;
  readonly sc: AssociationScratch;
  readonly target: ScanSeries;
  readonly comparators: readonly Comparator[];
  readonly close: Float64Array | null;
  /** The next bar's return log(close[t+1] / close[t]), when the target spans more than one bar. */
  readonly nextBar: { scan: ScanSeries; last: ScanSeries; suspicious: number; implausible: number; baseline: number } | null;
  /** |association| of the lagged target with the target: what the target's own past achieves. */
  readonly baseline: number;
  readonly suspicious: number;
  readonly implausible: number;
  readonly th: LeakageConfig["thresholds"];
  readonly shiftBars: number;
  readonly targetName: string;
  readonly seed: number;
}

interface Reading {
  view: ViewKind;
  values: Float64Array;
  scan: ScanSeries;
  fut: Association;
}

interface Candidate {
  view: ViewKind;
  kind: StatKind;
  value: number;
  t: number;
  reading: Reading;
}

function usable(a: Association, kind: StatKind): boolean {
  if (kind === "rank_ic") return a.rankIc.n >= MIN_TIMESTAMPS;
  if (kind === "ts_corr") return a.tsCorr.n >= MIN_PAIRS;
  return a.agreement.n >= MIN_PAIRS;
}

function statOf(a: Association, kind: StatKind): { value: number; t: number } {
  const c = asCorrelations(a).find((x) => x.kind === kind)!;
  return usable(a, kind) ? c : { value: NaN, t: NaN };
}

/** The largest |statistic| of an association among those significant at `minT` (0 when none is). */
function significantStrength(a: Association, minT: number): number {
  let v = 0;
  for (const c of asCorrelations(a)) if (usable(a, c.kind) && Math.abs(c.t) >= minT) v = Math.max(v, Math.abs(c.value));
  return v;
}

/** Prepares the scanned target, its past comparators and the baseline. */
export function prescanContext(panel: Panel, targetGrid: Float64Array, target: TargetSpec, leakage: LeakageConfig, seed: number): PrescanContext {
  const frame = scanFrame(panel.T, panel.S, leakage.prescan.max_cells, seed);
  const { T, S } = frame;
  const B = blockCount(T, target.window);
  const sc = new AssociationScratch(T, S, timeBlocks(T, B), B, target.window);
  const y = extract(targetGrid, frame);
  const comparators: Comparator[] = [];
  const add = (name: string, text: string, series: Float64Array) => comparators.push({ name, text, series, scan: scanSeries(series, T, S) });
  add("lagged_target", `the lagged target (the label realized by bar t, ${target.window} bar(s) back)`, shiftWithinSymbols(y, T, S, target.window));
  let close: Float64Array | null = null;
  if (panel.has("close")) {
    close = extract(panel.column("close"), frame);
    add("past_return_1", "the last bar's return", pastLogReturn(close, T, S, 1));
    if (target.window > 1) add(`past_return_${target.window}`, `the return over the last ${target.window} bars`, pastLogReturn(close, T, S, target.window));
  }
  const targetScan = scanSeries(y, T, S);
  const th = leakage.thresholds;
  const levels = (baseline: number) => {
    const implausible = Math.min(th.feature_association.implausible + baseline, th.target_correlation);
    return { implausible, suspicious: Math.min(th.feature_association.suspicious + baseline, implausible) };
  };
  const baseline = significantStrength(associate(comparators[0].scan, targetScan, sc), th.min_t_stat);
  const { suspicious, implausible } = levels(baseline);
  let nextBar: PrescanContext["nextBar"] = null;
  if (close !== null && target.window > 1) {
    const last = comparators[1].scan;
    const next = scanSeries(shiftWithinSymbols(comparators[1].series, T, S, -1), T, S);
    const b = significantStrength(associate(last, next, sc), th.min_t_stat);
    nextBar = { scan: next, last, baseline: b, ...levels(b) };
  }
  return {
    frame,
    sc,
    target: targetScan,
    comparators,
    close,
    nextBar,
    baseline,
    suspicious,
    implausible,
    th,
    shiftBars: leakage.sentinels.shift_bars,
    targetName: target.name,
    seed,
    window: target.window,
    persistentShare: th.persistent_share,
    shiftedTargets: new Map(),
    statOf,
  };
}

function readings(grid: ArrayLike<number>, ctx: PrescanContext): Reading[] {
  return readingsOf(extract(grid, ctx.frame), ctx);
}

/** The readings of a series already restricted to the scanned symbols. */
function readingsOf(level: Float64Array, ctx: PrescanContext): Reading[] {
  const { T, S } = ctx.frame;
  const views: Array<[ViewKind, Float64Array]> = [
    ["level", level],
    ["change", changeWithinSymbols(level, T, S)],
  ];
  if (ctx.close !== null && isPriceLike(level, ctx.close)) views.push(["relative_to_close", logRatio(level, ctx.close)]);
  return views.map(([view, values]) => {
    // The change view exists for per-symbol level series (prices, slow quantities); it is read
    // through time only, which also saves ranking it (ranking is most of the pre-scan's cost).
    const scan = scanSeries(values, T, S, view !== "change");
    return { view, values, scan, fut: associate(scan, ctx.target, ctx.sc, true) };
  });
}

function copyCheck(rs: readonly Reading[], ctx: PrescanContext, subject: string): CheckResult {
  let bestCorr = { value: NaN, text: "" };
  let bestAgree = { value: NaN, text: "" };
  const better = (v: number, than: number) => v === v && !(than >= v);
  for (const r of rs) {
    // A copy is judged on whole-sample centring, where a copy scores exactly 1 (see association.ts).
    const fut = { ...r.fut, tsCorr: r.fut.symmetric.tsCorr, agreement: r.fut.symmetric.agreement };
    for (const kind of ["rank_ic", "ts_corr"] as const) {
      const v = Math.abs(statOf(fut, kind).value);
      if (better(v, bestCorr.value)) bestCorr = { value: v, text: `|${STAT_TEXT[kind]}| with the target, feature ${VIEW_TEXT[r.view]}` };
    }
    if (usable(fut, "agreement")) {
      const v = Math.max(fut.agreement.value, 1 - fut.agreement.value);
      if (better(v, bestAgree.value)) bestAgree = { value: v, text: `share of bars on the same side of the mean as the target, feature ${VIEW_TEXT[r.view]}` };
    }
  }
  const { target_correlation: tc, target_agreement: ta } = ctx.th;
  if (!(bestCorr.value === bestCorr.value) && !(bestAgree.value === bestAgree.value)) {
    return result("target_copy", "OK", evidence("|correlation| with the target", null, tc), `Not measurable: ${subject} and the target share too few values.`);
  }
  if (bestCorr.value >= tc) {
    return result(
      "target_copy",
      "LEAK",
      evidence(bestCorr.text, bestCorr.value, tc),
      `${subject} is a near copy of the target ${ctx.targetName}: |correlation| ${fmt(bestCorr.value)} >= ${tc}. No feature known at decision time can track a future label this closely.`,
    );
  }
  if (bestAgree.value >= ta) {
    return result(
      "target_copy",
      "LEAK",
      evidence(bestAgree.text, bestAgree.value, ta),
      `${subject} is on the same side of its mean as the target ${ctx.targetName} on ${fmt(bestAgree.value * 100, 1)}% of bars (>= ${fmt(ta * 100, 1)}%): it knows the target's direction.`,
    );
  }
  const useCorr = bestCorr.value / tc >= (bestAgree.value - 0.5) / (ta - 0.5) || !(bestAgree.value === bestAgree.value);
  return result(
    "target_copy",
    "OK",
    useCorr ? evidence(bestCorr.text, bestCorr.value, tc) : evidence(bestAgree.text, bestAgree.value, ta),
    `Not a copy of the target: ${[
      bestCorr.value === bestCorr.value ? `|correlation| at most ${fmt(bestCorr.value)}` : "",
      bestAgree.value === bestAgree.value ? `same-side share at most ${fmt(bestAgree.value)}` : "",
    ]
      .filter((x) => x !== "")
      .join(", ")}.`,
  );
}

/** The strongest statistically significant reading of the feature against `other` (default: the target). */
function strongest(rs: readonly Reading[], minT: number, other?: ScanSeries, sc?: AssociationScratch): Candidate | null {
  let best: Candidate | null = null;
  for (const r of rs) {
    const a = other === undefined ? r.fut : associate(r.scan, other, sc!);
    for (const c of asCorrelations(a)) {
      if (!usable(a, c.kind) || !(Math.abs(c.t) >= minT) || !(c.value === c.value)) continue;
      if (best === null || Math.abs(c.value) > Math.abs(best.value)) best = { view: r.view, kind: c.kind, value: c.value, t: c.t, reading: r };
    }
  }
  return best;
}

function describe(c: Candidate): string {
  return `${STAT_TEXT[c.kind]} with the target, feature ${VIEW_TEXT[c.view]}`;
}

/**
 * The tie that counts as evidence: all of it, or, for a persistent tie (see persistence.ts), only
 * the part that depends on the target's own window. Text says which.
 */
function timingTie(best: Candidate, persist: Persistence | null): { v: number; note: string } {
  const raw = Math.abs(best.value);
  if (persist === null || !persist.explained) return { v: raw, note: "" };
  const v = Math.max(0, raw - persist.persistentPart);
  return { v, note: ` (of its tie ${fmt(raw)}, ${fmt(persist.persistentPart)} is persistent: kept with the target moved ${persist.worstShift} bars past its window)` };
}

function associationCheck(best: Candidate | null, ctx: PrescanContext, subject: string, persist: Persistence | null): CheckResult {
  const { suspicious, implausible, baseline } = ctx;
  const raised = baseline > 0 ? ` (raised by ${fmt(baseline)}, what the lagged target itself achieves)` : "";
  if (best === null) {
    return result(
      "target_association",
      "OK",
      evidence("|association| with the target", null, implausible),
      `No statistically significant association with the target (|t| >= ${ctx.th.min_t_stat} across time blocks, and across symbols for the pooled statistics).`,
    );
  }
  const { v, note } = timingTie(best, persist);
  const figure = note === "" ? describe(best) : `${describe(best)}, less its persistent part`;
  const ev = evidence(figure, v, v >= implausible ? implausible : suspicious);
  if (v >= implausible) {
    return result(
      "target_association",
      "LEAK",
      ev,
      `${subject} is tied to the target more strongly than a feature known at decision time can be: ${fmt(v)}${note} >= ${fmt(implausible)}${raised} (t = ${fmt(best.t, 1)}).`,
    );
  }
  if (v >= suspicious) {
    return result(
      "target_association",
      "SUSPICIOUS",
      ev,
      `${subject} is unusually strongly tied to the target: ${fmt(v)}${note} >= ${fmt(suspicious)}${raised}, below the leak level ${fmt(implausible)}. Check how it is computed.`,
    );
  }
  // A whole tie at the leak level is reviewed even when persistence explains it: persistence and a
  // leak reading further ahead than the longest shift look alike (see persistence.ts).
  if (note !== "" && Math.abs(best.value) >= implausible) {
    return result(
      "target_association",
      "SUSPICIOUS",
      ev,
      `${subject}'s tie to the target (${fmt(Math.abs(best.value))}) is at the leak level ${fmt(implausible)}${raised}, but ${fmt(persist!.persistentPart)} of it is persistent, leaving ${fmt(v)}: a slow feature (trend, regime, level), not a proven leak. Review it.`,
    );
  }
  return result("target_association", "OK", ev, `Association ${fmt(v)}${note} is below the suspicious level ${fmt(suspicious)}${raised}.`);
}

function futureVsPastCheck(best: Candidate | null, ctx: PrescanContext, subject: string, persist: Persistence | null): CheckResult {
  const R = ctx.th.future_past_ratio;
  const figure = "association with the future target / with the past (lagged target, past returns)";
  if (best === null) return result("future_vs_past", "OK", evidence(figure, null, R), "No significant association with the future target to compare with the past.");
  let past = 0;
  let pastName = "";
  for (const c of ctx.comparators) {
    const p = Math.abs(statOf(associate(best.reading.scan, c.scan, ctx.sc), best.kind).value);
    if (p > past) {
      past = p;
      pastName = c.text;
    }
  }
  // A persistent tie relates to windows the feature cannot see as much as to this one: only the
  // part that depends on the target's own window can "know the future".
  const { v: fut, note } = timingTie(best, persist);
  const ratio = fut / Math.max(past, PAST_FLOOR);
  const ev = evidence(figure, ratio, R);
  const detail = `${fmt(fut)}${note} with the target vs at most ${fmt(past)} with ${pastName || "any past comparator"} (${STAT_TEXT[best.kind]}, feature ${VIEW_TEXT[best.view]})`;
  if (fut >= ctx.suspicious && ratio >= R) {
    return result(
      "future_vs_past",
      "LEAK",
      ev,
      `${subject} knows the future better than the past: ${detail}, ${fmt(ratio, 1)}x >= ${R}x. A feature built from data up to bar t relates to what bar t already revealed; this one relates to what comes after.`,
    );
  }
  if (fut < ctx.suspicious) return result("future_vs_past", "OK", ev, `Its association with the target (${fmt(fut)}) is below the suspicious level ${fmt(ctx.suspicious)}; ${detail}.`);
  return result("future_vs_past", "OK", ev, `As tied to the past as to the future: ${detail}.`);
}

function lagSensitivityCheck(best: Candidate | null, ctx: PrescanContext, subject: string): CheckResult {
  const k = ctx.shiftBars;
  const R = ctx.th.future_past_ratio;
  const figure = `share of the association kept when the feature is ${k} bar(s) older`;
  if (best === null || Math.abs(best.value) < ctx.suspicious) {
    return result("lag_sensitivity", "OK", evidence(figure, null, 1 / R), "Not needed: the feature is not strongly tied to the target.");
  }
  const { T, S } = ctx.frame;
  const lagged = scanSeries(shiftWithinSymbols(best.reading.values, T, S, k), T, S, best.kind === "rank_ic");
  const kept = Math.abs(statOf(associate(lagged, ctx.target, ctx.sc), best.kind).value) / Math.abs(best.value);
  const ev = evidence(figure, kept, 1 / R);
  if (!(kept >= 1 / R)) {
    return result(
      "lag_sensitivity",
      "SUSPICIOUS",
      ev,
      `${subject}'s tie to the target (${fmt(Math.abs(best.value))}) collapses to ${fmt(kept * 100, 0)}% when it is ${k} bar(s) older: it depends on its newest bar. If that bar's value is not truly known at the decision, this is look-ahead.`,
    );
  }
  return result("lag_sensitivity", "OK", ev, `Its tie to the target survives being ${k} bar(s) older (${fmt(kept * 100, 0)}% kept).`);
}

/**
 * The next bar's return: the most common leak is a value stamped one bar too early, and against a
 * multi-bar target its tie is diluted below the target-level thresholds. A feature strongly tied
 * to bar t+1's return and far less to bar t's reads bar t+1.
 */
function nextBarCheck(rs: readonly Reading[], ctx: PrescanContext, subject: string): CheckResult {
  const R = ctx.th.future_past_ratio;
  const figure = "association with the next bar's return";
  const nb = ctx.nextBar;
  if (nb === null) {
    const why = ctx.close === null ? "the panel has no close prices" : "the target spans one bar, so the target checks above cover it";
    return result("next_bar_return", "OK", evidence(figure, null, null), `Not applicable: ${why}.`);
  }
  const best = strongest(rs, ctx.th.min_t_stat, nb.scan, ctx.sc);
  if (best === null) return result("next_bar_return", "OK", evidence(figure, null, nb.suspicious), "No significant association with the next bar's return.");
  const v = Math.abs(best.value);
  const past = Math.abs(statOf(associate(best.reading.scan, nb.last, ctx.sc), best.kind).value);
  const ratio = v / Math.max(past === past ? past : 0, PAST_FLOOR);
  const raised = nb.baseline > 0 ? ` (raised by ${fmt(nb.baseline)}, the returns' own serial correlation)` : "";
  const detail = `${fmt(v)} with the next bar's return vs ${fmt(past)} with the last bar's (${STAT_TEXT[best.kind]}, feature ${VIEW_TEXT[best.view]})`;
  if (v >= nb.suspicious && ratio >= R) {
    return result(
      "next_bar_return",
      "LEAK",
      evidence(`${figure} (${STAT_TEXT[best.kind]}, feature ${VIEW_TEXT[best.view]})`, v, nb.suspicious),
      `${subject} behaves as if it reads bar t+1: ${detail}, at least ${fmt(nb.suspicious)}${raised} and ${fmt(ratio, 1)}x the past. A declared lag that is one bar short looks exactly like this.`,
    );
  }
  if (v >= nb.implausible) {
    return result(
      "next_bar_return",
      "SUSPICIOUS",
      evidence(`${figure} (${STAT_TEXT[best.kind]}, feature ${VIEW_TEXT[best.view]})`, v, nb.implausible),
      `${subject} is strongly tied to the next bar's return (${detail}) but about as much to the past; check its timing.`,
    );
  }
  return result("next_bar_return", "OK", evidence(figure, v, nb.suspicious), `Below the suspicious level ${fmt(nb.suspicious)}${raised}: ${detail}.`);
}

/** The pre-scan checks of one feature grid (time-major, the panel's shape). */
export function prescanFeature(name: string, grid: ArrayLike<number>, ctx: PrescanContext): CheckResult[] {
  return prescanScanned(name, extract(grid, ctx.frame), ctx);
}

/** The pre-scan checks of a series already restricted to the scanned symbols (see scanFrame). */
export function prescanScanned(name: string, level: Float64Array, ctx: PrescanContext): CheckResult[] {
  const rs = readingsOf(level, ctx);
  const subject = `"${name}"`;
  const best = strongest(rs, ctx.th.min_t_stat);
  // Persistence is read only for a tie strong enough to be flagged (it costs a few associations).
  const strong = best !== null && Math.abs(best.value) >= ctx.suspicious;
  const reading = best === null ? null : { view: best.view, kind: best.kind, value: best.value, values: best.reading.values, scan: best.reading.scan };
  const persist = strong && reading !== null ? persistenceOf(reading, ctx) : null;
  const notNeeded = best === null ? "Not needed: no significant association with the target." : strong ? null : "Not needed: the feature is not strongly tied to the target.";
  return [
    copyCheck(rs, ctx, subject),
    associationCheck(best, ctx, subject, persist),
    futureVsPastCheck(best, ctx, subject, persist),
    ...persistenceChecks(persist, reading, ctx, subject, notNeeded),
    nextBarCheck(rs, ctx, subject),
    lagSensitivityCheck(best, ctx, subject),
  ];
}

/**
 * The planted canary: the target plus noise of a tenth of its spread (correlation about 0.995), put
 * through the copy check. If the detectors miss it, nothing they say can be trusted.
 */
export function plantedCopyCheck(targetGrid: Float64Array, ctx: PrescanContext): CheckResult {
  const y = extract(targetGrid, ctx.frame);
  let n = 0;
  let mean = 0;
  let m2 = 0;
  for (const v of y) {
    if (v === v) {
      n++;
      const d = v - mean;
      mean += d / n;
      m2 += d * (v - mean);
    }
  }
  const sd = n > 1 ? Math.sqrt(m2 / (n - 1)) : 0;
  const rng = new Rng(ctx.seed).fork("leakage:planted-copy");
  const canary = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) canary[i] = y[i] + 0.1 * sd * rng.normal();
  const copy = copyCheck(readings(canary, { ...ctx, close: null, nextBar: null }), ctx, "the planted copy");
  const figure = "verdict of the copy check on a planted copy of the target (target + 10% noise)";
  if (copy.verdict === "LEAK") {
    return result("planted_copy", "OK", evidence(figure, copy.verdict, "LEAK"), `The detectors caught the planted copy of the target (${copy.evidence.figure}: ${copy.evidence.value}).`);
  }
  return result(
    "planted_copy",
    "LEAK",
    evidence(figure, copy.verdict, "LEAK"),
    `The detectors missed a planted copy of the target (${copy.evidence.figure}: ${copy.evidence.value}); their other verdicts cannot be trusted. Check that the target grid has values.`,
  );
}
