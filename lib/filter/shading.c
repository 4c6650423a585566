/* Self-calibrating shading correction: column or row profiles, or a large Gaussian background
 * (area downscale -> small blur -> bilinear upscale), divided out of the image.
 * SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "filter_internal.h"

#define TVI_SH_TYPES (TVI_T(TV_U8) | TVI_T(TV_U16) | TVI_T(TV_F32))
enum { TVI_SH_STRIP = 256 }; /* columns per task of the column sums */

static inline float tvi_sh_load(const void *row, int32_t type, int32_t x) {
  switch (type) {
  case TV_U8: return ((const uint8_t *)row)[x];
  case TV_U16: return ((const uint16_t *)row)[x];
  default: return ((const float *)row)[x];
  }
}

/* dst = saturate(round(v)) with NaN -> 0 for integer types. */
static inline void tvi_sh_store(void *row, int32_t type, int32_t x, float v) {
  if (type == TV_F32) {
    ((float *)row)[x] = v;
    return;
  }
  const float hi = type == TV_U8 ? 255.0f : 65535.0f;
  v = v > 0.0f ? v : 0.0f;
  v = nearbyintf(v < hi ? v : hi);
  if (type == TV_U8)
    ((uint8_t *)row)[x] = (uint8_t)v;
  else
    ((uint16_t *)row)[x] = (uint16_t)v;
}

typedef struct tvi_sh_job {
  const tv_image *src;
  tv_image *dst;
  double *sums;  /* column sums (COLUMN) or row sums (ROW, GAUSSIAN) */
  float *factor; /* per column or per row: target / background */
  int by_column; /* factor indexed by column (else by row) */
  /* GAUSSIAN: the blurred small background and the upscale tables */
  const float *small;
  int32_t sw, sh, d;
  const int32_t *x0;
  const float *xw;
  float *rowbuf; /* per worker: small row + full row */
  float target;
} tvi_sh_job;

static void tvi_sh_colsum_task(void *arg, int64_t task, int worker) {
  (void)worker;
  const tvi_sh_job *j = arg;
  const int32_t x0 = (int32_t)task * TVI_SH_STRIP;
  const int32_t x1 = x0 + TVI_SH_STRIP < j->src->width ? x0 + TVI_SH_STRIP : j->src->width;
  double *s = j->sums;
  for (int32_t x = x0; x < x1; x++) s[x] = 0.0;
  for (int32_t y = 0; y < j->src->height; y++) {
    const void *row = tvi_row(j->src, y);
    for (int32_t x = x0; x < x1; x++) s[x] += tvi_sh_load(row, j->src->type, x);
  }
}

static void tvi_sh_rowsum_band(void *arg, int32_t y0, int32_t y1, int worker) {
  (void)worker;
  const tvi_sh_job *j = arg;
  for (int32_t y = y0; y < y1; y++) {
    const void *row = tvi_row(j->src, y);
    double s = 0.0;
    for (int32_t x = 0; x < j->src->width; x++) s += tvi_sh_load(row, j->src->type, x);
    j->sums[y] = s;
  }
}

static void tvi_sh_apply_band(void *arg, int32_t y0, int32_t y1, int worker) {
  (void)worker;
  const tvi_sh_job *j = arg;
  for (int32_t y = y0; y < y1; y++) {
    const void *s = tvi_row(j->src, y);
    void *d = tvi_row(j->dst, y);
    if (j->by_column) {
      for (int32_t x = 0; x < j->src->width; x++)
        tvi_sh_store(d, j->dst->type, x, tvi_sh_load(s, j->src->type, x) * j->factor[x]);
    } else {
      const float f = j->factor[y];
      for (int32_t x = 0; x < j->src->width; x++)
        tvi_sh_store(d, j->dst->type, x, tvi_sh_load(s, j->src->type, x) * f);
    }
  }
}

