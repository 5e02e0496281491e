import { beforeAll, describe, expect, it } from "vitest";
import { buildMlp, mlpParamsSchema } from "../../../src/models/nn/arch/mlp.js";
import { RowSource, fitRowScaler } from "../../../src/models/nn/data/source.js";
import { mlpFamily } from "../../../src/models/nn/families.js";
import { ParamStore } from "../../../src/models/nn/layers/params.js";
import { setKernelMode } from "../../../src/models/nn/ops/fused.js";
import { nnReady, tf } from "../../../src/models/nn/runtime/backend.js";
import { chooseBatchSize, estimateMemory, isOutOfMemory } from "../../../src/models/nn/train/memory.js";
import { AdamW, FusedAdamW, learningRate } from "../../../src/models/nn/train/optimizer.js";
import { trainNetwork } from "../../../src/models/nn/train/trainer.js";
import { FoxmlError, InputError } from "../../../src/util/errors.js";
import { Rng } from "../../../src/util/random.js";
import { ctx, maxAbsDiff, r2, subset, tabularData } from "./helpers.js";

const data = tabularData(600, 5, 21);
const train = subset(data, 0, 450);
const valid = subset(data, 450, 600);
const small = { hidden_units: [16], epochs: 3, batch_size: 64, dropout: 0, early_stopping_patience: 0 };

function recorder() {
  const lines: { level: string; msg?: string; obj: Record<string, unknown> }[] = [];
  const at = (level: string) => (obj: object, msg?: string) => lines.push({ level, msg, obj: obj as Record<string, unknown> });
  return { lines, log: { info: at("info"), warn: at("warn"), debug: at("debug") } };
}

beforeAll(async () => {
  await nnReady("cpu");
});

describe("determinism", () => {
  it("the same seed gives bit-identical predictions; another seed differs", async () => {
    const p = mlpFamily.paramsSchema.parse({ ...small, dropout: 0.2 });
    const a = await mlpFamily.fit(train, p, ctx, valid);
    const b = await mlpFamily.fit(train, p, ctx, valid);
    const c = await mlpFamily.fit(train, p, { ...ctx, seed: ctx.seed + 1 }, valid);
    const pa = a.predict(valid.X, valid.nRows);
    expect(Array.from(b.predict(valid.X, valid.nRows))).toEqual(Array.from(pa));
    expect(maxAbsDiff(c.predict(valid.X, valid.nRows), pa)).toBeGreaterThan(1e-4);
    for (const m of [a, b, c]) m.dispose();
  });
});

describe("early stopping and schedules", () => {
  it("stops when validation loss stops improving and keeps the best epoch's weights", async () => {
    // pure-noise target: validation loss bottoms out early, then overfitting raises it
    const r = new Rng(3);
    const noisy = { ...subset(data, 0, 120), y: Float64Array.from({ length: 120 }, () => r.normal()) };
    const vnoisy = { ...subset(data, 450, 600), y: Float64Array.from({ length: 150 }, () => r.normal()) };
    const p = mlpFamily.paramsSchema.parse({ hidden_units: [64, 64], epochs: 60, batch_size: 16, dropout: 0, learning_rate: 0.01, early_stopping_patience: 3, weight_decay: 0 });
    const m = await mlpFamily.fit(noisy, p, ctx, vnoisy);
    const h = m.info.training.history;
    expect(m.info.training.stoppedEarly).toBe(true);
    expect(h.length).toBeLessThan(60);
    const best = h.reduce((bi, e, i) => (e.validLoss! < h[bi].validLoss! ? i : bi), 0);
    expect(m.info.training.bestEpoch).toBe(best + 1);
    expect(h.length).toBe(best + 1 + 3);
    // the kept weights are the best epoch's: their validation MSE (standardised target) matches the record
    const pred = m.predict(vnoisy.X, vnoisy.nRows);
    const { shift, scale } = m.info.targetScale;
    let mse = 0;
    for (let i = 0; i < pred.length; i++) mse += ((pred[i] - vnoisy.y[i]) / scale) ** 2;
    void shift;
    expect(mse / pred.length).toBeCloseTo(h[best].validLoss!, 4);
    m.dispose();
  });

  it("learning-rate schedules: warm-up, cosine to the floor, exponential per epoch", () => {
    const p = { learning_rate: 0.1, lr_schedule: "cosine" as const, warmup_steps: 10, lr_decay: 0.5, lr_min_ratio: 0.1 };
    expect(learningRate(p, 0, 110, 0)).toBeCloseTo(0.01, 12);
    expect(learningRate(p, 9, 110, 0)).toBeCloseTo(0.1, 12);
    expect(learningRate(p, 10, 110, 0)).toBeCloseTo(0.1, 12);
    expect(learningRate(p, 60, 110, 0)).toBeCloseTo(0.01 + 0.09 * 0.5, 12);
    expect(learningRate(p, 110, 110, 0)).toBeCloseTo(0.01, 12);
    expect(learningRate({ ...p, lr_schedule: "exponential", warmup_steps: 0 }, 5, 100, 3)).toBeCloseTo(0.1 * 0.125, 12);
    expect(learningRate({ ...p, lr_schedule: "constant", warmup_steps: 0 }, 50, 100, 3)).toBe(0.1);
  });

  it("onEpoch can stop training once a target is reached", async () => {
    const p = mlpParamsSchema.parse({ ...small, epochs: 20 });
    const scaler = fitRowScaler(train, 1, 0);
    const net = buildMlp(ParamStore.fresh(new Rng(1)), [5], 1, p);
    const res = await trainNetwork(
      { source: new RowSource(train.X, train.nRows, 5, scaler), y: Float32Array.from(train.y) },
      { source: new RowSource(valid.X, valid.nRows, 5, scaler), y: Float32Array.from(valid.y) },
      { family: "mlp", net, params: p, seed: 1, onEpoch: (rec) => rec.epoch === 4 },
    );
    expect(res.history.length).toBe(4);
    net.params.dispose();
  });
});

