/* The arith family: element-wise operations on rows of samples.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef TVI_ARITH_H
#define TVI_ARITH_H

#include <stddef.h>
#include <stdint.h>

/* One instruction set's kernels. Every entry is set: an ISA file without a faster version of an
 * entry points it at the scalar kernel. Each processes n samples; dst may equal a or b.
 * add/sub saturate; mul is defined by tvi_mul_*_scalar (see arith_scalar.c): integer types in
 * f32 as (float(scale) * a) * b, f32 in double unless float(scale) is within FLT_EPSILON of 1. */
typedef struct tvi_arith_kernels {
  void (*absdiff_u8)(const uint8_t *a, const uint8_t *b, uint8_t *dst, size_t n);
  void (*absdiff_u16)(const uint16_t *a, const uint16_t *b, uint16_t *dst, size_t n);
  void (*absdiff_s16)(const int16_t *a, const int16_t *b, int16_t *dst, size_t n);
  void (*absdiff_f32)(const float *a, const float *b, float *dst, size_t n);
  void (*add_u8)(const uint8_t *a, const uint8_t *b, uint8_t *dst, size_t n);
  void (*add_u16)(const uint16_t *a, const uint16_t *b, uint16_t *dst, size_t n);
  void (*add_s16)(const int16_t *a, const int16_t *b, int16_t *dst, size_t n);
  void (*add_f32)(const float *a, const float *b, float *dst, size_t n);
  void (*sub_u8)(const uint8_t *a, const uint8_t *b, uint8_t *dst, size_t n);
  void (*sub_u16)(const uint16_t *a, const uint16_t *b, uint16_t *dst, size_t n);
  void (*sub_s16)(const int16_t *a, const int16_t *b, int16_t *dst, size_t n);
  void (*sub_f32)(const float *a, const float *b, float *dst, size_t n);
  void (*mul_u8)(const uint8_t *a, const uint8_t *b, uint8_t *dst, size_t n, double scale);
  void (*mul_u16)(const uint16_t *a, const uint16_t *b, uint16_t *dst, size_t n, double scale);
  void (*mul_s16)(const int16_t *a, const int16_t *b, int16_t *dst, size_t n, double scale);
  void (*mul_f32)(const float *a, const float *b, float *dst, size_t n, double scale);
} tvi_arith_kernels;

struct tv_ctx;
/* The best variant the context may run (lib/filter/arith.c). */
const tvi_arith_kernels *tvi_arith_select(const struct tv_ctx *ctx);

extern const tvi_arith_kernels tvi_arith_scalar;
extern const tvi_arith_kernels tvi_arith_sse4;
extern const tvi_arith_kernels tvi_arith_avx2;
extern const tvi_arith_kernels tvi_arith_avx512;
extern const tvi_arith_kernels tvi_arith_neon;

/* Scalar kernels, for ISA files to fall back on (tails). */
void tvi_absdiff_u8_scalar(const uint8_t *a, const uint8_t *b, uint8_t *dst, size_t n);
void tvi_absdiff_u16_scalar(const uint16_t *a, const uint16_t *b, uint16_t *dst, size_t n);
void tvi_absdiff_s16_scalar(const int16_t *a, const int16_t *b, int16_t *dst, size_t n);
void tvi_absdiff_f32_scalar(const float *a, const float *b, float *dst, size_t n);
void tvi_add_u8_scalar(const uint8_t *a, const uint8_t *b, uint8_t *dst, size_t n);
void tvi_add_u16_scalar(const uint16_t *a, const uint16_t *b, uint16_t *dst, size_t n);
void tvi_add_s16_scalar(const int16_t *a, const int16_t *b, int16_t *dst, size_t n);
void tvi_add_f32_scalar(const float *a, const float *b, float *dst, size_t n);
void tvi_sub_u8_scalar(const uint8_t *a, const uint8_t *b, uint8_t *dst, size_t n);
void tvi_sub_u16_scalar(const uint16_t *a, const uint16_t *b, uint16_t *dst, size_t n);
void tvi_sub_s16_scalar(const int16_t *a, const int16_t *b, int16_t *dst, size_t n);
void tvi_sub_f32_scalar(const float *a, const float *b, float *dst, size_t n);
void tvi_mul_u8_scalar(const uint8_t *a, const uint8_t *b, uint8_t *dst, size_t n, double scale);
void tvi_mul_u16_scalar(const uint16_t *a, const uint16_t *b, uint16_t *dst, size_t n,
                        double scale);
void tvi_mul_s16_scalar(const int16_t *a, const int16_t *b, int16_t *dst, size_t n, double scale);
void tvi_mul_f32_scalar(const float *a, const float *b, float *dst, size_t n, double scale);

/* Whether an integer multiplication by `scale` reduces to the saturated integer product: when
 * float(scale) == 1, the reference computes (1 * a) * b in f32, where 1 * a is exact and a * b is
 * exact while |a * b| < 2^24, which covers every product inside the u8, u16 and s16 ranges; a
 * product outside the range rounds (monotonically) to a float at or beyond the range's end
 * (2^16, -2^15 - 1, 2^15 are floats), so it saturates like the integer product. The ISA variants
 * take an integer path there (OpenCV's scale == 1 path is the same saturated product). */
static inline int tvi_mul_int_unit(double scale) { return (float)scale == 1.0f; }

/* Whether f32 multiplication by `scale` runs in float (OpenCV's test: |float(scale) - 1| <=
 * FLT_EPSILON, evaluated in float) rather than in double. */
static inline int tvi_mul_f32_in_float(double scale) {
  const float fs = (float)scale;
  const float d = fs - 1.0f;
  return (d < 0 ? -d : d) <= 1.1920928955078125e-7f;
}

#endif
