import type { Rng } from "../../util/random.js";
import type { LeakSpec, SignalSpec } from "./config.js";
import { onsetOf } from "./signal-model.js";
import { roundSignificant, roundTo } from "./rounding.js";

/** Feature values are stored with this many significant digits. */
export const FEATURE_DIGITS = 7;

/** A planted signal's values: independent N(0, 1) per bar, rounded before use so files and returns agree. */
export function drawSignalValues(rng: Rng, n: number): Float64Array {
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) z[i] = roundSignificant(rng.normal(), FEATURE_DIGITS);
  return z;
}

/**
 * Adds to `injected` (one symbol's bars, index 0 = its first bar on calendar bar `first`) the
 * signal's terms: bar i receives sum of scale[t] * z[t] over t = i - horizon .. i - onset.
 * A running window sum keeps this O(n) whatever the horizon.
 */
export function addSignalTerms(injected: Float64Array, z: Float64Array, scale: Float64Array, first: number, spec: SignalSpec): void {
  const n = z.length;
  const h = spec.horizon;
  const onset = onsetOf(spec);
  let window = 0;
  for (let i = 0; i < n; i++) {
    // Enter t = i - onset, leave t = i - h - 1.
    const enter = i - onset;
    if (enter >= 0) window += scale[first + enter] * z[enter];
    const leave = i - h - 1;
    if (leave >= 0) window -= scale[first + leave] * z[leave];
    injected[i] += window;
  }
}

/** A noise feature: a stationary AR(1) with unit variance and coefficient `phi`, unrelated to anything. */
export function drawNoise(rng: Rng, n: number, phi: number): Float64Array {
  const x = new Float64Array(n);
  const innovation = Math.sqrt(1 - phi * phi);
  let state = rng.normal();
  for (let i = 0; i < n; i++) {
    if (i > 0) state = phi * state + innovation * rng.normal();
    x[i] = roundSignificant(state, FEATURE_DIGITS);
  }
  return x;
}

/** log(close[i + h] / close[i]); NaN where i + h is past the end. */
export function forwardLogReturn(close: Float64Array, h: number): Float64Array {
  const n = close.length;
  const out = new Float64Array(n).fill(Number.NaN);
  for (let i = 0; i + h < n; i++) out[i] = Math.log(close[i + h] / close[i]);
  return out;
}

function sampleSd(x: Float64Array): number {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  for (const v of x) {
    if (v !== v) continue;
    n += 1;
    const d = v - mean;
    mean += d / n;
    m2 += d * (v - mean);
  }
  return n > 1 ? Math.sqrt(m2 / (n - 1)) : 0;
}

/**
 * A leak column: values at bar i computed from bars after i, exactly as a careless pipeline would
 * (shift(-h), rolling(center=True), ...). Values whose future lies past the symbol's last bar are
 * NaN, as such a pipeline leaves them.
 */
export function leakValues(rng: Rng, spec: LeakSpec, close: Float64Array, priceDecimals: number): Float64Array {
  const n = close.length;
  const out = new Float64Array(n).fill(Number.NaN);
  switch (spec.kind) {
    case "fwd_copy": {
      const fwd = forwardLogReturn(close, spec.horizon);
      const sd = sampleSd(fwd) * spec.noise;
      for (let i = 0; i < n; i++) {
        const noise = rng.normal();
        if (fwd[i] === fwd[i]) out[i] = roundSignificant(fwd[i] + sd * noise, FEATURE_DIGITS);
      }
      return out;
    }
    case "future_close": {
      for (let i = 0; i + spec.shift < n; i++) out[i] = close[i + spec.shift];
      return out;
    }
    case "centered_ma": {
      const half = (spec.window - 1) / 2;
      let sum = 0;
      for (let i = 0; i < n; i++) {
        sum += close[i];
        if (i >= spec.window) sum -= close[i - spec.window];
        // The window ending at i is centred on i - half.
        if (i >= spec.window - 1) out[i - half] = roundTo(sum / spec.window, priceDecimals + 2);
      }
      return out;
    }
    case "sign_agreement": {
      const fwd = forwardLogReturn(close, spec.horizon);
      for (let i = 0; i < n; i++) {
        const agree = rng.uniform() < spec.agreement;
        if (fwd[i] !== fwd[i]) continue;
        const sign = fwd[i] > 0 ? 1 : fwd[i] < 0 ? -1 : 0;
        out[i] = agree || sign === 0 ? sign : -sign;
      }
      return out;
    }
  }
}
