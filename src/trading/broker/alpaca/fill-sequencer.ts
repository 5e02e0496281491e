/**
 * Each execution reaches the listeners exactly once, and an order's executions in order, whatever
 * the stream does: it repeats events, reorders them, loses them when its socket drops, and the
 * recovery after a reconnect replays executions already delivered.
 *
 * Per broker order the sequencer knows the cumulative quantity delivered so far. An execution
 * whose cumulative quantity is at or below it is a repeat (dropped; so is a repeated execution
 * id). One that starts exactly there is delivered, and so is any held execution it unblocks. One
 * that starts beyond it (an earlier execution is missing) is held, and `onGap` asks for the
 * account activities that fill the hole.
 */
import type { Execution } from "./mapping.js";

const EPS = 1e-9;

interface OrderFlow {
  delivered: number;
  /** Held executions by their cumulative quantity. */
  held: Map<number, Execution>;
}

export class FillSequencer {
  private readonly flows = new Map<string, OrderFlow>();
  private readonly executionIds = new Set<string>();

  constructor(
    private readonly deliver: (e: Execution) => void,
    private readonly onGap: (e: Execution) => void,
  ) {}

  /** The cumulative quantity delivered for a broker order. */
  deliveredOf(orderId: string): number {
    return this.flows.get(orderId)?.delivered ?? 0;
  }

  /** Executions held waiting for an earlier one. */
  heldCount(): number {
    let n = 0;
    for (const f of this.flows.values()) n += f.held.size;
    return n;
  }

  accept(e: Execution): void {
    if (!Number.isFinite(e.cumQty) || e.orderId === "") return;
    if (e.executionId !== undefined && this.executionIds.has(e.executionId)) return;
    let flow = this.flows.get(e.orderId);
    if (flow === undefined) {
      flow = { delivered: 0, held: new Map() };
      this.flows.set(e.orderId, flow);
    }
    if (e.cumQty <= flow.delivered + EPS) return;
    // Without a per-execution quantity the execution is whatever the cumulative quantity added.
    const qty = Number.isFinite(e.qty) && e.qty > 0 ? e.qty : e.cumQty - flow.delivered;
    const start = e.cumQty - qty;
    if (start > flow.delivered + EPS) {
      if (!flow.held.has(e.cumQty)) flow.held.set(e.cumQty, { ...e, qty });
      this.onGap(e);
      return;
    }
    // start < delivered would mean two sources disagree about an overlap: deliver only what is new.
    this.emit(flow, { ...e, qty: e.cumQty - flow.delivered });
    for (;;) {
      let next: Execution | undefined;
      for (const h of flow.held.values()) {
        if (h.cumQty <= flow.delivered + EPS) flow.held.delete(h.cumQty);
        else if (h.cumQty - h.qty <= flow.delivered + EPS) next = h;
      }
      if (next === undefined) break;
      flow.held.delete(next.cumQty);
      this.emit(flow, { ...next, qty: next.cumQty - flow.delivered });
    }
  }

  private emit(flow: OrderFlow, e: Execution): void {
    flow.delivered = e.cumQty;
    if (e.executionId !== undefined) this.executionIds.add(e.executionId);
    this.deliver(e);
  }
}
