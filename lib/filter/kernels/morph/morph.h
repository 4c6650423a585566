/* The morph kernel family: row-wise minimum and maximum for erosion and dilation.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef TVI_MORPH_H
#define TVI_MORPH_H

#include <stddef.h>
#include <stdint.h>

/* Sample type index of the tables: 0 u8, 1 u16, 2 f32. Operation index: 0 minimum (erode),
 * 1 maximum (dilate). f32 min(a, b) is a < b ? a : b and max(a, b) is a > b ? a : b, as the x86
 * instructions define them (the two differ only for NaN and signed zeros). */
enum { TVI_MORPH_NTYPES = 3 };

/* One instruction set's kernels; every entry is set. Samples are passed as void pointers to
 * rows of the table's sample type.
 * vred: dst[i] = op(rows[0][i], ..., rows[n - 1][i]) for i < w; n >= 1; dst may be rows[0].
 * hred: dst[i] = op(src[i], ..., src[i + k - 1]) for i < w (src holds w + k - 1 samples);
 *       tmp is scratch of 2 * (w + k) samples; dst must not overlap src or tmp.
 * Top-hat and black-hat subtract with the arith family's saturating kernels (arith.h). */
typedef struct tvi_morph_kernels {
  void (*vred[TVI_MORPH_NTYPES][2])(const void *const *rows, int n, void *dst, size_t w);
  void (*hred[TVI_MORPH_NTYPES][2])(const void *src, void *dst, size_t w, int k, void *tmp);
} tvi_morph_kernels;

extern const tvi_morph_kernels tvi_morph_scalar;
extern const tvi_morph_kernels tvi_morph_sse4;
extern const tvi_morph_kernels tvi_morph_avx2;
extern const tvi_morph_kernels tvi_morph_avx512;
extern const tvi_morph_kernels tvi_morph_neon;

#endif
