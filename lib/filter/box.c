/* Box (mean) filter with running sums, rounding as cv::blur / cv::boxFilter.
 * SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <string.h>

#include "filter_internal.h"
#include "kernels/sepconv/sepconv.h"
#include "kernels/sepconv/sepconv_band.h"

#define TVI_BOX_MAX 1023

/* Which sums the filter keeps, as OpenCV's createBoxFilter picks them. TVI_SUM_W16_S32 gives the
 * same sums as TVI_SUM_S32 (u8 to u8, windows over 256 pixels): row sums of at most 257 u8 fit
 * 16 bits, which halves the ring of row-filtered rows; the column sums stay 32-bit. */
enum { TVI_SUM_U16, TVI_SUM_S32, TVI_SUM_F64, TVI_SUM_W16_S32 };

typedef struct tvi_box_op {
  const tvi_sepconv_kernels *k;
  int sum, normalize;
  uint32_t ds, dd; /* u16 sums to u8: ((s + dd) * ds) >> 23 */
  float scale;     /* s32 sums */
  double dscale;   /* f64 sums */
} tvi_box_op;

static void tvi_box_row(const tvi_sepconv_job *j, const void *in, void *out, size_t n) {
  const tvi_box_op *o = j->op;
  const int cn = j->src->channels;
  if (o->sum == TVI_SUM_U16 || o->sum == TVI_SUM_W16_S32) {
    o->k->box_row_u8_u16(in, out, n, j->kw, cn);
  } else if (o->sum == TVI_SUM_S32) {
    if (j->src->type == TV_U8)
      o->k->box_row_u8_s32(in, out, n, j->kw, cn);
    else
      o->k->box_row_u16_s32(in, out, n, j->kw, cn);
  } else { /* f64 running sums, as OpenCV's RowSum<T, double> */
    double *d = out;
    const size_t c = (size_t)cn < n ? (size_t)cn : n, last = (size_t)(j->kw - 1) * (size_t)cn;
#define TVI_BOX_F64_ROW(T)                                                                         \
  do {                                                                                             \
    const T *s = in;                                                                               \
    for (size_t i = 0; i < c; i++) {                                                               \
      double a = 0;                                                                                \
      for (int t = 0; t < j->kw; t++) a += (double)s[i + (size_t)t * (size_t)cn];                  \
      d[i] = a;                                                                                    \
    }                                                                                              \
    for (size_t i = c; i < n; i++)                                                                 \
      d[i] = d[i - (size_t)cn] + (double)s[i + last] - (double)s[i - (size_t)cn];                  \
  } while (0)
    if (j->src->type == TV_U16)
      TVI_BOX_F64_ROW(uint16_t);
    else
      TVI_BOX_F64_ROW(float);
#undef TVI_BOX_F64_ROW
  }
}

static void tvi_box_init(const tvi_sepconv_job *j, const void *const *rows, size_t n, void *state) {
  const tvi_box_op *o = j->op;
  if (o->sum == TVI_SUM_U16) {
    uint16_t *s = state;
    memset(s, 0, n * sizeof *s);
    for (int32_t r = 0; r < j->kh - 1; r++) {
      const uint16_t *a = rows[r];
      for (size_t i = 0; i < n; i++) s[i] = (uint16_t)(s[i] + a[i]);
    }
  } else if (o->sum == TVI_SUM_S32) {
    int32_t *s = state;
    memset(s, 0, n * sizeof *s);
    for (int32_t r = 0; r < j->kh - 1; r++) {
      const int32_t *a = rows[r];
      for (size_t i = 0; i < n; i++) s[i] += a[i];
    }
  } else if (o->sum == TVI_SUM_W16_S32) {
    int32_t *s = state;
    memset(s, 0, n * sizeof *s);
    for (int32_t r = 0; r < j->kh - 1; r++) {
      const uint16_t *a = rows[r];
      for (size_t i = 0; i < n; i++) s[i] += a[i];
    }
  } else {
    double *s = state;
    for (size_t i = 0; i < n; i++) s[i] = 0;
    for (int32_t r = 0; r < j->kh - 1; r++) {
      const double *a = rows[r];
      for (size_t i = 0; i < n; i++) s[i] += a[i];
    }
  }
}

