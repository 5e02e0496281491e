import { ACT_CODE, gemmScratch, kernelRuntime, type KernelActivation } from "../kernels/runtime.js";
import { tensorFrom, tensorView } from "../kernels/transfer.js";
import type { TF } from "../runtime/backend.js";
import { isConstant } from "./constant.js";
import { customOp } from "./custom.js";

/**
 * Differentiable tfjs ops backed by the WebAssembly kernels: each forward copies its inputs into
 * the kernel memory, computes, keeps what the backward pass needs in the step arena, and returns a
 * tfjs tensor; its gradient function reads that cache. Only shapes and small settings are closed
 * over, so each op is created once per distinct setting.
 */

/** A tensor's values, read without an intermediate copy (the caller copies them at once). */
function data(t: TF.Tensor): Float32Array {
  return tensorView(t);
}

function out(ptr: number, n: number, shape: number[]): TF.Tensor {
  return tensorFrom(kernelRuntime().f32().subarray(ptr >> 2, (ptr >> 2) + n), shape);
}

const denseOps = new Map<string, (...t: TF.Tensor[]) => TF.Tensor>();

/** act(x @ w + b) for x [M, K], w [K, N], b [N] (or no bias). */
export function fusedDense(x: TF.Tensor, w: TF.Tensor, b: TF.Tensor | null, act: KernelActivation): TF.Tensor {
  const key = `${act}:${b ? 1 : 0}`;
  let op = denseOps.get(key);
  if (!op) {
    const code = ACT_CODE[act];
    op = customOp((inputs) => {
      const [xt, wt, bt] = inputs;
      const [M, K] = xt.shape as number[];
      const N = wt.shape[1] as number;
      const needDx = !isConstant(xt);
      const rt = kernelRuntime();
      const px = rt.put(data(xt));
      const pw = rt.put(data(wt));
      const pbias = bt ? rt.put(data(bt)) : 0;
      const scr = rt.scratch(Math.max(gemmScratch(N), gemmScratch(K), gemmScratch(N)));
      const pz = rt.scratch(M * N);
      const py = code === ACT_CODE.linear ? pz : rt.scratch(M * N);
      rt.k.gemm(0, 0, M, N, K, px, K, pw, N, pz, N, 0, scr);
      rt.k.bias_act(pz, pbias, py, M, N, code);
      return {
        value: out(py, M * N, [M, N]),
        gradFunc: (dy) => {
          const r = kernelRuntime();
          let pdz = r.put(data(dy));
          if (code !== ACT_CODE.linear) r.k.act_grad(pdz, pz, pdz, M * N, code);
          const pdw = r.scratch(K * N);
          r.k.gemm(1, 0, K, N, M, px, K, pdz, N, pdw, N, 0, scr);
          let dx: TF.Tensor;
          if (needDx) {
            const pdx = r.scratch(M * K);
            r.k.gemm(0, 1, M, K, N, pdz, N, pw, N, pdx, K, 0, scr);
            dx = out(pdx, M * K, [M, K]);
          } else dx = tensorFrom(new Float32Array(M * K), [M, K]); // the input is data: its gradient is unused
          const grads = [dx, out(pdw, K * N, [K, N])];
          if (bt) {
            const pdb = r.scratch(N);
            r.k.col_sum(pdz, M, N, N, pdb, 0);
            grads.push(out(pdb, N, [N]));
          }
          return grads;
        },
      };
    });
    denseOps.set(key, op);
  }
  return b ? op(x, w, b) : op(x, w);
}

/**
 * A whole recurrent layer in one op: the input projection x Wx + bx of every step (one matrix
 * product), the recurrence forward, and in the backward pass BPTT plus the projection's gradients,
 * all in kernel memory: the [B, L, G*H] pre-activations never become tfjs tensors.
 */
