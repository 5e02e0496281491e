/**
 * Ranking a cross-section by value, ties in the order given: a stable LSD radix sort on the 64 bits
 * of the doubles. Rebalancing thousands of symbols on every bar ranks millions of values; a
 * comparator sort costs ~2 ms per 2,000 values here and V8's native typed-array sort ~0.3 ms, the
 * radix sort a fraction of that, with no allocation after construction.
 */

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
// the low word of a double comes first on little-endian machines
const LO = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;
const HI = 1 - LO;

export class Ranker {
  private hiA: Uint32Array;
  private loA: Uint32Array;
  private hiB: Uint32Array;
  private loB: Uint32Array;
  private idxB: Int32Array;
  private readonly count = new Uint32Array(256);

  constructor(capacity: number) {
    this.hiA = new Uint32Array(capacity);
    this.loA = new Uint32Array(capacity);
    this.hiB = new Uint32Array(capacity);
    this.loB = new Uint32Array(capacity);
    this.idxB = new Int32Array(capacity);
  }

  /**
   * Reorders idx[0..n) ascending by keys[0..n) (keys[i] belongs to idx[i]; finite values, -0 = 0),
   * keeping the given order among equal keys. `keys` is left as it was.
   */
  sort(keys: ArrayLike<number>, idx: Int32Array, n: number): void {
    let hi = this.hiA;
    let lo = this.loA;
    let hiOut = this.hiB;
    let loOut = this.loB;
    let ix = idx;
    let ixOut = this.idxB;
    for (let i = 0; i < n; i++) {
      F64[0] = keys[i] + 0; // -0 + 0 = +0: the two zeros tie, as they compare equal
      const h = U32[HI];
      const l = U32[LO];
      // order-preserving map of IEEE doubles to unsigned integers: flip negatives, set the sign bit of positives
      if (h & 0x80000000) {
        hi[i] = ~h >>> 0;
        lo[i] = ~l >>> 0;
      } else {
        hi[i] = (h | 0x80000000) >>> 0;
        lo[i] = l;
      }
    }
    const count = this.count;
    for (let pass = 0; pass < 8; pass++) {
      const word = pass < 4 ? lo : hi;
      const shift = (pass & 3) * 8;
      count.fill(0);
      for (let i = 0; i < n; i++) count[(word[i] >>> shift) & 255]++;
      if (n === 0 || count[(word[0] >>> shift) & 255] === n) continue; // every key has this byte: nothing moves
      let sum = 0;
      for (let b = 0; b < 256; b++) {
        const c = count[b];
        count[b] = sum;
        sum += c;
      }
      for (let i = 0; i < n; i++) {
        const j = count[(word[i] >>> shift) & 255]++;
        hiOut[j] = hi[i];
        loOut[j] = lo[i];
        ixOut[j] = ix[i];
      }
      [hi, hiOut] = [hiOut, hi];
      [lo, loOut] = [loOut, lo];
      [ix, ixOut] = [ixOut, ix];
    }
    if (ix !== idx) idx.set(ix.subarray(0, n));
  }
}
