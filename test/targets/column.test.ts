/** Targets read from a column of the data: the values as they are, the window from the name or the horizon given. */
import { describe, expect, it } from "vitest";
import { panelFromGrids } from "../../src/data/panel.js";
import { buildTarget, columnTarget, isTargetName } from "../../src/targets/index.js";
import { InputError } from "../../src/util/errors.js";

const DAILY = { interval: "1d" as const, medianSpacingMs: 86_400_000, explicit: true };

function panel(columns: Record<string, Float64Array>, T = 6, S = 2) {
  const times = Float64Array.from({ length: T }, (_, t) => Date.UTC(2024, 0, 1) + t * 86_400_000);
  return panelFromGrids({ times, symbols: Array.from({ length: S }, (_, i) => `S${i}`), columns, interval: DAILY });
}

const close = Float64Array.from({ length: 12 }, (_, i) => 100 + i);

describe("columnTarget", () => {
  it("a column named in the grammar takes that target's type and window, and the column's values", () => {
    const label = Float64Array.from({ length: 12 }, (_, i) => (i % 3 === 0 ? NaN : i / 10));
    const p = panel({ close, fwd_ret_5: label });
    const t = columnTarget(p, "fwd_ret_5");
    const like = buildTarget("fwd_ret_5");
    expect([t.name, t.type, t.horizon, t.window, t.executionLag]).toEqual(["fwd_ret_5", like.type, 5, 5, 0]);
    expect(Array.from(t.compute(p))).toEqual(Array.from(label));
    expect(t.description).toContain('column "fwd_ret_5"');
    // The configured execution lag widens the window as it does for the computed target.
    expect(columnTarget(p, "fwd_ret_5", { context: { executionLag: 2 } }).window).toBe(7);
    // An explicit horizon wins over the name's.
    expect(columnTarget(p, "fwd_ret_5", { horizon: 3 }).window).toBe(3);
  });

  it("any other column needs the horizon; 0/1 values make it binary, anything else regression", () => {
    const p = panel({ close, my_label: Float64Array.from({ length: 12 }, (_, i) => i * 0.5 - 2), up: Float64Array.from({ length: 12 }, (_, i) => (i === 4 ? NaN : i % 2)) });
    expect(() => columnTarget(p, "my_label")).toThrow(InputError);
    expect(() => columnTarget(p, "my_label")).toThrow(/does not say how many bars ahead/);
    expect(() => columnTarget(p, "my_label", { horizon: 0 })).toThrow(/whole number of bars >= 1/);
    const r = columnTarget(p, "my_label", { horizon: 4 });
    expect([r.type, r.horizon, r.window, r.rankingCompatible]).toEqual(["regression", 4, 4, true]);
    const b = columnTarget(p, "up", { horizon: 1 });
    expect([b.type, b.rankingCompatible, b.tasks]).toEqual(["binary", false, ["binary"]]);
    expect(() => columnTarget(p, "absent", { horizon: 1 })).toThrow(/not in the data/);
  });

  it("isTargetName tells grammar names from other names", () => {
    expect(isTargetName("fwd_ret_5")).toBe(true);
    expect(isTargetName("tb_5_2_1")).toBe(true);
    expect(isTargetName("my_label")).toBe(false);
    expect(isTargetName("fwd_ret_x")).toBe(false);
  });
});
