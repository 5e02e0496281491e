import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { TabularData } from "../../../src/models/family.js";

import { gaussian, lcg } from "../../support/test-random.js";

export { gaussian, lcg };

export const names = (F: number): string[] => Array.from({ length: F }, (_, i) => `f${i}`);

export interface LinearCase {
  data: TabularData;
  /** The planted coefficients. */
  truth: number[];
}

/**
 * y = intercept + sum_f truth[f] x_f + noise, x standard normal times a per-feature scale
 * (scales make standardization matter).
 */
export function linearData(n: number, truth: number[], opts: { seed: number; noise?: number; intercept?: number; scales?: number[]; weights?: boolean }): LinearCase {
  const F = truth.length;
  const rnd = lcg(opts.seed);
  const X = new Float32Array(n * F);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = opts.intercept ?? 0;
    for (let f = 0; f < F; f++) {
      const x = Math.fround(gaussian(rnd) * (opts.scales?.[f] ?? 1));
      X[i * F + f] = x;
      s += truth[f] * x;
    }
    y[i] = s + (opts.noise ?? 0.1) * gaussian(rnd);
  }
  const data: TabularData = { nRows: n, nFeatures: F, featureNames: names(F), X, y };
  if (opts.weights) data.weight = Float64Array.from({ length: n }, () => 0.2 + 2 * rnd());
  return { data, truth };
}

/** Class labels from a linear score: binary (score + logistic noise > 0) or K classes by cut points. */
export function classData(n: number, truth: number[], opts: { seed: number; classes?: number; weights?: boolean }): TabularData {
  const { data } = linearData(n, truth, { seed: opts.seed, noise: 0, weights: opts.weights });
  const rnd = lcg(opts.seed + 1000);
  const K = opts.classes ?? 2;
  const y = data.y.map((s) => {
    const u = Math.min(1 - 1e-12, Math.max(1e-12, rnd()));
    const z = s + Math.log(u / (1 - u));
    if (K === 2) return z > 0 ? 1 : 0;
    // Cut points spread so each class is well represented.
    let k = 0;
    for (let c = 1; c < K; c++) if (z > -2 + (4 * c) / K) k = c;
    return k;
  });
  return { ...data, y };
}

export const ctx = { seed: 7, threads: 1 };

/** Debian's python3 (with python3-sklearn) first: a pyenv/venv python3 on PATH may lack it. */
export function findSklearnPython(): string | null {
  for (const py of ["/usr/bin/python3", "python3"]) {
    const r = spawnSync(py, ["-c", "import sklearn"], { stdio: "ignore" });
    if (r.status === 0) return py;
  }
  return null;
}

export interface SklearnResult {
  coef: number[][];
  intercept: number[];
  proba?: number[][];
  n_iter?: number;
}

/** Runs every case through sk_reference.py in one process (importing sklearn takes a second). */
export function runSklearn(python: string, cases: object[]): Record<string, SklearnResult> {
  const script = fileURLToPath(new URL("./sk_reference.py", import.meta.url));
  const r = spawnSync(python, [script], { input: JSON.stringify({ cases }), encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`sk_reference.py failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Largest absolute difference, scaled by max(1, |reference|). */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return worst;
}
