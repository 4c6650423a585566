/* The median family for NEON (aarch64): 128-bit vectors, from the shared vector code in
 * median_tmpl.h (the histogram kernels are the scalar ones).
 * SPDX-License-Identifier: Apache-2.0 */
#include <arm_neon.h>

#include "median.h"

#define MINS(a, b) ((a) < (b) ? (a) : (b))
#define MAXS(a, b) ((a) > (b) ? (a) : (b))
#define MSMIN MINS
#define MSMAX MAXS

#define MT uint8_t
#define MV uint8x16_t
#define MN 16
#define ML(p) vld1q_u8(p)
#define MS(p, v) vst1q_u8(p, v)
#define MMIN vminq_u8
#define MMAX vmaxq_u8
#define MNAME(x) tvi_median_##x##_u8_neon
#include "median_tmpl.h"
#undef MT
#undef MV
#undef MN
#undef ML
#undef MS
#undef MMIN
#undef MMAX
#undef MNAME

#define MT uint16_t
#define MV uint16x8_t
#define MN 8
#define ML(p) vld1q_u16(p)
#define MS(p, v) vst1q_u16(p, v)
#define MMIN vminq_u16
#define MMAX vmaxq_u16
#define MNAME(x) tvi_median_##x##_u16_neon
#include "median_tmpl.h"

const tvi_median_kernels tvi_median_neon = {
    {tvi_median_med3_u8_neon, tvi_median_med3_u16_neon},
    {{tvi_median_colsort5_u8_neon, tvi_median_colsort7_u8_neon},
     {tvi_median_colsort5_u16_neon, tvi_median_colsort7_u16_neon}},
    {{tvi_median_row5_u8_neon, tvi_median_row7_u8_neon},
     {tvi_median_row5_u16_neon, tvi_median_row7_u16_neon}},
    {tvi_median_hist_u8_scalar, tvi_median_hist_u16_scalar},
};
