/*
 * Fused training kernels for the neural families, compiled to WebAssembly with SIMD (build.sh).
 *
 * Why: stock tfjs runs an LSTM as ~15 small ops per time step (forward) and twice that backward,
 * each with JavaScript overhead, and its wasm matrix product falls back to a naive loop whenever
 * an operand is transposed, which is every gradient. Here a whole layer (a dense layer with its
 * activation, an LSTM/GRU over the full sequence, attention over all heads, a causal convolution)
 * is one call forward and one backward, on a blocked SIMD matrix product.
 *
 * Conventions: row-major float32; pointers are byte offsets into the memory the host provides
 * (imported, so JavaScript owns allocation); no libc (memset/memcpy lower to bulk-memory ops).
 */
#include <wasm_simd128.h>

#define EXPORT __attribute__((visibility("default")))
typedef float f32;
typedef v128_t v4;

static inline int imin(int a, int b) { return a < b ? a : b; }

/* ---------------------------------------------------------------- exp and friends */

/* e^x for x in [-87.3, 88.7] (clamped outside), Cephes' expf polynomial: ~1 ulp. */
static inline v4 v_exp(v4 x) {
  const v4 hi = wasm_f32x4_splat(88.3762626647949f), lo = wasm_f32x4_splat(-87.3365447504f);
  x = wasm_f32x4_pmin(wasm_f32x4_pmax(x, lo), hi);
  v4 n = wasm_f32x4_nearest(wasm_f32x4_mul(x, wasm_f32x4_splat(1.44269504088896341f)));
  v4 r = wasm_f32x4_sub(x, wasm_f32x4_mul(n, wasm_f32x4_splat(0.693359375f)));
  r = wasm_f32x4_sub(r, wasm_f32x4_mul(n, wasm_f32x4_splat(-2.12194440e-4f)));
  v4 p = wasm_f32x4_splat(1.9875691500E-4f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.3981999507E-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(8.3334519073E-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(4.1665795894E-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.6666665459E-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(5.0000001201E-1f));
  v4 r2 = wasm_f32x4_mul(r, r);
  v4 e = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(p, r2), r), wasm_f32x4_splat(1.0f));
  v4 pow2n = wasm_i32x4_shl(wasm_i32x4_add(wasm_i32x4_trunc_sat_f32x4(n), wasm_i32x4_splat(127)), 23);
  return wasm_f32x4_mul(e, pow2n);
}

static inline v4 v_sigmoid(v4 x) {
  const v4 one = wasm_f32x4_splat(1.0f);
  return wasm_f32x4_div(one, wasm_f32x4_add(one, v_exp(wasm_f32x4_neg(x))));
}

/* tanh(x) = sign(x) (1 - e^-2|x|) / (1 + e^-2|x|): no overflow, absolute error ~1e-7. */
static inline v4 v_tanh(v4 x) {
  const v4 one = wasm_f32x4_splat(1.0f);
  v4 e = v_exp(wasm_f32x4_mul(wasm_f32x4_abs(x), wasm_f32x4_splat(-2.0f)));
  v4 t = wasm_f32x4_div(wasm_f32x4_sub(one, e), wasm_f32x4_add(one, e));
  v4 sign = wasm_v128_and(x, wasm_i32x4_splat((int)0x80000000));
  return wasm_v128_or(t, sign);
}

/* Scalar versions through lane 0, so scalar tails round exactly like the vector body. */
static inline f32 s_exp(f32 x) { return wasm_f32x4_extract_lane(v_exp(wasm_f32x4_splat(x)), 0); }
static inline f32 s_sigmoid(f32 x) { return wasm_f32x4_extract_lane(v_sigmoid(wasm_f32x4_splat(x)), 0); }
static inline f32 s_tanh(f32 x) { return wasm_f32x4_extract_lane(v_tanh(wasm_f32x4_splat(x)), 0); }

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

