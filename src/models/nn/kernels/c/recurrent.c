/* LSTM and GRU over whole sequences: forward and backward through time. */
#include "common.h"

/* ---------------------------------------------------------------- LSTM */

/*
 * Forward over the whole sequence. xp [B, L, 4H] holds x Wx + b per step (gates i, f, g, o);
 * G [B, L, 4H] receives the activated gates, Cs [B, L, H] the cell states, Hs [B, L, H] the hidden
 * states (the output). h_0 = c_0 = 0. G may be xp itself (computed in place). pb: gemm scratch.
 */
EXPORT void lstm_forward(int B, int L, int H, const f32 *xp, const f32 *Wh, f32 *G, f32 *Cs, f32 *Hs, f32 *pb) {
  int G4 = 4 * H;
  if (G != xp)
    for (int i = 0; i < B * L * G4; i++) G[i] = xp[i];
  for (int t = 0; t < L; t++) {
    f32 *Gt = G + t * G4;
    if (t > 0) gemm(0, 0, B, G4, H, Hs + (t - 1) * H, L * H, Wh, G4, Gt, L * G4, 1, pb);
    for (int b = 0; b < B; b++) {
      f32 *g = Gt + b * L * G4;
      const f32 *cprev = t > 0 ? Cs + (b * L + t - 1) * H : 0;
      f32 *c = Cs + (b * L + t) * H, *h = Hs + (b * L + t) * H;
      int j = 0;
      for (; j + 4 <= H; j += 4) {
        v4 ig = v_sigmoid(wasm_v128_load(g + j));
        v4 fg = v_sigmoid(wasm_v128_load(g + H + j));
        v4 gg = v_tanh(wasm_v128_load(g + 2 * H + j));
        v4 og = v_sigmoid(wasm_v128_load(g + 3 * H + j));
        v4 cv = wasm_f32x4_mul(ig, gg);
        if (cprev) cv = wasm_f32x4_add(cv, wasm_f32x4_mul(fg, wasm_v128_load(cprev + j)));
        wasm_v128_store(g + j, ig);
        wasm_v128_store(g + H + j, fg);
        wasm_v128_store(g + 2 * H + j, gg);
        wasm_v128_store(g + 3 * H + j, og);
        wasm_v128_store(c + j, cv);
        wasm_v128_store(h + j, wasm_f32x4_mul(og, v_tanh(cv)));
      }
      for (; j < H; j++) {
        f32 ig = s_sigmoid(g[j]), fg = s_sigmoid(g[H + j]), gg = s_tanh(g[2 * H + j]), og = s_sigmoid(g[3 * H + j]);
        f32 cv = ig * gg + (cprev ? fg * cprev[j] : 0.f);
        g[j] = ig; g[H + j] = fg; g[2 * H + j] = gg; g[3 * H + j] = og;
        c[j] = cv;
        h[j] = og * s_tanh(cv);
      }
    }
  }
}

/*
 * Backward through time. dHs [B, L, H] is the loss gradient of every output; writes dxp [B, L, 4H]
 * (gradient of the pre-activation gates, which is also the gradient of x Wx + b) and dWh [H, 4H].
 * Scratch: dh, dc [B, H] each, Hprev [B, L, H].
 */