/* Background row y of the Gaussian method: bilinear between the small image's pixel centres. */
static void tvi_sh_gauss_band(void *arg, int32_t y0, int32_t y1, int worker) {
  const tvi_sh_job *j = arg;
  float *srow = j->rowbuf + (size_t)worker * ((size_t)j->sw + (size_t)j->src->width);
  float *bg = srow + j->sw;
  for (int32_t y = y0; y < y1; y++) {
    float fy = ((float)y + 0.5f) / (float)j->d - 0.5f;
    if (fy < 0.0f) fy = 0.0f;
    if (fy > (float)(j->sh - 1)) fy = (float)(j->sh - 1);
    int32_t r0 = (int32_t)fy;
    if (r0 > j->sh - 2) r0 = j->sh > 1 ? j->sh - 2 : 0;
    const float wy = j->sh > 1 ? fy - (float)r0 : 0.0f;
    const float *a = j->small + (size_t)r0 * (size_t)j->sw;
    const float *b = j->sh > 1 ? a + j->sw : a;
    for (int32_t x = 0; x < j->sw; x++) srow[x] = a[x] + (b[x] - a[x]) * wy;
    for (int32_t x = 0; x < j->src->width; x++) {
      const int32_t k = j->x0[x];
      const float v = srow[k] + (srow[k + (j->sw > 1)] - srow[k]) * j->xw[x];
      bg[x] = v > 0.0f ? j->target / v : 0.0f; /* a background <= 0 gives 0 */
    }
    const void *s = tvi_row(j->src, y);
    void *d = tvi_row(j->dst, y);
    for (int32_t x = 0; x < j->src->width; x++)
      tvi_sh_store(d, j->dst->type, x, tvi_sh_load(s, j->src->type, x) * bg[x]);
  }
}

/* Box smoothing of a profile over `win` samples centred (even windows anchor at win / 2), using
 * only the samples inside the profile at its ends. */
static void tvi_sh_smooth(const double *in, double *out, int32_t n, int32_t win) {
  const int32_t lo = win / 2, hi = win - 1 - win / 2;
  for (int32_t i = 0; i < n; i++) {
    const int32_t a = i - lo < 0 ? 0 : i - lo, b = i + hi >= n ? n - 1 : i + hi;
    double s = 0.0;
    for (int32_t k = a; k <= b; k++) s += in[k];
    out[i] = s / (double)(b - a + 1);
  }
}

void tvi_shading_profile_factors(double *sums, double *smooth, float *factor, int32_t n, double per,
                                 double npix, double target, double param) {
  double total = 0.0;
  for (int32_t i = 0; i < n; i++) total += sums[i];
  for (int32_t i = 0; i < n; i++) sums[i] /= per;
  const int32_t win = (int32_t)floor(param + 0.5);
  if (win > 1)
    tvi_sh_smooth(sums, smooth, n, win);
  else
    memcpy(smooth, sums, (size_t)n * sizeof *smooth);
  if (!(target > 0.0)) target = total / npix;
  for (int32_t i = 0; i < n; i++) {
    const double f = smooth[i] > 0.0 ? target / smooth[i] : 0.0;
    factor[i] = isfinite(f) && f < 3.0e38 ? (float)f : 0.0f;
  }
}

/* Separable Gaussian blur of a small w x h f32 image in place (REPLICATE border). */
static void tvi_sh_blur(float *img, int32_t w, int32_t h, double sigma, float *tmp) {
  const int32_t r = (int32_t)ceil(3.0 * sigma) < 1 ? 1 : (int32_t)ceil(3.0 * sigma);
  float *k = tmp;
  double ks = 0.0;
  for (int32_t i = -r; i <= r; i++) ks += exp(-0.5 * i * i / (sigma * sigma));
  for (int32_t i = -r; i <= r; i++) k[i + r] = (float)(exp(-0.5 * i * i / (sigma * sigma)) / ks);
  float *line = tmp + 2 * r + 1, *outl = line + (w > h ? w : h);
  for (int32_t y = 0; y < h; y++) {
    float *row = img + (size_t)y * (size_t)w;
    memcpy(line, row, (size_t)w * sizeof *line);
    for (int32_t x = 0; x < w; x++) {
      float s = 0.0f;
      for (int32_t i = -r; i <= r; i++) {
        const int32_t xx = x + i < 0 ? 0 : x + i >= w ? w - 1 : x + i;
        s += k[i + r] * line[xx];
      }
      row[x] = s;
    }
  }
  for (int32_t x = 0; x < w; x++) {
    for (int32_t y = 0; y < h; y++) line[y] = img[(size_t)y * (size_t)w + (size_t)x];
    for (int32_t y = 0; y < h; y++) {
      float s = 0.0f;
      for (int32_t i = -r; i <= r; i++) {
        const int32_t yy = y + i < 0 ? 0 : y + i >= h ? h - 1 : y + i;
        s += k[i + r] * line[yy];
      }
      outl[y] = s;
    }
    for (int32_t y = 0; y < h; y++) img[(size_t)y * (size_t)w + (size_t)x] = outl[y];
  }
}

