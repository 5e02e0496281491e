import type { SignalSpec } from "./config.js";

/**
 * The algebra of planted signals, shared by calibration (how strongly to write them into returns),
 * validation (whether the requested ICs are possible) and the ground truth (their IC at every
 * horizon).
 *
 * Signal j's value at bar t, z_j[t] ~ N(0, 1) independent across bars and symbols, adds
 * c_j * z_j[t] to each of the m_j = horizon - onset + 1 bar returns t + onset .. t + horizon. In
 * the H-bar forward return from t, z_j[s] then appears N(s) times, N(s) being the overlap of its
 * bars s + onset .. s + horizon with t + 1 .. t + H; the z are independent, so signal j adds
 * c_j^2 * Q(m_j, H) to that return's variance, Q(m, H) = sum over s of N(s)^2 (which depends only
 * on the two lengths). A spread signal (m > 1) thus adds more than m * c^2: the same value lands
 * in several bars of one window.
 *
 * With v the per-bar variance of everything else, x_j = c_j^2 / v solves, for each signal i at its
 * own horizon h_i (where all m_i of its bars are inside the window),
 *
 *   ic_i^2 = m_i^2 x_i / (h_i + sum_j Q(m_j, h_i) x_j),
 *
 * a linear system (m_i^2 x_i - ic_i^2 sum_j Q(m_j, h_i) x_j = ic_i^2 h_i) with a positive
 * solution exactly when the requested ICs are achievable.
 */

export function onsetOf(s: SignalSpec): number {
  return s.onset ?? s.horizon;
}

export function spanOf(s: SignalSpec): number {
  return s.horizon - onsetOf(s) + 1;
}

/** Sum over all relative positions of the squared overlap of runs of m and H consecutive bars. */
export function overlapSquares(m: number, H: number): number {
  let q = 0;
  // The m-run starts at offset k relative to the H-run: overlap is non-empty for k in (-m, H).
  for (let k = -(m - 1); k <= H - 1; k++) {
    const overlap = Math.min(H, k + m) - Math.max(0, k);
    q += overlap * overlap;
  }
  return q;
}

/** How many of a signal's bars fall within the first H bars after t. */
export function barsWithin(s: SignalSpec, H: number): number {
  return Math.max(0, Math.min(s.horizon, H) - onsetOf(s) + 1);
}

/** Solves M x = b by Gaussian elimination with partial pivoting; null if singular. */
function solve(M: number[][], b: number[]): number[] | null {
  const n = b.length;
  const a = M.map((row, i) => [...row, b[i]]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
    if (Math.abs(a[pivot][col]) < 1e-300) return null;
    [a[col], a[pivot]] = [a[pivot], a[col]];
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = a[r][col] / a[col][col];
      if (f === 0) continue;
      for (let k = col; k <= n; k++) a[r][k] -= f * a[col][k];
    }
  }
  return a.map((row, i) => row[n] / row[i]);
}

/** The system's matrix: row i is m_i^2 x_i - ic_i^2 sum_j Q(m_j, h_i) x_j. */
function systemMatrix(signals: readonly SignalSpec[]): number[][] {
  return signals.map((si, i) =>
    signals.map((sj, j) => (i === j ? spanOf(si) ** 2 : 0) - si.ic * si.ic * overlapSquares(spanOf(sj), si.horizon)),
  );
}

export interface SignalSolution {
  /** c_j^2 / v: each signal's per-bar injection variance relative to the other per-bar variance. */
  scale2: number[];
  /** For each signal, the share of its own-horizon forward return's variance that planted signals take. */
  share: number[];
}

/** The scales that give every signal its IC; null when the requested ICs cannot all be met. */
export function solveSignals(signals: readonly SignalSpec[]): SignalSolution | null {
  if (signals.length === 0) return { scale2: [], share: [] };
  const x = solve(
    systemMatrix(signals),
    signals.map((s) => s.ic * s.ic * s.horizon),
  );
  if (!x || x.some((v) => !(v >= 0) || !Number.isFinite(v))) return null;
  const share = signals.map((s) => {
    const planted = signals.reduce((acc, sj, j) => acc + overlapSquares(spanOf(sj), s.horizon) * x[j], 0);
    return planted / (s.horizon + planted);
  });
  return { scale2: x, share };
}

/**
 * Maps the per-bar "everything else" variance of each signal's own-horizon window (V_i = h_i v_i,
 * which varies over time) to the squared scales c_j^2: c^2 = A^-1 (ic^2 * V). A is fixed, so its
 * inverse is computed once and applied per bar.
 */
export function scaleMap(signals: readonly SignalSpec[]): (windowVariance: Float64Array, out: Float64Array) => void {
  const J = signals.length;
  const A = systemMatrix(signals);
  const inverse: number[][] = [];
  for (let k = 0; k < J; k++) {
    const col = solve(
      A,
      signals.map((_, i) => (i === k ? 1 : 0)),
    );
    if (!col) throw new Error("planted signals: singular system (validation should have refused this configuration)");
    inverse.push(col);
  }
  const ic2 = signals.map((s) => s.ic * s.ic);
  return (windowVariance, out) => {
    for (let i = 0; i < J; i++) {
      let acc = 0;
      for (let k = 0; k < J; k++) acc += inverse[k][i] * ic2[k] * windowVariance[k];
      out[i] = Math.max(0, acc);
    }
  };
}

/**
 * Expected correlation of signal i with the forward return over H bars: its n(H) bars inside the
 * window covary, every planted signal adds Q(m_j, H) x_j, and the rest adds H (per-bar units).
 */
export function expectedIcs(signals: readonly SignalSpec[], H: number, solution = solveSignals(signals)): number[] {
  if (!solution) return signals.map(() => Number.NaN);
  const planted = signals.reduce((acc, sj, j) => acc + overlapSquares(spanOf(sj), H) * solution.scale2[j], 0);
  const sd = Math.sqrt(H + planted);
  return signals.map((s, i) => {
    const n = barsWithin(s, H);
    if (n === 0) return 0;
    return (Math.sign(s.ic) * Math.sqrt(solution.scale2[i]) * n) / sd;
  });
}
