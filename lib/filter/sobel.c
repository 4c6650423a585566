/* Derivatives: tv_sobel, tv_scharr, tv_laplacian and tv_gradient_magnitude, as OpenCV's.
 * SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <string.h>

#include "filter_internal.h"
#include "kernels/deriv/deriv.h"

/* Semantics, with D the exact derivative (integer sources: exact integers; f32 sources:
 * summed in f64): s16 dst = saturate(round_half_even(D * scale + delta)), f32 dst = (float)(D *
 * scale + delta); the CONSTANT border value is first saturated and rounded to the source type, as
 * OpenCV. Agreement with OpenCV 4.6 (bench_deriv): u8 sources bit-exact for every ksize, order,
 * border, scale and delta tried; u16 sources bit-exact except Sobel ksize 7, where OpenCV's own f32
 * sums pass 2^24 (s16 off by 1, f32 by about 2^-22 of the largest |output|); f32 sources within 1
 * (s16, rounding boundary) or, for f32, 2^-20 of |scale| * sum |kernel| * max |src| (the largest
 * partial sum; measured: up to 8.1e-7 of the largest |output|), since OpenCV sums in f32 in its own
 * order. Paths: 3x3 (and ksize 1) operators on u8/u16 sources run fused in one pass; everything
 * else runs separable, per output row a column pass then a row pass per term (exact int32 for
 * u8/u16 sources, f64 for f32 ones), both vectorised (kernels/deriv, dcol_* / drow_*). Magnitudes
 * are sqrt(fma(gx, gx, gy * gy)) in f32, which equals cv::magnitude (FMA build) of the f32 Sobel /
 * Scharr results for u8 and u16 sources. */

static const struct {
  tv_isa isa;
  const tvi_deriv_kernels *k;
  const char *name;
} tvi_deriv_table[] = {
#define TV_KERNEL(isa, kernels) {isa, &kernels, #kernels},
#include "kernels/deriv/deriv.inc"
#undef TV_KERNEL
};

#define TVI_DMAX 7 /* widest kernel (Sobel ksize 7) */

/* A derivative as a sum of nterms separable integer kernels outer(ky[t], kx[t]), each 2r+1 taps
 * centred on the output pixel; `kind` names the same operator as a fused 3x3 kernel (-1: none). */
typedef struct tvi_dspec {
  int kind, nterms, r;
  int32_t kx[2][TVI_DMAX], ky[2][TVI_DMAX];
} tvi_dspec;

/* Sobel taps of `order` over `size` (odd), as cv::getSobelKernels: (size - order - 1) binomial
 * smoothings [1 1] convolved with `order` differences [-1 1], centred in a 2r+1 array. */
static void tvi_sobel_taps(int order, int size, int r, int32_t *k) {
  int32_t t[TVI_DMAX + 1] = {1};
  for (int i = 0, len = 1; i < size - 1; i++, len++) { /* t <- t * [b0 1] */
    const int32_t b0 = i < size - order - 1 ? 1 : -1;
    t[len] = 0;
    for (int x = len; x >= 1; x--) t[x] = b0 * t[x] + t[x - 1];
    t[0] *= b0;
  }
  memset(k, 0, sizeof(int32_t) * (size_t)(2 * r + 1));
  for (int x = 0; x < size; x++) k[r - size / 2 + x] = t[x];
}

/* One separable term of a spec, its zero taps dropped: the column pass takes source rows y + dy[i]
 * with weights ky[i], the row pass padded columns x + ox[i] with weights kx[i]. */
typedef struct tvi_dterm {
  int ny, nx;
  int32_t dy[TVI_DMAX], ky[TVI_DMAX], ox[TVI_DMAX], kx[TVI_DMAX];
} tvi_dterm;

typedef struct tvi_djob {
  const tvi_deriv_kernels *k;
  const tv_image *src;
  tv_image *dst;
  const tvi_dspec *spec; /* nspec specs: 1, or 2 (gx, gy) for the magnitude */
  int nspec;
  int out;    /* TVI_DOUT_* of dst */
  int mag;    /* gradient magnitude of spec[0], spec[1] */
  int scharr; /* for the fused magnitude */
  double scale, delta;
  tv_border border;
  double cval;           /* the CONSTANT border value in the source type */
  const void *crow;      /* CONSTANT border: a source row of cval, else NULL */
  const int32_t *cols;   /* separable path: source column of padded position i in [0, w + 2r) */
  tvi_dterm term[2][2];  /* separable path: [spec][term] */
  double *scratch;       /* separable path: per_worker 8-byte elements per worker: the padded */
  size_t per_worker;     /* column pass, then 2 accumulator rows (2 terms), 2 magnitude operands */
  size_t acc_at, res_at; /* offsets of the accumulator rows and the magnitude operands */
} tvi_djob;

