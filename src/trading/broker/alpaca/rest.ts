/**
 * The SDK's REST clients, configured once, and the one way every call goes out: through
 * `withRetry` (429, 5xx, timeouts and cut connections retried with jittered backoff and a logged
 * line), with failures rethrown as masked FoxmlErrors. The SDK's own retry is off, so there is one
 * retry policy, ours, and it also covers order POSTs: resubmitting a client order id is safe
 * because Alpaca refuses a duplicate (broker.ts turns that refusal into the order it holds).
 */
import { marketData, RateLimitError, trading } from "@alpacahq/alpaca-trade-api";
import { withRetry } from "../backoff.js";
import type { Rng } from "../../../util/random.js";
import type { LoopLog } from "../../loop/trading-loop.js";
import type { AlpacaCredentials } from "./credentials.js";
import type { AlpacaEndpoints } from "./endpoints.js";
import { alpacaError, describeError, isRetryable, statusOf } from "./errors.js";
import type { AlpacaConfig } from "./schema.js";

export interface RestHooks {
  sleep?: (ms: number) => Promise<void>;
  random?: Rng;
}

export class AlpacaRest {
  readonly account: trading.AccountsApi;
  readonly positions: trading.PositionsApi;
  readonly orders: trading.OrdersApi;
  readonly clock: trading.ClockApi;
  readonly calendar: trading.CalendarApi;
  readonly activities: trading.AccountActivitiesApi;
  readonly stocks: marketData.StockApi;

  constructor(
    endpoints: AlpacaEndpoints,
    private readonly creds: AlpacaCredentials,
    private readonly cfg: AlpacaConfig,
    private readonly log: LoopLog,
    private readonly hooks: RestHooks = {},
  ) {
    const shared = {
      keyId: creds.keyId,
      secret: creds.secret,
      timeoutMs: cfg.timeout_ms,
      rateLimit: cfg.rate_limit_per_minute === null ? undefined : { maxRequests: cfg.rate_limit_per_minute, intervalMs: 60_000 },
    };
    const tradingConf = new trading.Configuration({ ...shared, basePath: endpoints.trading });
    const dataConf = new marketData.Configuration({ ...shared, basePath: endpoints.data });
    this.account = new trading.AccountsApi(tradingConf);
    this.positions = new trading.PositionsApi(tradingConf);
    this.orders = new trading.OrdersApi(tradingConf);
    this.clock = new trading.ClockApi(tradingConf);
    this.calendar = new trading.CalendarApi(tradingConf);
    this.activities = new trading.AccountActivitiesApi(tradingConf);
    this.stocks = new marketData.StockApi(dataConf);
  }

  /**
   * Runs one request with retries. `accept` turns an error into a result (a 404 meaning "none", a
   * 422 meaning "already there"); anything else not retryable is rethrown as a FoxmlError.
   */
  async call<T>(what: string, fn: () => Promise<T>, accept?: (error: unknown) => Promise<T | typeof NOT_ACCEPTED> | T | typeof NOT_ACCEPTED): Promise<T> {
    const { retry } = this.cfg;
    try {
      return await withRetry(
        async () => {
          try {
            return await fn();
          } catch (error) {
            if (accept !== undefined) {
              const r = await accept(error);
              if (r !== NOT_ACCEPTED) return r as T;
            }
            // A 429 saying when the window resets (Retry-After / X-RateLimit-Reset) is waited out
            // first, within max_ms; the backoff's own jittered delay follows.
            const wait = error instanceof RateLimitError ? Math.min(error.retryAfterMs ?? 0, retry.max_ms) : 0;
            if (wait > 0) await (this.hooks.sleep ?? sleepMs)(wait);
            throw error;
          }
        },
        { baseMs: retry.base_ms, maxMs: retry.max_ms, retries: retry.retries },
        {
          retryable: isRetryable,
          onRetry: (error, attempt, delayMs) =>
            this.log.warn(`alpaca: ${what} failed, retrying`, { attempt: attempt + 1, of: retry.retries, delay_ms: delayMs, status: statusOf(error) ?? null, error: describeError(error, this.creds.masker) }),
          sleep: this.hooks.sleep,
          random: this.hooks.random,
        },
      );
    } catch (error) {
      throw alpacaError(what, error, this.creds.masker);
    }
  }
}

const sleepMs = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** `accept`'s answer for an error it does not turn into a result. */
export const NOT_ACCEPTED: unique symbol = Symbol("not accepted");
