/* The convdir family for AVX-512: tiles of 8 output channels x 48 outputs (24 accumulators).
 * SPDX-License-Identifier: Apache-2.0 */
#include <immintrin.h>

#include "convdir.h"

enum { R = 8, T = 48 };

#define ROW_DECL(r) __m512 c##r##0, c##r##1, c##r##2
#define ROW_INIT(r)                                                                                \
  do {                                                                                             \
    if (bias) {                                                                                    \
      const __m512 b = _mm512_set1_ps(bias[r]);                                                    \
      c##r##0 = b;                                                                                 \
      c##r##1 = b;                                                                                 \
      c##r##2 = b;                                                                                 \
    } else {                                                                                       \
      c##r##0 = _mm512_loadu_ps(out + (r)*ldo);                                                    \
      c##r##1 = _mm512_loadu_ps(out + (r)*ldo + 16);                                               \
      c##r##2 = _mm512_loadu_ps(out + (r)*ldo + 32);                                               \
    }                                                                                              \
  } while (0)
#define ROW_FMA(r)                                                                                 \
  do {                                                                                             \
    const __m512 b = _mm512_set1_ps(wk[r]);                                                        \
    c##r##0 = _mm512_fmadd_ps(b, x0, c##r##0);                                                     \
    c##r##1 = _mm512_fmadd_ps(b, x1, c##r##1);                                                     \
    c##r##2 = _mm512_fmadd_ps(b, x2, c##r##2);                                                     \
  } while (0)
