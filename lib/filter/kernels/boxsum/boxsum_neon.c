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
static inline VF maxf(VF a, VF b) { return vmaxq_f32(a, b); }
static inline VF cvt_s32_f(VU32 v) { return vcvtq_f32_s32(vreinterpretq_s32_u32(v)); }
/* nearest, ties to even */
static inline VU32 cvt_f_s32(VF v) { return vreinterpretq_u32_s32(vcvtnq_s32_f32(v)); }
static inline VU32 mins32(VU32 a, VU32 b) {
  return vreinterpretq_u32_s32(vminq_s32(vreinterpretq_s32_u32(a), vreinterpretq_s32_u32(b)));
}
static inline VU32 maxs32(VU32 a, VU32 b) {
  return vreinterpretq_u32_s32(vmaxq_s32(vreinterpretq_s32_u32(a), vreinterpretq_s32_u32(b)));
}
/* int32 lanes already in [0, 65535] to u16. */
static inline void st_s32_u16(uint16_t *p, VU32 v) { vst1_u16(p, vmovn_u32(v)); }

#include "boxsum_simd.h"

const tvi_boxsum_kernels tvi_boxsum_neon = TVI_BOXSUM_TABLE;
