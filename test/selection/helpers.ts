/**
 * Shared fixtures for the selection tests: the synthetic market with planted signals (sig_h5
 * predicts fwd_ret_5, sig_h20 predicts fwd_ret_20), pure noise features, and CvData per target.
 */
import type { Panel } from "../../src/data/types.js";
import { historyRows, type FeatureSet } from "../../src/features/index.js";
import { buildTarget } from "../../src/targets/index.js";
import { makeCvData, type CvData } from "../../src/training/cv-data.js";
import { Rng } from "../../src/util/random.js";
import { purgeForTarget } from "../../src/validation/splitters/index.js";
import { features, leakageConfig, syntheticPanel } from "../leakage/helpers.js";

export { NOISE, SIGNALS, memoryLog } from "../leakage/helpers.js";

export interface Fixture {
  panel: Panel;
  fs: FeatureSet;
  /** Feature names offered to selection. */
  names: string[];
  grids: Map<string, Float32Array>;
  symbols: string[];
  /** One target cut into purged folds (memoized: the same options give the same object). */
  cv(target: "fwd_ret_5" | "fwd_ret_20" | "fwd_sign_5", opts?: CvOpts): CvData;
}

export interface CvOpts {
  nSplits?: number;
  seed?: number;
  /** Cells used at most (a seeded subset of whole timestamps). */
  maxRows?: number;
}

let cached: Fixture | undefined;

/** 40 symbols x 600 bars; features: the two signals, three noise columns, ret_1 and mom_20. */
export function fixture(): Fixture {
  if (cached) return cached;
  const panel = syntheticPanel({ signals: { plant: true } }).panel;
  const fs = features(panel, { include: ["sig_h5", "sig_h20", "noise_1", "noise_2", "noise_3", "ret_1", "mom_20"] });
  const grids = new Map(fs.grids);
  const lookback = Math.max(...fs.specs.map(historyRows));
  const made = new Map<string, CvData>();
  const cv = (name: "fwd_ret_5" | "fwd_ret_20" | "fwd_sign_5", opts: CvOpts = {}) => {
    const key = JSON.stringify([name, opts]);
    const hit = made.get(key);
    if (hit) return hit;
    const target = buildTarget(name);
    const data = makeCvData({
      T: panel.T,
      S: panel.S,
      target,
      y: target.compute(panel),
      splitter: { kind: "purged_kfold", n_splits: opts.nSplits ?? 3 },
      // The folds these tests were written on: the conservative purge that includes the features'
      // lookback (no longer the default). Boruta's noise rejections sit near its bar and move with
      // the fold composition (2 of 3 rejected on these folds, 1 without the lookback purge).
      purge: purgeForTarget(target, leakageConfig({ include_feature_lookback_in_purge: true }), lookback),
      seed: opts.seed ?? 5,
      purpose: "selection",
      maxRows: opts.maxRows,
    });
    made.set(key, data);
    return data;
  };
  cached = { panel, fs, names: [...fs.names], grids, symbols: [...panel.symbols], cv };
  return cached;
}

/** A near copy of a grid: the same values plus a little seeded noise (sd = `noise` x the grid's sd). */
export function nearCopy(g: Float32Array, noise: number, seed: number): Float32Array {
  let n = 0;
  let m = 0;
  for (const x of g) if (Number.isFinite(x)) (n++, (m += x));
  m /= n;
  let ss = 0;
  for (const x of g) if (Number.isFinite(x)) ss += (x - m) ** 2;
  const sd = Math.sqrt(ss / n);
  const rng = new Rng(seed);
  return g.map((x) => (Number.isFinite(x) ? x + noise * sd * rng.normal() : x));
}
