/* The arith family for avx2: 256-bit vectors, scalar tails.
 * SPDX-License-Identifier: Apache-2.0 */
#include <immintrin.h>

#include "arith.h"

#define VB (256 / 8) /* bytes per vector */

static void tvi_absdiff_u8_avx2(const uint8_t *a, const uint8_t *b, uint8_t *dst, size_t n) {
  size_t i = 0;
  for (; i + VB <= n; i += VB) {
    const __m256i x = _mm256_loadu_si256((const void *)(a + i)),
                  y = _mm256_loadu_si256((const void *)(b + i));
    _mm256_storeu_si256((void *)(dst + i),
                        _mm256_or_si256(_mm256_subs_epu8(x, y), _mm256_subs_epu8(y, x)));
  }
  tvi_absdiff_u8_scalar(a + i, b + i, dst + i, n - i);
}

static void tvi_absdiff_u16_avx2(const uint16_t *a, const uint16_t *b, uint16_t *dst, size_t n) {
  size_t i = 0;
  for (; i + VB / 2 <= n; i += VB / 2) {
    const __m256i x = _mm256_loadu_si256((const void *)(a + i)),
                  y = _mm256_loadu_si256((const void *)(b + i));
    _mm256_storeu_si256((void *)(dst + i),
                        _mm256_or_si256(_mm256_subs_epu16(x, y), _mm256_subs_epu16(y, x)));
  }
  tvi_absdiff_u16_scalar(a + i, b + i, dst + i, n - i);
}

static void tvi_absdiff_s16_avx2(const int16_t *a, const int16_t *b, int16_t *dst, size_t n) {
  size_t i = 0;
  for (; i + VB / 2 <= n; i += VB / 2) {
    const __m256i x = _mm256_loadu_si256((const void *)(a + i)),
                  y = _mm256_loadu_si256((const void *)(b + i));
    /* max - min is in [0, 65535]; the saturating subtraction clips it to 32767. */
    _mm256_storeu_si256((void *)(dst + i),
                        _mm256_subs_epi16(_mm256_max_epi16(x, y), _mm256_min_epi16(x, y)));
  }
  tvi_absdiff_s16_scalar(a + i, b + i, dst + i, n - i);
}

static void tvi_absdiff_f32_avx2(const float *a, const float *b, float *dst, size_t n) {
  size_t i = 0;
  for (; i + VB / 4 <= n; i += VB / 4) {
    const __m256 d = _mm256_sub_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i));
    _mm256_storeu_ps(dst + i, _mm256_andnot_ps(_mm256_set1_ps(-0.0f), d)); /* clear the sign */
  }
  tvi_absdiff_f32_scalar(a + i, b + i, dst + i, n - i);
}

const tvi_arith_kernels tvi_arith_avx2 = {
    tvi_absdiff_u8_avx2,
    tvi_absdiff_u16_avx2,
    tvi_absdiff_s16_avx2,
    tvi_absdiff_f32_avx2,
};
