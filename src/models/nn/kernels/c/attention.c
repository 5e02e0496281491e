/* Multi-head self-attention core, forward and backward. */
#include "common.h"

/* ---------------------------------------------------------------- attention */

static inline int round4(int n) { return (n + 3) & ~3; }

/* Floats of scratch attention_forward/backward need: per-head copies, padded to whole vectors. */
EXPORT int attention_scratch(int L, int D, int nh) {
  int L4 = round4(L), d4 = round4(D / nh);
  return 8 * L4 * d4 + 2 * L4;
}

/*
 * Copies head h of batch b out of qkv [L, 3D] (Q, K or V block `part`) into rows [L4 x d4] and,
 * when T is given, transposed [d4 x L4]; padding is zero.
 */
static void gather_head(const f32 *qkv, int L, int D, int dh, int part, int h, f32 *rows, f32 *T) {
  int L4 = round4(L), d4 = round4(dh), D3 = 3 * D;
  for (int i = 0; i < L4 * d4; i++) rows[i] = 0.f;
  if (T)
    for (int i = 0; i < L4 * d4; i++) T[i] = 0.f;
  for (int i = 0; i < L; i++) {
    const f32 *src = qkv + i * D3 + part * D + h * dh;
    for (int d = 0; d < dh; d++) {
      rows[i * d4 + d] = src[d];
      if (T) T[d * L4 + i] = src[d];
    }
  }
}

/*
 * Multi-head self-attention core. qkv [B, L, 3D] holds Q, K, V (heads side by side, dh = D / nh);
 * out [B, L, D]; P [B, nh, L, L4] receives the attention probabilities (rows padded to L4 = L
 * rounded up to 4, kept for backward). Vectorised along keys (scores, softmax) and along head
 * channels (weighted sum of values).
 */
EXPORT void attention_forward(int B, int L, int D, int nh, const f32 *qkv, f32 *out, f32 *P, f32 *scr) {
  int dh = D / nh, D3 = 3 * D, L4 = round4(L), d4 = round4(dh);
  f32 scale = 1.0f / __builtin_sqrtf((f32)dh);
  f32 *Q = scr, *Kt = Q + L4 * d4, *V = Kt + L4 * d4, *o = V + L4 * d4;
  const v4 vscale = wasm_f32x4_splat(scale);
  for (int b = 0; b < B; b++)
    for (int h = 0; h < nh; h++) {
      const f32 *base = qkv + b * L * D3;
      gather_head(base, L, D, dh, 0, h, Q, 0);
      gather_head(base, L, D, dh, 1, h, o, Kt); /* o is scratch here; only the transpose is kept */
      gather_head(base, L, D, dh, 2, h, V, 0);
      f32 *Pb = P + ((b * nh + h) * L) * L4;
      for (int i = 0; i < L; i++) {
        f32 *p = Pb + i * L4;
        const f32 *q = Q + i * d4;
        v4 vmax = wasm_f32x4_splat(-3.0e38f);
        for (int j = 0; j < L4; j += 4) {
          v4 acc = wasm_f32x4_splat(0.f);
          for (int d = 0; d < dh; d++) acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_f32x4_splat(q[d]), wasm_v128_load(Kt + d * L4 + j)));
          acc = wasm_f32x4_mul(acc, vscale);
          wasm_v128_store(p + j, acc);
        }
        for (int j = L; j < L4; j++) p[j] = -3.0e38f;
        for (int j = 0; j < L4; j += 4) vmax = wasm_f32x4_pmax(vmax, wasm_v128_load(p + j));
        f32 mx = wasm_f32x4_extract_lane(vmax, 0);
        for (int k = 1; k < 4; k++) {
          f32 v = k == 1 ? wasm_f32x4_extract_lane(vmax, 1) : k == 2 ? wasm_f32x4_extract_lane(vmax, 2) : wasm_f32x4_extract_lane(vmax, 3);
          mx = v > mx ? v : mx;
        }
        v4 vm = wasm_f32x4_splat(mx), vsum = wasm_f32x4_splat(0.f);
        for (int j = 0; j < L4; j += 4) {
          v4 e = v_exp(wasm_f32x4_sub(wasm_v128_load(p + j), vm));
          wasm_v128_store(p + j, e);
          vsum = wasm_f32x4_add(vsum, e);
        }
        for (int j = L; j < L4; j++) p[j] = 0.f; /* exp of the -inf padding underflows to 0 anyway */
        f32 sum = wasm_f32x4_extract_lane(vsum, 0) + wasm_f32x4_extract_lane(vsum, 1) + wasm_f32x4_extract_lane(vsum, 2) + wasm_f32x4_extract_lane(vsum, 3);
        v4 inv = wasm_f32x4_splat(1.f / sum);
        for (int j = 0; j < L4; j += 4) wasm_v128_store(p + j, wasm_f32x4_mul(wasm_v128_load(p + j), inv));
        /* o_i = sum_j p_ij V_j */
        for (int d = 0; d < d4; d += 4) {
          v4 acc = wasm_f32x4_splat(0.f);
          for (int j = 0; j < L; j++) acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_f32x4_splat(p[j]), wasm_v128_load(V + j * d4 + d)));
          wasm_v128_store(o + d, acc);
        }
        f32 *dst = out + (b * L + i) * D + h * dh;
        for (int d = 0; d < dh; d++) dst[d] = o[d];
      }
    }
}

