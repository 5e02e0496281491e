/**
 * Target weights -> whole-lot target positions -> the orders that get there. Sizing already keeps
 * targets inside the per-symbol and exposure limits (so the guardrails, the hard check after it,
 * rarely have to block), and orders are listed reductions first, so exposure freed by selling is
 * there when the buys are checked.
 */
import type { RiskConfig } from "../schema.js";
import type { Side } from "../orders/types.js";

export interface SizingInputs {
  symbols: readonly string[];
  weights: Float64Array;
  equity: number;
  /** Decision-bar close per symbol (NaN where none). */
  prices: Float64Array;
  lot: number;
  risk: RiskConfig;
}

/** Signed whole-lot shares per symbol; NaN where the symbol has no price (keep what is held). */
export function targetShares(o: SizingInputs): Float64Array {
  const S = o.symbols.length;
  const out = new Float64Array(S);
  let gross = 0;
  let net = 0;
  for (let s = 0; s < S; s++) {
    const p = o.prices[s];
    if (!(p > 0)) {
      out[s] = NaN;
      continue;
    }
    let q = (o.weights[s] * o.equity) / p;
    if (o.risk.max_position_shares !== null) q = clampAbs(q, o.risk.max_position_shares);
    if (o.risk.max_position_notional !== null) q = clampAbs(q, o.risk.max_position_notional / p);
    out[s] = q;
    gross += Math.abs(q) * p;
    net += q * p;
  }
  let f = 1;
  if (o.risk.max_gross_exposure !== null && gross > o.risk.max_gross_exposure * o.equity) f = Math.min(f, (o.risk.max_gross_exposure * o.equity) / gross);
  if (o.risk.max_net_exposure !== null && Math.abs(net) > o.risk.max_net_exposure * o.equity) f = Math.min(f, (o.risk.max_net_exposure * o.equity) / Math.abs(net));
  for (let s = 0; s < S; s++) if (Number.isFinite(out[s])) out[s] = Math.trunc((out[s] * f) / o.lot) * o.lot + 0;
  return out;
}

const clampAbs = (x: number, m: number) => (x > m ? m : x < -m ? -m : x);

export interface OrderIntentRow {
  symbol: string;
  side: Side;
  quantity: number;
}

/** Orders from `current` (held + open, signed) to `target`: reductions first, then additions, each in symbol order. */
export function ordersToTarget(symbols: readonly string[], target: Float64Array, current: (symbol: string) => number): OrderIntentRow[] {
  const reduce: OrderIntentRow[] = [];
  const add: OrderIntentRow[] = [];
  symbols.forEach((symbol, s) => {
    const want = target[s];
    if (!Number.isFinite(want)) return;
    const have = current(symbol);
    const d = want - have;
    if (d === 0) return;
    const row: OrderIntentRow = { symbol, side: d > 0 ? "buy" : "sell", quantity: Math.abs(d) };
    // A flip (long to short) counts as an addition: it adds exposure on the other side.
    (Math.abs(want) < Math.abs(have) && Math.sign(want) !== -Math.sign(have) ? reduce : add).push(row);
  });
  return [...reduce, ...add];
}
