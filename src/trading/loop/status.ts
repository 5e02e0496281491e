/** `foxml trade status`: what the journal says about a loop (running or not), as JSON. */
import type { Journal } from "../orders/journal.js";
import { signedQuantity } from "../orders/types.js";
import type { RiskState } from "../risk/monitor.js";

export function journalStatus(j: Journal) {
  const orders = j.orders();
  const fills = j.fills();
  const positions: Record<string, number> = {};
  for (const f of fills) positions[f.symbol] = (positions[f.symbol] ?? 0) + signedQuantity(f.side, f.quantity);
  for (const k of Object.keys(positions)) if (positions[k] === 0) delete positions[k];
  const equity = j.equitySeries();
  const halt = j.halt();
  const lastBarTime = j.meta.get<number>("last_bar_time");
  const live = j.meta.get<LiveHeartbeat>("live");
  return {
    halted: halt.halted,
    halt_reason: halt.reason,
    halted_since: halt.since === null ? null : new Date(halt.since).toISOString(),
    last_bar_index: j.meta.get<number>("last_bar") ?? null,
    last_bar_time: lastBarTime === undefined ? null : new Date(lastBarTime).toISOString(),
    last_equity: equity.length > 0 ? equity[equity.length - 1].equity : null,
    risk: j.meta.get<RiskState>("risk") ?? null,
    orders: orders.length,
    pending_orders: orders.filter((o) => o.state === "pending").length,
    rejected_orders: orders.filter((o) => o.state === "rejected").length,
    fills: fills.length,
    blocked: j.blockedByRule(),
    positions,
    // A live loop's heartbeat (written after each bar), and whether its process is still there.
    loop: live === undefined ? null : { ...live, running: processAlive(live.pid) },
  };
}

export interface LiveHeartbeat {
  pid: number;
  [k: string]: unknown;
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
