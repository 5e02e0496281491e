/**
 * Deciding which features a run computes: the registry plus the user's columns and extra
 * cross-sectional transforms, filtered by include/exclude patterns, minus the features the data
 * cannot support (each with its reason), shifted by the configured extra lag.
 */
import { STANDARD_COLUMNS } from "../data/types.js";
import { InputError } from "../util/errors.js";
import { matchesAny } from "../util/glob.js";
import { crossSectionalSpec, type CsTransform } from "./library/cross_sectional.js";
import type { LibraryOptions } from "./library/define.js";
import { userColumnSpec, type UserColumnDecl } from "./library/user.js";
import { shiftSeries } from "./kernels/rolling.js";
import { FeatureRegistry, standardRegistry } from "./registry.js";
import { historyRows, type DataInfo, type FeatureSpec, type TimeSeriesFeatureSpec } from "./spec.js";

/** Structured logger (pino-compatible subset). */
export interface FeatureLogger {
  info(obj: object, msg?: string): void;
}

export interface UserColumnsOptions {
  /** Extra columns that come in automatically with lag 0 (glob patterns; default all). */
  include?: readonly string[];
  /** Extra columns never used as features (default: the target patterns fwd_*, target_*, y_*). */
  exclude?: readonly string[];
  /** Columns with a declared lag / lookback / horizons (must exist in the data). */
  declared?: readonly UserColumnDecl[];
}

export interface CrossSectionalRequest {
  /** Names or glob patterns of the base features. */
  features: readonly string[];
  transforms: readonly CsTransform[];
  winsorQuantile?: number;
}

export interface FeatureOptions {
  /** Registry to draw from; default: the standard library with its default cross-sectional transforms. */
  registry?: FeatureRegistry;
  library?: LibraryOptions;
  /** Glob patterns of feature names to compute (default all); applies to user columns too. */
  include?: readonly string[];
  exclude?: readonly string[];
  crossSectional?: readonly CrossSectionalRequest[];
  /** Symbol whose value the rel_market transform subtracts (e.g. an index such as SPX). */
  marketProxy?: string;
  userColumns?: UserColumnsOptions;
  /** Extra bars of lag added to every data-driven feature (execution delay); default 0. */
  extraLag?: number;
  /**
   * Share of the panel's bars (0..1) a feature's lookback must leave with a value; a feature whose
   * warm-up eats more is left out as too long for this history (pipeline.features.min_history_share).
   * Default 0: only features needing more rows than the panel has are left out.
   */
  minHistoryShare?: number;
  logger?: FeatureLogger;
}

export const DEFAULT_USER_EXCLUDE = ["fwd_*", "target_*", "y_*"] as const;

export interface SkippedFeature {
  name: string;
  reason: string;
  /** inputs: the data lacks what it reads (or it does not apply); history: its lookback is too long for the panel. */
  cause: "inputs" | "history";
}

/** What the planner needs to know about the data. */
export interface PlanData extends DataInfo {
  readonly columnNames: readonly string[];
  /** False when the column holds no finite value; undefined when that is not known (streaming). */
  columnHasValues(name: string): boolean | undefined;
}

export interface FeaturePlan {
  /** The features computed and returned, in order (lags include extraLag). */
  readonly outputs: readonly FeatureSpec[];
  /** Time-series bases computed only because a cross-sectional output needs them. */
  readonly hidden: readonly TimeSeriesFeatureSpec[];
  readonly skipped: readonly SkippedFeature[];
  /** Rows of history before a chunk's first output row that chunked computation must include. */
  readonly warmupRows: number;
  readonly extraLag: number;
  readonly marketProxy: number;
}

function withExtraLag(spec: FeatureSpec, k: number, bases: Map<string, FeatureSpec>): FeatureSpec {
  if (k === 0) return spec;
  if (spec.kind === "cross_sectional") return { ...spec, lag: bases.get(spec.base)!.lag };
  if (spec.dataFree) return spec;
  const inner = spec;
  return {
    ...inner,
    lag: inner.lag + k,
    compute(f, out) {
      const s = f.series(`feature(${inner.name})`, (o) => inner.compute(f, o));
      shiftSeries(s.v, f.n, k, out);
    },
  };
}

/** Adds user columns and requested transforms to a copy of the registry. */
function workingRegistry(data: PlanData, opts: FeatureOptions): FeatureRegistry {
  const reg = new FeatureRegistry();
  for (const spec of (opts.registry ?? standardRegistry(opts.library)).list()) reg.register(spec);
  const uc = opts.userColumns ?? {};
  const declared = uc.declared ?? [];
  const columnSet = new Set(data.columnNames);
  const addUser = (decl: UserColumnDecl) => {
    if (reg.has(decl.column))
      throw new InputError(
        `user column "${decl.column}" has the name of a built-in feature`,
        "rename the column in the data, or exclude it with pipeline.features.user_columns.exclude",
      );
    reg.register(userColumnSpec(decl));
  };
  for (const decl of declared) {
    if (!columnSet.has(decl.column))
      throw new InputError(
        `pipeline.features.user_columns declares column "${decl.column}", which the data does not have`,
        `columns in the data: ${data.columnNames.join(", ")}`,
      );
    addUser(decl);
  }
  const declaredNames = new Set(declared.map((d) => d.column));
  const inc = uc.include ?? ["*"];
  const exc = uc.exclude ?? DEFAULT_USER_EXCLUDE;
  const standard = new Set<string>(STANDARD_COLUMNS);
  for (const c of data.columnNames) {
    if (standard.has(c) || declaredNames.has(c) || !matchesAny(c, inc) || matchesAny(c, exc)) continue;
    addUser({ column: c });
  }
  for (const req of opts.crossSectional ?? []) {
    // A data-free base (calendar) has the same value for every symbol: its transforms are degenerate.
    const bases = reg.list().filter((s) => s.kind === "timeseries" && !s.dataFree && matchesAny(s.name, req.features));
    if (bases.length === 0)
      throw new InputError(`pipeline.features.cross_sectional: no feature matches ${JSON.stringify(req.features)}`);
    for (const base of bases) {
      for (const t of req.transforms) {
        const spec = crossSectionalSpec(base, t, req.winsorQuantile);
        if (!reg.has(spec.name)) reg.register(spec);
      }
    }
  }
  return reg;
}

