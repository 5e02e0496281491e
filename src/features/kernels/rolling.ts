/**
 * One-dimensional rolling kernels over a contiguous series x[0..n) whose element i sits at
 * absolute panel row abs0 + i. Every kernel writes out[i] for the window of the W rows ending at i
 * and NaN where that window is not complete inside x or holds a non-finite value: a symbol's gap is
 * never bridged by silently shifting the window.
 *
 * Sums are evaluated over blocks of W rows anchored at absolute rows (multiples of W), as
 * suffix-of-one-block plus prefix-of-the-next (van Herk / Gil-Werman). The floating-point
 * operations that produce out[i] therefore depend only on the window's values and on absolute row
 * numbers, never on where the computation started, which is what makes chunked computation equal
 * in-memory computation bit for bit. It also avoids the drift of add-new/subtract-old running sums.
 */

function nanHead(out: Float64Array, n: number, W: number): void {
  const stop = Math.min(W - 1, n);
  for (let i = 0; i < stop; i++) out[i] = NaN;
}

function phaseOf(abs0: number, W: number): number {
  return ((abs0 % W) + W) % W;
}

/** out[i] = sum of x over the W rows ending at i. `P` is scratch of length >= n. */
export function rollingSum(x: Float64Array, n: number, W: number, abs0: number, out: Float64Array, P: Float64Array): void {
  if (W === 1) {
    for (let i = 0; i < n; i++) out[i] = x[i];
    return;
  }
  let phase = phaseOf(abs0, W);
  let acc = 0;
  for (let i = 0; i < n; i++) {
    if (phase === 0) acc = 0;
    acc += x[i];
    P[i] = acc;
    if (++phase === W) phase = 0;
  }
  // Walk backwards keeping q = sum of x from a to the end of a's block.
  phase = phaseOf(abs0 + n - 1, W);
  let q = 0;
  for (let a = n - 1; a >= 0; a--) {
    if (phase === W - 1) q = 0;
    q += x[a];
    const b = a + W - 1;
    if (b < n) out[b] = phase === 0 ? P[b] : q + P[b];
    if (--phase < 0) phase = W - 1;
  }
  nanHead(out, n, W);
}

/**
 * Truncated exponentially weighted mean: out[i] = sum_k d^k x[i-k] / sum_k d^k over k < W.
 * `pw` holds d^0..d^(W-1). Same absolute-block evaluation as rollingSum, with the suffix part
 * rescaled by d^(distance to the window end).
 */
export function rollingGeomMean(
  x: Float64Array,
  n: number,
  W: number,
  pw: Float64Array,
  abs0: number,
  out: Float64Array,
  P: Float64Array,
): void {
  const d = pw.length > 1 ? pw[1] : 0;
  let norm = 0;
  for (let k = W - 1; k >= 0; k--) norm += pw[k];
  let phase = phaseOf(abs0, W);
  let acc = 0;
  for (let i = 0; i < n; i++) {
    acc = phase === 0 ? x[i] : d * acc + x[i];
    P[i] = acc;
    if (++phase === W) phase = 0;
  }
  // q = sum_{j=a}^{E} d^(E-j) x[j], E = end of a's block; the window [a, b] needs d^(b-E) q + P[b],
  // and b - E equals a's phase.
  phase = phaseOf(abs0 + n - 1, W);
  let q = 0;
  for (let a = n - 1; a >= 0; a--) {
    if (phase === W - 1) q = 0;
    q += pw[W - 1 - phase] * x[a];
    const b = a + W - 1;
    if (b < n) out[b] = (phase === 0 ? P[b] : pw[phase] * q + P[b]) / norm;
    if (--phase < 0) phase = W - 1;
  }
  nanHead(out, n, W);
}

/** Powers d^0..d^(W-1). */
export function geometricPowers(d: number, W: number): Float64Array {
  const pw = new Float64Array(W);
  let p = 1;
  for (let k = 0; k < W; k++) {
    pw[k] = p;
    p *= d;
  }
  return pw;
}

/** Smallest W with d^W <= tailMass: the truncation window of an EWM with decay d. */
export function ewmWindow(d: number, tailMass: number): number {
  if (!(d > 0 && d < 1)) throw new RangeError(`ewm decay must be in (0, 1), got ${d}`);
  return Math.max(1, Math.ceil(Math.log(tailMass) / Math.log(d) - 1e-12));
}

/**
 * Rolling maximum (sign = 1) or minimum (sign = -1) with a monotonic deque of indices; `dq` is
 * Int32 scratch of length >= n. A non-finite value makes every window containing it NaN.
 */
export function rollingExtreme(x: Float64Array, n: number, W: number, sign: 1 | -1, out: Float64Array, dq: Int32Array): void {
  let head = 0;
  let tail = 0;
  let lastBad = -1;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (!Number.isFinite(v)) {
      lastBad = i;
      head = tail = 0;
    } else {
      const sv = sign * v;
      while (tail > head && sign * x[dq[tail - 1]] <= sv) tail--;
      dq[tail++] = i;
      while (dq[head] <= i - W) head++;
    }
    out[i] = i >= W - 1 && lastBad <= i - W ? x[dq[head]] : NaN;
  }
}

/** out[i] = x[i - k] (NaN for the first k rows). */
export function shiftSeries(x: Float64Array, n: number, k: number, out: Float64Array): void {
  const stop = Math.min(k, n);
  for (let i = n - 1; i >= stop; i--) out[i] = x[i - k];
  for (let i = 0; i < stop; i++) out[i] = NaN;
}
