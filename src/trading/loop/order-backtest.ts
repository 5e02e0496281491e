/**
 * The order-level backtest: the trading loop's decisions, guardrails and fills, run synchronously
 * on a SimBook with no broker, journal or client ids. It shares every piece that decides a trade
 * with the loop (Decider, checkOrder, readRisk, SimBook / simulateFill), so a paper replay of the
 * same model on the same bars must produce the same trades; the replay test holds the two to it,
 * which checks the loop's machinery (journal, idempotence, asynchronous broker) changes nothing.
 */
import type { Panel } from "../../data/types.js";
import { rejectionReason, SimBook } from "../fills/sim-book.js";
import { lastCloses, panelSlice } from "../fills/quote.js";
import { flattenRows, pendingBySymbol, signedQuantity, type Fill, type Order } from "../orders/types.js";
import { checkOrder } from "../risk/guardrails.js";
import { readRisk, type RiskState } from "../risk/monitor.js";
import type { TradingConfig } from "../schema.js";
import { isRebalanceBar, type Decider } from "../strategy/decide.js";

export interface OrderBacktestInput {
  panel: Panel;
  /** Centred signal, T x S. */
  signal: Float64Array;
  cfg: TradingConfig;
  decider: Decider;
  start: number;
  step: number;
}

export interface OrderBacktestResult {
  fills: Fill[];
  /** Equity at each bar's close before its decision (NaN before the first bar). */
  equity: Float64Array;
  blocked: Record<string, number>;
  rejected: number;
  haltedAt: number | null;
}

const MINUTE = 60_000;

export function orderBacktest(o: OrderBacktestInput): OrderBacktestResult {
  const { panel, cfg } = o;
  const { T, S } = panel;
  const symbols = panel.symbols;
  const known = new Set(symbols);
  const book = new SimBook(cfg.initial_cash, cfg.fill, cfg.lot_size);
  const fills: Fill[] = [];
  const equity = new Float64Array(T).fill(NaN);
  const blocked: Record<string, number> = {};
  const created: number[] = [];
  let rejected = 0;
  let risk: RiskState | undefined;
  let haltedAt: number | null = null;
  let seq = 0;
  for (let t = 0; t < T; t++) {
    const slice = panelSlice(panel, t);
    fills.push(...book.fillBar(slice, () => "").fills);
    const now = panel.times[t];
    const eq = book.equity();
    equity[t] = eq;
    const reading = readRisk(risk, eq, now, cfg.risk);
    risk = reading.state;
    if (reading.kill !== null && haltedAt === null) haltedAt = t;
    const halted = haltedAt !== null;
    // Symbol order, as brokers list positions (and as the loop therefore sees them).
    const positions = new Map([...book.positions].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([s, p]) => [s, p.quantity]));
    let rows: Array<{ symbol: string; side: "buy" | "sell"; quantity: number; intent: "rebalance" | "flatten" }> = [];
    if (halted) {
      for (const ord of book.open) ord.status = "canceled";
      book.open.length = 0;
      rows = flattenRows(positions);
    } else if (isRebalanceBar(t, o.start, o.step)) {
      const pend = pendingBySymbol(book.open);
      rows = o.decider
        .decide(panel, t, o.signal.subarray(t * S, (t + 1) * S), { equity: eq, held: (s) => positions.get(s) ?? 0, pending: (s) => pend.get(s) ?? 0 })
        .map((r) => ({ ...r, intent: "rebalance" as const }));
    }
    const pending = pendingBySymbol(book.open);
    const lastClose = lastCloses(panel, t);
    for (const r of rows) {
      let recent = 0;
      for (let k = created.length - 1; k >= 0 && created[k] > now - MINUTE; k--) if (created[k] <= now) recent++;
      const verdict = checkOrder({ ...r, referencePrice: lastClose.get(r.symbol) ?? NaN }, { now, equity: eq, positions, pending, lastClose, ordersLastMinute: recent, dailyLossHit: reading.dailyLossHit, halted }, cfg.risk);
      if (!verdict.ok) {
        blocked[verdict.rule] = (blocked[verdict.rule] ?? 0) + 1;
        continue;
      }
      const request = { clientOrderId: `bt-${seq++}`, symbol: r.symbol, side: r.side, quantity: r.quantity, type: "market" as const, timeInForce: "day" as const };
      if (rejectionReason(request, known, cfg.lot_size) !== null) {
        rejected++;
        continue;
      }
      created.push(now);
      const order: Order = { ...request, brokerOrderId: request.clientOrderId, status: "new", filledQuantity: 0, averagePrice: NaN, submittedAt: now };
      book.open.push(order);
      pending.set(r.symbol, (pending.get(r.symbol) ?? 0) + signedQuantity(r.side, r.quantity));
    }
  }
  return { fills, equity, blocked, rejected, haltedAt };
}
