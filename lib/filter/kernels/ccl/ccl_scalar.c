/* The ccl family's scalar reference: the shared kernels of ccl_impl.h in plain C, with samples
 * turned into bits eight at a time in 64-bit words.
 * SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "ccl.h"

/* A 64-bit word loaded from memory, as if little-endian (sample i in the i-th lowest bytes). */
static inline uint64_t tvi_ccl_le64(const void *p) {
  uint64_t v;
  memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  v = __builtin_bswap64(v);
#endif
  return v;
}

/* The top bit of each byte (16-bit sample) of v set when the byte (sample) is nonzero, gathered
 * into 8 (4) bits by one multiply. */
static inline uint64_t tvi_ccl_bits_u8_scalar(const uint8_t *p) {
  uint64_t m = 0;
  for (int k = 0; k < 8; k++) {
    const uint64_t v = tvi_ccl_le64(p + 8 * k);
    const uint64_t t =
        (((v & 0x7f7f7f7f7f7f7f7fULL) + 0x7f7f7f7f7f7f7f7fULL) | v) & 0x8080808080808080ULL;
    m |= (((t >> 7) * 0x0102040810204080ULL) >> 56) << (8 * k);
  }
  return m;
}

static inline uint64_t tvi_ccl_bits_u16_scalar(const uint16_t *p) {
  uint64_t m = 0;
  for (int k = 0; k < 16; k++) {
    const uint16_t *q = p + 4 * k; /* sample i in bits 16i..16i+15, one load on little-endian */
    const uint64_t v =
        (uint64_t)q[0] | (uint64_t)q[1] << 16 | (uint64_t)q[2] << 32 | (uint64_t)q[3] << 48;
    const uint64_t t =
        (((v & 0x7fff7fff7fff7fffULL) + 0x7fff7fff7fff7fffULL) | v) & 0x8000800080008000ULL;
    m |= (((t >> 15) * 0x1000200040008000ULL) >> 60) << (4 * k);
  }
  return m;
}

#define TVI_CCL_ISA scalar
#define TVI_CCL_BITS_U8 tvi_ccl_bits_u8_scalar
#define TVI_CCL_BITS_U16 tvi_ccl_bits_u16_scalar
#include "ccl_impl.h"

const tvi_ccl_kernels tvi_ccl_scalar = TVI_CCL_TABLE;
