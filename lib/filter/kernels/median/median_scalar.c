/* The median family's scalar reference kernels: the selection networks on one sample at a time,
 * and the histogram kernels (Perreault-Hebert for u8, a two-level Huang histogram for u16).
 * SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "median.h"

#define MINS(a, b) ((a) < (b) ? (a) : (b))
#define MAXS(a, b) ((a) > (b) ? (a) : (b))
#define MSMIN MINS
#define MSMAX MAXS
#define ML(p) (*(p))
#define MS(p, v) (*(p) = (v))
#define MN 1
#define MMIN MINS
#define MMAX MAXS

#define MT uint8_t
#define MV uint8_t
#define MNAME(x) tvi_median_##x##_u8_scalar
#include "median_tmpl.h"
#undef MT
#undef MV
#undef MNAME

#define MT uint16_t
#define MV uint16_t
#define MNAME(x) tvi_median_##x##_u16_scalar
#include "median_tmpl.h"

static inline int32_t tvi_clamp(int32_t v, int32_t n) { return v < 0 ? 0 : v >= n ? n - 1 : v; }

size_t tvi_median_hist_scratch(int32_t type_index, int32_t w, int32_t ksize) {
  (void)ksize;
  if (type_index == 0) return (size_t)w * (256 + 16) * sizeof(uint16_t);
  return (65536 + 256) * sizeof(uint16_t);
}

/* Perreault-Hebert, "Median filtering in constant time" (2007): a histogram per column (16
 * coarse bins of the top 4 bits, 256 fine bins) over the column's ksize rows, moved down one row
 * per output row (one sample out, one in); a kernel histogram moved right one column per output
 * sample by adding one column's coarse bins and taking another's. The fine bins of the kernel are
 * kept per coarse bin and brought up to date only when the median falls in that bin (from the
 * columns that entered and left since, or from scratch when that is cheaper). */
void tvi_median_hist_u8_scalar(const void *src, int64_t stride, void *dst, int64_t dst_stride,
                               int32_t w, int32_t h, int32_t y0, int32_t y1, int32_t ksize,
                               void *scratch) {
  const int32_t r = ksize / 2, t = ksize * ksize / 2;
  uint16_t *colf = scratch, *colc = colf + (size_t)w * 256;
  memset(scratch, 0, (size_t)w * (256 + 16) * sizeof(uint16_t));
  for (int32_t i = y0 - r; i <= y0 + r; i++) {
    const uint8_t *row = (const uint8_t *)src + tvi_clamp(i, h) * stride;
    for (int32_t x = 0; x < w; x++) {
      colf[(size_t)x * 256 + row[x]]++;
      colc[(size_t)x * 16 + (row[x] >> 4)]++;
    }
  }
  for (int32_t y = y0; y < y1; y++) {
    if (y > y0) {
      const uint8_t *out = (const uint8_t *)src + tvi_clamp(y - r - 1, h) * stride;
      const uint8_t *in = (const uint8_t *)src + tvi_clamp(y + r, h) * stride;
      for (int32_t x = 0; x < w; x++) {
        colf[(size_t)x * 256 + out[x]]--;
        colc[(size_t)x * 16 + (out[x] >> 4)]--;
        colf[(size_t)x * 256 + in[x]]++;
        colc[(size_t)x * 16 + (in[x] >> 4)]++;
      }
    }
    uint16_t hc[16] = {0}, hf[16][16];
    int32_t luc[16];
    for (int b = 0; b < 16; b++) luc[b] = -2 * ksize - 2; /* stale */
    for (int32_t j = -r; j <= r; j++) {
      const uint16_t *c = colc + (size_t)tvi_clamp(j, w) * 16;
      for (int b = 0; b < 16; b++) hc[b] = (uint16_t)(hc[b] + c[b]);
    }
    uint8_t *d = (uint8_t *)dst + (int64_t)y * dst_stride;
    for (int32_t x = 0; x < w; x++) {
      if (x > 0) {
        const uint16_t *ci = colc + (size_t)tvi_clamp(x + r, w) * 16;
        const uint16_t *co = colc + (size_t)tvi_clamp(x - r - 1, w) * 16;
        for (int b = 0; b < 16; b++) hc[b] = (uint16_t)(hc[b] + ci[b] - co[b]);
      }
      int32_t sum = 0, b = 0;
      while (sum + hc[b] <= t) sum += hc[b++];
      uint16_t *f = hf[b];
      if (x - luc[b] > ksize) {
        memset(f, 0, 16 * sizeof *f);
        for (int32_t j = x - r; j <= x + r; j++) {
          const uint16_t *c = colf + (size_t)tvi_clamp(j, w) * 256 + b * 16;
          for (int i = 0; i < 16; i++) f[i] = (uint16_t)(f[i] + c[i]);
        }
      } else {
        for (int32_t j = luc[b] + 1; j <= x; j++) {
          const uint16_t *ci = colf + (size_t)tvi_clamp(j + r, w) * 256 + b * 16;
          const uint16_t *co = colf + (size_t)tvi_clamp(j - r - 1, w) * 256 + b * 16;
          for (int i = 0; i < 16; i++) f[i] = (uint16_t)(f[i] + ci[i] - co[i]);
        }
      }
      luc[b] = x;
      int32_t i = 0;
      while (sum + f[i] <= t) sum += f[i++];
      d[x] = (uint8_t)(b * 16 + i);
    }
  }
}

