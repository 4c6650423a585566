/* The flatfield family for avx2: 8 f32 lanes.
 * SPDX-License-Identifier: Apache-2.0 */
#include <immintrin.h>

#include <stdint.h>

static inline __m256 tvi_ld_u8(const uint8_t *p) {
  return _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_loadl_epi64((const void *)p)));
}
static inline __m256 tvi_ld_u16(const uint16_t *p) {
  return _mm256_cvtepi32_ps(_mm256_cvtepu16_epi32(_mm_loadu_si128((const void *)p)));
}
static inline __m128i tvi_round(__m256 v, float hi) {
  const __m256i w =
      _mm256_cvtps_epi32(_mm256_min_ps(_mm256_max_ps(v, _mm256_setzero_ps()), _mm256_set1_ps(hi)));
  return _mm_packus_epi32(_mm256_castsi256_si128(w), _mm256_extracti128_si256(w, 1));
}
static inline void tvi_st_u8(uint8_t *p, __m256 v) {
  const __m128i w = tvi_round(v, 255.0f);
  _mm_storel_epi64((void *)p, _mm_packus_epi16(w, w));
}

#define TVI_ISA avx2
#define TVI_VN 8
#define TVI_V __m256
#define TVI_LD_U8(p) tvi_ld_u8(p)
#define TVI_LD_U16(p) tvi_ld_u16(p)
#define TVI_LD_F32(p) _mm256_loadu_ps(p)
#define TVI_SUB(a, b) _mm256_sub_ps(a, b)
#define TVI_MUL(a, b) _mm256_mul_ps(a, b)
#define TVI_ST_U8(p, v) tvi_st_u8(p, v)
#define TVI_ST_U16(p, v) _mm_storeu_si128((void *)(p), tvi_round(v, 65535.0f))
#define TVI_ST_F32(p, v) _mm256_storeu_ps(p, v)
#include "flatfield_body.h"
