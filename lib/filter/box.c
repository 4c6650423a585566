/* Box (mean) filter with running sums, rounding as cv::blur / cv::boxFilter.
 * SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <string.h>

#include "filter_internal.h"
#include "kernels/boxsum/boxsum.h"
#include "kernels/sepconv/sepconv.h"
#include "kernels/sepconv/sepconv_band.h"

#define TVI_BOX_MAX 1023

static const struct {
  tv_isa isa;
  const tvi_boxsum_kernels *k;
  const char *name;
} tvi_boxsum_table[] = {
#define TV_KERNEL(isa, kernels) {isa, &kernels, #kernels},
#include "kernels/boxsum/boxsum.inc"
#undef TV_KERNEL
};

const tvi_boxsum_kernels *tvi_boxsum_select(const tv_ctx *ctx) {
  return tvi_boxsum_table[TVI_SELECT(ctx, tvi_boxsum_table)].k;
}

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

/* One channel, not in place, REPLICATE or REFLECT101, u16 to u16 with 32-bit sums or u8 to u8 with
 * windows up to 257 rows high: vertical running sums per column (one add and one subtract of a
 * source row per output row; 16-bit for u8) and the horizontal window sums over them fused with
 * the scaling, one pass per row that also makes the next row's column sums (the boxsum family's
 * step kernels: direct sums for short windows, else running sums on vectors, so that the cost
 * does not depend on the window). The window sums are the same integers as the row-first path's
 * and are scaled by the same formula, so the results are identical. */
typedef struct tvi_box_vjob {
  const tvi_boxsum_kernels *bs;
  const tv_image *src;
  tv_image *dst;
  int32_t kw, kh, ax, ay;
  tv_border border;
  float scale;
  int normalize;
  int sum16;           /* u8: windows up to 256 pixels, 16-bit window sums */
  uint32_t ds, dd;     /* their scaling: OpenCV's 23-bit reciprocal */
  const int32_t *xmap; /* kw - 1 entries: the source columns of the left pads, then the right */
  uint8_t *scratch;    /* per worker: stride bytes, the padded column sums */
  size_t stride, col_at, col_bytes; /* col_at: column sum 0, 64-byte aligned (ax pads before);
                                     * the second row of sums col_bytes later */
} tvi_box_vjob;

/* Sums the first kh rows of the band's window into col[0..w) (zeroed first). */
#define TVI_BOX_VSTART(col_fn)                                                                     \
  do {                                                                                             \
    memset(col, 0, (size_t)w * sizeof *col);                                                       \
    for (int32_t k = 0; k < j->kh; k++)                                                            \
      j->bs->col_fn(col,                                                                           \
                    tvi_row(j->src, tvi_border_index(y0 - j->ay + k, j->src->height, j->border)),  \
                    NULL, (size_t)w);                                                              \
  } while (0)

/* Output row y from the column sums col (padded here as the border); unless y is the band's last
 * row, the next row's sums go to other in the same pass (then the two swap). */
#define TVI_BOX_VROW(T, step, ...)                                                                 \
  do {                                                                                             \
    for (int32_t i = 0; i < ax; i++) col[i - ax] = col[j->xmap[i]];                                \
    for (int32_t i = 0; i < right; i++) col[w + i] = col[j->xmap[ax + i]];                         \
    const int last = y + 1 >= y1;                                                                  \
    const void *add = NULL, *sub = NULL;                                                           \
    if (!last) {                                                                                   \
      add = tvi_row(j->src, tvi_border_index(y - j->ay + j->kh, j->src->height, j->border));       \
      sub = tvi_row(j->src, tvi_border_index(y - j->ay, j->src->height, j->border));               \
    }                                                                                              \
    j->bs->step(col - ax, last ? NULL : other - ax, add, sub, (size_t)ax, tvi_row(j->dst, y),      \
                (size_t)w, j->kw, __VA_ARGS__);                                                    \
    T *t_ = col;                                                                                   \
    col = other;                                                                                   \
    other = t_;                                                                                    \
  } while (0)

