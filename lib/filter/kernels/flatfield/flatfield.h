/* The flatfield kernel family: dst = saturate(round((raw - dark) * gain)) over rows of samples.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef TVI_FLATFIELD_H
#define TVI_FLATFIELD_H

#include <stddef.h>
#include <stdint.h>

/* Indices of the three sample types the family takes. */
enum { TVI_FF_U8 = 0, TVI_FF_U16 = 1, TVI_FF_F32 = 2 };

/* apply[raw][dst]: n samples; dark has raw's type, gain is f32. The reference computes in f32:
 * v = ((float)raw - (float)dark) * gain (one rounding; the subtraction is exact for u8/u16);
 * integer dst: v clamped to [0, max] (NaN -> 0), then rounded half to even; f32 dst: v. dst may
 * equal raw (same type). */
typedef void (*tvi_ff_fn)(const void *raw, const void *dark, const float *gain, void *dst,
                          size_t n);
typedef struct tvi_flatfield_kernels {
  tvi_ff_fn apply[3][3];
} tvi_flatfield_kernels;

extern const tvi_flatfield_kernels tvi_flatfield_scalar;
extern const tvi_flatfield_kernels tvi_flatfield_sse4;
extern const tvi_flatfield_kernels tvi_flatfield_avx2;
extern const tvi_flatfield_kernels tvi_flatfield_avx512;
extern const tvi_flatfield_kernels tvi_flatfield_neon;

#endif
