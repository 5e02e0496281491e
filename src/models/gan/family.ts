/**
 * gan as a family: a conditional GAN (cgan.ts) learns paths of `window` consecutive bars of the
 * training rows (features and return together, conditioned on the path's volatility), generates
 * synthetic paths, and a predictor family is trained on the generated bars (weighted by
 * synthetic_weight) followed by the real rows. The fitted model predicts with the predictor and keeps the
 * generator: `generate` draws paths for augmentation or, with a volatility above the real ones, for
 * stress scenarios; `realism` is the discriminator's score of paths; `check` compares the generated
 * paths' autocorrelation of absolute returns, volatility clustering and volatility with the real
 * ones' (logged, and a warning when they differ by more than check_tolerance).
 */
import { z } from "zod";
import { InputError } from "../../util/errors.js";
import { Rng } from "../../util/random.js";
import type { Family, FitContext, TabularData, TrainedModel } from "../family.js";
import { getFamily } from "../registry.js";
import { memberParams, memberSchema, type MemberSpec } from "../ensemble/members.js";
import { Cgan, type CganJson } from "./cgan.js";
import { checkPaths, realPaths, type PathCheck, type PathSet } from "./paths.js";

export const ganParamsSchema = z
  .strictObject({
    objective: z.enum(["regression"]).default("regression").describe("loss the trees minimise: regression (L2), regression_l1, huber, quantile, binary, multiclass, lambdarank"),
    window: z.number().int().min(2).max(256).default(16).describe("bars per generated path"),
    stride: z.number().int().min(1).max(256).default(4).describe("rows between the starts of two real training paths"),
    max_gap: z.number().int().min(1).max(64).default(3).describe("largest bar gap between successive rows of a real path (1: consecutive bars only; more lets subsampled training rows still form paths)"),
    noise_dim: z.number().int().min(1).max(256).default(8).describe("width of the generator's random input"),
    hidden_units: z.number().int().min(4).max(4096).default(64).describe("width of the generator's and discriminator's two hidden layers"),
    steps: z.number().int().min(1).max(1_000_000).default(1000).describe("adversarial steps (one discriminator and one generator update each)"),
    batch_size: z.number().int().min(2).max(65_536).default(64).describe("rows per training step"),
    learning_rate: z.number().gt(0).max(1).default(0.002).describe("shrinkage of each tree's contribution (smaller: more trees, usually better generalisation)"),
    synthetic_ratio: z.number().min(0).max(20).default(0.5).describe("generated bars per real training row added to the predictor's data"),
    synthetic_weight: z.number().min(0).max(1).default(0.5).describe("weight of a generated row in the predictor's fit (real rows weigh 1)"),
    check_tolerance: z.number().gt(0).max(10).default(0.15).describe("largest gap of the |return| autocorrelations (and relative volatility) before the check warns"),
    predictor: memberSchema.default({ family: "ridge", variant: "balanced", hyperparameters: {} }).describe("the family trained on real + generated rows"),
  })
  .superRefine((p, ctx) => {
    try {
      const fam = getFamily(p.predictor.family);
      if (fam.kind !== "tabular") throw new InputError(`predictor "${p.predictor.family}" is a sequence family; it must be tabular`);
      memberParams(fam, p.predictor, "regression");
    } catch (e) {
      ctx.addIssue({ code: "custom", path: ["predictor"], message: e instanceof Error ? e.message : String(e) });
    }
  });
export type GanParams = z.infer<typeof ganParamsSchema>;

export const GAN_FORMAT = "foxml-gan";

export class GanModel implements TrainedModel {
  readonly family = "gan";
  constructor(
    readonly predictor: TrainedModel,
    private readonly predictorSpec: Omit<MemberSpec, "hyperparameters">,
    readonly generator: Cgan,
    readonly check: PathCheck,
    readonly realism: { real: number; generated: number },
    /** The columns of a predict row. */
    readonly featureNames: string[],
  ) {}

  predict(X: Float32Array, nRows: number): Float64Array {
    return this.predictor.predict(X, nRows);
  }

  importance(kind?: string): Record<string, number> {
    return this.predictor.importance?.(kind) ?? {};
  }

  /** Generated paths [n x window x (features + 1)], the return last; `logVol` fixes their volatility (a stress scenario). */
  generate(n: number, seed: number, logVol?: number): PathSet {
    return this.generator.generate(n, seed, logVol);
  }

