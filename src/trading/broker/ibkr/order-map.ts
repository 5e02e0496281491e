/**
 * Our order fields <-> the TWS API's: order types (MKT, LMT, STP, STP LMT), time in force, the
 * client order id in `orderRef` (which TWS keeps with the order and repeats in every execution),
 * and TWS order states -> ours.
 */
import { OrderAction, OrderType as IbOrderType, TimeInForce as IbTif, type Order as IbOrder } from "@stoqey/ib";
import type { OrderRequest, OrderStatus, OrderType, Side, TimeInForce } from "../../orders/types.js";

const TYPE_TO_IB: Record<OrderType, IbOrderType> = { market: IbOrderType.MKT, limit: IbOrderType.LMT, stop: IbOrderType.STP, stop_limit: IbOrderType.STP_LMT };
const TIF_TO_IB: Record<TimeInForce, IbTif> = { day: IbTif.DAY, gtc: IbTif.GTC, ioc: IbTif.IOC };

/** The TWS order of a request. `transmit` must be sent as true: TWS would otherwise only stage it. */
export function toIbOrder(r: OrderRequest, account: string): IbOrder {
  const o: IbOrder = {
    action: r.side === "buy" ? OrderAction.BUY : OrderAction.SELL,
    totalQuantity: r.quantity,
    orderType: TYPE_TO_IB[r.type],
    tif: TIF_TO_IB[r.timeInForce],
    orderRef: r.clientOrderId,
    account,
    transmit: true,
  };
  if (r.type === "limit" || r.type === "stop_limit") o.lmtPrice = r.limitPrice;
  if (r.type === "stop" || r.type === "stop_limit") o.auxPrice = r.stopPrice;
  return o;
}

export function typeFromIb(t: string | undefined): OrderType {
  switch (t) {
    case "LMT":
      return "limit";
    case "STP":
      return "stop";
    case "STP LMT":
      return "stop_limit";
    default:
      return "market";
  }
}

export function tifFromIb(t: string | undefined): TimeInForce {
  return t === "GTC" ? "gtc" : t === "IOC" ? "ioc" : "day";
}

export const sideFromAction = (a: string | undefined): Side => (a === "SELL" || a === "SSHORT" ? "sell" : "buy");
/** Executions say BOT / SLD. */
export const sideFromExecution = (s: string | undefined): Side => (s === "SLD" ? "sell" : "buy");

/**
 * TWS state -> ours. PendingSubmit / PreSubmitted / Submitted / ApiPending / PendingCancel are
 * working; Cancelled and ApiCancelled are cancelled (whatever filled before stays filled);
 * Inactive is TWS's state of an order it rejected or cannot route.
 */
export function statusFromIb(ib: string, filled: number, quantity: number): OrderStatus | undefined {
  switch (ib) {
    case "Filled":
      return "filled";
    case "Cancelled":
    case "ApiCancelled":
      return "canceled";
    case "Inactive":
      return "rejected";
    case "PendingSubmit":
    case "PreSubmitted":
    case "Submitted":
    case "ApiPending":
    case "PendingCancel":
      return filled >= quantity && quantity > 0 ? "filled" : filled > 0 ? "partially_filled" : "new";
    default:
      return undefined;
  }
}

/** Errors about an order that do not end it: warnings and confirmations. */
const NON_FATAL_ORDER_CODES = new Set([
  202, // order cancelled (the confirmation of a cancel)
  399, // order message warning (e.g. will be placed at the open)
  404, // shares must be located before a short sale: the order is held, not rejected
  2109, // outside RTH attribute ignored
  10147, 10148, // cancel of an order that is not found / not cancellable
  10167, // delayed market data
]);

/** Whether an error for an order id means the order was refused. */
export const isOrderRejection = (code: number): boolean => !NON_FATAL_ORDER_CODES.has(code) && !(code >= 2100 && code < 2200);
