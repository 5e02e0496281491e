/**
 * What a live loop must feed a model: the symbols, bar size and price columns of the data it was
 * trained on, from the run's data report (data/inspect.json). Cross-sectional features rank across
 * the training universe and rolling windows count bars of the training interval, so a live loop
 * on other symbols or another bar size would feed the model features it never saw.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { InspectReport } from "../../data/inspect.js";
import { STANDARD_COLUMNS, type IntervalInfo } from "../../data/types.js";
import { parseNaiveTimezone } from "../../data/timestamps.js";
import { InputError } from "../../util/errors.js";
import { barsPerYear } from "../../validation/metrics/annualization.js";
import type { TradingModel } from "./load.js";

export interface TrainedUniverse {
  symbols: string[];
  interval: IntervalInfo;
  /** Standard price columns that held values in training (the live bars must carry them). */
  columns: string[];
  /** Minutes east of UTC of offset-less timestamps (the run's pipeline.data.naive_timezone). */
  naiveOffsetMinutes: number;
  /** Bars per year of the training data: a live loop's annualization (volatility forecasts), the same at every restart. */
  barsPerYear: number;
}

export function trainedUniverse(model: Pick<TradingModel, "runDir" | "config">): TrainedUniverse {
  const path = join(model.runDir, "data", "inspect.json");
  if (!existsSync(path)) throw new InputError(`${path} does not exist: the run does not say what data its model was trained on`, "retrain with this version of foxml");
  let r: InspectReport;
  try {
    r = JSON.parse(readFileSync(path, "utf8")) as InspectReport;
  } catch (e) {
    throw new InputError(`${path}: not readable JSON (${(e as Error).message})`);
  }
  if (r.interval === "irregular") throw new InputError(`${path}: the model was trained on irregular (tick) data; the live loop trades bar models`, "train on bars, or resample ticks (pipeline.data.resample)");
  const symbols = r.perSymbol.map((s) => s.symbol).sort();
  const columns = STANDARD_COLUMNS.filter((c) => r.columns.some((k) => k.name === c && k.nonNull > 0));
  return {
    symbols,
    interval: { interval: r.interval, medianSpacingMs: r.intervalDetail.medianSpacingMs, explicit: r.intervalSource === "config" },
    columns,
    naiveOffsetMinutes: parseNaiveTimezone(model.config.pipeline.data.naive_timezone),
    barsPerYear: barsPerYear([Date.parse(r.start), Date.parse(r.end)]) * Math.max(1, (r.panel?.T ?? 2) - 1),
  };
}
