/* The boxsum family for neon: 128-bit vectors, scalar tails.
 * SPDX-License-Identifier: Apache-2.0 */
#include <arm_neon.h>

#include "boxsum.h"

typedef uint32x4_t VU32;
typedef uint16x8_t VU16;
typedef float32x4_t VF;
#define N32 4
#define N16 8
#define TVI_K(name) tvi_boxsum_##name##neon

static inline VU32 ld_u32(const uint32_t *p) { return vld1q_u32(p); }
static inline VU32 ld_u16_u32(const uint16_t *p) { return vmovl_u16(vld1_u16(p)); }
static inline void st_u32(uint32_t *p, VU32 v) { vst1q_u32(p, v); }
static inline VU16 ld_u16(const uint16_t *p) { return vld1q_u16(p); }
static inline VU16 ld_u8_u16(const uint8_t *p) { return vmovl_u8(vld1_u8(p)); }
static inline void st_u16(uint16_t *p, VU16 v) { vst1q_u16(p, v); }
static inline VU16 add16(VU16 a, VU16 b) { return vaddq_u16(a, b); }
static inline VU16 sub16(VU16 a, VU16 b) { return vsubq_u16(a, b); }
static inline VU32 add32(VU32 a, VU32 b) { return vaddq_u32(a, b); }
static inline VU32 sub32(VU32 a, VU32 b) { return vsubq_u32(a, b); }
static inline VU32 set32(uint32_t v) { return vdupq_n_u32(v); }
/* Inclusive prefix sum of the lanes. */
static inline VU32 scan32(VU32 v) {
  const uint32x4_t z = vdupq_n_u32(0);
  v = vaddq_u32(v, vextq_u32(z, v, 3));
  return vaddq_u32(v, vextq_u32(z, v, 2));
}
/* The last lane in every lane. */
static inline VU32 last32(VU32 v) { return vdupq_laneq_u32(v, 3); }
static inline VF setf(float v) { return vdupq_n_f32(v); }
static inline VF mulf(VF a, VF b) { return vmulq_f32(a, b); }
static inline VF minf(VF a, VF b) { return vminq_f32(a, b); }
static inline VF cvt_s32_f(VU32 v) { return vcvtq_f32_s32(vreinterpretq_s32_u32(v)); }
/* nearest, ties to even */
static inline VU32 cvt_f_s32(VF v) { return vreinterpretq_u32_s32(vcvtnq_s32_f32(v)); }
/* Two vectors of int32 lanes to 2 * N32 u16, saturated. */
static inline void st2_s32_u16(uint16_t *p, VU32 a, VU32 b) {
  vst1q_u16(p, vcombine_u16(vqmovun_s32(vreinterpretq_s32_u32(a)),
                            vqmovun_s32(vreinterpretq_s32_u32(b))));
}
/* uint32 lanes to u8, saturated. */
static inline void st_u32_u8(uint8_t *p, VU32 v) {
  const uint16x4_t w = vqmovn_u32(v);
  const uint8x8_t b = vqmovn_u16(vcombine_u16(w, w));
  vst1_lane_u32((void *)p, vreinterpret_u32_u8(b), 0);
}
/* 16-bit lanes for hsum_u16_u8 (boxsum_simd.h). */
static inline VU16 set16(uint16_t v) { return vdupq_n_u16(v); }
/* Inclusive prefix sum of the lanes. */
static inline VU16 scan16(VU16 v) {
  const uint16x8_t z = vdupq_n_u16(0);
  v = vaddq_u16(v, vextq_u16(z, v, 7));
  v = vaddq_u16(v, vextq_u16(z, v, 6));
  return vaddq_u16(v, vextq_u16(z, v, 4));
}
/* The last lane in every lane. */
static inline VU16 last16(VU16 v) { return vdupq_laneq_u16(v, 7); }
static inline VU16 mullo16(VU16 a, VU16 b) { return vmulq_u16(a, b); }
static inline VU16 mulhi16(VU16 a, VU16 b) {
  return vcombine_u16(vshrn_n_u32(vmull_u16(vget_low_u16(a), vget_low_u16(b)), 16),
                      vshrn_n_u32(vmull_high_u16(a, b), 16));
}
static inline VU16 srl16_7(VU16 v) { return vshrq_n_u16(v, 7); }
static inline VU16 min16u(VU16 a, VU16 b) { return vminq_u16(a, b); }
/* uint16 lanes to u8, saturated. */
static inline void st_u16_u8(uint8_t *p, VU16 v) { vst1_u8(p, vqmovn_u16(v)); }

#include "boxsum_simd.h"

const tvi_boxsum_kernels tvi_boxsum_neon = TVI_BOXSUM_TABLE;
