import type { Series, SymbolFrame } from "../frame.js";
import { col, difference, log1p, logRatio, logRet, positiveRatio, product, rollMean, rollStd, zip } from "../series.js";
import type { TimeSeriesFeatureSpec } from "../spec.js";
import { timeSeries } from "./define.js";

export const VOLUME_Z_WINDOWS = [20, 60] as const;

/** log(1 + volume): volume is heavy-tailed and may be 0. */
const logVolume = (f: SymbolFrame) => log1p(f, col(f, "volume"));
const dollarVolume = (f: SymbolFrame) => product(f, col(f, "close"), col(f, "volume"));

/** (x - a) / (b - a) with a fallback for a zero-width interval. */
function position(f: SymbolFrame, x: Series, lo: Series, hi: Series, tag: string, flat: number): Series {
  return f.series(`${tag}(${x.key},${lo.key},${hi.key})`, (out) => {
    for (let i = 0; i < f.n; i++) {
      const r = hi.v[i] - lo.v[i];
      out[i] = r > 0 ? (x.v[i] - lo.v[i]) / r : r === 0 && x.v[i] === x.v[i] ? flat : NaN;
    }
  });
}

/** Volume z-scores, dollar volume, liquidity, and bar range / gap / shadow features. */
export function volumeAndRangeFeatures(): TimeSeriesFeatureSpec[] {
  const specs: TimeSeriesFeatureSpec[] = [];
  for (const W of VOLUME_Z_WINDOWS) {
    specs.push(
      timeSeries({
        name: `volume_z_${W}`,
        family: "volume_z",
        inputs: ["volume"],
        lookback: W,
        description: `z-score of log(1 + volume) against its last ${W} bars (bar t included); NaN when volume did not vary`,
        series: (f) => {
          const lv = logVolume(f);
          return positiveRatio(f, difference(f, lv, rollMean(f, lv, W)), rollStd(f, lv, W));
        },
      }),
    );
  }
  specs.push(
    timeSeries({
      name: "volume_ratio_5_20",
      family: "volume_ratio",
      inputs: ["volume"],
      lookback: 20,
      description: "ln of mean volume over 5 bars over mean volume over 20 bars",
      series: (f) => {
        const v = col(f, "volume");
        return zip(f, rollMean(f, v, 5), rollMean(f, v, 20), "lnratio", (a, b) => (b > 0 && a > 0 ? Math.log(a / b) : NaN));
      },
    }),
    timeSeries({
      name: "dollar_vol",
      family: "dollar_vol",
      inputs: ["close", "volume"],
      lookback: 1,
      description: "ln(1 + close x volume) of bar t",
      series: (f) => log1p(f, dollarVolume(f)),
    }),
    timeSeries({
      name: "dollar_vol_avg_20",
      family: "dollar_vol",
      inputs: ["close", "volume"],
      lookback: 20,
      description: "ln(1 + mean close x volume over the last 20 bars)",
      series: (f) => log1p(f, rollMean(f, dollarVolume(f), 20)),
    }),
    timeSeries({
      name: "amihud_20",
      family: "liquidity",
      inputs: ["close", "volume"],
      lookback: 21,
      description: "Amihud illiquidity: mean over 20 bars of |log return| per million of dollar volume (NaN if a bar traded nothing)",
      series: (f) => {
        const illiq = zip(f, logRet(f, col(f, "close"), 1), dollarVolume(f), "illiq", (r, dv) => (dv > 0 ? (Math.abs(r) * 1e6) / dv : NaN));
        return rollMean(f, illiq, 20);
      },
    }),
    timeSeries({
      name: "range_hl",
      family: "range",
      inputs: ["high", "low"],
      lookback: 1,
      description: "log range of bar t, ln(high / low)",
      series: (f) => logRatio(f, col(f, "high"), col(f, "low")),
    }),
    timeSeries({
      name: "range_hl_avg_20",
      family: "range",
      inputs: ["high", "low"],
      lookback: 20,
      description: "mean log range ln(high / low) over the last 20 bars",
      series: (f) => rollMean(f, logRatio(f, col(f, "high"), col(f, "low")), 20),
    }),
    timeSeries({
      name: "gap",
      family: "range",
      inputs: ["open", "close"],
      lookback: 2,
      description: "opening gap, ln(open[t] / close[t-1])",
      series: (f) => logRatio(f, col(f, "open"), col(f, "close"), 1),
    }),
    timeSeries({
      name: "ret_oc",
      family: "range",
      inputs: ["open", "close"],
      lookback: 1,
      description: "open-to-close log return of bar t, ln(close / open)",
      series: (f) => logRatio(f, col(f, "close"), col(f, "open")),
    }),
    timeSeries({
      name: "close_loc",
      family: "range",
      inputs: ["high", "low", "close"],
      lookback: 1,
      description: "where the close sits in the bar's range, (close - low) / (high - low); 0.5 when high = low",
      series: (f) => position(f, col(f, "close"), col(f, "low"), col(f, "high"), "pos", 0.5),
    }),
    timeSeries({
      name: "shadow_up",
      family: "range",
      inputs: ["open", "high", "low", "close"],
      lookback: 1,
      description: "upper shadow over range, (high - max(open, close)) / (high - low); 0 when high = low",
      series: (f) => {
        const body = zip(f, col(f, "open"), col(f, "close"), "max", (a, b) => (a === a && b === b ? (a > b ? a : b) : NaN));
        const h = col(f, "high");
        const l = col(f, "low");
        return f.series(`shup(${body.key},${h.key},${l.key})`, (out) => {
          for (let i = 0; i < f.n; i++) {
            const r = h.v[i] - l.v[i];
            out[i] = r > 0 ? (h.v[i] - body.v[i]) / r : r === 0 && body.v[i] === body.v[i] ? 0 : NaN;
          }
        });
      },
    }),
    timeSeries({
      name: "shadow_dn",
      family: "range",
      inputs: ["open", "high", "low", "close"],
      lookback: 1,
      description: "lower shadow over range, (min(open, close) - low) / (high - low); 0 when high = low",
      series: (f) => {
        const body = zip(f, col(f, "open"), col(f, "close"), "min", (a, b) => (a === a && b === b ? (a < b ? a : b) : NaN));
        const h = col(f, "high");
        const l = col(f, "low");
        return f.series(`shdn(${body.key},${h.key},${l.key})`, (out) => {
          for (let i = 0; i < f.n; i++) {
            const r = h.v[i] - l.v[i];
            out[i] = r > 0 ? (body.v[i] - l.v[i]) / r : r === 0 && body.v[i] === body.v[i] ? 0 : NaN;
          }
        });
      },
    }),
  );
  return specs;
}
