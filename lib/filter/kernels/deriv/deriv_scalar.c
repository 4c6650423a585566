/* The deriv family's scalar reference kernels: the specification of every variant.
 * SPDX-License-Identifier: Apache-2.0 */
#include "deriv.h"

#define TVI_D3_AT(r, x)                                                                            \
  tvi_d3_eval(kind, r0[(x)-1], r0[x], r0[(x) + 1], r1[(x)-1], r1[x], r1[(x) + 1], r2[(x)-1],       \
              r2[x], r2[(x) + 1])

#define TVI_D3_BODY                                                                                \
  for (ptrdiff_t x = 0; x < (ptrdiff_t)n; x++) {                                                   \
    const int32_t v = TVI_D3_AT(r, x);                                                             \
    if (out == TVI_DOUT_F32)                                                                       \
      ((float *)dst)[x] = (float)v;                                                                \
    else                                                                                           \
      ((int16_t *)dst)[x] = tvi_sat_s16(v);                                                        \
  }

void tvi_deriv3_u8_scalar(const uint8_t *r0, const uint8_t *r1, const uint8_t *r2, void *dst,
                          int out, size_t n, int kind) {
  TVI_D3_BODY
}

void tvi_deriv3_u16_scalar(const uint16_t *r0, const uint16_t *r1, const uint16_t *r2, void *dst,
                           int out, size_t n, int kind) {
  TVI_D3_BODY
}

#define TVI_MAG_BODY                                                                               \
  const int kx = scharr ? TVI_D3_SCHARR_DX : TVI_D3_SOBEL_DX;                                      \
  const int ky = scharr ? TVI_D3_SCHARR_DY : TVI_D3_SOBEL_DY;                                      \
  for (ptrdiff_t x = 0; x < (ptrdiff_t)n; x++) {                                                   \
    int kind = kx;                                                                                 \
    const int32_t gx = TVI_D3_AT(r, x);                                                            \
    kind = ky;                                                                                     \
    const int32_t gy = TVI_D3_AT(r, x);                                                            \
    const float m = tvi_mag_f32((float)gx, (float)gy);                                             \
    if (out == TVI_DOUT_F32)                                                                       \
      ((float *)dst)[x] = m;                                                                       \
    else if (out == TVI_DOUT_U8)                                                                   \
      ((uint8_t *)dst)[x] = tvi_mag_u8(m);                                                         \
    else                                                                                           \
      ((uint16_t *)dst)[x] = tvi_mag_u16(m);                                                       \
  }

void tvi_mag3_u8_scalar(const uint8_t *r0, const uint8_t *r1, const uint8_t *r2, void *dst, int out,
                        size_t n, int scharr) {
  TVI_MAG_BODY
}

void tvi_mag3_u16_scalar(const uint16_t *r0, const uint16_t *r1, const uint16_t *r2, void *dst,
                         int out, size_t n, int scharr) {
  TVI_MAG_BODY
}

const tvi_deriv_kernels tvi_deriv_scalar = {
    tvi_deriv3_u8_scalar,
    tvi_deriv3_u16_scalar,
    tvi_mag3_u8_scalar,
    tvi_mag3_u16_scalar,
};
