/* The convdir family for AVX2 + FMA: tiles of 4 output channels x 24 outputs (12 accumulators).
 * SPDX-License-Identifier: Apache-2.0 */
#include <immintrin.h>

#include "convdir.h"

enum { R = 4, T = 24 };

#define ROW_DECL(r) __m256 c##r##0, c##r##1, c##r##2
#define ROW_INIT(r)                                                                                \
  do {                                                                                             \
    if (bias) {                                                                                    \
      const __m256 b = _mm256_set1_ps(bias[r]);                                                    \
      c##r##0 = b;                                                                                 \
      c##r##1 = b;                                                                                 \
      c##r##2 = b;                                                                                 \
    } else {                                                                                       \
      c##r##0 = _mm256_loadu_ps(out + (r)*ldo);                                                    \
      c##r##1 = _mm256_loadu_ps(out + (r)*ldo + 8);                                                \
      c##r##2 = _mm256_loadu_ps(out + (r)*ldo + 16);                                               \
    }                                                                                              \
  } while (0)
#define ROW_FMA(r)                                                                                 \
  do {                                                                                             \
    const __m256 b = _mm256_broadcast_ss(wk + (r));                                                \
    c##r##0 = _mm256_fmadd_ps(b, x0, c##r##0);                                                     \
    c##r##1 = _mm256_fmadd_ps(b, x1, c##r##1);                                                     \
    c##r##2 = _mm256_fmadd_ps(b, x2, c##r##2);                                                     \
  } while (0)
#define ROW_STORE(r)                                                                               \
  do {                                                                                             \
    float *o = out + (r)*ldo;                                                                      \
    if (act) {                                                                                     \
      c##r##0 = tvi_act8(c##r##0, slope, lo, hi);                                                  \
      c##r##1 = tvi_act8(c##r##1, slope, lo, hi);                                                  \
      c##r##2 = tvi_act8(c##r##2, slope, lo, hi);                                                  \
    }                                                                                              \
    _mm256_storeu_ps(o, c##r##0);                                                                  \
    _mm256_storeu_ps(o + 8, c##r##1);                                                              \
    _mm256_storeu_ps(o + 16, c##r##2);                                                             \
  } while (0)
#define ALL_ROWS(m)                                                                                \
  m(0);                                                                                            \
  m(1);                                                                                            \
  m(2);                                                                                            \
  m(3)

static inline __m256 tvi_act8(__m256 x, __m256 slope, __m256 lo, __m256 hi) {
  const __m256 neg = _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_LT_OQ);
  x = _mm256_blendv_ps(x, _mm256_mul_ps(x, slope), neg);
  return _mm256_min_ps(_mm256_max_ps(x, lo), hi);
}

static void tvi_convdir_f32_avx2(const float *in, const int32_t *offs, int32_t nk, const float *w,
                                 const float *bias, float *out, int64_t ldo, int32_t ntiles,
                                 const tvi_convdir_act *act) {
  const __m256 slope = _mm256_set1_ps(act ? act->slope : 1.0f),
               lo = _mm256_set1_ps(act ? act->lo : 0.0f), hi = _mm256_set1_ps(act ? act->hi : 0.0f);
  for (int32_t t = 0; t < ntiles; t++, in += T, out += T) {
    ALL_ROWS(ROW_DECL);
    ALL_ROWS(ROW_INIT);
    const float *wk = w;
    for (int32_t k = 0; k < nk; k++, wk += R) {
      const float *x = in + offs[k];
      const __m256 x0 = _mm256_loadu_ps(x), x1 = _mm256_loadu_ps(x + 8),
                   x2 = _mm256_loadu_ps(x + 16);
      ALL_ROWS(ROW_FMA);
    }
    ALL_ROWS(ROW_STORE);
  }
}

/* convrow: 8 outputs at a time, the nk input vectors in registers, 4 output channels per pass. */
static inline __attribute__((always_inline)) void
tvi_convrow_body_avx2(const float *in, const int32_t *offs, const int32_t nk, const float *w,
                      const float *bias, int32_t nout, float *out, int64_t ldo, int32_t n,
                      const tvi_convdir_act *act) {
  static const int32_t ones[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};
  const __m256 slope = _mm256_set1_ps(act->slope), lo = _mm256_set1_ps(act->lo),
               hi = _mm256_set1_ps(act->hi);
  for (int32_t i = 0; i < n; i += 8) {
    const int32_t m = n - i < 8 ? n - i : 8;
    const __m256i mask = _mm256_loadu_si256((const __m256i *)(const void *)(ones + 8 - m));
    __m256 x[TVI_CONVROW_MAX_K];
    for (int32_t k = 0; k < nk; k++) x[k] = _mm256_maskload_ps(in + offs[k] + i, mask);
    int32_t r = 0;
    for (; r + 4 <= nout; r += 4) {
      const float *wr = w + (int64_t)r * nk;
      __m256 a0 = _mm256_broadcast_ss(bias + r), a1 = _mm256_broadcast_ss(bias + r + 1),
             a2 = _mm256_broadcast_ss(bias + r + 2), a3 = _mm256_broadcast_ss(bias + r + 3);
      for (int32_t k = 0; k < nk; k++) {
        a0 = _mm256_fmadd_ps(_mm256_broadcast_ss(wr + k), x[k], a0);
        a1 = _mm256_fmadd_ps(_mm256_broadcast_ss(wr + nk + k), x[k], a1);
        a2 = _mm256_fmadd_ps(_mm256_broadcast_ss(wr + 2 * nk + k), x[k], a2);
        a3 = _mm256_fmadd_ps(_mm256_broadcast_ss(wr + 3 * nk + k), x[k], a3);
      }
      float *o = out + (int64_t)r * ldo + i;
      _mm256_maskstore_ps(o, mask, tvi_act8(a0, slope, lo, hi));
      _mm256_maskstore_ps(o + ldo, mask, tvi_act8(a1, slope, lo, hi));
      _mm256_maskstore_ps(o + 2 * ldo, mask, tvi_act8(a2, slope, lo, hi));
      _mm256_maskstore_ps(o + 3 * ldo, mask, tvi_act8(a3, slope, lo, hi));
    }
    for (; r < nout; r++) {
      const float *wr = w + (int64_t)r * nk;
      __m256 a0 = _mm256_broadcast_ss(bias + r);
      for (int32_t k = 0; k < nk; k++) a0 = _mm256_fmadd_ps(_mm256_broadcast_ss(wr + k), x[k], a0);
      _mm256_maskstore_ps(out + (int64_t)r * ldo + i, mask, tvi_act8(a0, slope, lo, hi));
    }
  }
}

static void tvi_convrow_f32_avx2(const float *in, const int32_t *offs, int32_t nk, const float *w,
                                 const float *bias, int32_t nout, float *out, int64_t ldo,
                                 int32_t n, const tvi_convdir_act *act) {
  if (nk == 9) /* 3x3 on one channel: the loops over k unrolled, the inputs in registers */
    tvi_convrow_body_avx2(in, offs, 9, w, bias, nout, out, ldo, n, act);
  else
    tvi_convrow_body_avx2(in, offs, nk, w, bias, nout, out, ldo, n, act);
}

const tvi_convdir_kernel tvi_convdir_avx2 = {R,
                                             T,
                                             tvi_convdir_f32_avx2,
                                             tvi_wino_in_f32_scalar,
                                             tvi_wino_out_f32_scalar,
                                             tvi_deint2_f32_scalar,
                                             tvi_convrow_f32_avx2,
                                             tvi_wino4_in_f32_scalar,
                                             tvi_wino4_out_f32_scalar};
