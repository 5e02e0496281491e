import { z } from "zod";
import { isValidTimeZone } from "./timezone.js";
import { solveSignals } from "./signal-model.js";

/**
 * The configuration of the synthetic market generator: every knob has a default, unknown keys are
 * errors. Volatilities and drifts are annualised (252 trading days); per-bar values are derived.
 */

export const SYNTH_INTERVALS = ["1m", "5m", "15m", "30m", "1h", "1d"] as const;
export type SynthInterval = (typeof SYNTH_INTERVALS)[number];

export const SYNTH_FORMATS = ["csv", "parquet"] as const;
export const SYNTH_LAYOUTS = ["long", "per-symbol", "csv-folder"] as const;
export type SynthFormat = (typeof SYNTH_FORMATS)[number];
export type SynthLayout = (typeof SYNTH_LAYOUTS)[number];

/** Columns every bar has; generated feature names must not take these. */
export const RESERVED_COLUMNS = ["timestamp", "symbol", "open", "high", "low", "close", "volume"] as const;

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "use a date like 2015-01-02")
  .refine((s) => {
    const [y, m, d] = s.split("-").map(Number);
    const t = new Date(Date.UTC(y, m - 1, d));
    return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d && y >= 1900 && y <= 2200;
  }, "not a calendar date between 1900 and 2200");

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "use a 24-hour time like 09:30");

const columnName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "use letters, digits and underscores, starting with a letter or underscore")
  .refine((s) => !(RESERVED_COLUMNS as readonly string[]).includes(s), "is a reserved column name");

const symbolName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "symbols are letters, digits, '.', '_' or '-', starting with a letter or digit");

const unitInterval = z.number().min(0).max(1);

const range = (lo: number, hi: number) =>
  z
    .strictObject({ min: z.number().positive(), max: z.number().positive() })
    .refine((r) => r.min <= r.max, "min must not exceed max")
    .default({ min: lo, max: hi });

const garch = (alpha: number, beta: number) =>
  z
    .strictObject({
      alpha: z.number().min(0).max(1).describe("reaction of variance to the last squared shock"),
      beta: z.number().min(0).max(1).describe("persistence of variance"),
    })
    .refine((g) => g.alpha + g.beta < 0.999, "alpha + beta must be below 1 (below 0.999) for a stationary variance")
    .default({ alpha, beta });

export const signalSpecSchema = z
  .strictObject({
    name: columnName,
    horizon: z.number().int().min(1).max(1000).describe("bars ahead whose forward return the signal predicts"),
    ic: z.number().gt(-1).lt(1).describe("intended mean cross-sectional Pearson IC with the forward return over `horizon` bars"),
    onset: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe("first bar after t that carries the information (default: horizon, so shorter horizons are not predictable)"),
  })
  .refine((s) => s.onset === undefined || s.onset <= s.horizon, { message: "onset must not exceed horizon", path: ["onset"] });
export type SignalSpec = z.infer<typeof signalSpecSchema>;

export const leakSpecSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("fwd_copy"),
    name: columnName.default("leak_fwd_copy"),
    horizon: z.number().int().min(1).max(1000).default(1),
    noise: z.number().min(0).max(10).default(0.1).describe("sd of added noise as a fraction of the forward return's sd"),
  }),
  z.strictObject({
    kind: z.literal("future_close"),
    name: columnName.default("leak_future_close"),
    shift: z.number().int().min(1).max(1000).default(1).describe("bars ahead whose close is copied"),
  }),
  z.strictObject({
    kind: z.literal("centered_ma"),
    name: columnName.default("leak_centered_ma"),
    window: z
      .number()
      .int()
      .min(3)
      .max(1001)
      .refine((w) => w % 2 === 1, "window must be odd (centered on the bar)")
      .default(5),
  }),
  z.strictObject({
    kind: z.literal("sign_agreement"),
    name: columnName.default("leak_fwd_sign"),
    horizon: z.number().int().min(1).max(1000).default(1),
    agreement: z.number().min(0.5).max(1).default(0.7).describe("probability the value equals the sign of the forward return"),
  }),
]);
export type LeakSpec = z.infer<typeof leakSpecSchema>;
export type LeakKind = LeakSpec["kind"];

const DEFAULT_SIGNALS: SignalSpec[] = [
  { name: "sig_h5", horizon: 5, ic: 0.1 },
  { name: "sig_h20", horizon: 20, ic: 0.06 },
];

