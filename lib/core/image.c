/* tv_image: creation, wrapping, views, copies, type conversion, RGB to grey.
 * SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "internal.h"
#include "kernels/convert/convert.h"

static const struct {
  tv_isa isa;
  const tvi_convert_kernels *k;
  const char *name;
} tvi_convert_table[] = {
#define TV_KERNEL(isa, kernels) {isa, &kernels, #kernels},
#include "kernels/convert/convert.inc"
#undef TV_KERNEL
};

int32_t tv_pixel_size(tv_pixel_type type) {
  switch (type) {
  case TV_U8: return 1;
  case TV_U16: return 2;
  case TV_F32: return 4;
  case TV_S16: return 2;
  case TV_S32: return 4;
  }
  return 0;
}

tv_status tvi_check_dims(tv_ctx *ctx, const char *func, int64_t width, int64_t height,
                         int64_t channels, int type) {
  if (width < 1 || height < 1 || width > INT32_MAX || height > INT32_MAX)
    return tvi_fail(ctx, TV_ERR_ARG, func, "image size %lldx%lld is invalid", (long long)width,
                    (long long)height);
  if (channels != 1 && channels != 3 && channels != 4)
    return tvi_fail(ctx, TV_ERR_ARG, func, "%lld channels (1, 3 or 4 expected)",
                    (long long)channels);
  if (tv_pixel_size((tv_pixel_type)type) == 0)
    return tvi_fail(ctx, TV_ERR_ARG, func, "unknown pixel type %d", type);
  const int64_t max = ctx ? ctx->max_pixels : TVI_DEFAULT_MAX_PIXELS;
  if (width > max / height)
    return tvi_fail(ctx, TV_ERR_TOO_LARGE, func,
                    "image %lldx%lld exceeds the context's limit of %lld pixels", (long long)width,
                    (long long)height, (long long)max);
  return TV_OK;
}

tv_status tvi_check_image(tv_ctx *ctx, const char *func, const char *what, const tv_image *img) {
  if (!img) return tvi_fail(ctx, TV_ERR_NULL, func, "%s is NULL", what);
  if (!img->data) return tvi_fail(ctx, TV_ERR_NULL, func, "%s has no pixel data", what);
  if (img->width < 1 || img->height < 1)
    return tvi_fail(ctx, TV_ERR_ARG, func, "%s size %dx%d is invalid", what, img->width,
                    img->height);
  if (img->channels != 1 && img->channels != 3 && img->channels != 4)
    return tvi_fail(ctx, TV_ERR_ARG, func, "%s has %d channels (1, 3 or 4 expected)", what,
                    img->channels);
  const int32_t es = tv_pixel_size((tv_pixel_type)img->type);
  if (es == 0)
    return tvi_fail(ctx, TV_ERR_ARG, func, "%s has unknown pixel type %d", what, img->type);
  if ((uintptr_t)img->data % (uintptr_t)es != 0 || img->stride % es != 0)
    return tvi_fail(ctx, TV_ERR_ARG, func,
                    "%s data or stride is not aligned to its %d-byte samples", what, es);
  const int64_t row = (int64_t)img->width * img->channels * es;
  if (img->stride < row)
    return tvi_fail(ctx, TV_ERR_ARG, func, "%s stride %lld is below its row size %lld", what,
                    (long long)img->stride, (long long)row);
  if (img->stride > (INT64_MAX / 2) / img->height)
    return tvi_fail(ctx, TV_ERR_TOO_LARGE, func, "%s stride %lld is absurd", what,
                    (long long)img->stride);
  return TV_OK;
}

tv_status tvi_check_pair(tv_ctx *ctx, const char *func, const tv_image *src, const tv_image *dst,
                         int same_type, int same_channels) {
  tv_status st = tvi_check_image(ctx, func, "src", src);
  if (st == TV_OK) st = tvi_check_image(ctx, func, "dst", dst);
  if (st != TV_OK) return st;
  if (src->width != dst->width || src->height != dst->height ||
      (same_channels && src->channels != dst->channels))
    return tvi_fail(ctx, TV_ERR_SIZE, func, "src is %dx%dx%d but dst is %dx%dx%d", src->width,
                    src->height, src->channels, dst->width, dst->height, dst->channels);
  if (same_type && src->type != dst->type)
    return tvi_fail(ctx, TV_ERR_TYPE, func, "src pixel type %d differs from dst pixel type %d",
                    src->type, dst->type);
  return TV_OK;
}

tv_status tvi_image_alloc(tv_ctx *ctx, const char *func, int32_t width, int32_t height,
                          int32_t channels, tv_pixel_type type, tv_image **out) {
  tv_status st = tvi_check_dims(ctx, func, width, height, channels, (int)type);
  if (st != TV_OK) return st;
  const size_t row = (size_t)width * (size_t)channels * (size_t)tv_pixel_size(type);
  size_t stride = (row + TVI_ALIGN - 1) / TVI_ALIGN * TVI_ALIGN, total;
  if (tvi_mul_size(stride, (size_t)height, &total) != 0 || total > (size_t)INT64_MAX / 2)
    return tvi_fail(ctx, TV_ERR_TOO_LARGE, func, "image of %zu bytes per row x %d rows overflows",
                    stride, height);
  tv_image *img = calloc(1, sizeof *img);
  struct tvi_buffer *buf = calloc(1, sizeof *buf);
  void *mem = tvi_aligned_alloc(total);
  if (!img || !buf || !mem) {
    free(img);
    free(buf);
    tvi_aligned_free(mem);
    return tvi_fail(ctx, TV_ERR_NOMEM, func, "cannot allocate %zu bytes for a %dx%d image", total,
                    width, height);
  }
  atomic_init(&buf->refs, 1);
  buf->mem = mem;
  img->data = mem;
  img->stride = (int64_t)stride;
  img->width = width;
  img->height = height;
  img->channels = channels;
  img->type = (int32_t)type;
  img->priv = buf;
  *out = img;
  return TV_OK;
}

tv_status tv_image_create(tv_ctx *ctx, int32_t width, int32_t height, int32_t channels,
                          tv_pixel_type type, tv_image **out) {
  if (!out) return TVI_ERR(ctx, TV_ERR_NULL, "out is NULL");
  *out = NULL;
  tv_image *img = NULL;
  tv_status st = tvi_image_alloc(ctx, __func__, width, height, channels, type, &img);
  if (st != TV_OK) return st;
  memset(img->data, 0, (size_t)img->stride * (size_t)height);
  *out = img;
  return TV_OK;
}

tv_status tv_image_wrap(tv_ctx *ctx, void *data, int32_t width, int32_t height, int32_t channels,
                        tv_pixel_type type, int64_t stride, tv_image **out) {
  if (!out) return TVI_ERR(ctx, TV_ERR_NULL, "out is NULL");
  *out = NULL;
  if (!data) return TVI_ERR(ctx, TV_ERR_NULL, "data is NULL");
  tv_status st = tvi_check_dims(ctx, __func__, width, height, channels, (int)type);
  if (st != TV_OK) return st;
  const tv_image desc = {data, stride, width, height, channels, (int32_t)type, NULL};
  st = tvi_check_image(ctx, __func__, "buffer", &desc);
  if (st != TV_OK) return st;
  tv_image *img = malloc(sizeof *img);
  if (!img) return TVI_ERR(ctx, TV_ERR_NOMEM, "cannot allocate the image record");
  *img = desc;
  *out = img;
  return TV_OK;
}

tv_status tv_image_view(tv_ctx *ctx, const tv_image *src, int32_t x, int32_t y, int32_t width,
                        int32_t height, tv_image **out) {
  if (!out) return TVI_ERR(ctx, TV_ERR_NULL, "out is NULL");
  *out = NULL;
  tv_status st = tvi_check_image(ctx, __func__, "src", src);
  if (st != TV_OK) return st;
  if (x < 0 || y < 0 || width < 1 || height < 1 || (int64_t)x + width > src->width ||
      (int64_t)y + height > src->height)
    return TVI_ERR(ctx, TV_ERR_ARG, "region (%d, %d) %dx%d is not inside the %dx%d image", x, y,
                   width, height, src->width, src->height);
  tv_image *img = malloc(sizeof *img);
  if (!img) return TVI_ERR(ctx, TV_ERR_NOMEM, "cannot allocate the image record");
  *img = *src;
  img->data = (uint8_t *)src->data + (int64_t)y * src->stride +
              (int64_t)x * src->channels * tv_pixel_size((tv_pixel_type)src->type);
  img->width = width;
  img->height = height;
  if (img->priv) atomic_fetch_add(&img->priv->refs, 1);
  *out = img;
  return TV_OK;
}

void tv_image_destroy(tv_image *img) {
  if (!img) return;
  struct tvi_buffer *buf = img->priv;
  if (buf && atomic_fetch_sub(&buf->refs, 1) == 1) {
    tvi_aligned_free(buf->mem);
    free(buf);
  }
  free(img);
}

int tvi_images_overlap(const tv_image *a, const tv_image *b) {
  const uintptr_t a0 = (uintptr_t)a->data, b0 = (uintptr_t)b->data;
  const uintptr_t a1 = a0 + (uintptr_t)(a->stride * (a->height - 1)) + tvi_row_bytes(a);
  const uintptr_t b1 = b0 + (uintptr_t)(b->stride * (b->height - 1)) + tvi_row_bytes(b);
  return a0 < b1 && b0 < a1;
}

/* Row bands for splitting work across threads: about 64 KiB of source per task. */
static int64_t tvi_band_rows(const tv_image *img) {
  const size_t row = tvi_row_bytes(img);
  int64_t rows = (int64_t)(65536 / (row ? row : 1));
  return rows < 1 ? 1 : rows;
}

