/**
 * Number parsing straight from the bytes of a CSV field, without building a string per value.
 *
 * The fast path is exact: a decimal with at most 15 significant digits has an integer mantissa
 * below 2^53, and 10^k is an exact double for k <= 22, so one IEEE multiply or divide gives the
 * correctly rounded value, the same double `Number(text)` returns (Clinger's fast path). Anything
 * else (more digits, large exponents) goes through `Number` on a validated string.
 */

/** Outcome of the last parse, read from `numberParse.status` right after calling a parser. */
export const NUM_OK = 0;
/** Empty field or a missing-value marker (NA, null, None, ...): a missing value, not an error. */
export const NUM_MISSING = 1;
/** NaN or an infinity written out (nan, inf, -Infinity) or a literal that overflows a double. */
export const NUM_NON_FINITE = 2;
/** Not a number at all. */
export const NUM_INVALID = 3;
export type NumberStatus = typeof NUM_OK | typeof NUM_MISSING | typeof NUM_NON_FINITE | typeof NUM_INVALID;

/** Shared result slot: the parsers return the value and set the status here (no allocation). */
export const numberParse: { status: NumberStatus } = { status: NUM_OK };

const POW10 = new Float64Array(23);
for (let k = 0, p = 1; k <= 22; k++, p *= 10) POW10[k] = p;

/** Tokens read as a missing value (compared lower-cased). */
const MISSING_TOKENS = new Set(["", "na", "n/a", "#n/a", "null", "none", "nil"]);
const NON_FINITE_TOKENS = new Map<string, number>([
  ["nan", NaN],
  ["+nan", NaN],
  ["-nan", NaN],
  ["inf", Infinity],
  ["+inf", Infinity],
  ["-inf", -Infinity],
  ["infinity", Infinity],
  ["+infinity", Infinity],
  ["-infinity", -Infinity],
]);
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}

/** Parses bytes [start, end) as a decimal number; sets `numberParse.status`. NaN unless OK/NON_FINITE. */
export function parseNumberBytes(b: Uint8Array, start: number, end: number): number {
  while (start < end && isSpace(b[start])) start++;
  while (end > start && isSpace(b[end - 1])) end--;
  if (start === end) {
    numberParse.status = NUM_MISSING;
    return NaN;
  }
  let i = start;
  let neg = false;
  const c0 = b[i];
  if (c0 === 45) {
    neg = true;
    i++;
  } else if (c0 === 43) i++;
  let mant = 0;
  let sig = 0; // significant digits taken into mant
  let exp10 = 0;
  let digits = 0; // all mantissa digits seen, leading zeros included
  let c = 0;
  while (i < end && (c = b[i] - 48) >= 0 && c <= 9) {
    if (mant !== 0 || c !== 0) {
      mant = mant * 10 + c;
      sig++;
    }
    digits++;
    i++;
  }
  if (i < end && b[i] === 46) {
    i++;
    while (i < end && (c = b[i] - 48) >= 0 && c <= 9) {
      if (mant !== 0 || c !== 0) {
        mant = mant * 10 + c;
        sig++;
      }
      exp10--;
      digits++;
      i++;
    }
  }
  if (digits === 0) return parseNumberSlow(b, start, end);
  if (i < end && (b[i] === 101 || b[i] === 69)) {
    i++;
    let eneg = false;
    if (i < end && (b[i] === 45 || b[i] === 43)) {
      eneg = b[i] === 45;
      i++;
    }
    let ev = 0;
    let ed = 0;
    while (i < end && (c = b[i] - 48) >= 0 && c <= 9 && ed < 5) {
      ev = ev * 10 + c;
      ed++;
      i++;
    }
    if (ed === 0) return parseNumberSlow(b, start, end);
    exp10 += eneg ? -ev : ev;
  }
  if (i !== end) return parseNumberSlow(b, start, end);
  // Valid decimal syntax, but too many digits for the exact fast path: let Number round it.
  if (sig > 15) return finish(Number(latin1(b, start, end)));
  let v: number;
  if (mant === 0) v = 0;
  else if (exp10 === 0) v = mant;
  else if (exp10 > 0 && exp10 <= 22) v = mant * POW10[exp10];
  else if (exp10 < 0 && exp10 >= -22) v = mant / POW10[-exp10];
  else return finish(Number(latin1(b, start, end)));
  numberParse.status = NUM_OK;
  return neg ? -v : v;
}

function finish(v: number): number {
  numberParse.status = Number.isFinite(v) ? NUM_OK : NUM_NON_FINITE;
  return v;
}

function parseNumberSlow(b: Uint8Array, start: number, end: number): number {
  return parseNumberText(latin1(b, start, end));
}

/** Parses a string as a decimal number (strictly: no hex, no "Infinity" unless as a non-finite token). */
export function parseNumberText(text: string): number {
  const t = text.trim();
  if (DECIMAL.test(t)) {
    const v = Number(t);
    numberParse.status = Number.isFinite(v) ? NUM_OK : NUM_NON_FINITE;
    return v;
  }
  const lower = t.toLowerCase();
  if (MISSING_TOKENS.has(lower)) {
    numberParse.status = NUM_MISSING;
    return NaN;
  }
  const nf = NON_FINITE_TOKENS.get(lower);
  if (nf !== undefined) {
    numberParse.status = NUM_NON_FINITE;
    return nf;
  }
  numberParse.status = NUM_INVALID;
  return NaN;
}

function latin1(b: Uint8Array, start: number, end: number): string {
  if (Buffer.isBuffer(b)) return b.toString("latin1", start, end);
  let s = "";
  for (let i = start; i < end; i++) s += String.fromCharCode(b[i]);
  return s;
}