describe("memory-adaptive batching", () => {
  it("chooses the largest batch under the budget, never above the preferred size or the row count", () => {
    const est = estimateMemory(100, 1000, 10_000); // per sample (200 + 3000) * 4 bytes, fixed 160 kB
    expect(est).toEqual({ perSampleBytes: 12_800, fixedBytes: 160_000 });
    expect(chooseBatchSize(256, 1e6, 160_000 + 12_800 * 100, est)).toEqual({ batchSize: 100, estimatedBytes: 160_000 + 12_800 * 100, limitedByMemory: true });
    expect(chooseBatchSize(64, 1e6, 1e12, est).batchSize).toBe(64);
    expect(chooseBatchSize(64, 10, 1e12, est).batchSize).toBe(10);
    expect(chooseBatchSize(64, 1e6, 1, est).batchSize).toBe(1);
  });

  it("a small budget lowers the batch, and the choice is logged", async () => {
    const { lines, log } = recorder();
    const p = mlpFamily.paramsSchema.parse({ ...small, hidden_units: [8192], epochs: 1, batch_size: 256, memory_budget_mb: 16, max_steps_per_epoch: 1 });
    const m = await mlpFamily.fit(train, p, { ...ctx, log });
    const rec = lines.find((l) => l.msg === "nn batch size chosen")!;
    expect(rec.obj.limitedByMemory).toBe(true);
    expect(rec.obj.batchSize as number).toBeLessThan(256);
    expect(m.info.training.batchSize).toBe(rec.obj.batchSize);
    m.dispose();
  });

  it("a step that runs out of memory halves the batch and is retried instead of crashing", async () => {
    const { lines, log } = recorder();
    const p = mlpParamsSchema.parse({ ...small, batch_size: 128, epochs: 2 });
    const scaler = fitRowScaler(train, 1, 0);
    const net = buildMlp(ParamStore.fresh(new Rng(1)), [5], 1, p);
    const sizes: number[] = [];
    const res = await trainNetwork({ source: new RowSource(train.X, train.nRows, 5, scaler), y: Float32Array.from(train.y) }, undefined, {
      family: "mlp",
      net,
      params: p,
      seed: 1,
      log,
      beforeStep: (b) => {
        sizes.push(b);
        if (b > 32) throw new RangeError("Array buffer allocation failed");
      },
    });
    expect(res.batchSize).toBe(32);
    expect(sizes.slice(0, 3)).toEqual([128, 64, 32]);
    // every row was still seen once per epoch
    expect(res.history.map((h) => h.steps)).toEqual([Math.ceil(450 / 32), Math.ceil(450 / 32)]);
    expect(lines.filter((l) => l.level === "warn").map((l) => [l.obj.from, l.obj.to])).toEqual([[128, 64], [64, 32]]);
    net.params.dispose();
  });

  it("other errors are not mistaken for running out of memory", () => {
    expect(isOutOfMemory(new RangeError("Array buffer allocation failed"))).toBe(true);
    expect(isOutOfMemory(new Error("Aborted(OOM)"))).toBe(true);
    expect(isOutOfMemory(new Error("shapes do not match"))).toBe(false);
    expect(isOutOfMemory(new TypeError("x is undefined"))).toBe(false);
  });
});

