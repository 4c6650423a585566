/* The arith family for avx512: 512-bit vectors, scalar tails.
 * SPDX-License-Identifier: Apache-2.0 */
#include <immintrin.h>

#include "arith.h"

#define VB (512 / 8) /* bytes per vector */

/* An integer binary kernel: `expr` combines the vectors x and y. */
#define TVI_INT_BINARY(name, T, expr)                                                              \
  static void tvi_##name##_avx512(const T *a, const T *b, T *dst, size_t n) {                      \
    size_t i = 0;                                                                                  \
    for (; i + VB / sizeof(T) <= n; i += VB / sizeof(T)) {                                         \
      const __m512i x = _mm512_loadu_si512((const void *)(a + i)),                                 \
                    y = _mm512_loadu_si512((const void *)(b + i));                                 \
      _mm512_storeu_si512((void *)(dst + i), expr);                                                \
    }                                                                                              \
    tvi_##name##_scalar(a + i, b + i, dst + i, n - i);                                             \
  }
#define TVI_F32_BINARY(name, expr)                                                                 \
  static void tvi_##name##_avx512(const float *a, const float *b, float *dst, size_t n) {          \
    size_t i = 0;                                                                                  \
    for (; i + VB / 4 <= n; i += VB / 4) {                                                         \
      const __m512 x = _mm512_loadu_ps(a + i), y = _mm512_loadu_ps(b + i);                         \
      _mm512_storeu_ps(dst + i, expr);                                                             \
    }                                                                                              \
    tvi_##name##_scalar(a + i, b + i, dst + i, n - i);                                             \
  }

/* absdiff: s16 as max - min (in [0, 65535]) with the saturating subtraction clipping to 32767. */
TVI_INT_BINARY(absdiff_u8, uint8_t, _mm512_or_si512(_mm512_subs_epu8(x, y), _mm512_subs_epu8(y, x)))
TVI_INT_BINARY(absdiff_u16, uint16_t,
               _mm512_or_si512(_mm512_subs_epu16(x, y), _mm512_subs_epu16(y, x)))
TVI_INT_BINARY(absdiff_s16, int16_t,
               _mm512_subs_epi16(_mm512_max_epi16(x, y), _mm512_min_epi16(x, y)))
TVI_F32_BINARY(absdiff_f32, _mm512_andnot_ps(_mm512_set1_ps(-0.0f), _mm512_sub_ps(x, y)))
TVI_INT_BINARY(add_u8, uint8_t, _mm512_adds_epu8(x, y))
TVI_INT_BINARY(add_u16, uint16_t, _mm512_adds_epu16(x, y))
TVI_INT_BINARY(add_s16, int16_t, _mm512_adds_epi16(x, y))
TVI_F32_BINARY(add_f32, _mm512_add_ps(x, y))
TVI_INT_BINARY(sub_u8, uint8_t, _mm512_subs_epu8(x, y))
TVI_INT_BINARY(sub_u16, uint16_t, _mm512_subs_epu16(x, y))
TVI_INT_BINARY(sub_s16, int16_t, _mm512_subs_epi16(x, y))
TVI_F32_BINARY(sub_f32, _mm512_sub_ps(x, y))

/* (s * a) * b clamped to [lo, hi] (NaN gives lo: max returns its second operand) and rounded
 * half to even to int32. */
static inline __m512i tvi_mul16(__m512 s, __m512i a, __m512i b, __m512 lo, __m512 hi) {
  const __m512 p = _mm512_mul_ps(_mm512_mul_ps(s, _mm512_cvtepi32_ps(a)), _mm512_cvtepi32_ps(b));
  return _mm512_cvtps_epi32(_mm512_min_ps(_mm512_max_ps(p, lo), hi));
}

/* Multiplication by 1 (see tvi_mul_int_unit): the saturated integer product. */
static void tvi_mul1_u8_avx512(const uint8_t *a, const uint8_t *b, uint8_t *dst, size_t n) {
  const __m512i z = _mm512_setzero_si512(), m = _mm512_set1_epi16(255);
  size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    const __m512i x = _mm512_loadu_si512((const void *)(a + i)),
                  y = _mm512_loadu_si512((const void *)(b + i));
    const __m512i lo = _mm512_mullo_epi16(_mm512_unpacklo_epi8(x, z), _mm512_unpacklo_epi8(y, z));
    const __m512i hi = _mm512_mullo_epi16(_mm512_unpackhi_epi8(x, z), _mm512_unpackhi_epi8(y, z));
    _mm512_storeu_si512((void *)(dst + i),
                        _mm512_packus_epi16(_mm512_min_epu16(lo, m), _mm512_min_epu16(hi, m)));
  }
  tvi_mul_u8_scalar(a + i, b + i, dst + i, n - i, 1.0);
}

static void tvi_mul1_u16_avx512(const uint16_t *a, const uint16_t *b, uint16_t *dst, size_t n) {
  const __m512i ones = _mm512_set1_epi16(-1);
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m512i x = _mm512_loadu_si512((const void *)(a + i)),
                  y = _mm512_loadu_si512((const void *)(b + i));
    const __mmask32 over = _mm512_test_epi16_mask(_mm512_mulhi_epu16(x, y), ones);
    _mm512_storeu_si512((void *)(dst + i),
                        _mm512_mask_mov_epi16(_mm512_mullo_epi16(x, y), over, ones));
  }
  tvi_mul_u16_scalar(a + i, b + i, dst + i, n - i, 1.0);
}