const DEFAULT_LEAKS: LeakSpec[] = [
  { kind: "fwd_copy", name: "leak_fwd_copy", horizon: 1, noise: 0.1 },
  { kind: "future_close", name: "leak_future_close", shift: 1 },
  { kind: "centered_ma", name: "leak_centered_ma", window: 5 },
  { kind: "sign_agreement", name: "leak_fwd_sign", horizon: 1, agreement: 0.7 },
];

export const synthConfigSchema = z
  .strictObject({
    seed: z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER).default(42),
    symbols: z
      .union([z.number().int().min(1).max(100_000), z.array(symbolName).min(1)])
      .default(50)
      .describe("how many symbols (named S001, S002, ...), or their names"),
    start: isoDate.default("2015-01-02").describe("first calendar date; the first bar is the first trading day on or after it"),
    bars: z.number().int().min(2).max(50_000_000).optional().describe("bars on the common time axis, which a symbol listed throughout has (default 1000 unless `end` is given)"),
    end: isoDate.optional().describe("last calendar date (inclusive), instead of `bars`"),
    interval: z.enum(SYNTH_INTERVALS).default("1d"),
    session: z
      .strictObject({
        open: clockTime.default("09:30"),
        close: clockTime.default("16:00"),
        timezone: z
          .string()
          .refine(isValidTimeZone, "use an IANA time zone like America/New_York, UTC, or a fixed offset like -05:00")
          .default("America/New_York")
          .describe("the session's local time zone; daylight saving time is followed"),
      })
      .refine((s) => s.open < s.close, "session open must be before close (sessions within one local day)")
      .prefault({}),
    holidays: z
      .union([z.enum(["nyse", "none"]), z.array(isoDate)])
      .default("nyse")
      .describe("market holidays (no bars for any symbol): NYSE rules, none, or a list of dates"),
    listing: z
      .strictObject({
        late_fraction: unitInterval.default(0.3).describe("share of symbols listed after the first bar"),
        delist_fraction: unitInterval.default(0.2).describe("share of symbols delisted before the last bar"),
        min_bars: z.number().int().min(2).default(60).describe("shortest history a symbol gets"),
      })
      .prefault({}),
    returns: z
      .strictObject({
        t_df: z.number().gt(2).max(1000).default(5).describe("Student-t degrees of freedom of the shocks (fat tails; large = normal)"),
        idio_vol: range(0.15, 0.45).describe("annualised idiosyncratic volatility, log-uniform across symbols"),
        drift: z
          .strictObject({ mean: z.number().min(-2).max(2).default(0.05), sd: z.number().min(0).max(2).default(0.1) })
          .prefault({})
          .describe("annualised log drift across symbols: normal(mean, sd)"),
        garch: garch(0.06, 0.92).describe("GARCH(1,1) of each symbol's idiosyncratic variance"),
        market: z
          .strictObject({
            vol: z.number().min(0).max(2).default(0.16).describe("annualised volatility of the market factor"),
            garch: garch(0.08, 0.9),
            beta_mean: z.number().min(-5).max(5).default(1),
            beta_sd: z.number().min(0).max(5).default(0.3),
          })
          .prefault({}),
        sectors: z
          .strictObject({
            count: z.number().int().min(0).max(100).default(4),
            vol: z.number().min(0).max(2).default(0.1).describe("annualised volatility of each sector factor"),
          })
          .prefault({}),
        overnight_share: z.number().min(0).max(0.9).default(0.2).describe("intraday: share of a day's variance in the overnight gap"),
        intraday_u: z.number().min(0).max(10).default(1).describe("intraday: strength of the U-shaped variance and volume profile"),
      })
      .prefault({}),
    prices: z
      .strictObject({
        start: range(10, 300).describe("first price, log-uniform across symbols"),
        decimals: z.number().int().min(0).max(8).default(4),
      })
      .prefault({}),
    volume: z
      .strictObject({
        median_daily: z.number().positive().default(1_000_000).describe("median daily volume across symbols"),
        dispersion: z.number().min(0).max(5).default(1).describe("sd of log daily volume across symbols"),
        abs_return: z.number().min(0).max(5).default(0.35).describe("log-volume response to the standardized |return|"),
        volatility: z.number().min(0).max(5).default(1).describe("log-volume response to log(volatility / long-run volatility)"),
        noise: z.number().min(0).max(5).default(0.25).describe("sd of AR(1) noise in log volume"),
        persistence: z.number().min(0).lt(1).default(0.7).describe("AR(1) coefficient of that noise"),
      })
      .prefault({}),
    signals: z
      .strictObject({
        plant: z.boolean().default(false),
        features: z.array(signalSpecSchema).default(DEFAULT_SIGNALS),
        noise_count: z.number().int().min(0).max(1000).default(3).describe("pure-noise feature columns noise_1, noise_2, ..."),
        noise_persistence: z
          .array(z.number().min(0).lt(1))
          .min(1)
          .default([0, 0.5, 0.95])
          .describe("AR(1) coefficients given to the noise columns in turn"),
      })
      .prefault({}),
    leaks: z
      .strictObject({
        plant: z.boolean().default(false),
        features: z.array(leakSpecSchema).default(DEFAULT_LEAKS),
      })
      .prefault({}),
    targets: z
      .strictObject({
        horizons: z.array(z.number().int().min(1).max(1000)).min(1).default([1, 5, 20]).describe("forward-return horizons the manifest rates"),
      })
      .prefault({}),
    output: z
      .strictObject({
        format: z.enum(SYNTH_FORMATS).default("csv"),
        layout: z.enum(SYNTH_LAYOUTS).default("long"),
      })
      .refine((o) => o.layout !== "csv-folder" || o.format === "csv", {
        message: "layout csv-folder writes CSV files: use format csv, or layout per-symbol for Parquet",
        path: ["layout"],
      })
      .prefault({}),
  })
  .superRefine((c, ctx) => {
    if (c.bars !== undefined && c.end !== undefined) {
      ctx.addIssue({ code: "custom", path: ["end"], message: "give either bars or end, not both" });
    }
    if (c.end !== undefined && c.end < c.start) ctx.addIssue({ code: "custom", path: ["end"], message: "end is before start" });
    if (Array.isArray(c.symbols)) {
      const seen = new Set<string>();
      c.symbols.forEach((s, i) => {
        if (seen.has(s)) ctx.addIssue({ code: "custom", path: ["symbols", i], message: `symbol ${s} appears twice` });
        seen.add(s);
      });
    }
    checkFeatureNames(c, ctx);
    checkSignalBudget(c, ctx);
  });

