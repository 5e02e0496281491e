/**
 * The hyperparameter search on its own: search spaces and their coordinates, the Parzen densities,
 * the TPE sampler against random search on a known function, the percentile pruner, and the
 * study's budgets. No models are fitted here (see train-family.test.ts for that).
 */
import { describe, expect, it } from "vitest";
import {
  CategoricalParzen,
  DEFAULT_SEARCH_SPACES,
  NumericParzen,
  PercentilePruner,
  TpeSampler,
  checkSearchSpace,
  fromInternal,
  internalBounds,
  paramSpecSchema,
  percentile,
  resolveSearchSpace,
  runStudy,
  toInternal,
  type SearchSpace,
} from "../../src/training/hpo/index.js";
import { trainingSchema } from "../../src/training/schema.js";
import "../../src/models/index.js";
import { getFamily } from "../../src/models/registry.js";
import { InputError } from "../../src/util/errors.js";
import { Rng } from "../../src/util/random.js";

/** A bowl in log-learning-rate and leaves, best at lr = 0.03, leaves = 40 (score 0 there, negative elsewhere). */
const bowlSpace: SearchSpace = {
  learning_rate: { type: "float", low: 1e-4, high: 1, log: true },
  num_leaves: { type: "int", low: 2, high: 256, log: false },
};
const bowl = (p: Record<string, unknown>) => -((Math.log10(p.learning_rate as number) - Math.log10(0.03)) ** 2 + (((p.num_leaves as number) - 40) / 60) ** 2);

async function bestOf(seed: number, trials: number, startupTrials: number): Promise<number> {
  const r = await runStudy({
    space: bowlSpace,
    objective: async (p) => ({ score: bowl(p), pruned: false, result: null }),
    trials,
    seed,
    startupTrials,
    gamma: 0.25,
    candidates: 24,
    prune: { enabled: false, warmupFolds: 0, percentile: 50, minTrials: 1 },
  });
  return r.best!.score;
}

