/* The convert kernel family: sample type conversion with scale and offset, RGB(A) to grey.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef TVI_CONVERT_H
#define TVI_CONVERT_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

/* One instruction set's kernels; every entry is set (an ISA without a faster version points at
 * the scalar kernel). Conversions process n samples: v = src * scale + offset in double (product
 * and sum each rounded to double, never fused), then for integer destinations clamped to the
 * type's range (NaN gives 0) and rounded half to even, for f32 rounded to float. Grey kernels
 * process w pixels of c (3 or 4) interleaved samples with OpenCV's 14-bit BT.601 weights. */
typedef struct tvi_convert_kernels {
  void (*u8_f32)(const uint8_t *src, float *dst, size_t n, double scale, double offset);
  void (*u16_f32)(const uint16_t *src, float *dst, size_t n, double scale, double offset);
  void (*f32_u8)(const float *src, uint8_t *dst, size_t n, double scale, double offset);
  void (*f32_u16)(const float *src, uint16_t *dst, size_t n, double scale, double offset);
  void (*u8_u16)(const uint8_t *src, uint16_t *dst, size_t n, double scale, double offset);
  void (*u16_u8)(const uint16_t *src, uint8_t *dst, size_t n, double scale, double offset);
  void (*grey_u8)(const uint8_t *src, uint8_t *dst, size_t w, int c);
  void (*grey_u16)(const uint16_t *src, uint16_t *dst, size_t w, int c);
} tvi_convert_kernels;

extern const tvi_convert_kernels tvi_convert_scalar;
extern const tvi_convert_kernels tvi_convert_sse4;
extern const tvi_convert_kernels tvi_convert_avx2;
extern const tvi_convert_kernels tvi_convert_avx512;
extern const tvi_convert_kernels tvi_convert_neon;

void tvi_convert_u8_f32_scalar(const uint8_t *src, float *dst, size_t n, double scale,
                               double offset);
void tvi_convert_u16_f32_scalar(const uint16_t *src, float *dst, size_t n, double scale,
                                double offset);
void tvi_convert_f32_u8_scalar(const float *src, uint8_t *dst, size_t n, double scale,
                               double offset);
void tvi_convert_f32_u16_scalar(const float *src, uint16_t *dst, size_t n, double scale,
                                double offset);
void tvi_convert_u8_u16_scalar(const uint8_t *src, uint16_t *dst, size_t n, double scale,
                               double offset);
void tvi_convert_u16_u8_scalar(const uint16_t *src, uint8_t *dst, size_t n, double scale,
                               double offset);
void tvi_grey_u8_scalar(const uint8_t *src, uint8_t *dst, size_t w, int c);
void tvi_grey_u16_scalar(const uint16_t *src, uint16_t *dst, size_t w, int c);

/* The f32 shortcut of the double definition, for integer destinations [0, hi]. With sf = (float)
 * scale and of = (float)offset, vf = fl32(fl32(x * sf) + of) for an x exact in f32 (any f32, u16,
 * u8). Let u = 2^-24. In the range that matters (|vf| <= hi + 1) the double v and vf differ by at
 * most 3.1u|x * scale| + 2.1u|offset| <= u(4(hi + 1) + 6|offset|) =: E0 (and when |vf| > hi + 1,
 * both v and vf saturate to the same end, as E0 < 1/4). With r = vf rounded to nearest even (in
 * f32; vf - r is exact), every value within E0 of vf rounds to r when |vf - r| < 1/2 - E0, so
 * then round(clamp(v)) = clamp(r) exactly; the kernels take the double path for the few vectors
 * with a lane where |vf - r| >= 1/2 - e (e = E0 with margin; NaN clamps to 0 either way). When
 * offset is 0 and |scale| a power of two, x * scale is exact in f32 and e = 0. Returns 0 (use the
 * double path throughout) for scales or offsets outside [2^-100, 2^100] or too large an offset. */
static inline int tvi_convert_f32_plan(double scale, double offset, double hi, float *sf, float *of,
                                       float *e) {
  const double as = fabs(scale), ao = fabs(offset);
  if (!(as <= 0x1p100) || !(ao <= 0x1p100) || (as != 0 && as < 0x1p-100) ||
      (ao != 0 && ao < 0x1p-100))
    return 0;
  int ex = 0;
  const int exact = offset == 0 && as != 0 && frexp(as, &ex) == 0.5;
  const double e0 = exact ? 0.0 : 0x1p-24 * (4.0 * (hi + 1.0) + 6.0 * ao) * 1.25;
  if (e0 >= 0.25) return 0;
  *sf = (float)scale;
  *of = (float)offset;
  *e = (float)e0;
  return 1;
}

/* OpenCV 4's fixed-point RGB to grey weights for 8 and 16 bits (sum 1 << 15). */
enum { TVI_R2Y = 9798, TVI_G2Y = 19235, TVI_B2Y = 3735, TVI_YSHIFT = 15 };

#endif
