import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Panel } from "../../src/data/types.js";
import { buildTarget } from "../../src/targets/index.js";
import { Rng } from "../../src/util/random.js";
import { panelOf } from "./helpers.js";

const NAMES = [
  "fwd_ret_3",
  "fwd_logret_3_volscaled",
  "fwd_excess_2",
  "fwd_excess_2_log_volscaled",
  "fwd_mktexcess_2_log",
  "fwd_betaexcess_3_volscaled",
  "fwd_sign_2_betaexcess",
  "fwd_q3_2",
  "tb_3_1_1",
  "tb_3_2_0_hl",
  "mfe_3_hl",
  "mae_2",
  "mdd_4",
  "zigzag_peak_0.05_4",
  "zigzag_valley_0.03",
];

/** A ragged panel: symbols start and end at different times and have missing bars; OHLC consistent. */
function raggedPanel(seed: number, T: number, S: number): { panel: Panel; close: number[][]; high: number[][]; low: number[][] } {
  const rng = new Rng(seed);
  const close: number[][] = [];
  const high: number[][] = [];
  const low: number[][] = [];
  for (let s = 0; s < S; s++) {
    const start = rng.int(0, 8);
    const end = T - rng.int(0, 8);
    let p = 50 + 100 * rng.uniform();
    const c: number[] = [];
    const h: number[] = [];
    const l: number[] = [];
    for (let t = 0; t < T; t++) {
      p *= Math.exp(rng.normal(0, 0.03));
      const missing = t < start || t >= end || rng.bernoulli(0.05);
      c.push(missing ? NaN : p);
      h.push(missing ? NaN : p * (1 + 0.02 * rng.uniform()));
      l.push(missing ? NaN : p * (1 - 0.02 * rng.uniform()));
    }
    close.push(c);
    high.push(h);
    low.push(l);
  }
  return { panel: panelOf({ close, high, low }), close, high, low };
}

describe("every target reads only its declared window", () => {
  it("labels at rows <= c do not change when bars after c + window change (ragged panels, execution lag)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 2 }), fc.constantFrom(...NAMES), (seed, cut, lag, name) => {
        const T = 40;
        const S = 5;
        const target = buildTarget(name, { executionLag: lag });
        const base = raggedPanel(seed, T, S);
        const rng = new Rng(seed + 1);
        const from = cut + target.window + 1;
        const bump = (g: number[][]): number[][] => g.map((row) => row.map((v, t) => (t >= from && Number.isFinite(v) ? v * Math.exp(rng.normal(0, 0.3)) : v)));
        const scale = base.close.map((row) => row.map(() => Math.exp(rng.normal(0, 0.3))));
        const close2 = bump(base.close);
        // keep OHLC consistent after the change
        const high2 = close2.map((row, s) => row.map((v, t) => (t >= from ? v * (1 + 0.05 * scale[s][t] / 3) : base.high[s][t])));
        const low2 = close2.map((row, s) => row.map((v, t) => (t >= from ? v * (1 - 0.05 * scale[s][t] / 3) : base.low[s][t])));
        const changed = panelOf({ close: close2, high: high2, low: low2 });
        const a = target.compute(base.panel);
        const b = target.compute(changed);
        for (let i = 0; i < (cut + 1) * S && i < T * S; i++) {
          if (!Object.is(a[i], b[i])) throw new Error(`${name} (lag ${lag}): row t=${Math.floor(i / S)}, s=${i % S} changed: ${a[i]} -> ${b[i]}`);
        }
        return true;
      }),
      { numRuns: 150, seed: 11 },
    );
  });

  it("the label at t equals the label computed on the data cut right after t + window (every row)", () => {
    for (const seed of [1, 2, 3, 4]) {
      const T = 36;
      const S = 4;
      const { panel, close, high, low } = raggedPanel(seed * 7919, T, S);
      for (const name of NAMES) {
        const target = buildTarget(name, { executionLag: seed % 2 });
        const full = target.compute(panel);
        for (let t = 0; t + target.window < T; t++) {
          const end = t + target.window + 1;
          const cut = panelOf({ close: close.map((r) => r.slice(0, end)), high: high.map((r) => r.slice(0, end)), low: low.map((r) => r.slice(0, end)) });
          const y = target.compute(cut);
          for (let s = 0; s < S; s++) {
            if (!Object.is(full[t * S + s], y[t * S + s])) throw new Error(`${name}: row t=${t}, s=${s}: ${full[t * S + s]} with all data, ${y[t * S + s]} with data up to t + window`);
          }
        }
      }
    }
  });

  it("labels are NaN in the last `window` rows and wherever the symbol has no bar at t", () => {
    const { panel, close } = raggedPanel(3, 50, 6);
    for (const name of NAMES) {
      for (const lag of [0, 2]) {
        const t = buildTarget(name, { executionLag: lag });
        const y = t.compute(panel);
        const S = panel.S;
        for (let r = panel.T - t.window; r < panel.T; r++) for (let s = 0; s < S; s++) expect(Number.isNaN(y[r * S + s]), `${name} row ${r}`).toBe(true);
        for (let r = 0; r < panel.T; r++) for (let s = 0; s < S; s++) if (Number.isNaN(close[s][r])) expect(Number.isNaN(y[r * S + s]), `${name} missing bar`).toBe(true);
        // and something is labelled
        expect(Array.from(y).some(Number.isFinite), name).toBe(true);
      }
    }
  });

  it("every target declares type, horizon and window", () => {
    for (const name of NAMES) {
      const t = buildTarget(name, { executionLag: 1 });
      expect(t.horizon).toBeGreaterThanOrEqual(1);
      expect(t.window).toBe(t.horizon + t.executionLag);
      expect(["regression", "binary", "multiclass"]).toContain(t.type);
      if (t.type !== "regression") expect(t.classes!.length).toBeGreaterThanOrEqual(2);
      expect(t.description.length).toBeGreaterThan(10);
    }
  });
});
