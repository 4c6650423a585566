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
 *   hsum_u32_u16: the box filter's u16 output from those sums: normalize ? (float)s * scale
 *            clamped to [0, 65535] and rounded half to even : s clamped to [0, 65535] (s read as
 *            int32), as the sepconv family's box_col_s32_u16. */
typedef struct tvi_boxsum_kernels {
  void (*col_u8_u16)(uint16_t *col, const uint8_t *add, const uint8_t *sub, size_t n);
  void (*col_u16_u32)(uint32_t *col, const uint16_t *add, const uint16_t *sub, size_t n);
  void (*hsum_u16_u32)(const uint16_t *in, uint32_t *out, size_t n, int k);
  void (*hsum_u32_u32)(const uint32_t *in, uint32_t *out, size_t n, int k);
  void (*hsum_u32_u16)(const uint32_t *in, uint16_t *out, size_t n, int k, float scale,
                       int normalize);
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
void tvi_boxsum_hsum_u32_u16_scalar(const uint32_t *in, uint16_t *out, size_t n, int k, float scale,
                                    int normalize);

/* The box filter's u16 output of one window sum (see hsum_u32_u16). */
static inline uint16_t tvi_boxsum_to_u16(uint32_t s, float scale, int normalize) {
  const int32_t v = (int32_t)s;
  if (!normalize) return (uint16_t)(v < 0 ? 0 : v > 65535 ? 65535 : v);
  float f = (float)v * scale;
  f = f < 0.0f ? 0.0f : f > 65535.0f ? 65535.0f : f;
  /* round half to even without the C library: f is in [0, 65535] */
  int32_t r = (int32_t)f;
  const float d = f - (float)r;
  if (d > 0.5f || (d == 0.5f && (r & 1))) r++;
  return (uint16_t)r;
}

#endif
