/* The arith family for avx2: 256-bit vectors, scalar tails.
 * SPDX-License-Identifier: Apache-2.0 */
#include <immintrin.h>

#include "arith.h"

#define VB (256 / 8) /* bytes per vector */

/* An integer binary kernel: `expr` combines the vectors x and y. */
#define TVI_INT_BINARY(name, T, expr)                                                              \
  static void tvi_##name##_avx2(const T *a, const T *b, T *dst, size_t n) {                        \
    size_t i = 0;                                                                                  \
    for (; i + VB / sizeof(T) <= n; i += VB / sizeof(T)) {                                         \
      const __m256i x = _mm256_loadu_si256((const void *)(a + i)),                                 \
                    y = _mm256_loadu_si256((const void *)(b + i));                                 \
      _mm256_storeu_si256((void *)(dst + i), expr);                                                \
    }                                                                                              \
    tvi_##name##_scalar(a + i, b + i, dst + i, n - i);                                             \
  }
#define TVI_F32_BINARY(name, expr)                                                                 \
  static void tvi_##name##_avx2(const float *a, const float *b, float *dst, size_t n) {            \
    size_t i = 0;                                                                                  \
    for (; i + VB / 4 <= n; i += VB / 4) {                                                         \
      const __m256 x = _mm256_loadu_ps(a + i), y = _mm256_loadu_ps(b + i);                         \
      _mm256_storeu_ps(dst + i, expr);                                                             \
    }                                                                                              \
    tvi_##name##_scalar(a + i, b + i, dst + i, n - i);                                             \
  }

/* absdiff: s16 as max - min (in [0, 65535]) with the saturating subtraction clipping to 32767. */
TVI_INT_BINARY(absdiff_u8, uint8_t, _mm256_or_si256(_mm256_subs_epu8(x, y), _mm256_subs_epu8(y, x)))
TVI_INT_BINARY(absdiff_u16, uint16_t,
               _mm256_or_si256(_mm256_subs_epu16(x, y), _mm256_subs_epu16(y, x)))
TVI_INT_BINARY(absdiff_s16, int16_t,
               _mm256_subs_epi16(_mm256_max_epi16(x, y), _mm256_min_epi16(x, y)))
TVI_F32_BINARY(absdiff_f32, _mm256_andnot_ps(_mm256_set1_ps(-0.0f), _mm256_sub_ps(x, y)))
TVI_INT_BINARY(add_u8, uint8_t, _mm256_adds_epu8(x, y))
TVI_INT_BINARY(add_u16, uint16_t, _mm256_adds_epu16(x, y))
TVI_INT_BINARY(add_s16, int16_t, _mm256_adds_epi16(x, y))
TVI_F32_BINARY(add_f32, _mm256_add_ps(x, y))
TVI_INT_BINARY(sub_u8, uint8_t, _mm256_subs_epu8(x, y))
TVI_INT_BINARY(sub_u16, uint16_t, _mm256_subs_epu16(x, y))
TVI_INT_BINARY(sub_s16, int16_t, _mm256_subs_epi16(x, y))
TVI_F32_BINARY(sub_f32, _mm256_sub_ps(x, y))

/* (s * a) * b clamped to [lo, hi] (NaN gives lo: max returns its second operand) and rounded
 * half to even to int32. */
static inline __m256i tvi_mul8(__m256 s, __m256i a, __m256i b, __m256 lo, __m256 hi) {
  const __m256 p = _mm256_mul_ps(_mm256_mul_ps(s, _mm256_cvtepi32_ps(a)), _mm256_cvtepi32_ps(b));
  return _mm256_cvtps_epi32(_mm256_min_ps(_mm256_max_ps(p, lo), hi));
}

/* Packs two vectors of 8 int32 (in range) to 16 int16 in order. */
static inline __m256i tvi_pack16(__m256i r0, __m256i r1, int is_unsigned) {
  const __m256i p = is_unsigned ? _mm256_packus_epi32(r0, r1) : _mm256_packs_epi32(r0, r1);
  return _mm256_permute4x64_epi64(p, 0xD8);
}

