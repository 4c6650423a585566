/* Gaussian blur: OpenCV's kernels, fixed point for u8 (Q8) and u16 (Q16) as cv::GaussianBlur.
 * SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "filter_internal.h"
#include "kernels/sepconv/sepconv.h"
#include "kernels/sepconv/sepconv_band.h"

/* The kernel arithmetic follows OpenCV's softdouble steps one rounding at a time. */
#if defined(__clang__) /* GCC does not contract across statements in ISO C mode */
#pragma STDC FP_CONTRACT OFF
#endif

#define TVI_GAUSS_MAX 1023

/* getGaussianKernel in double: the hard-coded small kernels for sigma <= 0, else exp. */
static void tvi_gauss_kernel(int n, double sigma, double *k) {
  static const double k3[] = {0.25, 0.5, 0.25};
  static const double k5[] = {0.0625, 0.25, 0.375, 0.25, 0.0625};
  static const double k7[] = {0.03125, 0.109375, 0.21875, 0.28125, 0.21875, 0.109375, 0.03125};
  static const double k9[] = {4 / 256.0,  13 / 256.0, 30 / 256.0, 51 / 256.0, 60 / 256.0,
                              51 / 256.0, 30 / 256.0, 13 / 256.0, 4 / 256.0};
  if (sigma <= 0 && n <= 9) {
    const double *t = n == 1 ? NULL : n == 3 ? k3 : n == 5 ? k5 : n == 7 ? k7 : k9;
    for (int i = 0; i < n; i++) k[i] = t ? t[i] : 1.0;
    return;
  }
  const double sx = sigma > 0 ? sigma : fma((double)n, 0.15, 0.35);
  const double scale2 = -0.125 / (sx * sx);
  const int half = (n - 1) / 2;
  double sum = 0;
  for (int i = 0, x = 1 - n; i < half; i++, x += 2) {
    k[i] = exp((double)(x * x) * scale2);
    sum += k[i];
  }
  sum *= 2;
  sum += 1;
  const double mul = 1 / sum;
  for (int i = 0; i < half; i++) {
    k[i] = k[i] * mul;
    k[n - 1 - i] = k[i];
  }
  k[half] = mul;
}

/* OpenCV's fixed-point kernel with error diffusion: sum exactly 2^bits. */
static void tvi_gauss_fixed(int n, const double *k, int bits, int64_t *q) {
  const double m = (double)((int64_t)1 << bits);
  double err = 0;
  int64_t sum = 0;
  for (int i = 0; i < n / 2; i++) {
    const double adj = k[i] * m + err;
    const int64_t v = (int64_t)nearbyint(adj);
    err = adj - (double)v;
    q[i] = q[n - 1 - i] = v;
    sum += v;
  }
  q[n / 2] = ((int64_t)1 << bits) - 2 * sum;
}

typedef struct tvi_gauss_op {
  const tvi_sepconv_kernels *k;
  int kx_n, ky_n, shift, w16;
  uint16_t *kx8, *ky8;
  uint32_t *kx16, *ky16;
  float *kxf, *kyf;
} tvi_gauss_op;