export type SynthConfig = z.infer<typeof synthConfigSchema>;
/** What callers may pass: any subset, defaults fill the rest. */
export type SynthConfigInput = z.input<typeof synthConfigSchema>;

export function noiseFeatureName(k: number): string {
  return `noise_${k + 1}`;
}

function checkFeatureNames(c: SynthConfig, ctx: z.RefinementCtx): void {
  const owners = new Map<string, string>();
  const claim = (name: string, path: (string | number)[]) => {
    if (owners.has(name)) ctx.addIssue({ code: "custom", path, message: `column name ${name} is already used by ${owners.get(name)}` });
    else owners.set(name, path.join("."));
  };
  c.signals.features.forEach((s, i) => claim(s.name, ["signals", "features", i, "name"]));
  for (let k = 0; k < c.signals.noise_count; k++) claim(noiseFeatureName(k), ["signals", "noise_count"]);
  c.leaks.features.forEach((l, i) => claim(l.name, ["leaks", "features", i, "name"]));
}

/**
 * The largest share of a signal's own-horizon forward-return variance that the planted signals
 * take (see signal-model.ts), or Infinity when the requested ICs cannot all be met.
 */
export function signalBudget(signals: readonly SignalSpec[]): number {
  const solution = solveSignals(signals);
  return solution ? Math.max(0, ...solution.share) : Number.POSITIVE_INFINITY;
}

/** Above this share, returns would be mostly planted signal, which no market looks like. */
export const MAX_SIGNAL_BUDGET = 0.8;

function checkSignalBudget(c: SynthConfig, ctx: z.RefinementCtx): void {
  const share = signalBudget(c.signals.features);
  if (share >= MAX_SIGNAL_BUDGET) {
    const what = Number.isFinite(share) ? `${(share * 100).toFixed(0)}% of a forward return's variance` : "more variance than the returns have";
    ctx.addIssue({
      code: "custom",
      path: ["signals", "features"],
      message:
        `the signals together would need ${what} (at most ${MAX_SIGNAL_BUDGET * 100}%): ` +
        `lower ic, shorter horizons, or fewer signals (an IC of about 1/sqrt(horizon) is the ceiling for one signal)`,
    });
  }
}
