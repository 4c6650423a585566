/* The arith family for avx512: 512-bit vectors, scalar tails.
 * SPDX-License-Identifier: Apache-2.0 */
#include <immintrin.h>

#include "arith.h"

#define VB (512 / 8) /* bytes per vector */

static void tvi_absdiff_u8_avx512(const uint8_t *a, const uint8_t *b, uint8_t *dst, size_t n) {
  size_t i = 0;
  for (; i + VB <= n; i += VB) {
    const __m512i x = _mm512_loadu_si512((const void *)(a + i)),
                  y = _mm512_loadu_si512((const void *)(b + i));
    _mm512_storeu_si512((void *)(dst + i),
                        _mm512_or_si512(_mm512_subs_epu8(x, y), _mm512_subs_epu8(y, x)));
  }
  tvi_absdiff_u8_scalar(a + i, b + i, dst + i, n - i);
}

static void tvi_absdiff_u16_avx512(const uint16_t *a, const uint16_t *b, uint16_t *dst, size_t n) {
  size_t i = 0;
  for (; i + VB / 2 <= n; i += VB / 2) {
    const __m512i x = _mm512_loadu_si512((const void *)(a + i)),
                  y = _mm512_loadu_si512((const void *)(b + i));
    _mm512_storeu_si512((void *)(dst + i),
                        _mm512_or_si512(_mm512_subs_epu16(x, y), _mm512_subs_epu16(y, x)));
  }
  tvi_absdiff_u16_scalar(a + i, b + i, dst + i, n - i);
}

static void tvi_absdiff_s16_avx512(const int16_t *a, const int16_t *b, int16_t *dst, size_t n) {
  size_t i = 0;
  for (; i + VB / 2 <= n; i += VB / 2) {
    const __m512i x = _mm512_loadu_si512((const void *)(a + i)),
                  y = _mm512_loadu_si512((const void *)(b + i));
    /* max - min is in [0, 65535]; the saturating subtraction clips it to 32767. */
    _mm512_storeu_si512((void *)(dst + i),
                        _mm512_subs_epi16(_mm512_max_epi16(x, y), _mm512_min_epi16(x, y)));
  }
  tvi_absdiff_s16_scalar(a + i, b + i, dst + i, n - i);
}

static void tvi_absdiff_f32_avx512(const float *a, const float *b, float *dst, size_t n) {
  size_t i = 0;
  for (; i + VB / 4 <= n; i += VB / 4) {
    const __m512 d = _mm512_sub_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i));
    _mm512_storeu_ps(dst + i, _mm512_andnot_ps(_mm512_set1_ps(-0.0f), d)); /* clear the sign */
  }
  tvi_absdiff_f32_scalar(a + i, b + i, dst + i, n - i);
}

const tvi_arith_kernels tvi_arith_avx512 = {
    tvi_absdiff_u8_avx512,
    tvi_absdiff_u16_avx512,
    tvi_absdiff_s16_avx512,
    tvi_absdiff_f32_avx512,
};
