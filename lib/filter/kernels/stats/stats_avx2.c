/* The stats family for avx2: the shared C kernels of stats_impl.h compiled with this file's
 * flags, and a hand-written one-channel u8 sum. SPDX-License-Identifier: Apache-2.0 */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3") /* vectorize the one-channel loops even in -O2 builds */
#endif
#include <immintrin.h>

#include "stats.h"

static inline uint64_t tvi_hsum_epi64_avx2(__m256i v) {
  const __m128i s = _mm_add_epi64(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  return (uint64_t)_mm_cvtsi128_si64(s) + (uint64_t)_mm_extract_epi64(s, 1);
}

/* As tvi_sum1_u8_avx512 (stats_avx512.c), 256-bit vectors: 8192 vectors between folds. */
static size_t tvi_sum1_u8_avx2(const uint8_t *p, size_t n, int64_t *sum, uint64_t *sq) {
  const __m256i z = _mm256_setzero_si256(), lo32 = _mm256_set1_epi64x(0xffffffff);
  __m256i s64 = z, q64 = z;
  size_t i = 0;
  while (i + 32 <= n) {
    const size_t end = n - i > (size_t)32 * 8192 ? i + (size_t)32 * 8192 : n;
    __m256i q0 = z, q1 = z;
    for (; i + 32 <= end; i += 32) {
      const __m256i x = _mm256_loadu_si256((const void *)(p + i));
      const __m256i xl = _mm256_unpacklo_epi8(x, z), xh = _mm256_unpackhi_epi8(x, z);
      s64 = _mm256_add_epi64(s64, _mm256_sad_epu8(x, z));
      q0 = _mm256_add_epi32(q0, _mm256_madd_epi16(xl, xl));
      q1 = _mm256_add_epi32(q1, _mm256_madd_epi16(xh, xh));
    }
    const __m256i q = _mm256_add_epi32(q0, q1);
    q64 = _mm256_add_epi64(q64,
                           _mm256_add_epi64(_mm256_and_si256(q, lo32), _mm256_srli_epi64(q, 32)));
  }
  sum[0] += (int64_t)tvi_hsum_epi64_avx2(s64);
  sq[0] += tvi_hsum_epi64_avx2(q64);
  return i;
}
#define TVI_STATS_SUM1_U8 tvi_sum1_u8_avx2

#define TVI_STATS_ISA avx2
#include "stats_impl.h"

const tvi_stats_kernels tvi_stats_avx2 = TVI_STATS_TABLE;
