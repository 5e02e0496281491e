import type { Series, SymbolFrame } from "../frame.js";
import { col, difference, ewm, ewmLookback, map, ratio, relative, rollMax, rollMean, rollMin, rollStd, scale, zip } from "../series.js";
import type { TimeSeriesFeatureSpec } from "../spec.js";
import { timeSeries } from "./define.js";

export const SMA_WINDOWS = [5, 10, 20, 50, 200] as const;
export const EMA_SPANS = [12, 26] as const;
export const RSI_PERIODS = [7, 14, 21] as const;
export const ATR_PERIODS = [7, 14] as const;
export const DRAWDOWN_WINDOWS = [20, 60, 252] as const;
const MACD = { fast: 12, slow: 26, signal: 9 } as const;
const BOLLINGER = { window: 20, width: 2 } as const;
const STOCH = { window: 14, smooth: 3 } as const;

const close = (f: SymbolFrame) => col(f, "close");
const relTo = relative;
const divBy = ratio;
const emaAlpha = (span: number) => 2 / (span + 1);

/** Close-to-close change split into gains and losses (Wilder's RSI inputs). */
function gains(f: SymbolFrame): Series {
  const c = close(f);
  return f.series(`gain(${c.key})`, (out) => {
    for (let i = 0; i < f.n; i++) {
      const d = i > 0 ? c.v[i] - c.v[i - 1] : NaN;
      out[i] = d > 0 ? d : d === d ? 0 : NaN;
    }
  });
}
function losses(f: SymbolFrame): Series {
  const c = close(f);
  return f.series(`loss(${c.key})`, (out) => {
    for (let i = 0; i < f.n; i++) {
      const d = i > 0 ? c.v[i - 1] - c.v[i] : NaN;
      out[i] = d > 0 ? d : d === d ? 0 : NaN;
    }
  });
}

/** Wilder's RSI on truncated Wilder averages: 100 G / (G + L); 50 when the window did not move. */
function rsi(f: SymbolFrame, n: number, tail: number): Series {
  const g = ewm(f, gains(f), 1 / n, tail);
  const l = ewm(f, losses(f), 1 / n, tail);
  return zip(f, g, l, "rsi", (a, b) => (a + b > 0 ? (100 * a) / (a + b) : a === a && b === b ? 50 : NaN));
}

/** True range: max(high, previous close) - min(low, previous close). */
function trueRange(f: SymbolFrame): Series {
  const h = col(f, "high");
  const l = col(f, "low");
  const c = close(f);
  return f.series(`tr(${h.key},${l.key},${c.key})`, (out) => {
    out[0] = NaN;
    for (let i = 1; i < f.n; i++) {
      const pc = c.v[i - 1];
      const hi = h.v[i];
      const lo = l.v[i];
      // Math.max/min would let a missing previous close pass silently; NaN must propagate.
      out[i] = pc === pc && hi === hi && lo === lo ? (hi > pc ? hi : pc) - (lo < pc ? lo : pc) : NaN;
    }
  });
}

function macdParts(f: SymbolFrame, tail: number) {
  const c = close(f);
  const line = difference(f, ewm(f, c, emaAlpha(MACD.fast), tail), ewm(f, c, emaAlpha(MACD.slow), tail));
  const signal = ewm(f, line, emaAlpha(MACD.signal), tail);
  return { line, signal };
}

/** Stochastic %K over high/low: 100 (close - lowest low) / (highest high - lowest low); 50 on a flat window. */
function stochK(f: SymbolFrame): Series {
  const hh = rollMax(f, col(f, "high"), STOCH.window);
  const ll = rollMin(f, col(f, "low"), STOCH.window);
  const c = close(f);
  return f.series(`stochk${STOCH.window}(${c.key})`, (out) => {
    for (let i = 0; i < f.n; i++) {
      const range = hh.v[i] - ll.v[i];
      out[i] = range > 0 ? (100 * (c.v[i] - ll.v[i])) / range : range === 0 && c.v[i] === c.v[i] ? 50 : NaN;
    }
  });
}