/* u16: a kernel histogram of 256 coarse bins (top 8 bits) and 65536 fine ones, moved right one
 * column per output sample (ksize samples out, ksize in): O(ksize) per sample, not constant. */
void tvi_median_hist_u16_scalar(const void *src, int64_t stride, void *dst, int64_t dst_stride,
                                int32_t w, int32_t h, int32_t y0, int32_t y1, int32_t ksize,
                                void *scratch) {
  const int32_t r = ksize / 2, t = ksize * ksize / 2;
  uint16_t *hf = scratch, *hc = hf + 65536;
  const uint16_t *rows[255];
  for (int32_t y = y0; y < y1; y++) {
    memset(scratch, 0, (65536 + 256) * sizeof(uint16_t));
    for (int32_t i = 0; i < ksize; i++)
      rows[i] =
          (const uint16_t *)(const void *)((const uint8_t *)src + tvi_clamp(y - r + i, h) * stride);
    for (int32_t i = 0; i < ksize; i++)
      for (int32_t j = -r; j <= r; j++) {
        const uint16_t v = rows[i][tvi_clamp(j, w)];
        hf[v]++;
        hc[v >> 8]++;
      }
    uint16_t *d = (uint16_t *)(void *)((uint8_t *)dst + (int64_t)y * dst_stride);
    for (int32_t x = 0; x < w; x++) {
      if (x > 0) {
        const int32_t xo = tvi_clamp(x - r - 1, w), xi = tvi_clamp(x + r, w);
        for (int32_t i = 0; i < ksize; i++) {
          const uint16_t vo = rows[i][xo], vi = rows[i][xi];
          hf[vo]--;
          hc[vo >> 8]--;
          hf[vi]++;
          hc[vi >> 8]++;
        }
      }
      int32_t sum = 0, b = 0;
      while (sum + hc[b] <= t) sum += hc[b++];
      const uint16_t *f = hf + b * 256;
      int32_t i = 0;
      while (sum + f[i] <= t) sum += f[i++];
      d[x] = (uint16_t)(b * 256 + i);
    }
  }
}

const tvi_median_kernels tvi_median_scalar = {
    {tvi_median_med3_u8_scalar, tvi_median_med3_u16_scalar},
    {{tvi_median_colsort5_u8_scalar, tvi_median_colsort7_u8_scalar},
     {tvi_median_colsort5_u16_scalar, tvi_median_colsort7_u16_scalar}},
    {{tvi_median_row5_u8_scalar, tvi_median_row7_u8_scalar},
     {tvi_median_row5_u16_scalar, tvi_median_row7_u16_scalar}},
    {tvi_median_hist_u8_scalar, tvi_median_hist_u16_scalar},
};
