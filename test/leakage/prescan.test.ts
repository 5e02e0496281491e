/**
 * Pre-scan known answers beyond the generator's leaks: the copy threshold as a property of the
 * noise level, and a leak that only exists in time (tomorrow's market move, the same for every
 * symbol), which no cross-sectional statistic can see.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { Panel } from "../../src/data/types.js";
import { prescanContext, prescanFeature, type PrescanContext } from "../../src/leakage/prescan.js";
import { buildTarget } from "../../src/targets/index.js";
import { Rng } from "../../src/util/random.js";
import { gridPanel, gridTarget, leakageConfig, syntheticPanel } from "./helpers.js";

describe("near-copy threshold", () => {
  const T = 200;
  const S = 20;
  let y: Float64Array;
  let noise: Float64Array;
  let ctx: PrescanContext;
  beforeAll(() => {
    const rng = new Rng(3);
    y = new Float64Array(T * S);
    noise = new Float64Array(T * S);
    rng.fillNormal(y);
    rng.fillNormal(noise);
    const panel = gridPanel(T, S, { close: new Float64Array(T * S).fill(100) });
    ctx = prescanContext(panel, y, gridTarget("y_next", y), leakageConfig(), 1);
  });

  it("y + k * noise is a copy exactly when its correlation 1/sqrt(1 + k^2) clears 0.95", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (k) => {
        const rho = 1 / Math.sqrt(1 + k * k);
        fc.pre(Math.abs(rho - 0.95) > 0.01); // away from the boundary, where sampling decides
        const x = y.map((v, i) => v + k * noise[i]);
        const copy = prescanFeature("x", x, ctx).find((c) => c.check === "target_copy")!;
        expect(copy.verdict).toBe(rho >= 0.95 ? "LEAK" : "OK");
      }),
      { numRuns: 25, seed: 42 },
    );
  });

  it("a negated copy is a copy too", () => {
    const copy = prescanFeature("neg", y.map((v) => -v), ctx).find((c) => c.check === "target_copy")!;
    expect(copy.verdict).toBe("LEAK");
  });
});

describe("a leak in time only: tomorrow's market move", () => {
  let panel: Panel;
  let market: Float64Array;
  beforeAll(() => {
    panel = syntheticPanel({ seed: 41, symbols: 40, bars: 500 }).panel;
    const close = panel.column("close");
    const { T, S } = panel;
    // equal-weighted mean of the one-bar log returns of bar t+1, the same value for every symbol
    market = new Float64Array(T * S).fill(NaN);
    for (let t = 0; t + 1 < T; t++) {
      let sum = 0;
      let n = 0;
      for (let s = 0; s < S; s++) {
        const a = close[t * S + s];
        const b = close[(t + 1) * S + s];
        if (a > 0 && b > 0) {
          sum += Math.log(b / a);
          n++;
        }
      }
      for (let s = 0; s < S; s++) market[t * S + s] = n > 0 ? sum / n : NaN;
    }
  });

  it("is invisible to the cross-section but caught through the pooled per-symbol statistics", () => {
    const target = buildTarget("fwd_ret_1");
    const ctx = prescanContext(panel, target.compute(panel), target, leakageConfig(), 1);
    const checks = prescanFeature("market_next", market, ctx);
    const assoc = checks.find((c) => c.check === "target_association")!;
    expect(assoc.verdict).toBe("LEAK");
    expect(assoc.evidence.figure).not.toContain("cross-sectional");
    expect(checks.find((c) => c.check === "future_vs_past")!.verdict).toBe("LEAK");
    // lagged one bar it is the market's past move: honest, and not flagged
    const past = new Float64Array(market.length).fill(NaN);
    past.set(market.subarray(0, market.length - panel.S), panel.S);
    expect(prescanFeature("market_last", past, ctx).every((c) => c.verdict === "OK")).toBe(true);
  });
});
