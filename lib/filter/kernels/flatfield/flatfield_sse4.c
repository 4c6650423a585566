/* The flatfield family for sse4: 4 f32 lanes.
 * SPDX-License-Identifier: Apache-2.0 */
#include <immintrin.h>
#include <string.h>

#include <stdint.h>

static inline __m128 tvi_ld_u8(const uint8_t *p) {
  int32_t w;
  memcpy(&w, p, 4);
  return _mm_cvtepi32_ps(_mm_cvtepu8_epi32(_mm_cvtsi32_si128(w)));
}
static inline __m128 tvi_ld_u16(const uint16_t *p) {
  return _mm_cvtepi32_ps(_mm_cvtepu16_epi32(_mm_loadl_epi64((const void *)p)));
}
static inline __m128i tvi_round(__m128 v, float hi) {
  return _mm_cvtps_epi32(_mm_min_ps(_mm_max_ps(v, _mm_setzero_ps()), _mm_set1_ps(hi)));
}
static inline void tvi_st_u8(uint8_t *p, __m128 v) {
  const __m128i w = _mm_packus_epi32(tvi_round(v, 255.0f), _mm_setzero_si128());
  const int32_t b = _mm_cvtsi128_si32(_mm_packus_epi16(w, w));
  memcpy(p, &b, 4);
}
static inline void tvi_st_u16(uint16_t *p, __m128 v) {
  const __m128i w = tvi_round(v, 65535.0f);
  _mm_storel_epi64((void *)p, _mm_packus_epi32(w, w));
}

#define TVI_ISA sse4
#define TVI_VN 4
#define TVI_V __m128
#define TVI_LD_U8(p) tvi_ld_u8(p)
#define TVI_LD_U16(p) tvi_ld_u16(p)
#define TVI_LD_F32(p) _mm_loadu_ps(p)
#define TVI_SUB(a, b) _mm_sub_ps(a, b)
#define TVI_MUL(a, b) _mm_mul_ps(a, b)
#define TVI_ST_U8(p, v) tvi_st_u8(p, v)
#define TVI_ST_U16(p, v) tvi_st_u16(p, v)
#define TVI_ST_F32(p, v) _mm_storeu_ps(p, v)
#include "flatfield_body.h"