static void tvi_box_col(const tvi_sepconv_job *j, const void *const *rows, void *dst, size_t n,
                        void *state) {
  const tvi_box_op *o = j->op;
  const void *add = rows[j->kh - 1], *sub = rows[0];
  if (o->sum == TVI_SUM_U16) {
    o->k->box_col_u16_u8(state, add, sub, dst, n, o->ds, o->dd, o->normalize);
  } else if (o->sum == TVI_SUM_W16_S32) {
    o->k->box_col_w16_s32_u8(state, add, sub, dst, n, o->scale, o->normalize);
  } else if (o->sum == TVI_SUM_S32) {
    switch (j->dst->type) {
    case TV_U8: o->k->box_col_s32_u8(state, add, sub, dst, n, o->scale, o->normalize); break;
    case TV_U16: o->k->box_col_s32_u16(state, add, sub, dst, n, o->scale, o->normalize); break;
    default: o->k->box_col_s32_f32(state, add, sub, dst, n, o->scale, o->normalize); break;
    }
  } else { /* f64 sums: u16 or f32 destination, as OpenCV's ColumnSum<double, T> */
    double *s = state;
    const double *a = add, *b = sub;
    const double scale = o->normalize ? o->dscale : 1.0;
    for (size_t i = 0; i < n; i++) {
      const double v = s[i] + a[i];
      if (j->dst->type == TV_U16) {
        const double r = v * scale;
        ((uint16_t *)dst)[i] = (uint16_t)nearbyint(r < 0 ? 0 : r > 65535 ? 65535 : r);
      } else {
        ((float *)dst)[i] = (float)(v * scale);
      }
      s[i] = v - b[i];
    }
  }
}

tv_status tv_box(tv_ctx *ctx, const tv_image *src, tv_image *dst, int32_t kw, int32_t kh,
                 int32_t normalize, tv_border border, double border_value) {
  if (!ctx) return TV_ERR_NULL;
  tv_status st = tvi_check_pair(ctx, __func__, src, dst, 0, 1);
  if (st != TV_OK) return st;
  st = tvi_check_type(ctx, __func__, "src", src, TVI_T(TV_U8) | TVI_T(TV_U16) | TVI_T(TV_F32));
  if (st != TV_OK) return st;
  if (dst->type != src->type && dst->type != TV_F32)
    return TVI_ERR(ctx, TV_ERR_TYPE, "dst must have src's pixel type or f32 (src %d, dst %d)",
                   src->type, dst->type);
  if (tvi_bad_overlap(src, dst))
    return TVI_ERR(ctx, TV_ERR_ARG, "dst overlaps src without being the same image");
  if (kw < 1 || kw > TVI_BOX_MAX || kh < 1 || kh > TVI_BOX_MAX)
    return TVI_ERR(ctx, TV_ERR_ARG, "window %dx%d must be 1..%d each", kw, kh, TVI_BOX_MAX);
  st = tvi_check_border(ctx, __func__, border, border_value, 0);
  if (st != TV_OK) return st;

  tvi_box_op op;
  memset(&op, 0, sizeof op);
  op.k = tvi_sepconv_select(ctx);
  const int32_t area = kw * kh;
  op.normalize = normalize != 0 && area > 1;
  op.dscale = 1.0 / area;
  op.scale = (float)op.dscale;
  if (src->type == TV_U8 && dst->type == TV_U8 && area <= 256) {
    op.sum = TVI_SUM_U16;
    if (op.normalize) { /* OpenCV's ColumnSum<ushort, uchar> divisor */
      double f = (double)(1 << 23) / area;
      op.ds = (uint32_t)floor(f);
      f -= op.ds;
      op.dd = (uint32_t)(area / 2);
      if (f < 0.5)
        op.dd++;
      else
        op.ds++;
    }
  } else if (src->type == TV_U8 && dst->type == TV_U8 && kw <= 257) {
    op.sum = TVI_SUM_W16_S32;
  } else if (src->type == TV_U8 || (src->type == TV_U16 && area <= 32768)) {
    op.sum = TVI_SUM_S32;
  } else {
    op.sum = TVI_SUM_F64;
  }

  tvi_sepconv_job job;
  memset(&job, 0, sizeof job);
  job.src = src;
  job.dst = dst;
  job.kw = kw;
  job.kh = kh;
  job.ax = kw / 2;
  job.ay = kh / 2;
  job.border = border;
  job.border_value = border_value;
  job.buf_es = op.sum == TVI_SUM_U16 || op.sum == TVI_SUM_W16_S32 ? 2
               : op.sum == TVI_SUM_S32                            ? 4
                                                                  : 8;
  job.state_bytes = (size_t)src->width * (size_t)src->channels *
                    (op.sum == TVI_SUM_W16_S32 ? sizeof(int32_t) : job.buf_es);
  job.row = tvi_box_row;
  job.col = tvi_box_col;
  job.init = tvi_box_init;
  job.op = &op;
  return tvi_sepconv_run(ctx, __func__, &job);
}
