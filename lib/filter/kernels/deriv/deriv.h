/* The deriv kernel family: fused 3x3 derivatives, gradient magnitude, separable integer kernels.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef TVI_DERIV_H
#define TVI_DERIV_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

/* The 3x3 operators a fused kernel computes. With rows a (above), b (at), c (below) and columns
 * 0, 1, 2 (x - 1, x, x + 1), in exact integer arithmetic:
 *   SOBEL_DX   (a2 - a0) + 2 (b2 - b0) + (c2 - c0)       SOBEL_DY   the same transposed
 *   SCHARR_DX  3 (a2 - a0) + 10 (b2 - b0) + 3 (c2 - c0)   SCHARR_DY  the same transposed
 *   LAP1       a1 + b0 + b2 + c1 - 4 b1                   LAP3       2 (a0 + a2 + c0 + c2) - 8 b1
 *   DX1        b2 - b0 (Sobel ksize 1)                     DY1        c1 - a1
 *   DXX        (a0 - 2 a1 + a2) + 2 (b0 - 2 b1 + b2) + (c0 - 2 c1 + c2)   DYY  the same transposed
 *   DXY        (a0 - a2) + (c2 - c0) (Sobel dx = dy = 1, ksize 1 or 3)
 *   DXX1       b0 - 2 b1 + b2 (Sobel ksize 1)              DYY1       a1 - 2 b1 + c1 */
enum {
  TVI_D3_SOBEL_DX = 0,
  TVI_D3_SOBEL_DY,
  TVI_D3_SCHARR_DX,
  TVI_D3_SCHARR_DY,
  TVI_D3_LAP1,
  TVI_D3_LAP3,
  TVI_D3_DX1,
  TVI_D3_DY1,
  TVI_D3_DXX,
  TVI_D3_DYY,
  TVI_D3_DXY,
  TVI_D3_DXX1,
  TVI_D3_DYY1,
  TVI_D3_KINDS
};

/* Output sample types of the kernels; TVI_DOUT_ACC (separable row pass only): the accumulator row
 * itself (int32 for integer sources, double for f32 ones), for a later pass to add to. */
enum { TVI_DOUT_S16 = 0, TVI_DOUT_F32 = 1, TVI_DOUT_U8 = 2, TVI_DOUT_U16 = 3, TVI_DOUT_ACC = 4 };

/* Most taps a separable pass takes. */
#define TVI_DTAPS 7

/* One instruction set's kernels. Each computes output samples [0, n) of one row from the source
 * rows r0 (above), r1 (at) and r2 (below), each pointing at the sample under output 0; they read
 * r[-1] .. r[n], so the caller handles the first and last column (borders). */
typedef struct tvi_deriv_kernels {
  /* The 3x3 operator `kind` as D, then dst by out = TVI_DOUT_S16 / TVI_DOUT_F32 as
   * tvi_affine_store(D, scale, delta) (scale 1 and delta 0: saturated D, or D as f32). */
  void (*d3_u8)(const uint8_t *r0, const uint8_t *r1, const uint8_t *r2, void *dst, int out,
                size_t n, int kind, double scale, double delta);
  void (*d3_u16)(const uint16_t *r0, const uint16_t *r1, const uint16_t *r2, void *dst, int out,
                 size_t n, int kind, double scale, double delta);
  /* tvi_mag_f32 of the Sobel (scharr == 0) or Scharr DX and DY; dst f32, or u8 / u16 rounded half
   * to even and saturated, by out = TVI_DOUT_F32 / TVI_DOUT_U8 / TVI_DOUT_U16. */
  void (*mag3_u8)(const uint8_t *r0, const uint8_t *r1, const uint8_t *r2, void *dst, int out,
                  size_t n, int scharr);
  void (*mag3_u16)(const uint16_t *r0, const uint16_t *r1, const uint16_t *r2, void *dst, int out,
                   size_t n, int scharr);
  /* Separable path, column pass: dst[x] = sum over taps i in [0, nt) of k[i] * rows[i][x] for x in
   * [0, n), 1 <= nt <= TVI_DTAPS. Integer sources in exact int32 (u8: sum |k[i]| <= 128, so that
   * every partial sum fits int16; u16: sum |k[i]| <= 32767); f32 sources in f64 as
   * `s = 0; s = s + k[0] * p0; s = s + k[1] * p1; ...` with each product and sum rounded once. */
  void (*dcol_u8)(const uint8_t *const *rows, const int32_t *k, int nt, int32_t *dst, size_t n);
  void (*dcol_u16)(const uint16_t *const *rows, const int32_t *k, int nt, int32_t *dst, size_t n);
  void (*dcol_f32)(const float *const *rows, const int32_t *k, int nt, double *dst, size_t n);
  /* Separable path, row pass: s = (acc ? acc[x] : 0) + sum over taps i of k[i] * v[x + off[i]] in
   * tap order (int32: exact, the caller keeps every sum in range; f64: as dcol_f32), for x in
   * [0, n); then dst[x] = s (out TVI_DOUT_ACC), tvi_round_s16(s * scale + delta) (TVI_DOUT_S16) or
   * (float)(s * scale + delta) (TVI_DOUT_F32), the affine step in f64. acc must not overlap dst. */
  void (*drow_s32)(const int32_t *v, const int32_t *off, const int32_t *k, int nt,
                   const int32_t *acc, void *dst, int out, size_t n, double scale, double delta);
  void (*drow_f64)(const double *v, const int32_t *off, const int32_t *k, int nt, const double *acc,
                   void *dst, int out, size_t n, double scale, double delta);
} tvi_deriv_kernels;

