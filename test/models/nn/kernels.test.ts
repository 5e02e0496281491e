import { beforeAll, describe, expect, it } from "vitest";
import { ACTIVATIONS } from "../../../src/models/nn/layers/basic.js";
import { attentionStock } from "../../../src/models/nn/layers/attention.js";
import { causalConv1d } from "../../../src/models/nn/layers/conv.js";
import { ParamStore } from "../../../src/models/nn/layers/params.js";
import { recurrent } from "../../../src/models/nn/layers/recurrent.js";
import { layerNorm, INFERENCE } from "../../../src/models/nn/layers/basic.js";
import { gemmScratch, kernelRuntime, resetKernelArena } from "../../../src/models/nn/kernels/runtime.js";
import { setKernelMode, useFused, type KernelMode } from "../../../src/models/nn/ops/fused.js";
import { fusedAttention } from "../../../src/models/nn/ops/fused-ops.js";
import { markConstant } from "../../../src/models/nn/ops/constant.js";
import { dense } from "../../../src/models/nn/ops/matmul.js";
import { nnReady, tf, type TF } from "../../../src/models/nn/runtime/backend.js";
import { Rng } from "../../../src/util/random.js";
import { maxAbsDiff } from "./helpers.js";

/**
 * Every fused kernel against the same computation in stock tfjs ops (cpu backend): forward values
 * and the gradients of a random projection of the output with respect to every input.
 */

function randn(shape: number[], seed: number, sd = 1): TF.Tensor {
  const r = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => r.normal(0, sd)), shape);
}

interface Result {
  value: Float32Array;
  grads: Float32Array[];
}

/** Value of f and gradients of sum(f(xs) * R) w.r.t. each input, in one kernel mode. */
function run(mode: KernelMode, f: (...xs: TF.Tensor[]) => TF.Tensor, inputs: TF.Tensor[]): Result {
  setKernelMode(mode);
  resetKernelArena();
  try {
    return tf.tidy(() => {
      const y = f(...inputs);
      const R = randn(y.shape as number[], 99);
      const g = tf.grads((...xs: TF.Tensor[]) => tf.sum(tf.mul(f(...xs), R)));
      const grads = g(inputs);
      return { value: Float32Array.from(y.dataSync() as Float32Array), grads: grads.map((t) => Float32Array.from(t.dataSync() as Float32Array)) };
    });
  } finally {
    setKernelMode("auto");
  }
}

function expectSame(f: (...xs: TF.Tensor[]) => TF.Tensor, inputs: TF.Tensor[], tol = 2e-5): void {
  const a = run("stock", f, inputs);
  const b = run("fused", f, inputs);
  expect(maxAbsDiff(a.value, b.value)).toBeLessThan(tol);
  expect(b.grads.length).toBe(a.grads.length);
  a.grads.forEach((g, i) => {
    const scale = Math.max(1, ...Array.from(g, Math.abs));
    expect(maxAbsDiff(g, b.grads[i]) / scale, `gradient of input ${i}`).toBeLessThan(tol);
  });
}

beforeAll(async () => {
  await nnReady("cpu");
});

