/* The convert family for sse4: conversions in double (2 lanes), grey u8 in 16-bit fixed point.
 * SPDX-License-Identifier: Apache-2.0 */
#include <immintrin.h>

#include "convert.h"

/* x * scale + offset, as two roundings. */
static inline __m128d tvi_affine2(__m128d x, __m128d s, __m128d o) {
  return _mm_add_pd(_mm_mul_pd(x, s), o);
}
/* Clamp to [0, hi] (max returns its second operand for NaN: 0), round half to even: 2 int32 in
 * the low half. */
static inline __m128i tvi_sat2(__m128d v, __m128d hi) {
  return _mm_cvtpd_epi32(_mm_min_pd(_mm_max_pd(v, _mm_setzero_pd()), hi));
}
/* 4 int32 -> 4 saturated int32 via double. */
static inline __m128i tvi_int4x(__m128i x, __m128d s, __m128d o, __m128d hi) {
  const __m128i lo = tvi_sat2(tvi_affine2(_mm_cvtepi32_pd(x), s, o), hi);
  const __m128i up = tvi_sat2(tvi_affine2(_mm_cvtepi32_pd(_mm_srli_si128(x, 8)), s, o), hi);
  return _mm_unpacklo_epi64(lo, up);
}
static inline __m128 tvi_f32_4x(__m128i x, __m128d s, __m128d o) {
  const __m128 lo = _mm_cvtpd_ps(tvi_affine2(_mm_cvtepi32_pd(x), s, o));
  const __m128 up = _mm_cvtpd_ps(tvi_affine2(_mm_cvtepi32_pd(_mm_srli_si128(x, 8)), s, o));
  return _mm_movelh_ps(lo, up);
}
static inline __m128i tvi_int4f(__m128 x, __m128d s, __m128d o, __m128d hi) {
  const __m128i lo = tvi_sat2(tvi_affine2(_mm_cvtps_pd(x), s, o), hi);
  const __m128i up = tvi_sat2(tvi_affine2(_mm_cvtps_pd(_mm_movehl_ps(x, x)), s, o), hi);
  return _mm_unpacklo_epi64(lo, up);
}

static void tvi_convert_u8_f32_sse4(const uint8_t *src, float *dst, size_t n, double scale,
                                    double offset) {
  const __m128d s = _mm_set1_pd(scale), o = _mm_set1_pd(offset);
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    int32_t v;
    __builtin_memcpy(&v, src + i, 4);
    _mm_storeu_ps(dst + i, tvi_f32_4x(_mm_cvtepu8_epi32(_mm_cvtsi32_si128(v)), s, o));
  }
  tvi_convert_u8_f32_scalar(src + i, dst + i, n - i, scale, offset);
}

static void tvi_convert_u16_f32_sse4(const uint16_t *src, float *dst, size_t n, double scale,
                                     double offset) {
  const __m128d s = _mm_set1_pd(scale), o = _mm_set1_pd(offset);
  size_t i = 0;
  for (; i + 4 <= n; i += 4)
    _mm_storeu_ps(dst + i,
                  tvi_f32_4x(_mm_cvtepu16_epi32(_mm_loadl_epi64((const void *)(src + i))), s, o));
  tvi_convert_u16_f32_scalar(src + i, dst + i, n - i, scale, offset);
}

static void tvi_convert_f32_u8_sse4(const float *src, uint8_t *dst, size_t n, double scale,
                                    double offset) {
  const __m128d s = _mm_set1_pd(scale), o = _mm_set1_pd(offset), hi = _mm_set1_pd(255.0);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m128i p = _mm_packus_epi32(tvi_int4f(_mm_loadu_ps(src + i), s, o, hi),
                                       tvi_int4f(_mm_loadu_ps(src + i + 4), s, o, hi));
    _mm_storel_epi64((void *)(dst + i), _mm_packus_epi16(p, p));
  }
  tvi_convert_f32_u8_scalar(src + i, dst + i, n - i, scale, offset);
}

static void tvi_convert_f32_u16_sse4(const float *src, uint16_t *dst, size_t n, double scale,
                                     double offset) {
  const __m128d s = _mm_set1_pd(scale), o = _mm_set1_pd(offset), hi = _mm_set1_pd(65535.0);
  size_t i = 0;
  for (; i + 8 <= n; i += 8)
    _mm_storeu_si128((void *)(dst + i),
                     _mm_packus_epi32(tvi_int4f(_mm_loadu_ps(src + i), s, o, hi),
                                      tvi_int4f(_mm_loadu_ps(src + i + 4), s, o, hi)));
  tvi_convert_f32_u16_scalar(src + i, dst + i, n - i, scale, offset);
}

