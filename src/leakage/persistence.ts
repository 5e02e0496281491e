/**
 * Persistence: is a feature's tie to the target about the target's own window, or about something
 * slow that the feature shares with every window?
 *
 * A leak's power comes from the bars it should not see: a feature that reads the target's window
 * (t, t + w] relates to that window and not to one that starts after everything it reads, so its
 * tie collapses once the target is moved past its reach. A persistent feature's tie does not
 * depend on the window: a price level, a 60-bar momentum, a dollar volume vary slowly, and what
 * ties them to one window (a trend, a regime, a symbol's drift) ties them to the next one too, so
 * their tie decays only as fast as the feature's own autocorrelation. Persistent features are also
 * where the pre-scan's statistics mislead most: each symbol's series is centred on its whole-sample
 * mean, and for a slowly varying series x[t] - mean(x) holds the symbol's path after t (a level
 * above its sample mean must come back to it), an apparent tie to future returns of about
 * sqrt(h / T) (horizon over history): 0.2 to 0.3 for a 60-bar target on 1000 bars, or a 5-bar target
 * on a 50-bar history. That tie, too, is the same for a window moved past the horizon.
 *
 * So the target is moved k bars later for k = w, 2w, 4w, ... up to an eighth of the history (far
 * enough to pass the reach of most leaks, near enough for the slow part to survive), and at each
 * shift two shares are read with the same statistic and view that made the tie: the share of the
 * tie kept, and the feature's own autocorrelation at lag k (what a persistent tie is expected to
 * keep). When at every shift both are at least `persistent_share`, the tie is persistence: the
 * strength checks count only the part that depends on the target's own window (what is lost at
 * the worst shift). Otherwise they judge the whole tie. A leak that reads further ahead than the
 * longest shift cannot be told from persistence by this test; on long enough histories the ladder
 * reaches past it.
 */
import { associate, asCorrelations, scanSeries, type Association, type ScanSeries, type StatKind } from "./association.js";
import type { CheckResult } from "./types.js";
import { evidence, fmt, result } from "./verdict.js";
import { shiftWithinSymbols, VIEW_TEXT, type ViewKind } from "./views.js";
import type { AssociationScratch } from "./association.js";

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
    const lagged = scanSeries(shiftWithinSymbols(r.values, T, S, k), T, S, r.scan.ranks !== null);
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
  const explained = measured > 0 && minKept >= P && minAutocorr >= P;
  return { shifts, kept, autocorr, minKept, minAutocorr, worstShift, explained, persistentPart: explained ? Math.abs(base) * Math.min(1, minKept) : 0 };
}

function range(shifts: readonly number[]): string {
  return shifts.length === 1 ? `${shifts[0]}` : `${shifts[0]}..${shifts[shifts.length - 1]}`;
}

/**
 * The two persistence checks, recorded for every feature: the tie kept with the target moved past
 * its window, and the feature's own autocorrelation at those lags. They never flag by themselves
 * (a short-lived genuine signal collapses like a leak); they say whether the strength checks
 * deducted a persistent part.
 */
export function persistenceChecks(p: Persistence | null, r: PersistenceSubject | null, ctx: PersistenceContext, subject: string, notNeeded: string | null): CheckResult[] {
  const P = ctx.persistentShare;
  const keptFigure = "smallest share of the association kept with the target moved past its window";
  const rhoFigure = "smallest autocorrelation of the feature at those shifts";
  if (p === null || r === null || notNeeded !== null) {
    const why = notNeeded ?? "Not needed.";
    return [result("target_shift", "OK", evidence(keptFigure, null, P), why), result("feature_persistence", "OK", evidence(rhoFigure, null, P), why)];
  }
  const how = `(${r.kind === "rank_ic" ? "cross-sectional rank IC" : r.kind === "ts_corr" ? "pooled per-symbol correlation" : "sign agreement"}, feature ${VIEW_TEXT[r.view]})`;
  const shifts = `${range(p.shifts)} bars later`;
  if (!(p.minKept === p.minKept)) {
    const text = `Not measurable: with the target moved ${shifts} too few values remain; the strength checks judge the whole association.`;
    return [result("target_shift", "OK", evidence(keptFigure, null, P), text), result("feature_persistence", "OK", evidence(rhoFigure, null, P), text)];
  }
  const tie = fmt(Math.abs(r.value));
  const keptText = `${fmt(p.minKept * 100, 0)}% of ${subject}'s association with the target (${tie}) is kept with the target moved ${p.worstShift} bars later, the worst of ${shifts} ${how}`;
  const rhoText = `its own autocorrelation at those lags is at least ${fmt(p.minAutocorr)}`;
  let keptExpl: string;
  let rhoExpl: string;
  if (p.explained) {
    keptExpl = `${keptText}: the tie does not depend on the target's own window, as a leak's would. Only the part lost at that shift (${fmt(Math.abs(r.value) - p.persistentPart)}) counts as evidence in the strength checks.`;
    rhoExpl = `The feature is persistent (${rhoText}, >= ${P}): its tie to later windows is what a slow series (a trend, a regime, a level) keeps, not look-ahead.`;
  } else if (p.minKept < P) {
    keptExpl = `${keptText} (< ${fmt(P * 100, 0)}%): the tie depends on the target's own window (a leak, or a short-lived signal); the strength checks judge all of it.`;
    rhoExpl = `${rhoText.charAt(0).toUpperCase()}${rhoText.slice(1)}; ${p.minAutocorr >= P ? "a persistent tie would have kept about as much, this one collapsed" : "the feature is not persistent enough at those lags to explain a tie to later windows"}.`;
  } else {
    keptExpl = `${keptText}, but the feature's own persistence cannot explain that: the strength checks judge all of it.`;
    rhoExpl = `${rhoText.charAt(0).toUpperCase()}${rhoText.slice(1)} (< ${P}): a tie that survives shifts the feature itself does not may read far ahead.`;
  }
  return [result("target_shift", "OK", evidence(`${keptFigure} ${how}`, p.minKept, P), keptExpl), result("feature_persistence", "OK", evidence(`${rhoFigure} ${how}`, p.minAutocorr, P), rhoExpl)];
}