#define ROW_STORE(r)                                                                               \
  do {                                                                                             \
    float *o = out + (r)*ldo;                                                                      \
    _mm512_storeu_ps(o, c##r##0);                                                                  \
    _mm512_storeu_ps(o + 16, c##r##1);                                                             \
    _mm512_storeu_ps(o + 32, c##r##2);                                                             \
  } while (0)
#define ALL_ROWS(m)                                                                                \
  m(0);                                                                                            \
  m(1);                                                                                            \
  m(2);                                                                                            \
  m(3);                                                                                            \
  m(4);                                                                                            \
  m(5);                                                                                            \
  m(6);                                                                                            \
  m(7)

static inline __m512 tvi_act16(__m512 x, __m512 slope, __m512 lo, __m512 hi) {
  const __mmask16 neg = _mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_LT_OQ);
  x = _mm512_mask_mul_ps(x, neg, x, slope);
  return _mm512_min_ps(_mm512_max_ps(x, lo), hi);
}

/* The activation over rows of a block of tiles, after their sums are stored: kept out of the tile
 * loop (and out of line) so that its constants are not held in registers there. The 24
 * accumulators, 3 inputs and a broadcast need 28 of the 32 zmm registers; holding the activation's
 * constants as well made the compiler spill the inputs to the stack in the inner loop. */
static __attribute__((noinline)) void tvi_convdir_act_avx512(float *out, int64_t ldo, int32_t n,
                                                             const tvi_convdir_act *act) {
  const __m512 slope = _mm512_set1_ps(act->slope), lo = _mm512_set1_ps(act->lo),
               hi = _mm512_set1_ps(act->hi);
  for (int32_t r = 0; r < R; r++)
    for (int32_t i = 0; i < n; i += 16) {
      float *o = out + r * ldo + i;
      _mm512_storeu_ps(o, tvi_act16(_mm512_loadu_ps(o), slope, lo, hi));
    }
}

static void tvi_convdir_f32_avx512(const float *in, const int32_t *offs, int32_t nk, const float *w,
                                   const float *bias, float *out, int64_t ldo, int32_t ntiles,
                                   const tvi_convdir_act *act) {
  float *const out0 = out;
  for (int32_t t = 0; t < ntiles; t++, in += T, out += T) {
    ALL_ROWS(ROW_DECL);
    ALL_ROWS(ROW_INIT);
    const float *wk = w;
    for (int32_t k = 0; k < nk; k++, wk += R) {
      const float *x = in + offs[k];
      const __m512 x0 = _mm512_loadu_ps(x), x1 = _mm512_loadu_ps(x + 16),
                   x2 = _mm512_loadu_ps(x + 32);
      _mm_prefetch((const char *)(x + T), _MM_HINT_T0);
      _mm_prefetch((const char *)(x + T + 32), _MM_HINT_T0);
      ALL_ROWS(ROW_FMA);
    }
    ALL_ROWS(ROW_STORE);
  }
  if (act) tvi_convdir_act_avx512(out0, ldo, ntiles * T, act);
}

static void tvi_wino_in_f32_avx512(const float *d, int64_t plane, int32_t wq, float *v, int64_t ldv,
                                   int32_t count) {
  for (int32_t i = 0; i < count; i += 16) {
    __m512 x[4][4], t[4][4];
    for (int r = 0; r < 4; r++)
      for (int c = 0; c < 4; c++)
        x[r][c] = _mm512_loadu_ps(d + ((r & 1) * 2 + (c & 1)) * plane + (int64_t)(r >> 1) * wq +
                                  (c >> 1) + i);
    for (int c = 0; c < 4; c++) {
      t[0][c] = _mm512_sub_ps(x[0][c], x[2][c]);
      t[1][c] = _mm512_add_ps(x[1][c], x[2][c]);
      t[2][c] = _mm512_sub_ps(x[2][c], x[1][c]);
      t[3][c] = _mm512_sub_ps(x[1][c], x[3][c]);
    }
    for (int r = 0; r < 4; r++) {
      _mm512_storeu_ps(v + (r * 4 + 0) * ldv + i, _mm512_sub_ps(t[r][0], t[r][2]));
      _mm512_storeu_ps(v + (r * 4 + 1) * ldv + i, _mm512_add_ps(t[r][1], t[r][2]));
      _mm512_storeu_ps(v + (r * 4 + 2) * ldv + i, _mm512_sub_ps(t[r][2], t[r][1]));
      _mm512_storeu_ps(v + (r * 4 + 3) * ldv + i, _mm512_sub_ps(t[r][1], t[r][3]));
    }
  }
}

static void tvi_wino_out_f32_avx512(const float *m, int64_t ldm, float bias,
                                    const tvi_convdir_act *act, float *y, int64_t ldy,
                                    int32_t count) {
  const __m512 slope = _mm512_set1_ps(act->slope), lo = _mm512_set1_ps(act->lo),
               hi = _mm512_set1_ps(act->hi), b = _mm512_set1_ps(bias);
  const __m512i ilo = _mm512_set_epi32(23, 7, 22, 6, 21, 5, 20, 4, 19, 3, 18, 2, 17, 1, 16, 0);
  const __m512i ihi =
      _mm512_set_epi32(31, 15, 30, 14, 29, 13, 28, 12, 27, 11, 26, 10, 25, 9, 24, 8);
  for (int32_t i = 0; i < count; i += 16) {
    __m512 s0[4], s1[4];
    for (int c = 0; c < 4; c++) {
      const __m512 m0 = _mm512_loadu_ps(m + (0 + c) * ldm + i);
      const __m512 m1 = _mm512_loadu_ps(m + (4 + c) * ldm + i);
      const __m512 m2 = _mm512_loadu_ps(m + (8 + c) * ldm + i);
      const __m512 m3 = _mm512_loadu_ps(m + (12 + c) * ldm + i);
      s0[c] = _mm512_add_ps(_mm512_add_ps(m0, m1), m2);
      s1[c] = _mm512_sub_ps(_mm512_sub_ps(m1, m2), m3);
    }
    const __m512 y00 = tvi_act16(
        _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(s0[0], s0[1]), s0[2]), b), slope, lo, hi);
    const __m512 y01 = tvi_act16(
        _mm512_add_ps(_mm512_sub_ps(_mm512_sub_ps(s0[1], s0[2]), s0[3]), b), slope, lo, hi);
    const __m512 y10 = tvi_act16(
        _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(s1[0], s1[1]), s1[2]), b), slope, lo, hi);
    const __m512 y11 = tvi_act16(
        _mm512_add_ps(_mm512_sub_ps(_mm512_sub_ps(s1[1], s1[2]), s1[3]), b), slope, lo, hi);
    _mm512_storeu_ps(y + 2 * i, _mm512_permutex2var_ps(y00, ilo, y01));
    _mm512_storeu_ps(y + 2 * i + 16, _mm512_permutex2var_ps(y00, ihi, y01));
    _mm512_storeu_ps(y + ldy + 2 * i, _mm512_permutex2var_ps(y10, ilo, y11));
    _mm512_storeu_ps(y + ldy + 2 * i + 16, _mm512_permutex2var_ps(y10, ihi, y11));
  }
}

