/**
 * The columns of tick files. A file without a `close` column is read as ticks when it has
 * `bid` and `ask` (quotes, optionally `bid_size`/`ask_size`) or `price` (trades, optionally
 * `size`); one file may hold both kinds of rows (a row with a price is a trade, a row with bid
 * and ask a quote, a row with all three is both). Names are matched in any letter case, with
 * the aliases below.
 */

export const TICK_COLUMNS = ["bid", "ask", "bid_size", "ask_size", "price", "size"] as const;
export type TickColumn = (typeof TICK_COLUMNS)[number];

const ALIASES: Record<string, TickColumn> = {
  bid: "bid",
  bid_price: "bid",
  bidprice: "bid",
  ask: "ask",
  ask_price: "ask",
  askprice: "ask",
  offer: "ask",
  bid_size: "bid_size",
  bidsize: "bid_size",
  bid_qty: "bid_size",
  ask_size: "ask_size",
  asksize: "ask_size",
  ask_qty: "ask_size",
  offer_size: "ask_size",
  price: "price",
  trade_price: "price",
  last: "price",
  size: "size",
  trade_size: "size",
  qty: "size",
  quantity: "size",
  volume: "size",
};

/** The tick column a header name stands for, or null. */
export function tickColumnOf(name: string): TickColumn | null {
  return ALIASES[name.trim().toLowerCase()] ?? null;
}

/** What a set of tick columns can describe. */
export function tickLayoutOf(cols: ReadonlySet<TickColumn>): { quotes: boolean; trades: boolean } {
  return { quotes: cols.has("bid") && cols.has("ask"), trades: cols.has("price") };
}

/** The aliases, for messages. */
export const TICK_COLUMNS_HINT =
  "bars need a close column; tick files need bid and ask (quotes, with optional bid_size/ask_size) or price (trades, with optional size)";