/* Source row for row y (outside the image: by the border mode; NULL for a CONSTANT row). */
static const void *tvi_deriv_row(const tvi_djob *j, int64_t y) {
  const int64_t sy = tvi_border_index(y, j->src->height, j->border);
  return sy < 0 ? NULL : tvi_row(j->src, sy);
}

static int32_t tvi_int_sample(const tvi_djob *j, const void *row, int64_t x) {
  const int64_t sx = tvi_border_index(x, j->src->width, j->border);
  if (!row || sx < 0) return (int32_t)j->cval;
  return j->src->type == TV_U8 ? ((const uint8_t *)row)[sx] : ((const uint16_t *)row)[sx];
}

static void tvi_store(const tvi_djob *j, void *d, int64_t x, int32_t v) {
  if (j->scale != 1.0 || j->delta != 0.0)
    tvi_affine_store(d, j->out, (size_t)x, v, j->scale, j->delta);
  else if (j->out == TVI_DOUT_F32)
    ((float *)d)[x] = (float)v;
  else
    ((int16_t *)d)[x] = tvi_sat_s16(v);
}

static void tvi_store_mag(const tvi_djob *j, void *d, int64_t x, float m) {
  switch (j->out) {
  case TVI_DOUT_F32: ((float *)d)[x] = m; break;
  case TVI_DOUT_U8: ((uint8_t *)d)[x] = tvi_mag_u8(m); break;
  default: ((uint16_t *)d)[x] = tvi_mag_u16(m); break;
  }
}

/* One border column of the fused path, with the border rules for each sample. */
static void tvi_fused_edge(const tvi_djob *j, const void *const rows[3], void *d, int64_t x) {
  int32_t v[9];
  for (int r = 0; r < 3; r++)
    for (int c = 0; c < 3; c++) v[r * 3 + c] = tvi_int_sample(j, rows[r], x + c - 1);
#define TVI_V9 v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]
  if (j->mag) {
    const int32_t gx = tvi_d3_eval(j->scharr ? TVI_D3_SCHARR_DX : TVI_D3_SOBEL_DX, TVI_V9);
    const int32_t gy = tvi_d3_eval(j->scharr ? TVI_D3_SCHARR_DY : TVI_D3_SOBEL_DY, TVI_V9);
    tvi_store_mag(j, d, x, tvi_mag_f32((float)gx, (float)gy));
  } else {
    tvi_store(j, d, x, tvi_d3_eval(j->spec->kind, TVI_V9));
  }
#undef TVI_V9
}

/* Fused 3x3 path (u8/u16 source): one pass over each row, no scratch. */
static void tvi_fused_band(void *arg, int32_t y0, int32_t y1, int worker) {
  (void)worker;
  const tvi_djob *j = arg;
  const int64_t w = j->src->width;
  const size_t es = j->src->type == TV_U8 ? 1 : 2;
  const size_t ds = j->out == TVI_DOUT_F32 ? 4 : j->out == TVI_DOUT_U8 ? 1 : 2;
  for (int32_t y = y0; y < y1; y++) {
    const void *rows[3];
    for (int r = 0; r < 3; r++) rows[r] = tvi_deriv_row(j, (int64_t)y + r - 1);
    uint8_t *d = tvi_row(j->dst, y);
    if (w >= 3) {
      const uint8_t *p[3];
      for (int r = 0; r < 3; r++) p[r] = (const uint8_t *)(rows[r] ? rows[r] : j->crow) + es;
      const size_t n = (size_t)w - 2;
      if (j->src->type == TV_U8) {
        if (j->mag)
          j->k->mag3_u8(p[0], p[1], p[2], d + ds, j->out, n, j->scharr);
        else
          j->k->d3_u8(p[0], p[1], p[2], d + ds, j->out, n, j->spec->kind, j->scale, j->delta);
      } else {
        const uint16_t *q0 = (const void *)p[0], *q1 = (const void *)p[1], *q2 = (const void *)p[2];
        if (j->mag)
          j->k->mag3_u16(q0, q1, q2, d + ds, j->out, n, j->scharr);
        else
          j->k->d3_u16(q0, q1, q2, d + ds, j->out, n, j->spec->kind, j->scale, j->delta);
      }
    }
    tvi_fused_edge(j, rows, d, 0);
    if (w > 1) tvi_fused_edge(j, rows, d, w - 1);
  }
}