static void tvi_gauss_row_u8(const tvi_sepconv_job *j, const void *in, void *out, size_t n) {
  const tvi_gauss_op *o = j->op;
  o->k->row_q8(in, out, n, o->kx8, o->kx_n, j->src->channels);
}
static void tvi_gauss_col_u8(const tvi_sepconv_job *j, const void *const *rows, void *dst, size_t n,
                             void *state) {
  (void)state;
  const tvi_gauss_op *o = j->op;
  (o->w16 ? o->k->col_q8_w16 : o->k->col_q8_w32)((const uint16_t *const *)rows, dst, n, o->ky8,
                                                 o->ky_n, o->shift);
}
static void tvi_gauss_row_u16(const tvi_sepconv_job *j, const void *in, void *out, size_t n) {
  const tvi_gauss_op *o = j->op;
  o->k->row_q16(in, out, n, o->kx16, o->kx_n, j->src->channels);
}
static void tvi_gauss_col_u16(const tvi_sepconv_job *j, const void *const *rows, void *dst,
                              size_t n, void *state) {
  (void)state;
  const tvi_gauss_op *o = j->op;
  o->k->col_q16((const uint32_t *const *)rows, dst, n, o->ky16, o->ky_n);
}
static void tvi_gauss_row_f32(const tvi_sepconv_job *j, const void *in, void *out, size_t n) {
  const tvi_gauss_op *o = j->op;
  o->k->row_f32_f32(in, out, n, o->kxf, o->kx_n, j->src->channels);
}
static void tvi_gauss_col_f32(const tvi_sepconv_job *j, const void *const *rows, void *dst,
                              size_t n, void *state) {
  (void)state;
  const tvi_gauss_op *o = j->op;
  o->k->col_f32_f32((const float *const *)rows, dst, n, o->kyf, o->ky_n, 0.0f);
}

/* Trailing zero bits shared by all entries (at most `cap`). */
static int tvi_common_zeros(const int64_t *q, int n, int cap) {
  int z = cap;
  for (int i = 0; i < n; i++) {
    int t = 0;
    while (t < z && !((q[i] >> t) & 1)) t++;
    z = t;
  }
  return z;
}

/* Derives and checks one direction's kernel size. */
static tv_status tvi_gauss_size(tv_ctx *ctx, const char *func, const char *name, int32_t *ksize,
                                double sigma, int u8) {
  if (*ksize == 0) {
    if (!(sigma > 0))
      return tvi_fail(ctx, TV_ERR_ARG, func, "%s is 0 and its sigma %g is not positive", name,
                      sigma);
    const double s = nearbyint(sigma * (u8 ? 3 : 4) * 2 + 1);
    if (!(s <= TVI_GAUSS_MAX))
      return tvi_fail(ctx, TV_ERR_ARG, func, "sigma %g gives a kernel over %d taps", sigma,
                      TVI_GAUSS_MAX);
    *ksize = (int32_t)s | 1;
    if (*ksize > TVI_GAUSS_MAX)
      return tvi_fail(ctx, TV_ERR_ARG, func, "sigma %g gives a kernel over %d taps", sigma,
                      TVI_GAUSS_MAX);
  }
  if (*ksize < 0 || *ksize % 2 == 0 || *ksize > TVI_GAUSS_MAX)
    return tvi_fail(ctx, TV_ERR_ARG, func, "%s %d must be odd, 1..%d (or 0)", name, *ksize,
                    TVI_GAUSS_MAX);
  return TV_OK;
}

