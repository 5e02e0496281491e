import { Ranker } from "./rank.js";
import type { StrategyConfig } from "./schema.js";
import { timeSeriesStrategy } from "./time-series.js";

/**
 * Signals -> target weights for one rebalance: the cross-sectional strategies here, the time-series
 * ones (sign, vol_scaled) in time-series.ts. Weights are fractions of equity at the close of the
 * rebalance bar (positive long, negative short; the rest is cash at a zero rate).
 *
 * Ranking ties are broken by symbol order exactly as in validation's longShortSeries (ascending by
 * prediction, then by symbol index; the top of the ranking is its end), so the two agree name for
 * name and a rerun picks the same names.
 */

/** One cross-section as a strategy sees it; rows are already offset to the bar in question. */
export interface CrossSection {
  S: number;
  /** Prediction grid and the start of the row used (the decision bar, t - delay). */
  signal: ArrayLike<number>;
  signalRow: number;
  /** Tradable mask and the start of the row of the trading bar t. */
  tradable: Uint8Array;
  tradableRow: number;
  /** Annualized volatility forecast per symbol at the trading bar (index s), for strategies with a volWindow. */
  vol?: ArrayLike<number>;
}

export interface WeightingStrategy {
  /**
   * Writes target weights for every symbol into `target`, given the current book (weights after
   * drift, delisted names already removed). Untradable symbols must keep their book weight.
   * Returns false (target untouched) when fewer than `minSymbols` tradable symbols have a prediction:
   * the book is then held as it is.
   */
  rebalance(cs: CrossSection, book: Float64Array, target: Float64Array): boolean;
  /** Short human description, for the report. */
  readonly description: string;
  /** Past one-bar returns its volatility forecast reads (cs.vol); 0 when it reads none. */
  readonly volWindow: number;
}

/** True for the strategies that rank symbols against each other (they need a cross-section). */
export function isCrossSectional(config: StrategyConfig): boolean {
  return config.kind === "long_short" || config.kind === "top_k" || config.kind === "topk_dropout";
}

/** Builds the strategy for S symbols with preallocated scratch space (no allocation per rebalance). */
export function makeStrategy(config: StrategyConfig, S: number, minSymbols: number): WeightingStrategy {
  switch (config.kind) {
    case "long_short":
      return longShort(config.quantile, config.weighting, S, minSymbols);
    case "top_k":
      return topK(config.top_k, S, minSymbols);
    case "topk_dropout":
      return topkDropout(config.top_k, config.n_drop, S, minSymbols);
    case "sign":
    case "vol_scaled":
      return timeSeriesStrategy(config, S);
  }
}

/** Scratch space of a ranking over S symbols. */
interface RankScratch {
  vals: Float64Array;
  order: Int32Array;
  keys: Float64Array;
  ranker: Ranker;
}

const rankScratch = (S: number): RankScratch => ({ vals: new Float64Array(S), order: new Int32Array(S), keys: new Float64Array(S), ranker: new Ranker(S) });

/**
 * Eligible = tradable with a finite prediction. Fills `order` with them sorted ascending by
 * (prediction, symbol index) and returns their count; `vals` receives every symbol's prediction.
 */
function rankEligible(cs: CrossSection, k: RankScratch): number {
  const { vals, order, keys } = k;
  let n = 0;
  for (let s = 0; s < cs.S; s++) {
    const p = cs.signal[cs.signalRow + s];
    vals[s] = p;
    if (cs.tradable[cs.tradableRow + s] && Number.isFinite(p)) {
      keys[n] = p;
      order[n++] = s;
    }
  }
  k.ranker.sort(keys, order, n);
  return n;
}

/** Untradable symbols keep their book weight; tradable ones start from zero. */
function resetTradable(cs: CrossSection, book: Float64Array, target: Float64Array): void {
  for (let s = 0; s < cs.S; s++) target[s] = cs.tradable[cs.tradableRow + s] ? 0 : book[s];
}

