/* The stats kernels written once as plain C: stats_scalar.c compiles them as the reference, and
 * each ISA file compiles the same code with its own flags, where the compiler turns the
 * one-channel integer loops into vector code (integer results are exact in any order). f32 sums
 * keep the sample order (no -ffast-math), so every variant gives the same double.
 * Include once per ISA file after defining TVI_STATS_ISA (the suffix of the kernel names). An ISA
 * file may define TVI_STATS_SUM1_U8(p, n, sum, sq) as its own one-channel u8 sum kernel, which
 * adds the sum and sum of squares of a prefix of p[0..n) to sum[0] and sq[0] and returns the
 * prefix length (the C loop does the rest).
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef TVI_STATS_IMPL_H
#define TVI_STATS_IMPL_H

#include <string.h>

#include "stats.h"

/* A 64-bit word loaded from memory, as if little-endian (sample i in bits 8i..8i+7). */
static inline uint64_t tvi_le64(uint64_t x) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  return __builtin_bswap64(x);
#else
  return x;
#endif
}

#define TVI_CAT2(a, b) a##_##b
#define TVI_CAT(a, b) TVI_CAT2(a, b)
#define TVI_NAME(op) TVI_CAT(op, TVI_STATS_ISA)

/* Integer min/max: a one-channel loop the compiler vectorizes, and a generic one. */
#define TVI_MINMAX_INT(type, T)                                                                    \
  static void TVI_NAME(tvi_minmax_##type)(const T *p, size_t npix, int c, int32_t *mn,             \
                                          int32_t *mx) {                                           \
    if (c == 1) {                                                                                  \
      if (!npix) return;                                                                           \
      T l = p[0], h = p[0];                                                                        \
      for (size_t i = 0; i < npix; i++) {                                                          \
        l = p[i] < l ? p[i] : l;                                                                   \
        h = p[i] > h ? p[i] : h;                                                                   \
      }                                                                                            \
      if (l < mn[0]) mn[0] = l;                                                                    \
      if (h > mx[0]) mx[0] = h;                                                                    \
      return;                                                                                      \
    }                                                                                              \
    for (size_t i = 0; i < npix; i++)                                                              \
      for (int k = 0; k < c; k++) {                                                                \
        const int32_t v = p[i * (size_t)c + (size_t)k];                                            \
        if (v < mn[k]) mn[k] = v;                                                                  \
        if (v > mx[k]) mx[k] = v;                                                                  \
      }                                                                                            \
  }
TVI_MINMAX_INT(u8, uint8_t)
TVI_MINMAX_INT(u16, uint16_t)
TVI_MINMAX_INT(s16, int16_t)

static void TVI_NAME(tvi_minmax_f32)(const float *p, size_t npix, int c, float *mn, float *mx) {
  for (size_t i = 0; i < npix; i++)
    for (int k = 0; k < c; k++) {
      const float v = p[i * (size_t)c + (size_t)k];
      if (v < mn[k]) mn[k] = v; /* comparisons with NaN are false: NaN is ignored */
      if (v > mx[k]) mx[k] = v;
    }
}

/* Integer sums: 32-bit partial sums over chunks short enough not to overflow (u8: 65536
 * squares of at most 65025 < 2^32), folded into 64 bits; u16/s16 squares need 64 bits. */
static void TVI_NAME(tvi_sum_u8)(const uint8_t *p, size_t npix, int c, int64_t *sum, uint64_t *sq) {
  if (c == 1) {
#ifdef TVI_STATS_SUM1_U8
    /* the ISA file's hand-written one-channel kernel (exact integer sums, any order) */
    const size_t done = TVI_STATS_SUM1_U8(p, npix, sum, sq);
    p += done;
    npix -= done;
#endif
    for (size_t i0 = 0; i0 < npix; i0 += 65536) {
      const size_t i1 = npix - i0 < 65536 ? npix : i0 + 65536;
      uint32_t s = 0, q = 0;
      for (size_t i = i0; i < i1; i++) {
        s += p[i];
        q += (uint32_t)p[i] * p[i];
      }
      sum[0] += s;
      sq[0] += q;
    }
    return;
  }
  for (size_t i = 0; i < npix; i++)
    for (int k = 0; k < c; k++) {
      const uint32_t v = p[i * (size_t)c + (size_t)k];
      sum[k] += v;
      sq[k] += v * v;
    }
}