/* Small image: the mean of each d x d block (partial blocks at the right and bottom). */
static void tvi_sh_down_band(void *arg, int32_t y0, int32_t y1, int worker) {
  (void)worker;
  const tvi_sh_job *j = arg;
  float *small = (float *)(uintptr_t)j->small;
  for (int32_t by = y0; by < y1; by++) {
    const int32_t ya = by * j->d, yb = ya + j->d < j->src->height ? ya + j->d : j->src->height;
    for (int32_t bx = 0; bx < j->sw; bx++) {
      const int32_t xa = bx * j->d, xb = xa + j->d < j->src->width ? xa + j->d : j->src->width;
      double s = 0.0;
      for (int32_t y = ya; y < yb; y++) {
        const void *row = tvi_row(j->src, y);
        for (int32_t x = xa; x < xb; x++) s += tvi_sh_load(row, j->src->type, x);
      }
      small[(size_t)by * (size_t)j->sw + (size_t)bx] =
          (float)(s / ((double)(yb - ya) * (double)(xb - xa)));
    }
  }
}

tv_status tv_shading_correct(tv_ctx *ctx, const tv_image *src, tv_image *dst,
                             tv_shading_method method, double param, double target_mean) {
  if (!ctx) return TV_ERR_NULL;
  tv_status st = tvi_check_pair(ctx, __func__, src, dst, 0, 1);
  if (st != TV_OK) return st;
  if (src->channels != 1)
    return TVI_ERR(ctx, TV_ERR_TYPE, "src has %d channels (1 expected)", src->channels);
  st = tvi_check_type(ctx, __func__, "src", src, TVI_SH_TYPES);
  if (st == TV_OK) st = tvi_check_type(ctx, __func__, "dst", dst, TVI_SH_TYPES);
  if (st != TV_OK) return st;
  if (method != TV_SHADING_COLUMN_PROFILE && method != TV_SHADING_ROW_PROFILE &&
      method != TV_SHADING_GAUSSIAN)
    return TVI_ERR(ctx, TV_ERR_ARG, "unknown method %d", (int)method);
  if (!isfinite(param) || param < 0.0 || param > 1e6 ||
      (method == TV_SHADING_GAUSSIAN && !(param > 0.0)))
    return TVI_ERR(ctx, TV_ERR_ARG, "param %g is out of range (%s)", param,
                   method == TV_SHADING_GAUSSIAN ? "sigma > 0" : "window >= 0");
  if (!isfinite(target_mean))
    return TVI_ERR(ctx, TV_ERR_ARG, "target_mean %g is not finite", target_mean);
  if (tvi_images_overlap(src, dst))
    return TVI_ERR(ctx, TV_ERR_ARG, "dst overlaps src (this operation is not in place)");

  const int32_t w = src->width, h = src->height;
  tvi_sh_job job;
  memset(&job, 0, sizeof job);
  job.src = src;
  job.dst = dst;
  double *smooth = NULL;
  float *small = NULL, *tmp = NULL;
  int32_t *x0 = NULL;
  float *xw = NULL;
  const double npix = (double)w * (double)h;
  if (method == TV_SHADING_COLUMN_PROFILE || method == TV_SHADING_ROW_PROFILE) {
    const int col = method == TV_SHADING_COLUMN_PROFILE;
    const int32_t n = col ? w : h;
    job.sums = malloc((size_t)n * sizeof *job.sums);
    smooth = malloc((size_t)n * sizeof *smooth);
    job.factor = malloc((size_t)n * sizeof *job.factor);
    if (!job.sums || !smooth || !job.factor)
      TVI_FAIL(ctx, TV_ERR_NOMEM, "cannot allocate a %d-sample profile", n);
    if (col)
      tvi_parallel_for(ctx, (w + TVI_SH_STRIP - 1) / TVI_SH_STRIP, tvi_sh_colsum_task, &job);
    else
      tvi_for_bands(ctx, h, 0, tvi_row_bytes(src), tvi_sh_rowsum_band, &job);
    tvi_shading_profile_factors(job.sums, smooth, job.factor, n, col ? (double)h : (double)w, npix,
                                target_mean, param);
    job.by_column = col;
    tvi_for_bands(ctx, h, 0, tvi_row_bytes(src) * 2, tvi_sh_apply_band, &job);
  } else {
    /* The background is a Gaussian of sigma: average d x d blocks (a box of variance
     * (d^2 - 1) / 12), blur the small image with the remaining sigma, interpolate back. */
    const double sigma = param;
    int32_t d = (int32_t)(sigma / 3.0);
    if (d < 1) d = 1;
    const int32_t sw = (w + d - 1) / d, sh = (h + d - 1) / d;
    const double rest = sigma * sigma - ((double)d * d - 1.0) / 12.0;
    const double ss = sqrt(rest > 0.01 ? rest : 0.01) / d;
    const int32_t r = (int32_t)ceil(3.0 * ss) < 1 ? 1 : (int32_t)ceil(3.0 * ss);
    const int workers = tvi_parallel_workers(ctx);
    small = malloc((size_t)sw * (size_t)sh * sizeof *small);
    tmp = malloc(((size_t)2 * r + 1 + 2 * (size_t)(sw > sh ? sw : sh)) * sizeof *tmp);
    job.sums = malloc((size_t)h * sizeof *job.sums);
    x0 = malloc((size_t)w * sizeof *x0);
    xw = malloc((size_t)w * sizeof *xw);
    job.rowbuf = malloc((size_t)workers * ((size_t)sw + (size_t)w) * sizeof *job.rowbuf);
    if (!small || !tmp || !job.sums || !x0 || !xw || !job.rowbuf)
      TVI_FAIL(ctx, TV_ERR_NOMEM, "cannot allocate the %dx%d background", sw, sh);
    double target = target_mean;
    if (!(target > 0.0)) {
      tvi_for_bands(ctx, h, 0, tvi_row_bytes(src), tvi_sh_rowsum_band, &job);
      double total = 0.0;
      for (int32_t y = 0; y < h; y++) total += job.sums[y];
      target = total / npix;
    }
    job.small = small;
    job.sw = sw;
    job.sh = sh;
    job.d = d;
    tvi_for_bands(ctx, sh, 1, 0, tvi_sh_down_band, &job);
    tvi_sh_blur(small, sw, sh, ss, tmp);
    for (int32_t x = 0; x < w; x++) {
      float fx = ((float)x + 0.5f) / (float)d - 0.5f;
      if (fx < 0.0f) fx = 0.0f;
      if (fx > (float)(sw - 1)) fx = (float)(sw - 1);
      int32_t k = (int32_t)fx;
      if (k > sw - 2) k = sw > 1 ? sw - 2 : 0;
      x0[x] = k;
      xw[x] = sw > 1 ? fx - (float)k : 0.0f;
    }
    job.x0 = x0;
    job.xw = xw;
    job.target = (float)target;
    tvi_for_bands(ctx, h, 0, tvi_row_bytes(src) * 2, tvi_sh_gauss_band, &job);
  }
done:
  free(job.sums);
  free(smooth);
  free(job.factor);
  free(small);
  free(tmp);
  free(x0);
  free(xw);
  free(job.rowbuf);
  return st;
}
