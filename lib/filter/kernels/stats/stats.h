/* The stats kernel family: per-channel minimum/maximum, sums and sums of squares, histograms.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef TVI_STATS_H
#define TVI_STATS_H

#include <stddef.h>
#include <stdint.h>

/* One instruction set's kernels. Each takes one row of npix pixels of c (1, 3 or 4) interleaved
 * samples and folds it into per-channel accumulators (arrays of 4):
 * - minmax: mn/mx updated (f32: NaN ignored; start from +inf/-inf);
 * - sum: exact 64-bit sums and sums of squares for integers; f32 in double, summed in sample
 *   order per channel (so every variant gives the same double);
 * - hist_u8: adds the row's n samples to h (TVI_HIST_SUBS sub-histograms of 256 uint32 each;
 *   the caller adds them up and keeps counts below 2^32). */
enum { TVI_HIST_SUBS = 8 };
typedef struct tvi_stats_kernels {
  void (*minmax_u8)(const uint8_t *p, size_t npix, int c, int32_t *mn, int32_t *mx);
  void (*minmax_u16)(const uint16_t *p, size_t npix, int c, int32_t *mn, int32_t *mx);
  void (*minmax_s16)(const int16_t *p, size_t npix, int c, int32_t *mn, int32_t *mx);
  void (*minmax_f32)(const float *p, size_t npix, int c, float *mn, float *mx);
  void (*sum_u8)(const uint8_t *p, size_t npix, int c, int64_t *sum, uint64_t *sq);
  void (*sum_u16)(const uint16_t *p, size_t npix, int c, int64_t *sum, uint64_t *sq);
  void (*sum_s16)(const int16_t *p, size_t npix, int c, int64_t *sum, uint64_t *sq);
  void (*sum_f32)(const float *p, size_t npix, int c, double *sum, double *sq);
  void (*hist_u8)(const uint8_t *p, size_t n, uint32_t *h);
} tvi_stats_kernels;

extern const tvi_stats_kernels tvi_stats_scalar;
extern const tvi_stats_kernels tvi_stats_sse4;
extern const tvi_stats_kernels tvi_stats_avx2;
extern const tvi_stats_kernels tvi_stats_avx512;
extern const tvi_stats_kernels tvi_stats_neon;

#endif
