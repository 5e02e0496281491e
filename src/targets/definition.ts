import { z } from "zod";

/**
 * The object form of a target: what the string grammar (see grammar.ts) parses into, and what a
 * configuration may write directly when it needs settings the short name does not carry
 * (volatility window, beta window, market symbol, high/low paths).
 *
 * Horizons are bars (a whole number) or a duration like "60m", "4h", "5d" converted with the
 * panel's bar size (see horizon.ts).
 */
const horizon = z
  .union([z.number().int().min(1), z.string().regex(/^\d+(m|h|d|w)?$/, 'a horizon is a number of bars (5) or a duration: 60m, 4h, 5d, 1w')])
  .describe("bars after the entry the label looks (or a duration such as 60m)");

// Target names become file and folder names in the run (ranking/<name>.json, training/<name>/...).
const name = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "target names are letters, digits, '.', '_' and '-' (they name files in the run folder)")
  .optional()
  .describe("name of the target column; default: the canonical short name");
const volWindow = z.number().int().min(2).max(10_000).default(20).describe("bars of one-bar log returns in the past-only volatility estimate");
const path = z.enum(["close", "high_low"]).default("close").describe("extremes of a bar: its close only, or its high and low");

export const forwardReturnSchema = z
  .strictObject({
    kind: z.literal("forward_return"),
    name,
    horizon,
    returns: z.enum(["simple", "log"]).default("simple").describe("simple (p[t+h] / p[t] - 1) or log returns"),
    relative_to: z
      .enum(["none", "cross_section", "market", "beta"])
      .default("none")
      .describe("none; minus the cross-sectional mean; minus the market's return; minus beta x the market's return (beta from past data)"),
    vol_scaled: z.boolean().default(false).describe("divide by past-only volatility x sqrt(horizon)"),
    output: z.enum(["value", "sign", "quantile"]).default("value").describe("the return itself, 1 if > 0 else 0, or its cross-sectional quantile bucket"),
    quantiles: z.number().int().min(2).max(100).default(5).describe("buckets when output is quantile"),
    vol_window: volWindow,
    beta_window: z.number().int().min(3).max(10_000).default(60).describe("bars in the past-only rolling beta"),
    market: z.string().min(1).optional().describe("market proxy symbol; default pipeline.features.market_proxy, else the equal-weighted index"),
  })
  .refine((d) => !(d.vol_scaled && d.output !== "value"), { message: "vol_scaled only applies to output: value (scaling changes neither sign nor rank)", path: ["vol_scaled"] })
  .refine((d) => !(d.returns === "log" && d.output !== "value"), { message: "returns: log only applies to output: value (log changes neither sign nor rank)", path: ["returns"] });

export const tripleBarrierSchema = z
  .strictObject({
    kind: z.literal("triple_barrier"),
    name,
    horizon,
    profit_take: z.number().min(0).describe("upper barrier in units of volatility x sqrt(horizon); 0 = none"),
    stop_loss: z.number().min(0).describe("lower barrier in units of volatility x sqrt(horizon); 0 = none"),
    vol_window: volWindow,
    path,
  })
  .refine((d) => d.profit_take > 0 || d.stop_loss > 0, { message: "at least one of profit_take and stop_loss must be > 0", path: ["profit_take"] });

export const excursionSchema = z.strictObject({
  kind: z.literal("excursion"),
  name,
  measure: z.enum(["mfe", "mae", "mdd"]).describe("maximum favourable excursion, maximum adverse excursion, maximum drawdown"),
  horizon,
  path,
});

export const zigzagSchema = z.strictObject({
  kind: z.literal("zigzag"),
  name,
  pivot: z.enum(["peak", "valley"]).describe("label 1 at a confirmed zigzag peak, or valley"),
  threshold: z.number().gt(0).lt(1).describe("reversal that confirms a pivot, as a fraction (0.05 = 5%)"),
  horizon: horizon.default(20).describe("a pivot counts only when confirmed within this many bars"),
});

export const targetObjectSchema = z.discriminatedUnion("kind", [forwardReturnSchema, tripleBarrierSchema, excursionSchema, zigzagSchema]);

export type TargetDefinition = z.infer<typeof targetObjectSchema>;
export type ForwardReturnDefinition = z.infer<typeof forwardReturnSchema>;
export type TripleBarrierDefinition = z.infer<typeof tripleBarrierSchema>;
export type ExcursionDefinition = z.infer<typeof excursionSchema>;
export type ZigzagDefinition = z.infer<typeof zigzagSchema>;
export type HorizonInput = number | string;
