/**
 * Stage "evaluation": every member and ensemble of each target scored alike (metrics overall and
 * per fold, IC over time) and traded as portfolios with costs, Sharpe ratios deflated by the number
 * of configurations tried. Writes `evaluation/<target>.json` (summaries) with `evaluation/<target>.series` (its curves), per-symbol rows in the status file, and
 * `target_confidence.json` (high / medium / low tiers with reasons).
 */
import type { EnsembleResult } from "../../ensemble/index.js";
import { evaluateTarget, targetConfidence, writeEvaluationFiles, type EvaluationModelInput } from "../../evaluation/index.js";
import { spearman } from "../../validation/metrics/index.js";
import type { SelectionFile, TargetConfidence, TargetRankingsFile } from "../../artifacts/run-files.js";
import { symbolNames, type PipelineContext } from "../context.js";
import type { TrainedTarget } from "./training.js";

export const EVALUATION_STAGE = "evaluation";
export const CONFIDENCE_FILE = "target_confidence.json";

export async function evaluationStage(
  ctx: PipelineContext,
  trained: readonly TrainedTarget[],
  ensembles: ReadonlyMap<string, EnsembleResult[]>,
  rankings: TargetRankingsFile,
  selections: ReadonlyMap<string, SelectionFile>,
): Promise<TargetConfidence[]> {
  const { run, cfg } = ctx;
  return run.summary.runStage(EVALUATION_STAGE, async (stage) => {
    const confidence: TargetConfidence[] = [];
    const noSkill = new Map<string, number>();
    const metrics: Array<{ stage: string; target: string; family: string; key: string; value: number | string }> = [];
    for (const r of rankings.targets) if (r.composite !== null) metrics.push({ stage: "ranking", target: r.target, family: "", key: "composite", value: r.composite });
    for (const t of trained) {
      const name = t.gated.built.target.name;
      if (t.members.length === 0) continue;
      const t0 = performance.now();
      try {
        const ens = ensembles.get(name) ?? [];
        const models: EvaluationModelInput[] = [
          ...t.members.map((m) => ({ name: m.name, kind: "family" as const, oof: m.oof, folds: m.file.folds.map((f) => ({ index: f.fold, trainRows: f.train_rows })) })),
          ...ens.map((e) => ({ name: e.name, kind: "ensemble" as const, oof: e.oof, forecast: e.forecast, folds: e.folds })),
        ];
        const trials = t.members.reduce((a, m) => a + m.trials, 0) + ens.length;
        const file = evaluateTarget({ data: t.data, panel: ctx.panel, models, trials, config: cfg.pipeline.evaluation });
        if (cfg.pipeline.ranking.enabled || cfg.pipeline.selection.enabled) {
          file.notes.push(
            "the target and its features were chosen (ranking, selection) with labels from every period, not inside each training fold: out-of-fold scores carry that selection's optimism, and the deflated Sharpe counts only the configurations trained here" +
              (cfg.pipeline.nesting.mode === "walk_forward" ? `; the nested figures are in nested/evaluation/${name}.json` : cfg.pipeline.nesting.mode === "holdout" ? `; every stage here saw the periods before the holdout only, the holdout figures are in nested/evaluation/${name}.json` : ""),
          );
        }
        writeEvaluationFiles(run.path(`${EVALUATION_STAGE}/${name}.json`), file);
        const seconds = (performance.now() - t0) / 1000;
        for (const m of file.models) {
          if (m.score !== null) metrics.push({ stage: EVALUATION_STAGE, target: name, family: m.name, key: file.metric, value: m.score });
          const b = m.backtests[0];
          if (b?.sharpe != null) metrics.push({ stage: EVALUATION_STAGE, target: name, family: m.name, key: "sharpe", value: b.sharpe });
          if (b?.deflated_sharpe != null) metrics.push({ stage: EVALUATION_STAGE, target: name, family: m.name, key: "deflated_sharpe", value: b.deflated_sharpe });
          ctx.status.add({ stage: "evaluation", target: name, family: m.name, status: (m.score ?? -Infinity) > file.no_skill ? "succeeded" : "no_signal", score: m.score, seconds });
        }
        const best = models.find((m) => m.name === file.best);
        if (best !== undefined) symbolRows(ctx, t, best.name, best.oof);
        const agreement = selectionAgreement(selections.get(name));
        const conf = targetConfidence({
          target: name,
          ranking: rankings.targets.find((r) => r.target === name),
          evaluation: file,
          leakage: t.gated.leakage,
          selectionAgreement: agreement,
          thresholds: cfg.pipeline.evaluation.confidence,
        });
        confidence.push(conf);
        noSkill.set(name, file.no_skill);
        const bt = file.models.find((m) => m.name === file.best)?.backtests[0];
        run.log.forStage(EVALUATION_STAGE).with({ target: name }).info("target evaluated", { best: file.best, tier: conf.tier, sharpe: bt?.sharpe ?? null, deflated_sharpe: bt?.deflated_sharpe ?? null });
      } catch (e) {
        ctx.status.fail({ stage: "evaluation", target: name }, e);
        run.summary.error(EVALUATION_STAGE, e, { target: name });
      }
    }
    run.writeJson(CONFIDENCE_FILE, confidence);
    run.summary.results({
      targets: trained.map((t) => t.gated.built.target.name),
      families: cfg.families.map((f) => ({ name: f.name, variant: f.variant })),
      metrics,
    });
    // Skill above no skill, so an AUC near 0.5 does not outrank an IC of 0.05.
    const skill = (c: TargetConfidence) => (c.score === null ? -Infinity : c.score - (noSkill.get(c.target) ?? 0));
    const top = confidence.slice().sort((a, b) => tierRank(b.tier) - tierRank(a.tier) || skill(b) - skill(a))[0];
    if (top !== undefined) {
      run.summary.headline("best_model", `${top.best_model ?? "none"} on ${top.target}`);
      if (top.score !== null) run.summary.headline("best_score", Number(top.score.toPrecision(4)));
      run.summary.headline("confidence", `${top.target}: ${top.tier}`);
    }
    stage.finish({
      outcome: `${confidence.length} target(s) evaluated: ${confidence.map((c) => `${c.target} ${c.tier}`).join(", ") || "none"}`,
      figures: { targets: confidence.length, high: confidence.filter((c) => c.tier === "high").length },
    });
    return confidence;
  });
}

