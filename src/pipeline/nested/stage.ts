/**
 * Stage "nested": the honest out-of-sample figures. For each outer fold (outer-folds.ts), the
 * target ranking, the feature selection and the hyperparameter search run again on the fold's
 * training part only (inner.ts); each kept target's families are then fitted on the fold's
 * training cells and predict its test block (outer.ts). The predictions of all outer folds make
 * one nested out-of-fold grid per target and member, evaluated like the stages' own (IC, per-fold
 * skill, backtests, deflated Sharpe counting every target and configuration tried) and ensembled
 * with the same combiners (stacking fits its meta-learner only on earlier folds' predictions).
 *
 * A target the fold's inner ranking did not keep has no prediction in that fold: the procedure
 * would not have traded it. Writes `nested/<target>.json` (the fold-by-fold choices),
 * `nested/evaluation/<target>.json` (an evaluation file over the outer folds), `nested/nested.json`
 * (the figures beside the stages' non-nested figures on the same cells) and, since they are the
 * figures to believe, `target_confidence.json` and the summary's headlines from them.
 */
import { ensembleMembers, type EnsembleResult } from "../../ensemble/index.js";
import { evaluateTarget, targetConfidence, writeEvaluationFiles, type EvaluationModelInput } from "../../evaluation/index.js";
import type { EvaluationFileOut } from "../../evaluation/evaluate.js";
import type { CvData } from "../../training/cv-data.js";
import { errorInfo } from "../status.js";
import type { NestedModelFigures, NestedSummaryFile, NestedTargetFile, TargetConfidence, TargetRankingsFile } from "../../artifacts/run-files.js";
import { purgeFor, type PipelineContext } from "../context.js";
import type { GatedTarget } from "../stages/gate.js";
import type { BuiltTarget } from "../stages/targets.js";
import { memberNames, sequenceWindowBars, type TrainedTarget } from "../stages/training.js";
import { CONFIDENCE_FILE } from "../stages/evaluation.js";
import { innerRanking, innerSearch, innerSelection, NESTED_STAGE } from "./inner.js";
import { outerPrediction } from "./outer.js";
import { maskToTimes, outerCvData, outerFold, outerTestBlocks, type Block } from "./outer-folds.js";
import { withProgress } from "../../util/progress.js";

export const NESTED_SUMMARY = `${NESTED_STAGE}/nested.json`;

interface TargetState {
  built: BuiltTarget;
  data: CvData;
  file: NestedTargetFile;
  /** Nested out-of-fold grid per member (NaN where the member predicted nothing). */
  oof: Map<string, Float64Array>;
  /** Configurations tried per member (the most any fold's search tried). */
  trials: Map<string, number>;
}

export interface NestedInput {
  /** Every candidate target with its full label grid (in holdout mode the stages saw them masked). */
  targets: readonly BuiltTarget[];
  gated: readonly GatedTarget[];
  trained: readonly TrainedTarget[];
  ensembles: ReadonlyMap<string, EnsembleResult[]>;
  /** The stages' selection per target, to tell which selected features the leakage gate excluded. */
  selected: ReadonlyMap<string, { selected: string[] }>;
}

