/* The sepconv family for avx512: 512-bit vectors (F/BW/DQ/VL), scalar tails.
 * SPDX-License-Identifier: Apache-2.0 */
#include <immintrin.h>

#include "sepconv.h"

#define TVI_ISA _avx512
#define N16 32
#define N32 16
typedef __m512i VU16;
typedef __m512i VU32;
typedef __m512i VS32;
typedef __m512 VF;

static inline VU16 ld_u8_u16(const uint8_t *p) {
  return _mm512_cvtepu8_epi16(_mm256_loadu_si256((const void *)p));
}
static inline VU16 ld_u16(const uint16_t *p) { return _mm512_loadu_si512((const void *)p); }
static inline void st_u16(uint16_t *p, VU16 v) { _mm512_storeu_si512((void *)p, v); }
static inline VU16 add16(VU16 a, VU16 b) { return _mm512_add_epi16(a, b); }
static inline VU16 mul16(VU16 a, VU16 b) { return _mm512_mullo_epi16(a, b); }
static inline VU16 set16(uint16_t v) { return _mm512_set1_epi16((short)v); }
static inline VU16 srl16(VU16 v, int n) { return _mm512_srl_epi16(v, _mm_cvtsi32_si128(n)); }
static inline VU16 min16u(VU16 a, VU16 b) { return _mm512_min_epu16(a, b); }
static inline void st_u16_u8(uint8_t *p, VU16 v) {
  _mm256_storeu_si256((void *)p, _mm512_cvtusepi16_epi8(v));
}

static inline VU32 ld_u8_u32(const uint8_t *p) {
  return _mm512_cvtepu8_epi32(_mm_loadu_si128((const void *)p));
}
static inline VU32 ld_u16_u32(const uint16_t *p) {
  return _mm512_cvtepu16_epi32(_mm256_loadu_si256((const void *)p));
}
static inline VU32 ld_u32(const uint32_t *p) { return _mm512_loadu_si512((const void *)p); }
static inline void st_u32(uint32_t *p, VU32 v) { _mm512_storeu_si512((void *)p, v); }
static inline VU32 add32(VU32 a, VU32 b) { return _mm512_add_epi32(a, b); }
static inline VU32 sub32(VU32 a, VU32 b) { return _mm512_sub_epi32(a, b); }
static inline VU32 mul32(VU32 a, VU32 b) { return _mm512_mullo_epi32(a, b); }
static inline VU32 and32(VU32 a, VU32 b) { return _mm512_and_si512(a, b); }
static inline VU32 set32(uint32_t v) { return _mm512_set1_epi32((int)v); }
static inline VU32 srl32(VU32 v, int n) { return _mm512_srl_epi32(v, _mm_cvtsi32_si128(n)); }
static inline VU32 min32u(VU32 a, VU32 b) { return _mm512_min_epu32(a, b); }
static inline void st_u32_u16(uint16_t *p, VU32 v) {
  _mm256_storeu_si256((void *)p, _mm512_cvtusepi32_epi16(v));
}
static inline void st_u32_u8(uint8_t *p, VU32 v) {
  _mm_storeu_si128((void *)p, _mm512_cvtusepi32_epi8(v));
}

static inline VS32 lds32(const int32_t *p) { return _mm512_loadu_si512((const void *)p); }
static inline void sts32(int32_t *p, VS32 v) { _mm512_storeu_si512((void *)p, v); }
static inline VS32 adds32(VS32 a, VS32 b) { return _mm512_add_epi32(a, b); }
static inline VS32 subs32(VS32 a, VS32 b) { return _mm512_sub_epi32(a, b); }
static inline VS32 sets32(int32_t v) { return _mm512_set1_epi32(v); }
static inline VS32 maxs32(VS32 a, VS32 b) { return _mm512_max_epi32(a, b); }
static inline VS32 mins32(VS32 a, VS32 b) { return _mm512_min_epi32(a, b); }
/* Values already in range: the saturating narrowings only drop the high bits. */
static inline void st_s32_u8(uint8_t *p, VS32 v) {
  _mm_storeu_si128((void *)p, _mm512_cvtusepi32_epi8(v));
}
static inline void st_s32_u16(uint16_t *p, VS32 v) {
  _mm256_storeu_si256((void *)p, _mm512_cvtusepi32_epi16(v));
}
static inline void st_s32_s16(int16_t *p, VS32 v) {
  _mm256_storeu_si256((void *)p, _mm512_cvtsepi32_epi16(v));
}

static inline VF ldf(const float *p) { return _mm512_loadu_ps(p); }
static inline void stf(float *p, VF v) { _mm512_storeu_ps(p, v); }
static inline VF addf(VF a, VF b) { return _mm512_add_ps(a, b); }
static inline VF mulf(VF a, VF b) { return _mm512_mul_ps(a, b); }
static inline VF setf(float v) { return _mm512_set1_ps(v); }
static inline VF maxf(VF a, VF b) { return _mm512_max_ps(a, b); }
static inline VF minf(VF a, VF b) { return _mm512_min_ps(a, b); }
static inline VF cvt_u32_f(VU32 v) { return _mm512_cvtepi32_ps(v); }
static inline VF cvt_s32_f(VS32 v) { return _mm512_cvtepi32_ps(v); }
static inline VS32 cvt_f_s32(VF v) { return _mm512_cvtps_epi32(v); } /* nearest, ties to even */

static inline VS32 as_s32(VU32 v) { return v; }
static inline VU32 sll32(VU32 v, int n) { return _mm512_sll_epi32(v, _mm_cvtsi32_si128(n)); }
/* Inclusive prefix sum of the lanes, and the last lane in every lane (box running sums). */
static inline VU32 scan32(VU32 v) {
  const __m512i z = _mm512_setzero_si512();
  v = _mm512_add_epi32(v, _mm512_alignr_epi32(v, z, 15));
  v = _mm512_add_epi32(v, _mm512_alignr_epi32(v, z, 14));
  v = _mm512_add_epi32(v, _mm512_alignr_epi32(v, z, 12));
  return _mm512_add_epi32(v, _mm512_alignr_epi32(v, z, 8));
}
/* The same on 16-bit lanes (box row sums of u8 that fit 16 bits). */
#define TVI_HAVE_SCAN16 1
static inline VU16 tvi_shl16(VU16 v, int k) {
  const __m512i idx =
      _mm512_sub_epi16(_mm512_set_epi16(31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17,
                                        16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
                       _mm512_set1_epi16((short)k));
  return _mm512_maskz_permutexvar_epi16(~(__mmask32)0 << k, idx, v);
}
static inline VU16 scan16(VU16 v) {
  v = _mm512_add_epi16(v, tvi_shl16(v, 1));
  v = _mm512_add_epi16(v, tvi_shl16(v, 2));
  v = _mm512_add_epi16(v, tvi_shl16(v, 4));
  v = _mm512_add_epi16(v, tvi_shl16(v, 8));
  return _mm512_add_epi16(v, tvi_shl16(v, 16));
}
static inline VU16 last16(VU16 v) { return _mm512_permutexvar_epi16(_mm512_set1_epi16(31), v); }
static inline VU16 sub16(VU16 a, VU16 b) { return _mm512_sub_epi16(a, b); }
static inline VU32 last32(VU32 v) { return _mm512_permutexvar_epi32(_mm512_set1_epi32(15), v); }

#include "sepconv_simd.h"

const tvi_sepconv_kernels tvi_sepconv_avx512 = TVI_SEPCONV_TABLE;