/** Resolves which features are computed on `data` and why the others are not. */
export function planFeatures(data: PlanData, opts: FeatureOptions = {}): FeaturePlan {
  const extraLag = opts.extraLag ?? 0;
  if (!(Number.isInteger(extraLag) && extraLag >= 0))
    throw new InputError(`pipeline.features.extra_lag must be a whole number of bars >= 0, got ${String(opts.extraLag)}`);
  const marketProxy = opts.marketProxy === undefined ? -1 : data.symbols.indexOf(opts.marketProxy);
  if (opts.marketProxy !== undefined && marketProxy < 0)
    throw new InputError(`pipeline.features.market_proxy: symbol "${opts.marketProxy}" is not in the data`);
  const info: PlanData = { ...data, columnNames: data.columnNames, columnHasValues: (c) => data.columnHasValues(c), marketProxy };
  const reg = workingRegistry(info, opts);

  const minShare = opts.minHistoryShare ?? 0;
  if (!(minShare >= 0 && minShare < 1)) throw new InputError(`pipeline.features.min_history_share must be in [0, 1), got ${String(opts.minHistoryShare)}`);
  const minUsable = Math.max(1, Math.ceil(minShare * info.T));
  type Why = { reason: string; cause: SkippedFeature["cause"] } | null;
  const reasons = new Map<string, Why>();
  const whyNot = (spec: FeatureSpec): Why => {
    if (reasons.has(spec.name)) return reasons.get(spec.name)!;
    let why: Why = null;
    const inputs = (reason: string): Why => ({ reason, cause: "inputs" });
    const columns = new Set(info.columnNames);
    if (spec.kind === "cross_sectional") {
      const base = whyNot(reg.get(spec.base)!);
      if (base) why = { reason: `its base feature ${spec.base} is skipped: ${base.reason}`, cause: base.cause };
    }
    for (const c of spec.inputs) {
      if (why) break;
      if (!columns.has(c)) why = inputs(`needs column "${c}", which the data lacks`);
      else if (info.columnHasValues(c) === false) why = inputs(`column "${c}" has no values in the data`);
    }
    if (!why && spec.applicable) {
      const reason = spec.applicable(info);
      if (reason) why = inputs(reason);
    }
    const dataFree = spec.kind === "timeseries" && spec.dataFree;
    const rows = spec.lookback + spec.lag + (dataFree ? 0 : extraLag);
    // The first value is at row rows - 1, so rows - 1 bars of every symbol's history go to warm-up.
    const usable = info.T - rows + 1;
    if (!why && rows > info.T) why = { reason: `needs ${rows} rows of history and the panel has ${info.T}`, cause: "history" };
    else if (!why && usable < minUsable) {
      why = {
        reason: `needs ${rows} rows of history, which leaves values at ${usable} of the panel's ${info.T} bars (pipeline.features.min_history_share ${minShare} asks for ${minUsable})`,
        cause: "history",
      };
    }
    reasons.set(spec.name, why);
    return why;
  };

  const include = opts.include ?? ["*"];
  const exclude = opts.exclude ?? [];
  const selected = reg.list().filter((s) => matchesAny(s.name, include) && !matchesAny(s.name, exclude));
  const skipped: SkippedFeature[] = [];
  const lagged = new Map<string, FeatureSpec>();
  const lagOf = (spec: FeatureSpec): FeatureSpec => {
    let l = lagged.get(spec.name);
    if (!l) {
      if (spec.kind === "cross_sectional") lagOf(reg.get(spec.base)!);
      l = withExtraLag(spec, extraLag, lagged);
      lagged.set(spec.name, l);
    }
    return l;
  };
  const outputs: FeatureSpec[] = [];
  for (const spec of selected) {
    const why = whyNot(spec);
    if (why) {
      skipped.push({ name: spec.name, ...why });
      opts.logger?.info({ feature: spec.name, reason: why.reason }, "feature skipped");
    } else outputs.push(lagOf(spec));
  }
  const outNames = new Set(outputs.map((s) => s.name));
  const hidden: TimeSeriesFeatureSpec[] = [];
  for (const s of outputs) {
    if (s.kind === "cross_sectional" && !outNames.has(s.base) && !hidden.some((h) => h.name === s.base)) {
      hidden.push(lagOf(reg.get(s.base)!) as TimeSeriesFeatureSpec);
    }
  }
  let warmupRows = 0;
  for (const s of [...outputs, ...hidden]) warmupRows = Math.max(warmupRows, historyRows(s));
  return { outputs, hidden, skipped, warmupRows, extraLag, marketProxy };
}
