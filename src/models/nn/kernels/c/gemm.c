/* Blocked SIMD matrix product, dense-layer bias/activation and elementwise maps. */
#include "common.h"

/* ---------------------------------------------------------------- matrix product */

/* B panel of 8 columns over kc rows of K: dst[p][k][0..7], zero-padded past N. */
static void pack_b(int tb, int kc, int N, const f32 *B, int ldb, f32 *dst) {
  for (int j0 = 0; j0 < N; j0 += 8) {
    int w = imin(8, N - j0);
    f32 *d = dst + j0 * kc;
    if (!tb) {
      for (int k = 0; k < kc; k++, d += 8) {
        const f32 *s = B + k * ldb + j0;
        if (w == 8) {
          wasm_v128_store(d, wasm_v128_load(s));
          wasm_v128_store(d + 4, wasm_v128_load(s + 4));
        } else
          for (int j = 0; j < 8; j++) d[j] = j < w ? s[j] : 0.f;
      }
    } else if (w == 8) {
      /* B stored transposed (N x K): 8 source rows, read along k. */
      const f32 *s = B + j0 * ldb;
      for (int k = 0; k < kc; k++, d += 8)
        for (int j = 0; j < 8; j++) d[j] = s[j * ldb + k];
    } else {
      for (int k = 0; k < kc; k++, d += 8)
        for (int j = 0; j < 8; j++) d[j] = j < w ? B[(j0 + j) * ldb + k] : 0.f;
    }
  }
}

/*
 * 4 x 8 block of C from 4 rows of A (element (r, k) at ar[r] + k * ks) and a packed B panel:
 * 8 accumulators, two B vectors and four broadcasts per k fit the 16 SIMD registers of x86-64.
 */
static inline void kernel4x8(int K, const f32 *a0, const f32 *a1, const f32 *a2, const f32 *a3, int ks, const f32 *b, f32 *C, int ldc, int h, int w, int acc) {
  v4 c00 = wasm_f32x4_splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (int k = 0; k < K; k++) {
    v4 b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4);
    v4 x0 = wasm_v128_load32_splat(a0), x1 = wasm_v128_load32_splat(a1), x2 = wasm_v128_load32_splat(a2), x3 = wasm_v128_load32_splat(a3);
    c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(x0, b0));
    c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(x0, b1));
    c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(x1, b0));
    c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(x1, b1));
    c20 = wasm_f32x4_add(c20, wasm_f32x4_mul(x2, b0));
    c21 = wasm_f32x4_add(c21, wasm_f32x4_mul(x2, b1));
    c30 = wasm_f32x4_add(c30, wasm_f32x4_mul(x3, b0));
    c31 = wasm_f32x4_add(c31, wasm_f32x4_mul(x3, b1));
    a0 += ks; a1 += ks; a2 += ks; a3 += ks; b += 8;
  }
  v4 r[8] = {c00, c01, c10, c11, c20, c21, c30, c31};
  if (h == 4 && w == 8) {
    for (int i = 0; i < 4; i++) {
      f32 *c = C + i * ldc;
      if (acc) {
        wasm_v128_store(c, wasm_f32x4_add(wasm_v128_load(c), r[2 * i]));
        wasm_v128_store(c + 4, wasm_f32x4_add(wasm_v128_load(c + 4), r[2 * i + 1]));
      } else {
        wasm_v128_store(c, r[2 * i]);
        wasm_v128_store(c + 4, r[2 * i + 1]);
      }
    }
  } else {
    f32 tmp[32];
    for (int i = 0; i < 8; i++) wasm_v128_store(tmp + 4 * i, r[i]);
    for (int i = 0; i < h; i++)
      for (int j = 0; j < w; j++) {
        f32 v = tmp[i * 8 + j];
        C[i * ldc + j] = acc ? C[i * ldc + j] + v : v;
      }
  }
}

#define KC 128

/*
 * C[M x N] (+)= op(A) op(B), op = transpose when ta/tb. A is M x K (ta: stored K x M), B is K x N
 * (tb: stored N x K), with leading dimensions lda/ldb/ldc in floats. pb is scratch of
 * 8 * ceil(N / 8) * min(K, KC) floats. K is blocked so a block of packed B stays in cache while
 * every row block of A passes over it.
 */
