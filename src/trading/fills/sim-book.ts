/**
 * The simulated account both the paper broker and the order-level backtest keep: cash, signed
 * positions, marks, and the open orders, filled bar by bar through `simulateFill`. One class, so
 * the two cannot drift apart in how a fill moves cash or when an order expires.
 *
 * An order submitted while bar t is the newest can first fill in bar t+1 (`fillBar` of the next
 * slice). Day and IOC orders that are not complete after that bar expire; GTC orders stay.
 */
import type { FillConfig } from "../schema.js";
import { signedQuantity, type Fill, type Order, type OrderRequest, type OrderStatus } from "../orders/types.js";
import { simulateFill } from "./fill-model.js";
import type { BarSlice } from "./quote.js";

export interface BookPosition {
  quantity: number;
  averagePrice: number;
  marketPrice: number;
}

export class SimBook {
  cash: number;
  readonly positions = new Map<string, BookPosition>();
  /** Open orders in submission order. */
  readonly open: Order[] = [];

  constructor(
    initialCash: number,
    private readonly fill: FillConfig,
    private readonly lot: number,
  ) {
    this.cash = initialCash;
  }

  equity(): number {
    let e = this.cash;
    for (const p of this.positions.values()) e += p.quantity * p.marketPrice;
    return e;
  }

  quantity(symbol: string): number {
    return this.positions.get(symbol)?.quantity ?? 0;
  }

  /**
   * Fills the open orders against the slice (in submission order), applies the fills, expires what
   * the time in force ends, and marks positions to the bar's closes. Returns the fills and every
   * order whose status changed.
   */
  fillBar(slice: BarSlice, fillId: (order: Order, n: number) => string): { fills: Fill[]; changed: Order[] } {
    const index = new Map<string, number>();
    slice.symbols.forEach((s, i) => index.set(s, i));
    const fills: Fill[] = [];
    const changed: Order[] = [];
    const still: Order[] = [];
    for (const order of this.open) {
      const s = index.get(order.symbol);
      const q = s === undefined ? undefined : slice.quotes[s];
      const r = q === undefined ? null : simulateFill({ side: order.side, type: order.type, remaining: order.quantity - order.filledQuantity, limitPrice: order.limitPrice, stopPrice: order.stopPrice }, q, this.fill, this.lot);
      let touched = false;
      if (r !== null) {
        const prior = order.filledQuantity;
        order.averagePrice = prior === 0 ? r.price : (order.averagePrice * prior + r.price * r.quantity) / (prior + r.quantity);
        order.filledQuantity = prior + r.quantity;
        const f: Fill = { fillId: fillId(order, fills.length), clientOrderId: order.clientOrderId, symbol: order.symbol, side: order.side, quantity: r.quantity, price: r.price, commission: r.commission, time: slice.time };
        this.apply(f);
        fills.push(f);
        touched = true;
      }
      let status: OrderStatus = order.filledQuantity >= order.quantity ? "filled" : order.filledQuantity > 0 ? "partially_filled" : "new";
      if (status !== "filled" && order.timeInForce !== "gtc") status = "expired";
      if (status !== order.status) {
        order.status = status;
        touched = true;
      }
      if (touched) changed.push(order);
      if (status === "new" || status === "partially_filled") still.push(order);
    }
    this.open.length = 0;
    this.open.push(...still);
    this.mark(slice);
    return { fills, changed };
  }

  /** Marks every position to the slice's close where the symbol has one. */
  mark(slice: BarSlice): void {
    slice.symbols.forEach((sym, s) => {
      const p = this.positions.get(sym);
      const c = slice.quotes[s].close;
      if (p !== undefined && Number.isFinite(c)) p.marketPrice = c;
    });
  }

  private apply(f: Fill): void {
    const d = signedQuantity(f.side, f.quantity);
    this.cash -= d * f.price + f.commission;
    const p = this.positions.get(f.symbol) ?? { quantity: 0, averagePrice: 0, marketPrice: f.price };
    const q = p.quantity + d;
    // Average price: of the open position; reset when it crosses zero, kept when it shrinks.
    if (q === 0) p.averagePrice = 0;
    else if (Math.sign(q) !== Math.sign(p.quantity)) p.averagePrice = f.price;
    else if (Math.abs(q) > Math.abs(p.quantity)) p.averagePrice = (p.averagePrice * p.quantity + f.price * d) / q;
    p.quantity = q;
    if (q === 0) this.positions.delete(f.symbol);
    else this.positions.set(f.symbol, p);
  }
}

/** Why a simulated venue refuses an order at submission, or null when it accepts it. */
export function rejectionReason(r: OrderRequest, symbols: ReadonlySet<string>, lot: number): string | null {
  if (!symbols.has(r.symbol)) return `unknown symbol ${r.symbol}`;
  if (!(Number.isInteger(r.quantity) && r.quantity > 0 && r.quantity % lot === 0)) return `quantity ${r.quantity} is not a positive multiple of the lot size ${lot}`;
  const needLimit = r.type === "limit" || r.type === "stop_limit";
  const needStop = r.type === "stop" || r.type === "stop_limit";
  if (needLimit && !(typeof r.limitPrice === "number" && r.limitPrice > 0)) return `a ${r.type} order needs a positive limit price`;
  if (needStop && !(typeof r.stopPrice === "number" && r.stopPrice > 0)) return `a ${r.type} order needs a positive stop price`;
  return null;
}
