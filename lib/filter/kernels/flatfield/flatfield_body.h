/* The flatfield kernels written once over per-ISA vector macros. An ISA file defines
 * TVI_V (an f32 vector type), TVI_VN (its lanes), TVI_ISA (a name suffix), and
 * TVI_LD_U8/U16/F32(p) (load TVI_VN samples as f32), TVI_ST_U8/U16/F32(p, v) (store TVI_VN
 * samples, integer stores clamping to [0, max] with NaN -> 0 and rounding half to even),
 * TVI_SUB(a, b), TVI_MUL(a, b), then includes this header once.
 * SPDX-License-Identifier: Apache-2.0 */
#include <math.h>

#include "flatfield.h"

#define TVI_CAT2(a, b) a##b
#define TVI_CAT(a, b) TVI_CAT2(a, b)

static inline float tvi_ff_clamp(float v, float hi) {
  v = v > 0.0f ? v : 0.0f; /* NaN -> 0 */
  return nearbyintf(v < hi ? v : hi);
}

/* One kernel: raw type RT (loader RLD), dst type DT (storer DST, scalar conversion CONV). */
#define TVI_FF_DEFINE(RN, RT, RLD, DN, DT, DST, CONV)                                              \
  static void TVI_CAT(tvi_ff_##RN##_##DN##_, TVI_ISA)(const void *raw_, const void *dark_,         \
                                                      const float *gain, void *dst_, size_t n) {   \
    const RT *raw = raw_, *dark = dark_;                                                           \
    DT *dst = dst_;                                                                                \
    size_t i = 0;                                                                                  \
    for (; i + TVI_VN <= n; i += TVI_VN)                                                           \
      DST(dst + i, TVI_MUL(TVI_SUB(RLD(raw + i), RLD(dark + i)), TVI_LD_F32(gain + i)));           \
    for (; i < n; i++) {                                                                           \
      const float v = ((float)raw[i] - (float)dark[i]) * gain[i];                                  \
      dst[i] = CONV(v);                                                                            \
    }                                                                                              \
  }

#define TVI_CONV_U8(v) (uint8_t) tvi_ff_clamp((v), 255.0f)
#define TVI_CONV_U16(v) (uint16_t) tvi_ff_clamp((v), 65535.0f)
#define TVI_CONV_F32(v) (v)

#define TVI_FF_ROW(RN, RT, RLD)                                                                    \
  TVI_FF_DEFINE(RN, RT, RLD, u8, uint8_t, TVI_ST_U8, TVI_CONV_U8)                                  \
  TVI_FF_DEFINE(RN, RT, RLD, u16, uint16_t, TVI_ST_U16, TVI_CONV_U16)                              \
  TVI_FF_DEFINE(RN, RT, RLD, f32, float, TVI_ST_F32, TVI_CONV_F32)

TVI_FF_ROW(u8, uint8_t, TVI_LD_U8)
TVI_FF_ROW(u16, uint16_t, TVI_LD_U16)
TVI_FF_ROW(f32, float, TVI_LD_F32)

#define TVI_FF_ENTRY(RN)                                                                           \
  {                                                                                                \
    TVI_CAT(tvi_ff_##RN##_u8_, TVI_ISA), TVI_CAT(tvi_ff_##RN##_u16_, TVI_ISA),                     \
        TVI_CAT(tvi_ff_##RN##_f32_, TVI_ISA)                                                       \
  }

const tvi_flatfield_kernels TVI_CAT(tvi_flatfield_, TVI_ISA) = {
    {TVI_FF_ENTRY(u8), TVI_FF_ENTRY(u16), TVI_FF_ENTRY(f32)}};