/* The column pass of term t for output row y into v[r, r + w), then the padded columns: v[i] for
 * i < r and i >= r + w is the pass at source column cols[i] (the pass commutes with the column
 * border), or the pass over the constant (CONSTANT border), in the kernels' order of operations. */
static void tvi_sep_col(const tvi_djob *j, const tvi_dterm *t, int64_t r, int64_t y, void *v) {
  const int64_t w = j->src->width;
  const uint8_t *rows[TVI_DMAX];
  for (int i = 0; i < t->ny; i++) {
    rows[i] = tvi_deriv_row(j, y + t->dy[i]);
    if (!rows[i]) rows[i] = j->crow;
  }
  const int32_t *cols = j->cols;
  if (j->src->type == TV_F32) {
    const float *rf[TVI_DMAX];
    double *vd = v, c = 0;
    for (int i = 0; i < t->ny; i++) {
      const double p = (double)t->ky[i] * j->cval;
      c += p;
      rf[i] = (const float *)(const void *)rows[i];
    }
    j->k->dcol_f32(rf, t->ky, t->ny, vd + r, (size_t)w);
    for (int64_t i = 0; i < r; i++) vd[i] = cols[i] < 0 ? c : vd[r + cols[i]];
    for (int64_t i = r + w; i < w + 2 * r; i++) vd[i] = cols[i] < 0 ? c : vd[r + cols[i]];
    return;
  }
  int32_t *vi = v, c = 0;
  for (int i = 0; i < t->ny; i++) c += t->ky[i] * (int32_t)j->cval;
  if (j->src->type == TV_U8) {
    j->k->dcol_u8(rows, t->ky, t->ny, vi + r, (size_t)w);
  } else {
    const uint16_t *r16[TVI_DMAX];
    for (int i = 0; i < t->ny; i++) r16[i] = (const uint16_t *)(const void *)rows[i];
    j->k->dcol_u16(r16, t->ky, t->ny, vi + r, (size_t)w);
  }
  for (int64_t i = 0; i < r; i++) vi[i] = cols[i] < 0 ? c : vi[r + cols[i]];
  for (int64_t i = r + w; i < w + 2 * r; i++) vi[i] = cols[i] < 0 ? c : vi[r + cols[i]];
}

/* Separable path: any kernel, any source type, any scale and delta. Per output row and term, a
 * column pass over the source rows, then a row pass that adds the term to the previous ones (int32
 * for integer sources, exact; f64 for f32 ones) and, for the last term, stores dst. */
static void tvi_sep_band(void *arg, int32_t y0, int32_t y1, int worker) {
  const tvi_djob *j = arg;
  const int64_t w = j->src->width, r = j->spec[0].r;
  const int fl = j->src->type == TV_F32;
  double *v = j->scratch + (size_t)worker * j->per_worker;
  double *acc[2] = {NULL, NULL}, *res[2] = {NULL, NULL};
  if (j->res_at > j->acc_at) acc[0] = v + j->acc_at, acc[1] = acc[0] + w;
  if (j->per_worker > j->res_at) res[0] = v + j->res_at, res[1] = res[0] + w;
  for (int32_t y = y0; y < y1; y++) {
    void *d = tvi_row(j->dst, y);
    for (int s = 0; s < j->nspec; s++) {
      const int nt = j->spec[s].nterms;
      for (int t = 0; t < nt; t++) {
        const tvi_dterm *tm = &j->term[s][t];
        const void *in = t ? acc[(t - 1) & 1] : NULL;
        void *o = t + 1 < nt ? acc[t & 1] : j->mag ? res[s] : d;
        const int out = t + 1 < nt || j->mag ? TVI_DOUT_ACC : j->out;
        tvi_sep_col(j, tm, r, y, v);
        if (fl)
          j->k->drow_f64(v, tm->ox, tm->kx, tm->nx, in, o, out, (size_t)w, j->scale, j->delta);
        else
          j->k->drow_s32((const int32_t *)(const void *)v, tm->ox, tm->kx, tm->nx, in, o, out,
                         (size_t)w, j->scale, j->delta);
      }
    }
    if (j->mag) /* f32 sources only (integer ones take the fused path) */
      for (int64_t x = 0; x < w; x++)
        tvi_store_mag(j, d, x, tvi_mag_f32((float)res[0][x], (float)res[1][x]));
  }
}