static void tvi_mul1_s16_avx512(const int16_t *a, const int16_t *b, int16_t *dst, size_t n) {
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m512i x = _mm512_loadu_si512((const void *)(a + i)),
                  y = _mm512_loadu_si512((const void *)(b + i));
    const __m512i lo = _mm512_mullo_epi16(x, y), hi = _mm512_mulhi_epi16(x, y);
    _mm512_storeu_si512((void *)(dst + i), _mm512_packs_epi32(_mm512_unpacklo_epi16(lo, hi),
                                                              _mm512_unpackhi_epi16(lo, hi)));
  }
  tvi_mul_s16_scalar(a + i, b + i, dst + i, n - i, 1.0);
}

static void tvi_mul_u8_avx512(const uint8_t *a, const uint8_t *b, uint8_t *dst, size_t n,
                              double scale) {
  if (tvi_mul_int_unit(scale)) {
    tvi_mul1_u8_avx512(a, b, dst, n);
    return;
  }
  const __m512 s = _mm512_set1_ps((float)scale), lo = _mm512_setzero_ps(),
               hi = _mm512_set1_ps(255.0f);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512i x = _mm512_cvtepu8_epi32(_mm_loadu_si128((const void *)(a + i))),
                  y = _mm512_cvtepu8_epi32(_mm_loadu_si128((const void *)(b + i)));
    _mm_storeu_si128((void *)(dst + i), _mm512_cvtepi32_epi8(tvi_mul16(s, x, y, lo, hi)));
  }
  tvi_mul_u8_scalar(a + i, b + i, dst + i, n - i, scale);
}

static void tvi_mul_u16_avx512(const uint16_t *a, const uint16_t *b, uint16_t *dst, size_t n,
                               double scale) {
  if (tvi_mul_int_unit(scale)) {
    tvi_mul1_u16_avx512(a, b, dst, n);
    return;
  }
  const __m512 s = _mm512_set1_ps((float)scale), lo = _mm512_setzero_ps(),
               hi = _mm512_set1_ps(65535.0f);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512i x = _mm512_cvtepu16_epi32(_mm256_loadu_si256((const void *)(a + i))),
                  y = _mm512_cvtepu16_epi32(_mm256_loadu_si256((const void *)(b + i)));
    _mm256_storeu_si256((void *)(dst + i), _mm512_cvtepi32_epi16(tvi_mul16(s, x, y, lo, hi)));
  }
  tvi_mul_u16_scalar(a + i, b + i, dst + i, n - i, scale);
}

static void tvi_mul_s16_avx512(const int16_t *a, const int16_t *b, int16_t *dst, size_t n,
                               double scale) {
  if (tvi_mul_int_unit(scale)) {
    tvi_mul1_s16_avx512(a, b, dst, n);
    return;
  }
  const __m512 s = _mm512_set1_ps((float)scale), lo = _mm512_set1_ps(-32768.0f),
               hi = _mm512_set1_ps(32767.0f);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512i x = _mm512_cvtepi16_epi32(_mm256_loadu_si256((const void *)(a + i))),
                  y = _mm512_cvtepi16_epi32(_mm256_loadu_si256((const void *)(b + i)));
    _mm256_storeu_si256((void *)(dst + i), _mm512_cvtepi32_epi16(tvi_mul16(s, x, y, lo, hi)));
  }
  tvi_mul_s16_scalar(a + i, b + i, dst + i, n - i, scale);
}

static void tvi_mul_f32_avx512(const float *a, const float *b, float *dst, size_t n, double scale) {
  size_t i = 0;
  if (tvi_mul_f32_in_float(scale)) {
    const __m512 s = _mm512_set1_ps((float)scale);
    for (; i + 16 <= n; i += 16)
      _mm512_storeu_ps(
          dst + i, _mm512_mul_ps(_mm512_mul_ps(s, _mm512_loadu_ps(a + i)), _mm512_loadu_ps(b + i)));
  } else {
    const __m512d s = _mm512_set1_pd(scale);
    for (; i + 8 <= n; i += 8) {
      const __m512d x = _mm512_cvtps_pd(_mm256_loadu_ps(a + i)),
                    y = _mm512_cvtps_pd(_mm256_loadu_ps(b + i));
      _mm256_storeu_ps(dst + i, _mm512_cvtpd_ps(_mm512_mul_pd(_mm512_mul_pd(s, x), y)));
    }
  }
  tvi_mul_f32_scalar(a + i, b + i, dst + i, n - i, scale);
}

const tvi_arith_kernels tvi_arith_avx512 = {
    tvi_absdiff_u8_avx512, tvi_absdiff_u16_avx512, tvi_absdiff_s16_avx512, tvi_absdiff_f32_avx512,
    tvi_add_u8_avx512,     tvi_add_u16_avx512,     tvi_add_s16_avx512,     tvi_add_f32_avx512,
    tvi_sub_u8_avx512,     tvi_sub_u16_avx512,     tvi_sub_s16_avx512,     tvi_sub_f32_avx512,
    tvi_mul_u8_avx512,     tvi_mul_u16_avx512,     tvi_mul_s16_avx512,     tvi_mul_f32_avx512,
};
