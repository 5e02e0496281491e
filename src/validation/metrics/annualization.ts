/**
 * How many bars make a year, for annualizing per-bar Sharpe ratios. Measured from the panel's own
 * timestamps, so sessions, weekends and holidays are accounted for without a calendar: daily
 * equity bars give about 252, 24/7 crypto daily bars about 365.
 */

const YEAR_MS = 365.25 * 86_400_000;

/**
 * Bars per year from bar timestamps (epoch ms, increasing): (T - 1) bars over the spanned time.
 * Throws when fewer than two timestamps or a zero span make it undefined.
 */
export function barsPerYear(times: ArrayLike<number>): number {
  const T = times.length;
  if (T < 2) throw new Error("barsPerYear: need at least two timestamps");
  const span = times[T - 1] - times[0];
  if (!(span > 0)) throw new Error("barsPerYear: timestamps span no time");
  return (T - 1) / (span / YEAR_MS);
}
