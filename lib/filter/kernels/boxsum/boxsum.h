/* The boxsum family: running window sums on one-channel rows (box filter, adaptive threshold).
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef TVI_BOXSUM_H
#define TVI_BOXSUM_H

#include <stddef.h>
#include <stdint.h>

/* One instruction set's kernels; every entry is set. The sums wrap (mod 2^16 or 2^32): callers
 * pick the width so that every true sum fits, and then the results are exact.
 *   col_*:   vertical running sums, col[i] += add[i] - sub[i] (sub NULL: col[i] += add[i]).
 *   hsum_*:  horizontal window sums of k >= 1 samples, s[i] = in[i] + ... + in[i + k - 1] for
 *            i < n; in holds n + k - 1 samples.
 *   step_*:  the box filter's output row from the window sums of k samples of the padded column
 *            sums in (as hsum_*), and, when next is not NULL, the next row's column sums:
 *            next[ax + i] = in[ax + i] + add[i] - sub[i] for i < n (a col_* step into another
 *            buffer; ax: the left padding of in).
 *   step_u32_u16: u16 output: normalize ? (float)s * scale clamped to [0, 65535] and rounded
 *            half to even : s clamped to [0, 65535] (s read as int32), as the sepconv family's
 *            box_col_s32_u16.
 *   step_u16_u8: u8 output where every true window sum fits 16 bits: min(normalize ?
 *            ((s + dd) * ds) >> 23 : s, 255), as the sepconv family's box_col_u16_u8 (OpenCV's
 *            ColumnSum<ushort, uchar>).
 *   step_u16_u8f: u8 output of 32-bit window sums of u16 samples, for k < 32768 and scale <= 1:
 *            normalize ? (float)s * scale clamped to [0, 255] and rounded half to even :
 *            min(s, 255), as the sepconv family's box_col_s32_u8. */
typedef struct tvi_boxsum_kernels {
  void (*col_u8_u16)(uint16_t *col, const uint8_t *add, const uint8_t *sub, size_t n);
  void (*col_u16_u32)(uint32_t *col, const uint16_t *add, const uint16_t *sub, size_t n);
  void (*hsum_u16_u32)(const uint16_t *in, uint32_t *out, size_t n, int k);
  void (*hsum_u32_u32)(const uint32_t *in, uint32_t *out, size_t n, int k);
  void (*step_u32_u16)(const uint32_t *in, uint32_t *next, const uint16_t *add, const uint16_t *sub,
                       size_t ax, uint16_t *out, size_t n, int k, float scale, int normalize);
  void (*step_u16_u8)(const uint16_t *in, uint16_t *next, const uint8_t *add, const uint8_t *sub,
                      size_t ax, uint8_t *out, size_t n, int k, uint32_t ds, uint32_t dd,
                      int normalize);
  void (*step_u16_u8f)(const uint16_t *in, uint16_t *next, const uint8_t *add, const uint8_t *sub,
                       size_t ax, uint8_t *out, size_t n, int k, float scale, int normalize);
} tvi_boxsum_kernels;

struct tv_ctx;
/* The best variant the context may run (lib/filter/box.c). */
const tvi_boxsum_kernels *tvi_boxsum_select(const struct tv_ctx *ctx);

extern const tvi_boxsum_kernels tvi_boxsum_scalar;
extern const tvi_boxsum_kernels tvi_boxsum_sse4;
extern const tvi_boxsum_kernels tvi_boxsum_avx2;
extern const tvi_boxsum_kernels tvi_boxsum_avx512;
extern const tvi_boxsum_kernels tvi_boxsum_neon;

/* Scalar kernels, for ISA files to fall back on (tails). */
void tvi_boxsum_col_u8_u16_scalar(uint16_t *col, const uint8_t *add, const uint8_t *sub, size_t n);
void tvi_boxsum_col_u16_u32_scalar(uint32_t *col, const uint16_t *add, const uint16_t *sub,
                                   size_t n);
void tvi_boxsum_hsum_u16_u32_scalar(const uint16_t *in, uint32_t *out, size_t n, int k);
void tvi_boxsum_hsum_u32_u32_scalar(const uint32_t *in, uint32_t *out, size_t n, int k);
void tvi_boxsum_step_u32_u16_scalar(const uint32_t *in, uint32_t *next, const uint16_t *add,
                                    const uint16_t *sub, size_t ax, uint16_t *out, size_t n, int k,
                                    float scale, int normalize);
void tvi_boxsum_step_u16_u8_scalar(const uint16_t *in, uint16_t *next, const uint8_t *add,
                                   const uint8_t *sub, size_t ax, uint8_t *out, size_t n, int k,
                                   uint32_t ds, uint32_t dd, int normalize);
void tvi_boxsum_step_u16_u8f_scalar(const uint16_t *in, uint16_t *next, const uint8_t *add,
                                    const uint8_t *sub, size_t ax, uint8_t *out, size_t n, int k,
                                    float scale, int normalize);

/* (float)(int32_t)s * scale clamped to [0, hi] and rounded half to even (normalize), or
 * (int32_t)s clamped to [0, hi]: the box filter's output of one window sum with 32-bit sums. */
static inline int32_t tvi_boxsum_scale(uint32_t s, float scale, int normalize, int32_t hi) {
  const int32_t v = (int32_t)s;
  if (!normalize) return v < 0 ? 0 : v > hi ? hi : v;
  float f = (float)v * scale;
  f = f < 0.0f ? 0.0f : f > (float)hi ? (float)hi : f;
  /* round half to even without the C library: f is in [0, hi] */
  int32_t r = (int32_t)f;
  const float d = f - (float)r;
  if (d > 0.5f || (d == 0.5f && (r & 1))) r++;
  return r;
}

/* The box filter's u16 output of one window sum (see step_u32_u16). */
static inline uint16_t tvi_boxsum_to_u16(uint32_t s, float scale, int normalize) {
  return (uint16_t)tvi_boxsum_scale(s, scale, normalize, 65535);
}

/* OpenCV's u8 box divisor (ColumnSum<ushort, uchar>) for a window of `area` pixels (2..256): the
 * output is ((s + dd) * ds) >> 23, ds and dd from 2^23 / area rounded. */
static inline void tvi_boxsum_u8_divisor(int32_t area, uint32_t *ds, uint32_t *dd) {
  const double f = (double)(1 << 23) / area; /* positive: the cast floors */
  *ds = (uint32_t)f, *dd = (uint32_t)(area / 2);
  if (f - *ds < 0.5)
    ++*dd;
  else
    ++*ds;
}

/* The box filter's u8 output of one 16-bit window sum (see step_u16_u8). */
static inline uint8_t tvi_boxsum_to_u8(uint32_t s, uint32_t ds, uint32_t dd, int normalize) {
  if (!normalize) return (uint8_t)(s < 255 ? s : 255);
  const uint32_t q = ((s + dd) * ds) >> 23; /* 256 for a window of two 255s: saturated */
  return (uint8_t)(q < 255 ? q : 255);
}

#endif
