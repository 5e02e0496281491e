/**
 * Cases and generated data of `npm run bench -- gbdt` (also read by bench/_gbdt_profile.ts): the
 * same data goes to FoxML and to the Python references, with the same trees, depth or leaves, bins,
 * learning rate and L2.
 */
import type { TabularData } from "../src/models/family.js";
import { FAMILY_DEFAULTS } from "../src/models/gbdt/families.js";
import { gbdtParamsSchema, type GbdtParams } from "../src/models/gbdt/params.js";

export type Task = "regression" | "binary" | "lambdarank";

export interface Case {
  name: string;
  task: Task;
  rows: number;
  features: number;
  growth: "depthwise" | "leafwise";
  /** Fixed thread count (the scaling cases); otherwise the --threads option. */
  threads?: number;
}

export const TREES = 100;
export const DEPTH = 6;
export const LEAVES = 63;
/** Rows per query group of the ranking cases (one cross-section of symbols per timestamp). */
export const GROUP_SIZE = 50;

export const ALL_CASES: Case[] = [
  { name: "regression_500k_depth6", task: "regression", rows: 500_000, features: 50, growth: "depthwise" },
  { name: "regression_500k_leaves63", task: "regression", rows: 500_000, features: 50, growth: "leafwise" },
  { name: "binary_500k_depth6", task: "binary", rows: 500_000, features: 50, growth: "depthwise" },
  { name: "lambdarank_200k_depth6", task: "lambdarank", rows: 200_000, features: 50, growth: "depthwise" },
  { name: "regression_1m_100f_depth6", task: "regression", rows: 1_000_000, features: 100, growth: "depthwise" },
  { name: "regression_500k_depth6_1thread", task: "regression", rows: 500_000, features: 50, growth: "depthwise", threads: 1 },
];

export function caseByName(name: string): Case {
  const c = ALL_CASES.find((x) => x.name === name);
  if (!c) throw new Error(`unknown gbdt bench case ${name}; cases: ${ALL_CASES.map((x) => x.name).join(", ")}`);
  return c;
}

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Standard-normal features; a nonlinear signal in 8 of them plus noise (test R^2 ~0.6). Binary
 * thresholds a noisier copy; ranking grades each query group's rows 0..4 by quintile of a noisy
 * signal, groups of GROUP_SIZE consecutive rows.
 */
export function generate(n: number, F: number, task: Task, seed: number): TabularData {
  const rnd = rng(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const X = new Float32Array(n * F);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const b = i * F;
    for (let f = 0; f < F; f++) X[b + f] = normal();
    const s = X[b] + 0.5 * X[b + 1] * X[b + 2] + Math.sin(2 * X[b + 3]) + 0.5 * Math.abs(X[b + 4]) + 0.3 * X[b + 5] * X[b + 5] - 0.4 * X[b + 6] + (X[b + 7] > 0.5 ? 0.5 : 0);
    y[i] = task === "regression" ? s + normal() : task === "binary" ? (s + 1.2 * normal() > 0.3 ? 1 : 0) : s + normal();
  }
  const data: TabularData = { nRows: n, nFeatures: F, featureNames: Array.from({ length: F }, (_, f) => `f${f}`), X, y };
  if (task !== "lambdarank") return data;
  const group = new Int32Array(n);
  for (let start = 0; start < n; start += GROUP_SIZE) {
    const end = Math.min(n, start + GROUP_SIZE);
    const ord = Array.from({ length: end - start }, (_, k) => start + k).sort((a, b) => y[a] - y[b] || a - b);
    ord.forEach((r, k) => (y[r] = Math.floor((5 * k) / ord.length)));
    group.fill(start / GROUP_SIZE, start, end);
  }
  return { ...data, group };
}

export function caseParams(c: Case): GbdtParams {
  return gbdtParamsSchema(FAMILY_DEFAULTS.xgboost).parse({
    objective: c.task,
    n_estimators: TREES,
    learning_rate: 0.1,
    max_bin: 255,
    grow_policy: c.growth,
    max_depth: c.growth === "depthwise" ? DEPTH : -1,
    num_leaves: c.growth === "depthwise" ? 2 ** DEPTH : LEAVES,
    lambda_l2: 1,
    // Ranking hessians are pair weights, not row counts: no minimum (on both sides).
    min_sum_hessian_in_leaf: c.task === "lambdarank" ? 0 : 1,
    min_data_in_leaf: c.growth === "depthwise" ? 1 : 20,
  });
}
