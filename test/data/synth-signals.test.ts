import { describe, expect, it } from "vitest";
import { expectedIcs, generateMarket, overlapSquares, signalBudget, solveSignals } from "../../src/data/synth/index.js";
import { correlation, crossSectionalIc, mean } from "./synth-stats.js";

const col = (s: { columns: Map<string, Float64Array> }, name: string) => s.columns.get(name) as Float64Array;

describe("planted signals and noise", () => {
  // 120 symbols x 1000 days: the IC of a pure-noise column has a standard error of about 0.003.
  const market = generateMarket({ seed: 21, symbols: 120, bars: 1000, signals: { plant: true } });

  it("adds sig_* and noise_* columns and no leaks", () => {
    expect([...market.series[0].columns.keys()]).toEqual([
      "open",
      "high",
      "low",
      "close",
      "volume",
      "sig_h5",
      "sig_h20",
      "noise_1",
      "noise_2",
      "noise_3",
    ]);
  });

  it("gives each signal its intended IC with its own horizon's forward return", () => {
    // About 3 standard errors: a scale off by 10% fails.
    expect(Math.abs(crossSectionalIc(market, "sig_h5", 5) - 0.1)).toBeLessThan(0.008);
    expect(Math.abs(crossSectionalIc(market, "sig_h20", 20) - 0.06)).toBeLessThan(0.01);
  });

  it("gives ~0 IC at shorter horizons and the manifest's expected IC at longer ones", () => {
    for (const h of [1, 2, 4]) expect(Math.abs(crossSectionalIc(market, "sig_h5", h))).toBeLessThan(0.012);
    for (const h of [1, 5, 10]) expect(Math.abs(crossSectionalIc(market, "sig_h20", h))).toBeLessThan(0.015);
    const truth = market.truth.signals.find((s) => s.name === "sig_h5");
    expect(truth?.expected_ic["20"]).toBeCloseTo(0.05, 6);
    expect(crossSectionalIc(market, "sig_h5", 20)).toBeGreaterThan(0.05 - 0.02);
    expect(crossSectionalIc(market, "sig_h5", 20)).toBeLessThan(0.05 + 0.02);
  });

  it("gives noise columns ~0 IC at every horizon", () => {
    for (const name of ["noise_1", "noise_2", "noise_3"]) {
      for (const h of [1, 5, 20]) expect(Math.abs(crossSectionalIc(market, name, h))).toBeLessThan(0.02);
    }
  });

  it("makes noise columns unit-variance AR(1) with the configured persistence", () => {
    const ac = (name: string) =>
      mean(
        market.series.map((s) => {
          const x = col(s, name);
          return correlation(x.subarray(0, x.length - 1), x.subarray(1));
        }),
      );
    expect(Math.abs(ac("noise_1"))).toBeLessThan(0.02);
    expect(ac("noise_2")).toBeGreaterThan(0.45);
    expect(ac("noise_2")).toBeLessThan(0.55);
    expect(ac("noise_3")).toBeGreaterThan(0.9);
  });

  it("rates forward-return targets in the ground truth: 5 bars predictable, 1 bar not", () => {
    const byH = new Map(market.truth.targets.map((t) => [t.horizon, t]));
    expect(byH.get(1)).toMatchObject({ name: "fwd_ret_1", predictable: false, combined_ic: 0 });
    expect(byH.get(5)).toMatchObject({ predictable: true, combined_ic: 0.1, expected_ic: { sig_h5: 0.1, sig_h20: 0 } });
    expect(byH.get(20)?.predictable).toBe(true);
    expect(byH.get(20)?.combined_ic).toBeCloseTo(Math.sqrt(0.05 ** 2 + 0.06 ** 2), 5);
    expect(market.truth.noise.map((n) => [n.name, n.persistence, n.expected_ic])).toEqual([
      ["noise_1", 0, 0],
      ["noise_2", 0.5, 0],
      ["noise_3", 0.95, 0],
    ]);
  });

  it("spreads a signal over bars onset..horizon when onset is set, and supports negative IC", () => {
    const spec = { name: "sig_spread", horizon: 10, onset: 3, ic: -0.12 };
    const m = generateMarket({ seed: 4, symbols: 100, bars: 800, signals: { plant: true, noise_count: 0, features: [spec] } });
    const ic = (H: number) => expectedIcs([spec], H)[0];
    expect(ic(2)).toBe(0);
    expect(ic(10)).toBeCloseTo(-0.12, 12);
    expect(crossSectionalIc(m, "sig_spread", 10)).toBeLessThan(-0.12 + 0.015);
    expect(crossSectionalIc(m, "sig_spread", 10)).toBeGreaterThan(-0.12 - 0.015);
    expect(Math.abs(crossSectionalIc(m, "sig_spread", 2))).toBeLessThan(0.015);
    // Only 3 of its 8 bars lie within 5 bars.
    expect(ic(5)).toBeLessThan(0);
    expect(ic(5)).toBeGreaterThan(ic(10));
    expect(crossSectionalIc(m, "sig_spread", 5)).toBeGreaterThan(ic(5) - 0.015);
    expect(crossSectionalIc(m, "sig_spread", 5)).toBeLessThan(ic(5) + 0.015);
  });

  it("meets every IC at once when strong, overlapping and spread signals share the returns", () => {
    const features = [
      { name: "a", horizon: 5, ic: 0.3 },
      { name: "b", horizon: 1, ic: 0.3 },
      { name: "c", horizon: 10, onset: 1, ic: -0.2 },
    ];
    const m = generateMarket({ seed: 1, symbols: 80, bars: 600, signals: { plant: true, noise_count: 0, features } });
    expect(crossSectionalIc(m, "a", 5)).toBeCloseTo(0.3, 1);
    expect(Math.abs(crossSectionalIc(m, "a", 5) - 0.3)).toBeLessThan(0.02);
    expect(Math.abs(crossSectionalIc(m, "b", 1) - 0.3)).toBeLessThan(0.02);
    expect(Math.abs(crossSectionalIc(m, "c", 10) + 0.2)).toBeLessThan(0.02);
    // Cross-horizon: b (one bar) seen over 5 bars, against the joint expectation.
    const truthB5 = m.truth.signals.find((s) => s.name === "b")?.expected_ic["5"] as number;
    expect(truthB5).toBeCloseTo(expectedIcs(features, 5)[1], 6);
    expect(Math.abs(crossSectionalIc(m, "b", 5) - truthB5)).toBeLessThan(0.02);
  });
});

