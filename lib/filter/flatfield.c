/* Flat-field correction: a calibration from dark and white frames, applied as a streaming kernel.
 * SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "filter_internal.h"
#include "kernels/flatfield/flatfield.h"

static const struct {
  tv_isa isa;
  const tvi_flatfield_kernels *k;
  const char *name;
} tvi_flatfield_table[] = {
#define TV_KERNEL(isa, kernels) {isa, &kernels, #kernels},
#include "kernels/flatfield/flatfield.inc"
#undef TV_KERNEL
};

#define TVI_FF_TYPES (TVI_T(TV_U8) | TVI_T(TV_U16) | TVI_T(TV_F32))

/* Immutable after creation: dark in the frames' type, gain in f32, both packed row after row. */
struct tv_flatfield {
  int32_t width, height, type;
  void *dark;
  float *gain;
};

static int tvi_ff_index(int32_t type) {
  return type == TV_U8 ? TVI_FF_U8 : type == TV_U16 ? TVI_FF_U16 : TVI_FF_F32;
}

static double tvi_sample(const void *row, int32_t type, int32_t x) {
  switch (type) {
  case TV_U8: return ((const uint8_t *)row)[x];
  case TV_U16: return ((const uint16_t *)row)[x];
  default: return ((const float *)row)[x];
  }
}

typedef struct tvi_ff_create_job {
  const tv_image *dark, *white;
  tv_flatfield *ff;
  double *row_sums; /* per row: sum of (white - dark) */
  double target;
} tvi_ff_create_job;

/* Pass 1: copies dark and sums white - dark per row (rows are independent: deterministic). */
static void tvi_ff_sum_band(void *arg, int32_t y0, int32_t y1, int worker) {
  (void)worker;
  const tvi_ff_create_job *j = arg;
  const size_t es = (size_t)tv_pixel_size((tv_pixel_type)j->ff->type);
  for (int32_t y = y0; y < y1; y++) {
    const void *d = tvi_row(j->dark, y), *w = tvi_row(j->white, y);
    memcpy((uint8_t *)j->ff->dark + (size_t)y * (size_t)j->ff->width * es, d,
           (size_t)j->ff->width * es);
    double s = 0.0;
    for (int32_t x = 0; x < j->ff->width; x++)
      s += tvi_sample(w, j->ff->type, x) - tvi_sample(d, j->ff->type, x);
    j->row_sums[y] = s;
  }
}

/* Pass 2: gain = target / (white - dark), 0 where white - dark <= 0 (or is not a number). */
static void tvi_ff_gain_band(void *arg, int32_t y0, int32_t y1, int worker) {
  (void)worker;
  const tvi_ff_create_job *j = arg;
  for (int32_t y = y0; y < y1; y++) {
    const void *d = tvi_row(j->dark, y), *w = tvi_row(j->white, y);
    float *g = j->ff->gain + (size_t)y * (size_t)j->ff->width;
    for (int32_t x = 0; x < j->ff->width; x++) {
      const double diff = tvi_sample(w, j->ff->type, x) - tvi_sample(d, j->ff->type, x);
      const double v = diff > 0.0 ? j->target / diff : 0.0;
      g[x] = isfinite(v) && v < 3.0e38 ? (float)v : 0.0f;
    }
  }
}

