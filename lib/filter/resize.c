/* Resizing: integer-factor area downscale and bilinear resize, matching OpenCV 4.6's cv::resize.
 * SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "filter_internal.h"
#include "kernels/resize/resize.h"

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

static const struct {
  tv_isa isa;
  const tvi_resize_kernels *k;
  const char *name;
} tvi_resize_table[] = {
#define TV_KERNEL(isa, kernels) {isa, &kernels, #kernels},
#include "kernels/resize/resize.inc"
#undef TV_KERNEL
};

#define TVI_RESIZE_TYPES (TVI_T(TV_U8) | TVI_T(TV_U16) | TVI_T(TV_F32))

/* ---- area ------------------------------------------------------------------------------------ */

typedef struct tvi_area_job {
  const tvi_resize_kernels *k;
  const tv_image *src;
  tv_image *dst;
  int32_t fx, fy, cn;
  size_t n;         /* destination samples per row */
  uint32_t *colsum; /* per worker: n * fx column sums (integer paths), or NULL */
  ptrdiff_t *offs;  /* float paths: byte offset of each sample of a block from its first */
  float *frow;      /* float path of u16: per worker, one row of f32 means */
} tvi_area_job;

/* Integer factors other than 2x2 with an exact integer sum (u8 always; u16 while the sum stays
 * below 2^24, so that OpenCV's f32 accumulation is exact too): rint((float)sum * (1.f / area)). */
static void tvi_area_int_row(const tvi_area_job *j, int32_t dy, uint32_t *cs) {
  const size_t m = j->n * (size_t)j->fx; /* source samples used per row */
  /* Column sums, two source rows per pass over cs (integer sums: any order is exact). */
  const int64_t y0 = (int64_t)dy * j->fy;
  int32_t r = 0;
  if (j->src->type == TV_U8) {
    const uint8_t *a = tvi_row(j->src, y0);
    if (j->fy % 2) {
      for (size_t i = 0; i < m; i++) cs[i] = a[i];
      r = 1;
    } else {
      const uint8_t *b = tvi_row(j->src, y0 + 1);
      for (size_t i = 0; i < m; i++) cs[i] = (uint32_t)a[i] + b[i];
      r = 2;
    }
    for (; r < j->fy; r += 2) {
      const uint8_t *p = tvi_row(j->src, y0 + r), *q = tvi_row(j->src, y0 + r + 1);
      for (size_t i = 0; i < m; i++) cs[i] += (uint32_t)p[i] + q[i];
    }
  } else {
    const uint16_t *a = tvi_row(j->src, y0);
    if (j->fy % 2) {
      for (size_t i = 0; i < m; i++) cs[i] = a[i];
      r = 1;
    } else {
      const uint16_t *b = tvi_row(j->src, y0 + 1);
      for (size_t i = 0; i < m; i++) cs[i] = (uint32_t)a[i] + b[i];
      r = 2;
    }
    for (; r < j->fy; r += 2) {
      const uint16_t *p = tvi_row(j->src, y0 + r), *q = tvi_row(j->src, y0 + r + 1);
      for (size_t i = 0; i < m; i++) cs[i] += (uint32_t)p[i] + q[i];
    }
  }
  const float scale = 1.0f / (float)(j->fx * j->fy);
  const size_t cn = (size_t)j->cn;
  void *drow = tvi_row(j->dst, dy);
  const size_t fx = (size_t)j->fx, px = fx * cn;
  const int is8 = j->src->type == TV_U8;
  for (size_t c = 0; c < cn; c++)
    for (size_t i = c, base = c; i < j->n; i += cn, base += px) {
      uint32_t sum = 0;
      for (size_t x = 0; x < px; x += cn) sum += cs[base + x];
      const float v = nearbyintf((float)sum * scale);
      if (is8)
        ((uint8_t *)drow)[i] = (uint8_t)(v > 255.0f ? 255 : (int32_t)v);
      else
        ((uint16_t *)drow)[i] = (uint16_t)(v > 65535.0f ? 65535 : (int32_t)v);
    }
}

/* The other cases in OpenCV's exact order: the block's samples row by row, added four at a time
 * ((a + b) + c) + d (in int for u16, in f32 for f32) onto an f32 sum, the rest one at a time.
 * offs[k] is the byte offset of the block's k-th sample from its first (no divisions per sample).
 */
