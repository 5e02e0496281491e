/** The bars a model trades on, read and checked with the run's own data settings (path replaced). */
import { inspectData, type Inspection } from "../../data/inspect.js";
import type { TradingModel } from "./load.js";

export async function tradingData(model: Pick<TradingModel, "config">, path: string, baseDir: string): Promise<Inspection> {
  return inspectData({ ...model.config.pipeline.data, path, symbols: model.config.pipeline.data.symbols }, { baseDir });
}