function recurrentOp(cell: "lstm" | "gru") {
  const G = cell === "lstm" ? 4 : 3;
  return customOp((inputs) => {
    const [xt, wxt, bxt, wht, bht] = inputs;
    const [B, L, F] = xt.shape as number[];
    const H = (wht.shape[0] as number);
    const GH = G * H;
    const M = B * L;
    const needDx = !isConstant(xt);
    const rt = kernelRuntime();
    const px = rt.put(data(xt));
    const pwx = rt.put(data(wxt));
    const pbx = rt.put(data(bxt));
    const pwh = rt.put(data(wht));
    const pbh = bht ? rt.put(data(bht)) : 0;
    const scr = rt.scratch(Math.max(gemmScratch(GH), gemmScratch(F)));
    const xp = rt.scratch(M * GH);
    rt.k.gemm(0, 0, M, GH, F, px, F, pwx, GH, xp, GH, 0, scr);
    rt.k.bias_act(xp, pbx, xp, M, GH, ACT_CODE.linear);
    const Hs = rt.scratch(M * H);
    // LSTM: the activated gates, computed in place over xp; GRU: r, z, n, hn
    const cache = cell === "lstm" ? xp : rt.scratch(M * 4 * H);
    const Cs = cell === "lstm" ? rt.scratch(M * H) : rt.scratch(B * GH); // LSTM cells; GRU: h Wh scratch
    if (cell === "lstm") rt.k.lstm_forward(B, L, H, xp, pwh, cache, Cs, Hs, scr);
    else rt.k.gru_forward(B, L, H, xp, pwh, pbh, cache, Hs, Cs, scr);
    return {
      value: out(Hs, M * H, [B, L, H]),
      gradFunc: (dy) => {
        const r = kernelRuntime();
        const pdy = r.put(data(dy));
        const dxp = r.scratch(M * GH);
        const dwh = r.scratch(H * GH);
        const dh = r.scratch(B * H);
        const hprev = r.scratch(M * H);
        const grads: TF.Tensor[] = [];
        let dbh = 0;
        if (cell === "lstm") r.k.lstm_backward(B, L, H, pwh, cache, Cs, Hs, pdy, dxp, dwh, dh, r.scratch(B * H), hprev, scr);
        else {
          dbh = r.scratch(GH);
          r.k.gru_backward(B, L, H, pwh, cache, Hs, pdy, dxp, dwh, dbh, dh, r.scratch(M * GH), hprev, scr);
        }
        const dwx = r.scratch(F * GH);
        const dbx = r.scratch(GH);
        r.k.gemm(1, 0, F, GH, M, px, F, dxp, GH, dwx, GH, 0, scr);
        r.k.col_sum(dxp, M, GH, GH, dbx, 0);
        if (needDx) {
          const pdx = r.scratch(M * F);
          r.k.gemm(0, 1, M, F, GH, dxp, GH, pwx, GH, pdx, F, 0, scr);
          grads.push(out(pdx, M * F, [B, L, F]));
        } else grads.push(tensorFrom(new Float32Array(M * F), [B, L, F]));
        grads.push(out(dwx, F * GH, [F, GH]), out(dbx, GH, [GH]), out(dwh, H * GH, [H, GH]));
        if (cell === "gru") grads.push(out(dbh, GH, [GH]));
        return grads;
      },
    };
  });
}

const lstmLayerOp = recurrentOp("lstm");
const gruLayerOp = recurrentOp("gru");

/** LSTM layer: x [B, L, F], wx [F, 4H], bx [4H], wh [H, 4H] (gates i, f, g, o) -> hs [B, L, H]. */
export function fusedLstm(x: TF.Tensor, wx: TF.Tensor, bx: TF.Tensor, wh: TF.Tensor): TF.Tensor {
  return lstmLayerOp(x, wx, bx, wh);
}

/** GRU layer: x [B, L, F], wx [F, 3H], bx [3H], wh [H, 3H], bh [3H] (r, z, n) -> hs [B, L, H]. */
export function fusedGru(x: TF.Tensor, wx: TF.Tensor, bx: TF.Tensor, wh: TF.Tensor, bh: TF.Tensor): TF.Tensor {
  return gruLayerOp(x, wx, bx, wh, bh);
}

const convOps = new Map<string, (...t: TF.Tensor[]) => TF.Tensor>();

/**
 * Causal dilated 1D convolution: x [B, L, C], w [k*C, F] (tap-major), b [F] -> act(conv) [B, L, F];
 * output t sees inputs t, t - dil, ..., t - (k-1) dil.
 */
export function fusedConv1d(x: TF.Tensor, w: TF.Tensor, b: TF.Tensor, k: number, dil: number, act: KernelActivation): TF.Tensor {
  const key = `${k}:${dil}:${act}`;
  let op = convOps.get(key);
  if (!op) {
    const code = ACT_CODE[act];
    op = customOp(([xt, wt, bt]) => {
      const [B, L, C] = xt.shape as number[];
      const F = wt.shape[1] as number;
      const KC = k * C;
      const M = B * L;
      const needDx = !isConstant(xt);
      const rt = kernelRuntime();
      const px = rt.put(data(xt));
      const pw = rt.put(data(wt));
      const pb = rt.put(data(bt));
      const scr = rt.scratch(Math.max(gemmScratch(F), gemmScratch(KC)));
      const cols = rt.scratch(M * KC);
      rt.k.im2col_causal(px, B, L, C, k, dil, cols);
      const pz = rt.scratch(M * F);
      const py = code === ACT_CODE.linear ? pz : rt.scratch(M * F);
      rt.k.gemm(0, 0, M, F, KC, cols, KC, pw, F, pz, F, 0, scr);
      rt.k.bias_act(pz, pb, py, M, F, code);
      return {
        value: out(py, M * F, [B, L, F]),
        gradFunc: (dy) => {
          const r = kernelRuntime();
          const pdz = r.put(data(dy));
          if (code !== ACT_CODE.linear) r.k.act_grad(pdz, pz, pdz, M * F, code);
          const pdw = r.scratch(KC * F);
          const pdb = r.scratch(F);
          r.k.gemm(1, 0, KC, F, M, cols, KC, pdz, F, pdw, F, 0, scr);
          r.k.col_sum(pdz, M, F, F, pdb, 0);
          let dx: TF.Tensor;
          if (needDx) {
            const dcols = r.scratch(M * KC);
            const pdx = r.scratch(M * C);
            r.k.gemm(0, 1, M, KC, F, pdz, F, pw, F, dcols, KC, 0, scr);
            r.k.col2im_causal(dcols, B, L, C, k, dil, pdx);
            dx = out(pdx, M * C, [B, L, C]);
          } else dx = tensorFrom(new Float32Array(M * C), [B, L, C]);
          return [dx, out(pdw, KC * F, [KC, F]), out(pdb, F, [F])];
        },
      };
    });
    convOps.set(key, op);
  }
  return op(x, w, b);
}

