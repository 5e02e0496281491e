/**
 * Field layouts of the messages the fake TWS speaks, at SERVER_VERSION 176 (TWS / IB Gateway
 * 10.19, the stable releases of 2023): the layouts @stoqey/ib 1.6.10 encodes (client -> server,
 * src/core/io/encoder.ts) and decodes (server -> client, src/core/io/decoder.ts) at that version.
 * The decoder checks a message is consumed exactly, so a field too many or too few here fails the
 * connector's tests with "unprocessed data" / "underrun" errors.
 */
import type { Field, Tokens } from "./wire.js";

export const SERVER_VERSION = 176;

/** Client -> server message ids (OUT_MSG_ID). */
export const OUT = {
  PLACE_ORDER: 3,
  CANCEL_ORDER: 4,
  REQ_OPEN_ORDERS: 5,
  REQ_EXECUTIONS: 7,
  REQ_IDS: 8,
  REQ_ALL_OPEN_ORDERS: 16,
  REQ_MANAGED_ACCTS: 17,
  REQ_HISTORICAL_DATA: 20,
  CANCEL_HISTORICAL_DATA: 25,
  REQ_CURRENT_TIME: 49,
  REQ_POSITIONS: 61,
  REQ_ACCOUNT_SUMMARY: 62,
  CANCEL_ACCOUNT_SUMMARY: 63,
  CANCEL_POSITIONS: 64,
  START_API: 71,
  REQ_COMPLETED_ORDERS: 99,
} as const;

/** Server -> client message ids (IN_MSG_ID). */
const IN = {
  ORDER_STATUS: 3,
  ERR_MSG: 4,
  OPEN_ORDER: 5,
  NEXT_VALID_ID: 9,
  EXECUTION_DATA: 11,
  MANAGED_ACCTS: 15,
  HISTORICAL_DATA: 17,
  CURRENT_TIME: 49,
  OPEN_ORDER_END: 53,
  EXECUTION_DATA_END: 55,
  COMMISSION_REPORT: 59,
  POSITION: 61,
  POSITION_END: 62,
  ACCOUNT_SUMMARY: 63,
  ACCOUNT_SUMMARY_END: 64,
  COMPLETED_ORDER: 101,
  COMPLETED_ORDERS_END: 102,
} as const;

export interface FakeContract {
  conId: number;
  symbol: string;
  secType: string;
  lastTradeDateOrContractMonth: string;
  multiplier: string;
  exchange: string;
  primaryExch: string;
  currency: string;
  localSymbol: string;
  tradingClass: string;
}

export interface FakeOrderFields {
  action: "BUY" | "SELL";
  totalQuantity: number;
  orderType: string;
  lmtPrice?: number;
  auxPrice?: number;
  tif: string;
  account: string;
  orderRef: string;
  transmit: boolean;
}

export interface PlacedOrder {
  orderId: number;
  contract: FakeContract;
  order: FakeOrderFields;
}

const num = (s: string | undefined): number | undefined => (s === undefined || s === "" ? undefined : Number(s));

/** placeOrder at 176: [3, id, conId, symbol, secType, expiry, strike, right, multiplier, exchange, primaryExch, currency, localSymbol, tradingClass, secIdType, secId, action, totalQuantity, orderType, lmtPrice, auxPrice, tif, ocaGroup, account, openClose, origin, orderRef, transmit, ...]. */
export function decodePlaceOrder(t: Tokens): PlacedOrder {
  const contract: FakeContract = {
    conId: num(t[2]) ?? 0,
    symbol: t[3],
    secType: t[4],
    lastTradeDateOrContractMonth: t[5],
    multiplier: t[8],
    exchange: t[9],
    primaryExch: t[10],
    currency: t[11],
    localSymbol: t[12],
    tradingClass: t[13],
  };
  const order: FakeOrderFields = {
    action: t[16] as "BUY" | "SELL",
    totalQuantity: Number(t[17]),
    orderType: t[18],
    lmtPrice: num(t[19]),
    auxPrice: num(t[20]),
    tif: t[21],
    account: t[23],
    orderRef: t[26],
    transmit: t[27] === "1",
  };
  return { orderId: Number(t[1]), contract, order };
}

/** reqExecutions at 176: [7, 3, reqId, clientId, acctCode, time, symbol, secType, exchange, side]. */
export function decodeReqExecutions(t: Tokens): { reqId: number; clientId?: number; account: string; time: string; symbol: string; secType: string; side: string } {
  return { reqId: Number(t[2]), clientId: num(t[3]), account: t[4] ?? "", time: t[5] ?? "", symbol: t[6] ?? "", secType: t[7] ?? "", side: t[9] ?? "" };
}

/** reqHistoricalData at 176: [20, reqId, conId, symbol, secType, expiry, strike, right, multiplier, exchange, primaryExch, currency, localSymbol, tradingClass, includeExpired, endDateTime, barSize, duration, useRTH, whatToShow, formatDate, keepUpToDate, chartOptions]. */
export function decodeReqHistoricalData(t: Tokens): { reqId: number; symbol: string; secType: string; currency: string; endDateTime: string; barSize: string; duration: string; useRTH: boolean; whatToShow: string; formatDate: number } {
  return { reqId: Number(t[1]), symbol: t[3], secType: t[4], currency: t[11], endDateTime: t[15], barSize: t[16], duration: t[17], useRTH: t[18] === "1", whatToShow: t[19], formatDate: Number(t[20]) };
}

