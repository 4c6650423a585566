/* The resize family for avx512: 512-bit vectors, scalar tails.
 * SPDX-License-Identifier: Apache-2.0 */
#include <immintrin.h>

#include "resize.h"

/* Byte orders (per 128-bit lane) that put the samples of two neighbouring pixels side by side. */
#define TVI_PAIR_U8X4 15, 11, 14, 10, 13, 9, 12, 8, 7, 3, 6, 2, 5, 1, 4, 0
#define TVI_PAIR_U16X4 15, 14, 7, 6, 13, 12, 5, 4, 11, 10, 3, 2, 9, 8, 1, 0
#define TVI_PAIR_ID 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0

static inline __m512i tvi_lanes(__m128i m) { return _mm512_broadcast_i32x4(m); }

static void tvi_area2_u8_avx512(const uint8_t *s0, const uint8_t *s1, uint8_t *dst, size_t n,
                                int cn) {
  size_t i = 0;
  if (cn == 1 || cn == 4) {
    const __m512i ones = _mm512_set1_epi8(1), two = _mm512_set1_epi16(2);
    const __m512i pair =
        tvi_lanes(cn == 4 ? _mm_set_epi8(TVI_PAIR_U8X4) : _mm_set_epi8(TVI_PAIR_ID));
    for (; i + 32 <= n; i += 32) {
      const uint8_t *a = s0 + 2 * i, *b = s1 + 2 * i;
      __m512i s = _mm512_add_epi16(
          _mm512_maddubs_epi16(_mm512_shuffle_epi8(_mm512_loadu_si512((const void *)a), pair),
                               ones),
          _mm512_maddubs_epi16(_mm512_shuffle_epi8(_mm512_loadu_si512((const void *)b), pair),
                               ones));
      s = _mm512_srli_epi16(_mm512_add_epi16(s, two), 2);
      _mm256_storeu_si256((void *)(dst + i), _mm512_cvtepi16_epi8(s));
    }
  }
  tvi_area2_u8_scalar(s0 + 2 * i, s1 + 2 * i, dst + i, n - i, cn);
}

static inline __m512i tvi_pairsum_u16(__m512i x) {
  return _mm512_add_epi32(_mm512_and_si512(x, _mm512_set1_epi32(0xffff)), _mm512_srli_epi32(x, 16));
}

static void tvi_area2_u16_avx512(const uint16_t *s0, const uint16_t *s1, uint16_t *dst, size_t n,
                                 int cn) {
  size_t i = 0;
  if (cn == 1 || cn == 4) {
    const __m512i two = _mm512_set1_epi32(2);
    const __m512i pair =
        tvi_lanes(cn == 4 ? _mm_set_epi8(TVI_PAIR_U16X4) : _mm_set_epi8(TVI_PAIR_ID));
    for (; i + 16 <= n; i += 16) {
      const uint16_t *a = s0 + 2 * i, *b = s1 + 2 * i;
      __m512i s = _mm512_add_epi32(
          tvi_pairsum_u16(_mm512_shuffle_epi8(_mm512_loadu_si512((const void *)a), pair)),
          tvi_pairsum_u16(_mm512_shuffle_epi8(_mm512_loadu_si512((const void *)b), pair)));
      s = _mm512_srli_epi32(_mm512_add_epi32(s, two), 2);
      _mm256_storeu_si256((void *)(dst + i), _mm512_cvtepi32_epi16(s));
    }
  }
  tvi_area2_u16_scalar(s0 + 2 * i, s1 + 2 * i, dst + i, n - i, cn);
}