function tierRank(t: TargetConfidence["tier"]): number {
  return t === "high" ? 2 : t === "medium" ? 1 : 0;
}

/** Mean off-diagonal agreement between the selection methods (undefined without two methods). */
function selectionAgreement(sel: SelectionFile | undefined): number | undefined {
  if (sel === undefined) return undefined;
  const m = sel.agreement.matrix;
  let sum = 0;
  let n = 0;
  for (let i = 0; i < m.length; i++) {
    for (let j = i + 1; j < m.length; j++) {
      const v = m[i][j];
      if (v !== null && Number.isFinite(v)) {
        sum += v;
        n++;
      }
    }
  }
  return n > 0 ? sum / n : undefined;
}

/**
 * Per-symbol rows for the best model: the rank correlation of its out-of-fold predictions with the
 * label within each symbol's own history (no signal where it is not positive).
 */
function symbolRows(ctx: PipelineContext, t: TrainedTarget, model: string, oof: Float64Array): void {
  const { T, S, y } = t.data;
  const symbols = symbolNames(ctx.panel);
  const target = t.gated.built.target.name;
  for (let s = 0; s < S; s++) {
    const p: number[] = [];
    const q: number[] = [];
    for (let i = 0; i < T; i++) {
      const c = i * S + s;
      if (Number.isFinite(oof[c]) && Number.isFinite(y[c])) {
        p.push(oof[c]);
        q.push(y[c]);
      }
    }
    if (p.length < 20) {
      ctx.status.add({ stage: "evaluation", target, family: model, symbol: symbols[s], status: "skipped", error: { type: "TooFewRows", message: `${p.length} scored rows` } });
      continue;
    }
    const r = spearman(p, q);
    ctx.status.add({ stage: "evaluation", target, family: model, symbol: symbols[s], status: r > 0 ? "succeeded" : "no_signal", score: Number.isFinite(r) ? r : null });
  }
}
