/* The convert family for avx2: conversions in double (4 lanes), grey u8 in 16-bit fixed point.
 * SPDX-License-Identifier: Apache-2.0 */
#include <immintrin.h>

#include "convert.h"

/* x * scale + offset, as two roundings (no FMA). */
static inline __m256d tvi_affine4(__m256d x, __m256d s, __m256d o) {
  return _mm256_add_pd(_mm256_mul_pd(x, s), o);
}
/* Clamp to [0, hi] (max returns its second operand for NaN: 0) and round half to even. */
static inline __m128i tvi_sat4(__m256d v, __m256d hi) {
  return _mm256_cvtpd_epi32(_mm256_min_pd(_mm256_max_pd(v, _mm256_setzero_pd()), hi));
}
/* 8 int32 -> 8 saturated int32 via double. */
static inline __m256i tvi_int8x(__m256i x, __m256d s, __m256d o, __m256d hi) {
  const __m128i lo = tvi_sat4(tvi_affine4(_mm256_cvtepi32_pd(_mm256_castsi256_si128(x)), s, o), hi);
  const __m128i up =
      tvi_sat4(tvi_affine4(_mm256_cvtepi32_pd(_mm256_extracti128_si256(x, 1)), s, o), hi);
  return _mm256_inserti128_si256(_mm256_castsi128_si256(lo), up, 1);
}
static inline __m256 tvi_f32_8x(__m256i x, __m256d s, __m256d o) {
  const __m128 lo =
      _mm256_cvtpd_ps(tvi_affine4(_mm256_cvtepi32_pd(_mm256_castsi256_si128(x)), s, o));
  const __m128 up =
      _mm256_cvtpd_ps(tvi_affine4(_mm256_cvtepi32_pd(_mm256_extracti128_si256(x, 1)), s, o));
  return _mm256_insertf128_ps(_mm256_castps128_ps256(lo), up, 1);
}
static inline __m256i tvi_int8f(__m256 x, __m256d s, __m256d o, __m256d hi) {
  const __m128i lo = tvi_sat4(tvi_affine4(_mm256_cvtps_pd(_mm256_castps256_ps128(x)), s, o), hi);
  const __m128i up = tvi_sat4(tvi_affine4(_mm256_cvtps_pd(_mm256_extractf128_ps(x, 1)), s, o), hi);
  return _mm256_inserti128_si256(_mm256_castsi128_si256(lo), up, 1);
}
/* Two vectors of 8 int32 in [0, 65535] -> 16 u16 in order. */
static inline __m256i tvi_pack_u16(__m256i r0, __m256i r1) {
  return _mm256_permute4x64_epi64(_mm256_packus_epi32(r0, r1), 0xD8);
}
/* 16 u16 in [0, 255] -> 16 u8. */
static inline __m128i tvi_pack_u8(__m256i p) {
  return _mm_packus_epi16(_mm256_castsi256_si128(p), _mm256_extracti128_si256(p, 1));
}

/* The f32 shortcut (see tvi_convert_f32_plan): 8 samples in f32 (one fused multiply-add: its
 * error is within the plan's bound too); *bad set when a lane is too close to a rounding boundary
 * for f32 to decide it. The clamp before the rounding conversion equals the clamp after it
 * (integer bounds), and max turns NaN into 0. */