describe("gemm", () => {
  it("matches a naive product for every transpose combination and ragged sizes (incl. K > block)", () => {
    const rt = kernelRuntime();
    const r = new Rng(1);
    for (const [M, N, K] of [[5, 7, 3], [13, 9, 130], [4, 8, 1], [1, 17, 260], [33, 1, 5]]) {
      for (const ta of [0, 1]) {
        for (const tb of [0, 1]) {
          for (const acc of [0, 1]) {
            const A = Float32Array.from({ length: M * K }, () => r.normal());
            const B = Float32Array.from({ length: K * N }, () => r.normal());
            const C0 = Float32Array.from({ length: M * N }, () => r.normal());
            resetKernelArena();
            const pa = rt.put(A);
            const pb = rt.put(B);
            const pc = rt.put(C0);
            rt.k.gemm(ta, tb, M, N, K, pa, ta ? M : K, pb, tb ? K : N, pc, N, acc, rt.scratch(gemmScratch(N)));
            const C = rt.get(pc, M * N);
            const want = new Float64Array(M * N);
            for (let i = 0; i < M; i++) {
              for (let j = 0; j < N; j++) {
                let s = acc ? C0[i * N + j] : 0;
                for (let k = 0; k < K; k++) s += (ta ? A[k * M + i] : A[i * K + k]) * (tb ? B[j * K + k] : B[k * N + j]);
                want[i * N + j] = s;
              }
            }
            expect(maxAbsDiff(C, want), `M${M} N${N} K${K} ta${ta} tb${tb} acc${acc}`).toBeLessThan(1e-4 * Math.sqrt(K));
          }
        }
      }
    }
    resetKernelArena();
  });

  it("exp, sigmoid and tanh are accurate to float precision over a wide range", () => {
    const rt = kernelRuntime();
    const xs = Float32Array.from({ length: 2001 }, (_, i) => -20 + i * 0.02);
    resetKernelArena();
    const px = rt.put(xs);
    const out = rt.scratch(xs.length);
    rt.k.vexp(px, out, xs.length);
    rt.get(out, xs.length).forEach((v, i) => expect(Math.abs(v - Math.exp(xs[i])) / Math.exp(xs[i])).toBeLessThan(3e-7));
    rt.k.vsigmoid(px, out, xs.length);
    rt.get(out, xs.length).forEach((v, i) => expect(Math.abs(v - 1 / (1 + Math.exp(-xs[i])))).toBeLessThan(2e-7));
    rt.k.vtanh(px, out, xs.length);
    rt.get(out, xs.length).forEach((v, i) => expect(Math.abs(v - Math.tanh(xs[i]))).toBeLessThan(2e-7));
    resetKernelArena();
  });
});

/** A layer's output and gradients of sum(y * R) w.r.t. its input and every weight, in one kernel mode. */
function runLayer(mode: KernelMode, layer: (x: TF.Tensor) => TF.Tensor, vars: TF.Variable[], x0: TF.Tensor): Result {
  setKernelMode(mode);
  resetKernelArena();
  const x = tf.variable(x0.clone());
  try {
    return tf.tidy(() => {
      const y = layer(x);
      const R = randn(y.shape as number[], 99);
      const { grads } = tf.variableGrads(() => tf.sum(tf.mul(layer(x), R)) as TF.Scalar, [x, ...vars]);
      return { value: Float32Array.from(y.dataSync() as Float32Array), grads: [x, ...vars].map((v) => Float32Array.from(grads[v.name].dataSync() as Float32Array)) };
    });
  } finally {
    x.dispose();
    setKernelMode("auto");
  }
}

function expectSameLayer(layer: (x: TF.Tensor) => TF.Tensor, store: ParamStore, x: TF.Tensor, tol = 5e-5): void {
  const a = runLayer("stock", layer, store.vars, x);
  const b = runLayer("fused", layer, store.vars, x);
  expect(maxAbsDiff(a.value, b.value)).toBeLessThan(tol);
  a.grads.forEach((g, i) => {
    const scale = Math.max(1, ...Array.from(g, Math.abs));
    expect(maxAbsDiff(g, b.grads[i]) / scale, i === 0 ? "input gradient" : store.names[i - 1]).toBeLessThan(tol);
  });
}