static void tvi_area2_f32_avx512(const float *s0, const float *s1, float *dst, size_t n, int cn) {
  size_t i = 0;
  const __m512 q = _mm512_set1_ps(0.25f);
  if (cn == 1) {
    const __m512i ev = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
    const __m512i od = _mm512_set_epi32(31, 29, 27, 25, 23, 21, 19, 17, 15, 13, 11, 9, 7, 5, 3, 1);
    const size_t nv = n & ~(size_t)3;
    for (; i + 16 <= nv; i += 16) {
      const __m512 a0 = _mm512_loadu_ps(s0 + 2 * i), a1 = _mm512_loadu_ps(s0 + 2 * i + 16);
      const __m512 b0 = _mm512_loadu_ps(s1 + 2 * i), b1 = _mm512_loadu_ps(s1 + 2 * i + 16);
      const __m512 r0 =
          _mm512_add_ps(_mm512_permutex2var_ps(a0, ev, a1), _mm512_permutex2var_ps(a0, od, a1));
      const __m512 r1 =
          _mm512_add_ps(_mm512_permutex2var_ps(b0, ev, b1), _mm512_permutex2var_ps(b0, od, b1));
      _mm512_storeu_ps(dst + i, _mm512_mul_ps(_mm512_add_ps(r0, r1), q));
    }
  } else if (cn == 4) {
    for (; i + 16 <= n; i += 16) {
      const __m512 a0 = _mm512_loadu_ps(s0 + 2 * i), a1 = _mm512_loadu_ps(s0 + 2 * i + 16);
      const __m512 b0 = _mm512_loadu_ps(s1 + 2 * i), b1 = _mm512_loadu_ps(s1 + 2 * i + 16);
      const __m512 r0 =
          _mm512_add_ps(_mm512_shuffle_f32x4(a0, a1, 0x88), _mm512_shuffle_f32x4(a0, a1, 0xdd));
      const __m512 r1 =
          _mm512_add_ps(_mm512_shuffle_f32x4(b0, b1, 0x88), _mm512_shuffle_f32x4(b0, b1, 0xdd));
      _mm512_storeu_ps(dst + i, _mm512_mul_ps(_mm512_add_ps(r0, r1), q));
    }
  }
  tvi_area2_f32_from_scalar(s0, s1, dst, i, n, cn);
}

static void tvi_vlin_u8_avx512(const int16_t *h0, const int16_t *h1, int16_t b0, int16_t b1,
                               uint8_t *dst, size_t n) {
  size_t i = 0;
  const __m512i vb0 = _mm512_set1_epi16(b0), vb1 = _mm512_set1_epi16(b1);
  const __m512i two = _mm512_set1_epi16(2), zero = _mm512_setzero_si512();
  for (; i + 32 <= n; i += 32) {
    __m512i s =
        _mm512_adds_epi16(_mm512_mulhi_epi16(_mm512_loadu_si512((const void *)(h0 + i)), vb0),
                          _mm512_mulhi_epi16(_mm512_loadu_si512((const void *)(h1 + i)), vb1));
    s = _mm512_max_epi16(_mm512_srai_epi16(_mm512_adds_epi16(s, two), 2), zero);
    _mm256_storeu_si256((void *)(dst + i), _mm512_cvtusepi16_epi8(s));
  }
  tvi_vlin_u8_scalar(h0 + i, h1 + i, b0, b1, dst + i, n - i);
}

static void tvi_vlin_u16_avx512(const float *h0, const float *h1, float b0, float b1, uint16_t *dst,
                                size_t n) {
  size_t i = 0;
  const __m512 vb0 = _mm512_set1_ps(b0), vb1 = _mm512_set1_ps(b1);
  const __m512 zero = _mm512_setzero_ps(), top = _mm512_set1_ps(65535.0f);
  for (; i + 16 <= n; i += 16) {
    __m512 a = _mm512_add_ps(_mm512_mul_ps(_mm512_loadu_ps(h0 + i), vb0),
                             _mm512_mul_ps(_mm512_loadu_ps(h1 + i), vb1));
    a = _mm512_min_ps(_mm512_max_ps(a, zero), top); /* NaN -> 0 */
    _mm256_storeu_si256((void *)(dst + i), _mm512_cvtepi32_epi16(_mm512_cvtps_epi32(a)));
  }
  tvi_vlin_u16_scalar(h0 + i, h1 + i, b0, b1, dst + i, n - i);
}

static void tvi_vlin_f32_avx512(const float *h0, const float *h1, float b0, float b1, float *dst,
                                size_t n) {
  size_t i = 0;
  const __m512 vb0 = _mm512_set1_ps(b0), vb1 = _mm512_set1_ps(b1);
  for (; i + 16 <= n; i += 16)
    _mm512_storeu_ps(dst + i, _mm512_add_ps(_mm512_mul_ps(_mm512_loadu_ps(h0 + i), vb0),
                                            _mm512_mul_ps(_mm512_loadu_ps(h1 + i), vb1)));
  tvi_vlin_f32_scalar(h0 + i, h1 + i, b0, b1, dst + i, n - i);
}

const tvi_resize_kernels tvi_resize_avx512 = {
    tvi_area2_u8_avx512, tvi_area2_u16_avx512, tvi_area2_f32_avx512,
    tvi_vlin_u8_avx512,  tvi_vlin_u16_avx512,  tvi_vlin_f32_avx512,
};