/* Checks the arguments every derivative takes. */
static tv_status tvi_deriv_check(tv_ctx *ctx, const char *func, const tv_image *src,
                                 const tv_image *dst, unsigned dst_types, double scale,
                                 double delta, tv_border border, double border_value) {
  tv_status st = tvi_check_pair(ctx, func, src, dst, 0, 1);
  if (st != TV_OK) return st;
  if (src->channels != 1)
    return tvi_fail(ctx, TV_ERR_TYPE, func, "src has %d channels; derivatives take 1",
                    src->channels);
  st = tvi_check_type(ctx, func, "src", src, TVI_T(TV_U8) | TVI_T(TV_U16) | TVI_T(TV_F32));
  if (st == TV_OK) st = tvi_check_type(ctx, func, "dst", dst, dst_types);
  if (st != TV_OK) return st;
  if (!isfinite(scale) || !isfinite(delta))
    return tvi_fail(ctx, TV_ERR_ARG, func, "scale %g and delta %g must be finite", scale, delta);
  st = tvi_check_border(ctx, func, border, border_value, 0);
  if (st != TV_OK) return st;
  if (tvi_images_overlap(src, dst)) return tvi_fail(ctx, TV_ERR_ARG, func, "dst overlaps src");
  return TV_OK;
}

static int tvi_dout(int type) {
  switch (type) {
  case TV_S16: return TVI_DOUT_S16;
  case TV_U8: return TVI_DOUT_U8;
  case TV_U16: return TVI_DOUT_U16;
  default: return TVI_DOUT_F32;
  }
}

/* Runs a checked derivative: the fused path when it applies, else the generic one. */
static tv_status tvi_deriv_run(tv_ctx *ctx, const char *func, const tv_image *src, tv_image *dst,
                               const tvi_dspec *spec, int nspec, int mag, int scharr, double scale,
                               double delta, tv_border border, double border_value) {
  tv_status st = TV_OK;
  void *crow = NULL;
  int32_t *cols = NULL;
  double *scratch = NULL;
  tvi_djob j = {tvi_deriv_table[TVI_SELECT(ctx, tvi_deriv_table)].k,
                src,
                dst,
                spec,
                nspec,
                tvi_dout(dst->type),
                mag,
                scharr,
                scale,
                delta,
                border,
                0,
                NULL,
                NULL,
                {{{0}}},
                NULL,
                0,
                0,
                0};
  const int64_t w = src->width;
  if (border == TV_BORDER_CONSTANT) {
    if (src->type == TV_F32)
      j.cval = (float)border_value;
    else {
      const double hi = src->type == TV_U8 ? 255.0 : 65535.0, v = rint(border_value);
      j.cval = v < 0 ? 0 : v > hi ? hi : v; /* saturated to the source type, as OpenCV */
    }
  }
  const int fused = src->type != TV_F32 && (mag || (spec->kind >= 0 && spec->kind < TVI_D3_KINDS));
  if (border == TV_BORDER_CONSTANT) {
    const size_t es = (size_t)tv_pixel_size((tv_pixel_type)src->type);
    crow = tvi_aligned_alloc((size_t)w * es);
    if (!crow) TVI_FAIL_AS(ctx, TV_ERR_NOMEM, func, "cannot allocate a border row");
    for (int64_t x = 0; x < w; x++) {
      if (es == 1)
        ((uint8_t *)crow)[x] = (uint8_t)j.cval;
      else if (es == 2)
        ((uint16_t *)crow)[x] = (uint16_t)j.cval;
      else
        ((float *)crow)[x] = (float)j.cval;
    }
    j.crow = crow;
  }
  if (fused) {
    tvi_for_bands(ctx, src->height, 0, tvi_row_bytes(src) + tvi_row_bytes(dst), tvi_fused_band, &j);
    goto done;
  }
  /* Every spec here has the same radius r (the first's); padded column i stands for x = i - r. The
   * kernels' ranges hold: sum |ky| <= 64 (u8 column pass in int16), |sums| <= 1280 * 65535. */
  const int64_t r = spec->r, np = w + 2 * r;
  for (int s = 0; s < nspec; s++)
    for (int t = 0; t < spec[s].nterms; t++) {
      tvi_dterm *tm = &j.term[s][t];
      tm->ny = tm->nx = 0;
      for (int i = 0; i <= 2 * r; i++) {
        if (spec[s].ky[t][i]) {
          tm->dy[tm->ny] = i - (int32_t)r;
          tm->ky[tm->ny++] = spec[s].ky[t][i];
        }
        if (spec[s].kx[t][i]) {
          tm->ox[tm->nx] = i;
          tm->kx[tm->nx++] = spec[s].kx[t][i];
        }
      }
    }
  const int workers = tvi_parallel_workers(ctx);
  int multi = 0;
  for (int s = 0; s < nspec; s++) multi |= spec[s].nterms > 1;
  j.acc_at = (size_t)np;
  j.res_at = j.acc_at + (multi ? 2 * (size_t)w : 0);
  j.per_worker = j.res_at + (mag ? 2 * (size_t)w : 0);
  cols = tvi_aligned_alloc(sizeof(int32_t) * (size_t)np);
  scratch = tvi_aligned_alloc(sizeof(double) * j.per_worker * (size_t)(workers > 0 ? workers : 1));
  if (!cols || !scratch)
    TVI_FAIL_AS(ctx, TV_ERR_NOMEM, func, "cannot allocate scratch rows for width %lld",
                (long long)w);
  for (int64_t i = 0; i < np; i++) cols[i] = (int32_t)tvi_border_index(i - r, w, border);
  j.cols = cols;
  j.scratch = scratch;
  tvi_for_bands(ctx, src->height, 0, tvi_row_bytes(src) + tvi_row_bytes(dst), tvi_sep_band, &j);
done:
  tvi_aligned_free(crow);
  tvi_aligned_free(cols);
  tvi_aligned_free(scratch);
  return st;
}

