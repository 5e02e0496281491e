/**
 * reward_based: a network trained directly on a trading objective (objective.ts: the Sharpe ratio of
 * positions tanh(output) net of turnover costs) instead of a prediction loss. Its prediction is the
 * position it would hold, in [-1, 1]. The previous bar of each training row (same symbol, one bar
 * earlier, from TabularData.rows) supplies the turnover; a row whose previous bar is not among the
 * rows (the first bar, a purge gap) pays no turnover. Trained with the shared neural trainer and
 * saved as an ordinary foxml-nn model.
 */
import { InputError } from "../../util/errors.js";
import { Rng } from "../../util/random.js";
import type { Family, FitContext, TabularData } from "../family.js";
import { fitRowScaler, RowSource } from "../nn/data/source.js";
import { ParamStore } from "../nn/layers/params.js";
import { NnModel } from "../nn/model.js";
import { nnReady } from "../nn/runtime/backend.js";
import { trainNetwork, type TrainSet } from "../nn/train/trainer.js";
import { buildRewardNet, rewardParamsSchema, type RewardParams } from "./network.js";
import { negativeSharpe } from "./objective.js";

/**
 * Row index of each row's previous bar: the latest earlier row of the same symbol at most `maxGap`
 * bars before it (1: exactly the previous bar; more stands in for bars a subsampled training set
 * left out), or the row itself when there is none (no turnover).
 */
export function previousRows(d: TabularData, maxGap = 1): Int32Array {
  const prev = new Int32Array(d.nRows);
  if (!d.rows) {
    for (let r = 0; r < d.nRows; r++) prev[r] = Math.max(0, r - 1);
    return prev;
  }
  const { time, symbol } = d.rows;
  const last = new Map<number, number>();
  for (let r = 0; r < d.nRows; r++) {
    // rows are in time order, so the symbol's last row seen is its latest earlier one
    const q = last.get(symbol[r]);
    prev[r] = q !== undefined && time[r] - time[q] >= 1 && time[r] - time[q] <= maxGap ? q : r;
    last.set(symbol[r], r);
  }
  return prev;
}

/** [previous bar, current bar] features per row: rows of 2F values. */
function pairs(d: TabularData, maxGap: number): Float32Array {
  const F = d.nFeatures;
  const prev = previousRows(d, maxGap);
  const X2 = new Float32Array(d.nRows * 2 * F);
  for (let r = 0; r < d.nRows; r++) {
    X2.set(d.X.subarray(prev[r] * F, (prev[r] + 1) * F), r * 2 * F);
    X2.set(d.X.subarray(r * F, (r + 1) * F), r * 2 * F + F);
  }
  return X2;
}

export const rewardBasedFamily: Family<RewardParams> = {
  name: "reward_based",
  kind: "tabular",
  tasks: ["regression"],
  paramsSchema: rewardParamsSchema,
  async fit(train: TabularData, p: RewardParams, ctx: FitContext, valid?: TabularData) {
    const backend = await nnReady();
    if (train.nRows < 2) throw new InputError("reward_based: needs at least two training rows");
    for (let i = 0; i < train.nRows; i++) if (!Number.isFinite(train.y[i])) throw new InputError(`reward_based training data: target of row ${i} is ${train.y[i]}`, "drop rows without a target before training");
    const F = train.nFeatures;
    const scaler = fitRowScaler(train, 1, p.input_clip);
    // Returns are scaled by their training spread (not centred: the mean return is part of the profit).
    let ss = 0;
    for (const v of train.y) ss += v * v;
    const sd = Math.sqrt(ss / train.nRows) || 1;
    const cost = p.cost_units === "sd" ? p.cost : p.cost / sd;
    const toSet = (d: TabularData): TrainSet => ({
      source: new RowSource(pairs(d, p.max_gap), d.nRows, 2 * F, scaler, 2),
      y: Float32Array.from(d.y, (v) => v / sd),
      weight: d.weight ? Float32Array.from(d.weight) : undefined,
    });
    const store = ParamStore.fresh(new Rng(ctx.seed).fork("nn-init:reward_based"));
    const net = buildRewardNet(store, [F], 1, p);
    let result;
    try {
      result = await trainNetwork(toSet(train), valid ? toSet(valid) : undefined, {
        family: "reward_based",
        net,
        params: p,
        seed: ctx.seed,
        log: ctx.log,
        signal: ctx.signal,
        loss: (out, y, w) => negativeSharpe(out, y, cost, w),
      });
    } catch (e) {
      store.dispose();
      throw e;
    }
    return new NnModel(
      {
        family: "reward_based",
        kind: "tabular",
        params: p as NnModel["info"]["params"],
        featureNames: [...train.featureNames],
        stepFeatureNames: [...train.featureNames],
        steps: 1,
        stepFeatures: F,
        outDim: 1,
        scaler: scaler.toJSON(),
        // predictions are positions: no target scale
        targetScale: { shift: 0, scale: 1 },
        training: { history: result.history, bestEpoch: result.bestEpoch, batchSize: result.batchSize, steps: result.steps, backend, stoppedEarly: result.stoppedEarly },
      },
      NnModel.weightsOf(net),
      buildRewardNet,
      net,
      backend,
    );
  },
  load(json: unknown) {
    const family = typeof json === "object" && json !== null ? (json as { family?: unknown }).family : undefined;
    if (family !== "reward_based") throw new InputError(`model JSON is a "${String(family)}" model, not "reward_based"`, `load it with the "${String(family)}" family`);
    return NnModel.fromJSON(json, buildRewardNet, rewardParamsSchema);
  },
};
