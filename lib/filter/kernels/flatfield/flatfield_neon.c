/* The flatfield family for NEON (aarch64): 4 f32 lanes.
 * SPDX-License-Identifier: Apache-2.0 */
#include <arm_neon.h>
#include <string.h>

#include <stdint.h>

static inline float32x4_t tvi_ld_u8(const uint8_t *p) {
  uint32_t w;
  memcpy(&w, p, 4);
  const uint16x8_t h = vmovl_u8(vreinterpret_u8_u32(vdup_n_u32(w)));
  return vcvtq_f32_u32(vmovl_u16(vget_low_u16(h)));
}
static inline uint32x4_t tvi_round(float32x4_t v, float hi) {
  return vcvtnq_u32_f32(vminq_f32(vmaxnmq_f32(v, vdupq_n_f32(0.0f)), vdupq_n_f32(hi)));
}
static inline void tvi_st_u8(uint8_t *p, float32x4_t v) {
  const uint16x4_t h = vmovn_u32(tvi_round(v, 255.0f));
  const uint8x8_t b = vmovn_u16(vcombine_u16(h, h));
  vst1_lane_u32((uint32_t *)(void *)p, vreinterpret_u32_u8(b), 0);
}

#define TVI_ISA neon
#define TVI_VN 4
#define TVI_V float32x4_t
#define TVI_LD_U8(p) tvi_ld_u8(p)
#define TVI_LD_U16(p) vcvtq_f32_u32(vmovl_u16(vld1_u16(p)))
#define TVI_LD_F32(p) vld1q_f32(p)
#define TVI_SUB(a, b) vsubq_f32(a, b)
#define TVI_MUL(a, b) vmulq_f32(a, b)
#define TVI_ST_U8(p, v) tvi_st_u8(p, v)
#define TVI_ST_U16(p, v) vst1_u16(p, vmovn_u32(tvi_round(v, 65535.0f)))
#define TVI_ST_F32(p, v) vst1q_f32(p, v)
#include "flatfield_body.h"
