/* The deriv family for avx2: 256-bit vectors (16 int16 or 8 int32 lanes), FMA for magnitudes.
 * SPDX-License-Identifier: Apache-2.0 */
#include <immintrin.h>

#include "deriv.h"

#define TVI_DERIV_ISA avx2
#define VI16 __m256i
#define VI32 __m256i
#define VF __m256
#define N16 16
#define N32 8
#define TVI_P(p) ((const __m128i *)(const void *)(p))
#define TVI_Q(p) ((__m128i *)(void *)(p))

#define LD8_16(p) _mm256_cvtepu8_epi16(_mm_loadu_si128(TVI_P(p)))
#define LD16_32(p) _mm256_cvtepu16_epi32(_mm_loadu_si128(TVI_P(p)))
#define LD8_32(p) _mm256_cvtepu8_epi32(_mm_loadl_epi64(TVI_P(p)))
#define ADD16 _mm256_add_epi16
#define SUB16 _mm256_sub_epi16
#define MUL16(v, k) _mm256_mullo_epi16((v), _mm256_set1_epi16(k))
#define ADD32 _mm256_add_epi32
#define SUB32 _mm256_sub_epi32
#define MUL32(v, k) _mm256_mullo_epi32((v), _mm256_set1_epi32(k))
#define CVTF _mm256_cvtepi32_ps

static inline void tvi_st16_f32_avx2(float *p, __m256i v) {
  _mm256_storeu_ps(p, _mm256_cvtepi32_ps(_mm256_cvtepi16_epi32(_mm256_castsi256_si128(v))));
  _mm256_storeu_ps(p + 8,
                   _mm256_cvtepi32_ps(_mm256_cvtepi16_epi32(_mm256_extracti128_si256(v, 1))));
}
/* The 8 int32 lanes of v narrowed (packs/packus) into 8 x 16 bits, in order. */
static inline __m128i tvi_packs_avx2(__m256i v) {
  return _mm256_castsi256_si128(_mm256_permute4x64_epi64(_mm256_packs_epi32(v, v), 0x08));
}
static inline __m128i tvi_packus_avx2(__m256i v) {
  return _mm256_castsi256_si128(_mm256_permute4x64_epi64(_mm256_packus_epi32(v, v), 0x08));
}
#define ST16_S16(p, v) _mm256_storeu_si256((__m256i *)(void *)(p), (v))
#define ST16_F32(p, v) tvi_st16_f32_avx2((p), (v))
#define ST32_S16(p, v) _mm_storeu_si128(TVI_Q(p), tvi_packs_avx2(v))
#define ST32_F32(p, v) _mm256_storeu_ps((p), _mm256_cvtepi32_ps(v))

#define MAG(x, y) _mm256_sqrt_ps(_mm256_fmadd_ps((x), (x), _mm256_mul_ps((y), (y))))
#define STF_F32(p, m) _mm256_storeu_ps((p), (m))
#define STF_U16(p, m) _mm_storeu_si128(TVI_Q(p), tvi_packus_avx2(_mm256_cvtps_epi32(m)))
#define STF_U8(p, m)                                                                               \
  _mm_storel_epi64(TVI_Q(p),                                                                       \
                   _mm_packus_epi16(tvi_packs_avx2(_mm256_cvtps_epi32(m)), _mm_setzero_si128()))

/* Separable passes. */
static inline void tvi_st16_s32_avx2(int32_t *p, __m256i v) {
  _mm256_storeu_si256((__m256i *)(void *)p, _mm256_cvtepi16_epi32(_mm256_castsi256_si128(v)));
  _mm256_storeu_si256((__m256i *)(void *)(p + 8),
                      _mm256_cvtepi16_epi32(_mm256_extracti128_si256(v, 1)));
}
/* NaN to 0, clamp to the s16 range, round half to even (MXCSR default), narrow. */
static inline void tvi_std_s16_avx2(int16_t *p, __m256d d) {
  d = _mm256_andnot_pd(_mm256_cmp_pd(d, d, _CMP_UNORD_Q), d);
  d = _mm256_min_pd(_mm256_max_pd(d, _mm256_set1_pd(-32768.0)), _mm256_set1_pd(32767.0));
  const __m128i i = _mm256_cvtpd_epi32(d);
  _mm_storel_epi64(TVI_Q(p), _mm_packs_epi32(i, i));
}
/* As tvi_std_s16_avx2 for values that are not NaN: above 32767 clamps, below -2^31 converts to
 * INT32_MIN, and the saturating narrowing does the rest. */
static inline void tvi_sti_s16_avx2(int16_t *p, __m256d d) {
  const __m128i i = _mm256_cvtpd_epi32(_mm256_min_pd(d, _mm256_set1_pd(32767.0)));
  _mm_storel_epi64(TVI_Q(p), _mm_packs_epi32(i, i));
}
#define STI_S16(p, d) tvi_sti_s16_avx2((p), (d))
#define SET16(k) _mm256_set1_epi16((int16_t)(k))
#define SET32(k) _mm256_set1_epi32(k)
#define MULV16 _mm256_mullo_epi16
#define MULV32 _mm256_mullo_epi32
#define LDS32(p) _mm256_loadu_si256((const __m256i *)(const void *)(p))
#define STS32(p, v) _mm256_storeu_si256((__m256i *)(void *)(p), (v))
#define ST16_S32(p, v) tvi_st16_s32_avx2((p), (v))
#define VD __m256d
#define ND 4
#define SETD _mm256_set1_pd
#define ADDD _mm256_add_pd
#define MULD _mm256_mul_pd
#define LDD _mm256_loadu_pd
#define STD _mm256_storeu_pd
#define LDF_D(p) _mm256_cvtps_pd(_mm_loadu_ps(p))
#define CVTD_LO(v) _mm256_cvtepi32_pd(_mm256_castsi256_si128(v))
#define CVTD_HI(v) _mm256_cvtepi32_pd(_mm256_extracti128_si256((v), 1))
#define STD_S16(p, d) tvi_std_s16_avx2((p), (d))
#define STD_F32(p, d) _mm_storeu_ps((p), _mm256_cvtpd_ps(d))

#include "deriv_vec.h"

const tvi_deriv_kernels tvi_deriv_avx2 = TVI_DERIV_TABLE;
