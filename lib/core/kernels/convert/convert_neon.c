/* The convert family for NEON (aarch64): conversions in double (2 lanes), grey with vld3/vld4.
 * SPDX-License-Identifier: Apache-2.0 */
#include <arm_neon.h>

#include "convert.h"

/* x * scale + offset, as two roundings (vmul + vadd, never vfma). */
static inline float64x2_t tvi_affine2(float64x2_t x, float64x2_t s, float64x2_t o) {
  return vaddq_f64(vmulq_f64(x, s), o);
}
/* Clamp to [0, hi] (vmaxnm turns NaN into 0) and round half to even: 2 int64 lanes. */
static inline int64x2_t tvi_sat2(float64x2_t v, float64x2_t hi) {
  return vcvtnq_s64_f64(vminnmq_f64(vmaxnmq_f64(v, vdupq_n_f64(0.0)), hi));
}
/* 4 u32 -> 4 saturated u32 (in range) via double. */
static inline uint32x4_t tvi_int4x(uint32x4_t x, float64x2_t s, float64x2_t o, float64x2_t hi) {
  const int64x2_t lo = tvi_sat2(tvi_affine2(vcvtq_f64_u64(vmovl_u32(vget_low_u32(x))), s, o), hi);
  const int64x2_t up = tvi_sat2(tvi_affine2(vcvtq_f64_u64(vmovl_high_u32(x)), s, o), hi);
  return vcombine_u32(vmovn_u64(vreinterpretq_u64_s64(lo)), vmovn_u64(vreinterpretq_u64_s64(up)));
}
static inline float32x4_t tvi_f32_4x(uint32x4_t x, float64x2_t s, float64x2_t o) {
  const float64x2_t lo = tvi_affine2(vcvtq_f64_u64(vmovl_u32(vget_low_u32(x))), s, o);
  const float64x2_t up = tvi_affine2(vcvtq_f64_u64(vmovl_high_u32(x)), s, o);
  return vcvt_high_f32_f64(vcvt_f32_f64(lo), up);
}
static inline uint32x4_t tvi_int4f(float32x4_t x, float64x2_t s, float64x2_t o, float64x2_t hi) {
  const int64x2_t lo = tvi_sat2(tvi_affine2(vcvt_f64_f32(vget_low_f32(x)), s, o), hi);
  const int64x2_t up = tvi_sat2(tvi_affine2(vcvt_high_f64_f32(x), s, o), hi);
  return vcombine_u32(vmovn_u64(vreinterpretq_u64_s64(lo)), vmovn_u64(vreinterpretq_u64_s64(up)));
}

static void tvi_convert_u8_f32_neon(const uint8_t *src, float *dst, size_t n, double scale,
                                    double offset) {
  const float64x2_t s = vdupq_n_f64(scale), o = vdupq_n_f64(offset);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const uint16x8_t x = vmovl_u8(vld1_u8(src + i));
    vst1q_f32(dst + i, tvi_f32_4x(vmovl_u16(vget_low_u16(x)), s, o));
    vst1q_f32(dst + i + 4, tvi_f32_4x(vmovl_high_u16(x), s, o));
  }
  tvi_convert_u8_f32_scalar(src + i, dst + i, n - i, scale, offset);
}

static void tvi_convert_u16_f32_neon(const uint16_t *src, float *dst, size_t n, double scale,
                                     double offset) {
  const float64x2_t s = vdupq_n_f64(scale), o = vdupq_n_f64(offset);
  size_t i = 0;
  for (; i + 4 <= n; i += 4) vst1q_f32(dst + i, tvi_f32_4x(vmovl_u16(vld1_u16(src + i)), s, o));
  tvi_convert_u16_f32_scalar(src + i, dst + i, n - i, scale, offset);
}

static void tvi_convert_f32_u8_neon(const float *src, uint8_t *dst, size_t n, double scale,
                                    double offset) {
  const float64x2_t s = vdupq_n_f64(scale), o = vdupq_n_f64(offset), hi = vdupq_n_f64(255.0);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const uint16x8_t p = vcombine_u16(vmovn_u32(tvi_int4f(vld1q_f32(src + i), s, o, hi)),
                                      vmovn_u32(tvi_int4f(vld1q_f32(src + i + 4), s, o, hi)));
    vst1_u8(dst + i, vmovn_u16(p));
  }
  tvi_convert_f32_u8_scalar(src + i, dst + i, n - i, scale, offset);
}