static void tvi_convert_u8_u16_sse4(const uint8_t *src, uint16_t *dst, size_t n, double scale,
                                    double offset) {
  const __m128d s = _mm_set1_pd(scale), o = _mm_set1_pd(offset), hi = _mm_set1_pd(65535.0);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m128i x = _mm_loadl_epi64((const void *)(src + i));
    _mm_storeu_si128(
        (void *)(dst + i),
        _mm_packus_epi32(tvi_int4x(_mm_cvtepu8_epi32(x), s, o, hi),
                         tvi_int4x(_mm_cvtepu8_epi32(_mm_srli_si128(x, 4)), s, o, hi)));
  }
  tvi_convert_u8_u16_scalar(src + i, dst + i, n - i, scale, offset);
}

static void tvi_convert_u16_u8_sse4(const uint16_t *src, uint8_t *dst, size_t n, double scale,
                                    double offset) {
  const __m128d s = _mm_set1_pd(scale), o = _mm_set1_pd(offset), hi = _mm_set1_pd(255.0);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m128i x = _mm_loadu_si128((const void *)(src + i));
    const __m128i p =
        _mm_packus_epi32(tvi_int4x(_mm_cvtepu16_epi32(x), s, o, hi),
                         tvi_int4x(_mm_cvtepu16_epi32(_mm_srli_si128(x, 8)), s, o, hi));
    _mm_storel_epi64((void *)(dst + i), _mm_packus_epi16(p, p));
  }
  tvi_convert_u16_u8_scalar(src + i, dst + i, n - i, scale, offset);
}

/* Grey u8: 4 pixels per vector (16 bytes loaded, 12 or 16 used); a byte shuffle makes (R, G)
 * and (B, 1) 16-bit pairs, and madd with (wr, wg) and (wb, 8192) gives the rounded sums. */
static void tvi_grey_u8_sse4(const uint8_t *src, uint8_t *dst, size_t w, int c) {
  const int z = -1;
  const __m128i mrg = c == 3 ? _mm_setr_epi8(0, z, 1, z, 3, z, 4, z, 6, z, 7, z, 9, z, 10, z)
                             : _mm_setr_epi8(0, z, 1, z, 4, z, 5, z, 8, z, 9, z, 12, z, 13, z);
  const __m128i mb = c == 3 ? _mm_setr_epi8(2, z, z, z, 5, z, z, z, 8, z, z, z, 11, z, z, z)
                            : _mm_setr_epi8(2, z, z, z, 6, z, z, z, 10, z, z, z, 14, z, z, z);
  const __m128i wrg = _mm_set1_epi32(TVI_R2Y | (TVI_G2Y << 16));
  const __m128i wb = _mm_set1_epi32(TVI_B2Y | ((1 << (TVI_YSHIFT - 1)) << 16));
  const __m128i one = _mm_set1_epi32(1 << 16);
  size_t x = 0;
  for (; (x + 8) * (size_t)c + (c == 3 ? 4 : 0) <= w * (size_t)c; x += 8) {
    __m128i r[2];
    for (int h = 0; h < 2; h++) {
      const __m128i v = _mm_loadu_si128((const void *)(src + (x + 4 * (size_t)h) * c));
      const __m128i rg = _mm_shuffle_epi8(v, mrg);
      const __m128i b1 = _mm_or_si128(_mm_shuffle_epi8(v, mb), one);
      r[h] = _mm_srli_epi32(_mm_add_epi32(_mm_madd_epi16(rg, wrg), _mm_madd_epi16(b1, wb)),
                            TVI_YSHIFT);
    }
    const __m128i p = _mm_packus_epi32(r[0], r[1]);
    _mm_storel_epi64((void *)(dst + x), _mm_packus_epi16(p, p));
  }
  tvi_grey_u8_scalar(src + x * c, dst + x, w - x, c);
}

const tvi_convert_kernels tvi_convert_sse4 = {
    tvi_convert_u8_f32_sse4,  tvi_convert_u16_f32_sse4, tvi_convert_f32_u8_sse4,
    tvi_convert_f32_u16_sse4, tvi_convert_u8_u16_sse4,  tvi_convert_u16_u8_sse4,
    tvi_grey_u8_sse4,         tvi_grey_u16_scalar,
};
