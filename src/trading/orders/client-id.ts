/**
 * Deterministic client order ids: one per (model, bar, symbol, intent). The same decision made
 * again (a loop restarted after a crash re-deciding the bar it died in) gets the same id, and
 * brokers refuse a second order with an id they hold, so it can never double an order.
 *
 * 32 characters of [a-z0-9]: inside Alpaca's 128-character limit and the TWS orderRef field.
 */
import { hashJson } from "../../util/hash.js";
import type { OrderIntent } from "./types.js";

export function clientOrderId(modelId: string, barTime: number, symbol: string, intent: OrderIntent): string {
  return `fx${hashJson([modelId, barTime, symbol, intent]).slice(0, 30)}`;
}
