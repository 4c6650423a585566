/* The thresh family for avx2: 256-bit vectors, scalar tails.
 * SPDX-License-Identifier: Apache-2.0 */
#include <immintrin.h>

#include "thresh.h"

#define VB 32 /* bytes per vector */

/* Runs `expr` (of the vector x; m is the "x <= t" or "x > t" mask from `mask`) over n samples of
 * type T for each kind, then the scalar tail. */
#define TVI_THRESH_INT(name, T, SETT, MASK, BIN, INV, TRUNC, TOZ, TOZI)                            \
  static void tvi_thresh_##name##_avx2(const T *src, T *dst, size_t n, int kind, T t, T maxval) {  \
    const __m256i vt = SETT(t), vm = SETT(maxval);                                                 \
    size_t i = 0;                                                                                  \
    const size_t L = VB / sizeof(T);                                                               \
    (void)vm;                                                                                      \
    for (; i + L <= n; i += L) {                                                                   \
      const __m256i x = _mm256_loadu_si256((const void *)(src + i));                               \
      const __m256i m = MASK;                                                                      \
      __m256i r;                                                                                   \
      switch (kind) {                                                                              \
      case TVI_TH_BINARY: r = BIN; break;                                                          \
      case TVI_TH_BINARY_INV: r = INV; break;                                                      \
      case TVI_TH_TRUNC: r = TRUNC; break;                                                         \
      case TVI_TH_TOZERO: r = TOZ; break;                                                          \
      default: r = TOZI; break;                                                                    \
      }                                                                                            \
      _mm256_storeu_si256((void *)(dst + i), r);                                                   \
    }                                                                                              \
    tvi_thresh_##name##_scalar(src + i, dst + i, n - i, kind, t, maxval);                          \
  }

#define TVI_SET8(t) _mm256_set1_epi8((char)(t))
#define TVI_SET16(t) _mm256_set1_epi16((short)(t))

/* Unsigned types: m = (x <= t) as saturating x - t == 0. */
TVI_THRESH_INT(u8, uint8_t, TVI_SET8,
               _mm256_cmpeq_epi8(_mm256_subs_epu8(x, vt), _mm256_setzero_si256()),
               _mm256_andnot_si256(m, vm), _mm256_and_si256(m, vm), _mm256_min_epu8(x, vt),
               _mm256_andnot_si256(m, x), _mm256_and_si256(m, x))
TVI_THRESH_INT(u16, uint16_t, TVI_SET16,
               _mm256_cmpeq_epi16(_mm256_subs_epu16(x, vt), _mm256_setzero_si256()),
               _mm256_andnot_si256(m, vm), _mm256_and_si256(m, vm), _mm256_min_epu16(x, vt),
               _mm256_andnot_si256(m, x), _mm256_and_si256(m, x))
/* s16: m = (x > t). */
TVI_THRESH_INT(s16, int16_t, TVI_SET16, _mm256_cmpgt_epi16(x, vt), _mm256_and_si256(m, vm),
               _mm256_andnot_si256(m, vm), _mm256_min_epi16(x, vt), _mm256_and_si256(m, x),
               _mm256_andnot_si256(m, x))

static void tvi_thresh_f32_avx2(const float *src, float *dst, size_t n, int kind, float t,
                                float maxval) {
  const __m256 vt = _mm256_set1_ps(t), vm = _mm256_set1_ps(maxval);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 x = _mm256_loadu_ps(src + i);
    const __m256 m = _mm256_cmp_ps(x, vt, _CMP_GT_OQ); /* false for NaN */
    __m256 r;
    switch (kind) {
    case TVI_TH_BINARY: r = _mm256_and_ps(m, vm); break;
    case TVI_TH_BINARY_INV: r = _mm256_andnot_ps(m, vm); break;
    case TVI_TH_TRUNC: r = _mm256_min_ps(vt, x); break; /* t < x ? t : x keeps a NaN x */
    case TVI_TH_TOZERO: r = _mm256_and_ps(m, x); break;
    default: r = _mm256_andnot_ps(m, x); break;
    }
    _mm256_storeu_ps(dst + i, r);
  }
  tvi_thresh_f32_scalar(src + i, dst + i, n - i, kind, t, maxval);
}

/* Means of 8 window sums, as 32-bit integers. */
static inline __m256i tvi_adaptive_mean8(const uint32_t *s, const tvi_adaptive_params *p) {
  const __m256i v = _mm256_loadu_si256((const void *)s);
  /* s < 2^31: the signed conversion is exact as the scalar's; rounding half to even. */
  return _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_cvtepi32_ps(v), _mm256_set1_ps(p->fscale)));
}

static void tvi_adaptive_u8_avx2(const uint8_t *src, const uint32_t *sum, uint8_t *dst, size_t n,
                                 const tvi_adaptive_params *p) {
  const __m256i vd = _mm256_set1_epi32(p->idelta);
  const __m128i vm = _mm_set1_epi8((char)p->maxval);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m128i x = _mm_loadu_si128((const void *)(src + i));
    const __m256i x0 = _mm256_add_epi32(_mm256_cvtepu8_epi32(x), vd);
    const __m256i x1 = _mm256_add_epi32(_mm256_cvtepu8_epi32(_mm_srli_si128(x, 8)), vd);
    const __m256i c0 = _mm256_cmpgt_epi32(x0, tvi_adaptive_mean8(sum + i, p));
    const __m256i c1 = _mm256_cmpgt_epi32(x1, tvi_adaptive_mean8(sum + i + 8, p));
    /* packs works per 128-bit lane: reorder the 64-bit quarters back into sample order. */
    const __m256i w = _mm256_permute4x64_epi64(_mm256_packs_epi32(c0, c1), 0xd8);
    const __m128i m = _mm_packs_epi16(_mm256_castsi256_si128(w), _mm256_extracti128_si256(w, 1));
    _mm_storeu_si128((void *)(dst + i), p->inv ? _mm_andnot_si128(m, vm) : _mm_and_si128(m, vm));
  }
  tvi_adaptive_u8_scalar(src + i, sum + i, dst + i, n - i, p);
}

const tvi_thresh_kernels tvi_thresh_avx2 = {
    tvi_thresh_u8_avx2,  tvi_thresh_u16_avx2,  tvi_thresh_s16_avx2,
    tvi_thresh_f32_avx2, tvi_adaptive_u8_avx2, tvi_adaptive_u16_scalar,
};
