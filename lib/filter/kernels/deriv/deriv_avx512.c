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

/* Separable passes. */
static inline void tvi_st16_s32_avx512(int32_t *p, __m512i v) {
  _mm512_storeu_si512((void *)p, _mm512_cvtepi16_epi32(_mm512_castsi512_si256(v)));
  _mm512_storeu_si512((void *)(p + 16), _mm512_cvtepi16_epi32(_mm512_extracti64x4_epi64(v, 1)));
}
/* NaN to 0, clamp to the s16 range, round half to even (MXCSR default), narrow. */
static inline void tvi_std_s16_avx512(int16_t *p, __m512d d) {
  d = _mm512_mask_mov_pd(d, _mm512_cmp_pd_mask(d, d, _CMP_UNORD_Q), _mm512_setzero_pd());
  d = _mm512_min_pd(_mm512_max_pd(d, _mm512_set1_pd(-32768.0)), _mm512_set1_pd(32767.0));
  _mm_storeu_si128((__m128i *)(void *)p, _mm256_cvtsepi32_epi16(_mm512_cvtpd_epi32(d)));
}
/* As tvi_std_s16_avx512 for values that are not NaN: above 32767 clamps, below -2^31 converts to
 * INT32_MIN, and the saturating narrowing does the rest. */
static inline void tvi_sti_s16_avx512(int16_t *p, __m512d d) {
  const __m256i i = _mm512_cvtpd_epi32(_mm512_min_pd(d, _mm512_set1_pd(32767.0)));
  _mm_storeu_si128((__m128i *)(void *)p, _mm256_cvtsepi32_epi16(i));
}
#define STI_S16(p, d) tvi_sti_s16_avx512((p), (d))
#define SET16(k) _mm512_set1_epi16((int16_t)(k))
#define SET32(k) _mm512_set1_epi32(k)
#define MULV16 _mm512_mullo_epi16
#define MULV32 _mm512_mullo_epi32
#define LDS32(p) _mm512_loadu_si512((const void *)(p))
#define STS32(p, v) _mm512_storeu_si512((void *)(p), (v))
#define ST16_S32(p, v) tvi_st16_s32_avx512((p), (v))
#define VD __m512d
#define ND 8
#define SETD _mm512_set1_pd
#define ADDD _mm512_add_pd
#define MULD _mm512_mul_pd
#define LDD _mm512_loadu_pd
#define STD _mm512_storeu_pd
#define LDF_D(p) _mm512_cvtps_pd(_mm256_loadu_ps(p))
#define CVTD_LO(v) _mm512_cvtepi32_pd(_mm512_castsi512_si256(v))
#define CVTD_HI(v) _mm512_cvtepi32_pd(_mm512_extracti64x4_epi64((v), 1))
#define STD_S16(p, d) tvi_std_s16_avx512((p), (d))
#define STD_F32(p, d) _mm256_storeu_ps((p), _mm512_cvtpd_ps(d))

#include "deriv_vec.h"

const tvi_deriv_kernels tvi_deriv_avx512 = TVI_DERIV_TABLE;
