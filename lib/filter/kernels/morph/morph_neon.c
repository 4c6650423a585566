/* The morph family for NEON (aarch64): 128-bit vectors, from the shared vector code in
 * morph_tmpl.h.
 * SPDX-License-Identifier: Apache-2.0 */
#include <arm_neon.h>

#include "morph.h"

#define MINS(a, b) ((a) < (b) ? (a) : (b))
#define MAXS(a, b) ((a) > (b) ? (a) : (b))

#define MT uint8_t
#define MV uint8x16_t
#define MN 16
#define ML(p) vld1q_u8(p)
#define MS(p, v) vst1q_u8(p, v)
#define MOP vminq_u8
#define MSOP MINS
#define MNAME(x) tvi_morph_##x##_min_u8_neon
#include "morph_tmpl.h"
#undef MOP
#undef MSOP
#undef MNAME
#define MOP vmaxq_u8
#define MSOP MAXS
#define MNAME(x) tvi_morph_##x##_max_u8_neon
#include "morph_tmpl.h"
#undef MOP
#undef MSOP
#undef MNAME
#undef MT
#undef MV
#undef MN
#undef ML
#undef MS

#define MT uint16_t
#define MV uint16x8_t
#define MN 8
#define ML(p) vld1q_u16(p)
#define MS(p, v) vst1q_u16(p, v)
#define MOP vminq_u16
#define MSOP MINS
#define MNAME(x) tvi_morph_##x##_min_u16_neon
#include "morph_tmpl.h"
#undef MOP
#undef MSOP
#undef MNAME
#define MOP vmaxq_u16
#define MSOP MAXS
#define MNAME(x) tvi_morph_##x##_max_u16_neon
#include "morph_tmpl.h"
#undef MOP
#undef MSOP
#undef MNAME
#undef MT
#undef MV
#undef MN
#undef ML
#undef MS

/* vminq_f32/vmaxq_f32 differ from the reference only for NaN (they return NaN). */
#define MT float
#define MV float32x4_t
#define MN 4
#define ML(p) vld1q_f32(p)
#define MS(p, v) vst1q_f32(p, v)
#define MOP vminq_f32
#define MSOP MINS
#define MNAME(x) tvi_morph_##x##_min_f32_neon
#include "morph_tmpl.h"
#undef MOP
#undef MSOP
#undef MNAME
#define MOP vmaxq_f32
#define MSOP MAXS
#define MNAME(x) tvi_morph_##x##_max_f32_neon
#include "morph_tmpl.h"

static void tvi_morph_sub_u8_neon(const void *a_, const void *b_, void *dst_, size_t w) {
  const uint8_t *a = a_, *b = b_;
  uint8_t *dst = dst_;
  size_t i = 0;
  for (; i + 16 <= w; i += 16) vst1q_u8(dst + i, vqsubq_u8(vld1q_u8(a + i), vld1q_u8(b + i)));
  for (; i < w; i++) dst[i] = (uint8_t)(a[i] > b[i] ? a[i] - b[i] : 0);
}

static void tvi_morph_sub_u16_neon(const void *a_, const void *b_, void *dst_, size_t w) {
  const uint16_t *a = a_, *b = b_;
  uint16_t *dst = dst_;
  size_t i = 0;
  for (; i + 8 <= w; i += 8) vst1q_u16(dst + i, vqsubq_u16(vld1q_u16(a + i), vld1q_u16(b + i)));
  for (; i < w; i++) dst[i] = (uint16_t)(a[i] > b[i] ? a[i] - b[i] : 0);
}

static void tvi_morph_sub_f32_neon(const void *a_, const void *b_, void *dst_, size_t w) {
  const float *a = a_, *b = b_;
  float *dst = dst_;
  size_t i = 0;
  for (; i + 4 <= w; i += 4) vst1q_f32(dst + i, vsubq_f32(vld1q_f32(a + i), vld1q_f32(b + i)));
  for (; i < w; i++) dst[i] = a[i] - b[i];
}

const tvi_morph_kernels tvi_morph_neon = {
    {{tvi_morph_vred_min_u8_neon, tvi_morph_vred_max_u8_neon},
     {tvi_morph_vred_min_u16_neon, tvi_morph_vred_max_u16_neon},
     {tvi_morph_vred_min_f32_neon, tvi_morph_vred_max_f32_neon}},
    {{tvi_morph_hred_min_u8_neon, tvi_morph_hred_max_u8_neon},
     {tvi_morph_hred_min_u16_neon, tvi_morph_hred_max_u16_neon},
     {tvi_morph_hred_min_f32_neon, tvi_morph_hred_max_f32_neon}},
    {tvi_morph_sub_u8_neon, tvi_morph_sub_u16_neon, tvi_morph_sub_f32_neon},
};