const attentionOps = new Map<number, (...t: TF.Tensor[]) => TF.Tensor>();

/** Multi-head self-attention core: qkv [B, L, 3D] -> softmax(Q K^T / sqrt(dh)) V [B, L, D]. */
export function fusedAttention(qkv: TF.Tensor, heads: number): TF.Tensor {
  let op = attentionOps.get(heads);
  if (!op) {
    op = customOp(([t]) => {
      const [B, L, D3] = t.shape as number[];
      const D = D3 / 3;
      const rt = kernelRuntime();
      const pq = rt.put(data(t));
      const po = rt.scratch(B * L * D);
      const P = rt.scratch(B * heads * L * (Math.ceil(L / 4) * 4));
      const scr = rt.scratch(rt.k.attention_scratch(L, D, heads));
      rt.k.attention_forward(B, L, D, heads, pq, po, P, scr);
      return {
        value: out(po, B * L * D, [B, L, D]),
        gradFunc: (dy) => {
          const r = kernelRuntime();
          const pdy = r.put(data(dy));
          const dq = r.scratch(B * L * D3);
          r.k.attention_backward(B, L, D, heads, pq, P, pdy, dq, scr);
          return [out(dq, B * L * D3, [B, L, D3])];
        },
      };
    });
    attentionOps.set(heads, op);
  }
  return op(qkv);
}

const layerNormOps = new Map<number, (...t: TF.Tensor[]) => TF.Tensor>();

/** Layer normalisation over the last axis of x [..., N] with gain g [N] and shift b [N]. */
export function fusedLayerNorm(x: TF.Tensor, g: TF.Tensor, b: TF.Tensor, eps: number): TF.Tensor {
  let op = layerNormOps.get(eps);
  if (!op) {
    op = customOp(([xt, gt, bt]) => {
      const N = xt.shape[xt.rank - 1] as number;
      const M = xt.size / N;
      const rt = kernelRuntime();
      const px = rt.put(data(xt));
      const pg = rt.put(data(gt));
      const pb = rt.put(data(bt));
      const py = rt.scratch(M * N);
      const xhat = rt.scratch(M * N);
      const rstd = rt.scratch(M);
      rt.k.layernorm_forward(px, pg, pb, py, xhat, rstd, M, N, eps);
      return {
        value: out(py, M * N, xt.shape),
        gradFunc: (dy) => {
          const r = kernelRuntime();
          const pdy = r.put(data(dy));
          const dx = r.scratch(M * N);
          const dg = r.scratch(N);
          const db = r.scratch(N);
          r.k.layernorm_backward(pdy, pg, xhat, rstd, dx, dg, db, M, N);
          return [out(dx, M * N, xt.shape), out(dg, N, [N]), out(db, N, [N])];
        },
      };
    });
    layerNormOps.set(eps, op);
  }
  return op(x, g, b);
}

/**
 * x [B, L, D] -> x[:, L-1, :] [B, D]. tfjs's wasm slice copies the whole input first (and its
 * gradient pads a full-size tensor); this reads the heap view and copies B rows of D.
 */
const lastStepOp = customOp(([x]) => {
  const [B, L, D] = x.shape as number[];
  const src = tensorView(x);
  const o = new Float32Array(B * D);
  for (let b = 0; b < B; b++) o.set(src.subarray((b * L + L - 1) * D, (b * L + L) * D), b * D);
  return {
    value: tensorFrom(o, [B, D]),
    gradFunc: (dy) => {
      const g = tensorView(dy);
      const dx = new Float32Array(B * L * D);
      for (let b = 0; b < B; b++) dx.set(g.subarray(b * D, (b + 1) * D), (b * L + L - 1) * D);
      return [tensorFrom(dx, [B, L, D])];
    },
  };
});

export function lastStep(x: TF.Tensor): TF.Tensor {
  return lastStepOp(x);
}
