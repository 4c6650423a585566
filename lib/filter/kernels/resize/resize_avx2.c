/* The resize family for avx2: 256-bit vectors, scalar tails.
 * SPDX-License-Identifier: Apache-2.0 */
#include <immintrin.h>

#include "resize.h"

/* Byte orders (per 128-bit lane) that put the samples of two neighbouring pixels side by side. */
#define TVI_PAIR_U8X4 15, 11, 14, 10, 13, 9, 12, 8, 7, 3, 6, 2, 5, 1, 4, 0
#define TVI_PAIR_U16X4 15, 14, 7, 6, 13, 12, 5, 4, 11, 10, 3, 2, 9, 8, 1, 0
#define TVI_PAIR_ID 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0

static inline __m256i tvi_lanes(__m128i m) { return _mm256_broadcastsi128_si256(m); }

static void tvi_area2_u8_avx2(const uint8_t *s0, const uint8_t *s1, uint8_t *dst, size_t n,
                              int cn) {
  size_t i = 0;
  if (cn == 1 || cn == 4) {
    const __m256i ones = _mm256_set1_epi8(1), two = _mm256_set1_epi16(2);
    const __m256i pair =
        tvi_lanes(cn == 4 ? _mm_set_epi8(TVI_PAIR_U8X4) : _mm_set_epi8(TVI_PAIR_ID));
    for (; i + 32 <= n; i += 32) {
      const uint8_t *a = s0 + 2 * i, *b = s1 + 2 * i;
      __m256i lo = _mm256_add_epi16(
          _mm256_maddubs_epi16(_mm256_shuffle_epi8(_mm256_loadu_si256((const void *)a), pair),
                               ones),
          _mm256_maddubs_epi16(_mm256_shuffle_epi8(_mm256_loadu_si256((const void *)b), pair),
                               ones));
      __m256i hi = _mm256_add_epi16(
          _mm256_maddubs_epi16(
              _mm256_shuffle_epi8(_mm256_loadu_si256((const void *)(a + 32)), pair), ones),
          _mm256_maddubs_epi16(
              _mm256_shuffle_epi8(_mm256_loadu_si256((const void *)(b + 32)), pair), ones));
      lo = _mm256_srli_epi16(_mm256_add_epi16(lo, two), 2);
      hi = _mm256_srli_epi16(_mm256_add_epi16(hi, two), 2);
      _mm256_storeu_si256((void *)(dst + i),
                          _mm256_permute4x64_epi64(_mm256_packus_epi16(lo, hi), 0xd8));
    }
  }
  tvi_area2_u8_scalar(s0 + 2 * i, s1 + 2 * i, dst + i, n - i, cn);
}

static inline __m256i tvi_pairsum_u16(__m256i x) {
  return _mm256_add_epi32(_mm256_and_si256(x, _mm256_set1_epi32(0xffff)), _mm256_srli_epi32(x, 16));
}

static void tvi_area2_u16_avx2(const uint16_t *s0, const uint16_t *s1, uint16_t *dst, size_t n,
                               int cn) {
  size_t i = 0;
  if (cn == 1 || cn == 4) {
    const __m256i two = _mm256_set1_epi32(2);
    const __m256i pair =
        tvi_lanes(cn == 4 ? _mm_set_epi8(TVI_PAIR_U16X4) : _mm_set_epi8(TVI_PAIR_ID));
    for (; i + 16 <= n; i += 16) {
      const uint16_t *a = s0 + 2 * i, *b = s1 + 2 * i;
      __m256i lo = _mm256_add_epi32(
          tvi_pairsum_u16(_mm256_shuffle_epi8(_mm256_loadu_si256((const void *)a), pair)),
          tvi_pairsum_u16(_mm256_shuffle_epi8(_mm256_loadu_si256((const void *)b), pair)));
      __m256i hi = _mm256_add_epi32(
          tvi_pairsum_u16(_mm256_shuffle_epi8(_mm256_loadu_si256((const void *)(a + 16)), pair)),
          tvi_pairsum_u16(_mm256_shuffle_epi8(_mm256_loadu_si256((const void *)(b + 16)), pair)));
      lo = _mm256_srli_epi32(_mm256_add_epi32(lo, two), 2);
      hi = _mm256_srli_epi32(_mm256_add_epi32(hi, two), 2);
      _mm256_storeu_si256((void *)(dst + i),
                          _mm256_permute4x64_epi64(_mm256_packus_epi32(lo, hi), 0xd8));
    }
  }
  tvi_area2_u16_scalar(s0 + 2 * i, s1 + 2 * i, dst + i, n - i, cn);
}

