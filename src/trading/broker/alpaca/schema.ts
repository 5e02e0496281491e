/**
 * The `pipeline.trading.alpaca` block: where the Alpaca connector talks to and how patiently.
 * Keys are never configured here: they come only from APCA_API_KEY_ID / APCA_API_SECRET_KEY in the
 * environment (credentials.ts), so no config file, manifest or log can hold them.
 *
 * Paper is the default; live trading needs `paper: false` written out. The URL overrides exist for
 * proxies and for the tests' local fake server.
 */
import { z } from "zod";
import { STANDARD_INTERVALS } from "../../../data/types.js";

const httpUrl = z.url({ protocol: /^https?$/, error: "use an http(s):// URL" });
const wsUrl = z.url({ protocol: /^wss?$/, error: "use a ws(s):// URL" });

const retrySchema = z.strictObject({
  base_ms: z.number().int().min(0).default(250).describe("delay cap of the first retry in ms (full jitter: each delay is uniform in [0, cap], the cap doubling per retry)"),
  max_ms: z.number().int().min(0).default(30_000).describe("largest delay between two retries, ms"),
  retries: z.number().int().min(0).max(100).default(5).describe("retries after the first attempt of a request answered 429, 5xx, timed out or cut off; 0 = never retry"),
});

const streamSchema = z.strictObject({
  reconnect_base_ms: z.number().int().min(0).default(500).describe("delay cap of the first reconnect of the trade-updates stream, ms"),
  reconnect_max_ms: z.number().int().min(0).default(30_000).describe("largest delay between two reconnects, ms"),
  reconnect_retries: z
    .number()
    .int()
    .min(0)
    .max(1000)
    .default(10)
    .describe("reconnects per round; after a round fails a warning is logged and a new round starts (the stream never gives up while the broker is open)"),
  connect_timeout_ms: z.number().int().min(1).default(15_000).describe("an attempt that is not authenticated and listening within this many ms is abandoned and retried"),
  ping_interval_ms: z.number().int().min(0).default(10_000).describe("keepalive ping interval (0 = off); a missing pong drops the socket, which reconnects"),
  recovery_window_ms: z
    .number()
    .int()
    .min(0)
    .default(300_000)
    .describe("after a reconnect, fills executed from this long before the drop are fetched from account activities and the missed ones delivered (duplicates are dropped)"),
});

export const alpacaSchema = z.strictObject({
  paper: z.boolean().default(true).describe("trade on the paper endpoint (paper-api.alpaca.markets); false = LIVE trading with real money on api.alpaca.markets"),
  base_url: httpUrl.nullable().default(null).describe("trading REST endpoint override (a proxy, a test server); null = the paper or live host"),
  data_url: httpUrl.nullable().default(null).describe("market-data REST endpoint override; null = https://data.alpaca.markets"),
  stream_url: wsUrl.nullable().default(null).describe("trade-updates WebSocket override; null = base_url with ws(s):// and /stream, or the paper or live stream"),
  feed: z.enum(["iex", "sip"]).default("iex").describe("market-data feed of the bars: iex (free plan) or sip (all US exchanges, paid plan)"),
  timeframe: z.enum(STANDARD_INTERVALS).default("1d").describe("bar size the live feed asks for (the model's bar interval)"),
  adjustment: z.enum(["raw", "split", "dividend", "all"]).default("raw").describe("corporate-action adjustment of the bars (as the training data was adjusted)"),
  timeout_ms: z.number().int().min(1).default(10_000).describe("a REST request unanswered after this many ms is abandoned and retried"),
  rate_limit_per_minute: z
    .number()
    .int()
    .min(1)
    .nullable()
    .default(200)
    .describe("client-side cap of REST requests per minute and host (Alpaca allows about 200); null = no cap, rely on 429 retries"),
  retry: retrySchema.prefault({}).describe("retries of REST requests (429, 5xx, timeouts, dropped connections)"),
  stream: streamSchema.prefault({}).describe("the trade-updates WebSocket: reconnects and recovery of fills missed while it was down"),
});

export type AlpacaConfig = z.infer<typeof alpacaSchema>;
