/**
 * Sentinels: properties any genuine result has, checked on the quick model. Each is done per
 * symbol: targets move and shuffle along one symbol's own history, never across symbols.
 *
 *  - future_shift: the same out-of-sample predictions scored against the target moved several
 *    windows (and at least future_shift_min_bars) further into the future (y[t + k] of the same
 *    symbol). A prediction about the next window has little to say about a window that starts well
 *    after it ends; a score that survives comes from something static (a full-sample statistic, a
 *    symbol's identity), not from timing. On the Dow Jones 30 data a 1-bar model keeps about half
 *    its skill two bars later (reversal lasts a few days) and about a tenth five or more bars later.
 *  - time_shuffle: the predictions scored against the target shuffled in time within each symbol,
 *    `shuffle_repeats` times. Shuffling keeps each symbol's distribution and destroys timing; the
 *    share of the score that survives is what the model knows about symbols, not about moments.
 *  - symbol_holdout: the model refitted on half of the symbols and scored on the other half at
 *    the same test times. A genuine signal carries over; a score that collapses was memorized
 *    per symbol.
 *
 * A sentinel cannot name a feature, so it flags SUSPICIOUS for review rather than excluding.
 */
import { Rng } from "../util/random.js";
import { hasSkill, onCells, type ModelContext } from "./model-checks.js";
import { cvPredict, METRIC_TEXT, scorePredictions } from "./quick-model.js";
import type { CheckResult } from "./types.js";
import { evidence, fmt, result } from "./verdict.js";
import { shiftWithinSymbols } from "./views.js";

function noSkillResult(check: CheckResult["check"], figure: string, threshold: number, ctx: ModelContext): CheckResult {
  return result(
    check,
    "OK",
    evidence(figure, null, threshold),
    `Not applicable: the quick model has no significant skill to lose (${METRIC_TEXT[ctx.task.metric]} ${fmt(ctx.score.value)}, t = ${fmt(ctx.score.t, 1)}).`,
  );
}

function retained(score: number, base: number, noSkill: number): number {
  return (score - noSkill) / (base - noSkill);
}

export function futureShiftSentinel(ctx: ModelContext): CheckResult {
  const k = Math.max(ctx.target.window * ctx.leakage.sentinels.future_shift_windows, ctx.leakage.sentinels.future_shift_min_bars);
  const limit = ctx.leakage.sentinels.max_retained_share;
  const figure = `share of the score kept against the target moved ${k} bars further into the future`;
  if (!hasSkill(ctx.score, ctx.task, ctx.leakage.thresholds.min_t_stat)) return noSkillResult("future_shift", figure, limit, ctx);
  const { T, S } = ctx.setup;
  const moved = onCells(shiftWithinSymbols(ctx.y, T, S, -k), ctx.base.pred);
  const s = scorePredictions(ctx.base.pred, moved, T, S, ctx.task, ctx.target.window);
  const kept = retained(s.value, ctx.score.value, ctx.task.noSkill);
  const ev = evidence(figure, kept, limit);
  const what = `${fmt(ctx.score.value)} against the target, ${fmt(s.value)} against the target ${k} bars later`;
  if (kept >= limit) {
    return result(
      "future_shift",
      "SUSPICIOUS",
      ev,
      `The predictions keep ${fmt(kept * 100, 0)}% of their skill against a target window that starts after the real one ends (${what}): the skill is not about the next ${ctx.target.window} bar(s). Look for full-sample statistics or symbol identifiers among the features.`,
    );
  }
  return result("future_shift", "OK", ev, `Moving the target ${k} bars into the future removes the skill as it should (${what}; ${fmt(kept * 100, 0)}% kept).`);
}

