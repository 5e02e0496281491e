/**
 * reward_based: a known answer. Returns carry a slow signal (s: AR(1), persistent) and a stronger
 * fast one (f: new every bar). A prediction-loss network leans on f, the more accurate forecast,
 * and its positions flip every bar; with a cost per unit of turnover, trading f loses more than it
 * earns. The network trained on the Sharpe ratio net of costs learns to hold s instead, and its
 * out-of-sample net Sharpe beats the MSE network's (same architecture).
 */
import { beforeAll, describe, expect, it } from "vitest";
import "../../../src/models/index.js";
import type { TabularData } from "../../../src/models/family.js";
import { getFamily } from "../../../src/models/registry.js";
import { previousRows } from "../../../src/models/reward_based/index.js";
import { nnReady } from "../../../src/models/nn/runtime/backend.js";
import { Rng } from "../../../src/util/random.js";
import { rowsOf, throughText, type PlantedPanel } from "./planted.js";

beforeAll(async () => {
  await nnReady();
});

const T = 500;
const S = 8;
const COST = 0.25;
const CUT = 380;

function market(seed: number): PlantedPanel {
  const rng = new Rng(seed);
  const F = 3;
  const X = new Float32Array(T * S * F);
  const y = new Float64Array(T * S);
  const slow = new Float64Array(S).map(() => rng.normal());
  for (let t = 0; t < T; t++) {
    for (let s = 0; s < S; s++) {
      slow[s] = 0.97 * slow[s] + Math.sqrt(1 - 0.97 ** 2) * rng.normal();
      const fast = rng.normal();
      const o = (t * S + s) * F;
      X[o] = slow[s];
      X[o + 1] = fast;
      X[o + 2] = rng.normal();
      y[t * S + s] = 0.12 * slow[s] + 0.25 * fast + rng.normal();
    }
  }
  return { T, S, F, X, y };
}

/** Net Sharpe per bar of positions on rows (time-major, S symbols), costs on the change of position. */
function netSharpe(pos: Float64Array, d: TabularData, cost: number): { sharpe: number; turnover: number } {
  const prev = previousRows(d);
  let sum = 0;
  let sq = 0;
  let turn = 0;
  for (let r = 0; r < d.nRows; r++) {
    const dp = Math.abs(pos[r] - pos[prev[r]]);
    const pnl = pos[r] * d.y[r] - cost * dp;
    sum += pnl;
    sq += pnl * pnl;
    turn += dp;
  }
  const m = sum / d.nRows;
  return { sharpe: m / Math.sqrt(sq / d.nRows - m * m), turnover: turn / d.nRows };
}

const arch = { hidden_units: [8], epochs: 30, batch_size: 512, learning_rate: 0.01, dropout: 0, early_stopping_patience: 0, weight_decay: 0 };

describe("reward_based family", () => {
  const p = market(21);
  const train = rowsOf(p, 0, CUT);
  const test = rowsOf(p, CUT, T);

  it("finds each row's previous bar of the same symbol", () => {
    const prev = previousRows(train);
    expect(prev[0]).toBe(0);
    expect(prev[S + 3]).toBe(3);
    expect(prev[5 * S + 7]).toBe(4 * S + 7);
  });

  it("beats a same-architecture MSE network on out-of-sample Sharpe net of costs", async () => {
    const rb = getFamily("reward_based");
    const model = await rb.fit(train, rb.paramsSchema.parse({ ...arch, cost: COST, cost_units: "target" }), { seed: 5, threads: 1 });
    const mlp = getFamily("mlp");
    const mseNet = await mlp.fit(train, mlp.paramsSchema.parse(arch), { seed: 5, threads: 1 });
    const posR = model.predict(test.X, test.nRows);
    for (const v of posR) expect(Math.abs(v)).toBeLessThanOrEqual(1);
    // the MSE net's positions: tanh of its forecast in units of the forecast's spread (Sharpe does not depend on the scale)
    const fm = mseNet.predict(test.X, test.nRows);
    const sdm = Math.sqrt(fm.reduce((s, v) => s + v * v, 0) / fm.length);
    const posM = fm.map((v) => Math.tanh(v / sdm));
    const r = netSharpe(posR, test, COST);
    const m = netSharpe(posM, test, COST);
    expect(r.sharpe).toBeGreaterThan(0.03);
    expect(r.sharpe).toBeGreaterThan(m.sharpe + 0.03);
    expect(r.turnover).toBeLessThan(m.turnover);
  }, 60_000);

  it("saves and loads into identical positions", async () => {
    const rb = getFamily("reward_based");
    const model = await rb.fit(train, rb.paramsSchema.parse({ ...arch, epochs: 2 }), { seed: 6, threads: 1 });
    const loaded = rb.load(throughText(model.toJSON()));
    expect(Array.from(loaded.predict(test.X, test.nRows))).toEqual(Array.from(model.predict(test.X, test.nRows)));
    expect(() => rb.load({ family: "mlp" })).toThrow(/not "reward_based"/);
  }, 60_000);
});