typedef struct tvi_rows_job {
  const tv_image *src;
  tv_image *dst;
  int64_t band;
  double scale, offset;
  const tvi_convert_kernels *k; /* conversion and grey kernels (NULL for plain copies) */
} tvi_rows_job;

static void tvi_copy_task(void *arg, int64_t task, int worker) {
  (void)worker;
  const tvi_rows_job *job = arg;
  const int64_t y0 = task * job->band;
  const int64_t y1 = y0 + job->band < job->src->height ? y0 + job->band : job->src->height;
  const size_t n = tvi_row_bytes(job->src);
  for (int64_t y = y0; y < y1; y++) memcpy(tvi_row(job->dst, y), tvi_row(job->src, y), n);
}

static int64_t tvi_bands(const tv_image *img, int64_t band) {
  return (img->height + band - 1) / band;
}

tv_status tv_image_clone(tv_ctx *ctx, const tv_image *src, tv_image **out) {
  if (!out) return TVI_ERR(ctx, TV_ERR_NULL, "out is NULL");
  *out = NULL;
  tv_status st = tvi_check_image(ctx, __func__, "src", src);
  if (st != TV_OK) return st;
  tv_image *img = NULL;
  st = tvi_image_alloc(ctx, __func__, src->width, src->height, src->channels,
                       (tv_pixel_type)src->type, &img);
  if (st != TV_OK) return st;
  tvi_rows_job job = {src, img, tvi_band_rows(src), 1.0, 0.0, NULL};
  tvi_parallel_for(ctx, tvi_bands(src, job.band), tvi_copy_task, &job);
  *out = img;
  return TV_OK;
}

