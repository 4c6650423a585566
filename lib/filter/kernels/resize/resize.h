/* The resize kernel family: 2x2 area rows, bilinear vertical passes, and their scalar references.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef TVI_RESIZE_H
#define TVI_RESIZE_H

#include <stddef.h>
#include <stdint.h>

/* One instruction set's kernels. Every entry is set: an ISA file without a faster version of an
 * entry points it at the scalar kernel.
 *
 * area2_*: one destination row of a 2x2 area downscale from source rows s0 and s1; n is the
 *   number of destination samples (pixels * cn), cn the channel count (1, 3 or 4). Definitions
 *   (as OpenCV 4.6's resizeAreaFast): u8/u16 d = (a + b + c + d + 2) >> 2; f32 with cn 1 for the
 *   first n & ~3 samples and with cn 4 everywhere d = ((a + b) + (c + d)) * 0.25f, otherwise
 *   d = (((0 + a + b) + c) + d) * 0.25f, where a, b are the two samples of s0 and c, d of s1.
 * vlin_u8: d = (((b0 * h0) >> 16) + ((b1 * h1) >> 16) + 2) >> 2 on n int16 samples (the
 *   horizontal pass stores its 11-bit fixed-point sums >> 4), as OpenCV 4.6's VResizeLinear.
 * vlin_f32 / vlin_u16: d = h0 * b0 + h1 * b1 in f32 (two roundings, no fused multiply-add);
 *   u16 rounds half to even and saturates.
 * hlin_*: the horizontal bilinear pass over n destination samples, tap 0 at s[xofs[i]] and tap 1
 *   at s[xofs[i] + cn]: u8 d = (t0 * ia[2i] + t1 * ia[2i + 1]) >> 4 (11-bit weights);
 *   u16/f32 d = (float)t0 * fa[2i] + (float)t1 * fa[2i + 1] (two roundings, no fused multiply-add).
 *   xofs is non-decreasing and xofs[i] + cn < lim, the number of samples in the source row;
 *   vector variants read nothing at or past s[lim]. */
typedef struct tvi_resize_kernels {
  void (*area2_u8)(const uint8_t *s0, const uint8_t *s1, uint8_t *dst, size_t n, int cn);
  void (*area2_u16)(const uint16_t *s0, const uint16_t *s1, uint16_t *dst, size_t n, int cn);
  void (*area2_f32)(const float *s0, const float *s1, float *dst, size_t n, int cn);
  void (*vlin_u8)(const int16_t *h0, const int16_t *h1, int16_t b0, int16_t b1, uint8_t *dst,
                  size_t n);
  void (*vlin_u16)(const float *h0, const float *h1, float b0, float b1, uint16_t *dst, size_t n);
  void (*vlin_f32)(const float *h0, const float *h1, float b0, float b1, float *dst, size_t n);
  void (*hlin_u8)(const uint8_t *s, const int32_t *xofs, const int16_t *ia, int16_t *d, size_t n,
                  int cn, size_t lim);
  void (*hlin_u16)(const uint16_t *s, const int32_t *xofs, const float *fa, float *d, size_t n,
                   int cn, size_t lim);
  void (*hlin_f32)(const float *s, const int32_t *xofs, const float *fa, float *d, size_t n, int cn,
                   size_t lim);
} tvi_resize_kernels;

extern const tvi_resize_kernels tvi_resize_scalar;
extern const tvi_resize_kernels tvi_resize_sse4;
extern const tvi_resize_kernels tvi_resize_avx2;
extern const tvi_resize_kernels tvi_resize_avx512;
extern const tvi_resize_kernels tvi_resize_neon;

/* Scalar kernels, for ISA files to fall back on (and to finish rows). */
void tvi_area2_u8_scalar(const uint8_t *s0, const uint8_t *s1, uint8_t *dst, size_t n, int cn);
void tvi_area2_u16_scalar(const uint16_t *s0, const uint16_t *s1, uint16_t *dst, size_t n, int cn);
void tvi_area2_f32_scalar(const float *s0, const float *s1, float *dst, size_t n, int cn);
/* The f32 2x2 area from sample i0 on (the caller passes whole rows; i0 tells where to resume). */
void tvi_area2_f32_from_scalar(const float *s0, const float *s1, float *dst, size_t i0, size_t n,
                               int cn);
void tvi_vlin_u8_scalar(const int16_t *h0, const int16_t *h1, int16_t b0, int16_t b1, uint8_t *dst,
                        size_t n);
void tvi_vlin_u16_scalar(const float *h0, const float *h1, float b0, float b1, uint16_t *dst,
                         size_t n);
void tvi_vlin_f32_scalar(const float *h0, const float *h1, float b0, float b1, float *dst,
                         size_t n);

void tvi_hlin_u8_scalar(const uint8_t *s, const int32_t *xofs, const int16_t *ia, int16_t *d,
                        size_t n, int cn, size_t lim);
void tvi_hlin_u16_scalar(const uint16_t *s, const int32_t *xofs, const float *fa, float *d,
                         size_t n, int cn, size_t lim);
void tvi_hlin_f32_scalar(const float *s, const int32_t *xofs, const float *fa, float *d, size_t n,
                         int cn, size_t lim);

#endif
