/**
 * Hyperparameter search spaces: what a study may vary for a family, with the family's real key
 * names, and the mapping between a parameter's value and the "internal" coordinate the sampler
 * works in (the logarithm for log-scaled ranges, the index for categorical choices).
 *
 * Default spaces cover the keys that matter most per family kind (Bergstra & Bengio 2012: a few
 * parameters carry most of the variance); `pipeline.training.hpo.search_space.<family>` adds or
 * replaces parameters, and `<key>: false` removes a default one.
 */
import { z } from "zod";
import { InputError } from "../../util/errors.js";

/** A categorical choice: any JSON scalar, or a list of numbers (e.g. hidden layer widths). */
const choiceSchema = z.union([z.number(), z.string(), z.boolean(), z.null(), z.array(z.number())]);
export type Choice = z.infer<typeof choiceSchema>;

export const floatSpecSchema = z
  .strictObject({
    type: z.literal("float"),
    low: z.number().describe("smallest value"),
    high: z.number().describe("largest value"),
    log: z.boolean().default(false).describe("sample on a log scale (needs low > 0)"),
  })
  .refine((v) => v.low < v.high, { message: "low must be below high", path: ["high"] })
  .refine((v) => !v.log || v.low > 0, { message: "a log-scaled range needs low > 0", path: ["low"] });

export const intSpecSchema = z
  .strictObject({
    type: z.literal("int"),
    low: z.number().int().describe("smallest value"),
    high: z.number().int().describe("largest value"),
    log: z.boolean().default(false).describe("sample on a log scale (needs low >= 1)"),
  })
  .refine((v) => v.low < v.high, { message: "low must be below high", path: ["high"] })
  .refine((v) => !v.log || v.low >= 1, { message: "a log-scaled integer range needs low >= 1", path: ["low"] });

export const categoricalSpecSchema = z.strictObject({
  type: z.literal("categorical"),
  choices: z.array(choiceSchema).min(1).describe("the values to choose from"),
});

export const paramSpecSchema = z.discriminatedUnion("type", [floatSpecSchema, intSpecSchema, categoricalSpecSchema]);

export type FloatSpec = z.infer<typeof floatSpecSchema>;
export type IntSpec = z.infer<typeof intSpecSchema>;
export type CategoricalSpec = z.infer<typeof categoricalSpecSchema>;
export type ParamSpec = z.infer<typeof paramSpecSchema>;
/** Parameter name -> range. */
export type SearchSpace = Record<string, ParamSpec>;

/** Per family: parameter -> range, or false to drop a default parameter from the search. */
export const searchSpaceOverridesSchema = z.record(z.string(), z.record(z.string(), z.union([paramSpecSchema, z.literal(false)])));
export type SearchSpaceOverrides = z.infer<typeof searchSpaceOverridesSchema>;

const float = (low: number, high: number, log = false): FloatSpec => ({ type: "float", low, high, log });
const int = (low: number, high: number, log = false): IntSpec => ({ type: "int", low, high, log });
const cat = (...choices: Choice[]): CategoricalSpec => ({ type: "categorical", choices });

const boosted: SearchSpace = {
  learning_rate: float(0.01, 0.3, true),
  num_leaves: int(7, 127),
  min_data_in_leaf: int(20, 500, true),
  feature_fraction: float(0.5, 1),
  lambda_l2: float(1e-3, 10, true),
};

const bagged: SearchSpace = {
  num_leaves: int(31, 1023, true),
  min_data_in_leaf: int(5, 200, true),
  feature_fraction_bynode: float(0.2, 1),
};

const nnTraining: SearchSpace = {
  learning_rate: float(1e-4, 1e-2, true),
  dropout: float(0, 0.5),
  weight_decay: float(1e-6, 1e-2, true),
};

/**
 * Default spaces by family. Linear penalties are on the mean-loss scale of standardized features
 * (see src/models/linear/params.ts), so one range suits any number of rows: lasso's whole path
 * lies below ~0.1 for targets fitted to centred ranks (larger values zero every coefficient).
 */