static void tvi_convert_f32_u16_neon(const float *src, uint16_t *dst, size_t n, double scale,
                                     double offset) {
  const float64x2_t s = vdupq_n_f64(scale), o = vdupq_n_f64(offset), hi = vdupq_n_f64(65535.0);
  size_t i = 0;
  for (; i + 4 <= n; i += 4) vst1_u16(dst + i, vmovn_u32(tvi_int4f(vld1q_f32(src + i), s, o, hi)));
  tvi_convert_f32_u16_scalar(src + i, dst + i, n - i, scale, offset);
}

static void tvi_convert_u8_u16_neon(const uint8_t *src, uint16_t *dst, size_t n, double scale,
                                    double offset) {
  const float64x2_t s = vdupq_n_f64(scale), o = vdupq_n_f64(offset), hi = vdupq_n_f64(65535.0);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const uint16x8_t x = vmovl_u8(vld1_u8(src + i));
    vst1q_u16(dst + i, vcombine_u16(vmovn_u32(tvi_int4x(vmovl_u16(vget_low_u16(x)), s, o, hi)),
                                    vmovn_u32(tvi_int4x(vmovl_high_u16(x), s, o, hi))));
  }
  tvi_convert_u8_u16_scalar(src + i, dst + i, n - i, scale, offset);
}

static void tvi_convert_u16_u8_neon(const uint16_t *src, uint8_t *dst, size_t n, double scale,
                                    double offset) {
  const float64x2_t s = vdupq_n_f64(scale), o = vdupq_n_f64(offset), hi = vdupq_n_f64(255.0);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const uint16x8_t x = vld1q_u16(src + i);
    const uint16x8_t p = vcombine_u16(vmovn_u32(tvi_int4x(vmovl_u16(vget_low_u16(x)), s, o, hi)),
                                      vmovn_u32(tvi_int4x(vmovl_high_u16(x), s, o, hi)));
    vst1_u8(dst + i, vmovn_u16(p));
  }
  tvi_convert_u16_u8_scalar(src + i, dst + i, n - i, scale, offset);
}

/* (r * wr + g * wg + b * wb + 2^14) >> 15 for 4 pixels in 32-bit lanes. */
static inline uint32x4_t tvi_y4(uint16x4_t r, uint16x4_t g, uint16x4_t b) {
  uint32x4_t acc = vmull_n_u16(r, TVI_R2Y);
  acc = vmlal_n_u16(acc, g, TVI_G2Y);
  acc = vmlal_n_u16(acc, b, TVI_B2Y);
  return vshrq_n_u32(vaddq_u32(acc, vdupq_n_u32(1u << (TVI_YSHIFT - 1))), TVI_YSHIFT);
}

static void tvi_grey_u8_neon(const uint8_t *src, uint8_t *dst, size_t w, int c) {
  size_t x = 0;
  for (; x + 8 <= w; x += 8) {
    uint8x8_t r, g, b;
    if (c == 3) {
      const uint8x8x3_t v = vld3_u8(src + x * 3);
      r = v.val[0], g = v.val[1], b = v.val[2];
    } else {
      const uint8x8x4_t v = vld4_u8(src + x * 4);
      r = v.val[0], g = v.val[1], b = v.val[2];
    }
    const uint16x8_t r16 = vmovl_u8(r), g16 = vmovl_u8(g), b16 = vmovl_u8(b);
    const uint32x4_t lo = tvi_y4(vget_low_u16(r16), vget_low_u16(g16), vget_low_u16(b16));
    const uint32x4_t hi = tvi_y4(vget_high_u16(r16), vget_high_u16(g16), vget_high_u16(b16));
    vst1_u8(dst + x, vmovn_u16(vcombine_u16(vmovn_u32(lo), vmovn_u32(hi))));
  }
  tvi_grey_u8_scalar(src + x * c, dst + x, w - x, c);
}

static void tvi_grey_u16_neon(const uint16_t *src, uint16_t *dst, size_t w, int c) {
  size_t x = 0;
  for (; x + 4 <= w; x += 4) {
    uint16x4_t r, g, b;
    if (c == 3) {
      const uint16x4x3_t v = vld3_u16(src + x * 3);
      r = v.val[0], g = v.val[1], b = v.val[2];
    } else {
      const uint16x4x4_t v = vld4_u16(src + x * 4);
      r = v.val[0], g = v.val[1], b = v.val[2];
    }
    vst1_u16(dst + x, vmovn_u32(tvi_y4(r, g, b)));
  }
  tvi_grey_u16_scalar(src + x * c, dst + x, w - x, c);
}

const tvi_convert_kernels tvi_convert_neon = {
    tvi_convert_u8_f32_neon,  tvi_convert_u16_f32_neon, tvi_convert_f32_u8_neon,
    tvi_convert_f32_u16_neon, tvi_convert_u8_u16_neon,  tvi_convert_u16_u8_neon,
    tvi_grey_u8_neon,         tvi_grey_u16_neon,
};
