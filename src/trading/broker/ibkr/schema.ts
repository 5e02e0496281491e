/**
 * `pipeline.trading.ibkr`: how `foxml trade --broker ibkr` reaches TWS or IB Gateway and which
 * IB contract each of our symbols is. Strict: a misspelt key is an error, never a default silently
 * used for a live account.
 *
 * Ports: IB Gateway listens on 4002 (paper) and 4001 (live), TWS on 7497 (paper) and 7496 (live).
 * `port: null` takes the Gateway port of `mode`, so a live port is only ever used when `mode: live`
 * or the port is written out.
 */
import { z } from "zod";
import { isTimeZone } from "../../risk/hours.js";

const stockSchema = z.strictObject({
  sec_type: z.literal("STK"),
  symbol: z.string().min(1).optional().describe("IB symbol when it differs from the key (e.g. BRK B for BRK.B)"),
  exchange: z.string().min(1).default("SMART").describe("routing exchange"),
  primary_exchange: z.string().min(1).optional().describe("listing exchange, to disambiguate (e.g. NASDAQ, IBIS)"),
  currency: z.string().length(3).default("USD"),
});

const cashSchema = z.strictObject({
  sec_type: z.literal("CASH"),
  exchange: z.string().min(1).default("IDEALPRO").describe("FX venue; the pair comes from the key, BASE.QUOTE (e.g. USD.CHF)"),
});

const futureSchema = z.strictObject({
  sec_type: z.literal("FUT"),
  symbol: z.string().min(1).optional().describe("IB underlying symbol when it differs from the key (e.g. ES)"),
  exchange: z.string().min(1).describe("exchange of the future (e.g. CME, EUREX)"),
  expiry: z.string().regex(/^\d{6}(\d{2})?$/, "use YYYYMM or YYYYMMDD").describe("lastTradeDateOrContractMonth, YYYYMM or YYYYMMDD"),
  multiplier: z.number().gt(0).optional().describe("contract multiplier (e.g. 50 for ES); positions' average cost is divided by it"),
  currency: z.string().length(3).default("USD"),
  local_symbol: z.string().min(1).optional().describe("IB local symbol (e.g. ESH7), when the expiry alone is ambiguous"),
});

export const ibkrContractSchema = z.discriminatedUnion("sec_type", [stockSchema, cashSchema, futureSchema]);

const FX_PAIR = /^[A-Z]{3}\.[A-Z]{3}$/;

export const ibkrSchema = z
  .strictObject({
    mode: z.enum(["paper", "live"]).default("paper").describe("paper or live account; picks the default port (IB Gateway 4002 paper, 4001 live)"),
    host: z.string().min(1).default("127.0.0.1").describe("TWS / IB Gateway host (env IBKR_HOST overrides)"),
    port: z.number().int().min(1).max(65535).nullable().default(null).describe("API port; null = IB Gateway's port of `mode` (4002 paper, 4001 live); TWS: 7497 paper, 7496 live (env IBKR_PORT overrides)"),
    client_id: z.number().int().min(0).max(2_147_483_647).default(1).describe("API client id, unique per TWS session; keep it fixed so orders placed before a restart can be modified and cancelled (env IBKR_CLIENT_ID overrides)"),
    feed_client_id: z.number().int().min(0).max(2_147_483_647).nullable().default(null).describe("client id of the bar feed's own connection; null = client_id + 1"),
    account: z.string().min(1).nullable().default(null).describe("account id (e.g. DU1234567); null = the first of managedAccounts (env IBKR_ACCOUNT overrides)"),
    stocks: z.array(z.string().min(1)).default([]).describe("symbols traded as stocks on SMART in USD (shorthand for contracts entries with sec_type STK)"),
    fx: z.array(z.string().regex(FX_PAIR, "use BASE.QUOTE, e.g. USD.CHF")).default([]).describe("FX pairs traded as CASH on IDEALPRO, written BASE.QUOTE (e.g. USD.CHF, EUR.USD)"),
    contracts: z.record(z.string().min(1), ibkrContractSchema).default({}).describe("symbol -> IB contract, for futures and stocks that are not SMART/USD (overrides stocks / fx)"),
    time_zone: z.string().refine(isTimeZone, "not an IANA time zone name").default("America/New_York").describe("time zone of TWS's execution times when it writes none (its login time zone)"),
    connect_timeout_ms: z.number().int().min(100).default(10_000).describe("a connection attempt with no nextValidId by then is abandoned and retried"),
    request_timeout_ms: z.number().int().min(100).default(15_000).describe("longest wait for the answer to a request (open orders, positions, executions, account, an order's acknowledgement)"),
    heartbeat_ms: z.number().int().min(0).default(30_000).describe("a connected session asks TWS the time this often; no answer by the next beat means a dead socket and a reconnect (0 = off)"),
    commission_wait_ms: z.number().int().min(0).default(5_000).describe("an execution whose commission report has not come by then is recorded with commission 0 (and a warning)"),
    reconnect: z
      .strictObject({
        base_ms: z.number().int().min(1).default(1_000).describe("delay cap of the first retry"),
        max_ms: z.number().int().min(1).default(60_000).describe("largest delay between attempts"),
        retries: z.number().int().min(0).default(1_000).describe("attempts after the first before the connector gives up (1000 at 60 s covers a nightly reset many times over)"),
      })
      .prefault({})
      .describe("jittered exponential backoff of (re)connection attempts (after a dropped socket or the nightly reset)"),
    bars: z
      .strictObject({
        bar_size: z.string().min(1).default("1 day").describe("IB bar size setting (1 min, 5 mins, 1 hour, 1 day, ...)"),
        duration: z.string().regex(/^\d+ [SDWMY]$/, "use '<n> <S|D|W|M|Y>', e.g. '5 D'").default("1 M").describe("how far back each request reaches"),
        what_to_show: z.enum(["TRADES", "MIDPOINT", "BID", "ASK", "BID_ASK", "ADJUSTED_LAST"]).default("TRADES").describe("TRADES for stocks and futures, MIDPOINT for FX (CASH has no trades)"),
        use_rth: z.boolean().default(true).describe("regular trading hours only"),
      })
      .prefault({})
      .describe("the IBKR bar feed (reqHistoricalData)"),
  })
  .superRefine((v, ctx) => {
    for (const [key, c] of Object.entries(v.contracts)) {
      if (c.sec_type === "CASH" && !FX_PAIR.test(key)) ctx.addIssue({ code: "custom", path: ["contracts", key], message: `a CASH contract's key is its pair, BASE.QUOTE (e.g. USD.CHF), not ${JSON.stringify(key)}` });
    }
  });

export type IbkrConfig = z.infer<typeof ibkrSchema>;
export type IbkrContractConfig = z.infer<typeof ibkrContractSchema>;