#define TVI_AREA_FLOAT_ROW(T, G, SUM4)                                                             \
  do {                                                                                             \
    const size_t px = (size_t)j->fx * cn * sizeof(T);                                              \
    for (size_t c = 0; c < cn; c++)                                                                \
      for (size_t i = c; i < j->n; i += cn) {                                                      \
        const uint8_t *p = top + ((i - c) / cn) * px + c * sizeof(T);                              \
        float sum = 0.0f;                                                                          \
        int32_t k = 0;                                                                             \
        for (; k + 4 <= area; k += 4) {                                                            \
          const G a = *(const T *)(const void *)(p + offs[k]),                                     \
                  b = *(const T *)(const void *)(p + offs[k + 1]),                                 \
                  cc = *(const T *)(const void *)(p + offs[k + 2]),                                \
                  d = *(const T *)(const void *)(p + offs[k + 3]);                                 \
          sum += SUM4;                                                                             \
        }                                                                                          \
        for (; k < area; k++) sum += (float)*(const T *)(const void *)(p + offs[k]);               \
        out[i] = sum * scale;                                                                      \
      }                                                                                            \
  } while (0)

static void tvi_area_float_row(const tvi_area_job *j, int32_t dy, float *out) {
  const int32_t area = j->fx * j->fy;
  const float scale = 1.0f / (float)area;
  const size_t cn = (size_t)j->cn;
  const uint8_t *top = tvi_row(j->src, (int64_t)dy * j->fy);
  const ptrdiff_t *offs = j->offs;
  if (j->src->type == TV_U16) {
    TVI_AREA_FLOAT_ROW(uint16_t, int32_t, (float)(a + b + cc + d));
    uint16_t *drow = tvi_row(j->dst, dy);
    for (size_t i = 0; i < j->n; i++) {
      const float rv = nearbyintf(out[i] > 0.0f ? out[i] : 0.0f);
      drow[i] = (uint16_t)(rv > 65535.0f ? 65535 : (int32_t)rv);
    }
  } else {
    TVI_AREA_FLOAT_ROW(float, float, ((a + b) + cc) + d);
  }
}
#undef TVI_AREA_FLOAT_ROW

static void tvi_area_band(void *arg, int32_t y0, int32_t y1, int worker) {
  const tvi_area_job *j = arg;
  for (int32_t dy = y0; dy < y1; dy++) {
    void *d = tvi_row(j->dst, dy);
    if (j->fx == 1 && j->fy == 1) {
      memcpy(d, tvi_row(j->src, dy), tvi_row_bytes(j->dst));
    } else if (j->fx == 2 && j->fy == 2) {
      const void *s0 = tvi_row(j->src, 2 * (int64_t)dy), *s1 = tvi_row(j->src, 2 * (int64_t)dy + 1);
      switch (j->src->type) {
      case TV_U8: j->k->area2_u8(s0, s1, d, j->n, j->cn); break;
      case TV_U16: j->k->area2_u16(s0, s1, d, j->n, j->cn); break;
      default: j->k->area2_f32(s0, s1, d, j->n, j->cn); break;
      }
    } else if (j->colsum) {
      tvi_area_int_row(j, dy, j->colsum + (size_t)worker * j->n * (size_t)j->fx);
    } else {
      /* f32 writes its row directly; u16 goes through the worker's f32 row */
      float *out = j->src->type == TV_F32 ? d : j->frow + (size_t)worker * j->n;
      tvi_area_float_row(j, dy, out);
    }
  }
}

