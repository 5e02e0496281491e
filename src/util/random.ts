/**
 * Seeded pseudo-random numbers for everything in FoxML that must be reproducible: synthetic data,
 * shuffles, bootstrap samples, weight initialisation, subsampling in tree learners.
 *
 * The generator is xoshiro128** (Blackman & Vigna, 2018): 128 bits of state, 32-bit outputs, period
 * 2^128 - 1, passes BigCrush, and needs only 32-bit integer operations, which JavaScript does
 * exactly with `Math.imul` and `>>> 0`. Doubles take 53 bits from two outputs.
 *
 * Seeds (a number or a string) are hashed into a 128-bit key. `fork(label)` derives a child stream
 * from the parent's key and the label only, never from how many numbers the parent has drawn: the
 * stream of `rng.fork("symbol:AAPL")` is the same whatever else was generated first or in what
 * order, so adding a feature or a symbol never shifts the numbers of the others.
 *
 * Same seed => same numbers on every platform: the integer core is exact, and the transcendental
 * functions used by the distributions (Math.log, exp, sqrt, cos, sin) are V8's fdlibm ports, which
 * give the same bits on every platform.
 */

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;
const TWO_PI = 2 * Math.PI;

/** A numeric array `shuffle` can permute in place. */
export type Shuffleable<T> = T[] | Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array;

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** MurmurHash3's 32-bit finaliser: every input bit affects every output bit. */
function fmix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Folds one 32-bit word into a 128-bit key (four lanes), diffusing it across all lanes. */
function absorb(key: Uint32Array, word: number): void {
  for (let i = 0; i < 4; i++) {
    const lane = (key[i] ^ word) + Math.imul(0x9e3779b9, i + 1) + key[(i + 3) & 3];
    key[i] = fmix32(lane >>> 0);
  }
}

function absorbString(key: Uint32Array, s: string): void {
  absorb(key, s.length);
  for (let i = 0; i < s.length; i++) absorb(key, s.charCodeAt(i));
}

function absorbNumber(key: Uint32Array, n: number): void {
  if (!Number.isFinite(n)) throw new RangeError(`random seed must be a finite number, got ${n}`);
  if (Number.isInteger(n) && Math.abs(n) <= Number.MAX_SAFE_INTEGER) {
    const neg = n < 0 ? 1 : 0;
    const a = Math.abs(n);
    absorb(key, 0x6e756d00 | neg); // type tag, so 5 and "5" differ
    absorb(key, a % TWO_POW_32);
    absorb(key, Math.floor(a / TWO_POW_32));
  } else {
    // Non-integers are seeds too: hash their exact bits.
    const bits = new Uint32Array(new Float64Array([n]).buffer);
    absorb(key, 0x666c7400);
    absorb(key, bits[0]);
    absorb(key, bits[1]);
  }
}

function keyFrom(seed: number | string): Uint32Array {
  const key = new Uint32Array([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344]);
  if (typeof seed === "number") absorbNumber(key, seed);
  else {
    absorb(key, 0x73747200);
    absorbString(key, seed);
  }
  return key;
}

export class Rng {
  /** The 128-bit key this stream was made from; forks hash it with their label. */
  private readonly key: Uint32Array;
  /** xoshiro128** state as signed 32-bit words: an Int32Array keeps them unboxed (no heap numbers). */
  private readonly s: Int32Array;
  /** Box–Muller yields normals in pairs; the second waits here. */
  private spareNormal = NaN;

  /** A stream for `seed` (an integer, any finite number, or a string). */
  constructor(seed: number | string) {
    this.key = keyFrom(seed);
    this.s = new Int32Array(4);
    this.seedStateFromKey();
  }

  /**
   * A stream whose xoshiro128** state is exactly `state` (four 32-bit words, not all zero): for
   * checking against the reference implementation, not for everyday seeding.
   */
  static fromState(state: readonly [number, number, number, number]): Rng {
    if (state.every((w) => w >>> 0 === 0)) throw new RangeError("xoshiro128** state must not be all zero");
    const rng = new Rng(0);
    for (let i = 0; i < 4; i++) rng.s[i] = state[i] | 0;
    return rng;
  }

  private seedStateFromKey(): void {
    // The key is already well mixed; one more finaliser round per lane decorrelates state from key.
    const s = this.s;
    s[0] = fmix32(this.key[0] ^ 0x9e3779b9);
    s[1] = fmix32(this.key[1] ^ 0x7f4a7c15);
    s[2] = fmix32(this.key[2] ^ 0xf39cc060);
    s[3] = fmix32(this.key[3] ^ 0x5ced5a2b);
    if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1;
  }

  /**
   * An independent child stream named `label`. It depends only on this stream's seed (and the
   * labels of the forks that led to it) and `label`, not on what has been drawn from this stream.
   */
  fork(label: string | number): Rng {
    const child = new Rng(0);
    child.key.set(this.key);
    absorb(child.key, 0x666f726b); // "fork"
    if (typeof label === "number") absorbNumber(child.key, label);
    else absorbString(child.key, label);
    child.seedStateFromKey();
    return child;
  }

  /** The next 32-bit output, an integer in [0, 2^32). */
  nextUint32(): number {
    return this.next() >>> 0;
  }

