/* The convert family for avx512: conversions in double (8 lanes), grey in 32-bit fixed point.
 * SPDX-License-Identifier: Apache-2.0 */
#include <immintrin.h>

#include "convert.h"

/* x * scale + offset, as two roundings (no FMA). */
static inline __m512d tvi_affine8(__m512d x, __m512d s, __m512d o) {
  return _mm512_add_pd(_mm512_mul_pd(x, s), o);
}
/* Clamp to [0, hi] (max returns its second operand for NaN: 0) and round half to even. */
static inline __m256i tvi_sat8(__m512d v, __m512d hi) {
  return _mm512_cvtpd_epi32(_mm512_min_pd(_mm512_max_pd(v, _mm512_setzero_pd()), hi));
}
/* 16 int32 samples -> 16 saturated integers in 32-bit lanes, via double. */
static inline __m512i tvi_int16x(__m512i x, __m512d s, __m512d o, __m512d hi) {
  const __m256i lo = tvi_sat8(tvi_affine8(_mm512_cvtepi32_pd(_mm512_castsi512_si256(x)), s, o), hi);
  const __m256i up =
      tvi_sat8(tvi_affine8(_mm512_cvtepi32_pd(_mm512_extracti64x4_epi64(x, 1)), s, o), hi);
  return _mm512_inserti64x4(_mm512_castsi256_si512(lo), up, 1);
}
static inline __m512 tvi_f32_16x(__m512i x, __m512d s, __m512d o) {
  const __m256 lo =
      _mm512_cvtpd_ps(tvi_affine8(_mm512_cvtepi32_pd(_mm512_castsi512_si256(x)), s, o));
  const __m256 up =
      _mm512_cvtpd_ps(tvi_affine8(_mm512_cvtepi32_pd(_mm512_extracti64x4_epi64(x, 1)), s, o));
  return _mm512_insertf32x8(_mm512_castps256_ps512(lo), up, 1);
}
/* 16 floats -> 16 saturated integers in 32-bit lanes, via double. */
static inline __m512i tvi_int16f(__m512 x, __m512d s, __m512d o, __m512d hi) {
  const __m256i lo = tvi_sat8(tvi_affine8(_mm512_cvtps_pd(_mm512_castps512_ps256(x)), s, o), hi);
  const __m256i up = tvi_sat8(tvi_affine8(_mm512_cvtps_pd(_mm512_extractf32x8_ps(x, 1)), s, o), hi);
  return _mm512_inserti64x4(_mm512_castsi256_si512(lo), up, 1);
}

/* The f32 shortcut (see tvi_convert_f32_plan): 16 samples in f32 (one fused multiply-add: its
 * error is within the plan's bound too); *bad set when a lane is too close to a rounding boundary
 * for f32 to decide it. vreduceps gives vf - round(vf) directly; the clamp before the rounding
 * conversion equals the clamp after it (integer bounds), and max turns NaN into 0. */