/* Runs the area downscale (factors already checked); `func` names the public entry point. */
static tv_status tvi_area_run(tv_ctx *ctx, const char *func, const tv_image *src, tv_image *dst,
                              int32_t fx, int32_t fy) {
  tv_status st = TV_OK;
  tvi_area_job job = {tvi_resize_table[TVI_SELECT(ctx, tvi_resize_table)].k,
                      src,
                      dst,
                      fx,
                      fy,
                      src->channels,
                      (size_t)dst->width * (size_t)dst->channels,
                      NULL,
                      NULL,
                      NULL};
  const int generic = !(fx == 1 && fy == 1) && !(fx == 2 && fy == 2);
  if (generic && (src->type == TV_U8 || (src->type == TV_U16 && (int64_t)fx * fy <= 256))) {
    size_t per = 0, total = 0;
    if (tvi_mul_size(job.n, (size_t)fx, &per) != 0 ||
        tvi_mul_size(per, (size_t)tvi_parallel_workers(ctx) * sizeof(uint32_t), &total) != 0 ||
        !(job.colsum = tvi_aligned_alloc(total)))
      TVI_FAIL_AS(ctx, TV_ERR_NOMEM, func, "cannot allocate %zu bytes of row sums", total);
  } else if (generic) {
    const size_t area = (size_t)fx * (size_t)fy, es = tv_pixel_size((tv_pixel_type)src->type);
    job.offs = malloc(area * sizeof *job.offs);
    if (!job.offs)
      TVI_FAIL_AS(ctx, TV_ERR_NOMEM, func, "cannot allocate a table of %zu offsets", area);
    for (size_t k = 0; k < area; k++)
      job.offs[k] = (ptrdiff_t)(k / (size_t)fx) * (ptrdiff_t)src->stride +
                    (ptrdiff_t)((k % (size_t)fx) * (size_t)src->channels * es);
    if (src->type == TV_U16) {
      job.frow = tvi_aligned_alloc(job.n * (size_t)tvi_parallel_workers(ctx) * sizeof(float));
      if (!job.frow)
        TVI_FAIL_AS(ctx, TV_ERR_NOMEM, func, "cannot allocate %zu bytes of rows",
                    job.n * (size_t)tvi_parallel_workers(ctx) * sizeof(float));
    }
  }
  tvi_for_bands(ctx, dst->height, 0, tvi_row_bytes(src) * (size_t)fy, tvi_area_band, &job);
done:
  tvi_aligned_free(job.colsum);
  tvi_aligned_free(job.frow);
  free(job.offs);
  return st;
}

tv_status tv_resize_area(tv_ctx *ctx, const tv_image *src, tv_image *dst, int32_t fx, int32_t fy) {
  if (!ctx) return TV_ERR_NULL;
  tv_status st = tvi_check_image(ctx, __func__, "src", src);
  if (st == TV_OK) st = tvi_check_image(ctx, __func__, "dst", dst);
  if (st != TV_OK) return st;
  if (fx < 1 || fy < 1 || fx > src->width || fy > src->height)
    return TVI_ERR(ctx, TV_ERR_ARG, "factors %d x %d must be in 1..%d x 1..%d", fx, fy, src->width,
                   src->height);
  if (dst->width != src->width / fx || dst->height != src->height / fy ||
      dst->channels != src->channels)
    return TVI_ERR(ctx, TV_ERR_SIZE, "dst is %dx%dx%d but src %dx%dx%d / (%d, %d) needs %dx%dx%d",
                   dst->width, dst->height, dst->channels, src->width, src->height, src->channels,
                   fx, fy, src->width / fx, src->height / fy, src->channels);
  if (src->type != dst->type)
    return TVI_ERR(ctx, TV_ERR_TYPE, "src and dst must have one pixel type (%d, %d)", src->type,
                   dst->type);
  st = tvi_check_type(ctx, __func__, "src", src, TVI_RESIZE_TYPES);
  if (st != TV_OK) return st;
  if (tvi_bad_overlap(src, dst))
    return TVI_ERR(ctx, TV_ERR_ARG, "dst overlaps src without being the same image");
  if (tvi_same_image(src, dst)) return TV_OK; /* factors 1 x 1 in place */
  return tvi_area_run(ctx, __func__, src, dst, fx, fy);
}

/* ---- bilinear -------------------------------------------------------------------------------- */

typedef struct tvi_lin_job {
  const tvi_resize_kernels *k;
  const tv_image *src;
  tv_image *dst;
  int32_t cn, xmax; /* xmax in destination samples: from there on, the last source pixel */
  size_t n;         /* destination samples per row */
  double scale_y;
  const int32_t *xofs; /* per destination sample: source sample index */
  const int16_t *ia;   /* u8: per destination sample, two 11-bit weights */
  const float *fa;     /* u16/f32: per destination sample, two weights */
  uint8_t *scratch;    /* per worker: two horizontal rows */
  size_t row_bytes;    /* bytes of one horizontal row in scratch */
  int32_t *cached;     /* per worker: the source rows its two rows hold, and the first's index */
} tvi_lin_job;

