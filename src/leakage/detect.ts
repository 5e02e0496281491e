/**
 * One round of leakage detection over a feature set and one target: rules, pre-scan, then the
 * quick model with its score, importance and sentinel checks.
 *
 * The quick model is fitted only on the features the cheaper checks did not already judge LEAK: a
 * near copy of the target would otherwise take all the importance and hide subtler leaks, and it
 * is excluded anyway.
 */
import { historyRows, type FeatureSpec } from "../features/spec.js";
import { InputError } from "../util/errors.js";
import { cvSetup } from "./dataset.js";
import { dominanceCheck, modelContext, scoreChecks } from "./model-checks.js";
import { plantedCopyCheck, prescanContext, prescanFeature } from "./prescan.js";
import { cvPredict, fitTarget, importanceShares, modelTask, r2Of, typicalCrossSection } from "./quick-model.js";
import { declaredLagCheck, namePatternCheck, targetDerivedCheck } from "./rules.js";
import { userLagCheck } from "./user-lag.js";
import { futureShiftSentinel, symbolHoldoutSentinel, timeShuffleSentinel } from "./sentinels.js";
import type { CheckResult, DetectInput, FeatureResult, QuickModelSummary, RoundResult } from "./types.js";
import { roundFigure, worst } from "./verdict.js";

/** Fewest finite target values worth scanning. */
const MIN_TARGET_VALUES = 100;

async function quickModelPart(input: DetectInput, y: Float64Array, names: readonly string[], specs: Map<string, FeatureSpec>, threads: number): Promise<ModelPart> {
  const { panel, features, target, leakage, seed } = input;
  const lookback = Math.max(0, ...names.map((n) => historyRows(specs.get(n)!)));
  const task = modelTask(target, typicalCrossSection(y, panel.T, panel.S));
  const yFit = fitTarget(y, panel.T, panel.S, task);
  // Cells are those the model can be fitted on (a lone symbol at a timestamp has no rank).
  const setup = cvSetup(yFit, panel.T, panel.S, target, leakage, input.splitter, lookback, seed);
  const base = await cvPredict(setup, names, features.grids, yFit, leakage, task, seed, { purpose: "base", threads });
  const mctx = modelContext({ setup, names, grids: features.grids, y, yFit, leakage, task, target, seed, threads, base });
  const modelChecks = scoreChecks(mctx);
  const dom = await dominanceCheck(mctx);
  modelChecks.push(dom.check);
  const modelSentinels = leakage.sentinels.enabled ? [futureShiftSentinel(mctx), timeShuffleSentinel(mctx), await symbolHoldoutSentinel(mctx)] : [];
  const shares = importanceShares(base.gain);
  const model: QuickModelSummary = {
    family: leakage.quick_model.family,
    features: names.length,
    folds: setup.folds.length,
    train_rows: base.trainRows,
    test_rows: base.testRows,
    fit_to: task.fitTo,
    metric: task.metric,
    score: roundFigure(mctx.score.value),
    baseline: roundFigure(mctx.baseline),
    r2: task.r2 ? roundFigure(r2Of(base.pred, yFit)) : null,
    top_importance: shares.slice(0, 10).map((s) => ({ feature: s.feature, share: roundFigure(s.share) ?? 0 })),
  };
  return { names: [...names], grids: names.map((n) => features.grids.get(n)!), y, model, modelChecks, modelSentinels, dominant: dom.feature };
}

function checkInput(input: DetectInput, y: Float64Array): Map<string, FeatureSpec> {
  const { panel, features, target } = input;
  const cells = panel.T * panel.S;
  if (y.length !== cells) throw new InputError(`leakage: the grid of target "${target.name}" has ${y.length} cells, the panel ${panel.T} x ${panel.S} = ${cells}`);
  let finite = 0;
  for (const v of y) if (Number.isFinite(v)) finite++;
  if (finite < MIN_TARGET_VALUES) {
    throw new InputError(
      `leakage: target "${target.name}" has ${finite} values on the panel, too few to check features against (at least ${MIN_TARGET_VALUES})`,
      "use more data or a shorter horizon",
    );
  }
  const specs = new Map(features.specs.map((s) => [s.name, s]));
  for (const name of features.names) {
    if (!specs.has(name)) throw new Error(`leakage: feature "${name}" has no spec`);
    const g = features.grids.get(name);
    if (g === undefined) throw new Error(`leakage: feature "${name}" has no grid`);
    if (g.length !== cells) throw new InputError(`leakage: the grid of feature "${name}" has ${g.length} cells, the panel ${panel.T} x ${panel.S} = ${cells}`);
  }
  return specs;
}

/**
 * The quick model's part of a round, kept so that a later round whose model would see exactly the
 * same features (same names, same grids) and target does not fit it again.
 */
export interface ModelPart {
  names: readonly string[];
  grids: readonly Float32Array[];
  y: Float64Array;
  model: QuickModelSummary;
  modelChecks: CheckResult[];
  modelSentinels: CheckResult[];
  dominant: string | null;
}

