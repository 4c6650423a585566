/* The arith family for sse4: 128-bit vectors, scalar tails.
 * SPDX-License-Identifier: Apache-2.0 */
#include <immintrin.h>

#include "arith.h"

#define VB (128 / 8) /* bytes per vector */

static void tvi_absdiff_u8_sse4(const uint8_t *a, const uint8_t *b, uint8_t *dst, size_t n) {
  size_t i = 0;
  for (; i + VB <= n; i += VB) {
    const __m128i x = _mm_loadu_si128((const void *)(a + i)),
                  y = _mm_loadu_si128((const void *)(b + i));
    _mm_storeu_si128((void *)(dst + i), _mm_or_si128(_mm_subs_epu8(x, y), _mm_subs_epu8(y, x)));
  }
  tvi_absdiff_u8_scalar(a + i, b + i, dst + i, n - i);
}

static void tvi_absdiff_u16_sse4(const uint16_t *a, const uint16_t *b, uint16_t *dst, size_t n) {
  size_t i = 0;
  for (; i + VB / 2 <= n; i += VB / 2) {
    const __m128i x = _mm_loadu_si128((const void *)(a + i)),
                  y = _mm_loadu_si128((const void *)(b + i));
    _mm_storeu_si128((void *)(dst + i), _mm_or_si128(_mm_subs_epu16(x, y), _mm_subs_epu16(y, x)));
  }
  tvi_absdiff_u16_scalar(a + i, b + i, dst + i, n - i);
}

static void tvi_absdiff_s16_sse4(const int16_t *a, const int16_t *b, int16_t *dst, size_t n) {
  size_t i = 0;
  for (; i + VB / 2 <= n; i += VB / 2) {
    const __m128i x = _mm_loadu_si128((const void *)(a + i)),
                  y = _mm_loadu_si128((const void *)(b + i));
    /* max - min is in [0, 65535]; the saturating subtraction clips it to 32767. */
    _mm_storeu_si128((void *)(dst + i), _mm_subs_epi16(_mm_max_epi16(x, y), _mm_min_epi16(x, y)));
  }
  tvi_absdiff_s16_scalar(a + i, b + i, dst + i, n - i);
}

static void tvi_absdiff_f32_sse4(const float *a, const float *b, float *dst, size_t n) {
  size_t i = 0;
  for (; i + VB / 4 <= n; i += VB / 4) {
    const __m128 d = _mm_sub_ps(_mm_loadu_ps(a + i), _mm_loadu_ps(b + i));
    _mm_storeu_ps(dst + i, _mm_andnot_ps(_mm_set1_ps(-0.0f), d)); /* clear the sign */
  }
  tvi_absdiff_f32_scalar(a + i, b + i, dst + i, n - i);
}

const tvi_arith_kernels tvi_arith_sse4 = {
    tvi_absdiff_u8_sse4,
    tvi_absdiff_u16_sse4,
    tvi_absdiff_s16_sse4,
    tvi_absdiff_f32_sse4,
};
