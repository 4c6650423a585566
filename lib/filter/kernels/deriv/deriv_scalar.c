/* The deriv family's scalar reference kernels: the specification of every variant.
 * SPDX-License-Identifier: Apache-2.0 */
#include "deriv.h"

#define TVI_D3_AT(r, x)                                                                            \
  tvi_d3_eval(kind, r0[(x)-1], r0[x], r0[(x) + 1], r1[(x)-1], r1[x], r1[(x) + 1], r2[(x)-1],       \
              r2[x], r2[(x) + 1])

#define TVI_D3_BODY                                                                                \
  const int plain = scale == 1.0 && delta == 0.0;                                                  \
  for (ptrdiff_t x = 0; x < (ptrdiff_t)n; x++) {                                                   \
    const int32_t v = TVI_D3_AT(r, x);                                                             \
    if (!plain)                                                                                    \
      tvi_affine_store(dst, out, (size_t)x, v, scale, delta);                                      \
    else if (out == TVI_DOUT_F32)                                                                  \
      ((float *)dst)[x] = (float)v;                                                                \
    else                                                                                           \
      ((int16_t *)dst)[x] = tvi_sat_s16(v);                                                        \
  }

void tvi_deriv3_u8_scalar(const uint8_t *r0, const uint8_t *r1, const uint8_t *r2, void *dst,
                          int out, size_t n, int kind, double scale, double delta) {
  TVI_D3_BODY
}

void tvi_deriv3_u16_scalar(const uint16_t *r0, const uint16_t *r1, const uint16_t *r2, void *dst,
                           int out, size_t n, int kind, double scale, double delta) {
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

/* Separable passes. Products and sums are separate statements, so that no compiler contracts them
 * into a fused multiply-add (the vector variants round each product and each sum once). */
#define TVI_DCOL_INT_BODY                                                                          \
  for (size_t x = 0; x < n; x++) {                                                                 \
    int32_t s = 0;                                                                                 \
    for (int i = 0; i < nt; i++) s += k[i] * (int32_t)rows[i][x];                                  \
    dst[x] = s;                                                                                    \
  }

void tvi_dcol_u8_scalar(const uint8_t *const *rows, const int32_t *k, int nt, int32_t *dst,
                        size_t n) {
  TVI_DCOL_INT_BODY
}

void tvi_dcol_u16_scalar(const uint16_t *const *rows, const int32_t *k, int nt, int32_t *dst,
                         size_t n) {
  TVI_DCOL_INT_BODY
}

void tvi_dcol_f32_scalar(const float *const *rows, const int32_t *k, int nt, double *dst,
                         size_t n) {
  for (size_t x = 0; x < n; x++) {
    double s = 0;
    for (int i = 0; i < nt; i++) {
      const double p = (double)k[i] * (double)rows[i][x];
      s += p;
    }
    dst[x] = s;
  }
}

void tvi_drow_s32_scalar(const int32_t *v, const int32_t *off, const int32_t *k, int nt,
                         const int32_t *acc, void *dst, int out, size_t n, double scale,
                         double delta) {
  for (size_t x = 0; x < n; x++) {
    int32_t s = acc ? acc[x] : 0;
    for (int i = 0; i < nt; i++) s += k[i] * v[x + (size_t)off[i]];
    if (out == TVI_DOUT_ACC)
      ((int32_t *)dst)[x] = s;
    else
      tvi_affine_store(dst, out, x, s, scale, delta);
  }
}

void tvi_drow_f64_scalar(const double *v, const int32_t *off, const int32_t *k, int nt,
                         const double *acc, void *dst, int out, size_t n, double scale,
                         double delta) {
  for (size_t x = 0; x < n; x++) {
    double s = acc ? acc[x] : 0;
    for (int i = 0; i < nt; i++) {
      const double p = (double)k[i] * v[x + (size_t)off[i]];
      s += p;
    }
    if (out == TVI_DOUT_ACC)
      ((double *)dst)[x] = s;
    else
      tvi_affine_store(dst, out, x, s, scale, delta);
  }
}

const tvi_deriv_kernels tvi_deriv_scalar = {
    tvi_deriv3_u8_scalar, tvi_deriv3_u16_scalar, tvi_mag3_u8_scalar,
    tvi_mag3_u16_scalar,  tvi_dcol_u8_scalar,    tvi_dcol_u16_scalar,
    tvi_dcol_f32_scalar,  tvi_drow_s32_scalar,   tvi_drow_f64_scalar,
};
