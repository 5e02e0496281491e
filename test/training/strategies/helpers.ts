/** Small synthetic panel with planted signals, and CvData per target built as the pipeline does. */
import type { Panel } from "../../../src/data/types.js";
import { historyRows, type FeatureSet } from "../../../src/features/index.js";
import { buildTarget } from "../../../src/targets/index.js";
import { makeCvData, type CvData } from "../../../src/training/cv-data.js";
import { purgeForTarget, type SplitterConfig } from "../../../src/validation/splitters/index.js";
import { features, leakageConfig, syntheticPanel } from "../../leakage/helpers.js";

export interface Fixture {
  panel: Panel;
  fs: FeatureSet;
  data(target: string, opts?: { splitter?: SplitterConfig; purgeHorizon?: number }): CvData;
}

export function fixture(include = ["sig_h5", "sig_h20", "noise_1", "noise_2", "ret_1", "mom_20"]): Fixture {
  const panel = syntheticPanel({ signals: { plant: true } }).panel;
  const fs = features(panel, { include });
  const lookback = Math.max(...fs.specs.map(historyRows));
  return {
    panel,
    fs,
    data(name, opts = {}) {
      const target = buildTarget(name);
      const purge = purgeForTarget(target, leakageConfig(), lookback);
      if (opts.purgeHorizon !== undefined) purge.horizon = opts.purgeHorizon;
      return makeCvData({
        T: panel.T,
        S: panel.S,
        target,
        y: target.compute(panel),
        splitter: opts.splitter ?? { kind: "purged_kfold", n_splits: 3 },
        purge,
        seed: 5,
      });
    },
  };
}
