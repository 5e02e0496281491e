/* Shared definitions of the fused kernels (see kernels.c for why they exist). */
#ifndef FOXML_KERNELS_COMMON_H
#define FOXML_KERNELS_COMMON_H
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

/* ---------------------------------------------------------------- activations */

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


/* C[M x N] (+)= op(A) op(B); see gemm.c. */
void gemm(int ta, int tb, int M, int N, int K, const f32 *A, int lda, const f32 *B, int ldb, f32 *C, int ldc, int acc, f32 *pb);
void col_sum(const f32 *x, int M, int N, int ldx, f32 *out, int acc);

#endif