/* B^T of F(4x4, 3x3) on six vectors. */
static inline void tvi_wino4_bt16(const __m512 x[6], __m512 t[6]) {
  const __m512 four = _mm512_set1_ps(4.0f), five = _mm512_set1_ps(5.0f), two = _mm512_set1_ps(2.0f);
  t[0] = _mm512_add_ps(_mm512_fnmadd_ps(five, x[2], _mm512_mul_ps(four, x[0])), x[4]);
  t[1] = _mm512_fnmadd_ps(four, _mm512_add_ps(x[1], x[2]), _mm512_add_ps(x[3], x[4]));
  t[2] = _mm512_fmadd_ps(four, _mm512_sub_ps(x[1], x[2]), _mm512_sub_ps(x[4], x[3]));
  t[3] = _mm512_fmadd_ps(two, _mm512_sub_ps(x[3], x[1]), _mm512_sub_ps(x[4], x[2]));
  t[4] = _mm512_fmadd_ps(two, _mm512_sub_ps(x[1], x[3]), _mm512_sub_ps(x[4], x[2]));
  t[5] = _mm512_add_ps(_mm512_fnmadd_ps(five, x[3], _mm512_mul_ps(four, x[1])), x[5]);
}

static void tvi_wino4_in_f32_avx512(const float *d, int64_t plane, int32_t wq, float *v,
                                    int64_t ldv, int32_t count) {
  for (int32_t i = 0; i < count; i += 16) {
    __m512 t[6][6];
    for (int c = 0; c < 6; c++) {
      __m512 x[6], col[6];
      for (int r = 0; r < 6; r++)
        x[r] = _mm512_loadu_ps(d + ((r & 3) * 4 + (c & 3)) * plane + (int64_t)(r >> 2) * wq +
                               (c >> 2) + i);
      tvi_wino4_bt16(x, col);
      for (int r = 0; r < 6; r++) t[r][c] = col[r];
    }
    for (int r = 0; r < 6; r++) {
      __m512 u[6];
      tvi_wino4_bt16(t[r], u);
      for (int c = 0; c < 6; c++) _mm512_storeu_ps(v + (r * 6 + c) * ldv + i, u[c]);
    }
  }
}

/* A^T of F(4x4, 3x3) on six vectors. */
static inline void tvi_wino4_at16(const __m512 x[6], __m512 s[4]) {
  const __m512 two = _mm512_set1_ps(2.0f), four = _mm512_set1_ps(4.0f),
               eight = _mm512_set1_ps(8.0f);
  const __m512 p12 = _mm512_add_ps(x[1], x[2]), m12 = _mm512_sub_ps(x[1], x[2]);
  const __m512 p34 = _mm512_add_ps(x[3], x[4]), m34 = _mm512_sub_ps(x[3], x[4]);
  s[0] = _mm512_add_ps(_mm512_add_ps(x[0], p12), p34);
  s[1] = _mm512_fmadd_ps(two, m34, m12);
  s[2] = _mm512_fmadd_ps(four, p34, p12);
  s[3] = _mm512_add_ps(_mm512_fmadd_ps(eight, m34, m12), x[5]);
}

