/* The deriv family for avx512: 512-bit vectors (32 int16 or 16 int32 lanes), FMA for magnitudes.
 * SPDX-License-Identifier: Apache-2.0 */
#include <immintrin.h>

#include "deriv.h"

#define TVI_DERIV_ISA avx512
#define VI16 __m512i
#define VI32 __m512i
#define VF __m512
#define N16 32
#define N32 16
#define TVI_P(p) ((const void *)(p))

#define LD8_16(p) _mm512_cvtepu8_epi16(_mm256_loadu_si256((const __m256i *)TVI_P(p)))
#define LD16_32(p) _mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)TVI_P(p)))
#define LD8_32(p) _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)TVI_P(p)))
#define ADD16 _mm512_add_epi16
#define SUB16 _mm512_sub_epi16
#define MUL16(v, k) _mm512_mullo_epi16((v), _mm512_set1_epi16(k))
#define ADD32 _mm512_add_epi32
#define SUB32 _mm512_sub_epi32
#define MUL32(v, k) _mm512_mullo_epi32((v), _mm512_set1_epi32(k))
#define CVTF _mm512_cvtepi32_ps

static inline void tvi_st16_f32_avx512(float *p, __m512i v) {
  _mm512_storeu_ps(p, _mm512_cvtepi32_ps(_mm512_cvtepi16_epi32(_mm512_castsi512_si256(v))));
  _mm512_storeu_ps(p + 16,
                   _mm512_cvtepi32_ps(_mm512_cvtepi16_epi32(_mm512_extracti64x4_epi64(v, 1))));
}
#define ST16_S16(p, v) _mm512_storeu_si512((void *)(p), (v))
#define ST16_F32(p, v) tvi_st16_f32_avx512((p), (v))
#define ST32_S16(p, v) _mm256_storeu_si256((__m256i *)(void *)(p), _mm512_cvtsepi32_epi16(v))
#define ST32_F32(p, v) _mm512_storeu_ps((p), _mm512_cvtepi32_ps(v))

#define MAG(x, y) _mm512_sqrt_ps(_mm512_fmadd_ps((x), (x), _mm512_mul_ps((y), (y))))
#define STF_F32(p, m) _mm512_storeu_ps((p), (m))
/* Magnitudes are >= 0, so the unsigned saturating narrowings see their true values. */
#define STF_U16(p, m)                                                                              \
  _mm256_storeu_si256((__m256i *)(void *)(p), _mm512_cvtusepi32_epi16(_mm512_cvtps_epi32(m)))
#define STF_U8(p, m)                                                                               \
  _mm_storeu_si128((__m128i *)(void *)(p), _mm512_cvtusepi32_epi8(_mm512_cvtps_epi32(m)))

#include "deriv_vec.h"

const tvi_deriv_kernels tvi_deriv_avx512 = TVI_DERIV_TABLE;