static void tvi_area2_f32_avx2(const float *s0, const float *s1, float *dst, size_t n, int cn) {
  size_t i = 0;
  const __m256 q = _mm256_set1_ps(0.25f);
  if (cn == 1) {
    const size_t nv = n & ~(size_t)3;
    for (; i + 8 <= nv; i += 8) {
      const __m256 a0 = _mm256_loadu_ps(s0 + 2 * i), a1 = _mm256_loadu_ps(s0 + 2 * i + 8);
      const __m256 b0 = _mm256_loadu_ps(s1 + 2 * i), b1 = _mm256_loadu_ps(s1 + 2 * i + 8);
      const __m256 r0 =
          _mm256_add_ps(_mm256_shuffle_ps(a0, a1, 0x88), _mm256_shuffle_ps(a0, a1, 0xdd));
      const __m256 r1 =
          _mm256_add_ps(_mm256_shuffle_ps(b0, b1, 0x88), _mm256_shuffle_ps(b0, b1, 0xdd));
      const __m256 r = _mm256_mul_ps(_mm256_add_ps(r0, r1), q);
      _mm256_storeu_ps(dst + i, _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(r), 0xd8)));
    }
  } else if (cn == 4) {
    for (; i + 8 <= n; i += 8) {
      const __m256 a0 = _mm256_loadu_ps(s0 + 2 * i), a1 = _mm256_loadu_ps(s0 + 2 * i + 8);
      const __m256 b0 = _mm256_loadu_ps(s1 + 2 * i), b1 = _mm256_loadu_ps(s1 + 2 * i + 8);
      const __m256 r0 =
          _mm256_add_ps(_mm256_permute2f128_ps(a0, a1, 0x20), _mm256_permute2f128_ps(a0, a1, 0x31));
      const __m256 r1 =
          _mm256_add_ps(_mm256_permute2f128_ps(b0, b1, 0x20), _mm256_permute2f128_ps(b0, b1, 0x31));
      _mm256_storeu_ps(dst + i, _mm256_mul_ps(_mm256_add_ps(r0, r1), q));
    }
  }
  tvi_area2_f32_from_scalar(s0, s1, dst, i, n, cn);
}

static void tvi_vlin_u8_avx2(const int16_t *h0, const int16_t *h1, int16_t b0, int16_t b1,
                             uint8_t *dst, size_t n) {
  size_t i = 0;
  const __m256i vb0 = _mm256_set1_epi16(b0), vb1 = _mm256_set1_epi16(b1);
  const __m256i two = _mm256_set1_epi16(2);
  for (; i + 32 <= n; i += 32) {
    __m256i lo =
        _mm256_adds_epi16(_mm256_mulhi_epi16(_mm256_loadu_si256((const void *)(h0 + i)), vb0),
                          _mm256_mulhi_epi16(_mm256_loadu_si256((const void *)(h1 + i)), vb1));
    __m256i hi =
        _mm256_adds_epi16(_mm256_mulhi_epi16(_mm256_loadu_si256((const void *)(h0 + i + 16)), vb0),
                          _mm256_mulhi_epi16(_mm256_loadu_si256((const void *)(h1 + i + 16)), vb1));
    lo = _mm256_srai_epi16(_mm256_adds_epi16(lo, two), 2);
    hi = _mm256_srai_epi16(_mm256_adds_epi16(hi, two), 2);
    _mm256_storeu_si256((void *)(dst + i),
                        _mm256_permute4x64_epi64(_mm256_packus_epi16(lo, hi), 0xd8));
  }
  tvi_vlin_u8_scalar(h0 + i, h1 + i, b0, b1, dst + i, n - i);
}

static void tvi_vlin_u16_avx2(const float *h0, const float *h1, float b0, float b1, uint16_t *dst,
                              size_t n) {
  size_t i = 0;
  const __m256 vb0 = _mm256_set1_ps(b0), vb1 = _mm256_set1_ps(b1);
  const __m256 zero = _mm256_setzero_ps(), top = _mm256_set1_ps(65535.0f);
  for (; i + 16 <= n; i += 16) {
    __m256 a = _mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(h0 + i), vb0),
                             _mm256_mul_ps(_mm256_loadu_ps(h1 + i), vb1));
    __m256 b = _mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(h0 + i + 8), vb0),
                             _mm256_mul_ps(_mm256_loadu_ps(h1 + i + 8), vb1));
    a = _mm256_min_ps(_mm256_max_ps(a, zero), top); /* NaN -> 0 */
    b = _mm256_min_ps(_mm256_max_ps(b, zero), top);
    const __m256i p = _mm256_packus_epi32(_mm256_cvtps_epi32(a), _mm256_cvtps_epi32(b));
    _mm256_storeu_si256((void *)(dst + i), _mm256_permute4x64_epi64(p, 0xd8));
  }
  tvi_vlin_u16_scalar(h0 + i, h1 + i, b0, b1, dst + i, n - i);
}

static void tvi_vlin_f32_avx2(const float *h0, const float *h1, float b0, float b1, float *dst,
                              size_t n) {
  size_t i = 0;
  const __m256 vb0 = _mm256_set1_ps(b0), vb1 = _mm256_set1_ps(b1);
  for (; i + 8 <= n; i += 8)
    _mm256_storeu_ps(dst + i, _mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(h0 + i), vb0),
                                            _mm256_mul_ps(_mm256_loadu_ps(h1 + i), vb1)));
  tvi_vlin_f32_scalar(h0 + i, h1 + i, b0, b1, dst + i, n - i);
}

