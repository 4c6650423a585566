/* The ccl family for neon: the kernels of ccl_impl.h, samples turned into bits by test, a
 * weight per bit and pairwise additions, label rows filled 4 lanes at a time.
 * SPDX-License-Identifier: Apache-2.0 */
#include <arm_neon.h>

#include "ccl.h"

/* 64 bytes of 0xff / 0 (in order in a, b, c, d) to a 64-bit mask: each byte keeps its bit's
 * weight, and three rounds of pairwise additions sum each group of 8 bytes into one. */
static inline uint64_t tvi_ccl_gather_neon(uint8x16_t a, uint8x16_t b, uint8x16_t c, uint8x16_t d) {
  static const uint8_t wt[16] = {1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128};
  const uint8x16_t w = vld1q_u8(wt);
  const uint8x16_t ab = vpaddq_u8(vandq_u8(a, w), vandq_u8(b, w));
  const uint8x16_t cd = vpaddq_u8(vandq_u8(c, w), vandq_u8(d, w));
  const uint8x16_t q = vpaddq_u8(ab, cd);
  return vgetq_lane_u64(vreinterpretq_u64_u8(vpaddq_u8(q, q)), 0);
}

static inline uint64_t tvi_ccl_bits_u8_neon(const uint8_t *p) {
  const uint8x16_t a = vld1q_u8(p), b = vld1q_u8(p + 16), c = vld1q_u8(p + 32),
                   d = vld1q_u8(p + 48);
  return tvi_ccl_gather_neon(vtstq_u8(a, a), vtstq_u8(b, b), vtstq_u8(c, c), vtstq_u8(d, d));
}

/* 16 samples at p to 16 bytes of 0xff / 0. */
static inline uint8x16_t tvi_ccl_test16_neon(const uint16_t *p) {
  const uint16x8_t a = vld1q_u16(p), b = vld1q_u16(p + 8);
  return vcombine_u8(vmovn_u16(vtstq_u16(a, a)), vmovn_u16(vtstq_u16(b, b)));
}

static inline uint64_t tvi_ccl_bits_u16_neon(const uint16_t *p) {
  return tvi_ccl_gather_neon(tvi_ccl_test16_neon(p), tvi_ccl_test16_neon(p + 16),
                             tvi_ccl_test16_neon(p + 32), tvi_ccl_test16_neon(p + 48));
}

#define TVI_CCL_ISA neon
#define TVI_CCL_BITS_U8 tvi_ccl_bits_u8_neon
#define TVI_CCL_BITS_U16 tvi_ccl_bits_u16_neon
#define TVI_CCL_LANES 4
#define TVI_CCL_VEC int32x4_t
#define TVI_CCL_SET1(v) vdupq_n_s32(v)
#define TVI_CCL_STORE(p, v) vst1q_s32(p, v)
#include "ccl_impl.h"

const tvi_ccl_kernels tvi_ccl_neon = TVI_CCL_TABLE;
