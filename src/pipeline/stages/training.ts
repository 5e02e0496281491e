/**
 * Stage "training": every configured family on every target that passed the gate, under the
 * configured splitter (one job per target and family, with the optional hyperparameter search), plus
 * the configured strategy (cascade per target, or one multi-task network across the targets).
 * Writes `training/<target>/<member>.json` and `models/<target>/<member>.json`. A failing family is
 * recorded and the run goes on.
 */
import type { FitContext } from "../../models/family.js";
import { getFamily } from "../../models/registry.js";
import { skillT } from "../../ranking/skill.js";
import type { FoxLogger } from "../../log/logger.js";
import { trainFamily, importanceRows, type FamilyTrainResult } from "../../training/train-family.js";
import { cascadeCv, multiTaskCv } from "../../training/strategies/index.js";
import type { AuxTarget, CvData } from "../../training/cv-data.js";
import { withProgress } from "../../util/progress.js";
import { finiteOrNull } from "../../util/finite.js";
import { memberSkill, type TrainingFile } from "../../artifacts/run-files.js";
import { stageCvData, type PipelineContext } from "../context.js";
import type { GatedTarget } from "./gate.js";

export const TRAINING_STAGE = "training";

/** One trained member of a target: a family, or a strategy's model. */
export interface Member {
  name: string;
  oof: Float64Array;
  file: TrainingFile;
  trials: number;
  trialScores: number[];
}

export interface TrainedTarget {
  gated: GatedTarget;
  data: CvData;
  /** Members with out-of-fold predictions (succeeded or no signal), in configuration order. */
  members: Member[];
}

/** The FitContext logger shape (fields first) on top of a run logger (message first). */
export function fitLog(log: FoxLogger): NonNullable<FitContext["log"]> {
  return {
    info: (obj, msg) => log.info(msg ?? "", obj as Record<string, unknown>),
    warn: (obj, msg) => log.warn(msg ?? "", obj as Record<string, unknown>),
    debug: (obj, msg) => log.debug(msg ?? "", obj as Record<string, unknown>),
  };
}

/** The longest window of past bars the configured sequence families read (1 without any). */
export function sequenceWindowBars(families: ReadonlyArray<{ name: string; hyperparameters: Record<string, unknown> }>): number {
  return Math.max(1, ...families.filter((f) => getFamily(f.name).kind === "sequence").map((f) => Number(f.hyperparameters.lookback ?? 1)));
}

export function memberNames(families: ReadonlyArray<{ name: string; variant: string }>): string[] {
  const count = new Map<string, number>();
  for (const f of families) count.set(f.name, (count.get(f.name) ?? 0) + 1);
  return families.map((f) => ((count.get(f.name) ?? 0) > 1 ? `${f.name}@${f.variant}` : f.name));
}

