/** Alpaca's order statuses and kinds in our terms. */
import { describe, expect, it } from "vitest";
import { mapStatus } from "../../../src/trading/broker/alpaca/mapping.js";

describe("Alpaca status mapping", () => {
  it("maps every status Alpaca documents", () => {
    const rows: Array<[string, number, string]> = [
      ["new", 0, "new"],
      ["accepted", 0, "new"],
      ["pending_new", 0, "new"],
      ["partially_filled", 3, "partially_filled"],
      ["done_for_day", 3, "partially_filled"],
      ["pending_cancel", 0, "new"],
      ["pending_replace", 3, "partially_filled"],
      ["filled", 10, "filled"],
      ["canceled", 3, "canceled"],
      ["replaced", 0, "canceled"],
      ["expired", 0, "expired"],
      ["rejected", 0, "rejected"],
      ["calculated", 10, "filled"],
      ["calculated", 4, "expired"],
      ["some_future_status", 0, "new"],
    ];
    for (const [status, filled, ours] of rows) expect([status, filled, mapStatus(status, 10, filled)]).toEqual([status, filled, ours]);
  });
});