describe("signal algebra", () => {
  it("counts squared overlaps of bar runs", () => {
    expect(overlapSquares(1, 7)).toBe(7);
    expect(overlapSquares(2, 3)).toBe(1 + 4 + 4 + 1);
    expect(overlapSquares(5, 5)).toBe(25 + 2 * (16 + 9 + 4 + 1));
    expect(overlapSquares(3, 8)).toBe(overlapSquares(8, 3));
  });

  it("gives one signal the share ic^2 * Q(m, h) / m^2 of its forward return's variance", () => {
    expect(signalBudget([{ name: "a", horizon: 5, ic: 0.1 }])).toBeCloseTo(0.05, 12);
    expect(signalBudget([{ name: "a", horizon: 5, ic: 0.1, onset: 1 }])).toBeCloseTo((0.01 * 85) / 25, 12);
    expect(solveSignals([{ name: "a", horizon: 5, ic: 0.5 }])).toBeNull();
  });

  it("refuses signals that would need more variance than returns have", () => {
    expect(() => generateMarket({ signals: { features: [{ name: "sig_big", horizon: 20, ic: 0.3 }] } })).toThrow(/signals\.features: the signals together would need more variance/);
    expect(() => generateMarket({ signals: { features: [{ name: "sig_big", horizon: 20, ic: 0.2 }] } })).toThrow(/would need 80% of a forward return's variance/);
  });
});

describe("planted leaks", () => {
  const market = generateMarket({ seed: 9, symbols: 30, bars: 600, leaks: { plant: true } });
  const fwd = (c: Float64Array, h: number, i: number) => Math.log(c[i + h] / c[i]);

  it("leak_fwd_copy is the next bar's return plus a little noise", () => {
    const cors = market.series.map((s) => {
      const c = col(s, "close");
      const leak = col(s, "leak_fwd_copy");
      const n = c.length - 1;
      expect(Number.isNaN(leak[n])).toBe(true);
      return correlation(leak.subarray(0, n), Array.from({ length: n }, (_, i) => fwd(c, 1, i)));
    });
    expect(Math.min(...cors)).toBeGreaterThan(0.98);
  });

  it("leak_future_close is exactly the next close", () => {
    for (const s of market.series) {
      const c = col(s, "close");
      const leak = col(s, "leak_future_close");
      expect(Array.from(leak.subarray(0, c.length - 1))).toEqual(Array.from(c.subarray(1)));
      expect(Number.isNaN(leak[c.length - 1])).toBe(true);
    }
  });

  it("leak_centered_ma averages close over t-2 .. t+2", () => {
    for (const s of market.series.slice(0, 5)) {
      const c = col(s, "close");
      const leak = col(s, "leak_centered_ma");
      const n = c.length;
      expect([leak[0], leak[1], leak[n - 2], leak[n - 1]].every(Number.isNaN)).toBe(true);
      for (let i = 2; i < n - 2; i++) {
        const ma = (c[i - 2] + c[i - 1] + c[i] + c[i + 1] + c[i + 2]) / 5;
        expect(Math.abs(leak[i] - ma)).toBeLessThan(1e-5);
      }
    }
  });

  it("leak_fwd_sign agrees with the sign of the next return 70% of the time", () => {
    let agree = 0;
    let total = 0;
    for (const s of market.series) {
      const c = col(s, "close");
      const leak = col(s, "leak_fwd_sign");
      for (let i = 0; i + 1 < c.length; i++) {
        const r = fwd(c, 1, i);
        if (r === 0) continue;
        total++;
        if (Math.sign(r) === leak[i]) agree++;
      }
    }
    expect(agree / total).toBeGreaterThan(0.68);
    expect(agree / total).toBeLessThan(0.72);
  });

  it("describes every leak in the ground truth with its kind and lookahead", () => {
    expect(market.truth.leaks.map((l) => [l.name, l.kind, l.lookahead_bars])).toEqual([
      ["leak_fwd_copy", "fwd_copy", 1],
      ["leak_future_close", "future_close", 1],
      ["leak_centered_ma", "centered_ma", 2],
      ["leak_fwd_sign", "sign_agreement", 1],
    ]);
    expect(market.truth.columns.leaks).toEqual(["leak_fwd_copy", "leak_future_close", "leak_centered_ma", "leak_fwd_sign"]);
    expect(market.truth.columns.signals).toEqual([]);
  });

  it("takes custom leak settings", () => {
    const m = generateMarket({
      seed: 2,
      symbols: 3,
      bars: 200,
      leaks: { plant: true, features: [{ kind: "future_close", name: "tomorrow3", shift: 3 }, { kind: "fwd_copy", horizon: 5, noise: 0 }] },
    });
    const s = m.series[0];
    const c = col(s, "close");
    expect(col(s, "tomorrow3")[10]).toBe(c[13]);
    expect(col(s, "leak_fwd_copy")[10]).toBeCloseTo(Math.log(c[15] / c[10]), 6);
    expect(m.truth.leaks.map((l) => l.lookahead_bars)).toEqual([3, 5]);
  });
});