/* Horizontal pass of one source row into an int16 (u8: 11-bit weighted sum >> 4) or f32 row. */
static void tvi_hlin_row(const tvi_lin_job *j, int32_t sy, void *out) {
  const void *row = tvi_row(j->src, sy);
  const size_t n = j->n, xmax = (size_t)j->xmax, cn = (size_t)j->cn;
  const size_t lim = (size_t)j->src->width * cn; /* samples in the source row */
  const int32_t *xo = j->xofs;
  switch (j->src->type) {
  case TV_U8: {
    const uint8_t *s = row;
    int16_t *d = out;
    j->k->hlin_u8(s, xo, j->ia, d, xmax, (int)cn, lim);
    for (size_t i = xmax; i < n; i++) d[i] = (int16_t)((s[xo[i]] * 2048) >> 4);
    break;
  }
  case TV_U16: {
    const uint16_t *s = row;
    float *d = out;
    j->k->hlin_u16(s, xo, j->fa, d, xmax, (int)cn, lim);
    for (size_t i = xmax; i < n; i++) d[i] = (float)s[xo[i]];
    break;
  }
  default: {
    const float *s = row;
    float *d = out;
    j->k->hlin_f32(s, xo, j->fa, d, xmax, (int)cn, lim);
    for (size_t i = xmax; i < n; i++) d[i] = s[xo[i]];
    break;
  }
  }
}

static int32_t tvi_clip_row(int32_t y, int32_t h) { return y < 0 ? 0 : y >= h ? h - 1 : y; }

static void tvi_lin_band(void *arg, int32_t y0, int32_t y1, int worker) {
  const tvi_lin_job *j = arg;
  /* Per worker: two horizontal rows, the source row each holds, and which one comes first. */
  int32_t *st = j->cached + 3 * worker;
  uint8_t *bufs[2] = {j->scratch + (size_t)worker * 2 * j->row_bytes,
                      j->scratch + ((size_t)worker * 2 + 1) * j->row_bytes};
  const int32_t h = j->src->height;
  for (int32_t dy = y0; dy < y1; dy++) {
    float fy = (float)((dy + 0.5) * j->scale_y - 0.5);
    const int32_t sy = (int32_t)floorf(fy);
    fy -= (float)sy;
    const int32_t r0 = tvi_clip_row(sy, h), r1 = tvi_clip_row(sy + 1, h);
    int first = st[2];
    if (st[first] != r0) {
      if (st[1 - first] == r0) {
        first = 1 - first; /* slide down: the second row becomes the first */
      } else {
        tvi_hlin_row(j, r0, bufs[first]);
        st[first] = r0;
      }
    }
    const int second = 1 - first;
    if (r1 != r0 && st[second] != r1) {
      tvi_hlin_row(j, r1, bufs[second]);
      st[second] = r1;
    }
    st[2] = first;
    const void *h0 = bufs[first], *h1 = r1 != r0 ? bufs[second] : bufs[first];
    void *d = tvi_row(j->dst, dy);
    const float b0 = 1.0f - fy, b1 = fy;
    switch (j->src->type) {
    case TV_U8:
      j->k->vlin_u8(h0, h1, (int16_t)lrintf(b0 * 2048.0f), (int16_t)lrintf(b1 * 2048.0f), d, j->n);
      break;
    case TV_U16: j->k->vlin_u16(h0, h1, b0, b1, d, j->n); break;
    default: j->k->vlin_f32(h0, h1, b0, b1, d, j->n); break;
    }
  }
}

