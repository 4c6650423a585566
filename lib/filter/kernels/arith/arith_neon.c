/* The arith family for NEON (aarch64): 128-bit vectors, scalar tails.
 * SPDX-License-Identifier: Apache-2.0 */
#include <arm_neon.h>

#include "arith.h"

static void tvi_absdiff_u8_neon(const uint8_t *a, const uint8_t *b, uint8_t *dst, size_t n) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16) vst1q_u8(dst + i, vabdq_u8(vld1q_u8(a + i), vld1q_u8(b + i)));
  tvi_absdiff_u8_scalar(a + i, b + i, dst + i, n - i);
}

static void tvi_absdiff_u16_neon(const uint16_t *a, const uint16_t *b, uint16_t *dst, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) vst1q_u16(dst + i, vabdq_u16(vld1q_u16(a + i), vld1q_u16(b + i)));
  tvi_absdiff_u16_scalar(a + i, b + i, dst + i, n - i);
}

static void tvi_absdiff_s16_neon(const int16_t *a, const int16_t *b, int16_t *dst, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const int16x8_t x = vld1q_s16(a + i), y = vld1q_s16(b + i);
    vst1q_s16(dst + i, vqsubq_s16(vmaxq_s16(x, y), vminq_s16(x, y)));
  }
  tvi_absdiff_s16_scalar(a + i, b + i, dst + i, n - i);
}

static void tvi_absdiff_f32_neon(const float *a, const float *b, float *dst, size_t n) {
  size_t i = 0;
  for (; i + 4 <= n; i += 4) vst1q_f32(dst + i, vabdq_f32(vld1q_f32(a + i), vld1q_f32(b + i)));
  tvi_absdiff_f32_scalar(a + i, b + i, dst + i, n - i);
}

const tvi_arith_kernels tvi_arith_neon = {
    tvi_absdiff_u8_neon,
    tvi_absdiff_u16_neon,
    tvi_absdiff_s16_neon,
    tvi_absdiff_f32_neon,
};