/** Moving-average distances, RSI, MACD, Bollinger, ATR, stochastic and drawdown features. */
export function technicalFeatures(tail: number): TimeSeriesFeatureSpec[] {
  const specs: TimeSeriesFeatureSpec[] = [];
  for (const W of SMA_WINDOWS) {
    specs.push(
      timeSeries({
        name: `dist_sma_${W}`,
        family: "dist_sma",
        inputs: ["close"],
        lookback: W,
        description: `distance of the close from its ${W}-bar simple moving average, close / SMA - 1`,
        series: (f) => relTo(f, close(f), rollMean(f, close(f), W)),
      }),
    );
  }
  for (const [a, b] of [
    [5, 20],
    [20, 50],
  ] as const) {
    specs.push(
      timeSeries({
        name: `sma_ratio_${a}_${b}`,
        family: "sma_ratio",
        inputs: ["close"],
        lookback: b,
        description: `moving-average crossover: SMA(${a}) / SMA(${b}) - 1 of the close`,
        series: (f) => relTo(f, rollMean(f, close(f), a), rollMean(f, close(f), b)),
      }),
    );
  }
  for (const span of EMA_SPANS) {
    specs.push(
      timeSeries({
        name: `dist_ema_${span}`,
        family: "dist_ema",
        inputs: ["close"],
        lookback: ewmLookback(emaAlpha(span), tail),
        description: `distance of the close from its ${span}-bar EMA (alpha 2/(span+1), truncated), close / EMA - 1`,
        series: (f) => relTo(f, close(f), ewm(f, close(f), emaAlpha(span), tail)),
      }),
    );
  }
  for (const n of RSI_PERIODS) {
    specs.push(
      timeSeries({
        name: `rsi_${n}`,
        family: "rsi",
        inputs: ["close"],
        lookback: ewmLookback(1 / n, tail) + 1,
        description: `Wilder's ${n}-bar RSI (0..100) on truncated Wilder averages of close-to-close gains and losses`,
        series: (f) => rsi(f, n, tail),
      }),
    );
  }
  const macdLine = ewmLookback(emaAlpha(MACD.slow), tail);
  const macdSignal = macdLine + ewmLookback(emaAlpha(MACD.signal), tail) - 1;
  specs.push(
    timeSeries({
      name: "macd",
      family: "macd",
      inputs: ["close"],
      lookback: macdLine,
      description: "MACD line (EMA12 - EMA26 of the close) over the close, so it compares across symbols",
      series: (f) => divBy(f, macdParts(f, tail).line, close(f)),
    }),
    timeSeries({
      name: "macd_signal",
      family: "macd",
      inputs: ["close"],
      lookback: macdSignal,
      description: "MACD signal line (EMA9 of the MACD line) over the close",
      series: (f) => divBy(f, macdParts(f, tail).signal, close(f)),
    }),
    timeSeries({
      name: "macd_hist",
      family: "macd",
      inputs: ["close"],
      lookback: macdSignal,
      description: "MACD histogram (line - signal) over the close",
      series: (f) => {
        const { line, signal } = macdParts(f, tail);
        return divBy(f, difference(f, line, signal), close(f));
      },
    }),
  );
  const bbMid = (f: SymbolFrame) => rollMean(f, close(f), BOLLINGER.window);
  const bbSd = (f: SymbolFrame) => rollStd(f, close(f), BOLLINGER.window, 0);
  specs.push(
    timeSeries({
      name: `bb_pctb_${BOLLINGER.window}`,
      family: "bollinger",
      inputs: ["close"],
      lookback: BOLLINGER.window,
      description: `Bollinger %B (${BOLLINGER.window} bars, ${BOLLINGER.width} population sd): (close - lower) / (upper - lower)`,
      series: (f) => {
        const z = zip(f, relTo(f, close(f), bbMid(f)), divBy(f, bbSd(f), bbMid(f)), "bbz", (r, s) => (s > 0 ? r / s : NaN));
        return map(f, z, "pctb", (v) => 0.5 + v / (2 * BOLLINGER.width));
      },
    }),
    timeSeries({
      name: `bb_width_${BOLLINGER.window}`,
      family: "bollinger",
      inputs: ["close"],
      lookback: BOLLINGER.window,
      description: `Bollinger band width over the middle band: ${2 * BOLLINGER.width} sd / SMA(${BOLLINGER.window})`,
      series: (f) => scale(f, divBy(f, bbSd(f), bbMid(f)), 2 * BOLLINGER.width),
    }),
  );
  for (const n of ATR_PERIODS) {
    specs.push(
      timeSeries({
        name: `natr_${n}`,
        family: "atr",
        inputs: ["high", "low", "close"],
        lookback: ewmLookback(1 / n, tail) + 1,
        description: `normalized ATR: Wilder's ${n}-bar average true range (truncated) over the close`,
        series: (f) => divBy(f, ewm(f, trueRange(f), 1 / n, tail), close(f)),
      }),
    );
  }
  specs.push(
    timeSeries({
      name: `stoch_k_${STOCH.window}`,
      family: "stochastic",
      inputs: ["high", "low", "close"],
      lookback: STOCH.window,
      description: `stochastic %K (0..100) over ${STOCH.window} bars of high/low; 50 when high = low over the window`,
      series: stochK,
    }),
    timeSeries({
      name: `stoch_d_${STOCH.window}`,
      family: "stochastic",
      inputs: ["high", "low", "close"],
      lookback: STOCH.window + STOCH.smooth - 1,
      description: `stochastic %D: ${STOCH.smooth}-bar simple average of %K(${STOCH.window})`,
      series: (f) => rollMean(f, stochK(f), STOCH.smooth),
    }),
  );
  for (const W of DRAWDOWN_WINDOWS) {
    specs.push(
      timeSeries({
        name: `dd_${W}`,
        family: "drawdown",
        inputs: ["close"],
        lookback: W,
        description: `drawdown from the running high of the last ${W} closes, close / max(close) - 1 (<= 0)`,
        series: (f) => relTo(f, close(f), rollMax(f, close(f), W)),
      }),
    );
  }
  specs.push(
    timeSeries({
      name: "range_pos_60",
      family: "drawdown",
      inputs: ["close"],
      lookback: 60,
      description: "position of the close in its 60-bar range of closes, (close - min) / (max - min); 0.5 on a flat window",
      series: (f) => {
        const hi = rollMax(f, close(f), 60);
        const lo = rollMin(f, close(f), 60);
        const c = close(f);
        return f.series(`rangepos60(${c.key})`, (out) => {
          for (let i = 0; i < f.n; i++) {
            const r = hi.v[i] - lo.v[i];
            out[i] = r > 0 ? (c.v[i] - lo.v[i]) / r : r === 0 ? 0.5 : NaN;
          }
        });
      },
    }),
  );
  return specs;
}