describe("search spaces", () => {
  it("has a default space for every registered family, using keys the family accepts", async () => {
    const { familyNames } = await import("../../src/models/registry.js");
    for (const name of familyNames()) {
      const space = DEFAULT_SEARCH_SPACES[name];
      expect(space, name).toBeDefined();
      const family = getFamily(name);
      for (const [key, spec] of Object.entries(space)) {
        const values = spec.type === "categorical" ? spec.choices : [spec.low, spec.high];
        for (const v of values) expect(family.paramsSchema.safeParse({ [key]: v }).success, `${name}.${key}=${JSON.stringify(v)}`).toBe(true);
      }
    }
  });

  it("merges overrides into the default space and drops keys set to false", () => {
    const space = resolveSearchSpace("lightgbm", { lightgbm: { num_leaves: false, max_bin: { type: "int", low: 63, high: 255, log: false } }, ridge: {} });
    expect(Object.keys(space).sort()).toEqual(["feature_fraction", "lambda_l2", "learning_rate", "max_bin", "min_data_in_leaf"]);
    expect(resolveSearchSpace("unknown_family", undefined)).toEqual({});
  });

  it("rejects a range the family does not accept, naming the configuration key", () => {
    const family = getFamily("lightgbm");
    const accepts = (ov: Record<string, unknown>) => {
      const r = family.paramsSchema.safeParse(ov);
      return r.success ? undefined : r.error.issues[0].message;
    };
    const bad: SearchSpace = { feature_fraction: { type: "float", low: 0.5, high: 1.5, log: false } };
    expect(() => checkSearchSpace("lightgbm", bad, accepts)).toThrow(InputError);
    expect(() => checkSearchSpace("lightgbm", bad, accepts)).toThrow(/search_space\.lightgbm\.feature_fraction: the value 1\.5/);
    expect(() => checkSearchSpace("lightgbm", { num_leaf: { type: "int", low: 2, high: 9, log: false } }, accepts)).toThrow(/num_leaf/);
  });

  it("validates range specs: low < high, positive log ranges", () => {
    expect(paramSpecSchema.safeParse({ type: "float", low: 1, high: 1 }).success).toBe(false);
    expect(paramSpecSchema.safeParse({ type: "float", low: 0, high: 1, log: true }).success).toBe(false);
    expect(paramSpecSchema.safeParse({ type: "int", low: 0, high: 9, log: true }).success).toBe(false);
    expect(paramSpecSchema.safeParse({ type: "categorical", choices: [] }).success).toBe(false);
    expect(paramSpecSchema.parse({ type: "int", low: 1, high: 9 })).toEqual({ type: "int", low: 1, high: 9, log: false });
  });

  it("maps values to sampler coordinates and back, rounding and clamping integers", () => {
    const lr = { type: "float" as const, low: 0.01, high: 0.3, log: true };
    expect(toInternal(lr, 0.1)).toBeCloseTo(Math.log(0.1), 12);
    expect(fromInternal(lr, Math.log(0.1))).toBeCloseTo(0.1, 12);
    expect(toInternal(lr, 0.5)).toBeUndefined();
    expect(toInternal(lr, "auto")).toBeUndefined();
    const leaves = { type: "int" as const, low: 7, high: 127, log: false };
    expect(internalBounds(leaves)).toEqual([6.5, 127.5]);
    expect(fromInternal(leaves, 6.5)).toBe(7);
    expect(fromInternal(leaves, 127.49)).toBe(127);
    expect(toInternal(leaves, 7.5)).toBeUndefined();
    const widths = { type: "categorical" as const, choices: [[64], [128, 64]] };
    expect(toInternal(widths, [128, 64])).toBe(1);
    expect(fromInternal(widths, 1)).toEqual([128, 64]);
    expect(toInternal(widths, [32])).toBeUndefined();
  });

  it("parses an empty training block to the documented defaults", () => {
    const c = trainingSchema.parse({});
    expect(c.splitter).toEqual({ kind: "purged_kfold", n_splits: 5 });
    expect(c.hpo).toMatchObject({ enabled: false, trials: 20, startup_trials: 5, gamma: 0.25, candidates: 24, prune: { enabled: true, warmup_folds: 1, percentile: 50, min_trials: 5 } });
    expect(c.hpo.minutes).toBeUndefined();
    expect(c.valid_fraction).toBe(0.15);
    expect(c.final_model).toBe(true);
    expect(c.no_signal.min_t_stat).toBe(2);
    expect(() => trainingSchema.parse({ strategy: "x" })).toThrow();
    expect(() => trainingSchema.parse({ hpo: { search_space: { lightgbm: { num_leaves: { type: "int", low: 9, high: 3 } } } } })).toThrow(/low must be below high/);
  });
});

describe("Parzen densities", () => {
  it("a truncated numeric mixture integrates to 1 over its range and samples inside it", () => {
    const est = new NumericParzen([0.1, 0.15, 0.9, -0.95], -1, 1, 1);
    const n = 20_000;
    let integral = 0;
    for (let i = 0; i < n; i++) integral += Math.exp(est.logPdf(-1 + (2 * (i + 0.5)) / n)) * (2 / n);
    expect(integral).toBeCloseTo(1, 4);
    const rng = new Rng(3);
    for (let i = 0; i < 2000; i++) {
      const x = est.sample(rng);
      expect(x).toBeGreaterThanOrEqual(-1);
      expect(x).toBeLessThanOrEqual(1);
    }
    // Density is higher near the cluster of observations than in the empty middle.
    expect(est.logPdf(0.12)).toBeGreaterThan(est.logPdf(0.5));
  });

  it("an empty numeric mixture is the prior alone: flat-ish and finite everywhere", () => {
    const est = new NumericParzen([], 0, 1, 1);
    expect(Number.isFinite(est.logPdf(0))).toBe(true);
    expect(est.logPdf(0.5)).toBeGreaterThan(est.logPdf(0));
  });

  it("categorical frequencies are smoothed by the prior and sum to 1", () => {
    const est = new CategoricalParzen([2, 2, 0], 4, 1);
    const p = [0, 1, 2, 3].map((i) => Math.exp(est.logPdf(i)));
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(p[2]).toBeCloseTo(2.25 / 4, 12);
    expect(p[1]).toBeCloseTo(0.25 / 4, 12);
    const rng = new Rng(1);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 8000; i++) counts[est.sample(rng)]++;
    expect(counts[2] / 8000).toBeCloseTo(p[2], 1);
  });
});

