import { matchesAny } from "../../util/glob.js";
import { InputError } from "../../util/errors.js";
import { loadAs } from "../family-load.js";
import type { Family, FitContext, TabularData } from "../family.js";
import { checkSequenceData, isSequenceData, type SequenceData } from "../nn/sequence-data.js";
import { baseParams, fitBase } from "./base.js";
import { CP_FEATURES } from "./bocpd.js";
import { baseColumnsOf, baseRows, ChangePointModel, currentBar, gridChangePointFeatures, type CpSeries } from "./cp-model.js";
import { changePointParamsSchema, RETURN_PATTERNS, VOLATILITY_PATTERNS, type ChangePointParams } from "./cp-params.js";

/**
 * change_point: Bayesian online change-point detection on a return series and a volatility series
 * of the inputs, per symbol and in time order, and a base model (ridge by default) on each bar's
 * features plus its run-length and change-probability features.
 *
 * Tabular rows carry no time order, so this is a sequence family: the pipeline hands it the
 * bar-major grid of the features with the rows as cells t * S + s (as it does for lstm and
 * transformer), and each row's detection reads its own symbol's `lookback` bars up to t.
 */

export const CHANGE_POINT_FAMILY = "change_point";

/** The inputs the detector runs on: configured names/globs, or the first return-like and volatility-like ones. */
export function chooseSeries(names: readonly string[], p: ChangePointParams): { index: number; volatility: boolean }[] {
  const first = (patterns: readonly string[]) => {
    for (const pat of patterns) {
      const i = names.findIndex((n) => matchesAny(n, [pat]));
      if (i >= 0) return i;
    }
    return -1;
  };
  const isVol = (n: string) => matchesAny(n, VOLATILITY_PATTERNS);
  if (p.series !== "auto") {
    const idx = names.map((n, i) => (matchesAny(n, p.series as string[]) ? i : -1)).filter((i) => i >= 0);
    if (idx.length === 0) throw new InputError(`${CHANGE_POINT_FAMILY}: no input feature matches series [${(p.series as string[]).join(", ")}]`, `inputs: ${names.slice(0, 20).join(", ")}${names.length > 20 ? ", ..." : ""}`);
    return idx.map((i) => ({ index: i, volatility: isVol(names[i]) }));
  }
  const ret = first(RETURN_PATTERNS);
  const vol = first(VOLATILITY_PATTERNS);
  const out = [ret, vol].filter((i) => i >= 0).map((i) => ({ index: i, volatility: isVol(names[i]) }));
  return out.length > 0 ? out : [{ index: 0, volatility: false }];
}

/** Standardization of each series on the training rows' own bars (volatility series logged when positive). */
function seriesSpecs(train: SequenceData, chosen: { index: number; volatility: boolean }[]): CpSeries[] {
  const { nFeatures: F, values, featureNames } = train.grid;
  return chosen.map(({ index, volatility }) => {
    let positive = true;
    for (const c of train.rows) {
      const v = values[c * F + index];
      if (v === v && !(v > 0)) positive = false;
    }
    const log = volatility && positive;
    let n = 0;
    let m = 0;
    let ss = 0;
    for (const c of train.rows) {
      let v = values[c * F + index];
      if (v !== v) continue;
      if (log) v = Math.log(v);
      n++;
      const d = v - m;
      m += d / n;
      ss += d * (v - m);
    }
    const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
    return { feature: featureNames[index], index, log, shift: n > 0 ? m : 0, scale: sd > 0 ? sd : 1 };
  });
}

function baseData(data: SequenceData, series: CpSeries[], p: ChangePointParams, names: string[]): TabularData {
  const n = data.rows.length;
  const F = data.grid.nFeatures;
  const C = CP_FEATURES.length * series.length;
  const cp = gridChangePointFeatures(data, series, p);
  return { nRows: n, nFeatures: names.length, featureNames: names, X: baseRows(currentBar(data), n, F, cp, C, p.interactions), y: data.y, weight: data.weight };
}

async function fitChangePoint(train: TabularData | SequenceData, p: ChangePointParams, ctx: FitContext, valid?: TabularData | SequenceData): Promise<ChangePointModel> {
  if (!isSequenceData(train) || (valid !== undefined && !isSequenceData(valid))) {
    throw new InputError(
      `${CHANGE_POINT_FAMILY} reads each symbol's bars in time order: it needs sequence data (a feature grid and row cells), not tabular rows`,
      "train it through the pipeline (it is a sequence family, like lstm), or pass { grid, rows, y }",
    );
  }
  checkSequenceData(train, `${CHANGE_POINT_FAMILY} training data`);
  if (valid) checkSequenceData(valid, `${CHANGE_POINT_FAMILY} validation data`);
  if (p.objective === "binary") {
    train.y.forEach((v, i) => {
      if (v !== 0 && v !== 1) throw new InputError(`${CHANGE_POINT_FAMILY} training data: label at row ${i} is ${v}`, "binary labels are 0 or 1");
    });
  }
  const base = baseParams(CHANGE_POINT_FAMILY, p);
  const featureNames = [...train.grid.featureNames];
  const series = seriesSpecs(train, chooseSeries(featureNames, p));
  ctx.log?.debug({ family: CHANGE_POINT_FAMILY, series: series.map((s) => s.feature) }, "change_point: series");
  const columns = baseColumnsOf(featureNames, series, p.interactions);
  const tr = baseData(train, series, p, columns);
  const va = valid ? baseData(valid, series, p, columns) : undefined;
  const model = await fitBase(base, tr, ctx, va);
  return new ChangePointModel({ family: CHANGE_POINT_FAMILY, task: p.objective, featureNames, params: p, series, baseColumns: columns }, model, { family: base.name, model: model.toJSON() });
}

/** A Family whose fit takes SequenceData (a sequence family). */
export interface ChangePointFamily extends Omit<Family<ChangePointParams>, "fit" | "load"> {
  fit(train: TabularData | SequenceData, params: ChangePointParams, ctx: FitContext, valid?: TabularData | SequenceData): Promise<ChangePointModel>;
  load(json: unknown): ChangePointModel;
}

export const changePointFamily: ChangePointFamily = {
  name: CHANGE_POINT_FAMILY,
  kind: "sequence",
  tasks: ["regression", "binary"],
  paramsSchema: changePointParamsSchema,
  fit: fitChangePoint,
  load: (json: unknown) => loadAs(CHANGE_POINT_FAMILY, ChangePointModel.fromJSON, json),
};
