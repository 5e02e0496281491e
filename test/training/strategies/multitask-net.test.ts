/**
 * The multi-task network (src/models/nn/multitask): the masked, weighted loss on known numbers, and
 * a fit that learns two heads of very different scales, one of them missing on half the rows.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { fitMultiTask, headLosses, multiTaskLoss, type HeadLossSpec, type MultiTaskParams } from "../../../src/models/nn/multitask/index.js";
import { nnReady, tf } from "../../../src/models/nn/runtime/backend.js";
import { pearson } from "../../../src/validation/metrics/index.js";
import { Rng } from "../../../src/util/random.js";

beforeAll(async () => {
  await nnReady();
});

function spec(loss: "mse" | "huber" = "mse"): HeadLossSpec {
  return { binary: tf.tensor1d([0, 1]), weights: tf.tensor1d([0.25, 0.75]), loss, huberDelta: 1 };
}

describe("multi-task loss", () => {
  it("is each head's mean over its own rows, weighted", () => {
    const out = tf.tensor2d([[1, 0], [2, 0]]);
    const y = tf.tensor2d([[0, 123], [0, 0]]); // 123 is masked out
    const m = tf.tensor2d([[1, 0], [1, 1]]);
    const heads = Array.from(headLosses(out, y, m, spec()).dataSync());
    expect(heads[0]).toBeCloseTo((1 + 4) / 2, 6);
    expect(heads[1]).toBeCloseTo(Math.log(2), 6);
    expect(multiTaskLoss(out, y, m, spec()).dataSync()[0]).toBeCloseTo(0.25 * 2.5 + 0.75 * Math.log(2), 6);
    const huber = Array.from(headLosses(out, y, m, spec("huber")).dataSync());
    expect(huber[0]).toBeCloseTo((0.5 + 1.5) / 2, 6);
  });

  it("gives a masked target neither loss nor gradient, and an empty head zero", () => {
    const out = tf.variable(tf.tensor2d([[0.3, -0.2], [0.1, 0.4]]));
    const m = tf.tensor2d([[1, 0], [1, 0]]);
    const grad = (yv: number[][]) => {
      const y = tf.tensor2d(yv);
      const { value, grads } = tf.variableGrads(() => multiTaskLoss(out, y, m, spec()), [out]);
      return { loss: value.dataSync()[0], g: Array.from(grads[out.name].dataSync()) };
    };
    const a = grad([[1, 0], [2, 1]]);
    const b = grad([[1, 1], [2, 0]]);
    expect(b.loss).toBe(a.loss);
    expect(b.g).toEqual(a.g);
    expect(a.g[1]).toBe(0);
    expect(a.g[3]).toBe(0);
    expect(headLosses(out, tf.zeros([2, 2]), m, spec()).dataSync()[1]).toBe(0);
  });
});

describe("fitMultiTask", () => {
  it("learns heads of very different scales, one missing on half the rows", async () => {
    const n = 2000;
    const rng = new Rng(3);
    const X = new Float32Array(n * 3);
    const Y = new Float64Array(n * 2);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < 3; j++) X[i * 3 + j] = rng.normal();
      Y[i * 2] = 1000 * (X[i * 3] + 0.5 * X[i * 3 + 1]) + 100 * rng.normal();
      Y[i * 2 + 1] = i % 2 === 0 ? NaN : 0.001 * (X[i * 3 + 2] - X[i * 3 + 1]) + 0.0001 * rng.normal();
    }
    const params: MultiTaskParams = {
      hidden_units: [16],
      head_units: [],
      activation: "relu",
      layer_norm: false,
      dropout: 0,
      epochs: 12,
      batch_size: 128,
      max_steps_per_epoch: 0,
      optimizer: "adamw",
      learning_rate: 5e-3,
      weight_decay: 0,
      beta1: 0.9,
      beta2: 0.999,
      adam_epsilon: 1e-8,
      lr_schedule: "cosine",
      warmup_steps: 0,
      lr_decay: 0.95,
      lr_min_ratio: 0.05,
      grad_clip_norm: 1,
      early_stopping_patience: 0,
      min_delta: 0,
      memory_budget_mb: 64,
      loss: "mse",
      huber_delta: 1,
      input_clip: 10,
    };
    const rows = { nRows: n, nFeatures: 3, featureNames: ["a", "b", "c"], X, Y };
    const heads = [
      { name: "big", objective: "regression" as const, weight: 1 },
      { name: "small", objective: "regression" as const, weight: 1 },
    ];
    const model = await fitMultiTask(rows, heads, params, { seed: 1 });
    try {
      const pred = model.predict(X, n);
      const p0: number[] = [];
      const y0: number[] = [];
      const p1: number[] = [];
      const y1: number[] = [];
      for (let i = 0; i < n; i++) {
        p0.push(pred[i * 2]);
        y0.push(Y[i * 2]);
        if (i % 2 === 1) {
          p1.push(pred[i * 2 + 1]);
          y1.push(Y[i * 2 + 1]);
        }
      }
      expect(pearson(p0, y0)).toBeGreaterThan(0.95);
      expect(pearson(p1, y1)).toBeGreaterThan(0.95);
      // Predictions are on each target's own scale.
      expect(model.targetScales[0].scale).toBeGreaterThan(500);
      expect(model.targetScales[1].scale).toBeLessThan(0.01);
      const sd = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0) / v.length);
      expect(sd(p1) / sd(y1)).toBeGreaterThan(0.8);
      expect(sd(p1) / sd(y1)).toBeLessThan(1.2);
      expect(model.history.length).toBe(12);
      expect(model.history[11].trainLoss).toBeLessThan(model.history[0].trainLoss);
    } finally {
      model.dispose();
    }
    expect(() => model.predict(X, n)).toThrow(/after dispose/);
  }, 30_000);

  it("refuses a binary head with a target other than 0 or 1, naming the head and row", async () => {
    const rows = { nRows: 2, nFeatures: 1, featureNames: ["a"], X: new Float32Array([1, 2]), Y: new Float64Array([0, 1, 0.5, 2]) };
    const heads = [
      { name: "r", objective: "regression" as const, weight: 1 },
      { name: "up", objective: "binary" as const, weight: 1 },
    ];
    await expect(fitMultiTask(rows, heads, {} as MultiTaskParams, { seed: 1 })).rejects.toThrow(/binary head "up" needs targets 0 or 1, row 1 has 2/);
  });
});
