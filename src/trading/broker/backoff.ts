/**
 * Retries and reconnects with jittered exponential backoff, shared by every remote connector
 * (Alpaca REST and stream, the IBKR socket). "Full jitter" (a uniform delay in [0, cap]) so many
 * clients cut off together do not come back in lockstep; the jitter draws from a seeded Rng so a
 * test replays the same delays.
 */
import { rng, type Rng } from "../../util/random.js";

export interface BackoffOptions {
  /** Delay cap of the first retry, ms. */
  baseMs: number;
  /** Largest delay, ms. */
  maxMs: number;
  /** Attempts after the first; 0 = never retry. */
  retries: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 250, maxMs: 30_000, retries: 5 };

/** The delay before retry number `attempt` (0-based): uniform in [0, min(max, base * 2^attempt)]. */
export function backoffDelay(attempt: number, o: Pick<BackoffOptions, "baseMs" | "maxMs">, random: Rng): number {
  const cap = Math.min(o.maxMs, o.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random.uniform() * cap);
}

export interface RetryHooks {
  /** Whether an error is worth retrying (429, 5xx, timeouts, dropped sockets); others rethrow. */
  retryable(error: unknown): boolean;
  /** Told before each wait (for a log line naming the error and the delay). */
  onRetry?(error: unknown, attempt: number, delayMs: number): void;
  /** Waits; tests pass a fake clock. */
  sleep?(ms: number): Promise<void>;
  random?: Rng;
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `fn`, retrying retryable failures with jittered backoff; the last error is rethrown. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, o: BackoffOptions, hooks: RetryHooks): Promise<T> {
  const random = hooks.random ?? rng("backoff");
  const sleep = hooks.sleep ?? realSleep;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= o.retries || !hooks.retryable(error)) throw error;
      const delay = backoffDelay(attempt, o, random);
      hooks.onRetry?.(error, attempt, delay);
      await sleep(delay);
    }
  }
}
