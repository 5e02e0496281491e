/**
 * A trained model taken out of a run folder, ready to predict on new bars: the final model saved
 * by the training stage (`models/<target>/<member>.json`, loaded through its Family), the features
 * it was fitted on (the model's own `featureNames`, in its input order), the target it predicts,
 * and the run's resolved configuration (for the data and feature settings the features must be
 * rebuilt with).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import "../../models/index.js";
import type { TrainedModel } from "../../models/family.js";
import { getFamily } from "../../models/registry.js";
import { memberSkill, type TrainingFile } from "../../artifacts/run-files.js";
import type { ResolvedConfigValue } from "../../config/schema/resolved.js";
import { readManifest } from "../../runs/manifest.js";
import { InputError } from "../../util/errors.js";

export interface TradingModel {
  runDir: string;
  runId: string;
  target: string;
  /** The member name (family, or family@variant). */
  member: string;
  family: string;
  sequence: boolean;
  task: string;
  featureNames: string[];
  model: TrainedModel;
  /** The run's resolved configuration. */
  config: ResolvedConfigValue;
  /** What client order ids are derived from: run, target, member. */
  modelId: string;
}

export interface LoadModelOptions {
  target?: string;
  /** Member to trade (e.g. ridge, lightgbm@conservative); default: the best-scoring one with a saved model. */
  member?: string;
}

/** Tasks whose one prediction per cell can become a position. */
const TRADABLE_TASKS = new Set(["regression", "binary", "ranking"]);

export function loadTradingModel(runDir: string, opts: LoadModelOptions = {}): TradingModel {
  if (!existsSync(join(runDir, "manifest.json"))) throw new InputError(`--model ${runDir} is not a run folder (no manifest.json)`, "give a folder printed by `foxml run`, e.g. runs/20261128T101500Z-default");
  const manifest = readManifest(runDir);
  // The manifest holds the resolved (already validated and normalized) value, as --resume reads it.
  const config = manifest.config.resolved as ResolvedConfigValue;
  if (config === null || typeof config !== "object" || !("pipeline" in config) || !Array.isArray(config.targets)) {
    throw new InputError(`${join(runDir, "manifest.json")}: its configuration is not one this version of foxml reads`, "retrain with this version");
  }
  const modelsDir = join(runDir, "models");
  const targets = existsSync(modelsDir) ? readdirSync(modelsDir).filter((t) => readdirSync(join(modelsDir, t)).some((f) => f.endsWith(".json"))).sort() : [];
  if (targets.length === 0) {
    throw new InputError(`${runDir} holds no saved model (models/ is empty)`, "models are saved for families that found signal when pipeline.training.final_model is on; check model_family_status.json");
  }
  const target = opts.target ?? (targets.length === 1 ? targets[0] : undefined);
  if (target === undefined) throw new InputError(`${runDir} has models for several targets (${targets.join(", ")})`, "choose one with --target NAME");
  if (!targets.includes(target)) throw new InputError(`--target ${target}: ${runDir} has no saved model for it`, `targets with models: ${targets.join(", ")}`);
  const members = readdirSync(join(modelsDir, target)).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -5)).sort();
  const member = opts.member ?? bestMember(runDir, target, members);
  if (!members.includes(member)) throw new InputError(`--family ${member}: no saved model for target ${target}`, `saved: ${members.join(", ")}`);
  const file = join(modelsDir, target, `${member}.json`);
  const json = readJson(file);
  const familyName = member.split("@")[0];
  const family = getFamily(familyName);
  const featureNames = (json as { featureNames?: unknown }).featureNames;
  if (!Array.isArray(featureNames) || featureNames.length === 0 || !featureNames.every((n) => typeof n === "string")) {
    throw new InputError(`${file}: the model names no features (featureNames)`, "retrain with this version of foxml");
  }
  const task = String((json as { task?: unknown }).task ?? "regression");
  if (!TRADABLE_TASKS.has(task)) {
    throw new InputError(`${file}: a ${task} model cannot be traded (it gives one probability per class, not one signal)`, "train a regression, binary or ranking target for trading");
  }
  let model: TrainedModel;
  try {
    model = family.load(json);
  } catch (e) {
    throw new InputError(`${file}: cannot load the ${familyName} model: ${(e as Error).message}`);
  }
  return {
    runDir,
    runId: manifest.run_id,
    target,
    member,
    family: familyName,
    sequence: family.kind === "sequence",
    task,
    featureNames: featureNames as string[],
    model,
    config,
    modelId: `${manifest.run_id}/${target}/${member}`,
  };
}

/** The member with the best out-of-fold skill among those with a saved model. */
function bestMember(runDir: string, target: string, members: readonly string[]): string {
  let best = members[0];
  let bestSkill = -Infinity;
  for (const m of members) {
    const path = join(runDir, "training", target, `${m}.json`);
    if (!existsSync(path)) continue;
    const f = readJson(path) as TrainingFile;
    const skill = memberSkill(f);
    if (skill > bestSkill) {
      bestSkill = skill;
      best = m;
    }
  }
  return best;
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new InputError(`${path}: not readable JSON (${(e as Error).message})`);
  }
}
