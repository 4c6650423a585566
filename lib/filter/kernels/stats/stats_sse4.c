/* The stats family for sse4: the shared C kernels of stats_impl.h compiled with this file's
 * flags, and a hand-written one-channel u8 sum. SPDX-License-Identifier: Apache-2.0 */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3") /* vectorize the one-channel loops even in -O2 builds */
#endif
#include <smmintrin.h>

#include "stats.h"

/* As tvi_sum1_u8_avx512 (stats_avx512.c), 128-bit vectors: 8192 vectors between folds. */
static size_t tvi_sum1_u8_sse4(const uint8_t *p, size_t n, int64_t *sum, uint64_t *sq) {
  const __m128i z = _mm_setzero_si128(), lo32 = _mm_set1_epi64x(0xffffffff);
  __m128i s64 = z, q64 = z;
  size_t i = 0;
  while (i + 16 <= n) {
    const size_t end = n - i > (size_t)16 * 8192 ? i + (size_t)16 * 8192 : n;
    __m128i q0 = z, q1 = z;
    for (; i + 16 <= end; i += 16) {
      const __m128i x = _mm_loadu_si128((const void *)(p + i));
      const __m128i xl = _mm_unpacklo_epi8(x, z), xh = _mm_unpackhi_epi8(x, z);
      s64 = _mm_add_epi64(s64, _mm_sad_epu8(x, z));
      q0 = _mm_add_epi32(q0, _mm_madd_epi16(xl, xl));
      q1 = _mm_add_epi32(q1, _mm_madd_epi16(xh, xh));
    }
    const __m128i q = _mm_add_epi32(q0, q1);
    q64 = _mm_add_epi64(q64, _mm_add_epi64(_mm_and_si128(q, lo32), _mm_srli_epi64(q, 32)));
  }
  sum[0] += (int64_t)((uint64_t)_mm_cvtsi128_si64(s64) + (uint64_t)_mm_extract_epi64(s64, 1));
  sq[0] += (uint64_t)_mm_cvtsi128_si64(q64) + (uint64_t)_mm_extract_epi64(q64, 1);
  return i;
}
#define TVI_STATS_SUM1_U8 tvi_sum1_u8_sse4

#define TVI_STATS_ISA sse4
#include "stats_impl.h"

const tvi_stats_kernels tvi_stats_sse4 = TVI_STATS_TABLE;