tv_status tv_resize_bilinear(tv_ctx *ctx, const tv_image *src, tv_image *dst) {
  if (!ctx) return TV_ERR_NULL;
  tv_status st = tvi_check_image(ctx, __func__, "src", src);
  if (st == TV_OK) st = tvi_check_image(ctx, __func__, "dst", dst);
  if (st != TV_OK) return st;
  if (src->channels != dst->channels)
    return TVI_ERR(ctx, TV_ERR_SIZE, "src has %d channels but dst %d", src->channels,
                   dst->channels);
  if (src->type != dst->type)
    return TVI_ERR(ctx, TV_ERR_TYPE, "src and dst must have one pixel type (%d, %d)", src->type,
                   dst->type);
  st = tvi_check_type(ctx, __func__, "src", src, TVI_RESIZE_TYPES);
  if (st != TV_OK) return st;
  if (tvi_bad_overlap(src, dst))
    return TVI_ERR(ctx, TV_ERR_ARG, "dst overlaps src without being the same image");
  if (tvi_same_image(src, dst)) return TV_OK;
  const int32_t sw = src->width, sh = src->height, dw = dst->width, dh = dst->height;
  const int32_t cn = src->channels;
  if (sw == dw && sh == dh) return tvi_area_run(ctx, __func__, src, dst, 1, 1);
  /* As OpenCV: scale = 1 / (dst / src), and an exact 2x2 reduction is the area average. */
  const double scale_x = 1.0 / ((double)dw / sw), scale_y = 1.0 / ((double)dh / sh);
  if (fabs(scale_x - 2.0) < 2.220446049250313e-16 && fabs(scale_y - 2.0) < 2.220446049250313e-16)
    return tvi_area_run(ctx, __func__, src, dst, 2, 2);

  const size_t n = (size_t)dw * (size_t)cn;
  const int is8 = src->type == TV_U8;
  const size_t es = is8 ? sizeof(int16_t) : sizeof(float);
  const int workers = tvi_parallel_workers(ctx);
  tvi_lin_job job = {tvi_resize_table[TVI_SELECT(ctx, tvi_resize_table)].k,
                     src,
                     dst,
                     cn,
                     (int32_t)n,
                     n,
                     scale_y,
                     NULL,
                     NULL,
                     NULL,
                     NULL,
                     (n * es + 63) / 64 * 64,
                     NULL};
  int32_t *xofs = malloc(n * sizeof *xofs);
  void *alpha = malloc(n * 2 * (is8 ? sizeof(int16_t) : sizeof(float)));
  job.scratch = tvi_aligned_alloc(job.row_bytes * 2 * (size_t)workers);
  job.cached = malloc((size_t)workers * 3 * sizeof *job.cached);
  if (!xofs || !alpha || !job.scratch || !job.cached)
    TVI_FAIL(ctx, TV_ERR_NOMEM, "cannot allocate tables for a %d-sample row", (int)n);
  for (int i = 0; i < workers; i++) {
    job.cached[3 * i] = job.cached[3 * i + 1] = -1;
    job.cached[3 * i + 2] = 0;
  }
  int32_t xmax = dw;
  for (int32_t dx = 0; dx < dw; dx++) {
    float fx = (float)((dx + 0.5) * scale_x - 0.5);
    int32_t sx = (int32_t)floorf(fx);
    fx -= (float)sx;
    if (sx < 0) fx = 0.0f, sx = 0;
    if (sx + 1 >= sw) {
      if (dx < xmax) xmax = dx;
      if (sx >= sw - 1) fx = 0.0f, sx = sw - 1;
    }
    for (int32_t c = 0; c < cn; c++) {
      const size_t i = (size_t)dx * (size_t)cn + (size_t)c;
      xofs[i] = sx * cn + c;
      if (is8) {
        ((int16_t *)alpha)[2 * i] = (int16_t)lrintf((1.0f - fx) * 2048.0f);
        ((int16_t *)alpha)[2 * i + 1] = (int16_t)lrintf(fx * 2048.0f);
      } else {
        ((float *)alpha)[2 * i] = 1.0f - fx;
        ((float *)alpha)[2 * i + 1] = fx;
      }
    }
  }
  job.xmax = xmax * cn;
  job.xofs = xofs;
  if (is8)
    job.ia = alpha;
  else
    job.fa = alpha;
  /* Bands of many rows: a worker reuses its horizontal rows only within the rows it runs in
   * sequence, so one-row bands (which the 64 KiB rule gives wide rows) spread over two threads
   * would recompute nearly every horizontal row twice. Eight bands per worker balance the load. */
  int32_t band = (int32_t)((dh + 8 * (int64_t)workers - 1) / (8 * (int64_t)workers));
  band = band < 8 ? 8 : band > 64 ? 64 : band;
  tvi_for_bands(ctx, dh, band, 0, tvi_lin_band, &job);
done:
  free(xofs);
  free(alpha);
  tvi_aligned_free(job.scratch);
  free(job.cached);
  return st;
}