const contractFields = (c: FakeContract): Field[] => [c.conId, c.symbol, c.secType, c.lastTradeDateOrContractMonth, 0, "", c.multiplier, c.exchange, c.currency, c.localSymbol, c.tradingClass];

export const nextValidId = (id: number): Field[] => [IN.NEXT_VALID_ID, 1, id];
export const managedAccounts = (accounts: readonly string[]): Field[] => [IN.MANAGED_ACCTS, 1, accounts.join(",")];
/** id -1 is a notice about the connection (1100, 1102, 2104...), otherwise the request / order id. */
export const errMsg = (id: number, code: number, msg: string): Field[] => [IN.ERR_MSG, 2, id, code, msg, ""];
export const currentTime = (seconds: number): Field[] => [IN.CURRENT_TIME, 1, seconds];

export interface FakeOrderState {
  orderId: number;
  permId: number;
  clientId: number;
  contract: FakeContract;
  order: FakeOrderFields;
  /** TWS status text: PreSubmitted, Submitted, Filled, Cancelled, Inactive... */
  status: string;
  filled: number;
  avgFillPrice: number;
  lastFillPrice: number;
}

/** orderStatus at >= MARKET_CAP_PRICE: no version field. */
export const orderStatus = (o: FakeOrderState): Field[] => [IN.ORDER_STATUS, o.orderId, o.status, o.filled, o.order.totalQuantity - o.filled, o.avgFillPrice, o.permId, 0, o.lastFillPrice, o.clientId, "", 0];

/** openOrder at 176 (>= ORDER_CONTAINER: no version field; the order decoder's version is the server version). */
export function openOrder(o: FakeOrderState): Field[] {
  const q = o.order;
  return [
    IN.OPEN_ORDER,
    o.orderId,
    ...contractFields(o.contract),
    q.action, q.totalQuantity, q.orderType, q.lmtPrice ?? "", q.auxPrice ?? "", q.tif,
    "", q.account, "O", 0, q.orderRef, o.clientId, o.permId,
    0, 0, 0, "", "", // outsideRth, hidden, discretionaryAmt, goodAfterTime, sharesAllocation
    "", "", "", "", // faGroup, faMethod, faPercentage, faProfile (< FA_PROFILE_DESUPPORT 177)
    "", "", "", "", "", // modelCode, goodTillDate, rule80A, percentOffset, settlingFirm
    0, "", -1, 0, // shortSaleSlot, designatedLocation, exemptCode, auctionStrategy
    "", "", "", "", "", "", // startingPrice, stockRefPrice, delta, stockRangeLower, stockRangeUpper, displaySize
    0, 0, 0, "", 0, 0, 0, "", 0, 0, // blockOrder, sweepToFill, allOrNone, minQty, ocaType, eTradeOnly, firmQuoteOnly, nbboPriceCap, parentId, triggerMethod
    "", 0, "", "", 0, 0, // volatility, volatilityType, deltaNeutralOrderType (empty: no delta-neutral fields), deltaNeutralAuxPrice, continuousUpdate, referencePriceType
    "", "", "", "", // trailStopPrice, trailingPercent, basisPoints, basisPointsType
    "", 0, 0, 0, // comboLegsDescription, comboLegs count, orderComboLegs count, smartComboRoutingParams count
    "", "", "", // scaleInitLevelSize, scaleSubsLevelSize, scalePriceIncrement (empty: no scale fields)
    "", 0, "", "", 0, 0, "", 0, // hedgeType (empty), optOutSmartRouting, clearingAccount, clearingIntent, notHeld, deltaNeutral contract (none), algoStrategy (empty), solicited
    0, o.status, "", "", "", "", "", "", "", "", "", "", "", "", "", "", // whatIf, status, 6 margin "before/change" (>= WHAT_IF_EXT_FIELDS), 3 "after", commission, min, max, commissionCurrency, warningText
    0, 0, // randomizeSize, randomizePrice
    0, // conditions count (no PEG BENCH fields for these order types)
    "", "", "", "", "", "", "", 0, // adjustedOrderType, triggerPrice, trailStopPrice, lmtPriceOffset, adjustedStopPrice, adjustedStopLimitPrice, adjustedTrailingAmount, adjustableTrailingUnit
    "", "", "", // softDollarTier name, value, displayName
    "", 0, 0, 0, // cashQty, dontUseAutoPriceForHedge, isOmsContainer, discretionaryUpToLimitPrice
    "", "", "", 0, // usePriceMgmtAlgo, duration, postToAts, autoCancelParent
    "", "", "", "", "", // minTradeQty, minCompeteSize, competeAgainstBestOffset, midOffsetAtWhole, midOffsetAtHalf
  ];
}

export const openOrderEnd = (): Field[] => [IN.OPEN_ORDER_END, 1];