static void tvi_wino4_out_f32_avx512(const float *m, int64_t ldm, float bias,
                                     const tvi_convdir_act *act, float *y, int64_t ldy,
                                     int32_t count) {
  const __m512 slope = _mm512_set1_ps(act->slope), lo = _mm512_set1_ps(act->lo),
               hi = _mm512_set1_ps(act->hi), b = _mm512_set1_ps(bias);
  for (int32_t i = 0; i < count; i += 16) {
    __m512 s[4][6];
    for (int c = 0; c < 6; c++) {
      __m512 x[6], col[4];
      for (int r = 0; r < 6; r++) x[r] = _mm512_loadu_ps(m + (r * 6 + c) * ldm + i);
      tvi_wino4_at16(x, col);
      for (int r = 0; r < 4; r++) s[r][c] = col[r];
    }
    for (int r = 0; r < 4; r++) {
      __m512 o[4];
      tvi_wino4_at16(s[r], o);
      for (int c = 0; c < 4; c++) o[c] = tvi_act16(_mm512_add_ps(o[c], b), slope, lo, hi);
      /* o[dx] holds output dx of tiles i .. i + 15; store them tile by tile (4 floats each):
       * interleave within 128-bit lanes, then transpose the lanes. */
      const __m512 ab0 = _mm512_unpacklo_ps(o[0], o[1]), ab1 = _mm512_unpackhi_ps(o[0], o[1]);
      const __m512 cd0 = _mm512_unpacklo_ps(o[2], o[3]), cd1 = _mm512_unpackhi_ps(o[2], o[3]);
      const __m512 p0 = _mm512_castpd_ps(
          _mm512_unpacklo_pd(_mm512_castps_pd(ab0), _mm512_castps_pd(cd0))); /* tiles 4L */
      const __m512 p1 = _mm512_castpd_ps(
          _mm512_unpackhi_pd(_mm512_castps_pd(ab0), _mm512_castps_pd(cd0))); /* tiles 4L + 1 */
      const __m512 p2 = _mm512_castpd_ps(
          _mm512_unpacklo_pd(_mm512_castps_pd(ab1), _mm512_castps_pd(cd1))); /* tiles 4L + 2 */
      const __m512 p3 = _mm512_castpd_ps(
          _mm512_unpackhi_pd(_mm512_castps_pd(ab1), _mm512_castps_pd(cd1))); /* tiles 4L + 3 */
      const __m512 q0 = _mm512_shuffle_f32x4(p0, p1, 0x44), q1 = _mm512_shuffle_f32x4(p2, p3, 0x44);
      const __m512 q2 = _mm512_shuffle_f32x4(p0, p1, 0xEE), q3 = _mm512_shuffle_f32x4(p2, p3, 0xEE);
      float *dst = y + r * ldy + 4 * i;
      _mm512_storeu_ps(dst, _mm512_shuffle_f32x4(q0, q1, 0x88));
      _mm512_storeu_ps(dst + 16, _mm512_shuffle_f32x4(q0, q1, 0xDD));
      _mm512_storeu_ps(dst + 32, _mm512_shuffle_f32x4(q2, q3, 0x88));
      _mm512_storeu_ps(dst + 48, _mm512_shuffle_f32x4(q2, q3, 0xDD));
    }
  }
}

static void tvi_deint2_f32_avx512(const float *src, float *even, float *odd, int32_t n) {
  const __m512i ie = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
  const __m512i io = _mm512_set_epi32(31, 29, 27, 25, 23, 21, 19, 17, 15, 13, 11, 9, 7, 5, 3, 1);
  int32_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512 a = _mm512_loadu_ps(src + 2 * i), b = _mm512_loadu_ps(src + 2 * i + 16);
    _mm512_storeu_ps(even + i, _mm512_permutex2var_ps(a, ie, b));
    _mm512_storeu_ps(odd + i, _mm512_permutex2var_ps(a, io, b));
  }
  if (i < n) {               /* the last 1..15 pairs, masked */
    const int32_t m = n - i; /* 2m floats: 2m - 16 of them in b when m > 8 */
    const __mmask16 ma = m >= 8 ? (__mmask16)0xffff : (__mmask16)((1u << (2 * m)) - 1);
    const __mmask16 mb = m > 8 ? (__mmask16)((1u << (2 * m - 16)) - 1) : (__mmask16)0;
    const __mmask16 mo = (__mmask16)((1u << m) - 1);
    const __m512 a = _mm512_maskz_loadu_ps(ma, src + 2 * i);
    const __m512 b = _mm512_maskz_loadu_ps(mb, src + 2 * i + 16);
    _mm512_mask_storeu_ps(even + i, mo, _mm512_permutex2var_ps(a, ie, b));
    _mm512_mask_storeu_ps(odd + i, mo, _mm512_permutex2var_ps(a, io, b));
  }
}

