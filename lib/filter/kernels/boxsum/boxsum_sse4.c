/* The boxsum family for sse4.1: 128-bit vectors, scalar tails.
 * SPDX-License-Identifier: Apache-2.0 */
#include <smmintrin.h>
#include <string.h>

#include "boxsum.h"

typedef __m128i VU32;
typedef __m128i VU16;
typedef __m128 VF;
#define N32 4
#define N16 8
#define TVI_K(name) tvi_boxsum_##name##sse4

static inline VU32 ld_u32(const uint32_t *p) { return _mm_loadu_si128((const void *)p); }
static inline VU32 ld_u16_u32(const uint16_t *p) {
  return _mm_cvtepu16_epi32(_mm_loadl_epi64((const void *)p));
}
static inline void st_u32(uint32_t *p, VU32 v) { _mm_storeu_si128((void *)p, v); }
static inline VU16 ld_u16(const uint16_t *p) { return _mm_loadu_si128((const void *)p); }
static inline VU16 ld_u8_u16(const uint8_t *p) {
  return _mm_cvtepu8_epi16(_mm_loadl_epi64((const void *)p));
}
static inline void st_u16(uint16_t *p, VU16 v) { _mm_storeu_si128((void *)p, v); }
static inline VU16 add16(VU16 a, VU16 b) { return _mm_add_epi16(a, b); }
static inline VU16 sub16(VU16 a, VU16 b) { return _mm_sub_epi16(a, b); }
static inline VU32 add32(VU32 a, VU32 b) { return _mm_add_epi32(a, b); }
static inline VU32 sub32(VU32 a, VU32 b) { return _mm_sub_epi32(a, b); }
static inline VU32 set32(uint32_t v) { return _mm_set1_epi32((int)v); }
/* Inclusive prefix sum of the lanes. */
static inline VU32 scan32(VU32 v) {
  v = _mm_add_epi32(v, _mm_slli_si128(v, 4));
  return _mm_add_epi32(v, _mm_slli_si128(v, 8));
}
/* The last lane in every lane. */
static inline VU32 last32(VU32 v) { return _mm_shuffle_epi32(v, 0xFF); }
static inline VF setf(float v) { return _mm_set1_ps(v); }
static inline VF mulf(VF a, VF b) { return _mm_mul_ps(a, b); }
static inline VF minf(VF a, VF b) { return _mm_min_ps(a, b); }
static inline VF cvt_s32_f(VU32 v) { return _mm_cvtepi32_ps(v); }
static inline VU32 cvt_f_s32(VF v) { return _mm_cvtps_epi32(v); } /* nearest, ties to even */
/* Two vectors of int32 lanes to 2 * N32 u16, saturated. */
static inline void st2_s32_u16(uint16_t *p, VU32 a, VU32 b) {
  _mm_storeu_si128((void *)p, _mm_packus_epi32(a, b));
}
/* int32 lanes to u8, saturated (the kernels store lanes in [0, 2^31)). */
static inline void st_u32_u8(uint8_t *p, VU32 v) {
  const __m128i w = _mm_min_epu16(_mm_packus_epi32(v, v), _mm_set1_epi16(255));
  const int32_t t = _mm_cvtsi128_si32(_mm_packus_epi16(w, w));
  memcpy(p, &t, 4);
}
/* 16-bit lanes for hsum_u16_u8 (boxsum_simd.h). */
static inline VU16 set16(uint16_t v) { return _mm_set1_epi16((short)v); }
/* Inclusive prefix sum of the lanes: within each 64-bit group of 4 lanes by shifts, then lane 3
 * added to lanes 4..7. */
static inline VU16 scan16(VU16 v) {
  v = _mm_add_epi16(v, _mm_slli_epi64(v, 16));
  v = _mm_add_epi16(v, _mm_slli_epi64(v, 32));
  return _mm_add_epi16(
      v, _mm_shuffle_epi8(v, _mm_set_epi8(7, 6, 7, 6, 7, 6, 7, 6, -1, -1, -1, -1, -1, -1, -1, -1)));
}
/* The last lane in every lane. */
static inline VU16 last16(VU16 v) { return _mm_shuffle_epi8(v, _mm_set1_epi16(0x0f0e)); }
static inline VU16 mullo16(VU16 a, VU16 b) { return _mm_mullo_epi16(a, b); }
static inline VU16 mulhi16(VU16 a, VU16 b) { return _mm_mulhi_epu16(a, b); }
static inline VU16 srl16_7(VU16 v) { return _mm_srli_epi16(v, 7); }
static inline VU16 min16u(VU16 a, VU16 b) { return _mm_min_epu16(a, b); }
/* uint16 lanes below 2^15 to u8, saturated. */
static inline void st_u16_u8(uint8_t *p, VU16 v) {
  _mm_storel_epi64((void *)p, _mm_packus_epi16(v, v));
}

#include "boxsum_simd.h"

const tvi_boxsum_kernels tvi_boxsum_sse4 = TVI_BOXSUM_TABLE;