/**
 * completedOrder: no order id and no version field; the order decoder reads it with version
 * "infinite", so every version-gated field is there (and no faProfile, past FA_PROFILE_DESUPPORT).
 */
export function completedOrder(o: FakeOrderState, completedTime: string): Field[] {
  const q = o.order;
  return [
    IN.COMPLETED_ORDER,
    ...contractFields(o.contract),
    q.action, q.totalQuantity, q.orderType, q.lmtPrice ?? "", q.auxPrice ?? "", q.tif,
    "", q.account, "O", 0, q.orderRef, o.permId,
    0, 0, 0, "", // outsideRth, hidden, discretionaryAmt, goodAfterTime
    "", "", "", // faGroup, faMethod, faPercentage
    "", "", "", "", "", // modelCode, goodTillDate, rule80A, percentOffset, settlingFirm
    0, "", -1, // shortSaleSlot, designatedLocation, exemptCode
    "", "", "", "", "", "", // startingPrice, stockRefPrice, delta, stockRangeLower, stockRangeUpper, displaySize
    0, 0, "", 0, 0, // sweepToFill, allOrNone, minQty, ocaType, triggerMethod
    "", 0, "", "", 0, 0, // volatility, volatilityType, deltaNeutralOrderType (empty), deltaNeutralAuxPrice, continuousUpdate, referencePriceType
    "", "", // trailStopPrice, trailingPercent
    "", 0, 0, 0, // comboLegsDescription, comboLegs count, orderComboLegs count, smartComboRoutingParams count
    "", "", "", // scaleInitLevelSize, scaleSubsLevelSize, scalePriceIncrement
    "", "", "", 0, 0, "", 0, // hedgeType, clearingAccount, clearingIntent, notHeld, deltaNeutral contract, algoStrategy, solicited
    o.status, 0, 0, 0, // status, randomizeSize, randomizePrice, conditions count
    "", "", "", 0, 0, // trailStopPrice, lmtPriceOffset, cashQty, dontUseAutoPriceForHedge, isOmsContainer
    "", o.filled, 0, 0, "", 0, 0, 0, // autoCancelDate, filledQuantity, refFuturesConId, autoCancelParent, shareholder, imbalanceOnly, routeMarketableToBbo, parentPermId
    completedTime, o.status, // completedTime, completedStatus
    "", "", "", "", "", // minTradeQty, minCompeteSize, competeAgainstBestOffset, midOffsetAtWhole, midOffsetAtHalf
  ];
}

export const completedOrdersEnd = (): Field[] => [IN.COMPLETED_ORDERS_END];

export interface FakeExecution {
  orderId: number;
  clientId: number;
  permId: number;
  contract: FakeContract;
  execId: string;
  /** "yyyymmdd hh:mm:ss TZ", as TWS 10 writes it. */
  time: string;
  account: string;
  side: "BOT" | "SLD";
  shares: number;
  price: number;
  cumQty: number;
  avgPrice: number;
  orderRef: string;
  commission: number;
  currency: string;
  /** Epoch ms of the execution (not on the wire: the filter of reqExecutions compares it). */
  ms: number;
}

/** execDetails at >= LAST_LIQUIDITY: no version field; reqId -1 for an execution as it happens. */
export const execDetails = (reqId: number, e: FakeExecution): Field[] => [
  IN.EXECUTION_DATA, reqId, e.orderId, ...contractFields(e.contract),
  e.execId, e.time, e.account, e.contract.exchange, e.side, e.shares, e.price, e.permId, e.clientId, 0, e.cumQty, e.avgPrice, e.orderRef,
  "", "", "", 1, // evRule, evMultiplier, modelCode, lastLiquidity (no pendingPriceRevision below 178)
];
export const execDetailsEnd = (reqId: number): Field[] => [IN.EXECUTION_DATA_END, 1, reqId];
export const commissionReport = (e: FakeExecution): Field[] => [IN.COMMISSION_REPORT, 1, e.execId, e.commission, e.currency, "", "", ""];

export const position = (account: string, c: FakeContract, quantity: number, avgCost: number): Field[] => [IN.POSITION, 3, account, ...contractFields(c), quantity, avgCost];
export const positionEnd = (): Field[] => [IN.POSITION_END, 1];
export const accountSummary = (reqId: number, account: string, tag: string, value: string, currency: string): Field[] => [IN.ACCOUNT_SUMMARY, 1, reqId, account, tag, value, currency];
export const accountSummaryEnd = (reqId: number): Field[] => [IN.ACCOUNT_SUMMARY_END, 1, reqId];

export interface FakeBar {
  /** formatDate 2: epoch seconds as text. */
  date: string;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  wap: number;
  count: number;
}

/** historicalData at >= SYNT_REALTIME_BARS: no version, no hasGaps. */
export const historicalData = (reqId: number, start: string, end: string, bars: readonly FakeBar[]): Field[] => [
  IN.HISTORICAL_DATA, reqId, start, end, bars.length,
  ...bars.flatMap((b) => [b.date, b.open, b.high, b.low, b.close, b.volume, b.wap, b.count]),
];