tv_status tv_gaussian(tv_ctx *ctx, const tv_image *src, tv_image *dst, double sigma_x,
                      double sigma_y, int32_t ksize_x, int32_t ksize_y, tv_border border,
                      double border_value) {
  if (!ctx) return TV_ERR_NULL;
  tv_status st = tvi_check_pair(ctx, __func__, src, dst, 1, 1);
  if (st != TV_OK) return st;
  st = tvi_check_type(ctx, __func__, "src", src, TVI_T(TV_U8) | TVI_T(TV_U16) | TVI_T(TV_F32));
  if (st != TV_OK) return st;
  if (tvi_bad_overlap(src, dst))
    return TVI_ERR(ctx, TV_ERR_ARG, "dst overlaps src without being the same image");
  st = tvi_check_border(ctx, __func__, border, border_value, 0);
  if (st != TV_OK) return st;
  if (!isfinite(sigma_x) || !isfinite(sigma_y))
    return TVI_ERR(ctx, TV_ERR_ARG, "sigma must be finite (%g, %g)", sigma_x, sigma_y);
  if (sigma_y <= 0) sigma_y = sigma_x;
  const int u8 = src->type == TV_U8;
  st = tvi_gauss_size(ctx, __func__, "ksize_x", &ksize_x, sigma_x, u8);
  if (st == TV_OK) st = tvi_gauss_size(ctx, __func__, "ksize_y", &ksize_y, sigma_y, u8);
  if (st != TV_OK) return st;
  if (border != TV_BORDER_CONSTANT) { /* as OpenCV: a single row or column is not blurred across */
    if (src->height == 1) ksize_y = 1;
    if (src->width == 1) ksize_x = 1;
  }
  if (ksize_x == 1 && ksize_y == 1) {
    if (tvi_same_image(src, dst)) return TV_OK;
    return tv_image_copy(ctx, src, dst);
  }
  if (sigma_x < 0) sigma_x = 0;
  if (sigma_y < 0) sigma_y = 0;

  tvi_gauss_op op;
  memset(&op, 0, sizeof op);
  op.k = tvi_sepconv_select(ctx);
  op.kx_n = ksize_x;
  op.ky_n = ksize_y;
  const size_t nk = (size_t)ksize_x + (size_t)ksize_y;
  double *kd = malloc(nk * sizeof *kd);
  int64_t *kq = malloc(nk * sizeof *kq);
  void *kmem = malloc(nk * sizeof(uint32_t));
  if (!kd || !kq || !kmem) TVI_FAIL(ctx, TV_ERR_NOMEM, "cannot allocate the kernels");
  tvi_gauss_kernel(ksize_x, sigma_x, kd);
  tvi_gauss_kernel(ksize_y, sigma_y, kd + ksize_x);

  tvi_sepconv_job job;
  memset(&job, 0, sizeof job);
  job.src = src;
  job.dst = dst;
  job.kw = ksize_x;
  job.kh = ksize_y;
  job.ax = ksize_x / 2;
  job.ay = ksize_y / 2;
  job.border = border;
  job.border_value = border_value;
  job.op = &op;
  if (src->type == TV_U8) {
    tvi_gauss_fixed(ksize_x, kd, 8, kq);
    tvi_gauss_fixed(ksize_y, kd + ksize_x, 8, kq + ksize_x);
    /* Shared factors of two come out of the kernels so that small ones stay in 16 bits. */
    const int sx = tvi_common_zeros(kq, ksize_x, 8),
              sy = tvi_common_zeros(kq + ksize_x, ksize_y, 8);
    op.kx8 = kmem;
    op.ky8 = op.kx8 + ksize_x;
    for (int i = 0; i < ksize_x; i++) op.kx8[i] = (uint16_t)(kq[i] >> sx);
    for (int i = 0; i < ksize_y; i++) op.ky8[i] = (uint16_t)(kq[ksize_x + i] >> sy);
    op.shift = 16 - sx - sy;
    op.w16 = sx + sy >= 8;
    job.buf_es = 2;
    job.row = tvi_gauss_row_u8;
    job.col = tvi_gauss_col_u8;
  } else if (src->type == TV_U16) {
    tvi_gauss_fixed(ksize_x, kd, 16, kq);
    tvi_gauss_fixed(ksize_y, kd + ksize_x, 16, kq + ksize_x);
    op.kx16 = kmem;
    op.ky16 = op.kx16 + ksize_x;
    for (size_t i = 0; i < nk; i++) op.kx16[i] = (uint32_t)kq[i];
    job.buf_es = 4;
    job.row = tvi_gauss_row_u16;
    job.col = tvi_gauss_col_u16;
  } else {
    op.kxf = kmem;
    op.kyf = op.kxf + ksize_x;
    for (size_t i = 0; i < nk; i++) op.kxf[i] = (float)kd[i];
    job.buf_es = 4;
    job.row = tvi_gauss_row_f32;
    job.col = tvi_gauss_col_f32;
  }
  st = tvi_sepconv_run(ctx, __func__, &job);
done:
  free(kd);
  free(kq);
  free(kmem);
  return st;
}