tv_status tv_image_copy(tv_ctx *ctx, const tv_image *src, tv_image *dst) {
  tv_status st = tvi_check_pair(ctx, __func__, src, dst, 1, 1);
  if (st != TV_OK) return st;
  if (src->data == dst->data && src->stride == dst->stride) return TV_OK;
  if (tvi_images_overlap(src, dst))
    return TVI_ERR(ctx, TV_ERR_ARG, "src and dst overlap in memory");
  tvi_rows_job job = {src, dst, tvi_band_rows(src), 1.0, 0.0, NULL};
  tvi_parallel_for(ctx, tvi_bands(src, job.band), tvi_copy_task, &job);
  return TV_OK;
}

/* Saturating conversion of a double to an integer range [lo, hi], rounding half to even (as
 * lrint in the default rounding mode, and as OpenCV's saturate_cast). NaN gives 0. */
static inline double tvi_sat_range(double v, double lo, double hi) {
  if (v != v) return 0.0;
  if (v <= lo) return lo;
  if (v >= hi) return hi;
  return nearbyint(v);
}
static inline double tvi_sat(double v, double hi) { return tvi_sat_range(v, 0.0, hi); }

static inline double tvi_load(const void *row, int type, size_t i) {
  switch (type) {
  case TV_U8: return ((const uint8_t *)row)[i];
  case TV_U16: return ((const uint16_t *)row)[i];
  case TV_S16: return ((const int16_t *)row)[i];
  case TV_S32: return ((const int32_t *)row)[i];
  default: return ((const float *)row)[i];
  }
}

