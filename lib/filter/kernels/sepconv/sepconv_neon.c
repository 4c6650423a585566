/* The sepconv family for NEON (aarch64): 128-bit vectors, scalar tails.
 * SPDX-License-Identifier: Apache-2.0 */
#include <arm_neon.h>
#include <string.h>

#include "sepconv.h"

#define TVI_ISA _neon
#define N16 8
#define N32 4
typedef uint16x8_t VU16;
typedef uint32x4_t VU32;
typedef int32x4_t VS32;
typedef float32x4_t VF;

static inline VU16 ld_u8_u16(const uint8_t *p) { return vmovl_u8(vld1_u8(p)); }
static inline VU16 ld_u16(const uint16_t *p) { return vld1q_u16(p); }
static inline void st_u16(uint16_t *p, VU16 v) { vst1q_u16(p, v); }
static inline VU16 add16(VU16 a, VU16 b) { return vaddq_u16(a, b); }
static inline VU16 mul16(VU16 a, VU16 b) { return vmulq_u16(a, b); }
static inline VU16 set16(uint16_t v) { return vdupq_n_u16(v); }
static inline VU16 srl16(VU16 v, int n) { return vshlq_u16(v, vdupq_n_s16((int16_t)-n)); }
static inline VU16 min16u(VU16 a, VU16 b) { return vminq_u16(a, b); }
static inline void st_u16_u8(uint8_t *p, VU16 v) { vst1_u8(p, vqmovn_u16(v)); }

static inline VU32 ld_u8_u32(const uint8_t *p) {
  uint32_t t;
  memcpy(&t, p, 4);
  return vmovl_u16(vget_low_u16(vmovl_u8(vcreate_u8((uint64_t)t))));
}
static inline VU32 ld_u16_u32(const uint16_t *p) { return vmovl_u16(vld1_u16(p)); }
static inline VU32 ld_u32(const uint32_t *p) { return vld1q_u32(p); }
static inline void st_u32(uint32_t *p, VU32 v) { vst1q_u32(p, v); }
static inline VU32 add32(VU32 a, VU32 b) { return vaddq_u32(a, b); }
static inline VU32 sub32(VU32 a, VU32 b) { return vsubq_u32(a, b); }
static inline VU32 mul32(VU32 a, VU32 b) { return vmulq_u32(a, b); }
static inline VU32 and32(VU32 a, VU32 b) { return vandq_u32(a, b); }
static inline VU32 set32(uint32_t v) { return vdupq_n_u32(v); }
static inline VU32 srl32(VU32 v, int n) { return vshlq_u32(v, vdupq_n_s32(-n)); }
static inline VU32 min32u(VU32 a, VU32 b) { return vminq_u32(a, b); }
static inline void st_u32_u16(uint16_t *p, VU32 v) { vst1_u16(p, vqmovn_u32(v)); }
static inline void st_u32_u8(uint8_t *p, VU32 v) {
  const uint16x4_t w = vqmovn_u32(v);
  const uint8x8_t b = vqmovn_u16(vcombine_u16(w, w));
  vst1_lane_u32((void *)p, vreinterpret_u32_u8(b), 0);
}

static inline VS32 lds32(const int32_t *p) { return vld1q_s32(p); }
static inline void sts32(int32_t *p, VS32 v) { vst1q_s32(p, v); }
static inline VS32 adds32(VS32 a, VS32 b) { return vaddq_s32(a, b); }
static inline VS32 subs32(VS32 a, VS32 b) { return vsubq_s32(a, b); }
static inline VS32 sets32(int32_t v) { return vdupq_n_s32(v); }
static inline VS32 maxs32(VS32 a, VS32 b) { return vmaxq_s32(a, b); }
static inline VS32 mins32(VS32 a, VS32 b) { return vminq_s32(a, b); }
static inline void st_s32_u8(uint8_t *p, VS32 v) {
  const uint16x4_t w = vqmovun_s32(v);
  const uint8x8_t b = vqmovn_u16(vcombine_u16(w, w));
  vst1_lane_u32((void *)p, vreinterpret_u32_u8(b), 0);
}
static inline void st_s32_u16(uint16_t *p, VS32 v) { vst1_u16(p, vqmovun_s32(v)); }
static inline void st_s32_s16(int16_t *p, VS32 v) { vst1_s16(p, vqmovn_s32(v)); }

static inline VF ldf(const float *p) { return vld1q_f32(p); }
static inline void stf(float *p, VF v) { vst1q_f32(p, v); }
static inline VF addf(VF a, VF b) { return vaddq_f32(a, b); }
static inline VF mulf(VF a, VF b) { return vmulq_f32(a, b); }
static inline VF setf(float v) { return vdupq_n_f32(v); }
/* a > b ? a : b and a < b ? a : b: a NaN in a gives b, as x86 and the scalar kernels. */
static inline VF maxf(VF a, VF b) { return vbslq_f32(vcgtq_f32(a, b), a, b); }
static inline VF minf(VF a, VF b) { return vbslq_f32(vcltq_f32(a, b), a, b); }
static inline VF cvt_u32_f(VU32 v) { return vcvtq_f32_u32(v); }
static inline VF cvt_s32_f(VS32 v) { return vcvtq_f32_s32(v); }
static inline VS32 cvt_f_s32(VF v) { return vcvtnq_s32_f32(v); } /* nearest, ties to even */

static inline VS32 as_s32(VU32 v) { return vreinterpretq_s32_u32(v); }
static inline VU32 sll32(VU32 v, int n) { return vshlq_u32(v, vdupq_n_s32(n)); }
/* Inclusive prefix sum of the lanes, and the last lane in every lane (box running sums). */
static inline VU32 scan32(VU32 v) {
  const uint32x4_t z = vdupq_n_u32(0);
  v = vaddq_u32(v, vextq_u32(z, v, 3));
  return vaddq_u32(v, vextq_u32(z, v, 2));
}
static inline VU32 last32(VU32 v) { return vdupq_laneq_u32(v, 3); }

#include "sepconv_simd.h"

const tvi_sepconv_kernels tvi_sepconv_neon = TVI_SEPCONV_TABLE;
