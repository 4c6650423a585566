/* The ccl family for sse4: the kernels of ccl_impl.h with hardware popcount, samples turned into
 * bits by compare and movemask, run lists from a table of bit positions per byte, label rows
 * filled 4 lanes at a time.
 * SPDX-License-Identifier: Apache-2.0 */
#include <smmintrin.h>

#include "ccl.h"
#include "ccl_pos8.h"

static inline uint64_t tvi_ccl_bits_u8_sse4(const uint8_t *p) {
  const __m128i z = _mm_setzero_si128();
  uint64_t m = 0;
  for (int k = 0; k < 4; k++) {
    const __m128i v = _mm_loadu_si128((const void *)(p + 16 * k));
    m |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, z)) << (16 * k);
  }
  return ~m;
}

static inline uint64_t tvi_ccl_bits_u16_sse4(const uint16_t *p) {
  const __m128i z = _mm_setzero_si128();
  uint64_t m = 0;
  for (int k = 0; k < 4; k++) {
    const __m128i a = _mm_loadu_si128((const void *)(p + 16 * k)),
                  b = _mm_loadu_si128((const void *)(p + 16 * k + 8));
    const __m128i q = _mm_packs_epi16(_mm_cmpeq_epi16(a, z), _mm_cmpeq_epi16(b, z));
    m |= (uint64_t)(uint32_t)_mm_movemask_epi8(q) << (16 * k);
  }
  return ~m;
}

/* The positions of t's set bits, 8 at a time from the table, widened to int32 and stored whole;
 * up to 8 int32 written past them. */
static inline int32_t *tvi_ccl_positions_sse4(int32_t *x, uint64_t t, int32_t base) {
  for (int q = 0; q < 8; q++) {
    const unsigned b = (unsigned)(t >> (8 * q)) & 255;
    const __m128i p = _mm_cvtsi64_si128((long long)tvi_ccl_pos8[b]);
    const __m128i o = _mm_set1_epi32(base + 8 * q);
    _mm_storeu_si128((void *)x, _mm_add_epi32(_mm_cvtepu8_epi32(p), o));
    _mm_storeu_si128((void *)(x + 4), _mm_add_epi32(_mm_cvtepu8_epi32(_mm_srli_si128(p, 4)), o));
    x += __builtin_popcount(b);
  }
  return x;
}

#define TVI_CCL_ISA sse4
#define TVI_CCL_POSITIONS tvi_ccl_positions_sse4
#define TVI_CCL_BITS_U8 tvi_ccl_bits_u8_sse4
#define TVI_CCL_BITS_U16 tvi_ccl_bits_u16_sse4
#define TVI_CCL_LANES 4
#define TVI_CCL_VEC __m128i
#define TVI_CCL_SET1(v) _mm_set1_epi32(v)
#define TVI_CCL_STORE(p, v) _mm_storeu_si128((void *)(p), v)
#include "ccl_impl.h"

const tvi_ccl_kernels tvi_ccl_sse4 = TVI_CCL_TABLE;