static void tvi_box_vband(void *arg, int32_t y0, int32_t y1, int worker) {
  const tvi_box_vjob *j = arg;
  const int32_t w = j->src->width, ax = j->ax, right = j->kw - 1 - ax;
  uint8_t *base = j->scratch + (size_t)worker * j->stride;
  if (j->src->type == TV_U8) {
    uint16_t *col = (uint16_t *)(void *)(base + j->col_at);
    uint16_t *other = (uint16_t *)(void *)(base + j->col_at + j->col_bytes);
    TVI_BOX_VSTART(col_u8_u16);
    for (int32_t y = y0; y < y1; y++) {
      if (j->sum16)
        TVI_BOX_VROW(uint16_t, step_u16_u8, j->ds, j->dd, j->normalize);
      else
        TVI_BOX_VROW(uint16_t, step_u16_u8f, j->scale, j->normalize);
    }
    return;
  }
  uint32_t *col = (uint32_t *)(void *)(base + j->col_at);
  uint32_t *other = (uint32_t *)(void *)(base + j->col_at + j->col_bytes);
  TVI_BOX_VSTART(col_u16_u32);
  for (int32_t y = y0; y < y1; y++) TVI_BOX_VROW(uint32_t, step_u32_u16, j->scale, j->normalize);
}
#undef TVI_BOX_VSTART
#undef TVI_BOX_VROW

static tv_status tvi_box_vertical(tv_ctx *ctx, const tv_image *src, tv_image *dst, int32_t kw,
                                  int32_t kh, const tvi_box_op *op, tv_border border) {
  tvi_box_vjob j;
  memset(&j, 0, sizeof j);
  j.bs = tvi_boxsum_select(ctx);
  j.src = src;
  j.dst = dst;
  j.kw = kw;
  j.kh = kh;
  j.ax = kw / 2;
  j.ay = kh / 2;
  j.border = border;
  j.scale = op->scale;
  j.normalize = op->normalize;
  j.sum16 = op->sum == TVI_SUM_U16;
  j.ds = op->ds;
  j.dd = op->dd;
  const int32_t w = src->width, h = src->height;
  const int workers = tvi_parallel_workers(ctx);
  const size_t es = src->type == TV_U8 ? sizeof(uint16_t) : sizeof(uint32_t); /* a column sum */
  j.col_at = ((size_t)j.ax * es + 63) / 64 * 64;
  /* The second row of sums half a page off the first modulo 4 KiB: a step reads one while it
   * writes the other, and loads that look like a pending store's address in their low 12 bits
   * wait for it (4K aliasing). */
  j.col_bytes = (j.col_at + (size_t)(w + kw) * es + 4095) / 4096 * 4096 + 2048;
  j.stride = j.col_at + 2 * j.col_bytes;
  const size_t map_bytes = ((size_t)kw * sizeof(int32_t) + 63) / 64 * 64;
  uint8_t *mem = tvi_aligned_alloc(map_bytes + j.stride * (size_t)workers);
  if (!mem)
    return TVI_ERR(ctx, TV_ERR_NOMEM, "cannot allocate %zu bytes of scratch",
                   map_bytes + j.stride * (size_t)workers);
  int32_t *xmap = (int32_t *)(void *)mem;
  for (int32_t i = 0; i < j.ax; i++) xmap[i] = (int32_t)tvi_border_index(i - j.ax, w, border);
  for (int32_t i = 0; i < kw - 1 - j.ax; i++)
    xmap[j.ax + i] = (int32_t)tvi_border_index(w + i, w, border);
  j.xmap = xmap;
  j.scratch = mem + map_bytes;
  /* Bands long enough to amortise summing kh rows at their start. */
  int32_t band = h;
  if (workers > 1) {
    const int32_t even = (int32_t)((h + 4 * workers - 1) / (4 * workers));
    band = even > 2 * kh ? even : 2 * kh;
  }
  tvi_for_bands(ctx, h, band, tvi_row_bytes(src), tvi_box_vband, &j);
  tvi_aligned_free(mem);
  return TV_OK;
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
    if (op.normalize) tvi_boxsum_u8_divisor(area, &op.ds, &op.dd);
  } else if (src->type == TV_U8 && dst->type == TV_U8 && kw <= 257) {
    op.sum = TVI_SUM_W16_S32;
  } else if (src->type == TV_U8 || (src->type == TV_U16 && area <= 32768)) {
    op.sum = TVI_SUM_S32;
  } else {
    op.sum = TVI_SUM_F64;
  }

  const int u8 = src->type == TV_U8 && dst->type == TV_U8;
  if (((op.sum == TVI_SUM_S32 && src->type == TV_U16 && dst->type == TV_U16) ||
       (u8 && (op.sum == TVI_SUM_U16 || kh <= 257))) &&
      src->channels == 1 && src->data != dst->data &&
      (border == TV_BORDER_REPLICATE || border == TV_BORDER_REFLECT101))
    return tvi_box_vertical(ctx, src, dst, kw, kh, &op, border);

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
