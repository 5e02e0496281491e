/**
 * Small fixtures for the ensemble and evaluation tests: the planted-signal market of the leakage
 * tests, one target cut into purged folds, and "members" whose out-of-fold predictions are feature
 * values on the tested cells (a perfect stand-in for a model: the combiners only see predictions).
 */
import type { Panel } from "../../src/data/types.js";
import type { FeatureSet } from "../../src/features/index.js";
import { historyRows } from "../../src/features/index.js";
import { buildTarget } from "../../src/targets/index.js";
import type { TargetSpec } from "../../src/targets/spec.js";
import { makeCvData, testedCells, type CvData } from "../../src/training/cv-data.js";
import { purgeForTarget, type SplitterConfig } from "../../src/validation/splitters/index.js";
import { features, leakageConfig, syntheticPanel } from "../leakage/helpers.js";

export interface Fixture {
  panel: Panel;
  fs: FeatureSet;
}

let cached: Fixture | undefined;

/** The planted-signal market (40 symbols x 600 bars) and a few of its features, built once per file. */
export function fixture(): Fixture {
  if (cached) return cached;
  const panel = syntheticPanel({ signals: { plant: true } }).panel;
  const fs = features(panel, { include: ["sig_h5", "sig_h20", "noise_1", "noise_2", "noise_3"] });
  cached = { panel, fs };
  return cached;
}

export function cvData(fx: Fixture, opts: { target?: string | TargetSpec; splitter?: SplitterConfig; seed?: number; maxRows?: number } = {}): CvData {
  const target = typeof opts.target === "object" ? opts.target : buildTarget(opts.target ?? "fwd_ret_5");
  return makeCvData({
    T: fx.panel.T,
    S: fx.panel.S,
    target,
    y: target.compute(fx.panel),
    splitter: opts.splitter ?? { kind: "purged_kfold", n_splits: 3 },
    purge: purgeForTarget(target, leakageConfig(), Math.max(...fx.fs.specs.map(historyRows))),
    seed: opts.seed ?? 5,
    maxRows: opts.maxRows,
  });
}

/** A member predicting the feature's value (times `sign`, plus `noise` x a seeded gaussian-ish term) at the tested cells. */
export function featureMember(fx: Fixture, data: CvData, feature: string, opts: { sign?: number; scale?: number; offset?: number } = {}): Float64Array {
  const g = fx.fs.grids.get(feature);
  if (!g) throw new Error(`no feature ${feature}`);
  const out = new Float64Array(data.T * data.S).fill(NaN);
  const sign = opts.sign ?? 1;
  const scale = opts.scale ?? 1;
  const offset = opts.offset ?? 0;
  for (const c of testedCells(data)) out[c] = Number.isFinite(g[c]) ? sign * scale * g[c] + offset : NaN;
  return out;
}

/** A fold-dependent affine transform of a member (each fold model predicts on its own scale), which standardization must undo. */
export function perFoldScaled(data: CvData, oof: Float64Array): Float64Array {
  const out = Float64Array.from(oof);
  data.test.forEach((cells, k) => {
    for (const c of cells) out[c] = oof[c] * (1 + 2 * k) + 10 * k;
  });
  return out;
}
