/* The arith family for sse4: 128-bit vectors, scalar tails.
 * SPDX-License-Identifier: Apache-2.0 */
#include <immintrin.h>

#include "arith.h"

#define VB (128 / 8) /* bytes per vector */

/* An integer binary kernel: `expr` combines the vectors x and y. */
#define TVI_INT_BINARY(name, T, expr)                                                              \
  static void tvi_##name##_sse4(const T *a, const T *b, T *dst, size_t n) {                        \
    size_t i = 0;                                                                                  \
    for (; i + VB / sizeof(T) <= n; i += VB / sizeof(T)) {                                         \
      const __m128i x = _mm_loadu_si128((const void *)(a + i)),                                    \
                    y = _mm_loadu_si128((const void *)(b + i));                                    \
      _mm_storeu_si128((void *)(dst + i), expr);                                                   \
    }                                                                                              \
    tvi_##name##_scalar(a + i, b + i, dst + i, n - i);                                             \
  }
#define TVI_F32_BINARY(name, expr)                                                                 \
  static void tvi_##name##_sse4(const float *a, const float *b, float *dst, size_t n) {            \
    size_t i = 0;                                                                                  \
    for (; i + VB / 4 <= n; i += VB / 4) {                                                         \
      const __m128 x = _mm_loadu_ps(a + i), y = _mm_loadu_ps(b + i);                               \
      _mm_storeu_ps(dst + i, expr);                                                                \
    }                                                                                              \
    tvi_##name##_scalar(a + i, b + i, dst + i, n - i);                                             \
  }

/* absdiff: s16 as max - min (in [0, 65535]) with the saturating subtraction clipping to 32767. */
TVI_INT_BINARY(absdiff_u8, uint8_t, _mm_or_si128(_mm_subs_epu8(x, y), _mm_subs_epu8(y, x)))
TVI_INT_BINARY(absdiff_u16, uint16_t, _mm_or_si128(_mm_subs_epu16(x, y), _mm_subs_epu16(y, x)))
TVI_INT_BINARY(absdiff_s16, int16_t, _mm_subs_epi16(_mm_max_epi16(x, y), _mm_min_epi16(x, y)))
TVI_F32_BINARY(absdiff_f32, _mm_andnot_ps(_mm_set1_ps(-0.0f), _mm_sub_ps(x, y)))
TVI_INT_BINARY(add_u8, uint8_t, _mm_adds_epu8(x, y))
TVI_INT_BINARY(add_u16, uint16_t, _mm_adds_epu16(x, y))
TVI_INT_BINARY(add_s16, int16_t, _mm_adds_epi16(x, y))
TVI_F32_BINARY(add_f32, _mm_add_ps(x, y))
TVI_INT_BINARY(sub_u8, uint8_t, _mm_subs_epu8(x, y))
TVI_INT_BINARY(sub_u16, uint16_t, _mm_subs_epu16(x, y))
TVI_INT_BINARY(sub_s16, int16_t, _mm_subs_epi16(x, y))
TVI_F32_BINARY(sub_f32, _mm_sub_ps(x, y))

/* (s * a) * b clamped to [lo, hi] (NaN gives lo: max returns its second operand) and rounded
 * half to even to int32. */
static inline __m128i tvi_mul4(__m128 s, __m128i a, __m128i b, __m128 lo, __m128 hi) {
  const __m128 p = _mm_mul_ps(_mm_mul_ps(s, _mm_cvtepi32_ps(a)), _mm_cvtepi32_ps(b));
  return _mm_cvtps_epi32(_mm_min_ps(_mm_max_ps(p, lo), hi));
}

/* Multiplication by 1 (see tvi_mul_int_unit): the saturated integer product. */
static void tvi_mul1_u8_sse4(const uint8_t *a, const uint8_t *b, uint8_t *dst, size_t n) {
  const __m128i z = _mm_setzero_si128(), m = _mm_set1_epi16(255);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m128i x = _mm_loadu_si128((const void *)(a + i)),
                  y = _mm_loadu_si128((const void *)(b + i));
    const __m128i lo = _mm_mullo_epi16(_mm_unpacklo_epi8(x, z), _mm_unpacklo_epi8(y, z));
    const __m128i hi = _mm_mullo_epi16(_mm_unpackhi_epi8(x, z), _mm_unpackhi_epi8(y, z));
    _mm_storeu_si128((void *)(dst + i),
                     _mm_packus_epi16(_mm_min_epu16(lo, m), _mm_min_epu16(hi, m)));
  }
  tvi_mul_u8_scalar(a + i, b + i, dst + i, n - i, 1.0);
}

static void tvi_mul1_u16_sse4(const uint16_t *a, const uint16_t *b, uint16_t *dst, size_t n) {
  const __m128i z = _mm_setzero_si128();
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m128i x = _mm_loadu_si128((const void *)(a + i)),
                  y = _mm_loadu_si128((const void *)(b + i));
    const __m128i fits = _mm_cmpeq_epi16(_mm_mulhi_epu16(x, y), z);
    _mm_storeu_si128((void *)(dst + i),
                     _mm_or_si128(_mm_mullo_epi16(x, y), _mm_xor_si128(fits, _mm_set1_epi16(-1))));
  }
  tvi_mul_u16_scalar(a + i, b + i, dst + i, n - i, 1.0);
}

static void tvi_mul1_s16_sse4(const int16_t *a, const int16_t *b, int16_t *dst, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m128i x = _mm_loadu_si128((const void *)(a + i)),
                  y = _mm_loadu_si128((const void *)(b + i));
    const __m128i lo = _mm_mullo_epi16(x, y), hi = _mm_mulhi_epi16(x, y);
    _mm_storeu_si128((void *)(dst + i),
                     _mm_packs_epi32(_mm_unpacklo_epi16(lo, hi), _mm_unpackhi_epi16(lo, hi)));
  }
  tvi_mul_s16_scalar(a + i, b + i, dst + i, n - i, 1.0);
}

