import { isPrice } from "../targets/kernels/returns.js";

/**
 * What a backtest reads, as dense time-major grids (index t * S + s) like the Panel's columns.
 *
 * Timing convention: row t is decided at the close of bar t. `signal[t]` may use information up
 * to that close; `returns[t]` is the simple return from the close of t to the close of t + 1, the
 * return a position held over bar t earns. The engine chooses the weights of bar t from signals
 * of bars <= t and tradability of bar t only, and multiplies them with returns[t]: a weight can
 * never see the return it earns.
 */
export interface BacktestInputs {
  T: number;
  S: number;
  /** Predictions; NaN = no prediction (the symbol is not bought or shorted on it). */
  signal: ArrayLike<number>;
  /** One-bar forward simple returns close[t] -> close[t+1]; NaN = unknown (a held position earns 0). */
  returns: ArrayLike<number>;
  /**
   * 1 where the symbol can be traded at the close of t. Default: where returns[t] is finite. That
   * default also reads whether the next close exists (it cannot read its value): a symbol is not
   * bought on its last bar before a gap or a delisting. To decide from bar t alone, pass
   * returnsFromClose's mask, which marks tradable where a close exists.
   */
  tradable?: ArrayLike<number>;
  /** Bar timestamps (epoch ms, increasing), length T: for dates in the report and bars per year. */
  times?: ArrayLike<number>;
  /** Symbol names, length S: to resolve a {symbol} benchmark and name things in messages. */
  symbols?: readonly string[];
  /**
   * Half the relative bid-ask spread at the close of t (T x S, a fraction): the cost of crossing
   * half the spread per unit of notional traded in that symbol at t, charged on top of the flat
   * rate unless the configuration's spread_cost is off. NaN or absent = no spread cost.
   */
  halfSpread?: ArrayLike<number>;
  /** A benchmark given directly: one-bar forward returns of length T (same timing as `returns`). */
  benchmarkReturns?: { name: string; returns: ArrayLike<number> };
}

/** Throws when a grid or series has the wrong length or impossible values; these are programming errors. */
export function checkInputs(inp: BacktestInputs): void {
  const { T, S } = inp;
  if (!Number.isInteger(T) || !Number.isInteger(S) || T < 2 || S < 1) throw new Error(`backtest: need T >= 2 bars and S >= 1 symbols, got T=${T}, S=${S}`);
  const n = T * S;
  const grids: [string, ArrayLike<number> | undefined][] = [
    ["signal", inp.signal],
    ["returns", inp.returns],
    ["tradable", inp.tradable],
    ["halfSpread", inp.halfSpread],
  ];
  for (const [name, g] of grids) {
    if (g !== undefined && g.length !== n) throw new Error(`backtest: ${name} grid must have T*S = ${n} values, got ${g.length}`);
  }
  if (inp.times !== undefined) {
    if (inp.times.length !== T) throw new Error(`backtest: times must have T = ${T} values, got ${inp.times.length}`);
    for (let t = 1; t < T; t++) {
      if (!(inp.times[t] > inp.times[t - 1])) throw new Error(`backtest: times must be strictly increasing (bar ${t})`);
    }
  }
  if (inp.symbols !== undefined && inp.symbols.length !== S) throw new Error(`backtest: symbols must have S = ${S} names, got ${inp.symbols.length}`);
  if (inp.benchmarkReturns !== undefined && inp.benchmarkReturns.returns.length !== T) {
    throw new Error(`backtest: benchmark "${inp.benchmarkReturns.name}" must have T = ${T} returns, got ${inp.benchmarkReturns.returns.length}`);
  }
  const r = inp.returns;
  for (let i = 0; i < n; i++) {
    // a simple return below -100% (or an infinite one) cannot come from prices
    if (r[i] < -1 || r[i] === Infinity) {
      const t = Math.floor(i / S);
      const s = i - t * S;
      throw new Error(`backtest: return ${r[i]} at bar ${t}, symbol ${inp.symbols?.[s] ?? s} is not a simple return of positive prices`);
    }
  }
}

/**
 * Half the relative spread grid from a panel's rel_spread grid (mean (ask - bid) / mid per bar):
 * a bar without quotes takes its symbol's last known spread (known at that close, so no
 * look-ahead); before the first quote the cost is unknown (NaN, charged as 0).
 */
export function halfSpreadFromRelative(relSpread: ArrayLike<number>, T: number, S: number): Float64Array {
  const out = new Float64Array(T * S).fill(NaN);
  for (let s = 0; s < S; s++) {
    let last = NaN;
    for (let t = 0; t < T; t++) {
      const v = relSpread[t * S + s];
      if (v === v && v >= 0) last = v / 2;
      out[t * S + s] = last;
    }
  }
  return out;
}

/** The tradable mask: the caller's, or finite returns. Uint8Array of length T * S. */
export function tradableMask(inp: BacktestInputs): Uint8Array {
  const n = inp.T * inp.S;
  const out = new Uint8Array(n);
  const src = inp.tradable;
  if (src !== undefined) {
    for (let i = 0; i < n; i++) out[i] = src[i] ? 1 : 0;
  } else {
    const r = inp.returns;
    for (let i = 0; i < n; i++) out[i] = Number.isFinite(r[i]) ? 1 : 0;
  }
  return out;
}

/**
 * One-bar forward returns and the tradable mask from a close-price grid, for data with gaps.
 * A symbol is tradable at t when it has a usable close at t. A position held into a gap keeps its
 * last price until the symbol trades again; the whole move over the gap is booked on the last bar
 * before it reappears (when it first becomes known), so positions frozen by the gap earn exactly
 * close[reappear] / close[last] - 1. After a symbol's last close its returns stay NaN.
 */
export function returnsFromClose(close: ArrayLike<number>, T: number, S: number): { returns: Float64Array; tradable: Uint8Array } {
  if (close.length !== T * S) throw new Error(`returnsFromClose: close grid must have T*S = ${T * S} values, got ${close.length}`);
  const returns = new Float64Array(T * S).fill(NaN);
  const tradable = new Uint8Array(T * S);
  for (let s = 0; s < S; s++) {
    let last = -1;
    for (let t = 0; t < T; t++) {
      const c = close[t * S + s];
      if (!isPrice(c)) continue;
      tradable[t * S + s] = 1;
      if (last >= 0) {
        for (let u = last; u < t - 1; u++) returns[u * S + s] = 0;
        returns[(t - 1) * S + s] = c / close[last * S + s] - 1;
      }
      last = t;
    }
  }
  return { returns, tradable };
}