/* Horizontal bilinear pass with gathers; blocks whose last tap would read past the row (the
 * 4-byte gathers of u8/u16 read beyond the tap) go to the scalar kernel. */
static void tvi_hlin_u8_avx2(const uint8_t *s, const int32_t *xofs, const int16_t *ia, int16_t *d,
                             size_t n, int cn, size_t lim) {
  const __m256i m8 = _mm256_set1_epi32(0xff), vcn = _mm256_set1_epi32(cn);
  size_t i = 0;
  for (; i + 8 <= n && (size_t)xofs[i + 7] + (size_t)cn + 4 <= lim; i += 8) {
    const __m256i idx = _mm256_loadu_si256((const void *)(xofs + i));
    const __m256i g0 = _mm256_i32gather_epi32((const int *)(const void *)s, idx, 1);
    const __m256i t1 = cn == 1 ? _mm256_srli_epi32(g0, 8)
                               : _mm256_i32gather_epi32((const int *)(const void *)s,
                                                        _mm256_add_epi32(idx, vcn), 1);
    const __m256i pr =
        _mm256_or_si256(_mm256_and_si256(g0, m8), _mm256_slli_epi32(_mm256_and_si256(t1, m8), 16));
    const __m256i v =
        _mm256_srai_epi32(_mm256_madd_epi16(pr, _mm256_loadu_si256((const void *)(ia + 2 * i))), 4);
    const __m256i p = _mm256_permute4x64_epi64(_mm256_packs_epi32(v, v), 0x08);
    _mm_storeu_si128((void *)(d + i), _mm256_castsi256_si128(p));
  }
  tvi_hlin_u8_scalar(s, xofs + i, ia + 2 * i, d + i, n - i, cn, lim);
}

/* The weights of 8 samples, de-interleaved: a0 in *w0, a1 in *w1. */
static inline void tvi_weights8(const float *fa, __m256 *w0, __m256 *w1) {
  const __m256 a = _mm256_loadu_ps(fa), b = _mm256_loadu_ps(fa + 8);
  *w0 = _mm256_castpd_ps(
      _mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(a, b, 0x88)), 0xd8));
  *w1 = _mm256_castpd_ps(
      _mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(a, b, 0xdd)), 0xd8));
}

static void tvi_hlin_u16_avx2(const uint16_t *s, const int32_t *xofs, const float *fa, float *d,
                              size_t n, int cn, size_t lim) {
  const __m256i m16 = _mm256_set1_epi32(0xffff), vcn = _mm256_set1_epi32(cn);
  size_t i = 0;
  for (; i + 8 <= n && (size_t)xofs[i + 7] + (size_t)cn + 2 <= lim; i += 8) {
    const __m256i idx = _mm256_loadu_si256((const void *)(xofs + i));
    const __m256i g0 = _mm256_i32gather_epi32((const int *)(const void *)s, idx, 2);
    const __m256i t1 = cn == 1
                           ? _mm256_srli_epi32(g0, 16)
                           : _mm256_and_si256(_mm256_i32gather_epi32((const int *)(const void *)s,
                                                                     _mm256_add_epi32(idx, vcn), 2),
                                              m16);
    __m256 w0, w1;
    tvi_weights8(fa + 2 * i, &w0, &w1);
    const __m256 p = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_and_si256(g0, m16)), w0);
    const __m256 q = _mm256_mul_ps(_mm256_cvtepi32_ps(t1), w1);
    _mm256_storeu_ps(d + i, _mm256_add_ps(p, q));
  }
  tvi_hlin_u16_scalar(s, xofs + i, fa + 2 * i, d + i, n - i, cn, lim);
}

static void tvi_hlin_f32_avx2(const float *s, const int32_t *xofs, const float *fa, float *d,
                              size_t n, int cn, size_t lim) {
  const __m256i vcn = _mm256_set1_epi32(cn);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256i idx = _mm256_loadu_si256((const void *)(xofs + i));
    const __m256 g0 = _mm256_i32gather_ps(s, idx, 4);
    const __m256 g1 = _mm256_i32gather_ps(s, _mm256_add_epi32(idx, vcn), 4);
    __m256 w0, w1;
    tvi_weights8(fa + 2 * i, &w0, &w1);
    _mm256_storeu_ps(d + i, _mm256_add_ps(_mm256_mul_ps(g0, w0), _mm256_mul_ps(g1, w1)));
  }
  tvi_hlin_f32_scalar(s, xofs + i, fa + 2 * i, d + i, n - i, cn, lim);
}

const tvi_resize_kernels tvi_resize_avx2 = {
    tvi_area2_u8_avx2, tvi_area2_u16_avx2, tvi_area2_f32_avx2, tvi_vlin_u8_avx2,  tvi_vlin_u16_avx2,
    tvi_vlin_f32_avx2, tvi_hlin_u8_avx2,   tvi_hlin_u16_avx2,  tvi_hlin_f32_avx2,
};
