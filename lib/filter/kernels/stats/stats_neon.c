/* The stats family for neon: the shared C kernels of stats_impl.h compiled with this file's flags,
 * and a hand-written one-channel u8 sum. SPDX-License-Identifier: Apache-2.0 */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3") /* vectorize the one-channel loops even in -O2 builds */
#endif
#include <arm_neon.h>

#include "stats.h"

/* Sum and sum of squares of p[0..n) in whole vectors; returns how many samples it took. Blocks
 * of at most 128 vectors: sums pairwise into 16-bit lanes (each gains at most 2 * 255 per
 * vector), squares by widening multiplies added pairwise into 32-bit lanes (at most
 * 4 * 255^2 per vector); both folded into 64-bit lanes after each block. */
static size_t tvi_sum1_u8_neon(const uint8_t *p, size_t n, int64_t *sum, uint64_t *sq) {
  uint64x2_t s64 = vdupq_n_u64(0), q64 = vdupq_n_u64(0);
  size_t i = 0;
  while (i + 16 <= n) {
    const size_t end = n - i > (size_t)16 * 128 ? i + (size_t)16 * 128 : n;
    uint16x8_t s16 = vdupq_n_u16(0);
    uint32x4_t q32 = vdupq_n_u32(0);
    for (; i + 16 <= end; i += 16) {
      const uint8x16_t x = vld1q_u8(p + i);
      s16 = vpadalq_u8(s16, x);
      q32 = vpadalq_u16(q32, vmull_u8(vget_low_u8(x), vget_low_u8(x)));
      q32 = vpadalq_u16(q32, vmull_high_u8(x, x));
    }
    s64 = vpadalq_u32(s64, vpaddlq_u16(s16));
    q64 = vpadalq_u32(q64, q32);
  }
  sum[0] += (int64_t)vaddvq_u64(s64);
  sq[0] += vaddvq_u64(q64);
  return i;
}
#define TVI_STATS_SUM1_U8 tvi_sum1_u8_neon

#define TVI_STATS_ISA neon
#include "stats_impl.h"

const tvi_stats_kernels tvi_stats_neon = TVI_STATS_TABLE;
