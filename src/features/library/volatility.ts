import type { SymbolFrame } from "../frame.js";
import { col, logRatio, logRet, map, positiveRatio, rollAutocorr1, rollKurt, rollMean, rollSkew, rollStd, sqrtFloor0, zip } from "../series.js";
import type { TimeSeriesFeatureSpec } from "../spec.js";
import { timeSeries } from "./define.js";

export const VOL_CC_WINDOWS = [5, 10, 20, 60] as const;
export const VOL_RANGE_WINDOWS = [10, 20, 60] as const;
export const MOMENT_WINDOWS = [20, 60] as const;

const LN2 = Math.LN2;
const ret1 = (f: SymbolFrame) => logRet(f, col(f, "close"), 1);
/** ln(high / low) of each bar. */
const logHL = (f: SymbolFrame) => logRatio(f, col(f, "high"), col(f, "low"));

/** Squared log high/low range over 4 ln 2: Parkinson's per-bar variance estimate. */
function parkinsonVar(f: SymbolFrame) {
  return map(f, logHL(f), "pkvar", (v) => (v * v) / (4 * LN2));
}

/** Garman-Klass per-bar variance: 0.5 ln(H/L)^2 - (2 ln 2 - 1) ln(C/O)^2. */
function garmanKlassVar(f: SymbolFrame) {
  const co = logRatio(f, col(f, "close"), col(f, "open"));
  return zip(f, logHL(f), co, "gkvar", (hl, oc) => 0.5 * hl * hl - (2 * LN2 - 1) * oc * oc);
}


/** Close-to-close, Parkinson and Garman-Klass volatility; rolling skew, kurtosis and autocorrelation of returns. */
export function volatilityFeatures(): TimeSeriesFeatureSpec[] {
  const specs: TimeSeriesFeatureSpec[] = [];
  for (const W of VOL_CC_WINDOWS) {
    specs.push(
      timeSeries({
        name: `vol_cc_${W}`,
        family: "vol_cc",
        inputs: ["close"],
        lookback: W + 1,
        description: `close-to-close volatility: sample standard deviation of the last ${W} one-bar log returns (per bar, not annualized)`,
        series: (f) => rollStd(f, ret1(f), W),
      }),
    );
  }
  for (const W of VOL_RANGE_WINDOWS) {
    specs.push(
      timeSeries({
        name: `vol_pk_${W}`,
        family: "vol_pk",
        inputs: ["high", "low"],
        lookback: W,
        description: `Parkinson volatility over ${W} bars: sqrt(mean(ln(high/low)^2) / (4 ln 2))`,
        series: (f) => sqrtFloor0(f, rollMean(f, parkinsonVar(f), W)),
      }),
      timeSeries({
        name: `vol_gk_${W}`,
        family: "vol_gk",
        inputs: ["open", "high", "low", "close"],
        lookback: W,
        description: `Garman-Klass volatility over ${W} bars: sqrt(mean(0.5 ln(H/L)^2 - (2 ln 2 - 1) ln(C/O)^2)), floored at 0`,
        series: (f) => sqrtFloor0(f, rollMean(f, garmanKlassVar(f), W)),
      }),
    );
  }
  specs.push(
    timeSeries({
      name: "vol_ratio_5_60",
      family: "vol_ratio",
      inputs: ["close"],
      lookback: 61,
      description: "ratio of 5-bar to 60-bar close-to-close volatility (volatility regime change)",
      series: (f) => positiveRatio(f, rollStd(f, ret1(f), 5), rollStd(f, ret1(f), 60)),
    }),
  );
  for (const W of MOMENT_WINDOWS) {
    specs.push(
      timeSeries({
        name: `skew_${W}`,
        family: "skew",
        inputs: ["close"],
        lookback: W + 1,
        description: `bias-corrected skewness of the last ${W} one-bar log returns (as pandas rolling skew)`,
        series: (f) => rollSkew(f, ret1(f), W),
      }),
      timeSeries({
        name: `kurt_${W}`,
        family: "kurt",
        inputs: ["close"],
        lookback: W + 1,
        description: `bias-corrected excess kurtosis of the last ${W} one-bar log returns (as pandas rolling kurt)`,
        series: (f) => rollKurt(f, ret1(f), W),
      }),
      timeSeries({
        name: `acf1_${W}`,
        family: "acf1",
        inputs: ["close"],
        lookback: W + 2,
        description: `lag-1 autocorrelation of one-bar log returns: Pearson correlation of ret[t-k] with ret[t-k-1] over ${W} pairs`,
        series: (f) => rollAutocorr1(f, ret1(f), W),
      }),
    );
  }
  return specs;
}
