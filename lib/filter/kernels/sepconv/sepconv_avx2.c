/* The sepconv family for avx2: 256-bit vectors, scalar tails.
 * SPDX-License-Identifier: Apache-2.0 */
#include <immintrin.h>
#include <string.h>

#include "sepconv.h"

#define TVI_ISA _avx2
#define N16 16
#define N32 8
typedef __m256i VU16;
typedef __m256i VU32;
typedef __m256i VS32;
typedef __m256 VF;

/* The low 128 bits after packing 256-bit vectors lane by lane. */
static inline __m128i tvi_low_packed(__m256i packed) {
  return _mm256_castsi256_si128(_mm256_permute4x64_epi64(packed, 0xD8));
}

static inline VU16 ld_u8_u16(const uint8_t *p) {
  return _mm256_cvtepu8_epi16(_mm_loadu_si128((const void *)p));
}
static inline VU16 ld_u16(const uint16_t *p) { return _mm256_loadu_si256((const void *)p); }
static inline void st_u16(uint16_t *p, VU16 v) { _mm256_storeu_si256((void *)p, v); }
static inline VU16 add16(VU16 a, VU16 b) { return _mm256_add_epi16(a, b); }
static inline VU16 mul16(VU16 a, VU16 b) { return _mm256_mullo_epi16(a, b); }
static inline VU16 set16(uint16_t v) { return _mm256_set1_epi16((short)v); }
static inline VU16 srl16(VU16 v, int n) { return _mm256_srl_epi16(v, _mm_cvtsi32_si128(n)); }
static inline VU16 min16u(VU16 a, VU16 b) { return _mm256_min_epu16(a, b); }
static inline void st_u16_u8(uint8_t *p, VU16 v) {
  _mm_storeu_si128((void *)p, tvi_low_packed(_mm256_packus_epi16(v, v)));
}

static inline VU32 ld_u8_u32(const uint8_t *p) {
  return _mm256_cvtepu8_epi32(_mm_loadl_epi64((const void *)p));
}
static inline VU32 ld_u16_u32(const uint16_t *p) {
  return _mm256_cvtepu16_epi32(_mm_loadu_si128((const void *)p));
}
static inline VU32 ld_u32(const uint32_t *p) { return _mm256_loadu_si256((const void *)p); }
static inline void st_u32(uint32_t *p, VU32 v) { _mm256_storeu_si256((void *)p, v); }
static inline VU32 add32(VU32 a, VU32 b) { return _mm256_add_epi32(a, b); }
static inline VU32 sub32(VU32 a, VU32 b) { return _mm256_sub_epi32(a, b); }
static inline VU32 mul32(VU32 a, VU32 b) { return _mm256_mullo_epi32(a, b); }
static inline VU32 and32(VU32 a, VU32 b) { return _mm256_and_si256(a, b); }
static inline VU32 set32(uint32_t v) { return _mm256_set1_epi32((int)v); }
static inline VU32 srl32(VU32 v, int n) { return _mm256_srl_epi32(v, _mm_cvtsi32_si128(n)); }
static inline VU32 min32u(VU32 a, VU32 b) { return _mm256_min_epu32(a, b); }
/* Narrowing stores of values already in range (u32 <= 65535, or <= 255). */
static inline void st_u32_u16(uint16_t *p, VU32 v) {
  _mm_storeu_si128((void *)p, tvi_low_packed(_mm256_packus_epi32(v, v)));
}
static inline void st_u32_u8(uint8_t *p, VU32 v) {
  const __m128i w = tvi_low_packed(_mm256_packus_epi32(v, v));
  _mm_storel_epi64((void *)p, _mm_packus_epi16(w, w));
}

static inline VS32 lds32(const int32_t *p) { return _mm256_loadu_si256((const void *)p); }
static inline void sts32(int32_t *p, VS32 v) { _mm256_storeu_si256((void *)p, v); }
static inline VS32 adds32(VS32 a, VS32 b) { return _mm256_add_epi32(a, b); }
static inline VS32 subs32(VS32 a, VS32 b) { return _mm256_sub_epi32(a, b); }
static inline VS32 sets32(int32_t v) { return _mm256_set1_epi32(v); }
static inline VS32 maxs32(VS32 a, VS32 b) { return _mm256_max_epi32(a, b); }
static inline VS32 mins32(VS32 a, VS32 b) { return _mm256_min_epi32(a, b); }
static inline void st_s32_u8(uint8_t *p, VS32 v) { st_u32_u8(p, v); }
static inline void st_s32_u16(uint16_t *p, VS32 v) { st_u32_u16(p, v); }
static inline void st_s32_s16(int16_t *p, VS32 v) {
  _mm_storeu_si128((void *)p, tvi_low_packed(_mm256_packs_epi32(v, v)));
}

static inline VF ldf(const float *p) { return _mm256_loadu_ps(p); }
static inline void stf(float *p, VF v) { _mm256_storeu_ps(p, v); }
static inline VF addf(VF a, VF b) { return _mm256_add_ps(a, b); }
static inline VF mulf(VF a, VF b) { return _mm256_mul_ps(a, b); }
static inline VF setf(float v) { return _mm256_set1_ps(v); }
static inline VF maxf(VF a, VF b) { return _mm256_max_ps(a, b); }
static inline VF minf(VF a, VF b) { return _mm256_min_ps(a, b); }
static inline VF cvt_u32_f(VU32 v) { return _mm256_cvtepi32_ps(v); }
static inline VF cvt_s32_f(VS32 v) { return _mm256_cvtepi32_ps(v); }
static inline VS32 cvt_f_s32(VF v) { return _mm256_cvtps_epi32(v); } /* nearest, ties to even */

static inline VS32 as_s32(VU32 v) { return v; }
static inline VU32 sll32(VU32 v, int n) { return _mm256_sll_epi32(v, _mm_cvtsi32_si128(n)); }
/* Inclusive prefix sum of the lanes, and the last lane in every lane (box running sums). */
static inline VU32 scan32(VU32 v) {
  v = _mm256_add_epi32(v, _mm256_alignr_epi8(v, _mm256_permute2x128_si256(v, v, 0x08), 12));
  v = _mm256_add_epi32(v, _mm256_alignr_epi8(v, _mm256_permute2x128_si256(v, v, 0x08), 8));
  return _mm256_add_epi32(v, _mm256_permute2x128_si256(v, v, 0x08));
}
static inline VU32 last32(VU32 v) { return _mm256_permutevar8x32_epi32(v, _mm256_set1_epi32(7)); }

#include "sepconv_simd.h"

const tvi_sepconv_kernels tvi_sepconv_avx2 = TVI_SEPCONV_TABLE;
