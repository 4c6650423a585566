/* The flatfield family for avx512: 16 f32 lanes.
 * SPDX-License-Identifier: Apache-2.0 */
#include <immintrin.h>

#include <stdint.h>

static inline __m512 tvi_ld_u8(const uint8_t *p) {
  return _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_loadu_si128((const void *)p)));
}
static inline __m512 tvi_ld_u16(const uint16_t *p) {
  return _mm512_cvtepi32_ps(_mm512_cvtepu16_epi32(_mm256_loadu_si256((const void *)p)));
}
static inline __m512i tvi_round(__m512 v, float hi) {
  return _mm512_cvtps_epi32(
      _mm512_min_ps(_mm512_max_ps(v, _mm512_setzero_ps()), _mm512_set1_ps(hi)));
}

#define TVI_ISA avx512
#define TVI_VN 16
#define TVI_V __m512
#define TVI_LD_U8(p) tvi_ld_u8(p)
#define TVI_LD_U16(p) tvi_ld_u16(p)
#define TVI_LD_F32(p) _mm512_loadu_ps(p)
#define TVI_SUB(a, b) _mm512_sub_ps(a, b)
#define TVI_MUL(a, b) _mm512_mul_ps(a, b)
#define TVI_ST_U8(p, v) _mm_storeu_si128((void *)(p), _mm512_cvtusepi32_epi8(tvi_round(v, 255.0f)))
#define TVI_ST_U16(p, v)                                                                           \
  _mm256_storeu_si256((void *)(p), _mm512_cvtusepi32_epi16(tvi_round(v, 65535.0f)))
#define TVI_ST_F32(p, v) _mm512_storeu_ps(p, v)
#include "flatfield_body.h"
