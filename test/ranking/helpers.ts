import type { Panel } from "../../src/data/types.js";
import { historyRows, type FeatureSet } from "../../src/features/index.js";
import { rankingSchema, type RankingConfig } from "../../src/ranking/index.js";
import type { TargetSpec } from "../../src/targets/spec.js";
import { makeCvData, type CvData } from "../../src/training/cv-data.js";
import { Rng } from "../../src/util/random.js";
import { purgeForTarget } from "../../src/validation/splitters/index.js";
import { gridTarget, leakageConfig } from "../leakage/helpers.js";

/** The default ranking configuration, made smaller so a test file scores several targets in seconds. */
export function quickConfig(overrides: Record<string, unknown> = {}): RankingConfig {
  return rankingSchema.parse({
    max_train_rows: 4000,
    families: [
      { name: "lightgbm", hyperparameters: { n_estimators: 30, learning_rate: 0.15, num_leaves: 15, min_data_in_leaf: 100, feature_fraction: 0.8, max_bin: 63 } },
      { name: "ridge", hyperparameters: { missing_indicator: false } },
    ],
    ...overrides,
  });
}

/** The target on the panel in the ranking's folds, as the pipeline builds it. */
export function rankingData(panel: Panel, fs: FeatureSet, target: TargetSpec, cfg: RankingConfig, seed = 1): CvData {
  return makeCvData({
    T: panel.T,
    S: panel.S,
    target,
    y: target.compute(panel),
    splitter: cfg.splitter,
    purge: purgeForTarget(target, leakageConfig(), Math.max(...fs.specs.map(historyRows))),
    seed,
    maxRows: cfg.max_rows,
    maxTrainRows: cfg.max_train_rows,
    purpose: "ranking",
  });
}

/** A regression target no feature can know: independent normal labels with a 5-bar window. */
export function noiseTarget(panel: Panel, seed = 9): TargetSpec {
  const rng = new Rng(seed);
  const y = new Float64Array(panel.T * panel.S);
  rng.fillNormal(y);
  for (let t = panel.T - 5; t < panel.T; t++) for (let s = 0; s < panel.S; s++) y[t * panel.S + s] = NaN;
  return gridTarget("noise_5", y, 5);
}