describe("fused ops equal stock tfjs ops (values and gradients)", () => {
  for (const act of ["linear", ...ACTIVATIONS] as const) {
    it(`dense with ${act}, with and without bias`, () => {
      const x = randn([7, 10], 1);
      const w = randn([10, 6], 2, 0.5);
      const b = randn([6], 3);
      expectSame((xx, ww, bb) => dense(xx, ww, bb, act), [x, w, b]);
      expectSame((xx, ww) => dense(xx, ww, undefined, act), [x, w]);
    });
  }

  it("a data input (marked constant) skips its own gradient; weight gradients are unchanged", () => {
    const w = randn([6, 3], 2);
    const grads = (["stock", "fused"] as const).map((m) => {
      setKernelMode(m);
      resetKernelArena();
      const x = markConstant(randn([2, 4, 6], 1)); // 3D: marked through the reshape too
      const g = tf.grad((ww: TF.Tensor) => tf.sum(tf.square(dense(x, ww, undefined, "tanh"))))(w);
      setKernelMode("auto");
      return Float32Array.from(g.dataSync() as Float32Array);
    });
    expect(maxAbsDiff(grads[0], grads[1])).toBeLessThan(2e-5);
  });

  it("dense over a 3D input flattens the leading axes", () => {
    expectSame((x, w, b) => dense(x, w, b, "relu"), [randn([3, 5, 4], 4), randn([4, 9], 5), randn([9], 6)]);
  });

  for (const cell of ["lstm", "gru"] as const) {
    it(`${cell} over a whole sequence (all steps and last step only), H not a multiple of 4`, () => {
      for (const [H, seq] of [[5, true], [8, false]] as const) {
        const store = ParamStore.fresh(new Rng(3));
        const layer = recurrent(store, cell, { cell, inDim: 3, hidden: H, returnSequences: seq });
        expectSameLayer((x) => layer(x, INFERENCE), store, randn([4, 6, 3], 7));
        store.dispose();
      }
    });
  }

  it("causal dilated convolution with each kernel size, with and without activation", () => {
    for (const [k, dil, act] of [[1, 1, "linear"], [3, 1, "relu"], [2, 3, "tanh"]] as const) {
      const store = ParamStore.fresh(new Rng(5));
      const conv = causalConv1d(store, "c", 3, 4, k, dil, act);
      expectSameLayer((x) => conv(x, INFERENCE), store, randn([2, 7, 3], 8));
      store.dispose();
    }
  });

  it("the causal convolution never reads the future", () => {
    const store = ParamStore.fresh(new Rng(5));
    const conv = causalConv1d(store, "c", 2, 3, 3, 2, "linear");
    for (const m of ["stock", "fused"] as const) {
      setKernelMode(m);
      resetKernelArena();
      const x = randn([1, 9, 2], 3);
      const y1 = Float32Array.from(conv(x, INFERENCE).dataSync() as Float32Array);
      const xd = Float32Array.from(x.dataSync() as Float32Array);
      for (let i = 6 * 2; i < xd.length; i++) xd[i] += 100; // change bars 6..8
      resetKernelArena();
      const y2 = conv(tf.tensor(xd, [1, 9, 2]), INFERENCE).dataSync();
      for (let i = 0; i < 6 * 3; i++) expect(y2[i]).toBeCloseTo(y1[i], 4); // outputs 0..5 unchanged
      expect(Math.abs(y2[6 * 3] - y1[6 * 3])).toBeGreaterThan(1e-3);
      setKernelMode("auto");
    }
    store.dispose();
  });

  it("multi-head attention core: 1, 2, 3 and 4 heads, window and head sizes not multiples of 4", () => {
    const cases: [number[], number][] = [[[2, 5, 24], 1], [[2, 5, 24], 2], [[2, 5, 24], 4], [[3, 8, 27], 3], [[1, 1, 12], 2]];
    for (const [shape, heads] of cases) {
      expectSame((qkv) => (useFused() ? fusedAttention(qkv, heads) : attentionStock(qkv, heads)), [randn(shape, 9)], 5e-5);
    }
  });

  it("layer norm", () => {
    const store = ParamStore.fresh(new Rng(5));
    const ln = layerNorm(store, "ln", 6);
    store.vars[0].assign(randn([6], 11));
    store.vars[1].assign(randn([6], 12));
    expectSameLayer((x) => ln(x, INFERENCE), store, randn([3, 4, 6], 10, 3));
    store.dispose();
  });
});
