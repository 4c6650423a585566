/* The thresh family for NEON (aarch64): 128-bit vectors, scalar tails.
 * SPDX-License-Identifier: Apache-2.0 */
#include <arm_neon.h>

#include "thresh.h"

/* m = (x > t); the kinds as bit selections. */
#define TVI_THRESH_INT(name, T, V, LD, ST, DUP, CGT, MIN, AND, BIC)                                \
  static void tvi_thresh_##name##_neon(const T *src, T *dst, size_t n, int kind, T t, T maxval) {  \
    const V vt = DUP(t), vm = DUP(maxval);                                                         \
    size_t i = 0;                                                                                  \
    const size_t L = 16 / sizeof(T);                                                               \
    for (; i + L <= n; i += L) {                                                                   \
      const V x = LD(src + i);                                                                     \
      const V m = (V)CGT(x, vt);                                                                   \
      V r;                                                                                         \
      switch (kind) {                                                                              \
      case TVI_TH_BINARY: r = AND(m, vm); break;                                                   \
      case TVI_TH_BINARY_INV: r = BIC(vm, m); break;                                               \
      case TVI_TH_TRUNC: r = MIN(x, vt); break;                                                    \
      case TVI_TH_TOZERO: r = AND(m, x); break;                                                    \
      default: r = BIC(x, m); break;                                                               \
      }                                                                                            \
      ST(dst + i, r);                                                                              \
    }                                                                                              \
    tvi_thresh_##name##_scalar(src + i, dst + i, n - i, kind, t, maxval);                          \
  }

TVI_THRESH_INT(u8, uint8_t, uint8x16_t, vld1q_u8, vst1q_u8, vdupq_n_u8, vcgtq_u8, vminq_u8,
               vandq_u8, vbicq_u8)
TVI_THRESH_INT(u16, uint16_t, uint16x8_t, vld1q_u16, vst1q_u16, vdupq_n_u16, vcgtq_u16, vminq_u16,
               vandq_u16, vbicq_u16)
#define TVI_CGT_S16(a, b) vreinterpretq_s16_u16(vcgtq_s16(a, b))
TVI_THRESH_INT(s16, int16_t, int16x8_t, vld1q_s16, vst1q_s16, vdupq_n_s16, TVI_CGT_S16, vminq_s16,
               vandq_s16, vbicq_s16)

static void tvi_thresh_f32_neon(const float *src, float *dst, size_t n, int kind, float t,
                                float maxval) {
  const float32x4_t vt = vdupq_n_f32(t), vm = vdupq_n_f32(maxval);
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const float32x4_t x = vld1q_f32(src + i);
    const uint32x4_t m = vcgtq_f32(x, vt); /* false for NaN */
    float32x4_t r;
    switch (kind) {
    case TVI_TH_BINARY: r = vreinterpretq_f32_u32(vandq_u32(m, vreinterpretq_u32_f32(vm))); break;
    case TVI_TH_BINARY_INV:
      r = vreinterpretq_f32_u32(vbicq_u32(vreinterpretq_u32_f32(vm), m));
      break;
    case TVI_TH_TRUNC: r = vbslq_f32(m, vt, x); break; /* a NaN x stays */
    case TVI_TH_TOZERO: r = vreinterpretq_f32_u32(vandq_u32(m, vreinterpretq_u32_f32(x))); break;
    default: r = vreinterpretq_f32_u32(vbicq_u32(vreinterpretq_u32_f32(x), m)); break;
    }
    vst1q_f32(dst + i, r);
  }
  tvi_thresh_f32_scalar(src + i, dst + i, n - i, kind, t, maxval);
}

/* Means of 4 window sums, as 32-bit integers. */
static inline int32x4_t tvi_adaptive_mean4(const uint32_t *s, const tvi_adaptive_params *p) {
  const uint32x4_t v = vld1q_u32(s);
  /* Round to nearest, ties to even, as the scalar's lrintf. */
  return vcvtnq_s32_f32(vmulq_f32(vcvtq_f32_s32(vreinterpretq_s32_u32(v)), vdupq_n_f32(p->fscale)));
}

static void tvi_adaptive_u8_neon(const uint8_t *src, const uint32_t *sum, uint8_t *dst, size_t n,
                                 const tvi_adaptive_params *p) {
  const int32x4_t vd = vdupq_n_s32(p->idelta);
  const uint8x16_t vm = vdupq_n_u8((uint8_t)p->maxval);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const uint8x16_t x = vld1q_u8(src + i);
    const uint16x8_t lo = vmovl_u8(vget_low_u8(x)), hi = vmovl_u8(vget_high_u8(x));
    const uint16x8_t w[2] = {lo, hi};
    uint16x4_t c[4];
    for (int k = 0; k < 4; k++) {
      const uint16x8_t h = w[k / 2];
      const uint16x4_t part = (k % 2) ? vget_high_u16(h) : vget_low_u16(h);
      const int32x4_t xk = vaddq_s32(vreinterpretq_s32_u32(vmovl_u16(part)), vd);
      c[k] = vmovn_u32(vcgtq_s32(xk, tvi_adaptive_mean4(sum + i + 4 * k, p)));
    }
    const uint8x16_t m =
        vcombine_u8(vmovn_u16(vcombine_u16(c[0], c[1])), vmovn_u16(vcombine_u16(c[2], c[3])));
    vst1q_u8(dst + i, p->inv ? vbicq_u8(vm, m) : vandq_u8(m, vm));
  }
  tvi_adaptive_u8_scalar(src + i, sum + i, dst + i, n - i, p);
}

const tvi_thresh_kernels tvi_thresh_neon = {
    tvi_thresh_u8_neon,  tvi_thresh_u16_neon,  tvi_thresh_s16_neon,
    tvi_thresh_f32_neon, tvi_adaptive_u8_neon, tvi_adaptive_u16_scalar,
};
