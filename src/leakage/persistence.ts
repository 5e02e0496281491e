/**
 * Persistence: is a feature's tie to the target about the target's own window, or about something
 * slow that the feature shares with every window?
 *
 * A leak's power comes from the bars it should not see: a feature that reads the target's window
 * (t, t + w] relates to that window and not to one that starts after everything it reads, so its
 * tie collapses once the target is moved past its reach. A persistent feature's tie does not
 * depend on the window: a price level, a 60-bar momentum, a dollar volume vary slowly, and what
 * ties them to one window (a trend, a regime, a symbol's drift) ties them to the next one too, so
 * their tie decays only as fast as the feature's own autocorrelation. (The apparent tie a slow
 * feature gets from whole-sample centring, Stambaugh's bias, is removed in the statistics
 * themselves: see pooled() in association.ts. What remains here are real persistent ties, such as
 * a momentum regime over a short history.)
 *
 * So the target is moved k bars later for k = w, 2w, 4w, ... up to an eighth of the history (far
 * enough to pass the reach of most leaks, near enough for the slow part to survive), and at each
 * shift two shares are read with the same statistic and view that made the tie: the share of the
 * tie kept, and the feature's own autocorrelation at lag k. When at every shift the tie keeps at
 * least `persistent_share` and the feature is persistent enough to carry what is kept (see
 * requiredAutocorr), the tie is persistence: the strength checks count only the part that depends
 * on the target's own window (what is lost at the worst shift). Otherwise they judge the whole
 * tie. A leak that reads further ahead than the longest shift cannot be told from persistence by
 * this test (its tie survives every shift), so a whole tie at the leak level stays SUSPICIOUS; on
 * long enough histories the ladder reaches past such a leak and it collapses.
 */
import { associate, scanSeries, STAT_TEXT, type Association, type AssociationScratch, type ScanSeries, type StatKind } from "./association.js";
import type { CheckResult } from "./types.js";
import { evidence, fmt, result } from "./verdict.js";
import { shiftWithinSymbols, VIEW_TEXT, type ViewKind } from "./views.js";

/** What the persistence test needs of the feature's strongest reading. */
export interface PersistenceSubject {
  view: ViewKind;
  kind: StatKind;
  /** The signed statistic against the target. */
  value: number;
  values: Float64Array;
  scan: ScanSeries;
}

/** What it needs of the scan: the frame, the target and a cache of moved targets. */
export interface PersistenceContext {
  readonly frame: { readonly T: number; readonly S: number };
  readonly sc: AssociationScratch;
  readonly target: ScanSeries;
  /** Bars the target's label reads after t (execution lag + horizon). */
  readonly window: number;
  readonly persistentShare: number;
  /** Targets moved k bars later, filled on first use. */
  readonly shiftedTargets: Map<number, ScanSeries>;
  readonly statOf: (a: Association, kind: StatKind) => { value: number; t: number };
}

export interface Persistence {
  /** Bars the target was moved later, ascending. */
  shifts: number[];
  /** Share of the tie kept at each shift (signed: negative when its sign flips; NaN: not measurable). */
  kept: number[];
  /** The feature's autocorrelation at each shift, by the same statistic. */
  autocorr: number[];
  /** The smallest of each over the measured shifts, and the shift where the kept share is smallest. */
  minKept: number;
  minAutocorr: number;
  worstShift: number;
  /** True when every measured shift keeps both shares at or above persistent_share. */
  explained: boolean;
  /** |tie| that does not depend on the target's window: |tie| x the smallest kept share when explained, else 0. */
  persistentPart: number;
}

/**
 * The autocorrelation a feature needs for a tie of `tie` that keeps `kept` of itself at a lag to be
 * persistence: a tie carried by a slow part s of the feature needs s to hold at least tie^2 of the
 * feature's variance, and then the feature's autocorrelation is at least tie^2 times s's, which is
 * the share kept. (A bound, not an estimate: noise around a slow part lowers the autocorrelation
 * without lowering the share kept.)
 */
export function requiredAutocorr(tie: number, kept: number): number {
  return tie * tie * Math.max(0, kept);
}

/** Target shifts tested: w, 2w, 4w, ... up to an eighth of the history (at least w). */
export function persistenceShifts(T: number, window: number): number[] {
  const w = Math.max(1, window);
  const top = Math.max(w, Math.floor(T / 8));
  const out: number[] = [];
  for (let k = w; k <= top; k *= 2) out.push(k);
  return out;
}

function shiftedTarget(ctx: PersistenceContext, k: number): ScanSeries {
  let s = ctx.shiftedTargets.get(k);
  if (s === undefined) {
    const { T, S } = ctx.frame;
    s = scanSeries(shiftWithinSymbols(ctx.target.v, T, S, -k), T, S);
    ctx.shiftedTargets.set(k, s);
  }
  return s;
}

