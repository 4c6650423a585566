/* The deriv family for NEON (aarch64): 128-bit vectors (8 int16 or 4 int32 lanes), fused FMA.
 * SPDX-License-Identifier: Apache-2.0 */
#include <arm_neon.h>
#include <string.h>

#include "deriv.h"

#define TVI_DERIV_ISA neon
#define VI16 int16x8_t
#define VI32 int32x4_t
#define VF float32x4_t
#define N16 8
#define N32 4

static inline int32x4_t tvi_ld8_32_neon(const uint8_t *p) {
  uint32_t t;
  memcpy(&t, p, 4);
  const uint8x8_t b = vreinterpret_u8_u32(vdup_n_u32(t));
  return vreinterpretq_s32_u32(vmovl_u16(vget_low_u16(vmovl_u8(b))));
}
static inline void tvi_st16_f32_neon(float *p, int16x8_t v) {
  vst1q_f32(p, vcvtq_f32_s32(vmovl_s16(vget_low_s16(v))));
  vst1q_f32(p + 4, vcvtq_f32_s32(vmovl_high_s16(v)));
}
static inline void tvi_stf_u8_neon(uint8_t *p, float32x4_t m) {
  const uint16x4_t h = vqmovun_s32(vcvtnq_s32_f32(m));
  const uint32_t t = vget_lane_u32(vreinterpret_u32_u8(vqmovn_u16(vcombine_u16(h, h))), 0);
  memcpy(p, &t, 4);
}

#define LD8_16(p) vreinterpretq_s16_u16(vmovl_u8(vld1_u8(p)))
#define LD16_32(p) vreinterpretq_s32_u32(vmovl_u16(vld1_u16(p)))
#define LD8_32(p) tvi_ld8_32_neon(p)
#define ADD16 vaddq_s16
#define SUB16 vsubq_s16
#define MUL16(v, k) vmulq_n_s16((v), (k))
#define ADD32 vaddq_s32
#define SUB32 vsubq_s32
#define MUL32(v, k) vmulq_n_s32((v), (k))
#define CVTF vcvtq_f32_s32
#define ST16_S16(p, v) vst1q_s16((p), (v))
#define ST16_F32(p, v) tvi_st16_f32_neon((p), (v))
#define ST32_S16(p, v) vst1_s16((p), vqmovn_s32(v))
#define ST32_F32(p, v) vst1q_f32((p), vcvtq_f32_s32(v))
#define MAG(x, y) vsqrtq_f32(vfmaq_f32(vmulq_f32((y), (y)), (x), (x)))
#define STF_F32(p, m) vst1q_f32((p), (m))
#define STF_U8(p, m) tvi_stf_u8_neon((p), (m))
#define STF_U16(p, m) vst1_u16((p), vqmovun_s32(vcvtnq_s32_f32(m)))

/* Separable passes. */
static inline void tvi_st16_s32_neon(int32_t *p, int16x8_t v) {
  vst1q_s32(p, vmovl_s16(vget_low_s16(v)));
  vst1q_s32(p + 4, vmovl_high_s16(v));
}
/* NaN to 0, clamp to the s16 range, round half to even, narrow. */
static inline void tvi_std_s16_neon(int16_t *p, float64x2_t d) {
  d = vbslq_f64(vceqq_f64(d, d), d, vdupq_n_f64(0.0));
  d = vminq_f64(vmaxq_f64(d, vdupq_n_f64(-32768.0)), vdupq_n_f64(32767.0));
  const int32x2_t i = vmovn_s64(vcvtnq_s64_f64(d));
  const int16x4_t h = vmovn_s32(vcombine_s32(i, i));
  const uint32_t t = vget_lane_u32(vreinterpret_u32_s16(h), 0);
  memcpy(p, &t, 4);
}
#define STI_S16(p, d) tvi_std_s16_neon((p), (d))
#define SET16(k) vdupq_n_s16((int16_t)(k))
#define SET32(k) vdupq_n_s32(k)
#define MULV16 vmulq_s16
#define MULV32 vmulq_s32
#define LDS32(p) vld1q_s32(p)
#define STS32(p, v) vst1q_s32((p), (v))
#define ST16_S32(p, v) tvi_st16_s32_neon((p), (v))
#define VD float64x2_t
#define ND 2
#define SETD vdupq_n_f64
#define ADDD vaddq_f64
#define MULD vmulq_f64
#define LDD vld1q_f64
#define STD vst1q_f64
#define LDF_D(p) vcvt_f64_f32(vld1_f32(p))
#define CVTD_LO(v) vcvtq_f64_s64(vmovl_s32(vget_low_s32(v)))
#define CVTD_HI(v) vcvtq_f64_s64(vmovl_high_s32(v))
#define STD_S16(p, d) tvi_std_s16_neon((p), (d))
#define STD_F32(p, d) vst1_f32((p), vcvt_f32_f64(d))

#include "deriv_vec.h"

const tvi_deriv_kernels tvi_deriv_neon = TVI_DERIV_TABLE;