static inline __m256i tvi_fast8(__m256 x, __m256 s, __m256 o, __m256 t, __m256 hi, int *bad) {
  const __m256 v = _mm256_fmadd_ps(x, s, o);
  const __m256 r = _mm256_round_ps(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  const __m256 d = _mm256_andnot_ps(_mm256_set1_ps(-0.0f), _mm256_sub_ps(v, r));
  *bad = _mm256_movemask_ps(_mm256_cmp_ps(d, t, _CMP_GE_OQ)) != 0;
  return _mm256_cvtps_epi32(_mm256_min_ps(_mm256_max_ps(v, _mm256_setzero_ps()), hi));
}

static void tvi_convert_u8_f32_avx2(const uint8_t *src, float *dst, size_t n, double scale,
                                    double offset) {
  const __m256d s = _mm256_set1_pd(scale), o = _mm256_set1_pd(offset);
  size_t i = 0;
  for (; i + 8 <= n; i += 8)
    _mm256_storeu_ps(
        dst + i, tvi_f32_8x(_mm256_cvtepu8_epi32(_mm_loadl_epi64((const void *)(src + i))), s, o));
  tvi_convert_u8_f32_scalar(src + i, dst + i, n - i, scale, offset);
}

static void tvi_convert_u16_f32_avx2(const uint16_t *src, float *dst, size_t n, double scale,
                                     double offset) {
  const __m256d s = _mm256_set1_pd(scale), o = _mm256_set1_pd(offset);
  size_t i = 0;
  for (; i + 8 <= n; i += 8)
    _mm256_storeu_ps(
        dst + i, tvi_f32_8x(_mm256_cvtepu16_epi32(_mm_loadu_si128((const void *)(src + i))), s, o));
  tvi_convert_u16_f32_scalar(src + i, dst + i, n - i, scale, offset);
}

static void tvi_convert_f32_u8_avx2(const float *src, uint8_t *dst, size_t n, double scale,
                                    double offset) {
  const __m256d s = _mm256_set1_pd(scale), o = _mm256_set1_pd(offset), hi = _mm256_set1_pd(255.0);
  size_t i = 0;
  float sf, of, e;
  if (tvi_convert_f32_plan(scale, offset, 255.0, &sf, &of, &e)) {
    const __m256 fs = _mm256_set1_ps(sf), fo = _mm256_set1_ps(of), t = _mm256_set1_ps(0.5f - e),
                 fh = _mm256_set1_ps((float)255.0);
    for (; i + 16 <= n; i += 16) {
      const __m256 x0 = _mm256_loadu_ps(src + i), x1 = _mm256_loadu_ps(src + i + 8);
      int b0, b1;
      __m256i r0 = tvi_fast8(x0, fs, fo, t, fh, &b0), r1 = tvi_fast8(x1, fs, fo, t, fh, &b1);
      if (b0 | b1) {
        r0 = tvi_int8f(x0, s, o, hi);
        r1 = tvi_int8f(x1, s, o, hi);
      }
      _mm_storeu_si128((void *)(dst + i), tvi_pack_u8(tvi_pack_u16(r0, r1)));
    }
  }
  for (; i + 16 <= n; i += 16) {
    const __m256i r0 = tvi_int8f(_mm256_loadu_ps(src + i), s, o, hi),
                  r1 = tvi_int8f(_mm256_loadu_ps(src + i + 8), s, o, hi);
    _mm_storeu_si128((void *)(dst + i), tvi_pack_u8(tvi_pack_u16(r0, r1)));
  }
  tvi_convert_f32_u8_scalar(src + i, dst + i, n - i, scale, offset);
}

static void tvi_convert_f32_u16_avx2(const float *src, uint16_t *dst, size_t n, double scale,
                                     double offset) {
  const __m256d s = _mm256_set1_pd(scale), o = _mm256_set1_pd(offset), hi = _mm256_set1_pd(65535.0);
  size_t i = 0;
  float sf, of, e;
  if (tvi_convert_f32_plan(scale, offset, 65535.0, &sf, &of, &e)) {
    const __m256 fs = _mm256_set1_ps(sf), fo = _mm256_set1_ps(of), t = _mm256_set1_ps(0.5f - e),
                 fh = _mm256_set1_ps((float)65535.0);
    for (; i + 16 <= n; i += 16) {
      const __m256 x0 = _mm256_loadu_ps(src + i), x1 = _mm256_loadu_ps(src + i + 8);
      int b0, b1;
      __m256i r0 = tvi_fast8(x0, fs, fo, t, fh, &b0), r1 = tvi_fast8(x1, fs, fo, t, fh, &b1);
      if (b0 | b1) {
        r0 = tvi_int8f(x0, s, o, hi);
        r1 = tvi_int8f(x1, s, o, hi);
      }
      _mm256_storeu_si256((void *)(dst + i), tvi_pack_u16(r0, r1));
    }
  }
  for (; i + 16 <= n; i += 16) {
    const __m256i r0 = tvi_int8f(_mm256_loadu_ps(src + i), s, o, hi),
                  r1 = tvi_int8f(_mm256_loadu_ps(src + i + 8), s, o, hi);
    _mm256_storeu_si256((void *)(dst + i), tvi_pack_u16(r0, r1));
  }
  tvi_convert_f32_u16_scalar(src + i, dst + i, n - i, scale, offset);
}

static void tvi_convert_u8_u16_avx2(const uint8_t *src, uint16_t *dst, size_t n, double scale,
                                    double offset) {
  const __m256d s = _mm256_set1_pd(scale), o = _mm256_set1_pd(offset), hi = _mm256_set1_pd(65535.0);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m128i x = _mm_loadu_si128((const void *)(src + i));
    const __m256i r0 = tvi_int8x(_mm256_cvtepu8_epi32(x), s, o, hi),
                  r1 = tvi_int8x(_mm256_cvtepu8_epi32(_mm_srli_si128(x, 8)), s, o, hi);
    _mm256_storeu_si256((void *)(dst + i), tvi_pack_u16(r0, r1));
  }
  tvi_convert_u8_u16_scalar(src + i, dst + i, n - i, scale, offset);
}