export async function trainingStage(ctx: PipelineContext, gated: readonly GatedTarget[]): Promise<TrainedTarget[]> {
  const { run, cfg } = ctx;
  const tc = cfg.pipeline.training;
  const families = cfg.families;
  const names = memberNames(families);
  const strategy = tc.strategy;
  return run.summary.runStage(TRAINING_STAGE, async (stage) => {
    if (families.length === 0 && strategy.kind === "single") {
      run.summary.warn(TRAINING_STAGE, "no model families configured: nothing to train (list families in the experiment, e.g. lightgbm and ridge)");
    }
    // Sequence families read windows of past bars. Like a feature's lookback that is the past only
    // and is purged only with pipeline.leakage.include_feature_lookback_in_purge (see purgeFor).
    const windowBars = sequenceWindowBars(families);
    const out: TrainedTarget[] = [];
    for (const g of gated) {
      try {
        const data = stageCvData(ctx, g.built, g.features, tc, "training", windowBars);
        out.push({ gated: g, data, members: [] });
      } catch (e) {
        // A target whose folds cannot be cut (too short a history for its horizon) is dropped alone.
        ctx.status.fail({ stage: "training", target: g.built.target.name }, e);
        run.summary.error(TRAINING_STAGE, e, { target: g.built.target.name });
      }
    }
    // Every target's fits see the others as auxiliary targets when a configured family learns
    // them (auxiliaryTargets: multi_task); only such a family is given them (training/fit-rows.ts).
    if (families.some((f) => getFamily(f.name).auxiliaryTargets)) {
      const all = auxTargets(out);
      for (const t of out) t.data = { ...t.data, aux: all.filter((a) => a.name !== t.data.target.name) };
    }
    const jobsPerTarget = families.length + (strategy.kind === "cascade" ? 1 : 0);
    const total = out.length * jobsPerTarget + (strategy.kind === "multi_task" ? 1 : 0);
    let succeeded = 0;
    let failed = 0;
    await withProgress({ label: "training", total, out: ctx.progress }, async (progress) => {
      for (const t of out) {
        const target = t.gated.built.target;
        const features = t.gated.features;
        for (let i = 0; i < families.length; i++) {
          const fam = families[i];
          const name = names[i];
          const log = run.log.forStage(TRAINING_STAGE).with({ target: target.name, family: name });
          const t0 = performance.now();
          try {
            const aux = getFamily(fam.name).auxiliaryTargets ? (t.data.aux ?? []).map((a) => a.name) : undefined;
            const inputs = { target: target.canonical, features, family: fam, training: tc, seed: ctx.seed, leakage: cfg.pipeline.leakage, ...(aux ? { aux } : {}) };
            const job = await ctx.jobs.run(TRAINING_STAGE, `${target.name}/${name}`, inputs, () =>
              trainFamily({ data: t.data, features, grids: ctx.features.grids, family: fam, config: tc, seed: ctx.seed, threads: ctx.threads, log: fitLog(log) }),
            );
            const member = saveMember(ctx, target.name, name, job.value);
            t.members.push(member);
            succeeded++;
            ctx.status.add({
              stage: "training",
              target: target.name,
              family: name,
              status: member.file.status,
              score: member.file.score,
              top_feature: member.file.importance[0]?.feature ?? null,
              seconds: job.reused ? member.file.seconds : (performance.now() - t0) / 1000,
            });
            log.info("family trained", { status: member.file.status, metric: member.file.metric, score: member.file.score, t_stat: member.file.t_stat });
          } catch (e) {
            failed++;
            ctx.status.fail({ stage: "training", target: target.name, family: name, seconds: (performance.now() - t0) / 1000 }, e);
            run.summary.error(TRAINING_STAGE, e, { target: target.name, family: name });
          }
          progress.tick();
        }
        if (strategy.kind === "cascade") {
          const t0 = performance.now();
          try {
            const job = await ctx.jobs.run(TRAINING_STAGE, `${target.name}/cascade`, { target: target.canonical, features, strategy, training: tc, seed: ctx.seed }, async () => {
              const r = await cascadeCv({ data: t.data, features, grids: ctx.features.grids, config: strategy, seed: ctx.seed, threads: ctx.threads, log: fitLog(run.log.forStage(TRAINING_STAGE).with({ target: target.name, family: "cascade" })) });
              return { oof: r.oof, score: r.score, folds: r.folds.map((f) => ({ index: f.index, trainRows: f.trainRows, testRows: f.testRows, score: f.score })), importance: r.regressor.importance, params: r.params, metric: r.metric };
            });
            const r = job.value;
            const file = strategyFile(target.name, "cascade", r.metric, { value: r.score.value, t: skillT(r.oof, t.data) }, r.folds, r.importance, r.params, (performance.now() - t0) / 1000, tc.no_signal.min_t_stat, t.data.task.noSkill);
            run.writeJson(`${TRAINING_STAGE}/${target.name}/cascade.json`, file);
            t.members.push({ name: "cascade", oof: r.oof, file, trials: 1, trialScores: [r.score.value] });
            succeeded++;
            ctx.status.add({ stage: "training", target: target.name, family: "cascade", status: file.status, score: file.score, top_feature: file.importance[0]?.feature ?? null, seconds: file.seconds });
          } catch (e) {
            failed++;
            ctx.status.fail({ stage: "training", target: target.name, family: "cascade" }, e);
            run.summary.error(TRAINING_STAGE, e, { target: target.name, family: "cascade" });
          }
          progress.tick();
        }
      }
      if (strategy.kind === "multi_task") {
        const ok = await multiTask(ctx, out, strategy, windowBars);
        if (ok === true) succeeded++;
        else if (ok === false) failed++;
        progress.tick();
      }
    });
    // Skill above no skill, so an AUC near 0.5 does not outrank an IC of 0.05.
    const best = out.flatMap((t) => t.members.map((m) => ({ t: t.gated.built.target.name, m }))).sort((a, b) => memberSkill(b.m.file) - memberSkill(a.m.file))[0];
    if (best !== undefined) run.summary.headline("best_family", `${best.m.name} on ${best.t} (${best.m.file.metric} ${best.m.file.score?.toFixed(4) ?? "n/a"})`);
    stage.finish({
      outcome: `${succeeded} family job(s) trained on ${out.length} target(s), ${failed} failed`,
      figures: { targets: out.length, trained: succeeded, failed },
    });
    return out;
  });
}

/** The run's targets (regression and binary ones) as auxiliary targets, one grid each, shared by every target's fits. */
function auxTargets(all: readonly TrainedTarget[]): AuxTarget[] {
  const out: AuxTarget[] = [];
  for (const o of all) {
    const d = o.data;
    const objective = d.task.objective;
    if (objective !== "regression" && objective !== "binary") continue;
    const y = new Float64Array(d.fitY.length);
    for (let c = 0; c < y.length; c++) y[c] = d.valid[c] ? d.fitY[c] : NaN;
    out.push({ name: d.target.name, objective, y, window: d.target.window });
  }
  return out;
}