EXPORT void lstm_backward(int B, int L, int H, const f32 *Wh, const f32 *G, const f32 *Cs, const f32 *Hs, const f32 *dHs, f32 *dxp, f32 *dWh, f32 *dh, f32 *dc, f32 *Hprev, f32 *pb) {
  int G4 = 4 * H;
  for (int i = 0; i < B * H; i++) dh[i] = dc[i] = 0.f;
  for (int t = L - 1; t >= 0; t--) {
    for (int b = 0; b < B; b++) {
      const f32 *g = G + (b * L + t) * G4;
      const f32 *c = Cs + (b * L + t) * H;
      const f32 *cprev = t > 0 ? Cs + (b * L + t - 1) * H : 0;
      const f32 *dhs = dHs + (b * L + t) * H;
      f32 *dz = dxp + (b * L + t) * G4;
      f32 *dhb = dh + b * H, *dcb = dc + b * H;
      const v4 one = wasm_f32x4_splat(1.f);
      int j = 0;
      for (; j + 4 <= H; j += 4) {
        v4 ig = wasm_v128_load(g + j), fg = wasm_v128_load(g + H + j), gg = wasm_v128_load(g + 2 * H + j), og = wasm_v128_load(g + 3 * H + j);
        v4 dhv = wasm_f32x4_add(wasm_v128_load(dhs + j), wasm_v128_load(dhb + j));
        v4 tc = v_tanh(wasm_v128_load(c + j));
        v4 dcv = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(dhv, og), wasm_f32x4_sub(one, wasm_f32x4_mul(tc, tc))), wasm_v128_load(dcb + j));
        v4 cp = cprev ? wasm_v128_load(cprev + j) : wasm_f32x4_splat(0.f);
        wasm_v128_store(dz + j, wasm_f32x4_mul(wasm_f32x4_mul(dcv, gg), wasm_f32x4_mul(ig, wasm_f32x4_sub(one, ig))));
        wasm_v128_store(dz + H + j, wasm_f32x4_mul(wasm_f32x4_mul(dcv, cp), wasm_f32x4_mul(fg, wasm_f32x4_sub(one, fg))));
        wasm_v128_store(dz + 2 * H + j, wasm_f32x4_mul(wasm_f32x4_mul(dcv, ig), wasm_f32x4_sub(one, wasm_f32x4_mul(gg, gg))));
        wasm_v128_store(dz + 3 * H + j, wasm_f32x4_mul(wasm_f32x4_mul(dhv, tc), wasm_f32x4_mul(og, wasm_f32x4_sub(one, og))));
        wasm_v128_store(dcb + j, wasm_f32x4_mul(dcv, fg));
      }
      for (; j < H; j++) {
        f32 ig = g[j], fg = g[H + j], gg = g[2 * H + j], og = g[3 * H + j];
        f32 dhv = dhs[j] + dhb[j];
        f32 tc = s_tanh(c[j]);
        f32 dcv = dhv * og * (1.f - tc * tc) + dcb[j];
        f32 cp = cprev ? cprev[j] : 0.f;
        dz[j] = dcv * gg * ig * (1.f - ig);
        dz[H + j] = dcv * cp * fg * (1.f - fg);
        dz[2 * H + j] = dcv * ig * (1.f - gg * gg);
        dz[3 * H + j] = dhv * tc * og * (1.f - og);
        dcb[j] = dcv * fg;
      }
    }
    /* dh_{t-1} = dz_t Wh^T */
    if (t > 0) gemm(0, 1, B, H, G4, dxp + t * G4, L * G4, Wh, G4, dh, H, 0, pb);
  }
  /* dWh = sum_t h_{t-1}^T dz_t, as one product over all (b, t) with h_{-1} = 0 */
  for (int b = 0; b < B; b++) {
    f32 *hp = Hprev + b * L * H;
    for (int j = 0; j < H; j++) hp[j] = 0.f;
    for (int i = 0; i < (L - 1) * H; i++) hp[H + i] = Hs[b * L * H + i];
  }
  gemm(1, 0, H, G4, B * L, Hprev, H, dxp, G4, dWh, G4, 0, pb);
}

/* ---------------------------------------------------------------- GRU (PyTorch layout) */

/*
 * xp [B, L, 3H] = x Wx + bx (r, z, n); hp = h Wh + bh. r = s(xr + hr), z = s(xz + hz),
 * n = tanh(xn + r hn), h = (1 - z) n + z h_prev. Cache G [B, L, 4H] = r, z, n, hn.
 * Scratch HP [B, 3H].
 */