#define TVI_DERIV_DST (TVI_T(TV_S16) | TVI_T(TV_F32))

tv_status tv_sobel(tv_ctx *ctx, const tv_image *src, tv_image *dst, int32_t dx, int32_t dy,
                   int32_t ksize, double scale, double delta, tv_border border,
                   double border_value) {
  if (!ctx) return TV_ERR_NULL;
  tv_status st =
      tvi_deriv_check(ctx, __func__, src, dst, TVI_DERIV_DST, scale, delta, border, border_value);
  if (st != TV_OK) return st;
  if (dx < 0 || dx > 2 || dy < 0 || dy > 2 || dx + dy < 1)
    return TVI_ERR(ctx, TV_ERR_ARG, "derivative order (%d, %d) must be 0..2 each with a sum >= 1",
                   (int)dx, (int)dy);
  if (ksize != 1 && ksize != 3 && ksize != 5 && ksize != 7)
    return TVI_ERR(ctx, TV_ERR_ARG, "ksize %d is not 1, 3, 5 or 7", (int)ksize);
  /* ksize 1 means 3 taps along a differentiated axis and 1 along the other (as OpenCV). */
  const int sx = ksize == 1 && dx > 0 ? 3 : ksize, sy = ksize == 1 && dy > 0 ? 3 : ksize;
  tvi_dspec s = {-1, 1, (sx > sy ? sx : sy) / 2, {{0}}, {{0}}};
  tvi_sobel_taps(dx, sx, s.r, s.kx[0]);
  tvi_sobel_taps(dy, sy, s.r, s.ky[0]);
  if (ksize == 3 && dx + dy == 1) s.kind = dx ? TVI_D3_SOBEL_DX : TVI_D3_SOBEL_DY;
  if (ksize == 1 && dx + dy == 1) s.kind = dx ? TVI_D3_DX1 : TVI_D3_DY1;
  if (ksize == 3 && dx + dy == 2 && dx != 1) s.kind = dx ? TVI_D3_DXX : TVI_D3_DYY;
  if (ksize <= 3 && dx == 1 && dy == 1) s.kind = TVI_D3_DXY;
  if (ksize == 1 && dx + dy == 2 && dx != 1) s.kind = dx ? TVI_D3_DXX1 : TVI_D3_DYY1;
  return tvi_deriv_run(ctx, __func__, src, dst, &s, 1, 0, 0, scale, delta, border, border_value);
}

static void tvi_scharr_spec(int dx, tvi_dspec *s) {
  static const int32_t d[3] = {-1, 0, 1}, m[3] = {3, 10, 3};
  *s = (tvi_dspec){dx ? TVI_D3_SCHARR_DX : TVI_D3_SCHARR_DY, 1, 1, {{0}}, {{0}}};
  memcpy(s->kx[0], dx ? d : m, sizeof d);
  memcpy(s->ky[0], dx ? m : d, sizeof d);
}

