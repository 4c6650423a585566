/* The arith family for NEON (aarch64): 128-bit vectors, scalar tails.
 * SPDX-License-Identifier: Apache-2.0 */
#include <arm_neon.h>

#include "arith.h"

/* A binary kernel over `lanes` samples per step: load with ld, combine with expr, store with st. */
#define TVI_BINARY(name, T, lanes, ld, st, expr)                                                   \
  static void tvi_##name##_neon(const T *a, const T *b, T *dst, size_t n) {                        \
    size_t i = 0;                                                                                  \
    for (; i + (lanes) <= n; i += (lanes)) {                                                       \
      const __typeof__(ld(a)) x = ld(a + i), y = ld(b + i);                                        \
      st(dst + i, expr);                                                                           \
    }                                                                                              \
    tvi_##name##_scalar(a + i, b + i, dst + i, n - i);                                             \
  }

TVI_BINARY(absdiff_u8, uint8_t, 16, vld1q_u8, vst1q_u8, vabdq_u8(x, y))
TVI_BINARY(absdiff_u16, uint16_t, 8, vld1q_u16, vst1q_u16, vabdq_u16(x, y))
TVI_BINARY(absdiff_s16, int16_t, 8, vld1q_s16, vst1q_s16,
           vqsubq_s16(vmaxq_s16(x, y), vminq_s16(x, y)))
TVI_BINARY(absdiff_f32, float, 4, vld1q_f32, vst1q_f32, vabdq_f32(x, y))
TVI_BINARY(add_u8, uint8_t, 16, vld1q_u8, vst1q_u8, vqaddq_u8(x, y))
TVI_BINARY(add_u16, uint16_t, 8, vld1q_u16, vst1q_u16, vqaddq_u16(x, y))
TVI_BINARY(add_s16, int16_t, 8, vld1q_s16, vst1q_s16, vqaddq_s16(x, y))
TVI_BINARY(add_f32, float, 4, vld1q_f32, vst1q_f32, vaddq_f32(x, y))
TVI_BINARY(sub_u8, uint8_t, 16, vld1q_u8, vst1q_u8, vqsubq_u8(x, y))
TVI_BINARY(sub_u16, uint16_t, 8, vld1q_u16, vst1q_u16, vqsubq_u16(x, y))
TVI_BINARY(sub_s16, int16_t, 8, vld1q_s16, vst1q_s16, vqsubq_s16(x, y))
TVI_BINARY(sub_f32, float, 4, vld1q_f32, vst1q_f32, vsubq_f32(x, y))

/* (s * a) * b clamped to [lo, hi] (vmaxnm turns NaN into lo) and rounded half to even. */
static inline int32x4_t tvi_mul4(float32x4_t s, float32x4_t a, float32x4_t b, float32x4_t lo,
                                 float32x4_t hi) {
  const float32x4_t p = vmulq_f32(vmulq_f32(s, a), b);
  return vcvtnq_s32_f32(vminnmq_f32(vmaxnmq_f32(p, lo), hi));
}

static inline float32x4_t tvi_f32_lo_u16(uint16x8_t v) {
  return vcvtq_f32_u32(vmovl_u16(vget_low_u16(v)));
}
static inline float32x4_t tvi_f32_hi_u16(uint16x8_t v) {
  return vcvtq_f32_u32(vmovl_u16(vget_high_u16(v)));
}

/* Eight u16 (or u8 widened) products, saturated to unsigned 16 bits. */
static inline uint16x8_t tvi_mul8_u(float32x4_t s, uint16x8_t x, uint16x8_t y, float32x4_t lo,
                                    float32x4_t hi) {
  const int32x4_t r0 = tvi_mul4(s, tvi_f32_lo_u16(x), tvi_f32_lo_u16(y), lo, hi);
  const int32x4_t r1 = tvi_mul4(s, tvi_f32_hi_u16(x), tvi_f32_hi_u16(y), lo, hi);
  return vcombine_u16(vqmovun_s32(r0), vqmovun_s32(r1));
}

/* Multiplication by 1 (see tvi_mul_int_unit): the saturated integer product (widening multiply,
 * saturating narrow). */
static void tvi_mul1_u8_neon(const uint8_t *a, const uint8_t *b, uint8_t *dst, size_t n) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const uint8x16_t x = vld1q_u8(a + i), y = vld1q_u8(b + i);
    vst1q_u8(dst + i, vcombine_u8(vqmovn_u16(vmull_u8(vget_low_u8(x), vget_low_u8(y))),
                                  vqmovn_u16(vmull_high_u8(x, y))));
  }
  tvi_mul_u8_scalar(a + i, b + i, dst + i, n - i, 1.0);
}

static void tvi_mul1_u16_neon(const uint16_t *a, const uint16_t *b, uint16_t *dst, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const uint16x8_t x = vld1q_u16(a + i), y = vld1q_u16(b + i);
    vst1q_u16(dst + i, vcombine_u16(vqmovn_u32(vmull_u16(vget_low_u16(x), vget_low_u16(y))),
                                    vqmovn_u32(vmull_high_u16(x, y))));
  }
  tvi_mul_u16_scalar(a + i, b + i, dst + i, n - i, 1.0);
}

