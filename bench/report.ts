/**
 * The one JSON line every benchmark prints per case, so results can be compared across commits:
 * `bench`, `case`, `ours_s`, the reference's seconds as `<reference>_s`, `ratio_vs_<reference>`
 * (ours / reference; below 1 is faster), the metric both sides reach (`ours_metric`,
 * `<reference>_metric`, `higher_is_better`), the machine's 1-minute load average, then any extras.
 */
import { loadavg } from "node:os";

export interface CaseLine {
  bench: string;
  case: string;
  /** Short name of what we compare with ("xgboost", "torch", "polars", "budget"); null: no reference. */
  reference: string | null;
  ours_s: number | null;
  reference_s: number | null;
  /** Name of the quality metric both sides report (null when the case times work with no metric). */
  metric: string | null;
  ours_metric: number | null;
  reference_metric: number | null;
  higher_is_better: boolean | null;
}

const round = (v: number | null | undefined, d: number): number | null => (v === null || v === undefined || !Number.isFinite(v) ? null : Number(v.toFixed(d)));

export function caseLine(l: CaseLine, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = { bench: l.bench, case: l.case, ours_s: round(l.ours_s, 4) };
  if (l.reference) {
    out[`${l.reference}_s`] = round(l.reference_s, 4);
    out[`ratio_vs_${l.reference}`] = l.ours_s !== null && l.reference_s ? round(l.ours_s / l.reference_s, 3) : null;
  }
  out.metric = l.metric;
  out.ours_metric = round(l.ours_metric, 6);
  if (l.reference) out[`${l.reference}_metric`] = round(l.reference_metric, 6);
  out.higher_is_better = l.higher_is_better;
  out.load_average_1m = round(loadavg()[0], 2);
  return { ...out, ...extra };
}

/** Writes the case's line to stdout and returns it. */
export function printCaseLine(l: CaseLine, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const line = caseLine(l, extra);
  process.stdout.write(`${JSON.stringify(line)}\n`);
  return line;
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
