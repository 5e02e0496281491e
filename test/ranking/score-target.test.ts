/**
 * scoreTarget's bookkeeping: the same seed gives the same scores and the same rankings file
 * (whatever the thread count), a family that throws is recorded and the others go on, a family
 * that cannot learn the target's type is marked unsupported, and linear families get what they
 * need on binary targets and a purged holdout for their penalty.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Panel } from "../../src/data/types.js";
import type { FeatureSet } from "../../src/features/index.js";
import { familyPlan, rankingFamilyIssues, rankingSchema, rankingsCsv, rankTargets, scoreTarget, type RankingConfig, type TargetScore } from "../../src/ranking/index.js";
import { buildTarget } from "../../src/targets/index.js";
import type { CvData } from "../../src/training/cv-data.js";
import { features, SIGNALS, syntheticPanel } from "../leakage/helpers.js";
import { quickConfig, rankingData } from "./helpers.js";

let panel: Panel;
let fs: FeatureSet;
let data: CvData;
let binary: CvData;

const run = (cfg: RankingConfig, d: CvData, threads = 1, seed = 1) =>
  scoreTarget({ data: d, features: fs.names, grids: fs.grids, symbols: [...panel.symbols], config: cfg, seed, threads });

/** Everything but the timings. */
function numbers(s: TargetScore): unknown {
  return { ...s, seconds: 0, families: s.families.map((f) => ({ ...f, seconds: 0 })) };
}

beforeAll(() => {
  panel = syntheticPanel({ signals: { plant: true }, symbols: 20, bars: 400 }).panel;
  fs = features(panel, { include: [...SIGNALS, "noise_1"] });
  const cfg = quickConfig();
  data = rankingData(panel, fs, buildTarget("fwd_ret_5"), cfg);
  binary = rankingData(panel, fs, buildTarget("fwd_sign_5_excess"), cfg);
});

describe("scoreTarget", () => {
  it("gives the same scores and the same file for the same seed, whatever the thread count", async () => {
    const cfg = quickConfig();
    const a = await run(cfg, data, 1);
    const b = await run(cfg, data, 2);
    expect(numbers(b)).toEqual(numbers(a));
    const fa = rankTargets([a], cfg);
    expect(JSON.stringify(rankTargets([b], cfg))).toBe(JSON.stringify(fa));
    expect(rankingsCsv(rankTargets([b], cfg))).toBe(rankingsCsv(fa));
    const c = await run(cfg, data, 1, 2);
    expect(c.families[0].score.value).not.toBe(a.families[0].score.value);
  }, 30_000);

  it("records a family that throws and goes on with the others", async () => {
    const cfg = quickConfig({
      families: [
        { name: "lightgbm", hyperparameters: { num_leaves: 1 } },
        { name: "no_such_family", hyperparameters: {} },
        { name: "ridge", hyperparameters: { missing_indicator: false } },
      ],
    });
    const s = await run(cfg, data);
    expect(s.families.map((f) => [f.family, f.status])).toEqual([
      ["lightgbm", "failed"],
      ["no_such_family", "failed"],
      ["ridge", "ok"],
    ]);
    expect(s.families[0].error).toMatch(/family lightgbm: invalid hyperparameters: num_leaves/);
    expect(s.families[1].error).toMatch(/unknown model family "no_such_family".*known families: .*lightgbm/);
    expect(s.families[2].skill).toBeGreaterThan(0.03);
    expect(s.agreement).toBeNaN(); // one family left: nothing to agree with
    const file = rankTargets([s], cfg);
    expect(file.kept).toEqual(["fwd_ret_5"]);
    expect(file.families).toEqual(["ridge"]);
    expect(file.targets[0].agreement).toBeNull();
    expect(file.targets[0].by_family.lightgbm).toMatchObject({ status: "failed", score: null });
    expect(file.targets[0].reason).toMatch(/lightgbm failed: family lightgbm: invalid hyperparameters/);
  }, 30_000);

  it("marks families that cannot learn a binary target unsupported", async () => {
    const cfg = quickConfig({ linear_on_binary: "unsupported", families: [{ name: "quantile_lightgbm" }, { name: "ridge" }] });
    const s = await run(cfg, binary);
    expect(s.families.map((f) => f.status)).toEqual(["unsupported", "unsupported"]);
    expect(s.families[0].error).toMatch(/quantile_lightgbm does not learn binary targets/);
    expect(s.families[1].error).toMatch(/set pipeline.ranking.linear_on_binary/);
    const file = rankTargets([s], cfg);
    expect(file.kept).toEqual([]);
    expect(file.targets[0].reason).toMatch(/^dropped: no family could score it/);
  }, 30_000);

  it("fits ridge on a binary target as a linear probability model, scored by the AUC", async () => {
    const s = await run(quickConfig({ families: [{ name: "ridge", hyperparameters: { missing_indicator: false } }] }), binary);
    expect(s.metric).toBe("auc");
    expect(s.families[0]).toMatchObject({ status: "ok", fittedAs: "ridge (linear probability)" });
    expect(s.families[0].score.value).toBeGreaterThan(0.52);
    expect(s.families[0].score.value).toBeLessThan(1);
  }, 30_000);
});

