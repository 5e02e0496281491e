/**
 * The shadow test shared by the Boruta method and the significance gate: `rounds` small GBDTs, each
 * fitted on a seeded subsample of one fold's training cells (folds in turn) with every candidate
 * plus a "shadow" copy of it that keeps the candidate's distribution but none of its alignment with
 * the label. A candidate scores a hit in a round when its gain beats the largest gain of any shadow.
 * Under the null hypothesis that a candidate is no better than noise its hits are at most
 * Binomial(rounds, 1/2) (Kursa & Rudnicki, 2010), so P(X >= hits) is its one-sided p-value.
 *
 * Shadows (`shadow`), made within each symbol from its sampled rows in time order:
 * - rotate: the symbol's values rotated in time by a random offset of at least a quarter of its
 *   rows. The shadow keeps the feature's autocorrelation; with overlapping forward-return labels a
 *   persistent feature fits the training label by chance far better than an i.i.d. shuffle of it
 *   does, so an equally persistent shadow is the fair yardstick. (On the synthetic market with
 *   AR(1) noise up to 0.99, eight seeds: under permute the 0.98-0.99 columns beat every shadow in
 *   up to 12 of 14 rounds, a false discovery after correction; under rotate in at most 8.)
 * - permute: the symbol's values shuffled across time (the original Boruta).
 * A variant that rotated the whole panel in time and permuted its symbols was tried and dropped: on
 * the synthetic market its shadows fitted the label so well that the planted signals rarely beat
 * them (most likely because symbols listed at different times move blocks of missing values onto
 * listed cells, and such blocks fit the label like a persistent feature).
 *
 * Results are shared: the same data, grids, candidates, seed and settings give the same object to
 * every caller while the CvData lives (so the gate reuses a Boruta run with its settings).
 */
import { GbdtModel } from "../models/gbdt/model.js";
import { getFamily } from "../models/registry.js";
import { subsampleCells } from "../validation/cells.js";
import { paramsForTask, tabularRows } from "../training/cv-fit.js";
import type { CvData } from "../training/cv-data.js";
import { Rng } from "../util/random.js";
import type { MethodContext } from "./method.js";
import { checkAborted, finiteLabelCells, SMALL_GBDT } from "./methods/tree-importance.js";

export const SHADOW_KINDS = ["rotate", "permute"] as const;
export type ShadowKind = (typeof SHADOW_KINDS)[number];

/** Trees per round: the comparison with the best shadow needs a ranking, not a good model. */
export const SHADOW_TREES = 25;

export interface ShadowTestSettings {
  family: string;
  hyperparameters: Record<string, unknown>;
  rounds: number;
  max_rows: number;
  shadow: ShadowKind;
}

export interface ShadowTestResult {
  /** Rounds that fitted (a round whose sample holds one class only is skipped). */
  rounds: number;
  /** Per candidate (in ctx.features order): rounds in which its gain beat every shadow's. */
  hits: Float64Array;
  /** Per candidate: P(X >= hits), X ~ Binomial(rounds, 1/2); 1 when no round fitted. */
  pHit: Float64Array;
  /** Per round: the largest shadow gain. */
  shadowMax: number[];
}

export type ShadowTestContext = Pick<MethodContext, "data" | "features" | "grids" | "seed" | "threads" | "signal">;

const cache = new WeakMap<CvData, WeakMap<object, Map<string, Promise<ShadowTestResult>>>>();

export function shadowTest(ctx: ShadowTestContext, s: ShadowTestSettings): Promise<ShadowTestResult> {
  const key = JSON.stringify([s.family, s.hyperparameters, s.rounds, s.max_rows, s.shadow, ctx.seed, ctx.features]);
  let byGrids = cache.get(ctx.data);
  if (byGrids === undefined) cache.set(ctx.data, (byGrids = new WeakMap()));
  let map = byGrids.get(ctx.grids);
  if (map === undefined) byGrids.set(ctx.grids, (map = new Map()));
  const hit = map.get(key);
  if (hit) return hit;
  const run = shadowTestNow(ctx, s);
  map.set(key, run);
  run.catch(() => map.delete(key));
  return run;
}