EXPORT void gemm(int ta, int tb, int M, int N, int K, const f32 *A, int lda, const f32 *B, int ldb, f32 *C, int ldc, int acc, f32 *pb) {
  if (K == 0) {
    if (!acc)
      for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) C[i * ldc + j] = 0.f;
    return;
  }
  int rs = ta ? 1 : lda, ks = ta ? lda : 1;
  for (int k0 = 0; k0 < K; k0 += KC) {
    int kc = imin(KC, K - k0);
    int ak = acc || k0 > 0;
    pack_b(tb, kc, N, tb ? B + k0 : B + k0 * ldb, ldb, pb);
    const f32 *Ak = A + k0 * ks;
    for (int i0 = 0; i0 < M; i0 += 4) {
      int h = imin(4, M - i0);
      const f32 *r0 = Ak + i0 * rs;
      /* rows past M read row 0 again; their results are never stored */
      const f32 *r1 = h > 1 ? r0 + rs : r0, *r2 = h > 2 ? r0 + 2 * rs : r0, *r3 = h > 3 ? r0 + 3 * rs : r0;
      for (int j0 = 0; j0 < N; j0 += 8) kernel4x8(kc, r0, r1, r2, r3, ks, pb + j0 * kc, C + i0 * ldc + j0, ldc, h, imin(8, N - j0), ak);
    }
  }
}

/* ---------------------------------------------------------------- dense layer */

/* z[M x N] += bias (may be 0); y = act(z). y may alias z only for ACT_LINEAR. */
EXPORT void bias_act(f32 *z, const f32 *bias, f32 *y, int M, int N, int act) {
  for (int i = 0; i < M; i++) {
    f32 *zr = z + i * N, *yr = y + i * N;
    int j = 0;
    for (; j + 4 <= N; j += 4) {
      v4 v = wasm_v128_load(zr + j);
      if (bias) v = wasm_f32x4_add(v, wasm_v128_load(bias + j));
      wasm_v128_store(zr + j, v);
      wasm_v128_store(yr + j, v_act(v, act));
    }
    for (; j < N; j++) {
      f32 v = zr[j] + (bias ? bias[j] : 0.f);
      zr[j] = v;
      yr[j] = wasm_f32x4_extract_lane(v_act(wasm_f32x4_splat(v), act), 0);
    }
  }
}

/* dz = dy * act'(z), elementwise over n. */
EXPORT void act_grad(const f32 *dy, const f32 *z, f32 *dz, int n, int act) {
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(dz + i, wasm_f32x4_mul(wasm_v128_load(dy + i), v_act_grad(wasm_v128_load(z + i), act)));
  for (; i < n; i++) dz[i] = dy[i] * wasm_f32x4_extract_lane(v_act_grad(wasm_f32x4_splat(z[i]), act), 0);
}

/* out[N] (+)= column sums of x[M x N] (row stride ldx). */
EXPORT void col_sum(const f32 *x, int M, int N, int ldx, f32 *out, int acc) {
  if (!acc)
    for (int j = 0; j < N; j++) out[j] = 0.f;
  for (int i = 0; i < M; i++) {
    const f32 *r = x + i * ldx;
    int j = 0;
    for (; j + 4 <= N; j += 4) wasm_v128_store(out + j, wasm_f32x4_add(wasm_v128_load(out + j), wasm_v128_load(r + j)));
    for (; j < N; j++) out[j] += r[j];
  }
}

EXPORT void vexp(const f32 *x, f32 *y, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(y + i, v_exp(wasm_v128_load(x + i)));
  for (; i < n; i++) y[i] = s_exp(x[i]);
}
EXPORT void vsigmoid(const f32 *x, f32 *y, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(y + i, v_sigmoid(wasm_v128_load(x + i)));
  for (; i < n; i++) y[i] = s_sigmoid(x[i]);
}
EXPORT void vtanh(const f32 *x, f32 *y, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(y + i, v_tanh(wasm_v128_load(x + i)));
  for (; i < n; i++) y[i] = s_tanh(x[i]);
}

