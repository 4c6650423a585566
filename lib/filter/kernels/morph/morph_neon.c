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

const tvi_morph_kernels tvi_morph_neon = {
    {{tvi_morph_vred_min_u8_neon, tvi_morph_vred_max_u8_neon},
     {tvi_morph_vred_min_u16_neon, tvi_morph_vred_max_u16_neon},
     {tvi_morph_vred_min_f32_neon, tvi_morph_vred_max_f32_neon}},
    {{tvi_morph_hred_min_u8_neon, tvi_morph_hred_max_u8_neon},
     {tvi_morph_hred_min_u16_neon, tvi_morph_hred_max_u16_neon},
     {tvi_morph_hred_min_f32_neon, tvi_morph_hred_max_f32_neon}},
};
