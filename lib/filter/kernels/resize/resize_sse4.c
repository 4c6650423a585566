/* The resize family for sse4: 128-bit vectors, scalar tails.
 * SPDX-License-Identifier: Apache-2.0 */
#include <immintrin.h>

#include "resize.h"

/* Byte orders that put the samples of two neighbouring pixels side by side (4 channels). */
#define TVI_PAIR_U8X4 15, 11, 14, 10, 13, 9, 12, 8, 7, 3, 6, 2, 5, 1, 4, 0
#define TVI_PAIR_U16X4 15, 14, 7, 6, 13, 12, 5, 4, 11, 10, 3, 2, 9, 8, 1, 0

static void tvi_area2_u8_sse4(const uint8_t *s0, const uint8_t *s1, uint8_t *dst, size_t n,
                              int cn) {
  size_t i = 0;
  if (cn == 1 || cn == 4) {
    const __m128i ones = _mm_set1_epi8(1), two = _mm_set1_epi16(2);
    const __m128i pair = cn == 4
                             ? _mm_set_epi8(TVI_PAIR_U8X4)
                             : _mm_set_epi8(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
    for (; i + 16 <= n; i += 16) {
      const uint8_t *a = s0 + 2 * i, *b = s1 + 2 * i;
      __m128i lo = _mm_add_epi16(
          _mm_maddubs_epi16(_mm_shuffle_epi8(_mm_loadu_si128((const void *)a), pair), ones),
          _mm_maddubs_epi16(_mm_shuffle_epi8(_mm_loadu_si128((const void *)b), pair), ones));
      __m128i hi = _mm_add_epi16(
          _mm_maddubs_epi16(_mm_shuffle_epi8(_mm_loadu_si128((const void *)(a + 16)), pair), ones),
          _mm_maddubs_epi16(_mm_shuffle_epi8(_mm_loadu_si128((const void *)(b + 16)), pair), ones));
      lo = _mm_srli_epi16(_mm_add_epi16(lo, two), 2);
      hi = _mm_srli_epi16(_mm_add_epi16(hi, two), 2);
      _mm_storeu_si128((void *)(dst + i), _mm_packus_epi16(lo, hi));
    }
  }
  tvi_area2_u8_scalar(s0 + 2 * i, s1 + 2 * i, dst + i, n - i, cn);
}

static inline __m128i tvi_pairsum_u16(__m128i x) {
  return _mm_add_epi32(_mm_and_si128(x, _mm_set1_epi32(0xffff)), _mm_srli_epi32(x, 16));
}

static void tvi_area2_u16_sse4(const uint16_t *s0, const uint16_t *s1, uint16_t *dst, size_t n,
                               int cn) {
  size_t i = 0;
  if (cn == 1 || cn == 4) {
    const __m128i two = _mm_set1_epi32(2);
    const __m128i pair = cn == 4
                             ? _mm_set_epi8(TVI_PAIR_U16X4)
                             : _mm_set_epi8(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
    for (; i + 8 <= n; i += 8) {
      const uint16_t *a = s0 + 2 * i, *b = s1 + 2 * i;
      __m128i lo =
          _mm_add_epi32(tvi_pairsum_u16(_mm_shuffle_epi8(_mm_loadu_si128((const void *)a), pair)),
                        tvi_pairsum_u16(_mm_shuffle_epi8(_mm_loadu_si128((const void *)b), pair)));
      __m128i hi = _mm_add_epi32(
          tvi_pairsum_u16(_mm_shuffle_epi8(_mm_loadu_si128((const void *)(a + 8)), pair)),
          tvi_pairsum_u16(_mm_shuffle_epi8(_mm_loadu_si128((const void *)(b + 8)), pair)));
      lo = _mm_srli_epi32(_mm_add_epi32(lo, two), 2);
      hi = _mm_srli_epi32(_mm_add_epi32(hi, two), 2);
      _mm_storeu_si128((void *)(dst + i), _mm_packus_epi32(lo, hi));
    }
  }
  tvi_area2_u16_scalar(s0 + 2 * i, s1 + 2 * i, dst + i, n - i, cn);
}

static void tvi_area2_f32_sse4(const float *s0, const float *s1, float *dst, size_t n, int cn) {
  size_t i = 0;
  const __m128 q = _mm_set1_ps(0.25f);
  if (cn == 1) {
    const size_t nv = n & ~(size_t)3;
    for (; i + 4 <= nv; i += 4) {
      const __m128 a0 = _mm_loadu_ps(s0 + 2 * i), a1 = _mm_loadu_ps(s0 + 2 * i + 4);
      const __m128 b0 = _mm_loadu_ps(s1 + 2 * i), b1 = _mm_loadu_ps(s1 + 2 * i + 4);
      const __m128 r0 = _mm_add_ps(_mm_shuffle_ps(a0, a1, 0x88), _mm_shuffle_ps(a0, a1, 0xdd));
      const __m128 r1 = _mm_add_ps(_mm_shuffle_ps(b0, b1, 0x88), _mm_shuffle_ps(b0, b1, 0xdd));
      _mm_storeu_ps(dst + i, _mm_mul_ps(_mm_add_ps(r0, r1), q));
    }
  } else if (cn == 4) {
    for (; i + 4 <= n; i += 4) {
      const __m128 r0 = _mm_add_ps(_mm_loadu_ps(s0 + 2 * i), _mm_loadu_ps(s0 + 2 * i + 4));
      const __m128 r1 = _mm_add_ps(_mm_loadu_ps(s1 + 2 * i), _mm_loadu_ps(s1 + 2 * i + 4));
      _mm_storeu_ps(dst + i, _mm_mul_ps(_mm_add_ps(r0, r1), q));
    }
  }
  tvi_area2_f32_from_scalar(s0, s1, dst, i, n, cn);
}

static void tvi_vlin_u8_sse4(const int16_t *h0, const int16_t *h1, int16_t b0, int16_t b1,
                             uint8_t *dst, size_t n) {
  size_t i = 0;
  const __m128i vb0 = _mm_set1_epi16(b0), vb1 = _mm_set1_epi16(b1), two = _mm_set1_epi16(2);
  for (; i + 16 <= n; i += 16) {
    __m128i lo = _mm_adds_epi16(_mm_mulhi_epi16(_mm_loadu_si128((const void *)(h0 + i)), vb0),
                                _mm_mulhi_epi16(_mm_loadu_si128((const void *)(h1 + i)), vb1));
    __m128i hi = _mm_adds_epi16(_mm_mulhi_epi16(_mm_loadu_si128((const void *)(h0 + i + 8)), vb0),
                                _mm_mulhi_epi16(_mm_loadu_si128((const void *)(h1 + i + 8)), vb1));
    lo = _mm_srai_epi16(_mm_adds_epi16(lo, two), 2);
    hi = _mm_srai_epi16(_mm_adds_epi16(hi, two), 2);
    _mm_storeu_si128((void *)(dst + i), _mm_packus_epi16(lo, hi));
  }
  tvi_vlin_u8_scalar(h0 + i, h1 + i, b0, b1, dst + i, n - i);
}

static void tvi_vlin_u16_sse4(const float *h0, const float *h1, float b0, float b1, uint16_t *dst,
                              size_t n) {
  size_t i = 0;
  const __m128 vb0 = _mm_set1_ps(b0), vb1 = _mm_set1_ps(b1);
  const __m128 zero = _mm_setzero_ps(), top = _mm_set1_ps(65535.0f);
  for (; i + 8 <= n; i += 8) {
    __m128 a =
        _mm_add_ps(_mm_mul_ps(_mm_loadu_ps(h0 + i), vb0), _mm_mul_ps(_mm_loadu_ps(h1 + i), vb1));
    __m128 b = _mm_add_ps(_mm_mul_ps(_mm_loadu_ps(h0 + i + 4), vb0),
                          _mm_mul_ps(_mm_loadu_ps(h1 + i + 4), vb1));
    a = _mm_min_ps(_mm_max_ps(a, zero), top); /* NaN -> 0 */
    b = _mm_min_ps(_mm_max_ps(b, zero), top);
    _mm_storeu_si128((void *)(dst + i), _mm_packus_epi32(_mm_cvtps_epi32(a), _mm_cvtps_epi32(b)));
  }
  tvi_vlin_u16_scalar(h0 + i, h1 + i, b0, b1, dst + i, n - i);
}

static void tvi_vlin_f32_sse4(const float *h0, const float *h1, float b0, float b1, float *dst,
                              size_t n) {
  size_t i = 0;
  const __m128 vb0 = _mm_set1_ps(b0), vb1 = _mm_set1_ps(b1);
  for (; i + 4 <= n; i += 4)
    _mm_storeu_ps(dst + i, _mm_add_ps(_mm_mul_ps(_mm_loadu_ps(h0 + i), vb0),
                                      _mm_mul_ps(_mm_loadu_ps(h1 + i), vb1)));
  tvi_vlin_f32_scalar(h0 + i, h1 + i, b0, b1, dst + i, n - i);
}

const tvi_resize_kernels tvi_resize_sse4 = {
    tvi_area2_u8_sse4,  tvi_area2_u16_sse4,  tvi_area2_f32_sse4,
    tvi_vlin_u8_sse4,   tvi_vlin_u16_sse4,   tvi_vlin_f32_sse4,
    tvi_hlin_u8_scalar, tvi_hlin_u16_scalar, tvi_hlin_f32_scalar, /* gathers: no gain */
};