/* convrow: 32 outputs at a time (two vectors, masked at the end of the row), the 2 * nk input
 * vectors in registers, 4 output channels per pass (8 accumulators). */
static inline __attribute__((always_inline)) void
tvi_convrow_body_avx512(const float *in, const int32_t *offs, const int32_t nk, const float *w,
                        const float *bias, int32_t nout, float *out, int64_t ldo, int32_t n,
                        const tvi_convdir_act *act) {
  const __m512 slope = _mm512_set1_ps(act->slope), lo = _mm512_set1_ps(act->lo),
               hi = _mm512_set1_ps(act->hi);
  for (int32_t i = 0; i < n; i += 32) {
    const int32_t m = n - i;
    const __mmask16 m0 = m >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << m) - 1);
    const __mmask16 m1 = m >= 32  ? (__mmask16)0xffff
                         : m > 16 ? (__mmask16)((1u << (m - 16)) - 1)
                                  : (__mmask16)0;
    __m512 x0[TVI_CONVROW_MAX_K], x1[TVI_CONVROW_MAX_K];
    for (int32_t k = 0; k < nk; k++) {
      x0[k] = _mm512_maskz_loadu_ps(m0, in + offs[k] + i);
      x1[k] = _mm512_maskz_loadu_ps(m1, in + offs[k] + i + 16);
    }
    int32_t r = 0;
    for (; r + 4 <= nout; r += 4) {
      const float *wr = w + (int64_t)r * nk;
      __m512 a[4][2];
      for (int j = 0; j < 4; j++) a[j][0] = a[j][1] = _mm512_set1_ps(bias[r + j]);
      for (int32_t k = 0; k < nk; k++)
        for (int j = 0; j < 4; j++) {
          const __m512 b = _mm512_set1_ps(wr[j * nk + k]);
          a[j][0] = _mm512_fmadd_ps(b, x0[k], a[j][0]);
          a[j][1] = _mm512_fmadd_ps(b, x1[k], a[j][1]);
        }
      for (int j = 0; j < 4; j++) {
        float *o = out + (int64_t)(r + j) * ldo + i;
        _mm512_mask_storeu_ps(o, m0, tvi_act16(a[j][0], slope, lo, hi));
        _mm512_mask_storeu_ps(o + 16, m1, tvi_act16(a[j][1], slope, lo, hi));
      }
    }
    for (; r < nout; r++) {
      const float *wr = w + (int64_t)r * nk;
      __m512 a0 = _mm512_set1_ps(bias[r]), a1 = a0;
      for (int32_t k = 0; k < nk; k++) {
        const __m512 b = _mm512_set1_ps(wr[k]);
        a0 = _mm512_fmadd_ps(b, x0[k], a0);
        a1 = _mm512_fmadd_ps(b, x1[k], a1);
      }
      float *o = out + (int64_t)r * ldo + i;
      _mm512_mask_storeu_ps(o, m0, tvi_act16(a0, slope, lo, hi));
      _mm512_mask_storeu_ps(o + 16, m1, tvi_act16(a1, slope, lo, hi));
    }
  }
}

static void tvi_convrow_f32_avx512(const float *in, const int32_t *offs, int32_t nk, const float *w,
                                   const float *bias, int32_t nout, float *out, int64_t ldo,
                                   int32_t n, const tvi_convdir_act *act) {
  if (nk == 9) /* 3x3 on one channel: the loops over k unrolled, the inputs in registers */
    tvi_convrow_body_avx512(in, offs, 9, w, bias, nout, out, ldo, n, act);
  else
    tvi_convrow_body_avx512(in, offs, nk, w, bias, nout, out, ldo, n, act);
}

const tvi_convdir_kernel tvi_convdir_avx512 = {R,
                                               T,
                                               tvi_convdir_f32_avx512,
                                               tvi_wino_in_f32_avx512,
                                               tvi_wino_out_f32_avx512,
                                               tvi_deint2_f32_avx512,
                                               tvi_convrow_f32_avx512,
                                               tvi_wino4_in_f32_avx512,
                                               tvi_wino4_out_f32_avx512};