static void tvi_mul1_s16_neon(const int16_t *a, const int16_t *b, int16_t *dst, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const int16x8_t x = vld1q_s16(a + i), y = vld1q_s16(b + i);
    vst1q_s16(dst + i, vcombine_s16(vqmovn_s32(vmull_s16(vget_low_s16(x), vget_low_s16(y))),
                                    vqmovn_s32(vmull_high_s16(x, y))));
  }
  tvi_mul_s16_scalar(a + i, b + i, dst + i, n - i, 1.0);
}

static void tvi_mul_u8_neon(const uint8_t *a, const uint8_t *b, uint8_t *dst, size_t n,
                            double scale) {
  if (tvi_mul_int_unit(scale)) {
    tvi_mul1_u8_neon(a, b, dst, n);
    return;
  }
  const float32x4_t s = vdupq_n_f32((float)scale), lo = vdupq_n_f32(0.0f), hi = vdupq_n_f32(255.0f);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const uint16x8_t x = vmovl_u8(vld1_u8(a + i)), y = vmovl_u8(vld1_u8(b + i));
    vst1_u8(dst + i, vqmovn_u16(tvi_mul8_u(s, x, y, lo, hi)));
  }
  tvi_mul_u8_scalar(a + i, b + i, dst + i, n - i, scale);
}

static void tvi_mul_u16_neon(const uint16_t *a, const uint16_t *b, uint16_t *dst, size_t n,
                             double scale) {
  if (tvi_mul_int_unit(scale)) {
    tvi_mul1_u16_neon(a, b, dst, n);
    return;
  }
  const float32x4_t s = vdupq_n_f32((float)scale), lo = vdupq_n_f32(0.0f),
                    hi = vdupq_n_f32(65535.0f);
  size_t i = 0;
  for (; i + 8 <= n; i += 8)
    vst1q_u16(dst + i, tvi_mul8_u(s, vld1q_u16(a + i), vld1q_u16(b + i), lo, hi));
  tvi_mul_u16_scalar(a + i, b + i, dst + i, n - i, scale);
}

static void tvi_mul_s16_neon(const int16_t *a, const int16_t *b, int16_t *dst, size_t n,
                             double scale) {
  if (tvi_mul_int_unit(scale)) {
    tvi_mul1_s16_neon(a, b, dst, n);
    return;
  }
  const float32x4_t s = vdupq_n_f32((float)scale), lo = vdupq_n_f32(-32768.0f),
                    hi = vdupq_n_f32(32767.0f);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const int16x8_t x = vld1q_s16(a + i), y = vld1q_s16(b + i);
    const int32x4_t r0 = tvi_mul4(s, vcvtq_f32_s32(vmovl_s16(vget_low_s16(x))),
                                  vcvtq_f32_s32(vmovl_s16(vget_low_s16(y))), lo, hi);
    const int32x4_t r1 = tvi_mul4(s, vcvtq_f32_s32(vmovl_s16(vget_high_s16(x))),
                                  vcvtq_f32_s32(vmovl_s16(vget_high_s16(y))), lo, hi);
    vst1q_s16(dst + i, vcombine_s16(vqmovn_s32(r0), vqmovn_s32(r1)));
  }
  tvi_mul_s16_scalar(a + i, b + i, dst + i, n - i, scale);
}

static void tvi_mul_f32_neon(const float *a, const float *b, float *dst, size_t n, double scale) {
  size_t i = 0;
  if (tvi_mul_f32_in_float(scale)) {
    const float32x4_t s = vdupq_n_f32((float)scale);
    for (; i + 4 <= n; i += 4)
      vst1q_f32(dst + i, vmulq_f32(vmulq_f32(s, vld1q_f32(a + i)), vld1q_f32(b + i)));
  } else {
    const float64x2_t s = vdupq_n_f64(scale);
    for (; i + 4 <= n; i += 4) {
      const float32x4_t x = vld1q_f32(a + i), y = vld1q_f32(b + i);
      const float64x2_t lo =
          vmulq_f64(vmulq_f64(s, vcvt_f64_f32(vget_low_f32(x))), vcvt_f64_f32(vget_low_f32(y)));
      const float64x2_t hi = vmulq_f64(vmulq_f64(s, vcvt_high_f64_f32(x)), vcvt_high_f64_f32(y));
      vst1q_f32(dst + i, vcvt_high_f32_f64(vcvt_f32_f64(lo), hi));
    }
  }
  tvi_mul_f32_scalar(a + i, b + i, dst + i, n - i, scale);
}

const tvi_arith_kernels tvi_arith_neon = {
    tvi_absdiff_u8_neon, tvi_absdiff_u16_neon, tvi_absdiff_s16_neon, tvi_absdiff_f32_neon,
    tvi_add_u8_neon,     tvi_add_u16_neon,     tvi_add_s16_neon,     tvi_add_f32_neon,
    tvi_sub_u8_neon,     tvi_sub_u16_neon,     tvi_sub_s16_neon,     tvi_sub_f32_neon,
    tvi_mul_u8_neon,     tvi_mul_u16_neon,     tvi_mul_s16_neon,     tvi_mul_f32_neon,
};