  toJSON(): unknown {
    return { format: GAN_FORMAT, version: 1, family: this.family, featureNames: this.featureNames, predictor: { ...this.predictorSpec, model: this.predictor.toJSON() }, generator: this.generator.json, check: this.check, realism: this.realism };
  }

  static fromJSON(json: unknown): GanModel {
    const j = json as { format?: unknown; version?: unknown; featureNames?: string[]; predictor?: { family: string; variant: string; model: unknown }; generator?: CganJson; check?: PathCheck; realism?: { real: number; generated: number } } | null;
    if (typeof j !== "object" || j === null || j.format !== GAN_FORMAT || j.version !== 1 || !j.predictor || !j.generator) throw new InputError(`not a ${GAN_FORMAT} v1 model`, "load it with the family that wrote it");
    const predictor = getFamily(j.predictor.family).load(j.predictor.model);
    return new GanModel(predictor, { family: j.predictor.family, variant: j.predictor.variant }, new Cgan(j.generator), j.check!, j.realism!, j.featureNames ?? []);
  }
}

export const ganFamily: Family<GanParams> = {
  name: "gan",
  kind: "tabular",
  tasks: ["regression"],
  paramsSchema: ganParamsSchema,
  async fit(train: TabularData, p: GanParams, ctx: FitContext, valid?: TabularData) {
    const real = realPaths(train, p.window, p.stride, p.max_gap);
    if (real.n < 8) throw new InputError(`gan: the training rows hold only ${real.n} paths of ${p.window} consecutive bars of one symbol`, "lower window or stride, or use more data");
    const rng = new Rng(ctx.seed).fork("gan-family");
    const gan = await Cgan.train(real, p, rng.fork("train").nextUint32(), ctx.log);
    const nPaths = Math.ceil((p.synthetic_ratio * train.nRows) / p.window);
    const generated = nPaths > 0 ? gan.generate(nPaths, rng.fork("augment").nextUint32()) : { data: new Float32Array(0), n: 0, L: p.window, D: train.nFeatures + 1 };
    const check = checkPaths(real, nPaths >= 8 ? generated : gan.generate(256, rng.fork("check").nextUint32()), p.check_tolerance);
    const realism = { real: gan.realism(real), generated: gan.realism(generated.n > 0 ? generated : gan.generate(256, rng.fork("check").nextUint32())) };
    const log = { family: "gan", paths: real.n, generated: generated.n, acfAbsReal: check.real.acfAbs, acfAbsGenerated: check.generated.acfAbs, volRatio: check.volRatio, realism };
    if (check.passed) ctx.log?.info(log, "gan paths match the real ones' volatility clustering");
    else ctx.log?.warn(log, "gan paths do not match the real ones' volatility clustering within check_tolerance");
    const aug = augmented(train, generated, p.synthetic_weight);
    const fam = getFamily(p.predictor.family);
    const predictor = await fam.fit(aug, memberParams(fam, p.predictor, "regression"), { ...ctx, seed: rng.fork("predictor").nextUint32() }, valid);
    return new GanModel(predictor, { family: p.predictor.family, variant: p.predictor.variant }, gan, check, realism, [...train.featureNames]);
  },
  load: (json) => GanModel.fromJSON(json),
};

/**
 * Every bar of the generated paths (weighted), then the real rows: real rows last, so a predictor
 * that holds out the end of its rows (ridge's lambda selection, early stopping) judges on real data.
 */
function augmented(train: TabularData, g: PathSet, weight: number): TabularData {
  const F = train.nFeatures;
  const nSyn = g.n * g.L;
  const n = train.nRows + nSyn;
  const X = new Float32Array(n * F);
  const y = new Float64Array(n);
  const w = new Float64Array(n);
  for (let i = 0; i < nSyn; i++) {
    const o = i * g.D;
    for (let f = 0; f < F; f++) X[i * F + f] = g.data[o + f];
    y[i] = g.data[o + F];
    w[i] = weight;
  }
  X.set(train.X, nSyn * F);
  y.set(train.y, nSyn);
  for (let r = 0; r < train.nRows; r++) w[nSyn + r] = train.weight ? train.weight[r] : 1;
  return { nRows: n, nFeatures: F, featureNames: train.featureNames, X, y, weight: w };
}
