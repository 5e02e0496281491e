/**
 * The `pipeline.trading` block: how a trained model becomes orders. Strict everywhere, so a
 * misspelt guardrail is an error rather than a limit silently not enforced.
 *
 * Strategies are the backtest's own (src/backtest/schema.ts: cross-sectional, and sign / vol_scaled
 * for one or a few instruments), so a research backtest and a trading loop configured alike build
 * the same weights.
 */
import { z } from "zod";
import { isTimeZone } from "./risk/hours.js";
import { strategySchema } from "../backtest/schema.js";
import { alpacaSchema } from "./broker/alpaca/schema.js";
import { ibkrSchema } from "./broker/ibkr/schema.js";

/** Every strategy kind: the backtest's cross-sectional and time-series ones, so a research backtest and a trading loop configured alike build the same weights. */
export const tradingStrategySchema = strategySchema;

const positiveOrNull = (what: string) => z.number().gt(0).nullable().default(null).describe(`${what}; null = no limit`);

export const riskSchema = z.strictObject({
  max_position_shares: positiveOrNull("largest |position| in one symbol, in shares"),
  max_position_notional: positiveOrNull("largest |position| x price in one symbol, in account currency"),
  max_gross_exposure: z.number().gt(0).nullable().default(2).describe("largest sum of |position| x price over symbols, as a multiple of equity; null = no limit"),
  max_net_exposure: z.number().gt(0).nullable().default(1.5).describe("largest |sum of position x price|, as a multiple of equity; null = no limit"),
  max_order_notional: positiveOrNull("largest quantity x price of one order, in account currency"),
  max_orders_per_minute: z.number().int().min(1).nullable().default(120).describe("orders submitted in any 60 s of the loop's clock (bar time in a replay); null = no limit"),
  price_band: z.number().gt(0).max(1).nullable().default(0.1).describe("an order whose reference price (limit, stop or quote) is further than this fraction from the last bar's close is blocked; null = no band"),
  market_hours: z
    .strictObject({
      enabled: z.boolean().default(false).describe("only submit orders between start and end local time (off: any time; daily bars stamped at midnight need it off)"),
      start: z.string().regex(/^\d{2}:\d{2}$/, "use HH:MM").default("09:30").describe("local opening time"),
      end: z.string().regex(/^\d{2}:\d{2}$/, "use HH:MM").default("16:00").describe("local closing time"),
      timezone: z.string().min(1).refine(isTimeZone, "not an IANA time zone name (e.g. America/New_York, Europe/London)").default("America/New_York").describe("IANA time zone of start and end"),
      weekdays_only: z.boolean().default(true).describe("no orders on Saturdays and Sundays (local time)"),
    })
    .prefault({})
    .describe("trading hours: orders outside them are blocked"),
  daily_loss_limit: z.number().gt(0).max(1).nullable().default(null).describe("loss since the day's first equity, as a fraction of it, at which orders that add risk are blocked for the rest of the day; null = none"),
  max_drawdown: z
    .number()
    .gt(0)
    .max(1)
    .nullable()
    .default(null)
    .describe("drawdown from the equity peak at which the kill switch fires: cancel all orders, flatten, halt until `foxml trade resume`; null = none"),
});

export const fillSchema = z.strictObject({
  price: z
    .enum(["next_open", "next_vwap", "next_close"])
    .default("next_open")
    .describe("price an order decided at the close of bar t fills at: bar t+1's open, its VWAP proxy ((high+low+close)/3), or its close; a missing open or high/low falls back to the close"),
  slippage_bps: z.number().min(0).max(10_000).default(0).describe("fixed adverse slippage in basis points of the fill price"),
  impact_bps: z.number().min(0).max(10_000).default(0).describe("extra adverse slippage of impact_bps x sqrt(quantity / bar volume) (needs volume; ignored without it)"),
  commission_per_share: z.number().min(0).default(0).describe("commission per share"),
  commission_bps: z.number().min(0).max(10_000).default(0).describe("commission in basis points of traded notional"),
  commission_min: z.number().min(0).default(0).describe("smallest commission of one fill (0 = none)"),
  max_volume_share: z
    .number()
    .gt(0)
    .max(1)
    .nullable()
    .default(null)
    .describe("a fill takes at most this share of the bar's volume; the rest of a day order expires (partial fill); null = no cap, or no volume in the data"),
});

export const journalSchema = z.strictObject({
  synchronous: z
    .enum(["normal", "full"])
    .default("normal")
    .describe("SQLite synchronous mode of the order journal (WAL): normal survives a killed process, full also a power cut (slower)"),
});

export const metricsSchema = z.strictObject({
  port: z.number().int().min(0).max(65535).default(0).describe("live loop: port of the Prometheus endpoint http://host:port/metrics; 0 = no endpoint"),
  host: z.string().min(1).default("127.0.0.1").describe("address the metrics endpoint binds to (127.0.0.1: this machine only; 0.0.0.0 exposes it to the network)"),
});

export const liveSchema = z.strictObject({
  poll_ms: z.number().int().min(10).max(3_600_000).default(1000).describe("live loop: milliseconds between asks of the bar feed for new bars"),
});

export const tradingSchema = z.strictObject({
  strategy: tradingStrategySchema.prefault({ kind: "long_short" }).describe("predictions -> target weights: a cross-sectional strategy of the backtest, or sign / vol_scaled for one or a few instruments"),
  step: z.number().int().min(1).optional().describe("bars between rebalances; default: the target's horizon"),
  min_symbols: z.number().int().min(1).default(5).describe("fewest tradable symbols with a prediction for a cross-sectional rebalance"),
  gross: z.number().gt(0).max(10).default(1).describe("scale of the strategy's weights (1 = as the strategy builds them)"),
  initial_cash: z.number().gt(0).default(1_000_000).describe("starting cash of the paper broker"),
  lot_size: z.number().int().min(1).default(1).describe("orders are whole multiples of this many shares"),
  max_bar_age_bars: z.number().gt(0).default(2).describe("live loop: a newest bar older than this many bar intervals is stale and nothing is traded"),
  fill: fillSchema.prefault({}),
  risk: riskSchema.prefault({}),
  journal: journalSchema.prefault({}),
  alpaca: alpacaSchema.prefault({}).describe("`--broker alpaca`: paper or live endpoint, URL overrides, bar feed, timeouts and retries (keys only from APCA_API_KEY_ID / APCA_API_SECRET_KEY)"),
  ibkr: ibkrSchema.prefault({}).describe("Interactive Brokers (`foxml trade --broker ibkr`): TWS / IB Gateway connection, account and contracts"),
  live: liveSchema.prefault({}).describe("the live loop (foxml trade without --replay)"),
  metrics: metricsSchema.prefault({}).describe("Prometheus metrics of the live loop"),
});

export type TradingConfig = z.infer<typeof tradingSchema>;
export type TradingStrategyConfig = z.infer<typeof tradingStrategySchema>;
export type RiskConfig = z.infer<typeof riskSchema>;
export type FillConfig = z.infer<typeof fillSchema>;

export const DEFAULT_TRADING: TradingConfig = tradingSchema.parse({});