export async function nestedStage(ctx: PipelineContext, input: NestedInput): Promise<NestedSummaryFile | undefined> {
  const { run, cfg, panel } = ctx;
  const nc = cfg.pipeline.nesting;
  if (nc.mode === "off") {
    run.summary.stageSkipped(NESTED_STAGE, "pipeline.nesting.mode is off: the out-of-sample figures are those of the stages, which chose targets, features and hyperparameters on the same periods (optimistic)");
    return undefined;
  }
  const mode = nc.mode;
  const { T, S } = panel;
  let blocks: Block[];
  try {
    blocks = outerTestBlocks(T, nc);
  } catch (e) {
    // Too short a history to nest: the run goes on with the stages' (optimistic) figures, said so.
    run.summary.warn(NESTED_STAGE, `nested validation skipped: ${errorInfo(e).message}; the out-of-sample figures are the stages' own (optimistic)`);
    run.summary.stageSkipped(NESTED_STAGE, errorInfo(e).message);
    return undefined;
  }
  return run.summary.runStage(NESTED_STAGE, async (stage) => {
    const t0 = performance.now();
    const iso = (t: number) => new Date(panel.times[Math.min(T - 1, t)]).toISOString();
    const families = cfg.families;
    const names = memberNames(families);
    const windowBars = sequenceWindowBars(families);
    const gateExcluded = new Map<string, Set<string>>();
    for (const g of input.gated) {
      const chosen = input.selected.get(g.built.target.name)?.selected ?? [];
      gateExcluded.set(g.built.target.name, new Set(chosen.filter((f) => !g.features.includes(f))));
    }

    const states: TargetState[] = [];
    for (const built of input.targets) {
      try {
        const purge = purgeFor(ctx, built.target, ctx.features.names, windowBars);
        const folds = blocks.map((b, k) => outerFold(k, b, purge));
        const data = outerCvData({ target: built.target, grid: built.grid, T, S, folds, maxTrainRows: cfg.pipeline.training.max_train_rows, seed: ctx.seed });
        const file: NestedTargetFile = { target: built.target.name, mode, kept_folds: 0, folds: [], evaluation_path: null };
        states.push({ built, data, file, oof: new Map(), trials: new Map() });
      } catch (e) {
        ctx.status.fail({ stage: "nested", target: built.target.name }, e);
        run.summary.error(NESTED_STAGE, e, { target: built.target.name });
      }
    }

    await withProgress({ label: "nested", total: blocks.length * states.length, out: ctx.progress }, async (progress) => {
      for (let k = 0; k < blocks.length; k++) {
        const block = blocks[k];
        const masked = states.map((s) => ({ target: s.built.target, grid: maskToTimes(s.built.grid, T, S, s.data.folds[k].trainTimes) }));
        const ranking = await innerRanking(ctx, k, block, masked);
        for (let i = 0; i < states.length; i++) {
          await outerFoldForTarget(ctx, states[i], masked[i], k, block, ranking, { names, windowBars, excluded: gateExcluded.get(states[i].built.target.name) ?? new Set(), iso });
          progress.tick();
        }
      }
    });

    const summary: NestedSummaryFile = {
      mode,
      outer_folds: blocks.map(([a, b], k) => ({ fold: k, test_start: iso(a), test_end: iso(b), bars: b - a + 1 })),
      targets: [],
      seconds: 0,
      notes: nestedNotes(ctx),
    };
    const confidence: TargetConfidence[] = [];
    const candidates = Math.max(1, states.length);
    for (const s of states) {
      const name = s.built.target.name;
      s.file.kept_folds = s.file.folds.filter((f) => f.kept).length;
      try {
        const evaluated = evaluateNested(ctx, s, candidates, input);
        if (evaluated !== undefined) {
          s.file.evaluation_path = `${NESTED_STAGE}/evaluation/${name}.json`;
          writeEvaluationFiles(run.path(s.file.evaluation_path), evaluated.file);
          summary.targets.push({ target: name, metric: evaluated.file.metric, no_skill: evaluated.file.no_skill, kept_folds: s.file.kept_folds, folds: blocks.length, best: evaluated.file.best, trials: evaluated.file.trials, models: evaluated.figures });
          const gated = input.gated.find((g) => g.built.target.name === name);
          confidence.push(targetConfidence({ target: name, evaluation: evaluated.file, leakage: gated?.leakage, thresholds: cfg.pipeline.evaluation.confidence }));
          for (const m of evaluated.file.models) {
            ctx.status.add({ stage: "nested", target: name, family: m.name, status: (m.score ?? -Infinity) > evaluated.file.no_skill ? "succeeded" : "no_signal", score: m.score });
          }
        } else {
          ctx.status.add({ stage: "nested", target: name, status: "skipped", error: { type: "NotKept", message: "no outer fold's inner ranking kept the target, or no family predicted it" } });
        }
      } catch (e) {
        ctx.status.fail({ stage: "nested", target: name }, e);
        run.summary.error(NESTED_STAGE, e, { target: name });
      }
      run.writeJson(`${NESTED_STAGE}/${name}.json`, s.file);
    }
    summary.seconds = (performance.now() - t0) / 1000;
    run.writeJson(NESTED_SUMMARY, summary);
    // The nested figures are the ones to believe: the tiers and headlines come from them.
    run.writeJson(CONFIDENCE_FILE, confidence);
    headlines(ctx, summary, confidence);
    stage.finish({
      outcome: `${summary.targets.length} target(s) evaluated nested over ${blocks.length} outer fold(s) (${mode}): ${summary.targets.map((t) => `${t.target} kept in ${t.kept_folds}/${t.folds}`).join(", ") || "none"}`,
      figures: { targets: summary.targets.length, outer_folds: blocks.length, seconds: Number(summary.seconds.toFixed(1)) },
    });
    return summary;
  });
}