/* dqkv [B, L, 3D] from dout [B, L, D], with the probabilities P [B, nh, L, L4] of the forward pass. */
EXPORT void attention_backward(int B, int L, int D, int nh, const f32 *qkv, const f32 *P, const f32 *dout, f32 *dqkv, f32 *scr) {
  int dh = D / nh, D3 = 3 * D, L4 = round4(L), d4 = round4(dh);
  f32 scale = 1.0f / __builtin_sqrtf((f32)dh);
  f32 *Q = scr, *K = Q + L4 * d4, *Vt = K + L4 * d4, *dQ = Vt + L4 * d4, *dK = dQ + L4 * d4, *dV = dK + L4 * d4, *tmp = dV + L4 * d4;
  f32 *dP = tmp + L4 * d4, *dO = dP + L4;
  for (int i = 0; i < B * L * D3; i++) dqkv[i] = 0.f;
  for (int b = 0; b < B; b++)
    for (int h = 0; h < nh; h++) {
      const f32 *base = qkv + b * L * D3;
      gather_head(base, L, D, dh, 0, h, Q, 0);
      gather_head(base, L, D, dh, 1, h, K, 0);
      gather_head(base, L, D, dh, 2, h, tmp, Vt);
      for (int i = 0; i < L4 * d4; i++) dQ[i] = dK[i] = dV[i] = 0.f;
      const f32 *Pb = P + ((b * nh + h) * L) * L4;
      for (int i = 0; i < L; i++) {
        const f32 *p = Pb + i * L4;
        const f32 *src = dout + (b * L + i) * D + h * dh;
        for (int d = 0; d < d4; d++) dO[d] = d < dh ? src[d] : 0.f;
        /* dV_j += p_ij dO_i */
        for (int j = 0; j < L; j++) {
          v4 pj = wasm_f32x4_splat(p[j]);
          for (int d = 0; d < d4; d += 4) wasm_v128_store(dV + j * d4 + d, wasm_f32x4_add(wasm_v128_load(dV + j * d4 + d), wasm_f32x4_mul(pj, wasm_v128_load(dO + d))));
        }
        /* dP_ij = dO_i . V_j, vectorised over j; dot = sum_j p_ij dP_ij */
        v4 vdot = wasm_f32x4_splat(0.f);
        for (int j = 0; j < L4; j += 4) {
          v4 acc = wasm_f32x4_splat(0.f);
          for (int d = 0; d < dh; d++) acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_f32x4_splat(dO[d]), wasm_v128_load(Vt + d * L4 + j)));
          wasm_v128_store(dP + j, acc);
          vdot = wasm_f32x4_add(vdot, wasm_f32x4_mul(acc, wasm_v128_load(p + j)));
        }
        f32 dot = wasm_f32x4_extract_lane(vdot, 0) + wasm_f32x4_extract_lane(vdot, 1) + wasm_f32x4_extract_lane(vdot, 2) + wasm_f32x4_extract_lane(vdot, 3);
        /* dS_ij = p_ij (dP_ij - dot) scale; dQ_i += dS_ij K_j; dK_j += dS_ij Q_i */
        v4 vd = wasm_f32x4_splat(dot), vs = wasm_f32x4_splat(scale);
        for (int j = 0; j < L4; j += 4) wasm_v128_store(dP + j, wasm_f32x4_mul(wasm_f32x4_mul(wasm_v128_load(p + j), wasm_f32x4_sub(wasm_v128_load(dP + j), vd)), vs));
        for (int d = 0; d < d4; d += 4) {
          v4 acc = wasm_v128_load(dQ + i * d4 + d);
          v4 qi = wasm_v128_load(Q + i * d4 + d);
          for (int j = 0; j < L; j++) {
            v4 ds = wasm_f32x4_splat(dP[j]);
            acc = wasm_f32x4_add(acc, wasm_f32x4_mul(ds, wasm_v128_load(K + j * d4 + d)));
            wasm_v128_store(dK + j * d4 + d, wasm_f32x4_add(wasm_v128_load(dK + j * d4 + d), wasm_f32x4_mul(ds, qi)));
          }
          wasm_v128_store(dQ + i * d4 + d, acc);
        }
      }
      f32 *dbase = dqkv + b * L * D3;
      for (int i = 0; i < L; i++)
        for (int d = 0; d < dh; d++) {
          dbase[i * D3 + h * dh + d] = dQ[i * d4 + d];
          dbase[i * D3 + D + h * dh + d] = dK[i * d4 + d];
          dbase[i * D3 + 2 * D + h * dh + d] = dV[i * d4 + d];
        }
    }
}

