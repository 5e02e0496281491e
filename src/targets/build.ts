import type { Panel } from "../data/types.js";
import { InputError } from "../util/errors.js";
import type { ExcursionDefinition, ForwardReturnDefinition, TargetDefinition, TripleBarrierDefinition, ZigzagDefinition } from "./definition.js";
import { targetObjectSchema } from "./definition.js";
import { formatTargetName, parseTargetName } from "./grammar.js";
import { horizonToBars } from "./horizon.js";
import { rollingBeta } from "./kernels/beta.js";
import { demeanCrossSection, quantileBucketsCrossSection, signInPlace } from "./kernels/cross-section.js";
import { equalWeightMarket, proxyMarket, type Market } from "./kernels/market.js";
import { excursion, tripleBarrier, type PathInputs } from "./kernels/path.js";
import { forwardReturns, oneBarLogReturns } from "./kernels/returns.js";
import { rollingVolatility } from "./kernels/volatility.js";
import { zigzagPivotLabels } from "./kernels/zigzag.js";
import type { TargetContext, TargetSpec } from "./spec.js";

/** A target as a configuration writes it: a short name or the object form. */
export type TargetEntry = string | Record<string, unknown>;

/** Parses and validates a configuration entry into a full definition (defaults filled in). */
export function targetDefinition(entry: TargetEntry): TargetDefinition {
  if (typeof entry === "string") return parseTargetName(entry);
  const parsed = targetObjectSchema.safeParse(entry);
  if (!parsed.success) {
    const label = typeof entry.name === "string" ? `target "${entry.name}"` : `target ${JSON.stringify(entry)}`;
    throw new InputError(`${label}: ${parsed.error.issues.map((i) => `${i.path.join(".") || "value"}: ${i.message}`).join("; ")}`);
  }
  return parsed.data;
}

/** Builds a target from a short name or an object-form entry (a full definition passes through unchanged). */
export function buildTarget(entry: TargetEntry | TargetDefinition, ctx: TargetContext = {}): TargetSpec {
  const def = targetDefinition(entry as TargetEntry);
  const canonical = formatTargetName(def);
  const name = def.name ?? (typeof entry === "string" ? entry : canonical);
  const lag = ctx.executionLag ?? 0;
  if (!Number.isInteger(lag) || lag < 0) throw new InputError(`execution lag must be a whole number of bars >= 0, got ${lag}`);
  const horizon = horizonToBars(def.horizon, ctx.interval, name);
  switch (def.kind) {
    case "forward_return":
      return forwardReturnTarget(def, name, canonical, horizon, lag, ctx);
    case "triple_barrier":
      return tripleBarrierTarget(def, name, canonical, horizon, lag);
    case "excursion":
      return excursionTarget(def, name, canonical, horizon, lag);
    case "zigzag":
      return zigzagTarget(def, name, canonical, horizon);
  }
}

function closeOf(panel: Panel, name: string): Float64Array | Float32Array {
  if (!panel.has("close")) throw new InputError(`target "${name}" needs a close column; the panel has: ${[...panel.columns.keys()].join(", ") || "none"}`);
  return panel.column("close");
}

function marketFor(panel: Panel, close: ArrayLike<number>, symbol: string | undefined, name: string): Market {
  if (symbol === undefined) return equalWeightMarket(close, panel.T, panel.S);
  const idx = panel.symbols.indexOf(symbol);
  if (idx < 0) throw new InputError(`target "${name}": market symbol "${symbol}" is not in the data`, "set the target's market (or pipeline.features.market_proxy) to a loaded symbol, or leave it unset for the equal-weighted market");
  return proxyMarket(close, panel.T, panel.S, idx);
}

