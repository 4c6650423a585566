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

/* Horizontal bilinear pass with gathers; blocks whose last tap would read past the row (the
 * 4-byte gathers of u8/u16 read beyond the tap) go to the scalar kernel. */
static void tvi_hlin_u8_avx512(const uint8_t *s, const int32_t *xofs, const int16_t *ia, int16_t *d,
                               size_t n, int cn, size_t lim) {
  const __m512i m8 = _mm512_set1_epi32(0xff), vcn = _mm512_set1_epi32(cn);
  size_t i = 0;
  for (; i + 16 <= n && (size_t)xofs[i + 15] + (size_t)cn + 4 <= lim; i += 16) {
    const __m512i idx = _mm512_loadu_si512((const void *)(xofs + i));
    const __m512i g0 = _mm512_i32gather_epi32(idx, (const void *)s, 1);
    const __m512i t1 = cn == 1
                           ? _mm512_srli_epi32(g0, 8)
                           : _mm512_i32gather_epi32(_mm512_add_epi32(idx, vcn), (const void *)s, 1);
    const __m512i pr =
        _mm512_or_si512(_mm512_and_si512(g0, m8), _mm512_slli_epi32(_mm512_and_si512(t1, m8), 16));
    const __m512i v = _mm512_madd_epi16(pr, _mm512_loadu_si512((const void *)(ia + 2 * i)));
    _mm256_storeu_si256((void *)(d + i), _mm512_cvtepi32_epi16(_mm512_srai_epi32(v, 4)));
  }
  tvi_hlin_u8_scalar(s, xofs + i, ia + 2 * i, d + i, n - i, cn, lim);
}

/* The weights of 16 samples, de-interleaved: a0 in *w0, a1 in *w1. */
static inline void tvi_weights16(const float *fa, __m512 *w0, __m512 *w1) {
  const __m512 a = _mm512_loadu_ps(fa), b = _mm512_loadu_ps(fa + 16);
  const __m512i ev = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i od = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
  *w0 = _mm512_permutex2var_ps(a, ev, b);
  *w1 = _mm512_permutex2var_ps(a, od, b);
}

static void tvi_hlin_u16_avx512(const uint16_t *s, const int32_t *xofs, const float *fa, float *d,
                                size_t n, int cn, size_t lim) {
  const __m512i m16 = _mm512_set1_epi32(0xffff), vcn = _mm512_set1_epi32(cn);
  size_t i = 0;
  for (; i + 16 <= n && (size_t)xofs[i + 15] + (size_t)cn + 2 <= lim; i += 16) {
    const __m512i idx = _mm512_loadu_si512((const void *)(xofs + i));
    const __m512i g0 = _mm512_i32gather_epi32(idx, (const void *)s, 2);
    const __m512i t1 =
        cn == 1 ? _mm512_srli_epi32(g0, 16)
                : _mm512_and_si512(
                      _mm512_i32gather_epi32(_mm512_add_epi32(idx, vcn), (const void *)s, 2), m16);
    __m512 w0, w1;
    tvi_weights16(fa + 2 * i, &w0, &w1);
    const __m512 p = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_and_si512(g0, m16)), w0);
    const __m512 q = _mm512_mul_ps(_mm512_cvtepi32_ps(t1), w1);
    _mm512_storeu_ps(d + i, _mm512_add_ps(p, q));
  }
  tvi_hlin_u16_scalar(s, xofs + i, fa + 2 * i, d + i, n - i, cn, lim);
}

static void tvi_hlin_f32_avx512(const float *s, const int32_t *xofs, const float *fa, float *d,
                                size_t n, int cn, size_t lim) {
  const __m512i vcn = _mm512_set1_epi32(cn);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512i idx = _mm512_loadu_si512((const void *)(xofs + i));
    __m512 g0, g1;
    const size_t x0 = (size_t)xofs[i];
    if (cn == 1 && (size_t)xofs[i + 15] + 1 - x0 < 32) {
      /* The 16 outputs read inside 32 samples from x0 (downscales to 1/2 and every upscale, on
       * one channel): two loads (masked at lim) and two permutes instead of two gathers, which are
       * slow on CPUs with the gather data sampling mitigation. Same samples, same result. */
      const size_t left = lim - x0; /* > 0: xofs[i] + cn < lim */
      const __mmask16 m0 = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
      const __mmask16 m1 = left >= 32   ? (__mmask16)0xFFFF
                           : left <= 16 ? (__mmask16)0
                                        : (__mmask16)((1u << (left - 16)) - 1);
      const __m512 lo = _mm512_maskz_loadu_ps(m0, s + x0);
      const __m512 hi = _mm512_maskz_loadu_ps(m1, s + x0 + 16);
      const __m512i rel = _mm512_sub_epi32(idx, _mm512_set1_epi32((int32_t)x0));
      g0 = _mm512_permutex2var_ps(lo, rel, hi);
      g1 = _mm512_permutex2var_ps(lo, _mm512_add_epi32(rel, vcn), hi);
    } else {
      g0 = _mm512_i32gather_ps(idx, (const void *)s, 4);
      g1 = _mm512_i32gather_ps(_mm512_add_epi32(idx, vcn), (const void *)s, 4);
    }
    __m512 w0, w1;
    tvi_weights16(fa + 2 * i, &w0, &w1);
    _mm512_storeu_ps(d + i, _mm512_add_ps(_mm512_mul_ps(g0, w0), _mm512_mul_ps(g1, w1)));
  }
  tvi_hlin_f32_scalar(s, xofs + i, fa + 2 * i, d + i, n - i, cn, lim);
}

const tvi_resize_kernels tvi_resize_avx512 = {
    tvi_area2_u8_avx512, tvi_area2_u16_avx512, tvi_area2_f32_avx512,
    tvi_vlin_u8_avx512,  tvi_vlin_u16_avx512,  tvi_vlin_f32_avx512,
    tvi_hlin_u8_avx512,  tvi_hlin_u16_avx512,  tvi_hlin_f32_avx512,
};