enum { ACT_LINEAR = 0, ACT_RELU = 1, ACT_TANH = 2, ACT_GELU = 3, ACT_SILU = 4, ACT_ELU = 5, ACT_SIGMOID = 6 };

static inline v4 v_gelu_inner(v4 z) {
  /* sqrt(2/pi) (z + 0.044715 z^3) */
  v4 z3 = wasm_f32x4_mul(wasm_f32x4_mul(z, z), z);
  return wasm_f32x4_mul(wasm_f32x4_add(z, wasm_f32x4_mul(z3, wasm_f32x4_splat(0.044715f))), wasm_f32x4_splat(0.7978845608028654f));
}

static inline v4 v_act(v4 z, int act) {
  const v4 zero = wasm_f32x4_splat(0), one = wasm_f32x4_splat(1), half = wasm_f32x4_splat(0.5f);
  switch (act) {
    case ACT_RELU: return wasm_f32x4_pmax(z, zero);
    case ACT_TANH: return v_tanh(z);
    case ACT_GELU: return wasm_f32x4_mul(wasm_f32x4_mul(z, half), wasm_f32x4_add(one, v_tanh(v_gelu_inner(z))));
    case ACT_SILU: return wasm_f32x4_mul(z, v_sigmoid(z));
    case ACT_ELU: {
      v4 neg = wasm_f32x4_sub(v_exp(wasm_f32x4_pmin(z, zero)), one);
      return wasm_v128_bitselect(z, neg, wasm_f32x4_gt(z, zero));
    }
    case ACT_SIGMOID: return v_sigmoid(z);
    default: return z;
  }
}

/* d act(z) / dz */
static inline v4 v_act_grad(v4 z, int act) {
  const v4 zero = wasm_f32x4_splat(0), one = wasm_f32x4_splat(1), half = wasm_f32x4_splat(0.5f);
  switch (act) {
    case ACT_RELU: return wasm_v128_and(wasm_f32x4_gt(z, zero), one);
    case ACT_TANH: {
      v4 t = v_tanh(z);
      return wasm_f32x4_sub(one, wasm_f32x4_mul(t, t));
    }
    case ACT_GELU: {
      v4 t = v_tanh(v_gelu_inner(z));
      v4 dinner = wasm_f32x4_mul(wasm_f32x4_add(one, wasm_f32x4_mul(wasm_f32x4_mul(z, z), wasm_f32x4_splat(3 * 0.044715f))), wasm_f32x4_splat(0.7978845608028654f));
      v4 a = wasm_f32x4_mul(half, wasm_f32x4_add(one, t));
      v4 b = wasm_f32x4_mul(wasm_f32x4_mul(wasm_f32x4_mul(half, z), wasm_f32x4_sub(one, wasm_f32x4_mul(t, t))), dinner);
      return wasm_f32x4_add(a, b);
    }
    case ACT_SILU: {
      v4 s = v_sigmoid(z);
      return wasm_f32x4_mul(s, wasm_f32x4_add(one, wasm_f32x4_mul(z, wasm_f32x4_sub(one, s))));
    }
    case ACT_ELU: return wasm_v128_bitselect(one, v_exp(wasm_f32x4_pmin(z, zero)), wasm_f32x4_gt(z, zero));
    case ACT_SIGMOID: {
      v4 s = v_sigmoid(z);
      return wasm_f32x4_mul(s, wasm_f32x4_sub(one, s));
    }
    default: return one;
  }
}

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

/* ---------------------------------------------------------------- LSTM */

/*
 * Forward over the whole sequence. xp [B, L, 4H] holds x Wx + b per step (gates i, f, g, o);
 * G [B, L, 4H] receives the activated gates, Cs [B, L, H] the cell states, Hs [B, L, H] the hidden
 * states (the output). h_0 = c_0 = 0. pb: gemm scratch.
 */
EXPORT void lstm_forward(int B, int L, int H, const f32 *xp, const f32 *Wh, f32 *G, f32 *Cs, f32 *Hs, f32 *pb) {
  int G4 = 4 * H;
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
