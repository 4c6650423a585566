/* The arith family's scalar reference kernels: the specification of every variant.
 * SPDX-License-Identifier: Apache-2.0 */
#include <math.h>

#include "arith.h"

void tvi_absdiff_u8_scalar(const uint8_t *a, const uint8_t *b, uint8_t *dst, size_t n) {
  for (size_t i = 0; i < n; i++) dst[i] = (uint8_t)(a[i] > b[i] ? a[i] - b[i] : b[i] - a[i]);
}

void tvi_absdiff_u16_scalar(const uint16_t *a, const uint16_t *b, uint16_t *dst, size_t n) {
  for (size_t i = 0; i < n; i++) dst[i] = (uint16_t)(a[i] > b[i] ? a[i] - b[i] : b[i] - a[i]);
}

/* |a - b| saturated to 32767, as OpenCV's absdiff for CV_16S. */
void tvi_absdiff_s16_scalar(const int16_t *a, const int16_t *b, int16_t *dst, size_t n) {
  for (size_t i = 0; i < n; i++) {
    int32_t d = (int32_t)a[i] - (int32_t)b[i];
    d = d < 0 ? -d : d;
    dst[i] = (int16_t)(d > 32767 ? 32767 : d);
  }
}

void tvi_absdiff_f32_scalar(const float *a, const float *b, float *dst, size_t n) {
  for (size_t i = 0; i < n; i++) dst[i] = fabsf(a[i] - b[i]);
}

const tvi_arith_kernels tvi_arith_scalar = {
    tvi_absdiff_u8_scalar,
    tvi_absdiff_u16_scalar,
    tvi_absdiff_s16_scalar,
    tvi_absdiff_f32_scalar,
};