describe("optimiser", () => {
  it("the fused AdamW matches the tensor-op AdamW (weight decay, L2 variant, clipping)", () => {
    for (const optimizer of ["adamw", "adam"] as const) {
      const p = { optimizer, weight_decay: 0.01, beta1: 0.9, beta2: 0.999, adam_epsilon: 1e-8, grad_clip_norm: 0.5 };
      const r = new Rng(9);
      const init = [Float32Array.from({ length: 12 }, () => r.normal()), Float32Array.from({ length: 3 }, () => r.normal())];
      const grads = Array.from({ length: 4 }, () => [Float32Array.from({ length: 12 }, () => r.normal()), Float32Array.from({ length: 3 }, () => r.normal())]);
      const run = (fused: boolean): Float32Array[] => {
        const vars = [tf.variable(tf.tensor(init[0], [4, 3])), tf.variable(tf.tensor(init[1], [3]))];
        const opt = fused ? new FusedAdamW(vars, p) : new AdamW(vars, p);
        grads.forEach((g, i) => opt.apply([tf.tensor(g[0], [4, 3]), tf.tensor(g[1], [3])], 0.01 * (i + 1)));
        const out = vars.map((v) => Float32Array.from(v.dataSync() as Float32Array));
        opt.dispose();
        vars.forEach((v) => v.dispose());
        return out;
      };
      const a = run(false);
      const b = run(true);
      expect(maxAbsDiff(a[0], b[0])).toBeLessThan(1e-6);
      expect(maxAbsDiff(a[1], b[1])).toBeLessThan(1e-6);
      expect(maxAbsDiff(a[0], init[0])).toBeGreaterThan(1e-3);
    }
  });

  it("stock-op training and fused-kernel training reach the same model", async () => {
    const p = mlpFamily.paramsSchema.parse({ ...small, epochs: 2 });
    setKernelMode("stock");
    const a = await mlpFamily.fit(train, p, ctx, valid);
    const pa = a.predict(valid.X, valid.nRows);
    setKernelMode("fused");
    const b = await mlpFamily.fit(train, p, ctx, valid);
    const pb = b.predict(valid.X, valid.nRows);
    setKernelMode("auto");
    expect(maxAbsDiff(pa, pb)).toBeLessThan(1e-4);
    a.dispose();
    b.dispose();
  });
});

