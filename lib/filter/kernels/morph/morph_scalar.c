/* The morph family's scalar reference kernels: the specification of every variant.
 * SPDX-License-Identifier: Apache-2.0 */
#include "morph.h"

#define MINS(a, b) ((a) < (b) ? (a) : (b))
#define MAXS(a, b) ((a) > (b) ? (a) : (b))

/* vred: the plain definition. hred: van Herk / Gil-Werman for k >= 3, at a cost that does not
 * depend on k: src is cut into blocks of k samples; g holds running values from each block's
 * start, h from each block's end, and a window starting at i covers the end of one block and the
 * start of the next, so dst[i] = op(h[i], g[i + k - 1]). */
#define TVI_MORPH_SCALAR(T, tn, opn, OP)                                                           \
  static void tvi_morph_vred_##opn##_##tn##_scalar(const void *const *rows_, int n, void *dst_,    \
                                                   size_t w) {                                     \
    const T *const *rows = (const T *const *)rows_;                                                \
    T *dst = dst_;                                                                                 \
    for (size_t i = 0; i < w; i++) {                                                               \
      T a = rows[0][i];                                                                            \
      for (int r = 1; r < n; r++) a = OP(a, rows[r][i]);                                           \
      dst[i] = a;                                                                                  \
    }                                                                                              \
  }                                                                                                \
  static void tvi_morph_hred_##opn##_##tn##_scalar(const void *src_, void *dst_, size_t w, int k,  \
                                                   void *tmp_) {                                   \
    const T *src = src_;                                                                           \
    T *dst = dst_;                                                                                 \
    if (k < 3) {                                                                                   \
      for (size_t i = 0; i < w; i++) dst[i] = k == 1 ? src[i] : OP(src[i], src[i + 1]);            \
      return;                                                                                      \
    }                                                                                              \
    const size_t len = w + (size_t)k - 1, kk = (size_t)k;                                          \
    T *g = tmp_, *h = g + len;                                                                     \
    for (size_t b = 0; b < len; b += kk) {                                                         \
      const size_t e = b + kk < len ? b + kk : len;                                                \
      g[b] = src[b];                                                                               \
      for (size_t i = b + 1; i < e; i++) g[i] = OP(g[i - 1], src[i]);                              \
      h[e - 1] = src[e - 1];                                                                       \
      for (size_t i = e - 1; i-- > b;) h[i] = OP(src[i], h[i + 1]);                                \
    }                                                                                              \
    for (size_t i = 0; i < w; i++) dst[i] = OP(h[i], g[i + kk - 1]);                               \
  }

TVI_MORPH_SCALAR(uint8_t, u8, min, MINS)
TVI_MORPH_SCALAR(uint8_t, u8, max, MAXS)
TVI_MORPH_SCALAR(uint16_t, u16, min, MINS)
TVI_MORPH_SCALAR(uint16_t, u16, max, MAXS)
TVI_MORPH_SCALAR(float, f32, min, MINS)
TVI_MORPH_SCALAR(float, f32, max, MAXS)

const tvi_morph_kernels tvi_morph_scalar = {
    {{tvi_morph_vred_min_u8_scalar, tvi_morph_vred_max_u8_scalar},
     {tvi_morph_vred_min_u16_scalar, tvi_morph_vred_max_u16_scalar},
     {tvi_morph_vred_min_f32_scalar, tvi_morph_vred_max_f32_scalar}},
    {{tvi_morph_hred_min_u8_scalar, tvi_morph_hred_max_u8_scalar},
     {tvi_morph_hred_min_u16_scalar, tvi_morph_hred_max_u16_scalar},
     {tvi_morph_hred_min_f32_scalar, tvi_morph_hred_max_f32_scalar}},
};
