/**
 * The columns of tick files. A file without a `close` column is read as ticks when it has
 * `bid` and `ask` (quotes, optionally `bid_size`/`ask_size`) or `price` (trades, optionally
 * `size`); one file may hold both kinds of rows (a row with a price is a trade, a row with bid
 * and ask a quote, a row with all three is both). Names are matched in any letter case, with
 * the aliases below.
 */

export const TICK_COLUMNS = ["bid", "ask", "bid_size", "ask_size", "price", "size"] as const;
export type TickColumn = (typeof TICK_COLUMNS)[number];

/**
 * Header names by their normalized form (lower case, letters and digits only, so `bid_size`,
 * `bidSize` and `Bid Size` are one name), as vendors write them: kdb+ tick schemas (bidSize,
 * bsize), Polygon-style bid_price / ask_price, Dukascopy exports (Ask, Bid, AskVolume, BidVolume).
 */
const ALIASES: Record<string, TickColumn> = {
  bid: "bid",
  bidprice: "bid",
  bidpx: "bid",
  ask: "ask",
  askprice: "ask",
  askpx: "ask",
  offer: "ask",
  offerprice: "ask",
  bidsize: "bid_size",
  bidqty: "bid_size",
  bidvolume: "bid_size",
  bsize: "bid_size",
  asksize: "ask_size",
  askqty: "ask_size",
  askvolume: "ask_size",
  asize: "ask_size",
  offersize: "ask_size",
  price: "price",
  tradeprice: "price",
  last: "price",
  lastprice: "price",
  size: "size",
  tradesize: "size",
  lastsize: "size",
  qty: "size",
  quantity: "size",
  volume: "size",
};

/** The tick column a header name stands for, or null. */
export function tickColumnOf(name: string): TickColumn | null {
  return ALIASES[name.toLowerCase().replace(/[^a-z0-9]/g, "")] ?? null;
}

/** What a set of tick columns can describe. */
export function tickLayoutOf(cols: ReadonlySet<TickColumn>): { quotes: boolean; trades: boolean } {
  return { quotes: cols.has("bid") && cols.has("ask"), trades: cols.has("price") };
}

/** The aliases, for messages. */
export const TICK_COLUMNS_HINT =
  "bars need a close column; tick files need bid and ask (quotes, with optional bid_size/ask_size) or price (trades, with optional size)";