describe("scoring other target types", () => {
  it("scores ordered classes by their metric: quantile buckets by the IC, triple barrier by the pooled rank correlation", async () => {
    const cfg = quickConfig({ families: [{ name: "ridge", hyperparameters: { missing_indicator: false } }] });
    const q = await run(cfg, rankingData(panel, fs, buildTarget("fwd_q5_5"), cfg));
    expect([q.type, q.metric, q.families[0].status]).toEqual(["multiclass", "ic", "ok"]);
    expect(q.families[0].skill).toBeGreaterThan(0.03);
    const tb = await run(cfg, rankingData(panel, fs, buildTarget("tb_10_2_1"), cfg));
    expect([tb.type, tb.metric, tb.families[0].status]).toEqual(["multiclass", "rank_correlation", "ok"]);
    expect(tb.families[0].symbolSkill).toHaveLength(panel.S);
    expect(Number.isFinite(tb.families[0].score.t)).toBe(true);
  }, 30_000);
});

describe("rankingFamilyIssues", () => {
  it("finds unknown families and bad hyperparameters by key before a run", () => {
    const issues = rankingFamilyIssues(quickConfig({ families: [{ name: "lightgbm", hyperparameters: { num_leaves: 1 } }, { name: "ridgge" }, { name: "ridge" }] }));
    expect(issues.map((i) => i.path.join("."))).toEqual(["families.0.hyperparameters.num_leaves", "families.1.name"]);
    expect(issues[1].message).toMatch(/unknown model family "ridgge"; known families: .*ridge/);
    expect(rankingFamilyIssues(rankingSchema.parse({}))).toEqual([]);
  });
});

describe("familyPlan", () => {
  it("maps a linear family to logistic regression with the same penalty when asked", () => {
    const lasso = familyPlan({ name: "lasso", hyperparameters: { n_lambda: 20, selection_metric: "ic", solver: "naive" } }, binary, "logistic");
    expect(lasso.family).toBe("logistic");
    expect(lasso.hyperparameters).toMatchObject({ penalty: "l1", n_lambda: 20, selection_metric: "auc" });
    expect(lasso.hyperparameters).not.toHaveProperty("solver");
    expect(familyPlan({ name: "ridge", hyperparameters: {} }, binary, "linear_probability")).toMatchObject({ family: "ridge", linearProbability: true });
    expect(familyPlan({ name: "lightgbm", hyperparameters: {} }, binary, "logistic")).toMatchObject({ family: "lightgbm", linearProbability: false });
  });

  it("gives a linear family's penalty holdout a gap of one label window of rows", () => {
    const full = rankingData(panel, fs, buildTarget("fwd_ret_5"), quickConfig({ max_train_rows: 100_000 }));
    // at most 20 symbols per timestamp x a 5-bar window
    expect(familyPlan({ name: "ridge", hyperparameters: {} }, full, "linear_probability").hyperparameters.holdout_gap_rows).toBe(100);
    // subsampled training rows: at most as many rows per timestamp
    const gap = familyPlan({ name: "ridge", hyperparameters: { holdout_gap_rows: "auto" } }, data, "linear_probability").hyperparameters.holdout_gap_rows as number;
    expect(gap % 5).toBe(0);
    expect(gap).toBeGreaterThanOrEqual(50);
    expect(gap).toBeLessThanOrEqual(100);
    expect(familyPlan({ name: "ridge", hyperparameters: { holdout_gap_rows: 7 } }, data, "linear_probability").hyperparameters.holdout_gap_rows).toBe(7);
    expect(familyPlan({ name: "lightgbm", hyperparameters: {} }, data, "linear_probability").hyperparameters).not.toHaveProperty("holdout_gap_rows");
  });
});
