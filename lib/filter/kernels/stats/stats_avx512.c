/* The stats family for avx512: the shared C kernels of stats_impl.h compiled with this file's
 * flags, and a hand-written one-channel u8 sum. SPDX-License-Identifier: Apache-2.0 */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3") /* vectorize the one-channel loops even in -O2 builds */
#endif
#include <immintrin.h>

#include "stats.h"

/* Sum and sum of squares of p[0..n) in whole vectors; returns how many samples it took. Sums by
 * vpsadbw into 64-bit lanes; squares by vpmaddwd of the zero-extended samples into 32-bit lanes
 * (each lane gains at most 4 * 255^2 per vector), folded into 64-bit lanes every 8192 vectors,
 * before 8192 * 4 * 255^2 < 2^32 could overflow. */
static size_t tvi_sum1_u8_avx512(const uint8_t *p, size_t n, int64_t *sum, uint64_t *sq) {
  const __m512i z = _mm512_setzero_si512(), lo32 = _mm512_set1_epi64(0xffffffff);
  __m512i s64 = z, q64 = z;
  size_t i = 0;
  while (i + 64 <= n) {
    const size_t end = n - i > (size_t)64 * 8192 ? i + (size_t)64 * 8192 : n;
    __m512i q0 = z, q1 = z;
    for (; i + 64 <= end; i += 64) {
      const __m512i x = _mm512_loadu_si512((const void *)(p + i));
      const __m512i xl = _mm512_unpacklo_epi8(x, z), xh = _mm512_unpackhi_epi8(x, z);
      s64 = _mm512_add_epi64(s64, _mm512_sad_epu8(x, z));
      q0 = _mm512_add_epi32(q0, _mm512_madd_epi16(xl, xl));
      q1 = _mm512_add_epi32(q1, _mm512_madd_epi16(xh, xh));
    }
    const __m512i q = _mm512_add_epi32(q0, q1); /* unsigned 32-bit lanes */
    q64 = _mm512_add_epi64(q64,
                           _mm512_add_epi64(_mm512_and_si512(q, lo32), _mm512_srli_epi64(q, 32)));
  }
  sum[0] += _mm512_reduce_add_epi64(s64);
  sq[0] += (uint64_t)_mm512_reduce_add_epi64(q64);
  return i;
}
#define TVI_STATS_SUM1_U8 tvi_sum1_u8_avx512

#define TVI_STATS_ISA avx512
#include "stats_impl.h"

const tvi_stats_kernels tvi_stats_avx512 = TVI_STATS_TABLE;
