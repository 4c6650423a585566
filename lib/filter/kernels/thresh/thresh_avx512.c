/* The thresh family for avx512: 512-bit vectors with mask registers, scalar tails.
 * SPDX-License-Identifier: Apache-2.0 */
#include <immintrin.h>

#include "thresh.h"

#define VB 64 /* bytes per vector */

/* k = (x > t) as a mask; the kinds as masked moves. */
#define TVI_THRESH_INT(name, T, SETT, CMPGT, MIN, MASKZ, MASKT)                                    \
  static void tvi_thresh_##name##_avx512(const T *src, T *dst, size_t n, int kind, T t,            \
                                         T maxval) {                                               \
    const __m512i vt = SETT(t), vm = SETT(maxval);                                                 \
    size_t i = 0;                                                                                  \
    const size_t L = VB / sizeof(T);                                                               \
    for (; i + L <= n; i += L) {                                                                   \
      const __m512i x = _mm512_loadu_si512((const void *)(src + i));                               \
      const MASKT k = CMPGT(x, vt);                                                                \
      __m512i r;                                                                                   \
      switch (kind) {                                                                              \
      case TVI_TH_BINARY: r = MASKZ(k, vm); break;                                                 \
      case TVI_TH_BINARY_INV: r = MASKZ((MASKT)~k, vm); break;                                     \
      case TVI_TH_TRUNC: r = MIN(x, vt); break;                                                    \
      case TVI_TH_TOZERO: r = MASKZ(k, x); break;                                                  \
      default: r = MASKZ((MASKT)~k, x); break;                                                     \
      }                                                                                            \
      _mm512_storeu_si512((void *)(dst + i), r);                                                   \
    }                                                                                              \
    tvi_thresh_##name##_scalar(src + i, dst + i, n - i, kind, t, maxval);                          \
  }

#define TVI_SET8(t) _mm512_set1_epi8((char)(t))
#define TVI_SET16(t) _mm512_set1_epi16((short)(t))
TVI_THRESH_INT(u8, uint8_t, TVI_SET8, _mm512_cmpgt_epu8_mask, _mm512_min_epu8,
               _mm512_maskz_mov_epi8, __mmask64)
TVI_THRESH_INT(u16, uint16_t, TVI_SET16, _mm512_cmpgt_epu16_mask, _mm512_min_epu16,
               _mm512_maskz_mov_epi16, __mmask32)
TVI_THRESH_INT(s16, int16_t, TVI_SET16, _mm512_cmpgt_epi16_mask, _mm512_min_epi16,
               _mm512_maskz_mov_epi16, __mmask32)

static void tvi_thresh_f32_avx512(const float *src, float *dst, size_t n, int kind, float t,
                                  float maxval) {
  const __m512 vt = _mm512_set1_ps(t), vm = _mm512_set1_ps(maxval);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512 x = _mm512_loadu_ps(src + i);
    const __mmask16 k = _mm512_cmp_ps_mask(x, vt, _CMP_GT_OQ); /* false for NaN */
    __m512 r;
    switch (kind) {
    case TVI_TH_BINARY: r = _mm512_maskz_mov_ps(k, vm); break;
    case TVI_TH_BINARY_INV: r = _mm512_maskz_mov_ps((__mmask16)~k, vm); break;
    case TVI_TH_TRUNC: r = _mm512_mask_mov_ps(x, k, vt); break; /* a NaN x stays */
    case TVI_TH_TOZERO: r = _mm512_maskz_mov_ps(k, x); break;
    default: r = _mm512_maskz_mov_ps((__mmask16)~k, x); break;
    }
    _mm512_storeu_ps(dst + i, r);
  }
  tvi_thresh_f32_scalar(src + i, dst + i, n - i, kind, t, maxval);
}

/* Means of 16 window sums, as 32-bit integers. */
static inline __m512i tvi_adaptive_mean16(const uint32_t *s, const tvi_adaptive_params *p) {
  const __m512i v = _mm512_loadu_si512((const void *)s);
  /* s < 2^31: the signed conversion is exact as the scalar's; rounding half to even. */
  return _mm512_cvtps_epi32(_mm512_mul_ps(_mm512_cvtepi32_ps(v), _mm512_set1_ps(p->fscale)));
}

static void tvi_adaptive_u8_avx512(const uint8_t *src, const uint32_t *sum, uint8_t *dst, size_t n,
                                   const tvi_adaptive_params *p) {
  const __m512i vd = _mm512_set1_epi32(p->idelta);
  const __m128i vm = _mm_set1_epi8((char)p->maxval);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512i x =
        _mm512_add_epi32(_mm512_cvtepu8_epi32(_mm_loadu_si128((const void *)(src + i))), vd);
    __mmask16 k = _mm512_cmpgt_epi32_mask(x, tvi_adaptive_mean16(sum + i, p));
    if (p->inv) k = (__mmask16)~k;
    _mm_storeu_si128((void *)(dst + i), _mm_maskz_mov_epi8(k, vm));
  }
  tvi_adaptive_u8_scalar(src + i, sum + i, dst + i, n - i, p);
}

const tvi_thresh_kernels tvi_thresh_avx512 = {
    tvi_thresh_u8_avx512,  tvi_thresh_u16_avx512,  tvi_thresh_s16_avx512,
    tvi_thresh_f32_avx512, tvi_adaptive_u8_avx512, tvi_adaptive_u16_scalar,
};