export function timeShuffleSentinel(ctx: ModelContext): CheckResult {
  const { T, S } = ctx.setup;
  const repeats = ctx.leakage.sentinels.shuffle_repeats;
  const limit = ctx.leakage.sentinels.max_retained_share;
  const figure = `mean share of the score kept after shuffling the target in time within each symbol (${repeats} shuffles)`;
  if (!hasSkill(ctx.score, ctx.task, ctx.leakage.thresholds.min_t_stat)) return noSkillResult("time_shuffle", figure, limit, ctx);
  const y = onCells(ctx.y, ctx.base.pred);
  // Each symbol's rows with a prediction and a label, gathered once.
  const rows: number[][] = Array.from({ length: S }, () => []);
  for (let t = 0; t < T; t++) for (let s = 0; s < S; s++) if (Number.isFinite(y[t * S + s])) rows[s].push(t * S + s);
  const rng = new Rng(ctx.seed).fork("leakage:time-shuffle");
  const shuffled = new Float64Array(y.length).fill(NaN);
  let sum = 0;
  let max = -Infinity;
  for (let r = 0; r < repeats; r++) {
    const rr = rng.fork(r);
    for (const cells of rows) {
      const perm = rr.permutation(cells.length);
      for (let i = 0; i < cells.length; i++) shuffled[cells[i]] = y[cells[perm[i]]];
    }
    const kept = retained(scorePredictions(ctx.base.pred, shuffled, T, S, ctx.task, ctx.target.window).value, ctx.score.value, ctx.task.noSkill);
    sum += kept;
    max = Math.max(max, kept);
  }
  const mean = sum / repeats;
  const ev = evidence(figure, mean, limit);
  if (mean >= limit) {
    return result(
      "time_shuffle",
      "SUSPICIOUS",
      ev,
      `With each symbol's target shuffled in time the predictions keep ${fmt(mean * 100, 0)}% of their skill on average: it comes from what distinguishes symbols, not from timing. Look for features that identify symbols or summarize their whole history.`,
    );
  }
  return result("time_shuffle", "OK", ev, `Shuffling each symbol's target in time destroys the skill as it should (${fmt(mean * 100, 0)}% kept on average, at most ${fmt(max * 100, 0)}%).`);
}

/** Symbols in two halves (seeded); null with fewer than 10 symbols. */
function symbolHalves(S: number, seed: number): { train: Uint8Array; test: Uint8Array } | null {
  if (S < 10) return null;
  const perm = new Rng(seed).fork("leakage:symbol-holdout").permutation(S);
  const train = new Uint8Array(S);
  const test = new Uint8Array(S);
  perm.forEach((s, i) => (i < S / 2 ? (train[s] = 1) : (test[s] = 1)));
  return { train, test };
}

export async function symbolHoldoutSentinel(ctx: ModelContext): Promise<CheckResult> {
  const limit = ctx.leakage.sentinels.holdout_min_share;
  const figure = "share of the score kept on symbols the model was not trained on";
  const minT = ctx.leakage.thresholds.min_t_stat;
  if (!hasSkill(ctx.score, ctx.task, minT)) return noSkillResult("symbol_holdout", figure, limit, ctx);
  const { T, S } = ctx.setup;
  const halves = symbolHalves(S, ctx.seed);
  if (halves === null) return result("symbol_holdout", "OK", evidence(figure, null, limit), `Not applicable: ${S} symbols are too few to hold half of them out.`);
  const held = await cvPredict(ctx.setup, ctx.names, ctx.grids, ctx.yFit, ctx.leakage, ctx.task, ctx.seed, {
    purpose: "symbol-holdout",
    trainSymbols: halves.train,
    testSymbols: halves.test,
    threads: ctx.threads,
  });
  const baseOnSame = onCells(ctx.base.pred, held.pred);
  const baseScore = scorePredictions(baseOnSame, ctx.y, T, S, ctx.task, ctx.target.window);
  if (!hasSkill(baseScore, ctx.task, minT)) {
    return result("symbol_holdout", "OK", evidence(figure, null, limit), `Not applicable: on the held-out half of the symbols the full model has no significant skill to compare with (${fmt(baseScore.value)}).`);
  }
  const s = scorePredictions(held.pred, ctx.y, T, S, ctx.task, ctx.target.window);
  const kept = retained(s.value, baseScore.value, ctx.task.noSkill);
  const ev = evidence(figure, kept, limit);
  const what = `${fmt(s.value)} on unseen symbols vs ${fmt(baseScore.value)} when they were in training`;
  if (!(kept >= limit)) {
    return result(
      "symbol_holdout",
      "SUSPICIOUS",
      ev,
      `On symbols it never saw, the model keeps only ${fmt(kept * 100, 0)}% of its skill (${what}): it memorized symbols. Look for features that identify a symbol or encode its own target history.`,
    );
  }
  return result("symbol_holdout", "OK", ev, `The skill carries over to symbols the model never saw (${what}; ${fmt(kept * 100, 0)}% kept).`);
}