function samePart(p: ModelPart | undefined, names: readonly string[], grids: ReadonlyMap<string, Float32Array>, y: Float64Array): p is ModelPart {
  return p !== undefined && p.y === y && p.names.length === names.length && p.names.every((n, i) => n === names[i] && p.grids[i] === grids.get(n));
}

/**
 * A data check of a calendar feature, LEAK lowered to SUSPICIOUS: the feature reads only its bar's
 * own timestamp, known in advance, so it cannot see the future. A strong tie is a seasonal pattern
 * of this sample (a few years hold a few instances of each month, and the market's path in them is
 * common to every symbol), worth a review, never an exclusion.
 */
function seasonalAtMost(c: CheckResult): CheckResult {
  if (c.verdict !== "LEAK") return c;
  return {
    ...c,
    verdict: "SUSPICIOUS",
    explanation: `${c.explanation} It reads no data, only its bar's timestamp, so it cannot see the future: a calendar pattern of this sample, kept for review.`,
  };
}

/** Runs one round of detection. `cache` carries the quick model between rounds of the gate. */
export async function detectRound(input: DetectInput, cache?: { part?: ModelPart }): Promise<RoundResult> {
  const started = performance.now();
  const { panel, features, target, leakage, seed } = input;
  const round = input.round ?? 1;
  const threads = input.threads ?? 1;
  const y = input.targetGrid ?? target.compute(panel);
  const specs = checkInput(input, y);
  input.log?.info("leakage: round started", { target: target.name, round, features: features.names.length });

  const checks = new Map<string, CheckResult[]>();
  for (const name of features.names) {
    const spec = specs.get(name)!;
    checks.set(name, [
      namePatternCheck(name, leakage.exclusions),
      targetDerivedCheck(name, target, leakage.exclusions.target_derived),
      declaredLagCheck(spec, target, leakage.decision_time),
    ]);
  }
  const ctx = prescanContext(panel, y, target, leakage, seed);
  for (const name of features.names) {
    const cs = checks.get(name)!;
    const spec = specs.get(name)!;
    const scanned = prescanFeature(name, features.grids.get(name)!, ctx);
    const data = spec.kind === "timeseries" && spec.dataFree ? scanned.map(seasonalAtMost) : scanned;
    cs.push(...data);
    // A user column the data shows leaking: its lag claim is wrong, and by how much is worth saying.
    if (spec.origin === "user" && cs[2].verdict === "OK" && data.some((c) => c.verdict === "LEAK")) {
      cs[2] = userLagCheck(spec, features.grids.get(name)!, ctx, target);
    }
  }
  const sentinels: CheckResult[] = [];
  if (leakage.sentinels.enabled && leakage.sentinels.plant_leaky_copy) sentinels.push(plantedCopyCheck(y, ctx));

  const modelFeatures = features.names.filter((n) => worst(checks.get(n)!.map((c) => c.verdict)) !== "LEAK");
  const modelChecks: CheckResult[] = [];
  let model: QuickModelSummary | null = null;
  let modelSkipped: string | null = null;
  if (leakage.quick_model.enabled && modelFeatures.length > 0) {
    let part = cache?.part;
    if (samePart(part, modelFeatures, features.grids, y)) {
      input.log?.info("leakage: the quick model sees the same features as in the last round; its checks are reused", { target: target.name, round });
    } else {
      try {
        part = await quickModelPart(input, y, modelFeatures, specs, threads);
        if (cache) cache.part = part;
      } catch (e) {
        // Too little data for purged folds (long lookbacks, short history) ends the model part only:
        // the rules and the pre-scan have run and still decide.
        if (!(e instanceof InputError)) throw e;
        modelSkipped = `${e.message}${e.hint ? ` (${e.hint})` : ""}`;
        part = undefined;
        input.log?.warn(`leakage: the quick model was not run: ${modelSkipped}`, { target: target.name, round });
      }
    }
    if (part !== undefined) {
      modelChecks.push(...part.modelChecks);
      if (part.dominant !== null) checks.get(part.dominant)!.push(part.modelChecks[part.modelChecks.length - 1]);
      sentinels.unshift(...part.modelSentinels);
      model = part.model;
    }
  }

  const results: FeatureResult[] = features.names.map((name) => {
    const spec = specs.get(name)!;
    const cs = checks.get(name)!;
    return { name, origin: spec.origin, lag: spec.lag, verdict: worst(cs.map((c) => c.verdict)), checks: cs };
  });
  const out: RoundResult = {
    round,
    features: results,
    model,
    model_skipped: modelSkipped,
    model_checks: modelChecks,
    sentinels,
    leak: results.filter((r) => r.verdict === "LEAK").map((r) => r.name),
    suspicious: results.filter((r) => r.verdict === "SUSPICIOUS").map((r) => r.name),
    seconds: (performance.now() - started) / 1000,
  };
  input.log?.info("leakage: round finished", {
    target: target.name,
    round,
    leak: out.leak.length,
    suspicious: out.suspicious.length,
    model_score: model?.score,
    seconds: Math.round(out.seconds * 10) / 10,
  });
  return out;
}
