import { VERDICT_RANK, type CheckName, type CheckResult, type Evidence, type Verdict } from "./types.js";

/** The most severe of the verdicts (OK for none). */
export function worst(verdicts: Iterable<Verdict>): Verdict {
  let w: Verdict = "OK";
  for (const v of verdicts) if (VERDICT_RANK[v] > VERDICT_RANK[w]) w = v;
  return w;
}

/**
 * Rounds a figure for the report: 4 decimals for values below 10 (correlations, shares, AUCs),
 * 4 significant digits above; non-finite values become null, so the JSON never holds NaN.
 */
export function roundFigure(x: number): number | null {
  if (!Number.isFinite(x)) return null;
  if (Math.abs(x) < 10) return Math.round(x * 1e4) / 1e4 + 0;
  return Number(x.toPrecision(4));
}

/** Text of a figure for explanations: the rounded value, or "n/a". */
export function fmt(x: number, digits = 3): string {
  return Number.isFinite(x) ? x.toFixed(digits) : "n/a";
}

export function evidence(figure: string, value: number | string | null, threshold: number | string | null): Evidence {
  return {
    figure,
    value: typeof value === "number" ? roundFigure(value) : value,
    threshold: typeof threshold === "number" ? roundFigure(threshold) : threshold,
  };
}

export function result(check: CheckName, verdict: Verdict, ev: Evidence, explanation: string): CheckResult {
  return { check, verdict, evidence: ev, explanation };
}

/** LEAK at or above `leak`, SUSPICIOUS at or above `suspicious`, else OK (NaN: OK). */
export function band(value: number, suspicious: number, leak: number): Verdict {
  if (!(value >= suspicious)) return "OK";
  return value >= leak ? "LEAK" : "SUSPICIOUS";
}