/* Multiplication by 1 (see tvi_mul_int_unit): the saturated integer product. */
static void tvi_mul1_u8_avx2(const uint8_t *a, const uint8_t *b, uint8_t *dst, size_t n) {
  const __m256i z = _mm256_setzero_si256(), m = _mm256_set1_epi16(255);
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m256i x = _mm256_loadu_si256((const void *)(a + i)),
                  y = _mm256_loadu_si256((const void *)(b + i));
    const __m256i lo = _mm256_mullo_epi16(_mm256_unpacklo_epi8(x, z), _mm256_unpacklo_epi8(y, z));
    const __m256i hi = _mm256_mullo_epi16(_mm256_unpackhi_epi8(x, z), _mm256_unpackhi_epi8(y, z));
    _mm256_storeu_si256((void *)(dst + i),
                        _mm256_packus_epi16(_mm256_min_epu16(lo, m), _mm256_min_epu16(hi, m)));
  }
  tvi_mul_u8_scalar(a + i, b + i, dst + i, n - i, 1.0);
}

static void tvi_mul1_u16_avx2(const uint16_t *a, const uint16_t *b, uint16_t *dst, size_t n) {
  const __m256i z = _mm256_setzero_si256();
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m256i x = _mm256_loadu_si256((const void *)(a + i)),
                  y = _mm256_loadu_si256((const void *)(b + i));
    const __m256i fits = _mm256_cmpeq_epi16(_mm256_mulhi_epu16(x, y), z);
    _mm256_storeu_si256(
        (void *)(dst + i),
        _mm256_or_si256(_mm256_mullo_epi16(x, y), _mm256_xor_si256(fits, _mm256_set1_epi16(-1))));
  }
  tvi_mul_u16_scalar(a + i, b + i, dst + i, n - i, 1.0);
}

static void tvi_mul1_s16_avx2(const int16_t *a, const int16_t *b, int16_t *dst, size_t n) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m256i x = _mm256_loadu_si256((const void *)(a + i)),
                  y = _mm256_loadu_si256((const void *)(b + i));
    const __m256i lo = _mm256_mullo_epi16(x, y), hi = _mm256_mulhi_epi16(x, y);
    _mm256_storeu_si256((void *)(dst + i), _mm256_packs_epi32(_mm256_unpacklo_epi16(lo, hi),
                                                              _mm256_unpackhi_epi16(lo, hi)));
  }
  tvi_mul_s16_scalar(a + i, b + i, dst + i, n - i, 1.0);
}

static void tvi_mul_u8_avx2(const uint8_t *a, const uint8_t *b, uint8_t *dst, size_t n,
                            double scale) {
  if (tvi_mul_int_unit(scale)) {
    tvi_mul1_u8_avx2(a, b, dst, n);
    return;
  }
  const __m256 s = _mm256_set1_ps((float)scale), lo = _mm256_setzero_ps(),
               hi = _mm256_set1_ps(255.0f);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m128i x = _mm_loadu_si128((const void *)(a + i)),
                  y = _mm_loadu_si128((const void *)(b + i));
    const __m256i r0 = tvi_mul8(s, _mm256_cvtepu8_epi32(x), _mm256_cvtepu8_epi32(y), lo, hi);
    const __m256i r1 = tvi_mul8(s, _mm256_cvtepu8_epi32(_mm_srli_si128(x, 8)),
                                _mm256_cvtepu8_epi32(_mm_srli_si128(y, 8)), lo, hi);
    const __m256i p = tvi_pack16(r0, r1, 1);
    _mm_storeu_si128((void *)(dst + i),
                     _mm_packus_epi16(_mm256_castsi256_si128(p), _mm256_extracti128_si256(p, 1)));
  }
  tvi_mul_u8_scalar(a + i, b + i, dst + i, n - i, scale);
}