tv_status tv_scharr(tv_ctx *ctx, const tv_image *src, tv_image *dst, int32_t dx, int32_t dy,
                    double scale, double delta, tv_border border, double border_value) {
  if (!ctx) return TV_ERR_NULL;
  tv_status st =
      tvi_deriv_check(ctx, __func__, src, dst, TVI_DERIV_DST, scale, delta, border, border_value);
  if (st != TV_OK) return st;
  if (!((dx == 1 && dy == 0) || (dx == 0 && dy == 1)))
    return TVI_ERR(ctx, TV_ERR_ARG, "derivative order (%d, %d) must be (1, 0) or (0, 1)", (int)dx,
                   (int)dy);
  tvi_dspec s;
  tvi_scharr_spec(dx, &s);
  return tvi_deriv_run(ctx, __func__, src, dst, &s, 1, 0, 0, scale, delta, border, border_value);
}

tv_status tv_laplacian(tv_ctx *ctx, const tv_image *src, tv_image *dst, int32_t ksize, double scale,
                       double delta, tv_border border, double border_value) {
  if (!ctx) return TV_ERR_NULL;
  tv_status st =
      tvi_deriv_check(ctx, __func__, src, dst, TVI_DERIV_DST, scale, delta, border, border_value);
  if (st != TV_OK) return st;
  if (ksize != 1 && ksize != 3)
    return TVI_ERR(ctx, TV_ERR_ARG, "ksize %d is not 1 or 3", (int)ksize);
  /* ksize 1: [0 1 0; 1 -4 1; 0 1 0] = [1 -2 1] x [1] + [1] x [1 -2 1];
   * ksize 3: [2 0 2; 0 -8 0; 2 0 2] = 2 [1 0 1] x [1 0 1] - 8 [0 1 0] x [0 1 0]. */
  tvi_dspec s = {ksize == 1 ? TVI_D3_LAP1 : TVI_D3_LAP3, 2, 1, {{0}}, {{0}}};
  if (ksize == 1) {
    const int32_t kx0[3] = {1, -2, 1}, ky0[3] = {0, 1, 0}, kx1[3] = {0, 1, 0}, ky1[3] = {1, -2, 1};
    memcpy(s.kx[0], kx0, sizeof kx0);
    memcpy(s.ky[0], ky0, sizeof ky0);
    memcpy(s.kx[1], kx1, sizeof kx1);
    memcpy(s.ky[1], ky1, sizeof ky1);
  } else {
    const int32_t kx0[3] = {2, 0, 2}, ky0[3] = {1, 0, 1}, kx1[3] = {0, -8, 0}, ky1[3] = {0, 1, 0};
    memcpy(s.kx[0], kx0, sizeof kx0);
    memcpy(s.ky[0], ky0, sizeof ky0);
    memcpy(s.kx[1], kx1, sizeof kx1);
    memcpy(s.ky[1], ky1, sizeof ky1);
  }
  return tvi_deriv_run(ctx, __func__, src, dst, &s, 1, 0, 0, scale, delta, border, border_value);
}

tv_status tv_gradient_magnitude(tv_ctx *ctx, const tv_image *src, tv_image *dst, int32_t scharr,
                                tv_border border, double border_value) {
  if (!ctx) return TV_ERR_NULL;
  tv_status st =
      tvi_deriv_check(ctx, __func__, src, dst, TVI_T(TV_F32) | TVI_T(TV_U8) | TVI_T(TV_U16), 1.0,
                      0.0, border, border_value);
  if (st != TV_OK) return st;
  tvi_dspec s[2];
  if (scharr) {
    tvi_scharr_spec(1, &s[0]);
    tvi_scharr_spec(0, &s[1]);
  } else {
    for (int i = 0; i < 2; i++) {
      s[i] = (tvi_dspec){i ? TVI_D3_SOBEL_DY : TVI_D3_SOBEL_DX, 1, 1, {{0}}, {{0}}};
      tvi_sobel_taps(i ? 0 : 1, 3, 1, s[i].kx[0]);
      tvi_sobel_taps(i ? 1 : 0, 3, 1, s[i].ky[0]);
    }
  }
  return tvi_deriv_run(ctx, __func__, src, dst, s, 2, 1, scharr != 0, 1.0, 0.0, border,
                       border_value);
}
