/**
 * Executions -> our Fills, each exactly once. TWS sends an execution (execDetails) and its
 * commission (commissionReport) as two messages, live as they happen and again for every
 * reqExecutions; after a reconnect the same execution can arrive any number of times. A fill is
 * emitted when both halves are in, once per execId; one whose commission never comes is emitted
 * after `commissionWaitMs` with commission 0 and a warning.
 *
 * Only executions with an orderRef (our client order id) and of our account become fills: a
 * manual trade in TWS has none, and shows in positions instead.
 */
import type { CommissionReport, Contract, Execution } from "@stoqey/ib";
import type { Fill } from "../../orders/types.js";
import type { LoopLog } from "../../loop/trading-loop.js";
import { parseExecutionTime } from "./ib-time.js";
import { sideFromExecution } from "./order-map.js";

interface Pending {
  contract: Contract;
  exec: Execution;
  timer?: ReturnType<typeof setTimeout>;
}

export interface FillAssemblerOptions {
  account: () => string;
  symbolOf: (c: Contract) => string;
  /** Client order id of a TWS order id, for an execution that lost its orderRef. */
  clientIdOf: (orderId: number) => string | undefined;
  timeZone: string;
  commissionWaitMs: number;
  log: LoopLog;
  emit: (fill: Fill) => void;
}

export class FillAssembler {
  private readonly pending = new Map<string, Pending>();
  private readonly commissions = new Map<string, number>();
  private readonly done = new Set<string>();
  /** Every fill emitted, oldest first. */
  readonly fills: Fill[] = [];

  constructor(private readonly o: FillAssemblerOptions) {}

  has(execId: string): boolean {
    return this.done.has(execId) || this.pending.has(execId);
  }

  onExecution(contract: Contract, exec: Execution): void {
    const id = exec.execId;
    if (id === undefined || this.done.has(id) || this.pending.has(id)) return;
    if (exec.acctNumber !== undefined && exec.acctNumber !== "" && exec.acctNumber !== this.o.account()) return;
    const p: Pending = { contract, exec };
    this.pending.set(id, p);
    if (this.commissions.has(id)) return this.complete(id);
    p.timer = setTimeout(() => {
      this.o.log.warn("IBKR: no commission report for an execution; recorded with commission 0", { exec_id: id });
      this.commissions.set(id, 0);
      this.complete(id);
    }, this.o.commissionWaitMs);
    p.timer.unref?.();
  }

  onCommission(r: CommissionReport): void {
    if (r.execId === undefined || this.done.has(r.execId)) return;
    this.commissions.set(r.execId, r.commission ?? 0);
    if (this.pending.has(r.execId)) this.complete(r.execId);
  }

  private complete(id: string): void {
    const p = this.pending.get(id);
    if (p === undefined) return;
    clearTimeout(p.timer);
    this.pending.delete(id);
    this.done.add(id);
    const commission = this.commissions.get(id) ?? 0;
    this.commissions.delete(id);
    const e = p.exec;
    const clientOrderId = e.orderRef !== undefined && e.orderRef !== "" ? e.orderRef : e.orderId === undefined ? undefined : this.o.clientIdOf(e.orderId);
    if (clientOrderId === undefined) return;
    const fill: Fill = {
      fillId: id,
      clientOrderId,
      symbol: this.o.symbolOf(p.contract),
      side: sideFromExecution(e.side),
      quantity: e.shares ?? 0,
      price: e.price ?? NaN,
      commission,
      time: this.timeOf(id, e.time ?? ""),
    };
    // Executions can come out of order (a recovered one after a live one): keep time order.
    let i = this.fills.length;
    while (i > 0 && this.fills[i - 1].time > fill.time) i--;
    this.fills.splice(i, 0, fill);
    this.o.emit(fill);
  }

  /** An unreadable time must not throw inside TWS's message loop: the fill is kept, stamped now, and a warning says why. */
  private timeOf(execId: string, text: string): number {
    try {
      return parseExecutionTime(text, this.o.timeZone);
    } catch (e) {
      this.o.log.warn("IBKR: execution time unreadable; the fill is stamped with the local clock", { exec_id: execId, time: text, error: (e as Error).message });
      return Date.now();
    }
  }

  close(): void {
    for (const p of this.pending.values()) clearTimeout(p.timer);
  }
}
