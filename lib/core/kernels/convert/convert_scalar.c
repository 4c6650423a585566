/* The convert family's scalar reference kernels: the specification of every variant.
 * SPDX-License-Identifier: Apache-2.0 */
#include <math.h>

#include "convert.h"

/* Clamps to [0, hi] (NaN gives 0) and rounds half to even, as OpenCV's saturate_cast. */
static inline double tvi_sat_u(double v, double hi) {
  if (!(v > 0.0)) return 0.0; /* also NaN */
  if (v >= hi) return hi;
  return nearbyint(v);
}

/* v = x * scale + offset: two roundings, never an FMA (the library is built without
 * -ffp-contract=fast; the operations are spelled out to keep it so). */
static inline double tvi_affine(double x, double scale, double offset) {
  const double p = x * scale;
  return p + offset;
}

void tvi_convert_u8_f32_scalar(const uint8_t *src, float *dst, size_t n, double scale,
                               double offset) {
  for (size_t i = 0; i < n; i++) dst[i] = (float)tvi_affine(src[i], scale, offset);
}

void tvi_convert_u16_f32_scalar(const uint16_t *src, float *dst, size_t n, double scale,
                                double offset) {
  for (size_t i = 0; i < n; i++) dst[i] = (float)tvi_affine(src[i], scale, offset);
}

void tvi_convert_f32_u8_scalar(const float *src, uint8_t *dst, size_t n, double scale,
                               double offset) {
  for (size_t i = 0; i < n; i++)
    dst[i] = (uint8_t)tvi_sat_u(tvi_affine(src[i], scale, offset), 255.0);
}

void tvi_convert_f32_u16_scalar(const float *src, uint16_t *dst, size_t n, double scale,
                                double offset) {
  for (size_t i = 0; i < n; i++)
    dst[i] = (uint16_t)tvi_sat_u(tvi_affine(src[i], scale, offset), 65535.0);
}

void tvi_convert_u8_u16_scalar(const uint8_t *src, uint16_t *dst, size_t n, double scale,
                               double offset) {
  for (size_t i = 0; i < n; i++)
    dst[i] = (uint16_t)tvi_sat_u(tvi_affine(src[i], scale, offset), 65535.0);
}

void tvi_convert_u16_u8_scalar(const uint16_t *src, uint8_t *dst, size_t n, double scale,
                               double offset) {
  for (size_t i = 0; i < n; i++)
    dst[i] = (uint8_t)tvi_sat_u(tvi_affine(src[i], scale, offset), 255.0);
}

void tvi_grey_u8_scalar(const uint8_t *src, uint8_t *dst, size_t w, int c) {
  const uint8_t *p = src;
  for (size_t x = 0; x < w; x++, p += c)
    dst[x] = (uint8_t)(((uint32_t)p[0] * TVI_R2Y + (uint32_t)p[1] * TVI_G2Y +
                        (uint32_t)p[2] * TVI_B2Y + (1u << (TVI_YSHIFT - 1))) >>
                       TVI_YSHIFT);
}

void tvi_grey_u16_scalar(const uint16_t *src, uint16_t *dst, size_t w, int c) {
  const uint16_t *p = src;
  for (size_t x = 0; x < w; x++, p += c)
    dst[x] = (uint16_t)(((uint32_t)p[0] * TVI_R2Y + (uint32_t)p[1] * TVI_G2Y +
                         (uint32_t)p[2] * TVI_B2Y + (1u << (TVI_YSHIFT - 1))) >>
                        TVI_YSHIFT);
}

const tvi_convert_kernels tvi_convert_scalar = {
    tvi_convert_u8_f32_scalar,  tvi_convert_u16_f32_scalar, tvi_convert_f32_u8_scalar,
    tvi_convert_f32_u16_scalar, tvi_convert_u8_u16_scalar,  tvi_convert_u16_u8_scalar,
    tvi_grey_u8_scalar,         tvi_grey_u16_scalar,
};
