/* The deriv family for sse4: 128-bit vectors (8 int16 or 4 int32 lanes), FMA emulated in f64.
 * SPDX-License-Identifier: Apache-2.0 */
#include <immintrin.h>
#include <string.h>

#include "deriv.h"

#define TVI_DERIV_ISA sse4
#define VI16 __m128i
#define VI32 __m128i
#define VF __m128
#define N16 8
#define N32 4
#define TVI_P(p) ((const __m128i *)(const void *)(p))
#define TVI_Q(p) ((__m128i *)(void *)(p))

static inline int32_t tvi_ld32_sse4(const void *p) {
  int32_t v;
  memcpy(&v, p, 4);
  return v;
}

#define LD8_16(p) _mm_cvtepu8_epi16(_mm_loadl_epi64(TVI_P(p)))
#define LD16_32(p) _mm_cvtepu16_epi32(_mm_loadl_epi64(TVI_P(p)))
#define LD8_32(p) _mm_cvtepu8_epi32(_mm_cvtsi32_si128(tvi_ld32_sse4(p)))
#define ADD16 _mm_add_epi16
#define SUB16 _mm_sub_epi16
#define MUL16(v, k) _mm_mullo_epi16((v), _mm_set1_epi16(k))
#define ADD32 _mm_add_epi32
#define SUB32 _mm_sub_epi32
#define MUL32(v, k) _mm_mullo_epi32((v), _mm_set1_epi32(k))
#define CVTF _mm_cvtepi32_ps

static inline void tvi_st16_f32_sse4(float *p, __m128i v) {
  _mm_storeu_ps(p, _mm_cvtepi32_ps(_mm_cvtepi16_epi32(v)));
  _mm_storeu_ps(p + 4, _mm_cvtepi32_ps(_mm_cvtepi16_epi32(_mm_srli_si128(v, 8))));
}
#define ST16_S16(p, v) _mm_storeu_si128(TVI_Q(p), (v))
#define ST16_F32(p, v) tvi_st16_f32_sse4((p), (v))
#define ST32_S16(p, v) _mm_storel_epi64(TVI_Q(p), _mm_packs_epi32((v), (v)))
#define ST32_F32(p, v) _mm_storeu_ps((p), _mm_cvtepi32_ps(v))

/* sqrt(fma(x, x, y * y)) without FMA: x * x is exact in f64 and so is the sum for integer-valued
 * x, y, so one rounding to f32 gives the fused result (as tvi_mag_f32). */
static inline __m128 tvi_mag_sse4(__m128 x, __m128 y) {
  const __m128 yy = _mm_mul_ps(y, y);
  const __m128d xl = _mm_cvtps_pd(x), xh = _mm_cvtps_pd(_mm_movehl_ps(x, x));
  const __m128d yl = _mm_cvtps_pd(yy), yh = _mm_cvtps_pd(_mm_movehl_ps(yy, yy));
  const __m128 sl = _mm_cvtpd_ps(_mm_add_pd(_mm_mul_pd(xl, xl), yl));
  const __m128 sh = _mm_cvtpd_ps(_mm_add_pd(_mm_mul_pd(xh, xh), yh));
  return _mm_sqrt_ps(_mm_movelh_ps(sl, sh));
}
static inline void tvi_stf_u8_sse4(uint8_t *p, __m128 m) {
  __m128i r = _mm_cvtps_epi32(m);
  r = _mm_packs_epi32(r, r); /* signed first: packus_epi16 reads its input as signed */
  r = _mm_packus_epi16(r, r);
  const int32_t t = _mm_cvtsi128_si32(r);
  memcpy(p, &t, 4);
}
#define MAG(x, y) tvi_mag_sse4((x), (y))
#define STF_F32(p, m) _mm_storeu_ps((p), (m))
#define STF_U8(p, m) tvi_stf_u8_sse4((p), (m))
#define STF_U16(p, m)                                                                              \
  _mm_storel_epi64(TVI_Q(p), _mm_packus_epi32(_mm_cvtps_epi32(m), _mm_cvtps_epi32(m)))

/* Separable passes. */
static inline void tvi_st16_s32_sse4(int32_t *p, __m128i v) {
  _mm_storeu_si128(TVI_Q(p), _mm_cvtepi16_epi32(v));
  _mm_storeu_si128(TVI_Q(p + 4), _mm_cvtepi16_epi32(_mm_srli_si128(v, 8)));
}
/* NaN to 0, clamp to the s16 range, round half to even (MXCSR default), narrow. */
static inline void tvi_std_s16_sse4(int16_t *p, __m128d d) {
  d = _mm_andnot_pd(_mm_cmpunord_pd(d, d), d);
  d = _mm_min_pd(_mm_max_pd(d, _mm_set1_pd(-32768.0)), _mm_set1_pd(32767.0));
  const __m128i i = _mm_cvtpd_epi32(d);
  const int32_t t = _mm_cvtsi128_si32(_mm_packs_epi32(i, i));
  memcpy(p, &t, 4);
}
/* As tvi_std_s16_sse4 for values that are not NaN: above 32767 clamps, below -2^31 converts to
 * INT32_MIN, and the saturating narrowing does the rest. */
static inline void tvi_sti_s16_sse4(int16_t *p, __m128d d) {
  const __m128i i = _mm_cvtpd_epi32(_mm_min_pd(d, _mm_set1_pd(32767.0)));
  const int32_t t = _mm_cvtsi128_si32(_mm_packs_epi32(i, i));
  memcpy(p, &t, 4);
}
#define STI_S16(p, d) tvi_sti_s16_sse4((p), (d))
#define SET16(k) _mm_set1_epi16((int16_t)(k))
#define SET32(k) _mm_set1_epi32(k)
#define MULV16 _mm_mullo_epi16
#define MULV32 _mm_mullo_epi32
#define LDS32(p) _mm_loadu_si128(TVI_P(p))
#define STS32(p, v) _mm_storeu_si128(TVI_Q(p), (v))
#define ST16_S32(p, v) tvi_st16_s32_sse4((p), (v))
#define VD __m128d
#define ND 2
#define SETD _mm_set1_pd
#define ADDD _mm_add_pd
#define MULD _mm_mul_pd
#define LDD _mm_loadu_pd
#define STD _mm_storeu_pd
#define LDF_D(p) _mm_cvtps_pd(_mm_castsi128_ps(_mm_loadl_epi64(TVI_P(p))))
#define CVTD_LO(v) _mm_cvtepi32_pd(v)
#define CVTD_HI(v) _mm_cvtepi32_pd(_mm_srli_si128((v), 8))
#define STD_S16(p, d) tvi_std_s16_sse4((p), (d))
#define STD_F32(p, d) _mm_storel_epi64(TVI_Q(p), _mm_castps_si128(_mm_cvtpd_ps(d)))

#include "deriv_vec.h"

const tvi_deriv_kernels tvi_deriv_sse4 = TVI_DERIV_TABLE;
