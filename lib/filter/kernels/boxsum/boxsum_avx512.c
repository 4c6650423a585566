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
static inline VF cvt_s32_f(VU32 v) { return _mm512_cvtepi32_ps(v); }
static inline VU32 cvt_f_s32(VF v) { return _mm512_cvtps_epi32(v); } /* nearest, ties to even */
/* Two vectors of int32 lanes to 2 * N32 u16, saturated. */
static inline void st2_s32_u16(uint16_t *p, VU32 a, VU32 b) {
  const __m512i q = _mm512_packus_epi32(a, b); /* a and b interleaved by 128-bit lanes */
  _mm512_storeu_si512((void *)p,
                      _mm512_permutexvar_epi64(_mm512_set_epi64(7, 5, 3, 1, 6, 4, 2, 0), q));
}
/* uint32 lanes to u8, saturated. */
static inline void st_u32_u8(uint8_t *p, VU32 v) {
  _mm_storeu_si128((void *)p, _mm512_cvtusepi32_epi8(v));
}
/* 16-bit lanes for hsum_u16_u8 (boxsum_simd.h). */
static inline VU16 set16(uint16_t v) { return _mm512_set1_epi16((short)v); }
/* Adds to every lane of each group of 4 lanes the last lane of the group d groups below (none
 * in the first d groups). */
static inline VU16 add_group16(VU16 v, int d) {
  const __m512i lane = _mm512_set_epi16(31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17,
                                        16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
  const __m512i idx = _mm512_sub_epi16(_mm512_or_si512(lane, _mm512_set1_epi16(3)),
                                       _mm512_set1_epi16((short)(4 * d)));
  return _mm512_add_epi16(v, _mm512_maskz_permutexvar_epi16(~(__mmask32)0 << (4 * d), idx, v));
}
/* Inclusive prefix sum of the lanes: within each 64-bit group of 4 lanes by shifts (no shuffle
 * port), then the groups' totals across groups by three lane permutes. */
static inline VU16 scan16(VU16 v) {
  v = _mm512_add_epi16(v, _mm512_slli_epi64(v, 16));
  v = _mm512_add_epi16(v, _mm512_slli_epi64(v, 32));
  return add_group16(add_group16(add_group16(v, 1), 2), 4);
}
static inline VU16 last16(VU16 v) { return _mm512_permutexvar_epi16(_mm512_set1_epi16(31), v); }
static inline VU16 mullo16(VU16 a, VU16 b) { return _mm512_mullo_epi16(a, b); }
static inline VU16 mulhi16(VU16 a, VU16 b) { return _mm512_mulhi_epu16(a, b); }
static inline VU16 srl16_7(VU16 v) { return _mm512_srli_epi16(v, 7); }
static inline VU16 min16u(VU16 a, VU16 b) { return _mm512_min_epu16(a, b); }
/* uint16 lanes to u8, saturated. */
static inline void st_u16_u8(uint8_t *p, VU16 v) {
  _mm256_storeu_si256((void *)p, _mm512_cvtusepi16_epi8(v));
}

#include "boxsum_simd.h"

const tvi_boxsum_kernels tvi_boxsum_avx512 = TVI_BOXSUM_TABLE;
