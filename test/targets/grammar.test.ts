import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/util/errors.js";
import { buildTarget, formatTargetName, parseTargetName, targetDefinition, targetObjectSchema } from "../../src/targets/index.js";

describe("target short names", () => {
  it("parse into their object form with defaults", () => {
    expect(parseTargetName("fwd_ret_5")).toEqual({
      kind: "forward_return",
      horizon: 5,
      returns: "simple",
      relative_to: "none",
      vol_scaled: false,
      output: "value",
      quantiles: 5,
      vol_window: 20,
      beta_window: 60,
    });
    expect(parseTargetName("fwd_logret_60m")).toMatchObject({ horizon: "60m", returns: "log" });
    expect(parseTargetName("fwd_ret_5_volscaled")).toMatchObject({ vol_scaled: true });
    expect(parseTargetName("fwd_excess_5")).toMatchObject({ relative_to: "cross_section", returns: "simple" });
    expect(parseTargetName("fwd_mktexcess_5_log_volscaled")).toMatchObject({ relative_to: "market", returns: "log", vol_scaled: true });
    expect(parseTargetName("fwd_betaexcess_10")).toMatchObject({ relative_to: "beta" });
    expect(parseTargetName("fwd_sign_5")).toMatchObject({ output: "sign", relative_to: "none" });
    expect(parseTargetName("fwd_sign_5_mktexcess")).toMatchObject({ output: "sign", relative_to: "market" });
    expect(parseTargetName("fwd_q5_5")).toMatchObject({ output: "quantile", quantiles: 5 });
    expect(parseTargetName("tb_5_2_1")).toEqual({ kind: "triple_barrier", horizon: 5, profit_take: 2, stop_loss: 1, vol_window: 20, path: "close" });
    expect(parseTargetName("tb_10_1.5_0_hl")).toMatchObject({ profit_take: 1.5, stop_loss: 0, path: "high_low" });
    expect(parseTargetName("mfe_10")).toEqual({ kind: "excursion", measure: "mfe", horizon: 10, path: "close" });
    expect(parseTargetName("mdd_10_hl")).toMatchObject({ measure: "mdd", path: "high_low" });
    expect(parseTargetName("zigzag_peak_0.05")).toEqual({ kind: "zigzag", pivot: "peak", threshold: 0.05, horizon: 20 });
    expect(parseTargetName("zigzag_valley_0.1_5")).toMatchObject({ pivot: "valley", horizon: 5 });
  });

  it("reject malformed names with a message that shows the grammar", () => {
    const bad: Array<[string, RegExp]> = [
      ["fwd_ret", /expected a horizon/],
      ["fwd_ret_0", /at least 1/],
      ["fwd_ret_5x", /expected a horizon/],
      ["fwd_foo_5", /unknown forward measure "foo"/],
      ["fwd_ret_5_log", /unexpected "_log"/],
      ["fwd_excess_5_volscaled_log", /unexpected "_log"/],
      ["fwd_sign_5_volscaled", /only one of _excess/],
      ["fwd_q1_5", /quantiles/],
      ["tb_5_2", /tb_H_PT_SL/],
      ["tb_5_0_0", /at least one of profit_take and stop_loss/],
      ["mfe_5_close", /only _hl/],
      ["zigzag_top_0.05", /zigzag_peak_X/],
      ["zigzag_peak_5", /threshold/],
      ["alpha_5", /unknown target family "alpha"/],
    ];
    for (const [name, msg] of bad) {
      let err: unknown;
      try {
        parseTargetName(name);
      } catch (e) {
        err = e;
      }
      expect(err, name).toBeInstanceOf(InputError);
      expect((err as InputError).message, name).toMatch(msg);
      expect((err as InputError).message, name).toContain(`target "${name}"`);
      expect((err as InputError).hint).toContain("fwd_ret_H");
    }
  });

  it("format back to the same canonical name (round trip)", () => {
    const horizon = fc.oneof(fc.integer({ min: 1, max: 500 }), fc.constantFrom("60m", "4h", "5d", "1w", "15m"));
    const num = fc.integer({ min: 0, max: 40 }).map((v) => v / 4);
    const defs = fc.oneof(
      fc.record({
        kind: fc.constant("forward_return"),
        horizon,
        returns: fc.constantFrom("simple", "log"),
        relative_to: fc.constantFrom("none", "cross_section", "market", "beta"),
        vol_scaled: fc.boolean(),
      }),
      fc.record({ kind: fc.constant("forward_return"), horizon, output: fc.constant("sign"), relative_to: fc.constantFrom("none", "cross_section", "market", "beta") }),
      fc.record({ kind: fc.constant("forward_return"), horizon, output: fc.constant("quantile"), quantiles: fc.integer({ min: 2, max: 100 }), relative_to: fc.constantFrom("none", "cross_section", "market", "beta") }),
      fc.record({ kind: fc.constant("triple_barrier"), horizon, profit_take: num, stop_loss: num.map((v) => v + 0.25), path: fc.constantFrom("close", "high_low") }),
      fc.record({ kind: fc.constant("excursion"), measure: fc.constantFrom("mfe", "mae", "mdd"), horizon, path: fc.constantFrom("close", "high_low") }),
      fc.record({ kind: fc.constant("zigzag"), pivot: fc.constantFrom("peak", "valley"), threshold: fc.integer({ min: 1, max: 99 }).map((v) => v / 100), horizon }),
    );
    fc.assert(
      fc.property(defs, (raw) => {
        const def = targetObjectSchema.parse(raw);
        const name = formatTargetName(def);
        const back = parseTargetName(name);
        expect(back).toEqual(def);
        expect(formatTargetName(back)).toBe(name);
      }),
      { numRuns: 300, seed: 5 },
    );
  });
});