EXPORT void gru_forward(int B, int L, int H, const f32 *xp, const f32 *Wh, const f32 *bh, f32 *G, f32 *Hs, f32 *HP, f32 *pb) {
  int G3 = 3 * H, G4 = 4 * H;
  for (int t = 0; t < L; t++) {
    for (int b = 0; b < B; b++)
      for (int j = 0; j < G3; j++) HP[b * G3 + j] = bh[j];
    if (t > 0) gemm(0, 0, B, G3, H, Hs + (t - 1) * H, L * H, Wh, G3, HP, G3, 1, pb);
    for (int b = 0; b < B; b++) {
      const f32 *x = xp + (b * L + t) * G3, *hp = HP + b * G3;
      const f32 *hprev = t > 0 ? Hs + (b * L + t - 1) * H : 0;
      f32 *g = G + (b * L + t) * G4, *h = Hs + (b * L + t) * H;
      int j = 0;
      for (; j + 4 <= H; j += 4) {
        v4 r = v_sigmoid(wasm_f32x4_add(wasm_v128_load(x + j), wasm_v128_load(hp + j)));
        v4 z = v_sigmoid(wasm_f32x4_add(wasm_v128_load(x + H + j), wasm_v128_load(hp + H + j)));
        v4 hn = wasm_v128_load(hp + 2 * H + j);
        v4 n = v_tanh(wasm_f32x4_add(wasm_v128_load(x + 2 * H + j), wasm_f32x4_mul(r, hn)));
        v4 hv = wasm_f32x4_mul(wasm_f32x4_sub(wasm_f32x4_splat(1), z), n);
        if (hprev) hv = wasm_f32x4_add(hv, wasm_f32x4_mul(z, wasm_v128_load(hprev + j)));
        wasm_v128_store(g + j, r);
        wasm_v128_store(g + H + j, z);
        wasm_v128_store(g + 2 * H + j, n);
        wasm_v128_store(g + 3 * H + j, hn);
        wasm_v128_store(h + j, hv);
      }
      for (; j < H; j++) {
        f32 r = s_sigmoid(x[j] + hp[j]), z = s_sigmoid(x[H + j] + hp[H + j]), hn = hp[2 * H + j];
        f32 n = s_tanh(x[2 * H + j] + r * hn);
        g[j] = r; g[H + j] = z; g[2 * H + j] = n; g[3 * H + j] = hn;
        h[j] = (1.f - z) * n + (hprev ? z * hprev[j] : 0.f);
      }
    }
  }
}

/*
 * Writes dxp [B, L, 3H], dWh [H, 3H], dbh [3H]. Scratch: dh [B, H], dHP [B, L, 3H] (gradient of
 * h Wh + bh per step), Hprev [B, L, H].
 */
EXPORT void gru_backward(int B, int L, int H, const f32 *Wh, const f32 *G, const f32 *Hs, const f32 *dHs, f32 *dxp, f32 *dWh, f32 *dbh, f32 *dh, f32 *dHP, f32 *Hprev, f32 *pb) {
  int G3 = 3 * H, G4 = 4 * H;
  for (int i = 0; i < B * H; i++) dh[i] = 0.f;
  for (int t = L - 1; t >= 0; t--) {
    for (int b = 0; b < B; b++) {
      const f32 *g = G + (b * L + t) * G4;
      const f32 *hprev = t > 0 ? Hs + (b * L + t - 1) * H : 0;
      const f32 *dhs = dHs + (b * L + t) * H;
      f32 *dx = dxp + (b * L + t) * G3, *dhp = dHP + (b * L + t) * G3, *dhb = dh + b * H;
      for (int j = 0; j < H; j++) {
        f32 r = g[j], z = g[H + j], n = g[2 * H + j], hn = g[3 * H + j];
        f32 hpv = hprev ? hprev[j] : 0.f;
        f32 dhv = dhs[j] + dhb[j];
        f32 dn = dhv * (1.f - z) * (1.f - n * n);
        f32 dz = dhv * (hpv - n) * z * (1.f - z);
        f32 dr = dn * hn * r * (1.f - r);
        dx[j] = dr;
        dx[H + j] = dz;
        dx[2 * H + j] = dn;
        dhp[j] = dr;
        dhp[H + j] = dz;
        dhp[2 * H + j] = dn * r;
        dhb[j] = dhv * z; /* direct path; the Wh path is added below */
      }
    }
    if (t > 0) gemm(0, 1, B, H, G3, dHP + t * G3, L * G3, Wh, G3, dh, H, 1, pb);
  }
  for (int b = 0; b < B; b++) {
    f32 *hp = Hprev + b * L * H;
    for (int j = 0; j < H; j++) hp[j] = 0.f;
    for (int i = 0; i < (L - 1) * H; i++) hp[H + i] = Hs[b * L * H + i];
  }
  gemm(1, 0, H, G3, B * L, Hprev, H, dHP, G3, dWh, G3, 0, pb);
  col_sum(dHP, B * L, G3, G3, dbh, 0);
}

