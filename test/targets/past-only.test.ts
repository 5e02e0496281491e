import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Rng } from "../../src/util/random.js";
import { buildTarget, oneBarLogReturns, proxyMarket, rollingBeta, rollingVolatility } from "../../src/targets/index.js";
import { panelOf } from "./helpers.js";

function randomWalk(rng: Rng, T: number, start = 100, sd = 0.02): number[] {
  const out = [start];
  for (let t = 1; t < T; t++) out.push(out[t - 1] * Math.exp(rng.normal(0, sd)));
  return out;
}

function sampleStd(xs: number[]): number {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
}

describe("volatility-scaled returns", () => {
  it("divide by the std of the last vol_window one-bar log returns times sqrt(h)", () => {
    const rng = new Rng("volscaled");
    const c = randomWalk(rng, 30);
    const panel = panelOf({ close: [c] });
    const t = buildTarget({ kind: "forward_return", horizon: 3, vol_scaled: true, vol_window: 5 });
    expect(t.canonical).toBe("fwd_ret_3_volscaled");
    expect(t.pastWindow).toBe(5);
    const y = t.compute(panel);
    for (const at of [5, 12, 26]) {
      const rets = [];
      for (let k = at - 4; k <= at; k++) rets.push(Math.log(c[k] / c[k - 1]));
      expect(y[at]).toBeCloseTo((c[at + 3] / c[at] - 1) / (sampleStd(rets) * Math.sqrt(3)), 10);
    }
    // the first defined volatility needs ceil(5 / 2) = 3 returns: t = 3
    expect(Number.isNaN(y[2])).toBe(true);
    expect(Number.isFinite(y[3])).toBe(true);
    expect(Number.isNaN(y[27])).toBe(true);
  });
});

describe("beta-adjusted excess", () => {
  it("is exactly zero when a symbol is a constant-beta copy of the market", () => {
    const rng = new Rng("beta");
    const T = 80;
    const m = randomWalk(rng, T);
    // log returns of X = 1.5 x the market's
    const x = m.map((v) => 50 * Math.pow(v / m[0], 1.5));
    const panel = panelOf({ close: [m, x] }, { symbols: ["MKT", "X"] });
    const t = buildTarget("fwd_betaexcess_5_log", { marketProxy: "MKT" });
    expect(t.pastWindow).toBe(60);
    const y = t.compute(panel);
    for (let i = 30; i < T - 5; i++) expect(Math.abs(y[i * 2 + 1])).toBeLessThan(1e-9);
    expect(Number.isNaN(y[(T - 5) * 2 + 1])).toBe(true);
  });

  it("rolling beta at t uses only bars <= t (changing the future leaves it unchanged)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 5, max: 55 }), (seed, cut) => {
        const rng = new Rng(seed);
        const T = 60;
        const S = 3;
        const closes = Array.from({ length: S }, () => randomWalk(rng, T));
        const grid = (cs: number[][]): Float64Array => {
          const g = new Float64Array(T * S);
          cs.forEach((c, s) => c.forEach((v, t) => (g[t * S + s] = v)));
          return g;
        };
        const compute = (g: Float64Array): Float64Array => {
          const market = proxyMarket(g, T, S, 0);
          return rollingBeta(oneBarLogReturns(g, T, S), market.logRet, T, S, 10);
        };
        const before = compute(grid(closes));
        // rewrite every bar after `cut`, for every symbol including the market
        const altered = closes.map((c) => c.map((v, t) => (t > cut ? v * Math.exp(rng.normal(0, 0.2)) : v)));
        const after = compute(grid(altered));
        for (let i = 0; i <= cut * S + S - 1; i++) {
          if (!Object.is(before[i], after[i])) return false;
        }
        // and the past-only volatility too
        const v1 = rollingVolatility(oneBarLogReturns(grid(closes), T, S), T, S, 8);
        const v2 = rollingVolatility(oneBarLogReturns(grid(altered), T, S), T, S, 8);
        for (let i = 0; i <= cut * S + S - 1; i++) if (!Object.is(v1[i], v2[i])) return false;
        return true;
      }),
      { numRuns: 50, seed: 7 },
    );
  });

  it("matches an OLS slope over the trailing window", () => {
    const rng = new Rng("ols");
    const T = 40;
    const m = randomWalk(rng, T);
    const x = randomWalk(rng, T);
    const g = new Float64Array(T * 2);
    for (let t = 0; t < T; t++) {
      g[t * 2] = m[t];
      g[t * 2 + 1] = x[t];
    }
    const lr = oneBarLogReturns(g, T, 2);
    const beta = rollingBeta(lr, proxyMarket(g, T, 2, 0).logRet, T, 2, 12);
    const at = 30;
    const xs: number[] = [];
    const ys: number[] = [];
    for (let k = at - 11; k <= at; k++) {
      xs.push(Math.log(m[k] / m[k - 1]));
      ys.push(Math.log(x[k] / x[k - 1]));
    }
    const mx = xs.reduce((a, b) => a + b) / 12;
    const my = ys.reduce((a, b) => a + b) / 12;
    const slope = xs.reduce((a, xv, i) => a + (xv - mx) * (ys[i] - my), 0) / xs.reduce((a, xv) => a + (xv - mx) ** 2, 0);
    expect(beta[at * 2 + 1]).toBeCloseTo(slope, 10);
  });
});