static void TVI_NAME(tvi_sum_u16)(const uint16_t *p, size_t npix, int c, int64_t *sum,
                                  uint64_t *sq) {
  if (c == 1) {
    uint64_t s = 0, q = 0;
    for (size_t i = 0; i < npix; i++) {
      s += p[i];
      q += (uint64_t)((uint32_t)p[i] * p[i]);
    }
    sum[0] += (int64_t)s;
    sq[0] += q;
    return;
  }
  for (size_t i = 0; i < npix; i++)
    for (int k = 0; k < c; k++) {
      const uint32_t v = p[i * (size_t)c + (size_t)k];
      sum[k] += v;
      sq[k] += (uint64_t)(v * v);
    }
}

static void TVI_NAME(tvi_sum_s16)(const int16_t *p, size_t npix, int c, int64_t *sum,
                                  uint64_t *sq) {
  if (c == 1) {
    int64_t s = 0;
    uint64_t q = 0;
    for (size_t i = 0; i < npix; i++) {
      s += p[i];
      q += (uint64_t)(uint32_t)((int32_t)p[i] * p[i]);
    }
    sum[0] += s;
    sq[0] += q;
    return;
  }
  for (size_t i = 0; i < npix; i++)
    for (int k = 0; k < c; k++) {
      const int32_t v = p[i * (size_t)c + (size_t)k];
      sum[k] += v;
      sq[k] += (uint64_t)(uint32_t)(v * v);
    }
}

static void TVI_NAME(tvi_sum_f32)(const float *p, size_t npix, int c, double *sum, double *sq) {
  for (size_t i = 0; i < npix; i++)
    for (int k = 0; k < c; k++) {
      const double v = p[i * (size_t)c + (size_t)k];
      sum[k] += v;
      sq[k] += v * v;
    }
}

/* u8 histogram (see stats.h). Sub-histograms: sample k of each group of 8 goes to sub-histogram
 * k, so that runs of equal samples do not wait on one counter's store; 8 samples per 64-bit load.
 * That is one counter increment (a load and a store) per sample, which bounds the speed. Smooth
 * rows instead count pairs of neighbours in a table of 65536 counters: one increment per two
 * samples; neighbours there are close, so the counters in use stay few and in L1. A row counts
 * as smooth when 3/4 of the neighbour pairs among its first 512 samples differ by less than 16
 * (checked on a prefix so that the test costs little; a wrong guess only costs speed). */
static void TVI_NAME(tvi_hist_u8)(const uint8_t *p, size_t n, uint32_t *h, uint32_t *pairs) {
  size_t i = 0;
  if (pairs && n >= 64) {
    const size_t m = n < 512 ? n / 2 : 256;
    uint32_t near = 0;
    for (size_t k = 0; k < m; k++) near += (uint32_t)(p[2 * k + 1] - p[2 * k] + 16) < 32;
    if (4 * near >= 3 * m) {
      for (; i + 8 <= n; i += 8) {
        uint64_t x;
        memcpy(&x, p + i, 8);
        x = tvi_le64(x);
        pairs[x & 0xffff]++;
        pairs[(x >> 16) & 0xffff]++;
        pairs[(x >> 32) & 0xffff]++;
        pairs[x >> 48]++;
      }
      for (; i + 2 <= n; i += 2) pairs[p[i] + 256 * (uint32_t)p[i + 1]]++;
      if (i < n) h[p[i]]++;
      return;
    }
  }
  for (; i + 8 <= n; i += 8) {
    uint64_t x;
    memcpy(&x, p + i, 8);
    x = tvi_le64(x);
    h[x & 255]++;
    h[256 + ((x >> 8) & 255)]++;
    h[512 + ((x >> 16) & 255)]++;
    h[768 + ((x >> 24) & 255)]++;
    h[1024 + ((x >> 32) & 255)]++;
    h[1280 + ((x >> 40) & 255)]++;
    h[1536 + ((x >> 48) & 255)]++;
    h[1792 + (x >> 56)]++;
  }
  for (; i < n; i++) h[(i & 7) * 256 + p[i]]++;
}

#define TVI_STATS_TABLE                                                                            \
  {                                                                                                \
    TVI_NAME(tvi_minmax_u8), TVI_NAME(tvi_minmax_u16), TVI_NAME(tvi_minmax_s16),                   \
        TVI_NAME(tvi_minmax_f32), TVI_NAME(tvi_sum_u8), TVI_NAME(tvi_sum_u16),                     \
        TVI_NAME(tvi_sum_s16), TVI_NAME(tvi_sum_f32), TVI_NAME(tvi_hist_u8),                       \
  }

#endif
