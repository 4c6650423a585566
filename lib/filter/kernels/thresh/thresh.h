/* The thresh kernel family: fixed thresholds on rows of samples and the adaptive-threshold compare.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef TVI_THRESH_H
#define TVI_THRESH_H

#include <stddef.h>
#include <stdint.h>

/* Threshold kinds, as tv_threshold_kind (0 BINARY, 1 BINARY_INV, 2 TRUNC, 3 TOZERO, 4 TOZERO_INV).
 */
enum { TVI_TH_BINARY = 0, TVI_TH_BINARY_INV, TVI_TH_TRUNC, TVI_TH_TOZERO, TVI_TH_TOZERO_INV };

/* The adaptive threshold's compare, after the box sums are known. For u8 the mean of a window
 * sum s is (s converted to float) * fscale rounded half to even, as OpenCV's boxFilter computes it
 * (equal to the exactly rounded s / area for blocks up to 163); for u16 it is the exactly rounded
 * s / area (area odd: no ties).
 * dst = (src - mean > -idelta) ? maxval : 0, or the opposite when inv. idelta is clamped by the
 * caller to [-(max + 1), max + 1], where it decides the same as the unclamped value. */
typedef struct tvi_adaptive_params {
  float fscale;
  int32_t idelta;
  int32_t inv;
  uint32_t maxval;
  uint64_t area;
} tvi_adaptive_params;

/* One instruction set's kernels. Every entry is set: an ISA file without a faster version of an
 * entry points it at the scalar kernel. Threshold kernels process n samples (dst may equal src);
 * t and maxval are already in the sample type (OpenCV's rounding and edge cases applied by the
 * caller: for the integer types t lies strictly inside the type's range). */
typedef struct tvi_thresh_kernels {
  void (*thresh_u8)(const uint8_t *src, uint8_t *dst, size_t n, int kind, uint8_t t,
                    uint8_t maxval);
  void (*thresh_u16)(const uint16_t *src, uint16_t *dst, size_t n, int kind, uint16_t t,
                     uint16_t maxval);
  void (*thresh_s16)(const int16_t *src, int16_t *dst, size_t n, int kind, int16_t t,
                     int16_t maxval);
  void (*thresh_f32)(const float *src, float *dst, size_t n, int kind, float t, float maxval);
  /* sum[i]: the window sum around src[i]. */
  void (*adaptive_u8)(const uint8_t *src, const uint32_t *sum, uint8_t *dst, size_t n,
                      const tvi_adaptive_params *p);
  void (*adaptive_u16)(const uint16_t *src, const uint64_t *sum, uint16_t *dst, size_t n,
                       const tvi_adaptive_params *p);
} tvi_thresh_kernels;

extern const tvi_thresh_kernels tvi_thresh_scalar;
extern const tvi_thresh_kernels tvi_thresh_sse4;
extern const tvi_thresh_kernels tvi_thresh_avx2;
extern const tvi_thresh_kernels tvi_thresh_avx512;
extern const tvi_thresh_kernels tvi_thresh_neon;

/* Scalar kernels, for ISA files to fall back on (tails included). */
void tvi_thresh_u8_scalar(const uint8_t *src, uint8_t *dst, size_t n, int kind, uint8_t t,
                          uint8_t maxval);
void tvi_thresh_u16_scalar(const uint16_t *src, uint16_t *dst, size_t n, int kind, uint16_t t,
                           uint16_t maxval);
void tvi_thresh_s16_scalar(const int16_t *src, int16_t *dst, size_t n, int kind, int16_t t,
                           int16_t maxval);
void tvi_thresh_f32_scalar(const float *src, float *dst, size_t n, int kind, float t, float maxval);
void tvi_adaptive_u8_scalar(const uint8_t *src, const uint32_t *sum, uint8_t *dst, size_t n,
                            const tvi_adaptive_params *p);
void tvi_adaptive_u16_scalar(const uint16_t *src, const uint64_t *sum, uint16_t *dst, size_t n,
                             const tvi_adaptive_params *p);

#endif
