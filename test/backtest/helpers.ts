import { backtestSchema, type BacktestConfig, type BacktestConfigInput } from "../../src/backtest/index.js";
import { rng } from "../../src/util/random.js";

/** A parsed configuration with defaults, from a partial input. */
export const cfg = (input: BacktestConfigInput = {}): BacktestConfig => backtestSchema.parse(input);

/** A time-major grid from rows. */
export const grid = (rows: number[][]): Float64Array => Float64Array.from(rows.flat());

/** Random one-bar returns (the last bar NaN, as a forward grid must be) and a noisy signal correlated with them. */
export function randomMarket(seed: number, T: number, S: number, opts: { nanShare?: number; ic?: number } = {}): { returns: Float64Array; signal: Float64Array } {
  const r = rng(seed);
  const returns = new Float64Array(T * S);
  const signal = new Float64Array(T * S);
  for (let i = 0; i < T * S; i++) {
    returns[i] = r.normal(0, 0.02);
    signal[i] = (opts.ic ?? 0) * returns[i] / 0.02 + r.normal();
  }
  for (let s = 0; s < S; s++) returns[(T - 1) * S + s] = NaN;
  const nanShare = opts.nanShare ?? 0;
  if (nanShare > 0) {
    for (let i = 0; i < T * S; i++) {
      if (r.uniform() < nanShare) signal[i] = NaN;
      if (r.uniform() < nanShare) returns[i] = NaN;
    }
  }
  return { returns, signal };
}

/** Row t of a T x S grid as a plain array. */
export const row = (g: ArrayLike<number>, t: number, S: number): number[] => Array.from({ length: S }, (_, s) => g[t * S + s]);