tv_status tv_flatfield_create(tv_ctx *ctx, const tv_image *dark, const tv_image *white,
                              double target, tv_flatfield **out) {
  if (!ctx) return TV_ERR_NULL;
  if (!out) return TVI_ERR(ctx, TV_ERR_NULL, "out is NULL");
  *out = NULL;
  tv_status st = tvi_check_image(ctx, __func__, "dark", dark);
  if (st == TV_OK) st = tvi_check_image(ctx, __func__, "white", white);
  if (st != TV_OK) return st;
  if (dark->width != white->width || dark->height != white->height)
    return TVI_ERR(ctx, TV_ERR_SIZE, "dark is %dx%d but white %dx%d", dark->width, dark->height,
                   white->width, white->height);
  if (dark->channels != 1 || white->channels != 1)
    return TVI_ERR(ctx, TV_ERR_TYPE, "dark and white must have 1 channel (%d, %d)", dark->channels,
                   white->channels);
  if (dark->type != white->type)
    return TVI_ERR(ctx, TV_ERR_TYPE, "dark and white must have one pixel type (%d, %d)", dark->type,
                   white->type);
  st = tvi_check_type(ctx, __func__, "dark", dark, TVI_FF_TYPES);
  if (st != TV_OK) return st;
  if (!isfinite(target)) return TVI_ERR(ctx, TV_ERR_ARG, "target %g is not finite", target);

  const size_t npix = (size_t)dark->width * (size_t)dark->height;
  tv_flatfield *ff = calloc(1, sizeof *ff);
  double *row_sums = malloc((size_t)dark->height * sizeof *row_sums);
  if (ff) {
    ff->width = dark->width;
    ff->height = dark->height;
    ff->type = dark->type;
    ff->dark = tvi_aligned_alloc(npix * (size_t)tv_pixel_size((tv_pixel_type)dark->type));
    ff->gain = tvi_aligned_alloc(npix * sizeof(float));
  }
  if (!ff || !row_sums || !ff->dark || !ff->gain)
    TVI_FAIL(ctx, TV_ERR_NOMEM, "cannot allocate a %dx%d calibration", dark->width, dark->height);
  tvi_ff_create_job job = {dark, white, ff, row_sums, target};
  tvi_for_bands(ctx, dark->height, 0, tvi_row_bytes(dark) * 2, tvi_ff_sum_band, &job);
  if (target <= 0.0) {
    double s = 0.0;
    for (int32_t y = 0; y < dark->height; y++) s += row_sums[y];
    job.target = s / (double)npix;
    if (!(job.target > 0.0))
      TVI_FAIL(ctx, TV_ERR_ARG, "white is not brighter than dark on average (mean %g)", job.target);
  }
  tvi_for_bands(ctx, dark->height, 0, tvi_row_bytes(dark) * 2, tvi_ff_gain_band, &job);
  *out = ff;
  ff = NULL;
done:
  free(row_sums);
  tv_flatfield_destroy(ff);
  return st;
}

void tv_flatfield_destroy(tv_flatfield *ff) {
  if (!ff) return;
  tvi_aligned_free(ff->dark);
  tvi_aligned_free(ff->gain);
  free(ff);
}

typedef struct tvi_ff_apply_job {
  tvi_ff_fn fn;
  const tv_flatfield *ff;
  const tv_image *raw;
  tv_image *dst;
} tvi_ff_apply_job;

static void tvi_ff_apply_band(void *arg, int32_t y0, int32_t y1, int worker) {
  (void)worker;
  const tvi_ff_apply_job *j = arg;
  const size_t w = (size_t)j->ff->width, es = (size_t)tv_pixel_size((tv_pixel_type)j->ff->type);
  for (int32_t y = y0; y < y1; y++)
    j->fn(tvi_row(j->raw, y), (const uint8_t *)j->ff->dark + (size_t)y * w * es,
          j->ff->gain + (size_t)y * w, tvi_row(j->dst, y), w);
}

tv_status tv_flatfield_apply(tv_ctx *ctx, const tv_flatfield *ff, const tv_image *raw,
                             tv_image *dst) {
  if (!ctx) return TV_ERR_NULL;
  if (!ff) return TVI_ERR(ctx, TV_ERR_NULL, "ff is NULL");
  tv_status st = tvi_check_image(ctx, __func__, "raw", raw);
  if (st == TV_OK) st = tvi_check_image(ctx, __func__, "dst", dst);
  if (st != TV_OK) return st;
  if (raw->width != ff->width || raw->height != ff->height || dst->width != ff->width ||
      dst->height != ff->height)
    return TVI_ERR(ctx, TV_ERR_SIZE, "raw is %dx%d and dst %dx%d but the calibration is %dx%d",
                   raw->width, raw->height, dst->width, dst->height, ff->width, ff->height);
  if (raw->channels != 1 || dst->channels != 1)
    return TVI_ERR(ctx, TV_ERR_TYPE, "raw and dst must have 1 channel (%d, %d)", raw->channels,
                   dst->channels);
  if (raw->type != ff->type)
    return TVI_ERR(ctx, TV_ERR_TYPE, "raw has pixel type %d but the calibration %d", raw->type,
                   ff->type);
  st = tvi_check_type(ctx, __func__, "dst", dst, TVI_FF_TYPES);
  if (st != TV_OK) return st;
  if (tvi_bad_overlap(raw, dst))
    return TVI_ERR(ctx, TV_ERR_ARG, "dst overlaps raw without being the same image");
  const tvi_flatfield_kernels *k = tvi_flatfield_table[TVI_SELECT(ctx, tvi_flatfield_table)].k;
  tvi_ff_apply_job job = {k->apply[tvi_ff_index(raw->type)][tvi_ff_index(dst->type)], ff, raw, dst};
  tvi_for_bands(ctx, ff->height, 0, (size_t)ff->width * 8, tvi_ff_apply_band, &job);
  return TV_OK;
}
