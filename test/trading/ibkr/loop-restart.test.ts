/**
 * The trading loop's restart reconciliation (TradingLoop.start) run against the IBKR connector
 * and the fake TWS: a process killed between journaling and submitting, and one killed after
 * submitting but before marking the order submitted, are both made whole without an order twice.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Journal } from "../../../src/trading/orders/journal.js";
import { TradingLoop } from "../../../src/trading/loop/trading-loop.js";
import { Decider } from "../../../src/trading/strategy/decide.js";
import { fakeSession, ibkrConfig, market } from "./helpers.js";

const session = fakeSession();

describe("IBKR connector under the trading loop's restart reconciliation", () => {
  it("a journaled order TWS holds is adopted, one it never got is sent, and the fills land in the journal once", async () => {
    const tws = await session.start();
    const journal = Journal.open(join(mkdtempSync(join(tmpdir(), "foxml-ibkr-")), "journal.sqlite"));
    const barTime = Date.UTC(2026, 11, 7);
    // First process: both orders journaled as pending; the first reached TWS (and filled), then the process died.
    const first = await session.open();
    const sent = market("fxsent", "AAPL", "buy", 10);
    const unsent = market("fxunsent", "MSFT", "buy", 3);
    journal.insert({ ...sent, barTime, intent: "rebalance", createdAt: barTime });
    journal.insert({ ...unsent, barTime, intent: "rebalance", createdAt: barTime });
    await first.broker.submit(sent);
    await first.nextFill(1);
    await first.broker.close();

    // Second process.
    const second = await session.open();
    const cfg = ibkrConfig(tws.port);
    const loop = new TradingLoop({ broker: second.broker, journal, decider: new Decider(cfg, ["AAPL", "MSFT"], 252), cfg, modelId: "m", start: 0, step: 1, log: second.log });
    await loop.start();
    expect(journal.pending()).toEqual([]);
    expect(journal.get("fxsent")).toMatchObject({ state: "submitted" });
    expect(journal.get("fxunsent")).toMatchObject({ state: "submitted" });
    expect(tws.placements("fxsent")).toHaveLength(1);
    expect(tws.placements("fxunsent")).toHaveLength(1);
    expect(second.log.lines.filter((l) => l.msg.startsWith("reconciled:")).map((l) => [l.msg, l.fields?.client_order_id])).toEqual([
      ["reconciled: order found at the broker", "fxsent"],
      ["reconciled: order journaled but never submitted; submitted now", "fxunsent"],
    ]);
    expect(journal.fills().map((f) => [f.clientOrderId, f.quantity]).sort()).toEqual([
      ["fxsent", 10],
      ["fxunsent", 3],
    ]);
    // Journal and TWS agree on positions: no reconciliation warning.
    expect(second.log.lines.filter((l) => l.msg.startsWith("reconcile: position differs"))).toEqual([]);
    // A second start changes nothing.
    await loop.start();
    expect(journal.fills()).toHaveLength(2);
    expect(tws.placements("fxunsent")).toHaveLength(1);
    journal.close();
  });
});