async function outerFoldForTarget(
  ctx: PipelineContext,
  s: TargetState,
  masked: BuiltTarget,
  k: number,
  block: Block,
  ranking: TargetRankingsFile,
  o: { names: string[]; windowBars: number; excluded: ReadonlySet<string>; iso: (t: number) => string },
): Promise<void> {
  const name = s.built.target.name;
  const fold = s.data.folds[k];
  const row = ranking.targets.find((r) => r.target === name);
  const kept = ranking.kept.includes(name);
  const record: NestedTargetFile["folds"][number] = {
    fold: k,
    test_start: o.iso(block[0]),
    test_end: o.iso(block[1]),
    train_times: fold.trainTimes.length,
    purged: fold.purgedCount,
    kept,
    rank: row?.rank ?? null,
    composite: row?.composite ?? null,
    reason: row?.reason ?? (ctx.cfg.pipeline.ranking.enabled ? "not ranked" : "ranking off: every target continues"),
    features: [],
    selection_error: null,
    members: [],
  };
  s.file.folds.push(record);
  if (!kept || s.data.test[k].length === 0) return;
  const sel = await innerSelection(ctx, k, block, masked);
  record.selection_error = sel.error;
  record.features = sel.features.filter((f) => !o.excluded.has(f));
  if (record.features.length === 0) {
    // No usable feature in this fold: the procedure would trade nothing here.
    record.kept = false;
    record.reason += "; no usable feature selected on the fold's training part";
    return;
  }
  const families = ctx.cfg.families;
  for (let i = 0; i < families.length; i++) {
    const fam = families[i];
    const member = o.names[i];
    try {
      const search = await innerSearch(ctx, k, block, masked, record.features, fam, member, o.windowBars);
      const pred = await outerPrediction(ctx, s.data, k, block, record.features, fam, member, search.hyperparameters);
      let grid = s.oof.get(member);
      if (grid === undefined) {
        grid = new Float64Array(s.data.T * s.data.S).fill(NaN);
        s.oof.set(member, grid);
      }
      const cells = s.data.test[k];
      for (let j = 0; j < cells.length; j++) grid[cells[j]] = pred.pred[j];
      s.trials.set(member, Math.max(s.trials.get(member) ?? 1, search.trials));
      record.members.push({ name: member, hyperparameters: search.hyperparameters, trials: search.trials, inner_score: search.innerScore, score: pred.score, train_rows: pred.trainRows, error: null });
    } catch (e) {
      record.members.push({ name: member, hyperparameters: fam.hyperparameters, trials: 0, inner_score: null, score: null, train_rows: 0, error: errorInfo(e).message });
      ctx.run.log.forStage(NESTED_STAGE).with({ fold: k, target: name, family: member }).warn("family could not be fitted in the outer fold", { error: errorInfo(e).message });
    }
  }
}

function evaluateNested(ctx: PipelineContext, s: TargetState, candidates: number, input: NestedInput): { file: EvaluationFileOut; figures: NestedModelFigures[] } | undefined {
  const { cfg, panel } = ctx;
  const members = [...s.oof.entries()].map(([name, oof]) => ({ name, oof }));
  if (members.length === 0) return undefined;
  const ens = ensembleMembers({ data: s.data, members, config: cfg.pipeline.ensemble, seed: ctx.seed });
  const models: EvaluationModelInput[] = [
    ...members.map((m) => ({ name: m.name, kind: "family" as const, oof: m.oof })),
    ...ens.map((e) => ({ name: e.name, kind: "ensemble" as const, oof: e.oof, forecast: e.forecast, folds: e.folds })),
  ];
  // Every configuration the procedure tried for the target: each candidate target times each
  // family's configurations, plus the ensembles, each traded with every configured strategy (a
  // reader picks among the strategies as among the models).
  const configs = [...s.trials.values()].reduce((a, b) => a + b, 0);
  const strategies = Math.max(1, cfg.pipeline.evaluation.strategies.length);
  const trials = (candidates * configs + ens.length) * strategies;
  const file = evaluateTarget({ data: s.data, panel, models, trials, config: cfg.pipeline.evaluation });
  file.notes.push(
    `nested (${cfg.pipeline.nesting.mode}): target ranking, feature selection${cfg.pipeline.training.hpo.enabled ? " and the hyperparameter search" : ""} ran inside each outer fold on its training part only; the target was kept in ${s.file.kept_folds} of ${s.data.folds.length} outer fold(s) and has predictions only there; the deflated Sharpe counts (${candidates} candidate target(s) x ${configs} family configuration(s) + ${ens.length} ensemble(s)) x ${strategies} strateg${strategies === 1 ? "y" : "ies"}`,
  );
  const notNested = notNestedEvaluation(ctx, s, input, trials);
  const figures: NestedModelFigures[] = file.models.map((m) => {
    const nn = notNested?.models.find((x) => x.name === m.name);
    return {
      name: m.name,
      kind: m.kind,
      score: m.score,
      score_t: m.score_t,
      deflated_sharpe: m.backtests[0]?.deflated_sharpe ?? null,
      sharpe: m.backtests[0]?.sharpe ?? null,
      not_nested_score: nn?.score ?? null,
      not_nested_score_t: nn?.score_t ?? null,
      not_nested_deflated_sharpe: nn?.backtests[0]?.deflated_sharpe ?? null,
    };
  });
  return { file, figures };
}

