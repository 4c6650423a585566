/* Separable convolution with float kernels, computed in f32.
 * SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <string.h>

#include "filter_internal.h"
#include "kernels/sepconv/sepconv.h"
#include "kernels/sepconv/sepconv_band.h"

#define TVI_SEP_MAX 63

typedef struct tvi_sep_op {
  const tvi_sepconv_kernels *k;
  const float *kx, *ky;
  int kx_n, ky_n;
  float delta;
} tvi_sep_op;

static void tvi_sep_row(const tvi_sepconv_job *j, const void *in, void *out, size_t n) {
  const tvi_sep_op *o = j->op;
  const int cn = j->src->channels;
  switch (j->src->type) {
  case TV_U8: o->k->row_f32_u8(in, out, n, o->kx, o->kx_n, cn); break;
  case TV_U16: o->k->row_f32_u16(in, out, n, o->kx, o->kx_n, cn); break;
  default: o->k->row_f32_f32(in, out, n, o->kx, o->kx_n, cn); break;
  }
}

static void tvi_sep_col(const tvi_sepconv_job *j, const void *const *rows, void *dst, size_t n,
                        void *state) {
  (void)state;
  const tvi_sep_op *o = j->op;
  const float *const *r = (const float *const *)rows;
  switch (j->dst->type) {
  case TV_U8: o->k->col_f32_u8(r, dst, n, o->ky, o->ky_n, o->delta); break;
  case TV_U16: o->k->col_f32_u16(r, dst, n, o->ky, o->ky_n, o->delta); break;
  case TV_S16: o->k->col_f32_s16(r, dst, n, o->ky, o->ky_n, o->delta); break;
  default: o->k->col_f32_f32(r, dst, n, o->ky, o->ky_n, o->delta); break;
  }
}

static tv_status tvi_sep_check_kernel(tv_ctx *ctx, const char *func, const char *name,
                                      const float *k, int32_t len) {
  if (!k) return tvi_fail(ctx, TV_ERR_NULL, func, "%s is NULL", name);
  if (len < 1 || len > TVI_SEP_MAX || len % 2 == 0)
    return tvi_fail(ctx, TV_ERR_ARG, func, "%s length %d must be odd, 1..%d", name, len,
                    TVI_SEP_MAX);
  for (int32_t i = 0; i < len; i++)
    if (!isfinite(k[i])) return tvi_fail(ctx, TV_ERR_ARG, func, "%s[%d] is not finite", name, i);
  return TV_OK;
}

tv_status tv_sep_filter(tv_ctx *ctx, const tv_image *src, tv_image *dst, const float *kx,
                        int32_t kx_len, const float *ky, int32_t ky_len, double delta,
                        tv_border border, double border_value) {
  if (!ctx) return TV_ERR_NULL;
  tv_status st = tvi_check_pair(ctx, __func__, src, dst, 0, 1);
  if (st != TV_OK) return st;
  st = tvi_check_type(ctx, __func__, "src", src, TVI_T(TV_U8) | TVI_T(TV_U16) | TVI_T(TV_F32));
  if (st == TV_OK)
    st = tvi_check_type(ctx, __func__, "dst", dst,
                        TVI_T(TV_U8) | TVI_T(TV_U16) | TVI_T(TV_S16) | TVI_T(TV_F32));
  if (st != TV_OK) return st;
  if (tvi_images_overlap(src, dst))
    return TVI_ERR(ctx, TV_ERR_ARG, "dst overlaps src (tv_sep_filter does not work in place)");
  st = tvi_sep_check_kernel(ctx, __func__, "kx", kx, kx_len);
  if (st == TV_OK) st = tvi_sep_check_kernel(ctx, __func__, "ky", ky, ky_len);
  if (st != TV_OK) return st;
  if (!isfinite(delta)) return TVI_ERR(ctx, TV_ERR_ARG, "delta must be finite");
  st = tvi_check_border(ctx, __func__, border, border_value, 0);
  if (st != TV_OK) return st;

  tvi_sep_op op = {tvi_sepconv_select(ctx), kx, ky, kx_len, ky_len, (float)delta};
  tvi_sepconv_job job;
  memset(&job, 0, sizeof job);
  job.src = src;
  job.dst = dst;
  job.kw = kx_len;
  job.kh = ky_len;
  job.ax = kx_len / 2;
  job.ay = ky_len / 2;
  job.border = border;
  job.border_value = border_value;
  job.buf_es = 4;
  job.row = tvi_sep_row;
  job.col = tvi_sep_col;
  job.op = &op;
  return tvi_sepconv_run(ctx, __func__, &job);
}