export const DEFAULT_SEARCH_SPACES: Readonly<Record<string, SearchSpace>> = {
  lightgbm: boosted,
  quantile_lightgbm: boosted,
  // Depth-wise growth: the depth bounds the tree, num_leaves barely matters.
  xgboost: { ...Object.fromEntries(Object.entries(boosted).filter(([k]) => k !== "num_leaves")), max_depth: int(3, 10) },
  random_forest: { ...bagged, bagging_fraction: float(0.3, 0.9) },
  extra_trees: bagged,
  ridge: { lambda: float(1e-4, 100, true) },
  lasso: { lambda: float(1e-5, 0.05, true) },
  elastic_net: { lambda: float(1e-5, 0.1, true), l1_ratio: float(0.05, 1) },
  // lambda = 1 / (C x rows): searching lambda on a log scale is searching C on one.
  logistic: { lambda: float(1e-5, 1, true) },
  mlp: { ...nnTraining, hidden_units: cat([64], [128, 64], [256, 128], [256, 128, 64]) },
  vae: { ...nnTraining, encoder_units: cat([64, 32], [128, 64], [256, 128]), latent_dim: int(4, 32, true) },
  tab_cnn: { ...nnTraining, filters: cat([16, 16], [32, 32], [64, 64]) },
  tab_lstm: { ...nnTraining, hidden_units: cat([16], [32], [64]) },
  tab_transformer: { ...nnTraining, d_model: cat(16, 32, 64) },
  lstm: { ...nnTraining, hidden_units: cat([32], [64], [128]) },
  gru: { ...nnTraining, hidden_units: cat([32], [64], [128]) },
  cnn1d: { ...nnTraining, filters: cat([16, 16], [32, 32], [64, 64]) },
  transformer: { ...nnTraining, d_model: cat(16, 32, 64) },
  ftrl: { alpha: float(0.005, 0.5, true), l1: float(0, 10), l2: float(0.01, 100, true), decay: float(0.99, 1) },
  ngboost: { learning_rate: float(0.01, 0.2, true), max_depth: int(2, 5), min_data_in_leaf: int(20, 500, true), lambda_l2: float(0.1, 30, true) },
  gmm_regime: { max_states: int(2, 8), covariance: cat("full", "diag"), min_regime_share: float(0.02, 0.2) },
  change_point: { expected_run: float(30, 500, true), change_window: int(3, 20) },
  multi_task: { ...nnTraining, hidden_units: cat([32], [64, 32], [128, 64]), aux_weight: float(0, 1) },
  reward_based: { ...nnTraining, hidden_units: cat([16], [32, 16], [64, 32]) },
  ensemble: { alpha: float(1e-4, 1, true) },
  meta_learning: { l2: float(1e-4, 1, true) },
  gan: { synthetic_ratio: float(0.1, 2, true), synthetic_weight: float(0.1, 1) },
};

/** The family's default space with the configured overrides applied. */
export function resolveSearchSpace(family: string, overrides: SearchSpaceOverrides | undefined): SearchSpace {
  const out: SearchSpace = { ...(DEFAULT_SEARCH_SPACES[family] ?? {}) };
  for (const [key, spec] of Object.entries(overrides?.[family] ?? {})) {
    if (spec === false) delete out[key];
    else out[key] = spec;
  }
  return out;
}

/**
 * Checks that every end of every range (and every choice) is a value the family accepts, so a bad
 * range fails before the first trial, naming the configuration key. `accepts` parses a full set of
 * hyperparameters and returns the error text or undefined.
 */
export function checkSearchSpace(family: string, space: SearchSpace, accepts: (overrides: Record<string, unknown>) => string | undefined): void {
  for (const key of Object.keys(space).sort()) {
    const spec = space[key];
    const values: unknown[] = spec.type === "categorical" ? spec.choices : [spec.low, spec.high];
    for (const v of values) {
      const err = accepts({ [key]: v });
      if (err !== undefined) {
        throw new InputError(
          `pipeline.training.hpo.search_space.${family}.${key}: the value ${JSON.stringify(v)} is not accepted by ${family}: ${err}`,
          `use ${family}'s hyperparameter names and ranges (config/families/${family}.yaml), or set ${key}: false to leave it out of the search`,
        );
      }
    }
  }
}

/** The sampler's coordinate range for a numeric parameter (integers widened by half a step each side). */
export function internalBounds(spec: FloatSpec | IntSpec): [number, number] {
  const lo = spec.type === "int" ? spec.low - 0.5 : spec.low;
  const hi = spec.type === "int" ? spec.high + 0.5 : spec.high;
  return spec.log ? [Math.log(lo), Math.log(hi)] : [lo, hi];
}

/** A value from an internal coordinate (rounded and clamped to the range). */
export function fromInternal(spec: ParamSpec, x: number): unknown {
  if (spec.type === "categorical") return spec.choices[Math.min(spec.choices.length - 1, Math.max(0, Math.round(x)))];
  const v = spec.log ? Math.exp(x) : x;
  if (spec.type === "int") return Math.min(spec.high, Math.max(spec.low, Math.round(v)));
  return Math.min(spec.high, Math.max(spec.low, v));
}

/**
 * The internal coordinate of an observed value, or undefined when the value is not in the range
 * (a baseline configuration outside the searched range, or "auto" where a number is searched).
 */
export function toInternal(spec: ParamSpec, value: unknown): number | undefined {
  if (spec.type === "categorical") {
    const key = JSON.stringify(value);
    const i = spec.choices.findIndex((c) => JSON.stringify(c) === key);
    return i >= 0 ? i : undefined;
  }
  if (typeof value !== "number" || !Number.isFinite(value) || value < spec.low || value > spec.high) return undefined;
  if (spec.type === "int" && !Number.isInteger(value)) return undefined;
  return spec.log ? Math.log(value) : value;
}
