/**
 * Generated values are rounded once, when made, so the in-memory market and every file written
 * from it hold exactly the same numbers, and CSV stays compact. Dividing an exact integer by an
 * exact power of ten gives the double nearest the decimal, which JavaScript prints as that decimal.
 */

const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/** `x` rounded to `decimals` places (0..22). */
export function roundTo(x: number, decimals: number): number {
  const p = POW10[decimals];
  return Math.round(x * p) / p;
}

/** `x` rounded to `digits` significant digits; 0, NaN and infinities pass through. */
export function roundSignificant(x: number, digits: number): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  const exponent = Math.floor(Math.log10(Math.abs(x)));
  const k = digits - 1 - exponent;
  if (k >= 0) {
    if (k > 22) return x; // far below any value we generate; leave as is
    return Math.round(x * POW10[k]) / POW10[k];
  }
  if (-k > 22) return x;
  return Math.round(x / POW10[-k]) * POW10[-k];
}
