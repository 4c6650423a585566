/* The ccl family for avx2: the kernels of ccl_impl.h with hardware popcount and bit scans,
 * samples turned into bits by compare and movemask, run lists from a table of bit positions per
 * byte, label rows filled 8 lanes at a time.
 * SPDX-License-Identifier: Apache-2.0 */
#include <immintrin.h>

#include "ccl.h"
#include "ccl_pos8.h"

static inline uint64_t tvi_ccl_bits_u8_avx2(const uint8_t *p) {
  const __m256i z = _mm256_setzero_si256();
  const __m256i a = _mm256_loadu_si256((const void *)p),
                b = _mm256_loadu_si256((const void *)(p + 32));
  const uint64_t lo = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(a, z));
  const uint64_t hi = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(b, z));
  return ~(lo | hi << 32);
}

/* 32 samples: the two compares packed to bytes (per 128-bit lane), the lanes put back in order. */
static inline uint64_t tvi_ccl_zero32_u16_avx2(const uint16_t *p) {
  const __m256i z = _mm256_setzero_si256();
  const __m256i a = _mm256_loadu_si256((const void *)p),
                b = _mm256_loadu_si256((const void *)(p + 16));
  const __m256i q = _mm256_packs_epi16(_mm256_cmpeq_epi16(a, z), _mm256_cmpeq_epi16(b, z));
  return (uint32_t)_mm256_movemask_epi8(_mm256_permute4x64_epi64(q, _MM_SHUFFLE(3, 1, 2, 0)));
}

static inline uint64_t tvi_ccl_bits_u16_avx2(const uint16_t *p) {
  return ~(tvi_ccl_zero32_u16_avx2(p) | tvi_ccl_zero32_u16_avx2(p + 32) << 32);
}

/* The positions of t's set bits, 8 at a time from the table, widened to int32 and stored whole;
 * up to 8 int32 written past them. */
static inline int32_t *tvi_ccl_positions_avx2(int32_t *x, uint64_t t, int32_t base) {
  for (int q = 0; q < 8; q++) {
    const unsigned b = (unsigned)(t >> (8 * q)) & 255;
    const __m256i p = _mm256_cvtepu8_epi32(_mm_cvtsi64_si128((long long)tvi_ccl_pos8[b]));
    _mm256_storeu_si256((void *)x, _mm256_add_epi32(p, _mm256_set1_epi32(base + 8 * q)));
    x += __builtin_popcount(b);
  }
  return x;
}

#define TVI_CCL_ISA avx2
#define TVI_CCL_POSITIONS tvi_ccl_positions_avx2
#define TVI_CCL_BITS_U8 tvi_ccl_bits_u8_avx2
#define TVI_CCL_BITS_U16 tvi_ccl_bits_u16_avx2
#define TVI_CCL_LANES 8
#define TVI_CCL_VEC __m256i
#define TVI_CCL_SET1(v) _mm256_set1_epi32(v)
#define TVI_CCL_STORE(p, v) _mm256_storeu_si256((void *)(p), v)
#include "ccl_impl.h"

const tvi_ccl_kernels tvi_ccl_avx2 = TVI_CCL_TABLE;