describe("TPE sampler", () => {
  it("finds a better optimum than random search on a known function, on average over seeds", async () => {
    const seeds = Array.from({ length: 16 }, (_, i) => 100 + i);
    let tpe = 0;
    let random = 0;
    let wins = 0;
    for (const seed of seeds) {
      const a = await bestOf(seed, 40, 8);
      const b = await bestOf(seed, 40, 1000); // never leaves the random start-up phase
      tpe += a / seeds.length;
      random += b / seeds.length;
      if (a > b) wins++;
    }
    // Regret is -score: TPE's is clearly smaller, and it wins for most seeds.
    expect(-tpe).toBeLessThan(0.6 * -random);
    expect(wins).toBeGreaterThanOrEqual(11);
  });

  it("is deterministic for a seed and differs between seeds", async () => {
    const run = async (seed: number) =>
      (
        await runStudy({
          space: bowlSpace,
          objective: async (p) => ({ score: bowl(p), pruned: false, result: null }),
          trials: 15,
          seed,
          startupTrials: 4,
          gamma: 0.25,
          candidates: 24,
          prune: { enabled: false, warmupFolds: 0, percentile: 50, minTrials: 1 },
        })
      ).trials.map((t) => t.params);
    const a = await run(9);
    expect(await run(9)).toEqual(a);
    expect(await run(10)).not.toEqual(a);
  });

  it("proposes near the good trials and away from pruned ones", () => {
    const space: SearchSpace = { x: { type: "float", low: 0, high: 1, log: false }, c: { type: "categorical", choices: ["a", "b", "c"] } };
    const sampler = new TpeSampler(space, { seed: 1, startupTrials: 0, gamma: 0.25, candidates: 64 });
    const history = [
      { params: { x: 0.2, c: "b" }, score: 1, pruned: false },
      { params: { x: 0.8, c: "a" }, score: 0.1, pruned: false },
      { params: { x: 0.7, c: "c" }, score: 0.2, pruned: false },
      { params: { x: 0.9, c: "a" }, score: NaN, pruned: true },
    ];
    let near = 0;
    let b = 0;
    for (let t = 0; t < 50; t++) {
      const p = sampler.sample(history, 10 + t);
      if (Math.abs((p.x as number) - 0.2) < 0.25) near++;
      if (p.c === "b") b++;
    }
    expect(near).toBeGreaterThan(40);
    expect(b).toBeGreaterThan(40);
  });
});

describe("percentile pruner", () => {
  it("computes percentiles like numpy (linear interpolation)", () => {
    expect(percentile([4, 1, 3, 2], 50)).toBe(2.5);
    expect(percentile([1, 2, 3, 4, 5], 25)).toBe(2);
    expect(percentile([7], 90)).toBe(7);
    expect(percentile([1, 2], 100)).toBe(2);
  });

  it("prunes below the percentile only after the warm-up folds and with enough completed trials", () => {
    const pruner = new PercentilePruner({ enabled: true, warmupFolds: 1, percentile: 50, minTrials: 3 });
    const curves = [0.1, 0.2, 0.3].map((v) => new Map([[0, v], [1, v], [2, v]]));
    curves.slice(0, 2).forEach((c) => pruner.addCompleted(c));
    expect(pruner.shouldPrune(1, 2, -1)).toBe(false); // only two completed trials
    pruner.addCompleted(curves[2]);
    expect(pruner.shouldPrune(0, 1, -1)).toBe(false); // warm-up fold
    expect(pruner.shouldPrune(1, 2, -1)).toBe(true);
    expect(pruner.shouldPrune(1, 2, 0.2)).toBe(false); // at the median: not below it
    expect(pruner.shouldPrune(1, 2, 0.19)).toBe(true);
    expect(pruner.shouldPrune(5, 6, -1)).toBe(false); // no completed trial reached fold 5
    const off = new PercentilePruner({ enabled: false, warmupFolds: 0, percentile: 50, minTrials: 1 });
    off.addCompleted(curves[2]);
    expect(off.shouldPrune(1, 2, -1)).toBe(false);
  });
});

