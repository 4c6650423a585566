/* The convdir family: direct convolution tiles over phase-split, padded input planes.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef TVI_CONVDIR_H
#define TVI_CONVDIR_H

#include <stdint.h>

/* The part of an activation fused into a tile's store: y = x < 0 ? slope * x : x, then clamped to
 * [lo, hi]. NONE is slope 1 and infinite bounds, ReLU slope 0, clip slope 1. */
typedef struct tvi_convdir_act {
  float slope, lo, hi;
} tvi_convdir_act;

/* Computes ntiles tiles of `px_tile` outputs for `oc_block` output channels:
 *   out[r * ldo + i] = act(bias[r] + sum_k w[k * oc_block + r] * in[offs[k] + i])
 * for r < oc_block, i < ntiles * px_tile, k < nk, summing k in increasing order (one FMA per k)
 * so the result does not depend on how the work is split. in and out are not aligned.
 * bias NULL: start from out's values instead (to continue a sum over blocks of k); act NULL: store
 * the sum as it is. */
typedef void (*tvi_convdir_fn)(const float *in, const int32_t *offs, int32_t nk, const float *w,
                               const float *bias, float *out, int64_t ldo, int32_t ntiles,
                               const tvi_convdir_act *act);

/* Winograd F(2x2, 3x3) input transform of `count` tiles (a multiple of px_tile) of one channel.
 * The input is split into its four 2x2 phase planes (plane floats apart, rows wq floats long), so
 * input row r, column c of tile i is d[((r & 1) * 2 + (c & 1)) * plane + (r >> 1) * wq + (c >> 1)
 * + i]. Writes v[xi * ldv + i] = (B^T d B)[xi / 4][xi % 4] for the 16 components xi. */
typedef void (*tvi_wino_in_fn)(const float *d, int64_t plane, int32_t wq, float *v, int64_t ldv,
                               int32_t count);
/* Winograd F(2x2, 3x3) output transform: from the 16 components m[xi * ldm + i] of `count` tiles
 * (a multiple of px_tile), writes the two output rows of the tiles side by side,
 * y[dy * ldy + 2 * i + dx] = act((A^T m A)[dy][dx] + bias). */
typedef void (*tvi_wino_out_fn)(const float *m, int64_t ldm, float bias, const tvi_convdir_act *act,
                                float *y, int64_t ldy, int32_t count);

/* Most taps (k entries) a convrow call takes. */
enum { TVI_CONVROW_MAX_K = 9 };

/* A row of outputs for all output channels at once, for layers with few taps per output channel
 * (nk = cin_g * kh * kw <= TVI_CONVROW_MAX_K, such as a first layer on a grey image): each input
 * vector is loaded once and used for every output channel, and the results go straight to the
 * output with the activation:
 *   out[r * ldo + i] = act(bias[r] + sum_k w[r * nk + k] * in[offs[k] + i])
 * for r < nout, i < n (any n; nothing at or after out[r * ldo + n] is written, nothing at or after
 * in[offs[k] + n] is read), summing k in increasing order (one FMA per k). */
typedef void (*tvi_convrow_fn)(const float *in, const int32_t *offs, int32_t nk, const float *w,
                               const float *bias, int32_t nout, float *out, int64_t ldo, int32_t n,
                               const tvi_convdir_act *act);

/* Winograd F(4x4, 3x3) input transform of `count` tiles (a multiple of px_tile) of one channel.
 * The input is split into its 16 4x4 phase planes, so input row r, column c (r, c < 6) of tile i is
 * d[((r & 3) * 4 + (c & 3)) * plane + (r >> 2) * wq + (c >> 2) + i]. Writes
 * v[xi * ldv + i] = (B^T d B)[xi / 6][xi % 6] for the 36 components xi. */
typedef tvi_wino_in_fn tvi_wino4_in_fn;
/* Winograd F(4x4, 3x3) output transform: from the 36 components m[xi * ldm + i] of `count` tiles,
 * writes the four output rows of the tiles side by side,
 * y[dy * ldy + 4 * i + dx] = act((A^T m A)[dy][dx] + bias). */
typedef tvi_wino_out_fn tvi_wino4_out_fn;

/* Splits 2n floats into their even and odd elements: even[i] = src[2i], odd[i] = src[2i + 1]. */
typedef void (*tvi_deint2_fn)(const float *src, float *even, float *odd, int32_t n);

typedef struct tvi_convdir_kernel {
  int32_t oc_block; /* output channels per call */
  int32_t px_tile;  /* outputs per tile */
  tvi_convdir_fn fn;
  tvi_wino_in_fn wino_in;
  tvi_wino_out_fn wino_out;
  tvi_deint2_fn deint2;
  tvi_convrow_fn row;
  tvi_wino4_in_fn wino4_in;
  tvi_wino4_out_fn wino4_out;
} tvi_convdir_kernel;

/* The scalar transforms, for ISA files without their own. */
void tvi_deint2_f32_scalar(const float *src, float *even, float *odd, int32_t n);
void tvi_wino_in_f32_scalar(const float *d, int64_t plane, int32_t wq, float *v, int64_t ldv,
                            int32_t count);
void tvi_wino_out_f32_scalar(const float *m, int64_t ldm, float bias, const tvi_convdir_act *act,
                             float *y, int64_t ldy, int32_t count);

void tvi_wino4_in_f32_scalar(const float *d, int64_t plane, int32_t wq, float *v, int64_t ldv,
                             int32_t count);
void tvi_wino4_out_f32_scalar(const float *m, int64_t ldm, float bias, const tvi_convdir_act *act,
                              float *y, int64_t ldy, int32_t count);

extern const tvi_convdir_kernel tvi_convdir_scalar;
extern const tvi_convdir_kernel tvi_convdir_avx2;
extern const tvi_convdir_kernel tvi_convdir_avx512;

#endif
