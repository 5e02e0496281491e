import type { TabularData } from "../../../src/models/family.js";

import { gaussian, lcg } from "../../support/test-random.js";

export { gaussian, lcg };

export function names(F: number): string[] {
  return Array.from({ length: F }, (_, i) => `f${i}`);
}

/** y = x0 + 0.5 x1 x2 + sin(3 x3) + noise (absent features count as 0), features uniform in [-1, 1]. */
export function regressionData(n: number, F: number, seed: number, noise = 0.1): TabularData {
  const rnd = lcg(seed);
  const X = new Float32Array(n * F);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < F; f++) X[i * F + f] = rnd() * 2 - 1;
    const b = i * F;
    const x = (k: number): number => (k < F ? X[b + k] : 0);
    y[i] = x(0) + 0.5 * x(1) * x(2) + Math.sin(3 * x(3)) + noise * gaussian(rnd);
  }
  return { nRows: n, nFeatures: F, featureNames: names(F), X, y };
}

export function binaryData(n: number, F: number, seed: number): TabularData {
  const d = regressionData(n, F, seed, 0.5);
  const y = d.y.map((v) => (v > 0.2 ? 1 : 0));
  return { ...d, y };
}

export function subset(d: TabularData, from: number, to: number): TabularData {
  const F = d.nFeatures;
  return {
    nRows: to - from,
    nFeatures: F,
    featureNames: d.featureNames,
    X: d.X.slice(from * F, to * F),
    y: d.y.slice(from, to),
    weight: d.weight?.slice(from, to),
    group: d.group?.slice(from, to),
  };
}

export const ctx1 = { seed: 7, threads: 1 };