/** The persistence test of one reading (see the module comment). */
export function persistenceOf(r: PersistenceSubject, ctx: PersistenceContext): Persistence {
  const { T, S } = ctx.frame;
  const shifts = persistenceShifts(T, ctx.window);
  const base = r.value;
  const kept: number[] = [];
  const autocorr: number[] = [];
  let minKept = Infinity;
  let minAutocorr = Infinity;
  let worstShift = shifts[0];
  let measured = 0;
  for (const k of shifts) {
    const moved = ctx.statOf(associate(r.scan, shiftedTarget(ctx, k), ctx.sc), r.kind).value;
    // Ranks (the costly part) only when the rank IC is the statistic read.
    const lagged = scanSeries(shiftWithinSymbols(r.values, T, S, k), T, S, r.kind === "rank_ic");
    const rho = ctx.statOf(associate(r.scan, lagged, ctx.sc), r.kind).value;
    const share = moved / base;
    kept.push(share);
    autocorr.push(rho);
    if (!(share === share && rho === rho)) continue;
    measured++;
    if (share < minKept) {
      minKept = share;
      worstShift = k;
    }
    minAutocorr = Math.min(minAutocorr, rho);
  }
  if (measured === 0) {
    minKept = NaN;
    minAutocorr = NaN;
  }
  const P = ctx.persistentShare;
  const maxKept = Math.max(0, ...kept.filter((x) => x === x));
  const explained = measured > 0 && minKept >= P && minAutocorr >= requiredAutocorr(base, maxKept);
  return { shifts, kept, autocorr, minKept, minAutocorr, worstShift, explained, persistentPart: explained ? Math.abs(base) * Math.min(1, minKept) : 0 };
}

function range(shifts: readonly number[]): string {
  return shifts.length === 1 ? `${shifts[0]}` : `${shifts[0]}..${shifts[shifts.length - 1]}`;
}

/**
 * The two persistence checks, recorded for every feature: the tie kept with the target moved past
 * its window, and the feature's own autocorrelation at those lags against what a persistent tie of
 * that size needs. They never flag by themselves (a short-lived genuine signal collapses like a
 * leak); they say whether the strength checks deducted a persistent part.
 */
export function persistenceChecks(p: Persistence | null, r: PersistenceSubject | null, ctx: PersistenceContext, subject: string, notNeeded: string | null): CheckResult[] {
  const P = ctx.persistentShare;
  const keptFigure = "smallest share of the association kept with the target moved past its window";
  const rhoFigure = "smallest autocorrelation of the feature at those shifts (threshold: association^2 x largest share kept)";
  if (p === null || r === null || notNeeded !== null) {
    const why = notNeeded ?? "Not needed.";
    return [result("target_shift", "OK", evidence(keptFigure, null, P), why), result("feature_persistence", "OK", evidence(rhoFigure, null, null), why)];
  }
  const how = `(${STAT_TEXT[r.kind]}, feature ${VIEW_TEXT[r.view]})`;
  const shifts = `${range(p.shifts)} bars later`;
  if (!(p.minKept === p.minKept)) {
    const text = `Not measurable: with the target moved ${shifts} too few values remain; the strength checks judge the whole association.`;
    return [result("target_shift", "OK", evidence(keptFigure, null, P), text), result("feature_persistence", "OK", evidence(rhoFigure, null, null), text)];
  }
  const tie = Math.abs(r.value);
  const need = requiredAutocorr(tie, Math.max(0, ...p.kept.filter((x) => x === x)));
  const keptText = `${fmt(p.minKept * 100, 0)}% of ${subject}'s association with the target (${fmt(tie)}) is kept with the target moved ${p.worstShift} bars later, the worst of ${shifts} ${how}`;
  const rhoOk = p.minAutocorr >= need;
  const rhoText = `Its own autocorrelation at those lags is at least ${fmt(p.minAutocorr)}; a persistent tie this size needs ${fmt(need)}`;
  let keptExpl: string;
  if (p.explained) {
    keptExpl = `${keptText}: the tie does not depend on the target's own window, as a leak's would (a trend, a regime, a level). Only the part lost at that shift (${fmt(tie - p.persistentPart)}) counts as evidence in the strength checks.`;
  } else if (p.minKept < P) {
    keptExpl = `${keptText} (< ${fmt(P * 100, 0)}%): the tie depends on the target's own window (a leak, or a short-lived signal); the strength checks judge all of it.`;
  } else {
    keptExpl = `${keptText}, more than the feature's own persistence can carry: the strength checks judge all of it.`;
  }
  const rhoExpl = `${rhoText}${rhoOk ? ": enough to carry the tie to later windows." : ": too little, the tie to later windows is not its persistence (it may read far ahead)."}`;
  return [result("target_shift", "OK", evidence(`${keptFigure} ${how}`, p.minKept, P), keptExpl), result("feature_persistence", "OK", evidence(`${rhoFigure} ${how}`, p.minAutocorr, need), rhoExpl)];
}