describe("target object form", () => {
  it("takes settings the short name cannot carry and names the target canonically unless named", () => {
    const t = buildTarget({ kind: "forward_return", horizon: 5, relative_to: "beta", beta_window: 120, market: "SPY" });
    expect(t.name).toBe("fwd_betaexcess_5");
    expect(t.pastWindow).toBe(120);
    expect(t.description).toContain("SPY");
    const named = buildTarget({ kind: "triple_barrier", name: "tb_fast", horizon: 5, profit_take: 1, stop_loss: 1, vol_window: 10 });
    expect(named.name).toBe("tb_fast");
    expect(named.canonical).toBe("tb_5_1_1");
    // a short name keeps the user's spelling as its name
    expect(buildTarget("zigzag_peak_0.05").name).toBe("zigzag_peak_0.05");
  });

  it("rejects unknown keys and inconsistent settings, naming the key", () => {
    expect(() => targetDefinition({ kind: "forward_return", horizon: 5, horizn: 3 })).toThrow(/horizn/);
    expect(() => targetDefinition({ kind: "forward_return", horizon: 5, output: "sign", vol_scaled: true })).toThrow(/vol_scaled/);
    expect(() => targetDefinition({ kind: "triple_barrier", horizon: 5, profit_take: 0, stop_loss: 0 })).toThrow(/profit_take/);
    expect(() => targetDefinition({ kind: "zigzag", pivot: "peak", threshold: 5 })).toThrow(/threshold/);
    expect(() => targetDefinition({ kind: "forward_return", horizon: "5 days" })).toThrow(/horizon/);
    expect(() => targetDefinition({ kind: "nope", horizon: 5 })).toThrow(InputError);
    expect(() => buildTarget("fwd_ret_5", { executionLag: -1 })).toThrow(/execution lag/);
  });

  it("tells which learning tasks each label serves", () => {
    expect(buildTarget("fwd_ret_5").tasks).toEqual(["regression", "ranking"]);
    expect(buildTarget("fwd_sign_5").tasks).toEqual(["binary"]);
    expect(buildTarget("fwd_q5_5").tasks).toEqual(["multiclass", "ranking"]);
    expect(buildTarget("tb_5_1_1").rankingCompatible).toBe(false);
    expect(buildTarget("mfe_5").type).toBe("regression");
  });
});
