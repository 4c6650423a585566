/* The ccl family for avx512: the kernels of ccl_impl.h with hardware popcount and bit scans,
 * samples turned into bits by one test per 64 bytes, run lists by compressing lanes, label rows
 * written 16 samples at a time without a branch per run.
 * SPDX-License-Identifier: Apache-2.0 */
#include <immintrin.h>
#include <string.h>

#include "ccl.h"

static inline uint64_t tvi_ccl_bits_u8_avx512(const uint8_t *p) {
  const __m512i v = _mm512_loadu_si512((const void *)p);
  return (uint64_t)_mm512_test_epi8_mask(v, v);
}

static inline uint64_t tvi_ccl_bits_u16_avx512(const uint16_t *p) {
  const __m512i a = _mm512_loadu_si512((const void *)p),
                b = _mm512_loadu_si512((const void *)(p + 32));
  return (uint64_t)_mm512_test_epi16_mask(a, a) | (uint64_t)_mm512_test_epi16_mask(b, b) << 32;
}

/* The positions of t's set bits, 16 at a time: compressed in a register (a compressing store
 * to memory is slow on some cores) and stored whole; up to 16 int32 written past them. */
static inline int32_t *tvi_ccl_positions_avx512(int32_t *x, uint64_t t, int32_t base) {
  const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  __m512i idx = _mm512_add_epi32(iota, _mm512_set1_epi32(base));
  for (int q = 0; q < 4; q++) {
    const __mmask16 m = (__mmask16)(t >> (16 * q));
    _mm512_storeu_si512((void *)x, _mm512_maskz_compress_epi32(m, idx));
    x += __builtin_popcount(m);
    idx = _mm512_add_epi32(idx, _mm512_set1_epi32(16));
  }
  return x;
}

/* Label rows 16 samples at a time, no branch per run: the number of runs started in the vector
 * up to each lane (a prefix sum over the lanes of the starts' bits) picks the lane's label from
 * the 16 labels from the run before the vector on; samples outside runs are masked to 0. */
static void tvi_ccl_fill_px_avx512(int32_t *out, int32_t w, const tvi_ccl_row *r,
                                   const int32_t *lab) {
  const __m512i one = _mm512_set1_epi32(1), z = _mm512_setzero_si512();
  int32_t base = 0; /* runs started before the vector */
  for (int32_t p = 0; p < w; p += 16) {
    const int sh = p & 63;
    if (!sh && !r->bits[p >> 6]) { /* words without runs (sparse masks): one memset */
      int32_t q = p + 64;
      while (q < w && !r->bits[q >> 6]) q += 64;
      q = q < w ? q : w;
      memset(out + p, 0, (size_t)(q - p) * sizeof *out);
      p = q - 16;
      continue;
    }
    const __mmask16 c = (__mmask16)(r->bits[p >> 6] >> sh), s = (__mmask16)(r->s[p >> 6] >> sh);
    __m512i k = _mm512_maskz_mov_epi32(s, one);
    k = _mm512_add_epi32(k, _mm512_alignr_epi32(k, z, 15));
    k = _mm512_add_epi32(k, _mm512_alignr_epi32(k, z, 14));
    k = _mm512_add_epi32(k, _mm512_alignr_epi32(k, z, 12));
    k = _mm512_add_epi32(k, _mm512_alignr_epi32(k, z, 8));
    const __m512i l = _mm512_loadu_si512((const void *)(lab + base - 1));
    const __m512i v = _mm512_maskz_permutexvar_epi32(c, k, l);
    if (p + 16 <= w)
      _mm512_storeu_si512((void *)(out + p), v);
    else
      _mm512_mask_storeu_epi32(out + p, (__mmask16)((1u << (w - p)) - 1), v);
    base += __builtin_popcount(s);
  }
}

#define TVI_CCL_ISA avx512
#define TVI_CCL_FILL tvi_ccl_fill_px_avx512
#define TVI_CCL_POSITIONS tvi_ccl_positions_avx512
#define TVI_CCL_BITS_U8 tvi_ccl_bits_u8_avx512
#define TVI_CCL_BITS_U16 tvi_ccl_bits_u16_avx512
#define TVI_CCL_LANES 16
#define TVI_CCL_VEC __m512i
#define TVI_CCL_SET1(v) _mm512_set1_epi32(v)
#define TVI_CCL_STORE(p, v) _mm512_storeu_si512((void *)(p), v)
#include "ccl_impl.h"

const tvi_ccl_kernels tvi_ccl_avx512 = TVI_CCL_TABLE;
