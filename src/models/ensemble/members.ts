/**
 * Families made of other families (ensemble, meta_learning): the configured members, their
 * hyperparameters (the member family's defaults < its family file < the named variant < the given
 * overrides), and out-of-fold predictions of each member on the training rows from inner folds cut
 * by time and purged by the label window, which is what the combiners are fitted on.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { defaultConfigDir } from "../../config/config-dir.js";
import { InputError } from "../../util/errors.js";
import { Rng } from "../../util/random.js";
import type { Family, FitContext, TabularData, TaskType, TrainedModel } from "../family.js";
import { getFamily } from "../registry.js";

export const memberSchema = z.strictObject({
  family: z.string().min(1).describe("a registered tabular family (an ensemble may hold another ensemble)"),
  variant: z.string().min(1).default("balanced").describe("the variant of the member's family file"),
  hyperparameters: z.record(z.string(), z.unknown()).default({}).describe("overrides on top of the family file and variant"),
});
export type MemberSpec = z.infer<typeof memberSchema>;

export const membersShape = {
  members: z.array(memberSchema).min(1).describe("the member families"),
  inner_folds: z.number().int().min(2).max(20).default(3).describe("blocks of training time the members' out-of-fold predictions come from"),
  objective: z.enum(["regression", "binary"]).default("regression").describe("The task (set by the pipeline from the target); passed on to members that have an objective."),
};

/** Validates every member's family and merged hyperparameters, with issues at members.<i>. */
export function checkMembers(members: readonly MemberSpec[], objective: "regression" | "binary", ctx: z.RefinementCtx, self: string): void {
  members.forEach((m, i) => {
    try {
      const fam = memberFamily(m, self);
      memberParams(fam, m, objective);
    } catch (e) {
      ctx.addIssue({ code: "custom", path: ["members", i], message: e instanceof Error ? e.message : String(e) });
    }
  });
}

function memberFamily(m: MemberSpec, self: string): Family<unknown> {
  let fam: Family<unknown>;
  try {
    fam = getFamily(m.family);
  } catch (e) {
    throw new InputError(`${self} member "${m.family}" is not a registered family (${e instanceof Error && "hint" in e ? String((e as { hint?: string }).hint) : ""})`);
  }
  if (fam.kind !== "tabular") throw new InputError(`${self} member "${m.family}" is a sequence family; members must be tabular families`);
  return fam;
}

const fileCache = new Map<string, { hyperparameters?: Record<string, unknown>; variants?: Record<string, Record<string, unknown>> } | null>();

/** The member family's file in the default config folder (./config, else the bundled one). */
function familyFile(name: string): { hyperparameters?: Record<string, unknown>; variants?: Record<string, Record<string, unknown>> } | null {
  const path = join(defaultConfigDir(), "families", `${name}.yaml`);
  if (!fileCache.has(path)) fileCache.set(path, existsSync(path) ? (parse(readFileSync(path, "utf8")) ?? null) : null);
  return fileCache.get(path)!;
}

/** Merged and validated hyperparameters of a member for the task. */
export function memberParams(fam: Family<unknown>, m: MemberSpec, objective: "regression" | "binary"): unknown {
  if (!fam.tasks.includes(objective as TaskType)) throw new InputError(`member "${m.family}" does not learn ${objective} targets (it learns: ${fam.tasks.join(", ")})`);
  const file = familyFile(m.family);
  const variants = file?.variants ?? {};
  if (file !== null && !(m.variant in variants)) throw new InputError(`member "${m.family}" has no variant "${m.variant}"; its variants: ${Object.keys(variants).join(", ")}`);
  const hp: Record<string, unknown> = { ...(file?.hyperparameters ?? {}), ...(variants[m.variant] ?? {}), ...m.hyperparameters };
  const probe = fam.paramsSchema.safeParse({});
  const hasObjective = probe.success && typeof probe.data === "object" && probe.data !== null && "objective" in probe.data;
  if (hasObjective) {
    if (objective === "binary") hp.objective = "binary";
    else if (hp.objective === "binary" || hp.objective === "multiclass") hp.objective = "regression";
  }
  const parsed = fam.paramsSchema.safeParse(hp);
  if (!parsed.success) {
    const msg = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new InputError(`member "${m.family}" (${m.variant}): invalid hyperparameters: ${msg}`);
  }
  return parsed.data;
}

/** Display names of the members: the family, with the variant when a family appears twice. */
export function memberNames(members: readonly MemberSpec[]): string[] {
  const count = new Map<string, number>();
  for (const m of members) count.set(m.family, (count.get(m.family) ?? 0) + 1);
  return members.map((m, i) => ((count.get(m.family) ?? 0) > 1 ? `${m.family}@${m.variant}#${i}` : m.family));
}

/** Rows [idx] of a dataset. */
export function subset(d: TabularData, idx: Int32Array): TabularData {
  const F = d.nFeatures;
  const X = new Float32Array(idx.length * F);
  const y = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) {
    X.set(d.X.subarray(idx[i] * F, (idx[i] + 1) * F), i * F);
    y[i] = d.y[idx[i]];
  }
  const out: TabularData = { nRows: idx.length, nFeatures: F, featureNames: d.featureNames, X, y };
  if (d.weight) out.weight = Float64Array.from(idx, (r) => d.weight![r]);
  if (d.rows) out.rows = { time: Int32Array.from(idx, (r) => d.rows!.time[r]), symbol: Int32Array.from(idx, (r) => d.rows!.symbol[r]) };
  if (d.aux) {
    const A = d.aux.names.length;
    const Y = new Float64Array(idx.length * A);
    for (let i = 0; i < idx.length; i++) Y.set(d.aux.Y.subarray(idx[i] * A, (idx[i] + 1) * A), i * A);
    out.aux = { ...d.aux, Y };
  }
  return out;
}

