/** fitRows: the panel index of each row, and auxiliary labels purged with their own windows. */
import { describe, expect, it } from "vitest";
import { fitRows } from "../../src/training/fit-rows.js";

describe("fitRows", () => {
  const T = 20;
  const S = 2;
  const grids = new Map([["f", Float32Array.from({ length: T * S }, (_, c) => c)]]);
  const fitY = Float64Array.from({ length: T * S }, (_, c) => c / 10);
  const aux = [
    { name: "short", objective: "regression" as const, y: Float64Array.from({ length: T * S }, (_, c) => c), window: 1 },
    { name: "long", objective: "regression" as const, y: Float64Array.from({ length: T * S }, (_, c) => -c), window: 5 },
  ];
  const data = { T, S, fitY, aux };
  // training times 0..9, held-out block at times 12..15
  const train = Int32Array.from({ length: 20 }, (_, i) => i);
  const heldOut = [Int32Array.from({ length: 8 }, (_, i) => 24 + i)];

  it("drops an auxiliary label whose window reaches a held-out time, and keeps the rest", () => {
    const r = fitRows(train, ["f"], grids, data, { family: { auxiliaryTargets: true }, heldOut });
    expect(Array.from(r.rows!.time)).toEqual(Array.from({ length: 20 }, (_, i) => Math.floor(i / 2)));
    expect(Array.from(r.rows!.symbol)).toEqual(Array.from({ length: 20 }, (_, i) => i % 2));
    expect(r.aux!.names).toEqual(["short", "long"]);
    for (let i = 0; i < 20; i++) {
      const t = Math.floor(i / 2);
      // window 1 reads t+1 <= 10 < 12: always kept; window 5 reads up to t+5, which reaches 12 from t = 7
      expect(r.aux!.Y[i * 2]).toBe(i);
      if (t >= 7) expect(r.aux!.Y[i * 2 + 1]).toBeNaN();
      else expect(r.aux!.Y[i * 2 + 1]).toBe(-i);
    }
  });

  it("gives auxiliary targets only to a family that learns them", () => {
    expect(fitRows(train, ["f"], grids, data, { family: {}, heldOut }).aux).toBeUndefined();
  });
});