  /** The next output as a signed 32-bit integer (the same bits as nextUint32). */
  private next(): number {
    const s = this.s;
    const s0 = s[0];
    const s1 = s[1];
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    const s2 = s[2] ^ s0;
    const s3 = s[3] ^ s1;
    s[1] = s1 ^ s2;
    s[0] = s0 ^ s3;
    s[2] = s2 ^ t;
    s[3] = rotl(s3, 11);
    return result;
  }

  /** A uniform double in [0, 1) with 53 random bits (every representable multiple of 2^-53). */
  uniform(): number {
    const hi = this.next() >>> 5; // 27 bits
    const lo = this.next() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / TWO_POW_53;
  }

  /** A uniform double in [lo, hi). */
  uniformIn(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** A uniform integer in [lo, hi) (hi exclusive), without modulo bias. */
  int(lo: number, hi: number): number {
    if (!Number.isInteger(lo) || !Number.isInteger(hi)) throw new RangeError(`int(lo, hi) needs integers, got ${lo}, ${hi}`);
    const span = hi - lo;
    if (span <= 0) throw new RangeError(`int(lo, hi) needs lo < hi, got ${lo}, ${hi}`);
    if (span <= TWO_POW_32) {
      // Rejection keeps every value equally likely: drop the top partial block of 2^32.
      const limit = TWO_POW_32 - (TWO_POW_32 % span);
      let x = this.nextUint32();
      while (x >= limit) x = this.nextUint32();
      return lo + (x % span);
    }
    if (span > TWO_POW_53) throw new RangeError(`int(lo, hi) span ${span} exceeds 2^53`);
    const limit = TWO_POW_53 - (TWO_POW_53 % span);
    let x = this.uniform() * TWO_POW_53;
    while (x >= limit) x = this.uniform() * TWO_POW_53;
    return lo + (x % span);
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.uniform() < p;
  }

  /** A standard normal (or N(mean, sd^2)) by the Box–Muller transform. */
  normal(mean = 0, sd = 1): number {
    let z: number;
    if (this.spareNormal === this.spareNormal) {
      // Not NaN: the second value of the last pair.
      z = this.spareNormal;
      this.spareNormal = NaN;
    } else {
      const u1 = 1 - this.uniform(); // (0, 1]: log never sees 0
      const u2 = this.uniform();
      const r = Math.sqrt(-2 * Math.log(u1));
      const theta = TWO_PI * u2;
      z = r * Math.cos(theta);
      this.spareNormal = r * Math.sin(theta);
    }
    return mean + sd * z;
  }

  /** Fills `out` with N(mean, sd^2) draws. */
  fillNormal(out: Float64Array | Float32Array, mean = 0, sd = 1): void {
    for (let i = 0; i < out.length; i++) out[i] = this.normal(mean, sd);
  }

  /** Exponential with the given rate (mean 1/rate). */
  exponential(rate = 1): number {
    if (!(rate > 0)) throw new RangeError(`exponential rate must be > 0, got ${rate}`);
    return -Math.log(1 - this.uniform()) / rate;
  }

  /**
   * Gamma(shape, scale) by Marsaglia & Tsang (2000): a squeeze-accelerated rejection sampler on a
   * transformed normal; shapes below 1 use the boost Gamma(a) = Gamma(a + 1) * U^(1/a).
   */
  gamma(shape: number, scale = 1): number {
    if (!(shape > 0) || !Number.isFinite(shape)) throw new RangeError(`gamma shape must be a finite number > 0, got ${shape}`);
    if (shape < 1) {
      const u = 1 - this.uniform();
      return this.gamma(shape + 1, scale) * Math.pow(u, 1 / shape);
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = 1 - this.uniform();
      const x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2) return d * v * scale;
      if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v * scale;
    }
  }

  /** Chi-square with `df` degrees of freedom (any real df > 0). */
  chiSquare(df: number): number {
    return this.gamma(df / 2, 2);
  }

  /** Student's t with `df` degrees of freedom (any real df > 0): Z / sqrt(chi2(df) / df). */
  studentT(df: number): number {
    if (!(df > 0)) throw new RangeError(`Student-t degrees of freedom must be > 0, got ${df}`);
    const z = this.normal();
    return z / Math.sqrt(this.chiSquare(df) / df);
  }

  /**
   * Student's t scaled to unit variance (needs df > 2): fat tails without changing the variance,
   * the usual innovation of a GARCH-t model.
   */
  standardT(df: number): number {
    if (!(df > 2)) throw new RangeError(`a unit-variance Student-t needs df > 2, got ${df}`);
    return this.studentT(df) * Math.sqrt((df - 2) / df);
  }

  /** Shuffles `arr` in place (Fisher–Yates) and returns it. */
  shuffle<A extends Shuffleable<unknown>>(arr: A): A {
    const a = arr as unknown as { length: number; [i: number]: unknown };
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(0, i + 1);
      const tmp = a[i];
      a[i] = a[j];
      a[j] = tmp;
    }
    return arr;
  }

  /** One element of `items`, uniformly. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("pick from an empty list");
    return items[this.int(0, items.length)];
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }
}

/** A stream for `seed`: shorthand for `new Rng(seed)`. */
export function rng(seed: number | string): Rng {
  return new Rng(seed);
}
