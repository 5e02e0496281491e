/* Causal convolution (im2col), layer norm and the Adam update. */
#include "common.h"

/* ---------------------------------------------------------------- causal 1D convolution */

/*
 * im2col for a causal dilated convolution: cols [B*L, k*C], tap j of output t reads input
 * t - (k - 1 - j) * dil (zero before the window start).
 */
EXPORT void im2col_causal(const f32 *x, int B, int L, int C, int k, int dil, f32 *cols) {
  int KC_ = k * C;
  for (int b = 0; b < B; b++)
    for (int t = 0; t < L; t++) {
      f32 *row = cols + (b * L + t) * KC_;
      for (int j = 0; j < k; j++) {
        int src = t - (k - 1 - j) * dil;
        f32 *d = row + j * C;
        if (src < 0)
          for (int c = 0; c < C; c++) d[c] = 0.f;
        else {
          const f32 *s = x + (b * L + src) * C;
          for (int c = 0; c < C; c++) d[c] = s[c];
        }
      }
    }
}

/* The adjoint of im2col_causal: dx [B, L, C] = scatter-add of dcols. */
EXPORT void col2im_causal(const f32 *dcols, int B, int L, int C, int k, int dil, f32 *dx) {
  int KC_ = k * C;
  for (int i = 0; i < B * L * C; i++) dx[i] = 0.f;
  for (int b = 0; b < B; b++)
    for (int t = 0; t < L; t++) {
      const f32 *row = dcols + (b * L + t) * KC_;
      for (int j = 0; j < k; j++) {
        int src = t - (k - 1 - j) * dil;
        if (src < 0) continue;
        f32 *d = dx + (b * L + src) * C;
        const f32 *s = row + j * C;
        for (int c = 0; c < C; c++) d[c] += s[c];
      }
    }
}

/* ---------------------------------------------------------------- layer norm */

/* y = (x - mean) / sqrt(var + eps) * g + b over rows of N; keeps xhat [M, N] and rstd [M]. */
EXPORT void layernorm_forward(const f32 *x, const f32 *g, const f32 *bta, f32 *y, f32 *xhat, f32 *rstd, int M, int N, f32 eps) {
  for (int i = 0; i < M; i++) {
    const f32 *xr = x + i * N;
    f32 mean = 0.f, var = 0.f;
    for (int j = 0; j < N; j++) mean += xr[j];
    mean /= (f32)N;
    for (int j = 0; j < N; j++) {
      f32 d = xr[j] - mean;
      var += d * d;
    }
    var /= (f32)N;
    f32 rs = 1.f / __builtin_sqrtf(var + eps);
    rstd[i] = rs;
    for (int j = 0; j < N; j++) {
      f32 xh = (xr[j] - mean) * rs;
      xhat[i * N + j] = xh;
      y[i * N + j] = xh * g[j] + bta[j];
    }
  }
}

EXPORT void layernorm_backward(const f32 *dy, const f32 *g, const f32 *xhat, const f32 *rstd, f32 *dx, f32 *dg, f32 *db, int M, int N) {
  for (int j = 0; j < N; j++) dg[j] = db[j] = 0.f;
  for (int i = 0; i < M; i++) {
    const f32 *dyr = dy + i * N, *xh = xhat + i * N;
    f32 m1 = 0.f, m2 = 0.f;
    for (int j = 0; j < N; j++) {
      f32 d = dyr[j] * g[j];
      m1 += d;
      m2 += d * xh[j];
      dg[j] += dyr[j] * xh[j];
      db[j] += dyr[j];
    }
    m1 /= (f32)N;
    m2 /= (f32)N;
    for (int j = 0; j < N; j++) dx[i * N + j] = rstd[i] * (dyr[j] * g[j] - m1 - xh[j] * m2);
  }
}

/* ---------------------------------------------------------------- optimiser */

/* Sum of squares of n values (float accumulation in 4 lanes, then summed). */
EXPORT f32 sum_squares(const f32 *x, int n) {
  v4 acc = wasm_f32x4_splat(0);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v4 v = wasm_v128_load(x + i);
    acc = wasm_f32x4_add(acc, wasm_f32x4_mul(v, v));
  }
  f32 s = wasm_f32x4_extract_lane(acc, 0) + wasm_f32x4_extract_lane(acc, 1) + wasm_f32x4_extract_lane(acc, 2) + wasm_f32x4_extract_lane(acc, 3);
  for (; i < n; i++) s += x[i] * x[i];
  return s;
}

/*
 * One Adam/AdamW update of n weights: g is first scaled by gscale (gradient clipping) and gets
 * l2 * w added (Adam's coupled L2); then m, v move; w -= step * m / (sqrt(v) + eps2) + decay * w.
 */
EXPORT void adam_update(f32 *w, const f32 *g, f32 *m, f32 *v, int n, f32 gscale, f32 l2, f32 b1, f32 b2, f32 step, f32 eps2, f32 decay) {
  v4 vg = wasm_f32x4_splat(gscale), vl2 = wasm_f32x4_splat(l2), vb1 = wasm_f32x4_splat(b1), vb2 = wasm_f32x4_splat(b2);
  v4 v1b1 = wasm_f32x4_splat(1.f - b1), v1b2 = wasm_f32x4_splat(1.f - b2), vstep = wasm_f32x4_splat(step), veps = wasm_f32x4_splat(eps2), vdec = wasm_f32x4_splat(decay);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v4 wi = wasm_v128_load(w + i);
    v4 gi = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(g + i), vg), wasm_f32x4_mul(wi, vl2));
    v4 mi = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(m + i), vb1), wasm_f32x4_mul(gi, v1b1));
    v4 vi = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(v + i), vb2), wasm_f32x4_mul(wasm_f32x4_mul(gi, gi), v1b2));
    wasm_v128_store(m + i, mi);
    wasm_v128_store(v + i, vi);
    v4 upd = wasm_f32x4_div(wasm_f32x4_mul(mi, vstep), wasm_f32x4_add(wasm_f32x4_sqrt(vi), veps));
    wasm_v128_store(w + i, wasm_f32x4_sub(wasm_f32x4_sub(wi, upd), wasm_f32x4_mul(wi, vdec)));
  }
  for (; i < n; i++) {
    f32 wi = w[i];
    f32 gi = g[i] * gscale + wi * l2;
    f32 mi = m[i] * b1 + gi * (1.f - b1);
    f32 vi = v[i] * b2 + gi * gi * (1.f - b2);
    m[i] = mi;
    v[i] = vi;
    w[i] = wi - mi * step / (__builtin_sqrtf(vi) + eps2) - wi * decay;
  }
}
