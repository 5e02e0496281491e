/** The bars a model trades on, read and checked with the run's own data settings (path replaced). */
import { inspectData, requirePanel, type BarInspection } from "../../data/inspect.js";
import type { TradingModel } from "./load.js";

export async function tradingData(model: Pick<TradingModel, "config">, path: string, baseDir: string): Promise<BarInspection> {
  return requirePanel(await inspectData({ ...model.config.pipeline.data, path, symbols: model.config.pipeline.data.symbols }, { baseDir }));
}
