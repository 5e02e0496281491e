/**
 * gan: the conditional GAN learns paths with volatility clustering (GARCH(1,1) returns and their
 * volatility as a feature) and generates paths that share it, its discriminator tells real paths
 * from noise, a high-volatility condition gives a stress scenario; as a family it trains a
 * predictor on real + generated rows that beats the mean out of sample, and saves and loads.
 */
import { beforeAll, describe, expect, it } from "vitest";
import "../../../src/models/index.js";
import type { TabularData } from "../../../src/models/family.js";
import { Cgan, checkPaths, GanModel, pathStats, realPaths, type PathSet } from "../../../src/models/gan/index.js";
import { getFamily } from "../../../src/models/registry.js";
import { nnReady } from "../../../src/models/nn/runtime/backend.js";
import { Rng } from "../../../src/util/random.js";
import { corr, meanBaseline, mse, throughText } from "./planted.js";

beforeAll(async () => {
  await nnReady();
});

/** GARCH(1,1) returns per symbol; features: the conditional volatility and noise; y: the return. */
function garch(T: number, S: number, seed: number, signal = 0): TabularData {
  const rng = new Rng(seed);
  const n = T * S;
  const X = new Float32Array(n * 2);
  const y = new Float64Array(n);
  const time = new Int32Array(n);
  const symbol = new Int32Array(n);
  for (let s = 0; s < S; s++) {
    let h = 1;
    let r = 0;
    for (let t = 0; t < T; t++) {
      h = 0.05 + 0.1 * r * r + 0.85 * h;
      const x1 = rng.normal();
      r = Math.sqrt(h) * rng.normal() + signal * x1;
      const i = t * S + s;
      X[i * 2] = Math.sqrt(h);
      X[i * 2 + 1] = x1;
      y[i] = r;
      time[i] = t;
      symbol[i] = s;
    }
  }
  return { nRows: n, nFeatures: 2, featureNames: ["vol", "x1"], X, y, rows: { time, symbol } };
}

const GAN = { noise_dim: 8, hidden_units: 64, steps: 800, batch_size: 64, learning_rate: 0.002 };

describe("conditional GAN of paths", () => {
  it("generates paths with the real ones' volatility clustering, scores realism, and stresses by condition", async () => {
    const real = realPaths(garch(600, 8, 1), 16, 4);
    const gan = await Cgan.train(real, GAN, 3);
    const gen = gan.generate(1000, 5);
    const check = checkPaths(real, gen, 0.15);
    expect(check.real.acfAbs[0]).toBeGreaterThan(0.08);
    expect(check.passed).toBe(true);
    expect(check.generated.acfAbs[0]).toBeGreaterThan(0.06);
    // the generated paths with iid normal returns in place of theirs have no clustering: the check fails
    const rng = new Rng(9);
    const iid: PathSet = { ...gen, data: gen.data.map((v, i) => (i % gen.D === gen.D - 1 ? rng.normal() : v)) };
    expect(checkPaths(real, iid, 0.15).passed).toBe(false);
    // realism: unseen real paths score well above noise paths
    const hold = realPaths(garch(300, 8, 2), 16, 4);
    const noise: PathSet = { ...hold, data: hold.data.map(() => rng.normal()) };
    expect(gan.realism(hold)).toBeGreaterThan(gan.realism(noise) + 0.15);
    // stress: a high-volatility condition gives more volatile paths
    const high = pathStats(gan.generate(500, 6, Math.log(2.5))).vol;
    const low = pathStats(gan.generate(500, 6, Math.log(0.6))).vol;
    expect(high).toBeGreaterThan(1.5 * low);
    expect(Array.from(gan.generate(10, 7).data)).toEqual(Array.from(gan.generate(10, 7).data));
  }, 60_000);
});

describe("gan family", () => {
  it("trains a predictor on real + generated rows that beats the mean, and saves and loads", async () => {
    const d = garch(400, 6, 4, 0.8);
    const cut = 300 * 6;
    const sub = (a: number, b: number): TabularData => ({
      nRows: b - a,
      nFeatures: 2,
      featureNames: d.featureNames,
      X: d.X.slice(a * 2, b * 2),
      y: d.y.slice(a, b),
      rows: { time: d.rows!.time.slice(a, b), symbol: d.rows!.symbol.slice(a, b) },
    });
    const train = sub(0, cut);
    const test = sub(cut, d.nRows);
    const fam = getFamily("gan");
    const model = (await fam.fit(train, fam.paramsSchema.parse({ ...GAN, steps: 400, synthetic_ratio: 1 }), { seed: 2, threads: 1 })) as GanModel;
    const pred = model.predict(test.X, test.nRows);
    expect(mse(pred, test.y)).toBeLessThan(mse(meanBaseline(train.y, test.nRows), test.y));
    expect(corr(pred, test.y)).toBeGreaterThan(0.3);
    const loaded = fam.load(throughText(model.toJSON())) as GanModel;
    expect(Array.from(loaded.predict(test.X, test.nRows))).toEqual(Array.from(pred));
    expect(Array.from(loaded.generate(20, 3).data)).toEqual(Array.from(model.generate(20, 3).data));
    expect(loaded.check.real.acfAbs).toEqual(model.check.real.acfAbs);
    expect(() => fam.load({ format: "foxml-nn" })).toThrow(/not a foxml-gan v1 model/);
  }, 60_000);

  it("trains on rows with missing feature values (they become the channel's mean)", async () => {
    const d = garch(120, 4, 5, 0.8);
    for (let i = 0; i < d.X.length; i += 7) d.X[i] = NaN;
    const fam = getFamily("gan");
    const model = (await fam.fit(d, fam.paramsSchema.parse({ ...GAN, steps: 30, window: 8 }), { seed: 2, threads: 1 })) as GanModel;
    expect(model.generate(5, 1).data.every(Number.isFinite)).toBe(true);
    expect(Number.isFinite(model.realism.real)).toBe(true);
  }, 60_000);
});
