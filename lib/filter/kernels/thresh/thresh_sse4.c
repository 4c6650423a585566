/* The thresh family for sse4: 128-bit vectors, scalar tails.
 * SPDX-License-Identifier: Apache-2.0 */
#include <immintrin.h>

#include "thresh.h"

#define VB 16 /* bytes per vector */

/* Runs `expr` (of the vector x; m is the "x <= t" or "x > t" mask from `mask`) over n samples of
 * type T for each kind, then the scalar tail. */
#define TVI_THRESH_INT(name, T, SETT, MASK, BIN, INV, TRUNC, TOZ, TOZI)                            \
  static void tvi_thresh_##name##_sse4(const T *src, T *dst, size_t n, int kind, T t, T maxval) {  \
    const __m128i vt = SETT(t), vm = SETT(maxval);                                                 \
    size_t i = 0;                                                                                  \
    const size_t L = VB / sizeof(T);                                                               \
    (void)vm;                                                                                      \
    for (; i + L <= n; i += L) {                                                                   \
      const __m128i x = _mm_loadu_si128((const void *)(src + i));                                  \
      const __m128i m = MASK;                                                                      \
      __m128i r;                                                                                   \
      switch (kind) {                                                                              \
      case TVI_TH_BINARY: r = BIN; break;                                                          \
      case TVI_TH_BINARY_INV: r = INV; break;                                                      \
      case TVI_TH_TRUNC: r = TRUNC; break;                                                         \
      case TVI_TH_TOZERO: r = TOZ; break;                                                          \
      default: r = TOZI; break;                                                                    \
      }                                                                                            \
      _mm_storeu_si128((void *)(dst + i), r);                                                      \
    }                                                                                              \
    tvi_thresh_##name##_scalar(src + i, dst + i, n - i, kind, t, maxval);                          \
  }

#define TVI_SET8(t) _mm_set1_epi8((char)(t))
#define TVI_SET16(t) _mm_set1_epi16((short)(t))

/* Unsigned types: m = (x <= t) as saturating x - t == 0. */
TVI_THRESH_INT(u8, uint8_t, TVI_SET8, _mm_cmpeq_epi8(_mm_subs_epu8(x, vt), _mm_setzero_si128()),
               _mm_andnot_si128(m, vm), _mm_and_si128(m, vm), _mm_min_epu8(x, vt),
               _mm_andnot_si128(m, x), _mm_and_si128(m, x))
TVI_THRESH_INT(u16, uint16_t, TVI_SET16,
               _mm_cmpeq_epi16(_mm_subs_epu16(x, vt), _mm_setzero_si128()), _mm_andnot_si128(m, vm),
               _mm_and_si128(m, vm), _mm_min_epu16(x, vt), _mm_andnot_si128(m, x),
               _mm_and_si128(m, x))
/* s16: m = (x > t). */
TVI_THRESH_INT(s16, int16_t, TVI_SET16, _mm_cmpgt_epi16(x, vt), _mm_and_si128(m, vm),
               _mm_andnot_si128(m, vm), _mm_min_epi16(x, vt), _mm_and_si128(m, x),
               _mm_andnot_si128(m, x))

static void tvi_thresh_f32_sse4(const float *src, float *dst, size_t n, int kind, float t,
                                float maxval) {
  const __m128 vt = _mm_set1_ps(t), vm = _mm_set1_ps(maxval);
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const __m128 x = _mm_loadu_ps(src + i);
    const __m128 m = _mm_cmpgt_ps(x, vt); /* false for NaN */
    __m128 r;
    switch (kind) {
    case TVI_TH_BINARY: r = _mm_and_ps(m, vm); break;
    case TVI_TH_BINARY_INV: r = _mm_andnot_ps(m, vm); break;
    case TVI_TH_TRUNC: r = _mm_min_ps(vt, x); break; /* t < x ? t : x keeps a NaN x */
    case TVI_TH_TOZERO: r = _mm_and_ps(m, x); break;
    default: r = _mm_andnot_ps(m, x); break;
    }
    _mm_storeu_ps(dst + i, r);
  }
  tvi_thresh_f32_scalar(src + i, dst + i, n - i, kind, t, maxval);
}

/* Means of 4 window sums, as 32-bit integers. */
static inline __m128i tvi_adaptive_mean4(const uint32_t *s, const tvi_adaptive_params *p) {
  const __m128i v = _mm_loadu_si128((const void *)s);
  /* s < 2^31: the signed conversion is exact as the scalar's; rounding half to even. */
  return _mm_cvtps_epi32(_mm_mul_ps(_mm_cvtepi32_ps(v), _mm_set1_ps(p->fscale)));
}

static void tvi_adaptive_u8_sse4(const uint8_t *src, const uint32_t *sum, uint8_t *dst, size_t n,
                                 const tvi_adaptive_params *p) {
  const __m128i vd = _mm_set1_epi32(p->idelta), vm = _mm_set1_epi8((char)p->maxval);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m128i x = _mm_loadu_si128((const void *)(src + i));
    const __m128i x0 = _mm_add_epi32(_mm_cvtepu8_epi32(x), vd),
                  x1 = _mm_add_epi32(_mm_cvtepu8_epi32(_mm_srli_si128(x, 4)), vd),
                  x2 = _mm_add_epi32(_mm_cvtepu8_epi32(_mm_srli_si128(x, 8)), vd),
                  x3 = _mm_add_epi32(_mm_cvtepu8_epi32(_mm_srli_si128(x, 12)), vd);
    const __m128i c0 = _mm_cmpgt_epi32(x0, tvi_adaptive_mean4(sum + i, p)),
                  c1 = _mm_cmpgt_epi32(x1, tvi_adaptive_mean4(sum + i + 4, p)),
                  c2 = _mm_cmpgt_epi32(x2, tvi_adaptive_mean4(sum + i + 8, p)),
                  c3 = _mm_cmpgt_epi32(x3, tvi_adaptive_mean4(sum + i + 12, p));
    const __m128i m = _mm_packs_epi16(_mm_packs_epi32(c0, c1), _mm_packs_epi32(c2, c3));
    _mm_storeu_si128((void *)(dst + i), p->inv ? _mm_andnot_si128(m, vm) : _mm_and_si128(m, vm));
  }
  tvi_adaptive_u8_scalar(src + i, sum + i, dst + i, n - i, p);
}

const tvi_thresh_kernels tvi_thresh_sse4 = {
    tvi_thresh_u8_sse4,  tvi_thresh_u16_sse4,  tvi_thresh_s16_sse4,
    tvi_thresh_f32_sse4, tvi_adaptive_u8_sse4, tvi_adaptive_u16_scalar,
};