function longShort(quantile: number, weighting: "equal" | "signal", S: number, minSymbols: number): WeightingStrategy {
  const scratch = rankScratch(S);
  const { vals, order } = scratch;
  return {
    description: `long-short ${quantile} quantiles, ${weighting}-weighted, dollar neutral, gross 1`,
    volWindow: 0,
    rebalance(cs, book, target) {
      const n = rankEligible(cs, scratch);
      if (n < minSymbols) return false;
      const k = Math.max(1, Math.floor(n * quantile));
      resetTradable(cs, book, target);
      if (weighting === "equal") {
        for (let i = 0; i < k; i++) {
          target[order[i]] = -0.5 / k;
          target[order[n - 1 - i]] = 0.5 / k;
        }
        return true;
      }
      // signal weights: distance from the median; with k <= n/2 the top leg sits at or above it and the bottom leg at or below
      const mid = n >> 1;
      const median = n % 2 === 1 ? vals[order[mid]] : 0.5 * (vals[order[mid - 1]] + vals[order[mid]]);
      let up = 0;
      let down = 0;
      for (let i = 0; i < k; i++) {
        down += median - vals[order[i]];
        up += vals[order[n - 1 - i]] - median;
      }
      for (let i = 0; i < k; i++) {
        const lo = order[i];
        const hi = order[n - 1 - i];
        target[lo] = down > 0 ? (-0.5 * (median - vals[lo])) / down : -0.5 / k;
        target[hi] = up > 0 ? (0.5 * (vals[hi] - median)) / up : 0.5 / k;
      }
      return true;
    },
  };
}

function topK(K: number, S: number, minSymbols: number): WeightingStrategy {
  const scratch = rankScratch(S);
  const { order } = scratch;
  return {
    description: `long-only top ${K} at 1/${K} each, fully rebalanced`,
    volWindow: 0,
    rebalance(cs, book, target) {
      const n = rankEligible(cs, scratch);
      if (n < minSymbols) return false;
      resetTradable(cs, book, target);
      const m = Math.min(K, n);
      for (let i = 0; i < m; i++) target[order[n - 1 - i]] += 1 / K;
      return true;
    },
  };
}

/**
 * Qlib's TopkDropout: hold K names. Each rebalance ranks the held names together with the
 * n_drop + (K - held) best-ranked names not held; held names that fall in the bottom n_drop of
 * that combined ranking are sold (only if tradable), and as many of the best new names are bought
 * as there are free slots. A held name is therefore sold only when a better-ranked replacement
 * exists, and at most n_drop names are sold per rebalance. Held names without a prediction rank
 * last. Kept names are not resized (that is the point: turnover comes only from replacements);
 * each bought name gets an equal share of the cash, cash / free slots.
 */
function topkDropout(K: number, nDrop: number, S: number, minSymbols: number): WeightingStrategy {
  const scratch = rankScratch(S);
  const { vals, order } = scratch;
  const comb = new Int32Array(S);
  const score = new Float64Array(S);
  const sell = new Uint8Array(S);
  return {
    description: `TopkDropout: hold ${K}, replace at most ${nDrop} per rebalance`,
    volWindow: 0,
    rebalance(cs, book, target) {
      const n = rankEligible(cs, scratch);
      if (n < minSymbols) return false;
      let held = 0;
      let nComb = 0;
      for (let s = 0; s < cs.S; s++) {
        target[s] = book[s];
        sell[s] = 0;
        if (book[s] !== 0) {
          held++;
          const p = cs.signal[cs.signalRow + s];
          score[s] = Number.isFinite(p) ? p : -Infinity;
          comb[nComb++] = s;
        }
      }
      const wanted = nDrop + K - held;
      for (let i = n - 1, taken = 0; i >= 0 && taken < wanted; i--) {
        const s = order[i];
        if (book[s] !== 0) continue;
        score[s] = vals[s];
        comb[nComb++] = s;
        taken++;
      }
      // combined ranking, best first (ties: higher symbol index first, as in the ascending order's end)
      const view = comb.subarray(0, nComb);
      view.sort((a, b) => score[b] - score[a] || b - a);
      let sold = 0;
      let cash = 1;
      for (let i = Math.max(0, nComb - nDrop); i < nComb; i++) {
        const s = view[i];
        if (book[s] !== 0 && cs.tradable[cs.tradableRow + s]) {
          sell[s] = 1;
          sold++;
        }
      }
      for (let s = 0; s < cs.S; s++) {
        if (sell[s]) target[s] = 0;
        cash -= target[s];
      }
      const slots = K - (held - sold);
      if (slots <= 0) return true;
      const w = Math.max(cash, 0) / slots;
      for (let i = n - 1, bought = 0; i >= 0 && bought < slots; i--) {
        const s = order[i];
        if (book[s] !== 0) continue;
        target[s] = w;
        bought++;
      }
      return true;
    },
  };
}