static void tvi_mul_u8_sse4(const uint8_t *a, const uint8_t *b, uint8_t *dst, size_t n,
                            double scale) {
  if (tvi_mul_int_unit(scale)) {
    tvi_mul1_u8_sse4(a, b, dst, n);
    return;
  }
  const __m128 s = _mm_set1_ps((float)scale), lo = _mm_setzero_ps(), hi = _mm_set1_ps(255.0f);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m128i x = _mm_loadl_epi64((const void *)(a + i)),
                  y = _mm_loadl_epi64((const void *)(b + i));
    const __m128i r0 = tvi_mul4(s, _mm_cvtepu8_epi32(x), _mm_cvtepu8_epi32(y), lo, hi);
    const __m128i r1 = tvi_mul4(s, _mm_cvtepu8_epi32(_mm_srli_si128(x, 4)),
                                _mm_cvtepu8_epi32(_mm_srli_si128(y, 4)), lo, hi);
    const __m128i p = _mm_packus_epi32(r0, r1);
    _mm_storel_epi64((void *)(dst + i), _mm_packus_epi16(p, p));
  }
  tvi_mul_u8_scalar(a + i, b + i, dst + i, n - i, scale);
}

static void tvi_mul_u16_sse4(const uint16_t *a, const uint16_t *b, uint16_t *dst, size_t n,
                             double scale) {
  if (tvi_mul_int_unit(scale)) {
    tvi_mul1_u16_sse4(a, b, dst, n);
    return;
  }
  const __m128 s = _mm_set1_ps((float)scale), lo = _mm_setzero_ps(), hi = _mm_set1_ps(65535.0f);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m128i x = _mm_loadu_si128((const void *)(a + i)),
                  y = _mm_loadu_si128((const void *)(b + i));
    const __m128i r0 = tvi_mul4(s, _mm_cvtepu16_epi32(x), _mm_cvtepu16_epi32(y), lo, hi);
    const __m128i r1 = tvi_mul4(s, _mm_cvtepu16_epi32(_mm_srli_si128(x, 8)),
                                _mm_cvtepu16_epi32(_mm_srli_si128(y, 8)), lo, hi);
    _mm_storeu_si128((void *)(dst + i), _mm_packus_epi32(r0, r1));
  }
  tvi_mul_u16_scalar(a + i, b + i, dst + i, n - i, scale);
}

static void tvi_mul_s16_sse4(const int16_t *a, const int16_t *b, int16_t *dst, size_t n,
                             double scale) {
  if (tvi_mul_int_unit(scale)) {
    tvi_mul1_s16_sse4(a, b, dst, n);
    return;
  }
  const __m128 s = _mm_set1_ps((float)scale), lo = _mm_set1_ps(-32768.0f),
               hi = _mm_set1_ps(32767.0f);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m128i x = _mm_loadu_si128((const void *)(a + i)),
                  y = _mm_loadu_si128((const void *)(b + i));
    const __m128i r0 = tvi_mul4(s, _mm_cvtepi16_epi32(x), _mm_cvtepi16_epi32(y), lo, hi);
    const __m128i r1 = tvi_mul4(s, _mm_cvtepi16_epi32(_mm_srli_si128(x, 8)),
                                _mm_cvtepi16_epi32(_mm_srli_si128(y, 8)), lo, hi);
    _mm_storeu_si128((void *)(dst + i), _mm_packs_epi32(r0, r1));
  }
  tvi_mul_s16_scalar(a + i, b + i, dst + i, n - i, scale);
}

static void tvi_mul_f32_sse4(const float *a, const float *b, float *dst, size_t n, double scale) {
  size_t i = 0;
  if (tvi_mul_f32_in_float(scale)) {
    const __m128 s = _mm_set1_ps((float)scale);
    for (; i + 4 <= n; i += 4)
      _mm_storeu_ps(dst + i, _mm_mul_ps(_mm_mul_ps(s, _mm_loadu_ps(a + i)), _mm_loadu_ps(b + i)));
  } else {
    const __m128d s = _mm_set1_pd(scale);
    for (; i + 4 <= n; i += 4) {
      const __m128 x = _mm_loadu_ps(a + i), y = _mm_loadu_ps(b + i);
      const __m128d lo = _mm_mul_pd(_mm_mul_pd(s, _mm_cvtps_pd(x)), _mm_cvtps_pd(y));
      const __m128d hi = _mm_mul_pd(_mm_mul_pd(s, _mm_cvtps_pd(_mm_movehl_ps(x, x))),
                                    _mm_cvtps_pd(_mm_movehl_ps(y, y)));
      _mm_storeu_ps(dst + i, _mm_movelh_ps(_mm_cvtpd_ps(lo), _mm_cvtpd_ps(hi)));
    }
  }
  tvi_mul_f32_scalar(a + i, b + i, dst + i, n - i, scale);
}

const tvi_arith_kernels tvi_arith_sse4 = {
    tvi_absdiff_u8_sse4, tvi_absdiff_u16_sse4, tvi_absdiff_s16_sse4, tvi_absdiff_f32_sse4,
    tvi_add_u8_sse4,     tvi_add_u16_sse4,     tvi_add_s16_sse4,     tvi_add_f32_sse4,
    tvi_sub_u8_sse4,     tvi_sub_u16_sse4,     tvi_sub_s16_sse4,     tvi_sub_f32_sse4,
    tvi_mul_u8_sse4,     tvi_mul_u16_sse4,     tvi_mul_s16_sse4,     tvi_mul_f32_sse4,
};
