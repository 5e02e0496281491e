import { InputError } from "../util/errors.js";
import type { BacktestInputs } from "./inputs.js";
import type { BenchmarkConfig } from "./schema.js";

/** A benchmark as one-bar forward returns of length T, with the timing of the backtest's returns. */
export interface Benchmark {
  name: string;
  returns: Float64Array;
}

/**
 * The benchmark of a backtest. A series given with the inputs wins over the configuration (the
 * caller chose it explicitly). "equal_weight" is the equal-weighted market of the tradable symbols,
 * rebalanced every bar: the mean one-bar return of the symbols tradable at t with a known return
 * (the same index as targets' equalWeightMarket, on the forward timing). "none" gives null.
 */
export function resolveBenchmark(inp: BacktestInputs, tradable: Uint8Array, config: BenchmarkConfig, configKey = "benchmark"): Benchmark | null {
  const { T, S, returns } = inp;
  if (inp.benchmarkReturns !== undefined) return { name: inp.benchmarkReturns.name, returns: Float64Array.from(inp.benchmarkReturns.returns) };
  if (config === "none") return null;
  if (config === "equal_weight") {
    const out = new Float64Array(T).fill(NaN);
    for (let t = 0; t < T; t++) {
      let sum = 0;
      let n = 0;
      for (let s = 0; s < S; s++) {
        const r = returns[t * S + s];
        if (tradable[t * S + s] && r === r) {
          sum += r;
          n++;
        }
      }
      if (n > 0) out[t] = sum / n;
    }
    return { name: "equal_weight", returns: out };
  }
  const index = inp.symbols?.indexOf(config.symbol) ?? -1;
  if (index < 0) {
    const known = inp.symbols ? `; the data has ${inp.symbols.length} symbols (${inp.symbols.slice(0, 8).join(", ")}${inp.symbols.length > 8 ? ", ..." : ""})` : "";
    throw new InputError(`${configKey}.symbol: benchmark symbol "${config.symbol}" is not in the data${known}`, 'name a symbol of the data, or use "equal_weight" or "none"');
  }
  const out = new Float64Array(T);
  for (let t = 0; t < T; t++) out[t] = returns[t * S + index];
  return { name: config.symbol, returns: out };
}
