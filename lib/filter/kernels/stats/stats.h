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
 * - hist_u8: adds the row's n samples to the accumulators: h (TVI_HIST_SUBS sub-histograms of
 *   256 uint32) and, when pairs is not NULL, pairs (TVI_HIST_PAIRS uint32: entry a + 256 * b
 *   counts neighbours p[2i] == a, p[2i + 1] == b). A row where most sampled neighbours are close
 *   (smooth images) goes into pairs, one increment per two samples; any other row into h. Which
 *   accumulator gets what may differ between variants: compare them after tvi_hist_u8_fold. The
 *   caller keeps every count below 2^32 (at most the samples added since the last fold). */
enum { TVI_HIST_SUBS = 8, TVI_HIST_PAIRS = 65536 };
typedef struct tvi_stats_kernels {
  void (*minmax_u8)(const uint8_t *p, size_t npix, int c, int32_t *mn, int32_t *mx);
  void (*minmax_u16)(const uint16_t *p, size_t npix, int c, int32_t *mn, int32_t *mx);
  void (*minmax_s16)(const int16_t *p, size_t npix, int c, int32_t *mn, int32_t *mx);
  void (*minmax_f32)(const float *p, size_t npix, int c, float *mn, float *mx);
  void (*sum_u8)(const uint8_t *p, size_t npix, int c, int64_t *sum, uint64_t *sq);
  void (*sum_u16)(const uint16_t *p, size_t npix, int c, int64_t *sum, uint64_t *sq);
  void (*sum_s16)(const int16_t *p, size_t npix, int c, int64_t *sum, uint64_t *sq);
  void (*sum_f32)(const float *p, size_t npix, int c, double *sum, double *sq);
  void (*hist_u8)(const uint8_t *p, size_t n, uint32_t *h, uint32_t *pairs);
} tvi_stats_kernels;

/* Adds the u8 histogram accumulators of hist_u8 to hist[0..256) and clears them (pairs may be
 * NULL). */
static inline void tvi_hist_u8_fold(uint64_t *hist, uint32_t *h, uint32_t *pairs) {
  uint64_t t[256] = {0};
  for (int k = 0; k < TVI_HIST_SUBS; k++)
    for (int v = 0; v < 256; v++) t[v] += h[k * 256 + v];
  for (int k = 0; k < TVI_HIST_SUBS * 256; k++) h[k] = 0;
  if (pairs)
    for (int b = 0; b < 256; b++) {
      uint32_t *row = pairs + b * 256; /* the pairs (a, b) for every a */
      uint64_t s = 0;
      for (int a = 0; a < 256; a++) {
        t[a] += row[a];
        s += row[a];
        row[a] = 0;
      }
      t[b] += s;
    }
  for (int v = 0; v < 256; v++) hist[v] += t[v];
}

extern const tvi_stats_kernels tvi_stats_scalar;
extern const tvi_stats_kernels tvi_stats_sse4;
extern const tvi_stats_kernels tvi_stats_avx2;
extern const tvi_stats_kernels tvi_stats_avx512;
extern const tvi_stats_kernels tvi_stats_neon;

#endif
