/**
 * What an SDK failure means for us: retryable (429, 408, 5xx, a timeout, a cut connection) or not,
 * and a message without secrets. Errors are rethrown as new FoxmlErrors carrying only masked text,
 * never the SDK error itself: its `response` and `cause` can hold request details.
 */
import { ApiError, FetchError } from "@alpacahq/alpaca-trade-api";
import type { SecretMasker } from "../../../log/redact.js";
import { FoxmlError } from "../../../util/errors.js";
import type { LoopLog } from "../../loop/trading-loop.js";

/** The HTTP status of an SDK error, when it has one. */
export function statusOf(error: unknown): number | undefined {
  return error instanceof ApiError ? error.status : undefined;
}

export function isTimeout(error: unknown): boolean {
  return error instanceof FetchError && (error.cause as { name?: string } | undefined)?.name === "TimeoutError";
}

/** 429, 408, 5xx, timeouts and failed connections: worth another attempt. */
export function isRetryable(error: unknown): boolean {
  // A deliberate abort is not retried; a timeout (the deadline's TimeoutError) and network failures are.
  if (error instanceof FetchError) return (error.cause as { name?: string } | undefined)?.name !== "AbortError";
  const status = statusOf(error);
  return status !== undefined && (status === 429 || status === 408 || status >= 500);
}

/** Alpaca's answer to a second order with a client_order_id it already holds. */
export function isDuplicateClientId(error: unknown): boolean {
  return error instanceof ApiError && error.status === 422 && /client_order_id must be unique/i.test(error.message);
}

function networkCause(error: FetchError): string {
  const cause = error.cause as { message?: string; code?: string; cause?: { code?: string; message?: string } } | undefined;
  return cause?.cause?.code ?? cause?.code ?? cause?.cause?.message ?? cause?.message ?? "connection failed";
}

/** One line about the error, secrets masked: "HTTP 429: rate limit exceeded", "timed out", "connection failed (ECONNRESET)". */
export function describeError(error: unknown, masker: SecretMasker): string {
  let text: string;
  if (error instanceof ApiError) text = `HTTP ${error.status}: ${error.message}${error.requestId ? ` (request id ${error.requestId})` : ""}`;
  else if (isTimeout(error)) text = "timed out (no answer within timeout_ms)";
  else if (error instanceof FetchError) text = `connection failed (${networkCause(error)})`;
  else if (error instanceof Error) text = error.message;
  else text = String(error);
  return masker.mask(text);
}

/** A FoxmlError for a failed call, naming what was attempted and why it failed, with nothing secret in it. */
export function alpacaError(what: string, error: unknown, masker: SecretMasker): FoxmlError {
  if (error instanceof FoxmlError) return error;
  const status = statusOf(error);
  const hint =
    status === 401 || status === 403
      ? "check APCA_API_KEY_ID / APCA_API_SECRET_KEY and that they belong to the endpoint in use (paper keys only work with paper: true)"
      : isRetryable(error)
        ? "Alpaca or the network is failing; the request was retried (pipeline.trading.alpaca.retry) and kept failing"
        : undefined;
  return new FoxmlError(`alpaca: ${what} failed: ${describeError(error, masker)}`, { exitCode: 1, hint });
}

/** A LoopLog whose messages and fields are masked before they are written. */
export function maskedLog(log: LoopLog, masker: SecretMasker): LoopLog {
  const clean = (fields?: Record<string, unknown>) => (fields === undefined ? undefined : (JSON.parse(masker.maskJson(JSON.stringify(fields))) as Record<string, unknown>));
  return {
    info: (msg, fields) => log.info(masker.mask(msg), clean(fields)),
    warn: (msg, fields) => log.warn(masker.mask(msg), clean(fields)),
  };
}