async function shadowTestNow(ctx: ShadowTestContext, s: ShadowTestSettings): Promise<ShadowTestResult> {
  const names = ctx.features;
  const F = names.length;
  const { data } = ctx;
  const family = getFamily(s.family);
  const params = paramsForTask(s.family, { ...SMALL_GBDT[s.family], n_estimators: SHADOW_TREES, ...s.hyperparameters }, data);
  const folds = data.train.map((cells) => finiteLabelCells(cells, data.fitY)).filter((cells) => cells.length >= 10);
  // The stream is Boruta's, so the method's figures are what they were before the gate shared them.
  const rng = new Rng(ctx.seed).fork("selection:boruta");
  const shadowNames = uniqueShadowNames(names);
  const allNames = [...names, ...shadowNames];
  const hits = new Float64Array(F);
  const shadowMax: number[] = [];
  let done = 0;
  for (let it = 0; it < s.rounds && folds.length > 0 && F > 0; it++) {
    checkAborted(ctx.signal);
    const cells = subsampleCells(folds[it % folds.length], s.max_rows, rng.fork(`rows:${it}`));
    const X = tabularRows(cells, names, ctx.grids, data.fitY).X;
    const tr = withShadows(X, cells, data.S, names, rng.fork(`shadows:${it}`), s.shadow);
    const y = Float64Array.from(cells, (c) => data.fitY[c]);
    if (data.task.objective === "binary" && (y.every((v) => v === 1) || y.every((v) => v === 0))) continue;
    const model = await family.fit({ nRows: cells.length, nFeatures: 2 * F, featureNames: allNames, X: tr, y }, params, { seed: rng.fork(`fit:${it}`).nextUint32(), threads: ctx.threads, signal: ctx.signal });
    if (!(model instanceof GbdtModel)) throw new Error(`shadow test: family ${s.family} did not produce a GBDT model`);
    const gain = model.importance("gain");
    let max = 0;
    for (const n of shadowNames) max = Math.max(max, gain[n] ?? 0);
    for (let f = 0; f < F; f++) if ((gain[names[f]] ?? 0) > max) hits[f]++;
    shadowMax.push(max);
    done++;
  }
  const pHit = Float64Array.from(hits, (h) => (done > 0 ? binomialUpperTail(done, h) : 1));
  return { rounds: done, hits, pHit, shadowMax };
}

/** Names for the shadow columns that no real feature has. */
function uniqueShadowNames(names: readonly string[]): string[] {
  const taken = new Set(names);
  let prefix = "shadow#";
  while (names.some((n) => n.startsWith(prefix))) prefix = `#${prefix}`;
  const out = names.map((_, f) => `${prefix}${f}`);
  for (const s of out) if (taken.has(s)) throw new Error(`shadow test: shadow name ${s} collides with a feature`);
  return out;
}

/** Row-major [rows x 2F] with the F real columns of X copied in; shadows to be filled. */
function widen(X: Float32Array, n: number, F: number): Float32Array {
  const out = new Float32Array(n * 2 * F);
  for (let i = 0; i < n; i++) out.set(X.subarray(i * F, (i + 1) * F), i * 2 * F);
  return out;
}

/**
 * Shadows made within each symbol from its sampled rows in time order: shuffled (permute) or
 * rotated by a random offset of at least a quarter of the rows (rotate).
 */
function withShadows(X: Float32Array, cells: Int32Array, S: number, names: readonly string[], rng: Rng, how: ShadowKind): Float32Array {
  const F = names.length;
  const n = cells.length;
  const out = widen(X, n, F);
  const count = new Int32Array(S + 1);
  for (const c of cells) count[(c % S) + 1]++;
  for (let s = 0; s < S; s++) count[s + 1] += count[s];
  const next = count.slice(0, S);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[next[cells[i] % S]++] = i;
  const scratch = new Float32Array(n);
  for (let f = 0; f < F; f++) {
    const stream = rng.fork(names[f]);
    for (let s = 0; s < S; s++) {
      const a = count[s];
      const m = count[s + 1] - a;
      for (let i = 0; i < m; i++) scratch[i] = X[order[a + i] * F + f];
      if (how === "permute" || m < 4) {
        stream.shuffle(scratch.subarray(0, m));
        for (let i = 0; i < m; i++) out[order[a + i] * 2 * F + F + f] = scratch[i];
      } else {
        // Offsets of at least a quarter of the series keep the shadow away from its own alignment.
        const shift = stream.int(Math.ceil(m / 4), m - Math.ceil(m / 4) + 1);
        for (let i = 0; i < m; i++) out[order[a + i] * 2 * F + F + f] = scratch[(i + shift) % m];
      }
    }
  }
  return out;
}

/** P(X >= k) for X ~ Binomial(n, 1/2), summed over the tail itself so small p-values stay exact. */
export function binomialUpperTail(n: number, k: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  let pmf = Math.pow(0.5, n);
  let tail = 0;
  for (let j = 0; j <= n; j++) {
    if (j >= k) tail += pmf;
    pmf = (pmf * (n - j)) / (j + 1);
  }
  return Math.min(1, tail);
}

/** P(X <= k) for X ~ Binomial(n, 1/2) (symmetric: P(X >= n - k)). */
export function binomialLowerTail(n: number, k: number): number {
  return binomialUpperTail(n, n - k);
}