/**
 * The stages' own out-of-fold predictions of the same target, cut to the outer test cells where the
 * nested members predicted (so both figures cover the same cells): what nesting changed.
 */
function notNestedEvaluation(ctx: PipelineContext, s: TargetState, input: NestedInput, trials: number): EvaluationFileOut | undefined {
  const name = s.built.target.name;
  const trained = input.trained.find((t) => t.gated.built.target.name === name);
  if (trained === undefined) return undefined;
  const cut = (oof: Float64Array, like: Float64Array | undefined) => {
    const out = new Float64Array(oof.length).fill(NaN);
    if (like === undefined) return out;
    for (let c = 0; c < oof.length; c++) if (Number.isFinite(like[c])) out[c] = oof[c];
    return out;
  };
  const any = [...s.oof.values()][0];
  const models: EvaluationModelInput[] = [
    ...trained.members.map((m) => ({ name: m.name, kind: "family" as const, oof: cut(m.oof, s.oof.get(m.name) ?? any) })),
    ...(input.ensembles.get(name) ?? []).map((e) => ({ name: e.name, kind: "ensemble" as const, oof: cut(e.oof, any), forecast: e.forecast })),
  ];
  if (models.length === 0) return undefined;
  return evaluateTarget({ data: s.data, panel: ctx.panel, models, trials, config: ctx.cfg.pipeline.evaluation });
}

function nestedNotes(ctx: PipelineContext): string[] {
  const notes = [
    "the leakage scan's feature exclusions were decided on every period before nesting (they remove look-ahead, not weak features); the leakage gate is not rerun per outer fold, its exclusions for a target apply in every fold",
  ];
  const strategy = ctx.cfg.pipeline.training.strategy.kind;
  if (strategy !== "single") notes.push(`the ${strategy} strategy is not nested: only the families are`);
  if (ctx.cfg.pipeline.nesting.mode === "holdout") notes.push("holdout: every stage before this one saw the labels before the holdout only; the holdout is predicted once by models fitted on everything before it");
  return notes;
}

function headlines(ctx: PipelineContext, summary: NestedSummaryFile, confidence: readonly TargetConfidence[]): void {
  const { run } = ctx;
  const prior = run.summary.snapshot().headline;
  for (const key of ["best_model", "best_score", "confidence"]) {
    const v = prior[key];
    if (v !== undefined && v !== null) run.summary.headline(`${key}_not_nested`, v as number | string);
  }
  run.summary.headline("figures", summary.mode === "holdout" ? "nested: holdout" : `nested: walk-forward, ${summary.outer_folds.length} outer folds`);
  const noSkill = new Map(summary.targets.map((t) => [t.target, t.no_skill]));
  const rank = (t: TargetConfidence["tier"]) => (t === "high" ? 2 : t === "medium" ? 1 : 0);
  const skill = (c: TargetConfidence) => (c.score === null ? -Infinity : c.score - (noSkill.get(c.target) ?? 0));
  const top = confidence.slice().sort((a, b) => rank(b.tier) - rank(a.tier) || skill(b) - skill(a))[0];
  if (top === undefined) return;
  run.summary.headline("best_model", `${top.best_model ?? "none"} on ${top.target}`);
  if (top.score !== null) run.summary.headline("best_score", Number(top.score.toPrecision(4)));
  run.summary.headline("confidence", `${top.target}: ${top.tier}`);
}
