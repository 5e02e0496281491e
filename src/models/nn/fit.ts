import type { z } from "zod";
import { InputError } from "../../util/errors.js";
import { Rng } from "../../util/random.js";
import type { FitContext, TabularData } from "../family.js";
import type { NetworkBuilder } from "./arch/network.js";
import { fitTargetScale, type TargetScale } from "./data/scaler.js";
import { RowSource, WindowSource, checkTabular, fitGridScaler, fitRowScaler, type BatchSource } from "./data/source.js";
import { ParamStore } from "./layers/params.js";
import { NnModel } from "./model.js";
import { outputDim, type TrainingParams } from "./params.js";
import { nnReady } from "./runtime/backend.js";
import { checkSequenceData, isSequenceData, type SequenceData } from "./sequence-data.js";
import { trainNetwork, type TrainSet } from "./train/trainer.js";

/** What a neural family is: a name, its kind, its hyperparameter schema and its network builder. */
export interface NnFamilyDef<P extends TrainingParams> {
  name: string;
  kind: "tabular" | "sequence";
  schema: z.ZodType<P>;
  builder: NetworkBuilder<P>;
}

export type NnInput = TabularData | SequenceData;

interface Prepared {
  source: BatchSource;
  y: Float64Array;
  weight?: Float64Array;
}

/**
 * Trains one family's network. Tabular families take TabularData. Sequence families take
 * SequenceData (windows gathered from a grid), or TabularData whose rows are already flattened
 * windows of `lookback` bars (nFeatures = lookback x features per bar, oldest bar first).
 */
export async function fitNn<P extends TrainingParams & { lookback?: number }>(
  def: NnFamilyDef<P>,
  train: NnInput,
  params: P,
  ctx: FitContext,
  valid?: NnInput,
): Promise<NnModel> {
  const backend = await nnReady();
  const steps = def.kind === "sequence" ? params.lookback ?? 1 : 1;
  const layout = inputLayout(def, train, steps, "training data");
  const scaler = isSequenceData(train) ? fitGridScaler(train, params.input_clip) : fitRowScaler(train, layout.steps, params.input_clip);
  const prep = (d: NnInput, what: string): Prepared => {
    const l = inputLayout(def, d, steps, what);
    if (l.stepFeatures !== layout.stepFeatures) throw new InputError(`${def.name}: ${what} has ${l.stepFeatures} features per ${steps > 1 ? "bar" : "row"}, training data has ${layout.stepFeatures}`);
    if (isSequenceData(d)) return { source: new WindowSource(d.grid, d.rows, steps, scaler), y: d.y, weight: d.weight };
    return { source: new RowSource(d.X, d.nRows, d.nFeatures, scaler, l.steps), y: d.y, weight: d.weight };
  };
  const tr = prep(train, "training data");
  const va = valid ? prep(valid, "validation data") : undefined;
  checkTargets(def.name, tr, params, "training data");
  if (va) checkTargets(def.name, va, params, "validation data");

  const regression = params.objective === "regression" || params.objective === "huber";
  const ts: TargetScale = regression && params.standardize_target ? fitTargetScale(tr.y, tr.weight) : { shift: 0, scale: 1 };
  const toSet = (d: Prepared): TrainSet => ({
    source: d.source,
    y: Float32Array.from(d.y, (v) => (v - ts.shift) / ts.scale),
    weight: d.weight ? Float32Array.from(d.weight) : undefined,
  });

  const outDim = outputDim(params);
  const store = ParamStore.fresh(new Rng(ctx.seed).fork(`nn-init:${def.name}`));
  const net = def.builder(store, tr.source.sampleShape, outDim, params);
  let result;
  try {
    result = await trainNetwork(toSet(tr), va ? toSet(va) : undefined, { family: def.name, net, params, seed: ctx.seed, log: ctx.log, signal: ctx.signal });
  } catch (e) {
    store.dispose();
    throw e;
  }
  return new NnModel(
    {
      family: def.name,
      kind: def.kind,
      params: params as NnModel["info"]["params"],
      featureNames: layout.featureNames,
      stepFeatureNames: layout.stepFeatureNames,
      steps: layout.steps,
      stepFeatures: layout.stepFeatures,
      outDim,
      scaler: scaler.toJSON(),
      targetScale: ts,
      training: { history: result.history, bestEpoch: result.bestEpoch, batchSize: result.batchSize, steps: result.steps, backend, stoppedEarly: result.stoppedEarly },
    },
    NnModel.weightsOf(net),
    def.builder,
    net,
    backend,
  );
}

interface Layout {
  steps: number;
  stepFeatures: number;
  /** Names of the columns of a `predict` row. */
  featureNames: string[];
  /** Names of one bar's features (the grid's, or the current bar's columns of a flattened window). */
  stepFeatureNames: string[];
}

function inputLayout(def: NnFamilyDef<any>, d: NnInput, steps: number, what: string): Layout {
  if (isSequenceData(d)) {
    if (def.kind !== "sequence") throw new InputError(`${def.name} is a tabular family: give it rows (TabularData), not a sequence grid`, "sequence families: cnn1d, lstm, gru, transformer");
    checkSequenceData(d, `${def.name} ${what}`);
    const g = d.grid;
    // A predict row is a flattened window: feature names carry their lag (0 = current bar).
    const names: string[] = [];
    for (let j = 0; j < steps; j++) for (const n of g.featureNames) names.push(`${n}@lag${steps - 1 - j}`);
    return { steps, stepFeatures: g.nFeatures, featureNames: names, stepFeatureNames: [...g.featureNames] };
  }
  checkTabular(d, `${def.name} ${what}`);
  if (d.featureNames.length !== d.nFeatures) throw new InputError(`${def.name} ${what}: ${d.nFeatures} features but ${d.featureNames.length} feature names`);
  if (d.y.length !== d.nRows) throw new InputError(`${def.name} ${what}: ${d.nRows} rows but ${d.y.length} targets`);
  if (d.weight && d.weight.length !== d.nRows) throw new InputError(`${def.name} ${what}: ${d.nRows} rows but ${d.weight.length} weights`);
  if (d.nFeatures % steps !== 0) {
    throw new InputError(
      `${def.name} ${what}: ${d.nFeatures} columns are not whole windows of lookback ${steps} bars`,
      "give a sequence family SequenceData (a feature grid and row cells), or rows of lookback x features-per-bar columns, oldest bar first",
    );
  }
  const F = d.nFeatures / steps;
  return { steps, stepFeatures: F, featureNames: [...d.featureNames], stepFeatureNames: d.featureNames.slice(d.nFeatures - F) };
}

function checkTargets(family: string, d: Prepared, p: TrainingParams, what: string): void {
  const y = d.y;
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (!Number.isFinite(v)) throw new InputError(`${family} ${what}: target of row ${i} is ${v}`, "drop rows without a target before training");
    if (p.objective === "binary" && v !== 0 && v !== 1) throw new InputError(`${family} ${what}: objective binary needs targets 0 or 1, row ${i} has ${v}`);
    if (p.objective === "multiclass" && (!Number.isInteger(v) || v < 0 || v >= p.num_class)) {
      throw new InputError(`${family} ${what}: objective multiclass needs class indices 0..${p.num_class - 1}, row ${i} has ${v}`);
    }
  }
  if (d.weight) {
    for (let i = 0; i < d.weight.length; i++) {
      if (!(d.weight[i] >= 0) || !Number.isFinite(d.weight[i])) throw new InputError(`${family} ${what}: weight of row ${i} is ${d.weight[i]}; weights must be finite and >= 0`);
    }
  }
}