describe("objectives, weights and inputs", () => {
  it("binary: probabilities in [0, 1] that separate the classes", async () => {
    const yb = { ...train, y: train.y.map((v) => (v > 0 ? 1 : 0)) };
    const m = await mlpFamily.fit(yb, mlpFamily.paramsSchema.parse({ ...small, hidden_units: [32], objective: "binary", epochs: 10, learning_rate: 0.01 }), ctx);
    const p = m.predict(valid.X, valid.nRows);
    let correct = 0;
    p.forEach((v, i) => {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
      if ((v > 0.5 ? 1 : 0) === (valid.y[i] > 0 ? 1 : 0)) correct++;
    });
    expect(correct / p.length).toBeGreaterThan(0.75);
    m.dispose();
  });

  it("multiclass: row-major class probabilities summing to 1", async () => {
    const ym = { ...train, y: train.y.map((v) => (v < -0.5 ? 0 : v < 0.5 ? 1 : 2)) };
    const m = await mlpFamily.fit(ym, mlpFamily.paramsSchema.parse({ ...small, objective: "multiclass", num_class: 3, epochs: 4 }), ctx);
    const p = m.predict(valid.X, valid.nRows);
    expect(p.length).toBe(valid.nRows * 3);
    for (let i = 0; i < valid.nRows; i++) expect(p[3 * i] + p[3 * i + 1] + p[3 * i + 2]).toBeCloseTo(1, 5);
    m.dispose();
  });

  it("rows with weight 0 do not move the model", async () => {
    const r = new Rng(4);
    const n = train.nRows;
    const junkY = Float64Array.from(train.y, (v, i) => (i % 2 ? 30 * r.normal() : v));
    const p = mlpFamily.paramsSchema.parse({ ...small, hidden_units: [32], epochs: 15, learning_rate: 0.005, standardize_target: false });
    const weighted = await mlpFamily.fit({ ...train, y: junkY, weight: Float64Array.from({ length: n }, (_, i) => (i % 2 ? 0 : 1)) }, p, ctx);
    const unweighted = await mlpFamily.fit({ ...train, y: junkY }, p, ctx);
    const rw = r2(weighted.predict(valid.X, valid.nRows), valid.y);
    const ru = r2(unweighted.predict(valid.X, valid.nRows), valid.y);
    expect(rw).toBeGreaterThan(0.3);
    expect(ru).toBeLessThan(rw - 0.3);
    weighted.dispose();
    unweighted.dispose();
  });

  it("missing and infinite feature values train and predict without NaN", async () => {
    const X = Float32Array.from(train.X);
    for (let i = 0; i < X.length; i += 7) X[i] = i % 2 ? NaN : Infinity;
    const m = await mlpFamily.fit({ ...train, X }, mlpFamily.paramsSchema.parse(small), ctx);
    const Xv = Float32Array.from(valid.X).fill(NaN, 0, 10);
    expect(m.predict(Xv, valid.nRows).every(Number.isFinite)).toBe(true);
    m.dispose();
  });

  it("bad targets, weights and shapes are input errors naming the row or the shape", async () => {
    const p = mlpFamily.paramsSchema.parse(small);
    const y = Float64Array.from(train.y);
    y[17] = NaN;
    await expect(mlpFamily.fit({ ...train, y }, p, ctx)).rejects.toThrow(/target of row 17 is NaN/);
    await expect(mlpFamily.fit(train, mlpFamily.paramsSchema.parse({ ...small, objective: "binary" }), ctx)).rejects.toThrow(/binary needs targets 0 or 1, row 0/);
    await expect(mlpFamily.fit({ ...train, weight: new Float64Array(train.nRows).fill(-1) }, p, ctx)).rejects.toThrow(/weight of row 0 is -1/);
    await expect(mlpFamily.fit(train, p, ctx, { ...valid, nFeatures: 4, X: valid.X.subarray(0, valid.nRows * 4), featureNames: valid.featureNames.slice(0, 4) })).rejects.toThrow(/validation data has 4 features per row, training data has 5/);
    await expect(mlpFamily.fit({ ...train, X: train.X.subarray(1) }, p, ctx)).rejects.toThrow(InputError);
    const m = await mlpFamily.fit(train, mlpFamily.paramsSchema.parse({ ...small, epochs: 1 }), ctx);
    expect(() => m.predict(valid.X, valid.nRows + 1)).toThrow(/X has 750 values, expected nRows x nFeatures = 151 x 5/);
    m.dispose();
  });

  it("a diverging run is a clear error, and an aborted one stops", async () => {
    const huge = { ...train, y: new Float64Array(train.nRows).fill(1e30) };
    await expect(mlpFamily.fit(huge, mlpFamily.paramsSchema.parse({ ...small, standardize_target: false }), ctx)).rejects.toThrow(/training diverged/);
    const ac = new AbortController();
    ac.abort();
    const err = await mlpFamily.fit(train, mlpFamily.paramsSchema.parse(small), { ...ctx, signal: ac.signal }).catch((e) => e);
    expect(err).toBeInstanceOf(FoxmlError);
    expect(err.message).toMatch(/aborted/);
  });
});

describe("memory hygiene", () => {
  it("training, prediction and dispose leave no tensors or kernel memory behind", async () => {
    const { kernelRuntime } = await import("../../../src/models/nn/kernels/runtime.js");
    const { lstmFamily } = await import("../../../src/models/nn/families.js");
    const { sequenceData } = await import("./helpers.js");
    const seq = sequenceData(40, 3, 2, 5);
    const warm = await mlpFamily.fit(train, mlpFamily.paramsSchema.parse({ ...small, epochs: 1 }), ctx, valid);
    warm.dispose();
    const tensors0 = tf.memory().numTensors;
    const kernelBytes0 = kernelRuntime().bytesInUse();
    const a = await mlpFamily.fit(train, mlpFamily.paramsSchema.parse({ ...small, early_stopping_patience: 2 }), ctx, valid);
    a.predict(valid.X, valid.nRows);
    const b = await lstmFamily.fit(seq.train, lstmFamily.paramsSchema.parse({ lookback: 4, hidden_units: [4], epochs: 2 }), ctx, seq.valid);
    b.predictSequence(seq.valid);
    expect(tf.memory().numTensors).toBeGreaterThan(tensors0); // the two models' weights
    a.dispose();
    b.dispose();
    expect(tf.memory().numTensors).toBe(tensors0);
    expect(kernelRuntime().bytesInUse()).toBe(kernelBytes0);
  });
});
