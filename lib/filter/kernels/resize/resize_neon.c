/* The resize family for NEON (aarch64): 128-bit vectors, scalar tails.
 * SPDX-License-Identifier: Apache-2.0 */
#include <arm_neon.h>

#include "resize.h"

static void tvi_area2_u8_neon(const uint8_t *s0, const uint8_t *s1, uint8_t *dst, size_t n,
                              int cn) {
  size_t i = 0;
  if (cn == 1) {
    for (; i + 8 <= n; i += 8) {
      const uint16x8_t s =
          vaddq_u16(vpaddlq_u8(vld1q_u8(s0 + 2 * i)), vpaddlq_u8(vld1q_u8(s1 + 2 * i)));
      vst1_u8(dst + i, vrshrn_n_u16(s, 2)); /* (s + 2) >> 2 */
    }
  }
  tvi_area2_u8_scalar(s0 + 2 * i, s1 + 2 * i, dst + i, n - i, cn);
}

static void tvi_area2_u16_neon(const uint16_t *s0, const uint16_t *s1, uint16_t *dst, size_t n,
                               int cn) {
  size_t i = 0;
  if (cn == 1) {
    for (; i + 4 <= n; i += 4) {
      const uint32x4_t s =
          vaddq_u32(vpaddlq_u16(vld1q_u16(s0 + 2 * i)), vpaddlq_u16(vld1q_u16(s1 + 2 * i)));
      vst1_u16(dst + i, vrshrn_n_u32(s, 2));
    }
  }
  tvi_area2_u16_scalar(s0 + 2 * i, s1 + 2 * i, dst + i, n - i, cn);
}

static void tvi_area2_f32_neon(const float *s0, const float *s1, float *dst, size_t n, int cn) {
  size_t i = 0;
  const float32x4_t q = vdupq_n_f32(0.25f);
  if (cn == 1) {
    const size_t nv = n & ~(size_t)3;
    for (; i + 4 <= nv; i += 4) {
      const float32x4x2_t a = vld2q_f32(s0 + 2 * i), b = vld2q_f32(s1 + 2 * i);
      const float32x4_t r = vaddq_f32(vaddq_f32(a.val[0], a.val[1]), vaddq_f32(b.val[0], b.val[1]));
      vst1q_f32(dst + i, vmulq_f32(r, q));
    }
  } else if (cn == 4) {
    for (; i + 4 <= n; i += 4) {
      const float32x4_t r0 = vaddq_f32(vld1q_f32(s0 + 2 * i), vld1q_f32(s0 + 2 * i + 4));
      const float32x4_t r1 = vaddq_f32(vld1q_f32(s1 + 2 * i), vld1q_f32(s1 + 2 * i + 4));
      vst1q_f32(dst + i, vmulq_f32(vaddq_f32(r0, r1), q));
    }
  }
  tvi_area2_f32_from_scalar(s0, s1, dst, i, n, cn);
}

static void tvi_vlin_u8_neon(const int16_t *h0, const int16_t *h1, int16_t b0, int16_t b1,
                             uint8_t *dst, size_t n) {
  size_t i = 0;
  const int16x4_t vb0 = vdup_n_s16(b0), vb1 = vdup_n_s16(b1);
  const int32x4_t two = vdupq_n_s32(2);
  for (; i + 8 <= n; i += 8) {
    const int16x8_t x = vld1q_s16(h0 + i), y = vld1q_s16(h1 + i);
    int32x4_t lo = vaddq_s32(vshrq_n_s32(vmull_s16(vget_low_s16(x), vb0), 16),
                             vshrq_n_s32(vmull_s16(vget_low_s16(y), vb1), 16));
    int32x4_t hi = vaddq_s32(vshrq_n_s32(vmull_s16(vget_high_s16(x), vb0), 16),
                             vshrq_n_s32(vmull_s16(vget_high_s16(y), vb1), 16));
    lo = vshrq_n_s32(vaddq_s32(lo, two), 2);
    hi = vshrq_n_s32(vaddq_s32(hi, two), 2);
    vst1_u8(dst + i, vqmovn_u16(vcombine_u16(vqmovun_s32(lo), vqmovun_s32(hi))));
  }
  tvi_vlin_u8_scalar(h0 + i, h1 + i, b0, b1, dst + i, n - i);
}

static void tvi_vlin_u16_neon(const float *h0, const float *h1, float b0, float b1, uint16_t *dst,
                              size_t n) {
  size_t i = 0;
  const float32x4_t vb0 = vdupq_n_f32(b0), vb1 = vdupq_n_f32(b1);
  const float32x4_t zero = vdupq_n_f32(0.0f), top = vdupq_n_f32(65535.0f);
  for (; i + 4 <= n; i += 4) {
    float32x4_t a = vaddq_f32(vmulq_f32(vld1q_f32(h0 + i), vb0), vmulq_f32(vld1q_f32(h1 + i), vb1));
    a = vminq_f32(vmaxnmq_f32(a, zero), top); /* maxnm: NaN -> 0 */
    vst1_u16(dst + i, vmovn_u32(vcvtnq_u32_f32(a)));
  }
  tvi_vlin_u16_scalar(h0 + i, h1 + i, b0, b1, dst + i, n - i);
}

static void tvi_vlin_f32_neon(const float *h0, const float *h1, float b0, float b1, float *dst,
                              size_t n) {
  size_t i = 0;
  const float32x4_t vb0 = vdupq_n_f32(b0), vb1 = vdupq_n_f32(b1);
  for (; i + 4 <= n; i += 4)
    vst1q_f32(dst + i,
              vaddq_f32(vmulq_f32(vld1q_f32(h0 + i), vb0), vmulq_f32(vld1q_f32(h1 + i), vb1)));
  tvi_vlin_f32_scalar(h0 + i, h1 + i, b0, b1, dst + i, n - i);
}

const tvi_resize_kernels tvi_resize_neon = {
    tvi_area2_u8_neon,  tvi_area2_u16_neon,  tvi_area2_f32_neon,
    tvi_vlin_u8_neon,   tvi_vlin_u16_neon,   tvi_vlin_f32_neon,
    tvi_hlin_u8_scalar, tvi_hlin_u16_scalar, tvi_hlin_f32_scalar, /* gathers: no gain */
};
