/* The boxsum family for avx512 (F/BW): 512-bit vectors, scalar tails.
 * SPDX-License-Identifier: Apache-2.0 */
#include <immintrin.h>

#include "boxsum.h"

typedef __m512i VU32;
typedef __m512i VU16;
typedef __m512 VF;
#define N32 16
#define N16 32
#define TVI_K(name) tvi_boxsum_##name##avx512

static inline VU32 ld_u32(const uint32_t *p) { return _mm512_loadu_si512((const void *)p); }
static inline VU32 ld_u16_u32(const uint16_t *p) {
  return _mm512_cvtepu16_epi32(_mm256_loadu_si256((const void *)p));
}
static inline void st_u32(uint32_t *p, VU32 v) { _mm512_storeu_si512((void *)p, v); }
static inline VU16 ld_u16(const uint16_t *p) { return _mm512_loadu_si512((const void *)p); }
static inline VU16 ld_u8_u16(const uint8_t *p) {
  return _mm512_cvtepu8_epi16(_mm256_loadu_si256((const void *)p));
}
static inline void st_u16(uint16_t *p, VU16 v) { _mm512_storeu_si512((void *)p, v); }
static inline VU16 add16(VU16 a, VU16 b) { return _mm512_add_epi16(a, b); }
static inline VU16 sub16(VU16 a, VU16 b) { return _mm512_sub_epi16(a, b); }
static inline VU32 add32(VU32 a, VU32 b) { return _mm512_add_epi32(a, b); }
static inline VU32 sub32(VU32 a, VU32 b) { return _mm512_sub_epi32(a, b); }
static inline VU32 set32(uint32_t v) { return _mm512_set1_epi32((int)v); }
/* Inclusive prefix sum of the lanes. */
static inline VU32 scan32(VU32 v) {
  const __m512i z = _mm512_setzero_si512();
  v = _mm512_add_epi32(v, _mm512_alignr_epi32(v, z, 15));
  v = _mm512_add_epi32(v, _mm512_alignr_epi32(v, z, 14));
  v = _mm512_add_epi32(v, _mm512_alignr_epi32(v, z, 12));
  return _mm512_add_epi32(v, _mm512_alignr_epi32(v, z, 8));
}
/* The last lane in every lane. */
static inline VU32 last32(VU32 v) { return _mm512_permutexvar_epi32(_mm512_set1_epi32(15), v); }
static inline VF setf(float v) { return _mm512_set1_ps(v); }
static inline VF mulf(VF a, VF b) { return _mm512_mul_ps(a, b); }
static inline VF minf(VF a, VF b) { return _mm512_min_ps(a, b); }
static inline VF maxf(VF a, VF b) { return _mm512_max_ps(a, b); }
static inline VF cvt_s32_f(VU32 v) { return _mm512_cvtepi32_ps(v); }
static inline VU32 cvt_f_s32(VF v) { return _mm512_cvtps_epi32(v); } /* nearest, ties to even */
static inline VU32 mins32(VU32 a, VU32 b) { return _mm512_min_epi32(a, b); }
static inline VU32 maxs32(VU32 a, VU32 b) { return _mm512_max_epi32(a, b); }
/* int32 lanes already in [0, 65535] to u16. */
static inline void st_s32_u16(uint16_t *p, VU32 v) {
  _mm256_storeu_si256((void *)p, _mm512_cvtepi32_epi16(v));
}

#include "boxsum_simd.h"

const tvi_boxsum_kernels tvi_boxsum_avx512 = TVI_BOXSUM_TABLE;
