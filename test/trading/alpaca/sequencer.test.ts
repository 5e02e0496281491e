/**
 * The FillSequencer's promise as a property: whatever interleaving, repetition and loss the stream
 * produces, and however often recovery replays the activities, every execution is delivered once
 * and each order's executions in order of their cumulative quantity.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { rng } from "../../../src/util/random.js";
import { FillSequencer } from "../../../src/trading/broker/alpaca/fill-sequencer.js";
import type { Execution } from "../../../src/trading/broker/alpaca/mapping.js";

/** Executions of a few orders: positive whole quantities, cumulative per order. */
const ordersArb = fc.array(fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 4 });

function executionsOf(orders: number[][]): Execution[] {
  const out: Execution[] = [];
  orders.forEach((qtys, k) => {
    let cum = 0;
    qtys.forEach((q, i) => {
      cum += q;
      out.push({ orderId: `o${k}`, cumQty: cum, qty: q, price: 100 + i, time: i, symbol: "S", side: "buy", executionId: `x${k}-${i}` });
    });
  });
  return out;
}

describe("FillSequencer", () => {
  it("delivers each execution once, in order per order, under duplicates, reordering, loss and replays", () => {
    fc.assert(
      fc.property(ordersArb, fc.array(fc.nat(), { maxLength: 80 }), fc.array(fc.boolean(), { maxLength: 80 }), fc.integer(), (orders, picks, loseFlags, seed) => {
        const all = executionsOf(orders);
        // The stream: a shuffled multiset of the executions, some lost, some repeated.
        const stream: Execution[] = [];
        for (let i = 0; i < all.length + picks.length; i++) {
          const e = i < all.length ? all[i] : all[picks[i - all.length] % all.length];
          if (loseFlags[i] === true) continue;
          stream.push(e);
        }
        const order = rng(seed).permutation(stream.length);
        const delivered: Execution[] = [];
        const seq = new FillSequencer(
          (e) => delivered.push(e),
          () => {},
        );
        for (const i of order) seq.accept({ ...stream[i] });
        // Recovery: the activities hold every execution, oldest first; replayed twice.
        for (let r = 0; r < 2; r++) for (const e of all) seq.accept({ ...e, executionId: undefined });
        expect(delivered.map((e) => `${e.orderId}-${e.cumQty}`).sort()).toEqual(all.map((e) => `${e.orderId}-${e.cumQty}`).sort());
        for (let k = 0; k < orders.length; k++) {
          const mine = delivered.filter((e) => e.orderId === `o${k}`);
          expect(mine.map((e) => e.qty)).toEqual(orders[k]);
        }
        expect(seq.heldCount()).toBe(0);
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it("holds an execution that starts beyond what was delivered and reports the hole", () => {
    const delivered: number[] = [];
    const gaps: number[] = [];
    const seq = new FillSequencer(
      (e) => delivered.push(e.cumQty),
      (e) => gaps.push(e.cumQty),
    );
    const ex = (cumQty: number, qty: number): Execution => ({ orderId: "o", cumQty, qty, price: 1, time: 0, symbol: "S", side: "sell" });
    seq.accept(ex(10, 4)); // 6 missing
    expect(delivered).toEqual([]);
    expect(gaps).toEqual([10]);
    expect(seq.heldCount()).toBe(1);
    seq.accept(ex(6, 6));
    expect(delivered).toEqual([6, 10]);
    seq.accept(ex(6, 6));
    seq.accept(ex(10, 4));
    expect(delivered).toEqual([6, 10]);
    expect(seq.deliveredOf("o")).toBe(10);
  });
});
