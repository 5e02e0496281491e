import { col, logRet, rollStd, scale, shift, zip } from "../series.js";
import type { SymbolFrame } from "../frame.js";
import type { TimeSeriesFeatureSpec } from "../spec.js";
import { timeSeries } from "./define.js";

export const RETURN_LAGS = [1, 2, 3, 4, 5, 10, 20] as const;
export const MOMENTUM_WINDOWS = [5, 10, 20, 60, 120, 252] as const;
export const REVERSAL_WINDOWS = [1, 5, 10] as const;
/** Volatility window that scales the reversal signals. */
const REVERSAL_VOL_WINDOW = 60;

const ret1 = (f: SymbolFrame) => logRet(f, col(f, "close"), 1);

/** Log returns now and at many lags, momentum over several windows, 12-1 momentum, vol-scaled reversal. */
export function returnFeatures(): TimeSeriesFeatureSpec[] {
  const specs: TimeSeriesFeatureSpec[] = [
    timeSeries({
      name: "ret_1",
      family: "ret",
      inputs: ["close"],
      lookback: 2,
      description: "log return of the last bar, ln(close[t] / close[t-1])",
      series: ret1,
    }),
  ];
  for (const k of RETURN_LAGS) {
    specs.push(
      timeSeries({
        name: `ret_lag_${k}`,
        family: "ret_lag",
        inputs: ["close"],
        lookback: 2,
        lag: k,
        description: `one-bar log return ${k} bar(s) ago, ln(close[t-${k}] / close[t-${k + 1}])`,
        series: (f) => shift(f, ret1(f), k),
      }),
    );
  }
  for (const W of MOMENTUM_WINDOWS) {
    specs.push(
      timeSeries({
        name: `mom_${W}`,
        family: "mom",
        inputs: ["close"],
        lookback: W + 1,
        description: `log return over the last ${W} bars, ln(close[t] / close[t-${W}])`,
        series: (f) => logRet(f, col(f, "close"), W),
      }),
    );
  }
  specs.push(
    timeSeries({
      name: "mom_252_21",
      family: "mom",
      inputs: ["close"],
      lookback: 232,
      lag: 21,
      description: "12-1 momentum: log return from 252 to 21 bars ago, skipping the last month's reversal",
      series: (f) => shift(f, logRet(f, col(f, "close"), 231), 21),
    }),
  );
  for (const W of REVERSAL_WINDOWS) {
    specs.push(
      timeSeries({
        name: `rev_${W}`,
        family: "rev",
        inputs: ["close"],
        lookback: Math.max(W, REVERSAL_VOL_WINDOW) + 1,
        description: `short-term reversal: minus the ${W}-bar log return over its expected size (${REVERSAL_VOL_WINDOW}-bar return volatility x sqrt(${W}))`,
        series: (f) => {
          const r = logRet(f, col(f, "close"), W);
          const vol = rollStd(f, ret1(f), REVERSAL_VOL_WINDOW);
          const scaled = scale(f, vol, Math.sqrt(W));
          return zip(f, r, scaled, "negdiv", (a, b) => (b > 0 ? -a / b : NaN));
        },
      }),
    );
  }
  return specs;
}