export interface InnerFold {
  train: Int32Array;
  test: Int32Array;
}

/**
 * Inner folds of the training rows: `k` contiguous blocks of their distinct times, each block the
 * test part once, the training part every row whose time is at least `window` bars away from the
 * block on either side (before: its label would read into the block; after: embargo). Rows without
 * a panel index count as one time each, in order.
 */
export function innerFolds(d: TabularData, k: number, window: number): InnerFold[] {
  const time = d.rows?.time ?? Int32Array.from({ length: d.nRows }, (_, i) => i);
  const times = [...new Set(time)].sort((a, b) => a - b);
  if (times.length < 2 * k) throw new InputError(`${times.length} distinct training times cannot make ${k} inner folds`, "use fewer inner_folds or more data");
  const folds: InnerFold[] = [];
  for (let b = 0; b < k; b++) {
    const lo = times[Math.floor((b * times.length) / k)];
    const hi = times[Math.floor(((b + 1) * times.length) / k) - 1];
    const train: number[] = [];
    const test: number[] = [];
    for (let r = 0; r < d.nRows; r++) {
      const t = time[r];
      if (t >= lo && t <= hi) test.push(r);
      else if (t < lo - window || t > hi + window) train.push(r);
    }
    folds.push({ train: Int32Array.from(train), test: Int32Array.from(test) });
  }
  return folds;
}

export interface MemberOof {
  names: string[];
  /** Per member: out-of-fold prediction of each training row (NaN where its fold could not fit). */
  oof: Float64Array[];
  /** Rows every member predicted out of fold. */
  rows: Int32Array;
}

/** Out-of-fold predictions of every member on the training rows. */
export async function memberOof(train: TabularData, members: readonly MemberSpec[], objective: "regression" | "binary", k: number, ctx: FitContext, self: string): Promise<MemberOof> {
  const folds = innerFolds(train, k, ctx.labelWindow ?? 0);
  const rng = new Rng(ctx.seed).fork(`${self}:inner`);
  const oof = members.map(() => new Float64Array(train.nRows).fill(NaN));
  for (let m = 0; m < members.length; m++) {
    const fam = memberFamily(members[m], self);
    const params = memberParams(fam, members[m], objective);
    for (let f = 0; f < folds.length; f++) {
      const { train: tr, test } = folds[f];
      if (tr.length < 10 || test.length === 0) continue;
      const sub = subset(train, tr);
      if (objective === "binary" && !bothClasses(sub.y)) continue;
      const model = await fam.fit(sub, params, { ...ctx, seed: rng.fork(`${m}:${f}`).nextUint32() });
      const te = subset(train, test);
      const p = model.predict(te.X, te.nRows);
      for (let i = 0; i < test.length; i++) oof[m][test[i]] = p[i];
      ctx.log?.debug({ family: self, member: members[m].family, fold: f, trainRows: tr.length, testRows: test.length }, "inner fold fitted");
    }
  }
  const rows: number[] = [];
  for (let r = 0; r < train.nRows; r++) if (oof.every((o) => Number.isFinite(o[r])) && Number.isFinite(train.y[r])) rows.push(r);
  return { names: memberNames(members), oof, rows: Int32Array.from(rows) };
}

/** Every member fitted on all the training rows (the validation rows passed on for early stopping). */
export async function fitMembers(train: TabularData, members: readonly MemberSpec[], objective: "regression" | "binary", ctx: FitContext, self: string, valid?: TabularData): Promise<TrainedModel[]> {
  const rng = new Rng(ctx.seed).fork(`${self}:final`);
  const out: TrainedModel[] = [];
  for (let m = 0; m < members.length; m++) {
    const fam = memberFamily(members[m], self);
    out.push(await fam.fit(train, memberParams(fam, members[m], objective), { ...ctx, seed: rng.fork(m).nextUint32() }, valid));
  }
  return out;
}

/** Saved form of a fitted member. */
export interface SavedMember {
  family: string;
  variant: string;
  model: unknown;
}

export function loadMember(s: SavedMember, self: string): TrainedModel {
  if (typeof s !== "object" || s === null || typeof s.family !== "string") throw new InputError(`${self} model JSON: a member has no family`);
  return getFamily(s.family).load(s.model);
}

function bothClasses(y: Float64Array): boolean {
  let pos = false;
  let neg = false;
  for (const v of y) {
    if (v === 1) pos = true;
    else if (v === 0) neg = true;
  }
  return pos && neg;
}

/** Mean and standard deviation of values at rows (sd 1 when constant). */
export function meanSd(v: Float64Array, rows: Int32Array): { mean: number; sd: number } {
  let m = 0;
  for (const r of rows) m += v[r];
  m /= Math.max(1, rows.length);
  let s = 0;
  for (const r of rows) s += (v[r] - m) ** 2;
  const sd = Math.sqrt(s / Math.max(1, rows.length));
  return { mean: m, sd: sd > 1e-12 ? sd : 1 };
}
