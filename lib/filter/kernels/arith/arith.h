/* The arith kernel family: element-wise operations on rows of samples.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef TVI_ARITH_H
#define TVI_ARITH_H

#include <stddef.h>
#include <stdint.h>

/* One instruction set's kernels. Every entry is set: an ISA file without a faster version of an
 * entry points it at the scalar kernel. Each processes n samples; dst may equal a or b. */
typedef struct tvi_arith_kernels {
  void (*absdiff_u8)(const uint8_t *a, const uint8_t *b, uint8_t *dst, size_t n);
  void (*absdiff_u16)(const uint16_t *a, const uint16_t *b, uint16_t *dst, size_t n);
  void (*absdiff_s16)(const int16_t *a, const int16_t *b, int16_t *dst, size_t n);
  void (*absdiff_f32)(const float *a, const float *b, float *dst, size_t n);
} tvi_arith_kernels;

extern const tvi_arith_kernels tvi_arith_scalar;
extern const tvi_arith_kernels tvi_arith_sse4;
extern const tvi_arith_kernels tvi_arith_avx2;
extern const tvi_arith_kernels tvi_arith_avx512;
extern const tvi_arith_kernels tvi_arith_neon;

/* Scalar kernels, for ISA files to fall back on. */
void tvi_absdiff_u8_scalar(const uint8_t *a, const uint8_t *b, uint8_t *dst, size_t n);
void tvi_absdiff_u16_scalar(const uint16_t *a, const uint16_t *b, uint16_t *dst, size_t n);
void tvi_absdiff_s16_scalar(const int16_t *a, const int16_t *b, int16_t *dst, size_t n);
void tvi_absdiff_f32_scalar(const float *a, const float *b, float *dst, size_t n);

#endif