static void tvi_convert_u16_u8_avx2(const uint16_t *src, uint8_t *dst, size_t n, double scale,
                                    double offset) {
  const __m256d s = _mm256_set1_pd(scale), o = _mm256_set1_pd(offset), hi = _mm256_set1_pd(255.0);
  size_t i = 0;
  float sf, of, e;
  if (tvi_convert_f32_plan(scale, offset, 255.0, &sf, &of, &e)) {
    const __m256 fs = _mm256_set1_ps(sf), fo = _mm256_set1_ps(of), t = _mm256_set1_ps(0.5f - e),
                 fh = _mm256_set1_ps((float)255.0);
    for (; i + 16 <= n; i += 16) {
      const __m256i y0 = _mm256_cvtepu16_epi32(_mm_loadu_si128((const void *)(src + i))),
                    y1 = _mm256_cvtepu16_epi32(_mm_loadu_si128((const void *)(src + i + 8)));
      const __m256 x0 = _mm256_cvtepi32_ps(y0), x1 = _mm256_cvtepi32_ps(y1);
      int b0, b1;
      __m256i r0 = tvi_fast8(x0, fs, fo, t, fh, &b0), r1 = tvi_fast8(x1, fs, fo, t, fh, &b1);
      if (b0 | b1) {
        r0 = tvi_int8x(y0, s, o, hi);
        r1 = tvi_int8x(y1, s, o, hi);
      }
      _mm_storeu_si128((void *)(dst + i), tvi_pack_u8(tvi_pack_u16(r0, r1)));
    }
  }
  for (; i + 16 <= n; i += 16) {
    const __m256i r0 = tvi_int8x(_mm256_cvtepu16_epi32(_mm_loadu_si128((const void *)(src + i))), s,
                                 o, hi),
                  r1 =
                      tvi_int8x(_mm256_cvtepu16_epi32(_mm_loadu_si128((const void *)(src + i + 8))),
                                s, o, hi);
    _mm_storeu_si128((void *)(dst + i), tvi_pack_u8(tvi_pack_u16(r0, r1)));
  }
  tvi_convert_u16_u8_scalar(src + i, dst + i, n - i, scale, offset);
}

/* Grey u8: each 128-bit lane holds 4 pixels; a byte shuffle makes (R, G) and (B, 1) 16-bit
 * pairs, and madd with (wr, wg) and (wb, 8192) gives the rounded sums. */
static void tvi_grey_u8_avx2(const uint8_t *src, uint8_t *dst, size_t w, int c) {
  const int z = -1;
  const __m256i mrg = c == 3 ? _mm256_setr_epi8(0, z, 1, z, 3, z, 4, z, 6, z, 7, z, 9, z, 10, z, 0,
                                                z, 1, z, 3, z, 4, z, 6, z, 7, z, 9, z, 10, z)
                             : _mm256_setr_epi8(0, z, 1, z, 4, z, 5, z, 8, z, 9, z, 12, z, 13, z, 0,
                                                z, 1, z, 4, z, 5, z, 8, z, 9, z, 12, z, 13, z);
  const __m256i mb = c == 3 ? _mm256_setr_epi8(2, z, z, z, 5, z, z, z, 8, z, z, z, 11, z, z, z, 2,
                                               z, z, z, 5, z, z, z, 8, z, z, z, 11, z, z, z)
                            : _mm256_setr_epi8(2, z, z, z, 6, z, z, z, 10, z, z, z, 14, z, z, z, 2,
                                               z, z, z, 6, z, z, z, 10, z, z, z, 14, z, z, z);
  const __m256i idx = c == 3 ? _mm256_setr_epi32(0, 1, 2, 2, 3, 4, 5, 5)
                             : _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256i wrg = _mm256_set1_epi32(TVI_R2Y | (TVI_G2Y << 16));
  const __m256i wb = _mm256_set1_epi32(TVI_B2Y | ((1 << (TVI_YSHIFT - 1)) << 16));
  const __m256i one = _mm256_set1_epi32(1 << 16);
  size_t x = 0;
  for (; (x + 16) * (size_t)c + (c == 3 ? 8 : 0) <= w * (size_t)c; x += 16) {
    __m256i r[2];
    for (int h = 0; h < 2; h++) {
      const __m256i v = _mm256_permutevar8x32_epi32(
          _mm256_loadu_si256((const void *)(src + (x + 8 * (size_t)h) * c)), idx);
      const __m256i rg = _mm256_shuffle_epi8(v, mrg);
      const __m256i b1 = _mm256_or_si256(_mm256_shuffle_epi8(v, mb), one);
      r[h] = _mm256_srli_epi32(
          _mm256_add_epi32(_mm256_madd_epi16(rg, wrg), _mm256_madd_epi16(b1, wb)), TVI_YSHIFT);
    }
    _mm_storeu_si128((void *)(dst + x), tvi_pack_u8(tvi_pack_u16(r[0], r[1])));
  }
  tvi_grey_u8_scalar(src + x * c, dst + x, w - x, c);
}

const tvi_convert_kernels tvi_convert_avx2 = {
    tvi_convert_u8_f32_avx2,  tvi_convert_u16_f32_avx2, tvi_convert_f32_u8_avx2,
    tvi_convert_f32_u16_avx2, tvi_convert_u8_u16_avx2,  tvi_convert_u16_u8_avx2,
    tvi_grey_u8_avx2,         tvi_grey_u16_scalar,
};
