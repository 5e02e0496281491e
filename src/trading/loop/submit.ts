/**
 * Sending one order so that its client id reaches the broker's accept path at most once.
 *
 * A submission that fails with a transient error (429, 5xx, a timeout, a dropped connection) may
 * or may not have been accepted: the response can be lost after the broker took the order. So a
 * retry first asks the broker for the client id, and submits again only when the broker does not
 * hold it. Brokers also refuse a duplicate client id, but an order the loop knows it sent is not
 * sent again even then. Any other error (a 4xx: the broker refused the request) means the order
 * never existed. When the retries run out the outcome is unknown: the caller keeps the journal row
 * pending and resolves it with the broker at the next bar.
 */
import { withRetry, type BackoffOptions, type RetryHooks } from "../broker/backoff.js";
import type { Broker } from "../broker/types.js";
import type { Order, OrderRequest } from "../orders/types.js";

export type SubmitOutcome = { kind: "placed"; order: Order } | { kind: "refused"; reason: string } | { kind: "unknown"; reason: string };

export interface SubmitRetry {
  backoff: BackoffOptions;
  sleep?: RetryHooks["sleep"];
  onRetry?: RetryHooks["onRetry"];
}

const TRANSIENT_CODES = new Set(["ETIMEDOUT", "ECONNRESET", "ECONNREFUSED", "ECONNABORTED", "EPIPE", "EAI_AGAIN", "ENOTFOUND", "ENETUNREACH", "EHOSTUNREACH", "UND_ERR_SOCKET", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "ERR_SOCKET_CONNECTION_TIMEOUT"]);

/** HTTP status of an error, wherever a client library put it. */
function statusOf(e: unknown): number | undefined {
  if (typeof e !== "object" || e === null) return undefined;
  const o = e as { status?: unknown; statusCode?: unknown; response?: { status?: unknown } };
  for (const v of [o.status, o.statusCode, o.response?.status]) if (typeof v === "number") return v;
  return undefined;
}

/** 429, 5xx, timeouts and dropped connections: worth retrying. */
export function isTransientError(e: unknown): boolean {
  const status = statusOf(e);
  if (status !== undefined) return status === 429 || status === 408 || status >= 500;
  if (typeof e !== "object" || e === null) return false;
  const { code, name, transient } = e as { code?: unknown; name?: unknown; transient?: unknown };
  if (transient === true) return true;
  if (typeof code === "string" && TRANSIENT_CODES.has(code)) return true;
  return name === "TimeoutError" || name === "AbortError";
}

export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export async function submitOnce(broker: Broker, request: OrderRequest, retry: SubmitRetry): Promise<SubmitOutcome> {
  let lastError: unknown;
  try {
    const order = await withRetry(
      async (attempt) => {
        if (attempt > 0) {
          const held = await broker.orderByClientId(request.clientOrderId);
          if (held !== undefined) return held;
        }
        try {
          return await broker.submit(request);
        } catch (e) {
          lastError = e;
          throw e;
        }
      },
      retry.backoff,
      { retryable: isTransientError, sleep: retry.sleep, onRetry: retry.onRetry },
    );
    return { kind: "placed", order };
  } catch (e) {
    if (isTransientError(e)) return { kind: "unknown", reason: errorText(e) };
    // A lookup that failed for good after a transient submission error leaves the outcome open too.
    if (lastError !== e && isTransientError(lastError)) return { kind: "unknown", reason: errorText(e) };
    return { kind: "refused", reason: errorText(e) };
  }
}
