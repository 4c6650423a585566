/* The median kernel family: sorting networks of vector min/max for 3x3 and 5x5, histograms above.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef TVI_MEDIAN_H
#define TVI_MEDIAN_H

#include <stddef.h>
#include <stdint.h>

/* Sample type index of the tables: 0 u8, 1 u16; size index: 0 for 3x3, 1 for 5x5.
 * colsort: out[0..n) = rows[0..n) sorted sample by sample (n = 3 or 5), w samples each; out
 *          must not overlap rows.
 * row:     dst[i] = median of the n x n samples s[r][i + c] (r, c < n), where s holds n rows of
 *          w + n - 1 samples, each column sorted (s[0] smallest) as colsort leaves them.
 * hist:    the median over ksize x ksize (odd, 3..255) of a REPLICATE-bordered image for output
 *          rows [y0, y1): src rows start at src with stride bytes between them, the image is
 *          w x h; dst rows likewise. scratch holds tvi_median_hist_scratch(w, ksize) bytes. */
typedef struct tvi_median_kernels {
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

/* Selection networks for the median of n x n samples whose n columns are already sorted: sample
 * (column c, rank r) is p[c * n + r]. Generated from Batcher's odd-even merge sort of 16 / 32
 * inputs with the comparators that never act on sorted columns removed and the rest pruned to
 * those the middle output depends on; checked on every 0-1 input with sorted columns (which
 * proves them for all inputs). S(a, b): p[a], p[b] = min, max; L(a, b): p[a] = min only;
 * H(a, b): p[b] = max only. The median is p[4] and p[12]. */
// clang-format off
#define TVI_MEDIAN9_NET(S, L, H) \
  S(2, 3) S(0, 2) S(4, 6) S(5, 7) S(1, 2) S(5, 6) H(0, 4) S(1, 5) \
  L(2, 6) L(3, 7) S(2, 4) L(3, 5) H(1, 2) S(3, 4) L(4, 8) H(2, 4) \
  H(3, 4)
#define TVI_MEDIAN25_NET(S, L, H) \
  S(4, 5) S(14, 15) S(5, 7) S(8, 10) S(9, 11) S(12, 14) S(5, 6) S(9, 10) \
  S(13, 14) S(0, 4) S(1, 5) S(2, 6) S(8, 12) S(10, 14) S(11, 15) S(16, 20) \
  S(17, 21) S(18, 22) S(19, 23) S(2, 4) S(3, 5) S(10, 12) S(11, 13) S(18, 20) \
  S(19, 21) S(1, 2) S(3, 4) S(5, 6) S(9, 10) S(11, 12) S(13, 14) S(17, 18) \
  S(19, 20) S(21, 22) S(0, 8) S(1, 9) S(2, 10) S(3, 11) S(4, 12) S(5, 13) \
  S(6, 14) L(7, 15) S(4, 8) S(5, 9) S(6, 10) S(7, 11) S(20, 24) S(2, 4) \
  S(3, 5) S(6, 8) S(7, 9) S(10, 12) S(11, 13) S(22, 24) S(1, 2) S(3, 4) \
  S(5, 6) S(7, 8) S(9, 10) S(11, 12) L(13, 14) S(21, 22) S(23, 24) H(0, 16) \
  H(1, 17) H(2, 18) H(3, 19) H(4, 20) H(5, 21) L(6, 22) L(7, 23) L(8, 24) \
  H(8, 16) H(9, 17) L(10, 18) L(11, 19) L(12, 20) L(13, 21) H(6, 10) H(7, 11) \
  L(12, 16) L(13, 17) H(10, 12) L(11, 13) H(11, 12)
// clang-format on
#define TVI_SORT3_NET(S) S(0, 1) S(1, 2) S(0, 1)
#define TVI_SORT5_NET(S) S(0, 1) S(3, 4) S(2, 4) S(2, 3) S(0, 3) S(0, 2) S(1, 4) S(1, 3) S(1, 2)

extern const tvi_median_kernels tvi_median_scalar;
extern const tvi_median_kernels tvi_median_sse4;
extern const tvi_median_kernels tvi_median_avx2;
extern const tvi_median_kernels tvi_median_avx512;
extern const tvi_median_kernels tvi_median_neon;

#endif
