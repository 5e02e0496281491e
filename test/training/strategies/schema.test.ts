/** The strategy block: defaults for each kind, and invalid settings rejected with the key named. */
import { describe, expect, it } from "vitest";
import { cascadeStrategySchema, defaultStrategy, multiTaskStrategySchema, strategySchema } from "../../../src/training/strategies/index.js";

function issues(v: unknown): string[] {
  const r = strategySchema.safeParse(v);
  if (r.success) return [];
  return r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

describe("strategySchema", () => {
  it("is single-task when absent, and fills every default of the other kinds", () => {
    expect(strategySchema.parse(undefined)).toEqual({ kind: "single" });
    const mt = defaultStrategy("multi_task");
    expect(mt.targets).toBeUndefined();
    expect(mt.hidden_units).toEqual([64, 32]);
    expect(mt.loss_weights).toEqual({});
    expect(mt.loss).toBe("mse");
    expect(mt.valid_fraction).toBe(0.1);
    const c = defaultStrategy("cascade");
    expect(c.classifier).toEqual({ family: "lightgbm", hyperparameters: {} });
    expect(c.regressor).toEqual({ family: "lightgbm", hyperparameters: {} });
    expect(c).toMatchObject({ direction: "sign", regress_on: "target", gate: "soft", threshold: 0.5, valid_fraction: 0 });
  });

  it("names the key of a bad value", () => {
    expect(issues({ kind: "multi_task", dropout: 1.5 })).toEqual([expect.stringMatching(/^dropout: /)]);
    expect(issues({ kind: "multi_task", targets: ["fwd_ret_5"] })).toEqual([expect.stringMatching(/^targets: /)]);
    expect(issues({ kind: "multi_task", hidden_units: [] })).toEqual(["hidden_units: the shared trunk needs at least one layer"]);
    expect(issues({ kind: "multi_task", loss_weights: { fwd_ret_5: -1 } })).toEqual([expect.stringMatching(/^loss_weights\.fwd_ret_5: /)]);
    expect(issues({ kind: "cascade", threshold: 1 })).toEqual([expect.stringMatching(/^threshold: /)]);
    expect(issues({ kind: "cascade", gate: "maybe" })).toEqual([expect.stringMatching(/^gate: /)]);
    expect(issues({ kind: "cascade", classifier: { family: "" } })).toEqual([expect.stringMatching(/^classifier\.family: /)]);
  });

  it("rejects a key another kind reads, and an unknown kind", () => {
    expect(issues({ kind: "multi_task", gate: "hard" })).toEqual([expect.stringMatching(/gate/)]);
    expect(issues({ kind: "cascade", hidden_units: [8] })).toEqual([expect.stringMatching(/hidden_units/)]);
    expect(issues({ kind: "single", targets: ["a", "b"] })).toEqual([expect.stringMatching(/targets/)]);
    expect(issues({ kind: "ensemble" })[0]).toMatch(/^kind: /);
    expect(issues({ kind: "cascade", classifier: { family: "lightgbm", params: {} } })).toEqual([expect.stringMatching(/params/)]);
  });

  it("parses each kind's own schema the same way as the union", () => {
    expect(multiTaskStrategySchema.parse({ kind: "multi_task" })).toEqual(defaultStrategy("multi_task"));
    expect(cascadeStrategySchema.parse({ kind: "cascade" })).toEqual(defaultStrategy("cascade"));
  });
});