function saveMember(ctx: PipelineContext, target: string, name: string, r: FamilyTrainResult): Member {
  const modelPath = r.model !== null ? `models/${target}/${name}.json` : null;
  if (modelPath !== null) ctx.run.writeJson(modelPath, r.model);
  const file: TrainingFile = { ...r.file, model_path: modelPath };
  ctx.run.writeJson(`${TRAINING_STAGE}/${target}/${name}.json`, file);
  return { name, oof: r.oof, file, trials: r.trials, trialScores: r.trialScores };
}

interface ScoreLike {
  value: number;
  t: number;
}

function strategyFile(
  target: string,
  name: string,
  metric: string,
  score: ScoreLike,
  folds: ReadonlyArray<{ index: number; trainRows: number; testRows: number; score: ScoreLike }>,
  importance: Record<string, number>,
  params: unknown,
  seconds: number,
  minT: number,
  noSkill: number,
): TrainingFile {
  const signal = Number.isFinite(score.t) && score.t >= minT && score.value > noSkill;
  return {
    target,
    family: name,
    variant: "strategy",
    status: signal ? "succeeded" : "no_signal",
    params,
    metric,
    score: finiteOrNull(score.value),
    t_stat: finiteOrNull(score.t),
    folds: folds.map((f) => ({ fold: f.index, train_rows: f.trainRows, test_rows: f.testRows, score: finiteOrNull(f.score.value) })),
    importance: importanceRows(importance),
    model_path: null,
    seconds,
  };
}

/** True when the network trained, false when it failed, undefined when skipped. */
async function multiTask(
  ctx: PipelineContext,
  out: TrainedTarget[],
  strategy: Extract<PipelineContext["cfg"]["pipeline"]["training"]["strategy"], { kind: "multi_task" }>,
  windowBars: number,
): Promise<boolean | undefined> {
  const { run } = ctx;
  const chosen = strategy.targets === undefined ? out : out.filter((t) => strategy.targets!.includes(t.gated.built.target.name));
  if (chosen.length < 2) {
    run.summary.warn(TRAINING_STAGE, "multi_task needs at least two targets after ranking and the gate; skipped", { targets: chosen.map((t) => t.gated.built.target.name).join(", ") });
    ctx.status.add({ stage: "training", family: "multi_task", status: "skipped", error: { type: "Skipped", message: "fewer than two targets" } });
    return undefined;
  }
  // One network reads one feature set: the union of the targets' selected features, in a fixed
  // order; every target's folds are cut for that union (which matters for the purge only when the
  // feature lookback is purged), not its own set.
  const features = [...new Set(chosen.flatMap((t) => t.gated.features))].sort();
  const tc = ctx.cfg.pipeline.training;
  const t0 = performance.now();
  try {
    const job = await ctx.jobs.run(TRAINING_STAGE, "multi_task", { targets: chosen.map((t) => t.gated.built.target.canonical), features, strategy, training: ctx.cfg.pipeline.training, seed: ctx.seed }, async () => {
      const datas = chosen.map((t) =>
        stageCvData(ctx, t.gated.built, features, tc, "training", windowBars),
      );
      const r = await multiTaskCv({
        datas,
        features,
        grids: ctx.features.grids,
        config: strategy,
        seed: ctx.seed,
        threads: ctx.threads,
        maxTrainRows: ctx.cfg.pipeline.training.max_train_rows,
        log: fitLog(run.log.forStage(TRAINING_STAGE).with({ family: "multi_task" })),
      });
      return { targets: r.targets.map((x) => ({ target: x.target, metric: x.metric, oof: x.oof, score: x.score, folds: x.folds })), params: r.params };
    });
    const seconds = (performance.now() - t0) / 1000;
    for (const r of job.value.targets) {
      const t = chosen.find((c) => c.gated.built.target.name === r.target);
      if (t === undefined) continue;
      const file = strategyFile(r.target, "multi_task", r.metric, { value: r.score.value, t: skillT(r.oof, t.data) }, r.folds, {}, job.value.params, seconds, ctx.cfg.pipeline.training.no_signal.min_t_stat, t.data.task.noSkill);
      run.writeJson(`${TRAINING_STAGE}/${r.target}/multi_task.json`, file);
      t.members.push({ name: "multi_task", oof: r.oof, file, trials: 1, trialScores: [r.score.value] });
      ctx.status.add({ stage: "training", target: r.target, family: "multi_task", status: file.status, score: file.score, seconds });
    }
    return true;
  } catch (e) {
    ctx.status.fail({ stage: "training", family: "multi_task", seconds: (performance.now() - t0) / 1000 }, e);
    run.summary.error(TRAINING_STAGE, e, { family: "multi_task" });
    return false;
  }
}