function forwardReturnTarget(def: ForwardReturnDefinition, name: string, canonical: string, h: number, lag: number, ctx: TargetContext): TargetSpec {
  const log = def.returns === "log";
  const marketSymbol = def.market ?? ctx.marketProxy;
  const usesMarket = def.relative_to === "market" || def.relative_to === "beta";
  const pastWindow = Math.max(def.vol_scaled ? def.vol_window : 0, def.relative_to === "beta" ? def.beta_window : 0);
  const type = def.output === "value" ? "regression" : def.output === "sign" ? "binary" : "multiclass";
  const relText = { none: "", cross_section: " minus the cross-sectional mean", market: " minus the market's", beta: " minus past-beta x the market's" }[def.relative_to];
  const description =
    `${def.output === "sign" ? "sign of the " : def.output === "quantile" ? `cross-sectional ${def.quantiles}-quantile bucket of the ` : ""}` +
    `${h}-bar ${log ? "log" : "simple"} forward return${relText}${def.vol_scaled ? `, divided by ${def.vol_window}-bar volatility x sqrt(${h})` : ""}` +
    `${usesMarket ? ` (market: ${marketSymbol ?? "equal-weighted index"})` : ""}`;

  const compute = (panel: Panel): Float64Array => {
    const { T, S } = panel;
    const close = closeOf(panel, name);
    const out = forwardReturns(close, T, S, h, lag, log);
    // one-bar log returns feed both past-only estimates; computed once when either needs them
    const logRet = def.vol_scaled || def.relative_to === "beta" ? oneBarLogReturns(close, T, S) : undefined;
    if (def.relative_to === "cross_section") demeanCrossSection(out, T, S);
    else if (usesMarket) {
      const market = marketFor(panel, close, marketSymbol, name);
      const beta = def.relative_to === "beta" ? rollingBeta(logRet!, market.logRet, T, S, def.beta_window) : undefined;
      for (let t = 0; t < T; t++) {
        const mr = t + lag + h <= T - 1 ? market.returnBetween(t + lag, t + lag + h) : NaN;
        const m = log ? Math.log1p(mr) : mr;
        for (let s = 0; s < S; s++) {
          const i = t * S + s;
          out[i] -= beta === undefined ? m : beta[i] * m;
        }
      }
    }
    if (def.vol_scaled) {
      const vol = rollingVolatility(logRet!, T, S, def.vol_window);
      const sq = Math.sqrt(h);
      for (let i = 0; i < out.length; i++) out[i] = vol[i] > 0 ? out[i] / (vol[i] * sq) : NaN;
    }
    if (def.output === "sign") signInPlace(out);
    else if (def.output === "quantile") {
      if (S < def.quantiles) {
        throw new InputError(`target "${name}" buckets ${def.quantiles} quantiles across symbols but the panel has only ${S}`, "use fewer quantiles, more symbols, or a sign or triple-barrier target");
      }
      quantileBucketsCrossSection(out, T, S, def.quantiles);
    }
    return out;
  };

  return {
    name,
    canonical,
    definition: def,
    type,
    tasks: type === "regression" ? ["regression", "ranking"] : type === "binary" ? ["binary"] : ["multiclass", "ranking"],
    rankingCompatible: type !== "binary",
    classes: type === "binary" ? ["not_up", "up"] : type === "multiclass" ? Array.from({ length: def.quantiles }, (_, k) => `q${k + 1}`) : undefined,
    horizon: h,
    executionLag: lag,
    window: lag + h,
    pastWindow,
    repainting: false,
    description,
    compute,
  };
}

function pathInputs(panel: Panel, name: string, h: number, lag: number, highLow: boolean): PathInputs {
  const close = closeOf(panel, name);
  const p: PathInputs = { close, T: panel.T, S: panel.S, horizon: h, lag };
  if (highLow) {
    if (!panel.has("high") || !panel.has("low")) throw new InputError(`target "${name}" measures highs and lows (path: high_low / _hl) but the panel lacks a high or low column`, "use the close path (drop _hl)");
    p.high = panel.column("high");
    p.low = panel.column("low");
  }
  return p;
}

function tripleBarrierTarget(def: TripleBarrierDefinition, name: string, canonical: string, h: number, lag: number): TargetSpec {
  const highLow = def.path === "high_low";
  const run = (panel: Panel) => {
    const p = pathInputs(panel, name, h, lag, highLow);
    const vol = rollingVolatility(oneBarLogReturns(p.close, panel.T, panel.S), panel.T, panel.S, def.vol_window);
    return tripleBarrier(p, vol, def.profit_take, def.stop_loss, highLow);
  };
  return {
    name,
    canonical,
    definition: def,
    type: "multiclass",
    tasks: ["multiclass"],
    rankingCompatible: false,
    classes: ["stop_loss", "time_out", "profit_take"],
    horizon: h,
    executionLag: lag,
    window: lag + h,
    pastWindow: def.vol_window,
    repainting: false,
    description: `triple barrier over ${h} bars: profit-take ${def.profit_take} and stop-loss ${def.stop_loss} x (${def.vol_window}-bar volatility x sqrt(${h})) on ${highLow ? "highs/lows" : "closes"}`,
    compute: (panel) => run(panel).label,
    details: (panel) => {
      const r = run(panel);
      return new Map([
        ["touch_bars", r.touchBars],
        ["touch_return", r.touchReturn],
        ["side", r.side],
      ]);
    },
  };
}

function excursionTarget(def: ExcursionDefinition, name: string, canonical: string, h: number, lag: number): TargetSpec {
  const highLow = def.path === "high_low";
  const what = { mfe: "maximum favourable excursion", mae: "maximum adverse excursion", mdd: "maximum drawdown" }[def.measure];
  return {
    name,
    canonical,
    definition: def,
    type: "regression",
    tasks: ["regression", "ranking"],
    rankingCompatible: true,
    horizon: h,
    executionLag: lag,
    window: lag + h,
    pastWindow: 0,
    repainting: false,
    description: `${what} over ${h} bars on ${highLow ? "highs/lows" : "closes"}, as a non-negative fraction of the entry price`,
    compute: (panel) => excursion(pathInputs(panel, name, h, lag, highLow), def.measure, highLow),
  };
}

function zigzagTarget(def: ZigzagDefinition, name: string, canonical: string, h: number): TargetSpec {
  return {
    name,
    canonical,
    definition: def,
    type: "binary",
    tasks: ["binary"],
    rankingCompatible: false,
    classes: [`not_${def.pivot}`, def.pivot],
    horizon: h,
    // a pivot is a property of bar t itself: the execution lag does not move it
    executionLag: 0,
    window: h,
    pastWindow: 0,
    repainting: true,
    description: `1 where bar t is a zigzag ${def.pivot} (reversal ${def.threshold * 100}%) confirmed within ${h} bars; the zigzag repaints, so it is a label only, never a feature`,
    compute: (panel) => zigzagPivotLabels(closeOf(panel, name), panel.T, panel.S, def.threshold, h, def.pivot),
  };
}