static void tvi_convert_task(void *arg, int64_t task, int worker) {
  (void)worker;
  const tvi_rows_job *job = arg;
  const tv_image *src = job->src;
  tv_image *dst = job->dst;
  const int64_t y0 = task * job->band;
  const int64_t y1 = y0 + job->band < src->height ? y0 + job->band : src->height;
  const size_t n = (size_t)src->width * (size_t)src->channels;
  const double a = job->scale, b = job->offset;
  const tvi_convert_kernels *k = job->k;
  for (int64_t y = y0; y < y1; y++) {
    const void *s = tvi_row(src, y);
    void *d = tvi_row(dst, y);
    /* The hot pairs have SIMD kernels with the same definition as the loops below. */
    const int pair = src->type * 8 + dst->type;
    if (pair == TV_U8 * 8 + TV_F32) {
      k->u8_f32(s, d, n, a, b);
      continue;
    }
    if (pair == TV_U16 * 8 + TV_F32) {
      k->u16_f32(s, d, n, a, b);
      continue;
    }
    if (pair == TV_F32 * 8 + TV_U8) {
      k->f32_u8(s, d, n, a, b);
      continue;
    }
    if (pair == TV_F32 * 8 + TV_U16) {
      k->f32_u16(s, d, n, a, b);
      continue;
    }
    if (pair == TV_U8 * 8 + TV_U16) {
      k->u8_u16(s, d, n, a, b);
      continue;
    }
    if (pair == TV_U16 * 8 + TV_U8) {
      k->u16_u8(s, d, n, a, b);
      continue;
    }
    switch (dst->type) {
    case TV_U8:
      for (size_t i = 0; i < n; i++)
        ((uint8_t *)d)[i] = (uint8_t)tvi_sat(tvi_load(s, src->type, i) * a + b, 255.0);
      break;
    case TV_U16:
      for (size_t i = 0; i < n; i++)
        ((uint16_t *)d)[i] = (uint16_t)tvi_sat(tvi_load(s, src->type, i) * a + b, 65535.0);
      break;
    case TV_S16:
      for (size_t i = 0; i < n; i++)
        ((int16_t *)d)[i] =
            (int16_t)tvi_sat_range(tvi_load(s, src->type, i) * a + b, -32768.0, 32767.0);
      break;
    case TV_S32:
      for (size_t i = 0; i < n; i++)
        ((int32_t *)d)[i] =
            (int32_t)tvi_sat_range(tvi_load(s, src->type, i) * a + b, -2147483648.0, 2147483647.0);
      break;
    default:
      for (size_t i = 0; i < n; i++) {
        const double v = tvi_load(s, src->type, i) * a + b;
        ((float *)d)[i] = v != v ? 0.0f : (float)v;
      }
      break;
    }
  }
}