static void tvi_mul_u16_avx2(const uint16_t *a, const uint16_t *b, uint16_t *dst, size_t n,
                             double scale) {
  if (tvi_mul_int_unit(scale)) {
    tvi_mul1_u16_avx2(a, b, dst, n);
    return;
  }
  const __m256 s = _mm256_set1_ps((float)scale), lo = _mm256_setzero_ps(),
               hi = _mm256_set1_ps(65535.0f);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m128i x0 = _mm_loadu_si128((const void *)(a + i)),
                  x1 = _mm_loadu_si128((const void *)(a + i + 8)),
                  y0 = _mm_loadu_si128((const void *)(b + i)),
                  y1 = _mm_loadu_si128((const void *)(b + i + 8));
    const __m256i r0 = tvi_mul8(s, _mm256_cvtepu16_epi32(x0), _mm256_cvtepu16_epi32(y0), lo, hi);
    const __m256i r1 = tvi_mul8(s, _mm256_cvtepu16_epi32(x1), _mm256_cvtepu16_epi32(y1), lo, hi);
    _mm256_storeu_si256((void *)(dst + i), tvi_pack16(r0, r1, 1));
  }
  tvi_mul_u16_scalar(a + i, b + i, dst + i, n - i, scale);
}

static void tvi_mul_s16_avx2(const int16_t *a, const int16_t *b, int16_t *dst, size_t n,
                             double scale) {
  if (tvi_mul_int_unit(scale)) {
    tvi_mul1_s16_avx2(a, b, dst, n);
    return;
  }
  const __m256 s = _mm256_set1_ps((float)scale), lo = _mm256_set1_ps(-32768.0f),
               hi = _mm256_set1_ps(32767.0f);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m128i x0 = _mm_loadu_si128((const void *)(a + i)),
                  x1 = _mm_loadu_si128((const void *)(a + i + 8)),
                  y0 = _mm_loadu_si128((const void *)(b + i)),
                  y1 = _mm_loadu_si128((const void *)(b + i + 8));
    const __m256i r0 = tvi_mul8(s, _mm256_cvtepi16_epi32(x0), _mm256_cvtepi16_epi32(y0), lo, hi);
    const __m256i r1 = tvi_mul8(s, _mm256_cvtepi16_epi32(x1), _mm256_cvtepi16_epi32(y1), lo, hi);
    _mm256_storeu_si256((void *)(dst + i), tvi_pack16(r0, r1, 0));
  }
  tvi_mul_s16_scalar(a + i, b + i, dst + i, n - i, scale);
}

static void tvi_mul_f32_avx2(const float *a, const float *b, float *dst, size_t n, double scale) {
  size_t i = 0;
  if (tvi_mul_f32_in_float(scale)) {
    const __m256 s = _mm256_set1_ps((float)scale);
    for (; i + 8 <= n; i += 8)
      _mm256_storeu_ps(
          dst + i, _mm256_mul_ps(_mm256_mul_ps(s, _mm256_loadu_ps(a + i)), _mm256_loadu_ps(b + i)));
  } else {
    const __m256d s = _mm256_set1_pd(scale);
    for (; i + 4 <= n; i += 4) {
      const __m256d x = _mm256_cvtps_pd(_mm_loadu_ps(a + i)),
                    y = _mm256_cvtps_pd(_mm_loadu_ps(b + i));
      _mm_storeu_ps(dst + i, _mm256_cvtpd_ps(_mm256_mul_pd(_mm256_mul_pd(s, x), y)));
    }
  }
  tvi_mul_f32_scalar(a + i, b + i, dst + i, n - i, scale);
}

const tvi_arith_kernels tvi_arith_avx2 = {
    tvi_absdiff_u8_avx2, tvi_absdiff_u16_avx2, tvi_absdiff_s16_avx2, tvi_absdiff_f32_avx2,
    tvi_add_u8_avx2,     tvi_add_u16_avx2,     tvi_add_s16_avx2,     tvi_add_f32_avx2,
    tvi_sub_u8_avx2,     tvi_sub_u16_avx2,     tvi_sub_s16_avx2,     tvi_sub_f32_avx2,
    tvi_mul_u8_avx2,     tvi_mul_u16_avx2,     tvi_mul_s16_avx2,     tvi_mul_f32_avx2,
};
