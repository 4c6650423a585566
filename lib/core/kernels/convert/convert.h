/* The convert kernel family: sample type conversion with scale and offset, RGB(A) to grey.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef TVI_CONVERT_H
#define TVI_CONVERT_H

#include <stddef.h>
#include <stdint.h>

/* One instruction set's kernels; every entry is set (an ISA without a faster version points at
 * the scalar kernel). Conversions process n samples: v = src * scale + offset in double (product
 * and sum each rounded to double, never fused), then for integer destinations clamped to the
 * type's range (NaN gives 0) and rounded half to even, for f32 rounded to float. Grey kernels
 * process w pixels of c (3 or 4) interleaved samples with OpenCV's 14-bit BT.601 weights. */
typedef struct tvi_convert_kernels {
  void (*u8_f32)(const uint8_t *src, float *dst, size_t n, double scale, double offset);
  void (*u16_f32)(const uint16_t *src, float *dst, size_t n, double scale, double offset);
  void (*f32_u8)(const float *src, uint8_t *dst, size_t n, double scale, double offset);
  void (*f32_u16)(const float *src, uint16_t *dst, size_t n, double scale, double offset);
  void (*u8_u16)(const uint8_t *src, uint16_t *dst, size_t n, double scale, double offset);
  void (*u16_u8)(const uint16_t *src, uint8_t *dst, size_t n, double scale, double offset);
  void (*grey_u8)(const uint8_t *src, uint8_t *dst, size_t w, int c);
  void (*grey_u16)(const uint16_t *src, uint16_t *dst, size_t w, int c);
} tvi_convert_kernels;

extern const tvi_convert_kernels tvi_convert_scalar;
extern const tvi_convert_kernels tvi_convert_sse4;
extern const tvi_convert_kernels tvi_convert_avx2;
extern const tvi_convert_kernels tvi_convert_avx512;
extern const tvi_convert_kernels tvi_convert_neon;

void tvi_convert_u8_f32_scalar(const uint8_t *src, float *dst, size_t n, double scale,
                               double offset);
void tvi_convert_u16_f32_scalar(const uint16_t *src, float *dst, size_t n, double scale,
                                double offset);
void tvi_convert_f32_u8_scalar(const float *src, uint8_t *dst, size_t n, double scale,
                               double offset);
void tvi_convert_f32_u16_scalar(const float *src, uint16_t *dst, size_t n, double scale,
                                double offset);
void tvi_convert_u8_u16_scalar(const uint8_t *src, uint16_t *dst, size_t n, double scale,
                               double offset);
void tvi_convert_u16_u8_scalar(const uint16_t *src, uint8_t *dst, size_t n, double scale,
                               double offset);
void tvi_grey_u8_scalar(const uint8_t *src, uint8_t *dst, size_t w, int c);
void tvi_grey_u16_scalar(const uint16_t *src, uint16_t *dst, size_t w, int c);

/* OpenCV 4's fixed-point RGB to grey weights for 8 and 16 bits (sum 1 << 15). */
enum { TVI_R2Y = 9798, TVI_G2Y = 19235, TVI_B2Y = 3735, TVI_YSHIFT = 15 };

#endif