extern const tvi_deriv_kernels tvi_deriv_scalar;
extern const tvi_deriv_kernels tvi_deriv_sse4;
extern const tvi_deriv_kernels tvi_deriv_avx2;
extern const tvi_deriv_kernels tvi_deriv_avx512;
extern const tvi_deriv_kernels tvi_deriv_neon;

/* Scalar kernels, for ISA files to fall back on (short rows). */
void tvi_deriv3_u8_scalar(const uint8_t *r0, const uint8_t *r1, const uint8_t *r2, void *dst,
                          int out, size_t n, int kind, double scale, double delta);
void tvi_deriv3_u16_scalar(const uint16_t *r0, const uint16_t *r1, const uint16_t *r2, void *dst,
                           int out, size_t n, int kind, double scale, double delta);
void tvi_mag3_u8_scalar(const uint8_t *r0, const uint8_t *r1, const uint8_t *r2, void *dst, int out,
                        size_t n, int scharr);
void tvi_mag3_u16_scalar(const uint16_t *r0, const uint16_t *r1, const uint16_t *r2, void *dst,
                         int out, size_t n, int scharr);
void tvi_dcol_u8_scalar(const uint8_t *const *rows, const int32_t *k, int nt, int32_t *dst,
                        size_t n);
void tvi_dcol_u16_scalar(const uint16_t *const *rows, const int32_t *k, int nt, int32_t *dst,
                         size_t n);
void tvi_dcol_f32_scalar(const float *const *rows, const int32_t *k, int nt, double *dst, size_t n);
void tvi_drow_s32_scalar(const int32_t *v, const int32_t *off, const int32_t *k, int nt,
                         const int32_t *acc, void *dst, int out, size_t n, double scale,
                         double delta);
void tvi_drow_f64_scalar(const double *v, const int32_t *off, const int32_t *k, int nt,
                         const double *acc, void *dst, int out, size_t n, double scale,
                         double delta);

/* The operator `kind` on the 3x3 neighbourhood a0..c2 (see the enum). */
static inline int32_t tvi_d3_eval(int kind, int32_t a0, int32_t a1, int32_t a2, int32_t b0,
                                  int32_t b1, int32_t b2, int32_t c0, int32_t c1, int32_t c2) {
  switch (kind) {
  case TVI_D3_SOBEL_DX: return (a2 - a0) + (c2 - c0) + 2 * (b2 - b0);
  case TVI_D3_SOBEL_DY: return (c0 - a0) + (c2 - a2) + 2 * (c1 - a1);
  case TVI_D3_SCHARR_DX: return 3 * ((a2 - a0) + (c2 - c0)) + 10 * (b2 - b0);
  case TVI_D3_SCHARR_DY: return 3 * ((c0 - a0) + (c2 - a2)) + 10 * (c1 - a1);
  case TVI_D3_LAP1: return (a1 + c1) + (b0 + b2) - 4 * b1;
  case TVI_D3_LAP3: return 2 * ((a0 + a2) + (c0 + c2)) - 8 * b1;
  case TVI_D3_DX1: return b2 - b0;
  case TVI_D3_DY1: return c1 - a1;
  case TVI_D3_DXX: return (a0 - 2 * a1 + a2) + 2 * (b0 - 2 * b1 + b2) + (c0 - 2 * c1 + c2);
  case TVI_D3_DYY: return (a0 - 2 * b0 + c0) + 2 * (a1 - 2 * b1 + c1) + (a2 - 2 * b2 + c2);
  case TVI_D3_DXY: return (a0 - a2) + (c2 - c0);
  case TVI_D3_DXX1: return b0 - 2 * b1 + b2;
  default: return a1 - 2 * b1 + c1;
  }
}

/* The gradient magnitude as cv::magnitude computes it with FMA: sqrt(fma(x, x, y * y)) in f32.
 * For integer-valued x, y (|x| < 2^26) the double sum below is exact, so rounding it once to f32
 * equals the fused multiply-add; f32 sources may differ from a true FMA in the last bit. */
static inline float tvi_mag_f32(float x, float y) {
  const float yy = y * y;
  return sqrtf((float)((double)x * (double)x + (double)yy));
}

static inline int16_t tvi_sat_s16(int32_t v) {
  return (int16_t)(v < -32768 ? -32768 : v > 32767 ? 32767 : v);
}

/* Rounds half to even (the default rounding mode) and saturates to s16; NaN gives 0. */
static inline int16_t tvi_round_s16(double v) {
  if (isnan(v)) return 0;
  v = rint(v);
  return (int16_t)(v < -32768.0 ? -32768 : v > 32767.0 ? 32767 : v);
}

/* dst[x] = s * scale + delta (in f64: the product and the sum each rounded once) as s16
 * (tvi_round_s16) or f32, by out = TVI_DOUT_S16 / TVI_DOUT_F32. */
static inline void tvi_affine_store(void *dst, int out, size_t x, double s, double scale,
                                    double delta) {
  const double a = s * scale;
  const double v = a + delta;
  if (out == TVI_DOUT_S16)
    ((int16_t *)dst)[x] = tvi_round_s16(v);
  else
    ((float *)dst)[x] = (float)v;
}

/* Rounds a non-negative magnitude half to even and saturates it to u8 / u16. */
static inline uint8_t tvi_mag_u8(float m) {
  const long r = lrintf(m);
  return (uint8_t)(r > 255 ? 255 : r < 0 ? 0 : r);
}
static inline uint16_t tvi_mag_u16(float m) {
  const long r = lrintf(m);
  return (uint16_t)(r > 65535 ? 65535 : r < 0 ? 0 : r);
}

#endif