describe("study", () => {
  const prune = { enabled: true, warmupFolds: 1, percentile: 50, minTrials: 3 };
  /** An objective with five folds whose fold scores are the parameter `q` (plus a little per fold). */
  const foldObjective = async (p: Record<string, unknown>, trial: { report(f: number, s: number): boolean }) => {
    let sum = 0;
    let n = 0;
    for (let k = 0; k < 5; k++) {
      const s = (p.q as number) + 0.01 * k;
      sum += s;
      n++;
      if (trial.report(k, s)) return { score: NaN, pruned: true, result: n };
    }
    return { score: sum / n, pruned: false, result: n };
  };

  it("evaluates enqueued configurations first and prunes a hopeless one after the warm-up folds", async () => {
    const r = await runStudy({
      space: { q: { type: "float", low: -1, high: 1, log: false } },
      objective: foldObjective,
      trials: 5,
      seed: 1,
      startupTrials: 10,
      gamma: 0.25,
      candidates: 8,
      prune,
      enqueue: [{ q: 0.3 }, { q: 0.4 }, { q: 0.5 }, { q: -0.9 }],
    });
    expect(r.trials.slice(0, 4).map((t) => t.params.q)).toEqual([0.3, 0.4, 0.5, -0.9]);
    const hopeless = r.trials[3];
    expect(hopeless.pruned).toBe(true);
    expect(hopeless.folds.length).toBe(2); // warm-up fold, then the first decision
    expect(Number.isNaN(hopeless.score)).toBe(true);
    expect(r.pruned).toBe(r.trials.filter((t) => t.pruned).length);
    expect(r.best!.params.q).toBe(Math.max(...r.trials.filter((t) => !t.pruned).map((t) => t.params.q as number)));
    expect(r.bestResult).toBe(5);
  });

  it("stops starting trials when the minutes run out (the first trial always runs)", async () => {
    let clock = 0;
    const r = await runStudy({
      space: bowlSpace,
      objective: async (p) => {
        clock += 60_000; // each trial takes a minute
        return { score: bowl(p), pruned: false, result: null };
      },
      trials: 50,
      minutes: 2.5,
      now: () => clock,
      seed: 1,
      startupTrials: 5,
      gamma: 0.25,
      candidates: 8,
      prune,
    });
    expect(r.trials.length).toBe(3);
    expect(r.stopped).toBe("minutes");
    const tiny = await runStudy({ ...{ space: bowlSpace, seed: 1, startupTrials: 5, gamma: 0.25, candidates: 8, prune }, objective: async () => ({ score: 0, pruned: false, result: null }), trials: 4, minutes: 1e-9, now: () => (clock += 1000) });
    expect(tiny.trials.length).toBe(1);
  });

  it("stops when a discrete space has no new configuration left", async () => {
    const r = await runStudy({
      space: { c: { type: "categorical", choices: [1, 2, 3] } },
      objective: async (p) => ({ score: p.c as number, pruned: false, result: null }),
      trials: 10,
      seed: 4,
      startupTrials: 2,
      gamma: 0.25,
      candidates: 8,
      prune,
    });
    expect(r.trials.map((t) => t.params.c).sort()).toEqual([1, 2, 3]);
    expect(r.stopped).toBe("space");
    expect(r.best!.params.c).toBe(3);
  });
});
