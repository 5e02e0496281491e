/**
 * Number and time formatting for the report, independent of the machine's locale and time zone so
 * the same run gives the same report everywhere. A missing value (null, NaN) is shown as "–".
 */

export const MISSING = "–";

function usable(v: number | null | undefined): v is number {
  return typeof v === "number" && Number.isFinite(v);
}

/** Fixed decimals: 0.0123 -> "0.012". */
export function fixed(v: number | null | undefined, digits = 3): string {
  if (!usable(v)) return MISSING;
  const s = v.toFixed(digits);
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
}

/** Signed fixed decimals for figures whose sign matters (IC, skill): "+0.031", "-0.004". */
export function signed(v: number | null | undefined, digits = 3): string {
  if (!usable(v)) return MISSING;
  const s = fixed(v, digits);
  return v > 0 && Number(s) !== 0 ? `+${s}` : s;
}

/** A fraction as a percentage: 0.1234 -> "12.3%". */
export function percent(v: number | null | undefined, digits = 1): string {
  if (!usable(v)) return MISSING;
  return `${fixed(v * 100, digits)}%`;
}

/** Whole numbers with thin grouping: 1234567 -> "1,234,567"; others as fixed(2). */
export function count(v: number | null | undefined): string {
  if (!usable(v)) return MISSING;
  if (!Number.isInteger(v)) return fixed(v, 2);
  const s = String(Math.abs(v)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return v < 0 ? `-${s}` : s;
}

/** A figure of unknown kind (summary headline values): integers grouped, others to 4 significant digits. */
export function figure(v: number | string | null | undefined): string {
  if (typeof v === "string") return v;
  if (!usable(v)) return MISSING;
  if (Number.isInteger(v)) return count(v);
  return String(Number(v.toPrecision(4)));
}

/** Seconds in words: "0.4 s", "12.3 s", "3 m 05 s", "1 h 02 m". */
export function duration(seconds: number | null | undefined): string {
  if (!usable(seconds) || seconds < 0) return MISSING;
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h} h ${String(m).padStart(2, "0")} m` : `${m} m ${String(s).padStart(2, "0")} s`;
}

/** An ISO timestamp shown in UTC to the second: "2026-11-28 10:15:00 UTC". */
export function timestamp(iso: string | null | undefined): string {
  if (typeof iso !== "string") return MISSING;
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return iso;
  return `${new Date(t).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}
