import { leakageSchema, type LeakageConfig } from "../../src/config/schema/leakage.js";
import { generateMarket, type LeakSpec, type SynthConfigInput } from "../../src/data/synth/index.js";
import { buildPanel, panelFromGrids } from "../../src/data/panel.js";
import type { Panel } from "../../src/data/types.js";
import { buildFeatures, userColumnSpec, type FeatureOptions, type FeatureSet } from "../../src/features/index.js";
import type { FeatureSpec } from "../../src/features/spec.js";
import type { LeakageFeatures, LeakageLogger } from "../../src/leakage/index.js";
import type { TargetSpec } from "../../src/targets/spec.js";

export const DAILY = { interval: "1d" as const, medianSpacingMs: 86_400_000, explicit: true };

/** The planted leaks under names no exclusion pattern matches, so only the data can give them away. */
export const NEUTRAL_LEAKS: LeakSpec[] = [
  { kind: "fwd_copy", name: "alpha_a", horizon: 1, noise: 0.1 },
  { kind: "future_close", name: "alpha_b", shift: 1 },
  { kind: "centered_ma", name: "alpha_c", window: 5 },
  { kind: "sign_agreement", name: "alpha_d", horizon: 1, agreement: 0.7 },
];
export const LEAK_NAMES = NEUTRAL_LEAKS.map((l) => l.name);

/**
 * The four planted leak kinds reaching h bars ahead, named neutrally (alpha_a_h5, ...): a noisy copy
 * of the h-bar forward return, the close h bars ahead, a centred moving average of 2h + 1 bars and
 * the h-bar forward return's sign (70% agreement).
 */
export function leaksAtHorizon(h: number): LeakSpec[] {
  return [
    { kind: "fwd_copy", name: `alpha_a_h${h}`, horizon: h, noise: 0.1 },
    { kind: "future_close", name: `alpha_b_h${h}`, shift: h },
    { kind: "centered_ma", name: `alpha_c_h${h}`, window: 2 * h + 1 },
    { kind: "sign_agreement", name: `alpha_d_h${h}`, horizon: h, agreement: 0.7 },
  ];
}
export const SIGNALS = ["sig_h5", "sig_h20"];
export const NOISE = ["noise_1", "noise_2", "noise_3"];

/** A small synthetic market as a panel: 40 symbols x 600 daily bars by default. */
export function syntheticPanel(input: SynthConfigInput = {}): { panel: Panel; market: ReturnType<typeof generateMarket> } {
  const market = generateMarket({ seed: 7, symbols: 40, bars: 600, ...input });
  return { panel: buildPanel(market.series, { alignment: "union", interval: DAILY }), market };
}

export function features(panel: Panel, opts: FeatureOptions = {}): FeatureSet {
  return buildFeatures(panel, opts);
}

/** The leakage configuration with `overrides` merged one level deep into each block. */
export function leakageConfig(overrides: Record<string, unknown> = {}): LeakageConfig {
  return leakageSchema.parse(overrides);
}

/** Features from plain grids (Float64 or Float32, T x S), each a user column with the given lag. */
export function gridFeatures(T: number, S: number, grids: Record<string, ArrayLike<number>>, lags: Record<string, number> = {}): LeakageFeatures {
  const names = Object.keys(grids);
  const map = new Map<string, Float32Array>();
  const specs: FeatureSpec[] = [];
  for (const n of names) {
    const g = grids[n];
    if (g.length !== T * S) throw new Error(`grid ${n} has ${g.length} cells`);
    map.set(n, Float32Array.from(g));
    specs.push(userColumnSpec({ column: n, lag: lags[n] ?? 0 }));
  }
  return { names, specs, grids: map };
}

/** A panel from grids on a daily axis. */
export function gridPanel(T: number, symbols: number, columns: Record<string, Float64Array>): Panel {
  const times = new Float64Array(T);
  for (let t = 0; t < T; t++) times[t] = Date.UTC(2020, 0, 1) + t * 86_400_000;
  return panelFromGrids({ times, symbols: Array.from({ length: symbols }, (_, i) => `S${i}`), columns, interval: DAILY });
}

/** A regression target over a given grid (for fixtures whose label is not a price return). */
export function gridTarget(name: string, grid: Float64Array, window = 1): TargetSpec {
  return {
    name,
    canonical: name,
    definition: { kind: "forward_return", horizon: window, returns: "simple", relative_to: "none", vol_scaled: false, output: "value", quantiles: 5, vol_window: 20, beta_window: 60 },
    type: "regression",
    tasks: ["regression", "ranking"],
    rankingCompatible: true,
    horizon: window,
    executionLag: 0,
    window,
    pastWindow: 0,
    repainting: false,
    description: `fixture target ${name}`,
    compute: () => grid,
  };
}

/** A logger that keeps every record. */
export function memoryLog(): LeakageLogger & { records: Array<{ level: "info" | "warn"; msg: string; fields?: Record<string, unknown> }> } {
  const records: Array<{ level: "info" | "warn"; msg: string; fields?: Record<string, unknown> }> = [];
  return {
    records,
    info: (msg, fields) => records.push({ level: "info", msg, fields }),
    warn: (msg, fields) => records.push({ level: "warn", msg, fields }),
  };
}