static inline __m512i tvi_fast16(__m512 x, __m512 s, __m512 o, __m512 t, __m512 hi, int *bad) {
  const __m512 v = _mm512_fmadd_ps(x, s, o);
  const __m512 d =
      _mm512_abs_ps(_mm512_reduce_ps(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
  *bad = _mm512_cmp_ps_mask(d, t, _CMP_GE_OQ) != 0;
  return _mm512_cvtps_epi32(_mm512_min_ps(_mm512_max_ps(v, _mm512_setzero_ps()), hi));
}

static void tvi_convert_u8_f32_avx512(const uint8_t *src, float *dst, size_t n, double scale,
                                      double offset) {
  const __m512d s = _mm512_set1_pd(scale), o = _mm512_set1_pd(offset);
  size_t i = 0;
  for (; i + 16 <= n; i += 16)
    _mm512_storeu_ps(
        dst + i, tvi_f32_16x(_mm512_cvtepu8_epi32(_mm_loadu_si128((const void *)(src + i))), s, o));
  tvi_convert_u8_f32_scalar(src + i, dst + i, n - i, scale, offset);
}

static void tvi_convert_u16_f32_avx512(const uint16_t *src, float *dst, size_t n, double scale,
                                       double offset) {
  const __m512d s = _mm512_set1_pd(scale), o = _mm512_set1_pd(offset);
  size_t i = 0;
  for (; i + 16 <= n; i += 16)
    _mm512_storeu_ps(
        dst + i,
        tvi_f32_16x(_mm512_cvtepu16_epi32(_mm256_loadu_si256((const void *)(src + i))), s, o));
  tvi_convert_u16_f32_scalar(src + i, dst + i, n - i, scale, offset);
}

static void tvi_convert_f32_u8_avx512(const float *src, uint8_t *dst, size_t n, double scale,
                                      double offset) {
  const __m512d s = _mm512_set1_pd(scale), o = _mm512_set1_pd(offset), hi = _mm512_set1_pd(255.0);
  size_t i = 0;
  float sf, of, e;
  if (tvi_convert_f32_plan(scale, offset, 255.0, &sf, &of, &e)) {
    const __m512 fs = _mm512_set1_ps(sf), fo = _mm512_set1_ps(of), t = _mm512_set1_ps(0.5f - e),
                 fh = _mm512_set1_ps(255.0f);
    for (; i + 16 <= n; i += 16) {
      const __m512 x = _mm512_loadu_ps(src + i);
      int bad;
      __m512i r = tvi_fast16(x, fs, fo, t, fh, &bad);
      if (bad) r = tvi_int16f(x, s, o, hi);
      _mm_storeu_si128((void *)(dst + i), _mm512_cvtepi32_epi8(r));
    }
  }
  for (; i + 16 <= n; i += 16)
    _mm_storeu_si128((void *)(dst + i),
                     _mm512_cvtepi32_epi8(tvi_int16f(_mm512_loadu_ps(src + i), s, o, hi)));
  tvi_convert_f32_u8_scalar(src + i, dst + i, n - i, scale, offset);
}

static void tvi_convert_f32_u16_avx512(const float *src, uint16_t *dst, size_t n, double scale,
                                       double offset) {
  const __m512d s = _mm512_set1_pd(scale), o = _mm512_set1_pd(offset), hi = _mm512_set1_pd(65535.0);
  size_t i = 0;
  float sf, of, e;
  if (tvi_convert_f32_plan(scale, offset, 65535.0, &sf, &of, &e)) {
    const __m512 fs = _mm512_set1_ps(sf), fo = _mm512_set1_ps(of), t = _mm512_set1_ps(0.5f - e),
                 fh = _mm512_set1_ps(65535.0f);
    for (; i + 16 <= n; i += 16) {
      const __m512 x = _mm512_loadu_ps(src + i);
      int bad;
      __m512i r = tvi_fast16(x, fs, fo, t, fh, &bad);
      if (bad) r = tvi_int16f(x, s, o, hi);
      _mm256_storeu_si256((void *)(dst + i), _mm512_cvtepi32_epi16(r));
    }
  }
  for (; i + 16 <= n; i += 16)
    _mm256_storeu_si256((void *)(dst + i),
                        _mm512_cvtepi32_epi16(tvi_int16f(_mm512_loadu_ps(src + i), s, o, hi)));
  tvi_convert_f32_u16_scalar(src + i, dst + i, n - i, scale, offset);
}

static void tvi_convert_u8_u16_avx512(const uint8_t *src, uint16_t *dst, size_t n, double scale,
                                      double offset) {
  const __m512d s = _mm512_set1_pd(scale), o = _mm512_set1_pd(offset), hi = _mm512_set1_pd(65535.0);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512i x = _mm512_cvtepu8_epi32(_mm_loadu_si128((const void *)(src + i)));
    _mm256_storeu_si256((void *)(dst + i), _mm512_cvtepi32_epi16(tvi_int16x(x, s, o, hi)));
  }
  tvi_convert_u8_u16_scalar(src + i, dst + i, n - i, scale, offset);
}

static void tvi_convert_u16_u8_avx512(const uint16_t *src, uint8_t *dst, size_t n, double scale,
                                      double offset) {
  const __m512d s = _mm512_set1_pd(scale), o = _mm512_set1_pd(offset), hi = _mm512_set1_pd(255.0);
  size_t i = 0;
  float sf, of, e;
  if (tvi_convert_f32_plan(scale, offset, 255.0, &sf, &of, &e)) {
    const __m512 fs = _mm512_set1_ps(sf), fo = _mm512_set1_ps(of), t = _mm512_set1_ps(0.5f - e),
                 fh = _mm512_set1_ps(255.0f);
    for (; i + 16 <= n; i += 16) {
      const __m512i x = _mm512_cvtepu16_epi32(_mm256_loadu_si256((const void *)(src + i)));
      int bad;
      __m512i r = tvi_fast16(_mm512_cvtepi32_ps(x), fs, fo, t, fh, &bad);
      if (bad) r = tvi_int16x(x, s, o, hi);
      _mm_storeu_si128((void *)(dst + i), _mm512_cvtepi32_epi8(r));
    }
  }
  for (; i + 16 <= n; i += 16) {
    const __m512i x = _mm512_cvtepu16_epi32(_mm256_loadu_si256((const void *)(src + i)));
    _mm_storeu_si128((void *)(dst + i), _mm512_cvtepi32_epi8(tvi_int16x(x, s, o, hi)));
  }
  tvi_convert_u16_u8_scalar(src + i, dst + i, n - i, scale, offset);
}

/* Grey u8: each 128-bit lane holds 4 pixels (12 bytes RGB or 16 bytes RGBA); a byte shuffle
 * makes (R, G) and (B, 1) 16-bit pairs, and madd with (wr, wg) and (wb, 8192) gives the sums. */
static void tvi_grey_u8_avx512(const uint8_t *src, uint8_t *dst, size_t w, int c) {
  const int z = -1;
  const __m512i mrg =
      c == 3
          ? _mm512_broadcast_i32x4(_mm_setr_epi8(0, z, 1, z, 3, z, 4, z, 6, z, 7, z, 9, z, 10, z))
          : _mm512_broadcast_i32x4(_mm_setr_epi8(0, z, 1, z, 4, z, 5, z, 8, z, 9, z, 12, z, 13, z));
  const __m512i mb =
      c == 3
          ? _mm512_broadcast_i32x4(_mm_setr_epi8(2, z, z, z, 5, z, z, z, 8, z, z, z, 11, z, z, z))
          : _mm512_broadcast_i32x4(_mm_setr_epi8(2, z, z, z, 6, z, z, z, 10, z, z, z, 14, z, z, z));
  const __m512i idx = c == 3
                          ? _mm512_setr_epi32(0, 1, 2, 2, 3, 4, 5, 5, 6, 7, 8, 8, 9, 10, 11, 11)
                          : _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  const __m512i wrg = _mm512_set1_epi32(TVI_R2Y | (TVI_G2Y << 16));
  const __m512i one = _mm512_set1_epi32(1 << 16);
  const __m512i wb2 = _mm512_set1_epi32(TVI_B2Y | ((1 << (TVI_YSHIFT - 1)) << 16));
  size_t x = 0;
  for (; (x + 16) * (size_t)c + (c == 3 ? 16 : 0) <= w * (size_t)c; x += 16) {
    const __m512i v =
        _mm512_permutexvar_epi32(idx, _mm512_loadu_si512((const void *)(src + x * c)));
    const __m512i rg = _mm512_shuffle_epi8(v, mrg);
    const __m512i b1 = _mm512_or_si512(_mm512_shuffle_epi8(v, mb), one);
    const __m512i sum = _mm512_add_epi32(_mm512_madd_epi16(rg, wrg), _mm512_madd_epi16(b1, wb2));
    _mm_storeu_si128((void *)(dst + x), _mm512_cvtepi32_epi8(_mm512_srli_epi32(sum, TVI_YSHIFT)));
  }
  tvi_grey_u8_scalar(src + x * c, dst + x, w - x, c);
}

/* Grey u16: a two-table word permutation gathers R, G and B of 16 pixels into 32-bit lanes. */
static void tvi_grey_u16_avx512(const uint16_t *src, uint16_t *dst, size_t w, int c) {
  uint16_t ir[32], ig[32], ib[32];
  for (int k = 0; k < 16; k++) {
    ir[2 * k] = (uint16_t)(c * k), ig[2 * k] = (uint16_t)(c * k + 1);
    ib[2 * k] = (uint16_t)(c * k + 2);
    ir[2 * k + 1] = ig[2 * k + 1] = ib[2 * k + 1] = 0;
  }
  const __m512i xr = _mm512_loadu_si512(ir), xg = _mm512_loadu_si512(ig),
                xb = _mm512_loadu_si512(ib);
  const __mmask32 even = 0x55555555u;
  const __m512i wr = _mm512_set1_epi32(TVI_R2Y), wg = _mm512_set1_epi32(TVI_G2Y),
                wbl = _mm512_set1_epi32(TVI_B2Y), half = _mm512_set1_epi32(1 << (TVI_YSHIFT - 1));
  size_t x = 0;
  for (; x * (size_t)c + 64 <= w * (size_t)c; x += 16) {
    const __m512i a = _mm512_loadu_si512((const void *)(src + x * c)),
                  b = _mm512_loadu_si512((const void *)(src + x * c + 32));
    const __m512i r = _mm512_maskz_permutex2var_epi16(even, a, xr, b),
                  g = _mm512_maskz_permutex2var_epi16(even, a, xg, b),
                  bl = _mm512_maskz_permutex2var_epi16(even, a, xb, b);
    __m512i sum = _mm512_add_epi32(_mm512_mullo_epi32(r, wr), _mm512_mullo_epi32(g, wg));
    sum = _mm512_add_epi32(sum, _mm512_add_epi32(_mm512_mullo_epi32(bl, wbl), half));
    _mm256_storeu_si256((void *)(dst + x),
                        _mm512_cvtepi32_epi16(_mm512_srli_epi32(sum, TVI_YSHIFT)));
  }
  tvi_grey_u16_scalar(src + x * c, dst + x, w - x, c);
}

const tvi_convert_kernels tvi_convert_avx512 = {
    tvi_convert_u8_f32_avx512,  tvi_convert_u16_f32_avx512, tvi_convert_f32_u8_avx512,
    tvi_convert_f32_u16_avx512, tvi_convert_u8_u16_avx512,  tvi_convert_u16_u8_avx512,
    tvi_grey_u8_avx512,         tvi_grey_u16_avx512,
};