tv_status tv_image_convert(tv_ctx *ctx, const tv_image *src, tv_image *dst, double scale,
                           double offset) {
  tv_status st = tvi_check_pair(ctx, __func__, src, dst, 0, 1);
  if (st != TV_OK) return st;
  if (!isfinite(scale) || !isfinite(offset))
    return TVI_ERR(ctx, TV_ERR_ARG, "scale and offset must be finite");
  const int in_place =
      src->data == dst->data && src->stride == dst->stride && src->type == dst->type;
  if (!in_place && tvi_images_overlap(src, dst))
    return TVI_ERR(ctx, TV_ERR_ARG, "src and dst overlap in memory");
  tvi_rows_job job = {src,   dst,    tvi_band_rows(src),
                      scale, offset, tvi_convert_table[TVI_SELECT(ctx, tvi_convert_table)].k};
  if (src->type == dst->type && scale == 1.0 && offset == 0.0) {
    if (!in_place) tvi_parallel_for(ctx, tvi_bands(src, job.band), tvi_copy_task, &job);
    return TV_OK;
  }
  tvi_parallel_for(ctx, tvi_bands(src, job.band), tvi_convert_task, &job);
  return TV_OK;
}

static void tvi_grey_task(void *arg, int64_t task, int worker) {
  (void)worker;
  const tvi_rows_job *job = arg;
  const tv_image *src = job->src;
  tv_image *dst = job->dst;
  const int64_t y0 = task * job->band;
  const int64_t y1 = y0 + job->band < src->height ? y0 + job->band : src->height;
  const int c = src->channels, w = src->width;
  for (int64_t y = y0; y < y1; y++) {
    const void *s = tvi_row(src, y);
    void *d = tvi_row(dst, y);
    if (src->type == TV_U8) {
      job->k->grey_u8(s, d, (size_t)w, c);
    } else if (src->type == TV_U16) {
      job->k->grey_u16(s, d, (size_t)w, c);
    } else {
      const float *p = s;
      for (int x = 0; x < w; x++, p += c)
        ((float *)d)[x] = p[0] * 0.299f + p[1] * 0.587f + p[2] * 0.114f;
    }
  }
}

tv_status tv_image_to_grey(tv_ctx *ctx, const tv_image *src, tv_image *dst) {
  tv_status st = tvi_check_pair(ctx, __func__, src, dst, 1, 0);
  if (st != TV_OK) return st;
  if (dst->channels != 1)
    return TVI_ERR(ctx, TV_ERR_TYPE, "dst has %d channels (1 expected)", dst->channels);
  if (src->type == TV_S16 || src->type == TV_S32)
    return TVI_ERR(ctx, TV_ERR_TYPE, "RGB to grey takes u8, u16 or f32 images");
  if (src->channels == 1) return tv_image_copy(ctx, src, dst);
  if (tvi_images_overlap(src, dst))
    return TVI_ERR(ctx, TV_ERR_ARG, "src and dst overlap in memory");
  tvi_rows_job job = {src, dst, tvi_band_rows(src),
                      1.0, 0.0, tvi_convert_table[TVI_SELECT(ctx, tvi_convert_table)].k};
  tvi_parallel_for(ctx, tvi_bands(src, job.band), tvi_grey_task, &job);
  return TV_OK;
}

tv_status tv_image_fill(tv_ctx *ctx, tv_image *img, double value) {
  tv_status st = tvi_check_image(ctx, __func__, "img", img);
  if (st != TV_OK) return st;
  const size_t n = (size_t)img->width * (size_t)img->channels;
  for (int64_t y = 0; y < img->height; y++) {
    void *d = tvi_row(img, y);
    if (img->type == TV_U8) {
      memset(d, (int)tvi_sat(value, 255.0), n);
    } else if (img->type == TV_U16) {
      const uint16_t v = (uint16_t)tvi_sat(value, 65535.0);
      for (size_t i = 0; i < n; i++) ((uint16_t *)d)[i] = v;
    } else if (img->type == TV_S16) {
      const int16_t v = (int16_t)tvi_sat_range(value, -32768.0, 32767.0);
      for (size_t i = 0; i < n; i++) ((int16_t *)d)[i] = v;
    } else if (img->type == TV_S32) {
      const int32_t v = (int32_t)tvi_sat_range(value, -2147483648.0, 2147483647.0);
      for (size_t i = 0; i < n; i++) ((int32_t *)d)[i] = v;
    } else {
      const float v = (float)value;
      for (size_t i = 0; i < n; i++) ((float *)d)[i] = v;
    }
  }
  return TV_OK;
}
