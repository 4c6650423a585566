/* The median kernel family: selection networks of vector min/max for 3x3, 5x5 and 7x7, histograms
 * above.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef TVI_MEDIAN_H
#define TVI_MEDIAN_H

#include <stddef.h>
#include <stdint.h>

/* Sample type index of the tables: 0 u8, 1 u16; size index of colsort and row: 0 for 5x5, 1 for
 * 7x7 (n = 5 or 7).
 * med3:    the 3x3 median of two output rows (REPLICATE border): d0[i] from rows[0..2], d1[i] from
 *          rows[1..3], over columns i - 1 .. i + 1 clamped to [0, w); w samples each. The row
 *          pointers already carry the vertical border; d0 and d1 must not overlap the rows.
 * colsort: out[0..n) = rows[0..n) sorted sample by sample, w samples each; out must not overlap
 *          rows.
 * row:     dst[i] = median of the n x n samples s[r][i + c] (r, c < n), where s holds n rows of
 *          w + n - 1 samples, each column sorted (s[0] smallest) as colsort leaves them.
 * hist:    the median over ksize x ksize (odd, 3..255) of a REPLICATE-bordered image for output
 *          rows [y0, y1): src rows start at src with stride bytes between them, the image is
 *          w x h; dst rows likewise. scratch holds tvi_median_hist_scratch(w, ksize) bytes. */
typedef struct tvi_median_kernels {
  void (*med3[2])(const void *const *rows, void *d0, void *d1, size_t w);
  void (*colsort[2][2])(const void *const *rows, void *const *out, size_t w);
  void (*row[2][2])(const void *const *s, void *dst, size_t w);
  void (*hist[2])(const void *src, int64_t stride, void *dst, int64_t dst_stride, int32_t w,
                  int32_t h, int32_t y0, int32_t y1, int32_t ksize, void *scratch);
} tvi_median_kernels;

/* Scratch bytes the hist kernels need for an image w samples wide. */
size_t tvi_median_hist_scratch(int32_t type_index, int32_t w, int32_t ksize);

/* The histogram kernels (plain C; every variant uses these). */
void tvi_median_hist_u8_scalar(const void *src, int64_t stride, void *dst, int64_t dst_stride,
                               int32_t w, int32_t h, int32_t y0, int32_t y1, int32_t ksize,
                               void *scratch);
void tvi_median_hist_u16_scalar(const void *src, int64_t stride, void *dst, int64_t dst_stride,
                                int32_t w, int32_t h, int32_t y0, int32_t y1, int32_t ksize,
                                void *scratch);

/* 5x5 in two stages that share work between horizontally adjacent outputs. Pair: merges two
 * sorted columns p[0..5) and p[5..10) into ten sorted samples, left in p[0], p[1], p[2], p[3],
 * p[4], p[6], p[7], p[8], p[5], p[9] (smallest first; TVI_MEDIAN25_PAIR_ORDER). The merge of
 * columns (x, x + 1) serves the outputs at x and x - 2. Merged: the median of 25 samples given
 * as ten sorted p[0..10) (columns x, x + 1), ten sorted p[10..20) (columns x + 2, x + 3) and the
 * sorted column x + 4 in p[20..25); the median is p[24]. Both are Batcher's odd-even merges
 * (the samples padded with +infinity to 16 and 32) with the comparators that never act on sorted
 * inputs removed and the rest pruned to those the median depends on (S(a, b): p[a], p[b] = min,
 * max; L(a, b): p[a] = min only; H(a, b): p[b] = max only); checked on every 0-1 input with sorted
 * columns (which proves them for all such inputs) by the median test. */
// clang-format off
#define TVI_MEDIAN25_PAIR_NET(S) \
  S(0, 5) S(4, 9) S(4, 5) S(2, 7) S(2, 4) S(7, 5) S(1, 6) S(3, 8) S(3, 6) S(1, 2) S(3, 4) \
  S(6, 7) S(8, 5)
#define TVI_MEDIAN25_MERGED_NET(S, L, H) \
  S(0, 20) S(8, 20) S(4, 24) S(4, 8) S(24, 20) S(2, 22) S(6, 22) S(2, 4) S(6, 8) S(22, 24) \
  S(1, 21) S(9, 21) S(5, 9) S(3, 23) S(7, 23) S(3, 5) S(7, 9) S(23, 21) S(1, 2) S(3, 4) S(5, 6) \
  S(7, 8) S(9, 22) S(23, 24) L(21, 20) H(0, 10) L(8, 18) H(8, 10) H(4, 14) L(24, 14) L(24, 10) \
  H(2, 12) L(22, 12) L(6, 16) H(6, 22) H(22, 24) H(1, 11) L(9, 19) H(9, 11) H(5, 15) L(21, 15) \
  L(21, 11) H(3, 13) L(23, 13) L(7, 17) H(7, 23) L(23, 21) H(23, 24)
// clang-format on
#define TVI_MEDIAN25_PAIR_ORDER                                                                    \
  { 0, 1, 2, 3, 4, 6, 7, 8, 5, 9 }

