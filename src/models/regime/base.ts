/**
 * The model a regime or change-point family trains on top of its extra features: any registered
 * tabular family (ridge by default, logistic for binary targets), fitted on the input features
 * plus the family's own columns, optionally weighted (by regime responsibilities). Saved as
 * { family, model } and loaded through that family, so it predicts exactly as trained.
 */
import { z } from "zod";
import "../linear/index.js";
import { InputError } from "../../util/errors.js";
import type { FitContext, TabularData, TrainedModel } from "../family.js";
import { getFamily } from "../registry.js";

export const baseShape = {
  objective: z.enum(["regression", "binary"]).default("regression").describe("target type; binary targets set it"),
  base_family: z
    .string()
    .default("auto")
    .describe('tabular family trained on the features plus the extra columns; "auto" = ridge (regression) or logistic (binary)'),
  base_params: z.record(z.string(), z.unknown()).default({}).describe("hyperparameters of the base family (its defaults otherwise)"),
};

export interface BaseSpec {
  objective: "regression" | "binary";
  base_family: string;
  base_params: Record<string, unknown>;
}

export interface BaseJson {
  family: string;
  model: unknown;
}

export function baseFamilyName(p: BaseSpec): string {
  if (p.base_family !== "auto") return p.base_family;
  return p.objective === "binary" ? "logistic" : "ridge";
}

/** Validates the base family and its hyperparameters up front, with errors naming the owner family. */
export function baseParams(owner: string, p: BaseSpec): { name: string; params: unknown } {
  const name = baseFamilyName(p);
  const fam = getFamily(name);
  if (fam.kind !== "tabular") throw new InputError(`${owner}: base_family ${name} is a ${fam.kind} family`, "use a tabular family such as ridge, lightgbm or logistic");
  if (name === owner) throw new InputError(`${owner}: base_family cannot be ${owner} itself`, "use a tabular family such as ridge or lightgbm");
  if (!fam.tasks.includes(p.objective)) throw new InputError(`${owner}: base_family ${name} does not learn ${p.objective} targets (it learns: ${fam.tasks.join(", ")})`, "pick a base family for this target type");
  const hp: Record<string, unknown> = { ...p.base_params };
  const probe = fam.paramsSchema.safeParse({});
  if (p.objective === "binary" && probe.success && typeof probe.data === "object" && probe.data !== null && "objective" in probe.data) hp.objective = "binary";
  const parsed = fam.paramsSchema.safeParse(hp);
  if (!parsed.success) {
    const msg = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new InputError(`${owner}: invalid base_params for ${name}: ${msg}`, `check families[].hyperparameters.base_params of ${owner}`);
  }
  return { name, params: parsed.data };
}

export async function fitBase(base: { name: string; params: unknown }, train: TabularData, ctx: FitContext, valid?: TabularData): Promise<TrainedModel> {
  return getFamily(base.name).fit(train, base.params, ctx, valid);
}

export function loadBase(json: BaseJson): TrainedModel {
  return getFamily(json.family).load(json.model);
}

export const baseJsonSchema = z.strictObject({ family: z.string(), model: z.unknown() });

/** Row-major [n x (F + m)]: the rows' features, then `extra` [n x m]. */
export function appendColumns(X: Float32Array, n: number, F: number, extra: Float64Array, m: number): Float32Array {
  const out = new Float32Array(n * (F + m));
  for (let r = 0; r < n; r++) {
    out.set(X.subarray(r * F, (r + 1) * F), r * (F + m));
    for (let j = 0; j < m; j++) out[r * (F + m) + F + j] = extra[r * m + j];
  }
  return out;
}

/** Weights `w` (or 1) times a per-row factor. */
export function scaledWeights(n: number, factor: (r: number) => number, w?: Float64Array): Float64Array {
  return Float64Array.from({ length: n }, (_, r) => (w ? w[r] : 1) * factor(r));
}
