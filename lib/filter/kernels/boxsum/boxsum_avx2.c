/* The boxsum family for avx2: 256-bit vectors, scalar tails.
 * SPDX-License-Identifier: Apache-2.0 */
#include <immintrin.h>

#include "boxsum.h"

typedef __m256i VU32;
typedef __m256i VU16;
typedef __m256 VF;
#define N32 8
#define N16 16
#define TVI_K(name) tvi_boxsum_##name##avx2

static inline VU32 ld_u32(const uint32_t *p) { return _mm256_loadu_si256((const void *)p); }
static inline VU32 ld_u16_u32(const uint16_t *p) {
  return _mm256_cvtepu16_epi32(_mm_loadu_si128((const void *)p));
}
static inline void st_u32(uint32_t *p, VU32 v) { _mm256_storeu_si256((void *)p, v); }
static inline VU16 ld_u16(const uint16_t *p) { return _mm256_loadu_si256((const void *)p); }
static inline VU16 ld_u8_u16(const uint8_t *p) {
  return _mm256_cvtepu8_epi16(_mm_loadu_si128((const void *)p));
}
static inline void st_u16(uint16_t *p, VU16 v) { _mm256_storeu_si256((void *)p, v); }
static inline VU16 add16(VU16 a, VU16 b) { return _mm256_add_epi16(a, b); }
static inline VU16 sub16(VU16 a, VU16 b) { return _mm256_sub_epi16(a, b); }
static inline VU32 add32(VU32 a, VU32 b) { return _mm256_add_epi32(a, b); }
static inline VU32 sub32(VU32 a, VU32 b) { return _mm256_sub_epi32(a, b); }
static inline VU32 set32(uint32_t v) { return _mm256_set1_epi32((int)v); }
/* Inclusive prefix sum of the lanes: within each 128-bit half, then the low half's total added
 * to the high half. */
static inline VU32 scan32(VU32 v) {
  v = _mm256_add_epi32(v, _mm256_slli_si256(v, 4));
  v = _mm256_add_epi32(v, _mm256_slli_si256(v, 8));
  const __m256i t = _mm256_shuffle_epi32(v, 0xFF);
  return _mm256_add_epi32(v, _mm256_permute2x128_si256(t, t, 0x08));
}
/* The last lane in every lane. */
static inline VU32 last32(VU32 v) { return _mm256_permutevar8x32_epi32(v, _mm256_set1_epi32(7)); }
static inline VF setf(float v) { return _mm256_set1_ps(v); }
static inline VF mulf(VF a, VF b) { return _mm256_mul_ps(a, b); }
static inline VF minf(VF a, VF b) { return _mm256_min_ps(a, b); }
static inline VF maxf(VF a, VF b) { return _mm256_max_ps(a, b); }
static inline VF cvt_s32_f(VU32 v) { return _mm256_cvtepi32_ps(v); }
static inline VU32 cvt_f_s32(VF v) { return _mm256_cvtps_epi32(v); } /* nearest, ties to even */
static inline VU32 mins32(VU32 a, VU32 b) { return _mm256_min_epi32(a, b); }
static inline VU32 maxs32(VU32 a, VU32 b) { return _mm256_max_epi32(a, b); }
/* int32 lanes already in [0, 65535] to u16. */
static inline void st_s32_u16(uint16_t *p, VU32 v) {
  const __m256i q = _mm256_permute4x64_epi64(_mm256_packus_epi32(v, v), 0x08);
  _mm_storeu_si128((void *)p, _mm256_castsi256_si128(q));
}

#include "boxsum_simd.h"

const tvi_boxsum_kernels tvi_boxsum_avx2 = TVI_BOXSUM_TABLE;