/* Selection network for the median of 7 x 7 samples whose 7 columns are already sorted: sample
 * (column c, rank r) is p[c * 7 + r]. Generated from Batcher's odd-even merge sort of 64 inputs
 * (the 49 samples, the rest +infinity) with the comparators that never act on sorted columns
 * removed and the rest pruned to those the middle output depends on; checked on every 0-1 input
 * with sorted columns (which proves it for all inputs). S, L, H as above. The median is p[21]. */
// clang-format off
#define TVI_MEDIAN49_NET(S, L, H) \
  S(0, 7) S(1, 8) S(2, 9) S(3, 10) S(4, 11) S(5, 12) S(6, 13) S(14, 21) S(15, 22) S(16, 23) \
  S(17, 24) S(18, 25) S(19, 26) S(20, 27) S(28, 35) S(29, 36) S(30, 37) S(31, 38) S(32, 39) \
  S(33, 40) S(34, 41) S(4, 7) S(5, 8) S(6, 9) S(18, 21) S(19, 22) S(20, 23) S(32, 35) S(33, 36) \
  S(34, 37) S(2, 4) S(3, 5) S(6, 7) S(10, 8) S(9, 11) S(16, 18) S(17, 19) S(20, 21) S(24, 22) \
  S(23, 25) S(30, 32) S(31, 33) S(34, 35) S(38, 36) S(37, 39) S(1, 2) S(3, 4) S(5, 6) S(10, 7) \
  S(8, 9) S(12, 11) S(15, 16) S(17, 18) S(19, 20) S(24, 21) S(22, 23) S(26, 25) S(29, 30) \
  S(31, 32) S(33, 34) S(38, 35) S(36, 37) S(40, 39) S(0, 14) S(1, 15) S(2, 16) S(3, 17) S(4, 18) \
  S(5, 19) S(6, 20) S(10, 24) S(7, 21) S(8, 22) S(9, 23) S(12, 26) S(11, 25) S(13, 27) S(28, 42) \
  S(29, 43) S(30, 44) S(31, 45) S(32, 46) S(33, 47) S(34, 48) S(7, 14) S(8, 15) S(9, 16) \
  S(12, 17) S(11, 18) S(13, 19) S(35, 42) S(36, 43) S(37, 44) S(40, 45) S(39, 46) S(41, 47) \
  S(4, 7) S(5, 8) S(6, 9) S(10, 12) S(11, 14) S(13, 15) S(20, 16) S(24, 17) S(18, 21) S(19, 22) \
  S(32, 35) S(33, 36) S(34, 37) S(38, 40) S(39, 42) S(41, 43) S(48, 44) S(2, 4) S(3, 5) S(6, 7) \
  S(10, 8) S(9, 11) S(12, 13) S(20, 14) S(24, 15) S(16, 18) S(17, 19) S(23, 21) S(26, 22) \
  S(30, 32) S(31, 33) S(34, 35) S(38, 36) S(37, 39) S(40, 41) S(48, 42) S(45, 43) S(44, 46) \
  S(1, 2) S(3, 4) S(5, 6) S(10, 7) S(8, 9) S(12, 11) S(13, 20) S(24, 14) S(15, 16) S(17, 18) \
  S(19, 23) S(26, 21) S(22, 25) S(29, 30) S(31, 32) S(33, 34) S(38, 35) S(36, 37) S(40, 39) \
  S(41, 48) S(45, 42) S(43, 44) S(47, 46) H(0, 28) H(1, 29) H(2, 30) H(3, 31) H(4, 32) H(5, 33) \
  H(6, 34) H(10, 38) H(7, 35) H(8, 36) H(9, 37) H(12, 40) L(11, 39) L(13, 41) L(20, 48) L(24, 45) \
  L(14, 42) L(15, 43) L(16, 44) L(17, 47) L(18, 46) H(14, 28) H(15, 29) H(16, 30) H(17, 31) \
  L(18, 32) L(19, 33) L(23, 34) L(26, 38) L(21, 35) L(22, 36) L(25, 37) L(27, 40) H(11, 18) \
  H(13, 19) H(20, 23) H(24, 26) L(21, 28) L(22, 29) L(25, 30) L(27, 31) H(18, 21) H(19, 22) \
  L(23, 25) L(26, 27) H(23, 21) L(26, 22) H(26, 21)
// clang-format on
#define TVI_SORT5_NET(S) S(0, 1) S(3, 4) S(2, 4) S(2, 3) S(0, 3) S(0, 2) S(1, 4) S(1, 3) S(1, 2)
// clang-format off
#define TVI_SORT7_NET(S) \
  S(0, 6) S(2, 3) S(4, 5) S(0, 2) S(1, 4) S(3, 6) S(0, 1) S(2, 5) S(3, 4) S(1, 2) S(4, 6) S(2, 3) \
  S(4, 5) S(1, 2) S(3, 4) S(5, 6)
// clang-format on

extern const tvi_median_kernels tvi_median_scalar;
extern const tvi_median_kernels tvi_median_sse4;
extern const tvi_median_kernels tvi_median_avx2;
extern const tvi_median_kernels tvi_median_avx512;
extern const tvi_median_kernels tvi_median_neon;

#endif
