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

static inline int32_t tvi_clamp_i32(int32_t v, int32_t lo, int32_t hi) {
  return v < lo ? lo : v > hi ? hi : v;
}

void tvi_add_u8_scalar(const uint8_t *a, const uint8_t *b, uint8_t *dst, size_t n) {
  for (size_t i = 0; i < n; i++) dst[i] = (uint8_t)tvi_clamp_i32((int32_t)a[i] + b[i], 0, 255);
}

void tvi_add_u16_scalar(const uint16_t *a, const uint16_t *b, uint16_t *dst, size_t n) {
  for (size_t i = 0; i < n; i++) dst[i] = (uint16_t)tvi_clamp_i32((int32_t)a[i] + b[i], 0, 65535);
}

void tvi_add_s16_scalar(const int16_t *a, const int16_t *b, int16_t *dst, size_t n) {
  for (size_t i = 0; i < n; i++)
    dst[i] = (int16_t)tvi_clamp_i32((int32_t)a[i] + b[i], -32768, 32767);
}

void tvi_add_f32_scalar(const float *a, const float *b, float *dst, size_t n) {
  for (size_t i = 0; i < n; i++) dst[i] = a[i] + b[i];
}

void tvi_sub_u8_scalar(const uint8_t *a, const uint8_t *b, uint8_t *dst, size_t n) {
  for (size_t i = 0; i < n; i++) dst[i] = (uint8_t)tvi_clamp_i32((int32_t)a[i] - b[i], 0, 255);
}

void tvi_sub_u16_scalar(const uint16_t *a, const uint16_t *b, uint16_t *dst, size_t n) {
  for (size_t i = 0; i < n; i++) dst[i] = (uint16_t)tvi_clamp_i32((int32_t)a[i] - b[i], 0, 65535);
}

void tvi_sub_s16_scalar(const int16_t *a, const int16_t *b, int16_t *dst, size_t n) {
  for (size_t i = 0; i < n; i++)
    dst[i] = (int16_t)tvi_clamp_i32((int32_t)a[i] - b[i], -32768, 32767);
}

void tvi_sub_f32_scalar(const float *a, const float *b, float *dst, size_t n) {
  for (size_t i = 0; i < n; i++) dst[i] = a[i] - b[i];
}

/* Integer multiplication, as the vector path of OpenCV 4.6's cv::multiply: v = (s * a) * b in
 * f32 with s = (float)scale, each product rounded to f32; then clamped to [lo, hi] (NaN gives lo)
 * and rounded half to even. */
static inline float tvi_mul_clamp(float v, float lo, float hi) {
  if (!(v > lo)) return lo; /* also NaN */
  if (v >= hi) return hi;
  return nearbyintf(v);
}

void tvi_mul_u8_scalar(const uint8_t *a, const uint8_t *b, uint8_t *dst, size_t n, double scale) {
  const float s = (float)scale;
  for (size_t i = 0; i < n; i++) {
    const float p = s * (float)a[i];
    dst[i] = (uint8_t)tvi_mul_clamp(p * (float)b[i], 0.0f, 255.0f);
  }
}

void tvi_mul_u16_scalar(const uint16_t *a, const uint16_t *b, uint16_t *dst, size_t n,
                        double scale) {
  const float s = (float)scale;
  for (size_t i = 0; i < n; i++) {
    const float p = s * (float)a[i];
    dst[i] = (uint16_t)tvi_mul_clamp(p * (float)b[i], 0.0f, 65535.0f);
  }
}

void tvi_mul_s16_scalar(const int16_t *a, const int16_t *b, int16_t *dst, size_t n, double scale) {
  const float s = (float)scale;
  for (size_t i = 0; i < n; i++) {
    const float p = s * (float)a[i];
    dst[i] = (int16_t)tvi_mul_clamp(p * (float)b[i], -32768.0f, 32767.0f);
  }
}

/* f32: (s * a) * b in float when float(scale) is within FLT_EPSILON of 1, else in double with
 * the double scale, rounded to f32 at the end (as OpenCV 4.6). */
void tvi_mul_f32_scalar(const float *a, const float *b, float *dst, size_t n, double scale) {
  if (tvi_mul_f32_in_float(scale)) {
    const float s = (float)scale;
    for (size_t i = 0; i < n; i++) {
      const float p = s * a[i];
      dst[i] = p * b[i];
    }
  } else {
    for (size_t i = 0; i < n; i++) {
      const double p = scale * (double)a[i];
      dst[i] = (float)(p * (double)b[i]);
    }
  }
}

const tvi_arith_kernels tvi_arith_scalar = {
    tvi_absdiff_u8_scalar, tvi_absdiff_u16_scalar, tvi_absdiff_s16_scalar, tvi_absdiff_f32_scalar,
    tvi_add_u8_scalar,     tvi_add_u16_scalar,     tvi_add_s16_scalar,     tvi_add_f32_scalar,
    tvi_sub_u8_scalar,     tvi_sub_u16_scalar,     tvi_sub_s16_scalar,     tvi_sub_f32_scalar,
    tvi_mul_u8_scalar,     tvi_mul_u16_scalar,     tvi_mul_s16_scalar,     tvi_mul_f32_scalar,
};
