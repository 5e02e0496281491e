/**
 * The live path computes a model's features from only the bars they declare they need, and gets
 * exactly (to the bit) what a build over the whole history gives at that bar: so a replay may build
 * once, and a live loop need not keep the history.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { inspectData, requirePanel } from "../../src/data/inspect.js";
import { dataOptionsSchema } from "../../src/data/options.js";
import { buildFeatures } from "../../src/features/build.js";
import { featuresAtRow, modelFeatureOptions, panelRows, windowPlan } from "../../src/trading/model/features.js";

const DATA = "datasets/ohlcv_daily/ohlcv_daily_SPX_GOOG_MSFT_VIX.csv";

describe("features of the newest bar from a window", () => {
  it("equal the whole-history build at every sampled bar, with history rows = the declared lookback", async () => {
    const inspection = requirePanel(await inspectData(dataOptionsSchema.parse({ path: DATA })));
    const all = buildFeatures(inspection.panel, {});
    // A model's worth of features: time-series, long EWM lookbacks and cross-sectional transforms.
    const names = all.names.filter((n, i) => i % 3 === 0 || n.includes("__cs_") || n.startsWith("rsi") || n.startsWith("dist_ema"));
    const model = { featureNames: names, modelId: "test" };
    const opts = modelFeatureOptions(inspection, model);
    const plan = windowPlan(inspection.panel, opts, model, DATA);
    const full = buildFeatures(inspection.panel, opts);
    expect(plan.warmupRows).toBe(Math.max(...[...plan.outputs, ...plan.hidden].map((s) => s.lookback + s.lag - 1)));
    const { S, T } = inspection.panel;
    fc.assert(
      fc.property(fc.integer({ min: plan.warmupRows, max: T - 1 }), (t) => {
        const row = featuresAtRow(inspection.panel, t, plan, model);
        // A live buffer holding only the bars the features need, numbered from its first bar.
        const start = t - plan.warmupRows;
        const buffered = featuresAtRow(panelRows(inspection.panel, start, t + 1), plan.warmupRows, plan, model, start);
        for (const n of names) {
          const want = full.get(n).subarray(t * S, (t + 1) * S);
          expect(Array.from(row.get(n)!), `${n} at row ${t}`).toEqual(Array.from(want));
          expect(Array.from(buffered.get(n)!), `${n} at row ${t} from a buffer`).toEqual(Array.from(want));
        }
      }),
      { numRuns: 40, seed: 3 },
    );
    expect(() => featuresAtRow(inspection.panel, plan.warmupRows - 1, plan, model)).toThrow(/need \d+ bars of history/);
  }, 120_000);

  it("a feature the data cannot support is an error naming it", async () => {
    const inspection = requirePanel(await inspectData(dataOptionsSchema.parse({ path: "datasets/dowjones30/dowjones30_daily_close_1990-2001.csv" })));
    const model = { featureNames: ["ret_1", "natr_14"], modelId: "m" };
    expect(() => windowPlan(inspection.panel, modelFeatureOptions(inspection, model), model, "dow.csv")).toThrow(/cannot trade on dow\.csv: 1 of its 2 features cannot be computed: natr_14 \(needs column "high"/);
  });
});
