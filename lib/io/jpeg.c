/* JPEG codec on libjpeg-turbo's TurboJPEG API: decode to grey/RGB u8, encode grey/RGB u8.
 * SPDX-License-Identifier: Apache-2.0 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <turbojpeg.h>

#include "codec.h"

#define TVI_JPEG_MSG_CAP 256

/* Copies the handle's last message without TurboJPEG's "tjFunction(): " prefix. */
static void tvi_jpeg_message(tjhandle tj, char *buf, size_t cap) {
  const char *m = tjGetErrorStr2(tj);
  if (!m || !*m) m = "unknown TurboJPEG error";
  if (strncmp(m, "tj", 2) == 0) {
    const char *p = strstr(m, "(): ");
    if (p) m = p + 4;
  }
  snprintf(buf, cap, "%s", m);
}

/* The status for a libjpeg/TurboJPEG failure message. */
static tv_status tvi_jpeg_status(int warning, const char *msg) {
  /* TurboJPEG cannot make RGB or grey from an unknown colour space (2, 5, ... components). */
  if (strstr(msg, "Could not determine")) return TV_ERR_UNSUPPORTED;
  if (warning) return TV_ERR_CORRUPT;
  if (strncmp(msg, "Unsupported", 11) == 0 || strstr(msg, "not supported") ||
      strstr(msg, "omitted at compile time"))
    return TV_ERR_UNSUPPORTED;
  if (strstr(msg, "Maximum supported image dimension") || strstr(msg, "image has more than"))
    return TV_ERR_TOO_LARGE;
  if (strstr(msg, "Insufficient memory") || strstr(msg, "Memory allocation failure"))
    return TV_ERR_NOMEM;
  return TV_ERR_CORRUPT;
}

/* Adobe CMYK as libjpeg returns it (inverted: 255 = no ink) to RGB: R = C * K / 255, truncated. */
static void tvi_jpeg_cmyk_row(const uint8_t *src, uint8_t *dst, int32_t width) {
  for (int32_t x = 0; x < width; x++) {
    const unsigned k = src[3];
    for (int c = 0; c < 3; c++) dst[c] = (uint8_t)(src[c] * k / 255u);
    src += 4;
    dst += 3;
  }
}

tv_status tvi_jpeg_load_ex(tv_ctx *ctx, const char *func, const uint8_t *data, size_t size,
                           unsigned opts, int scale_num, int scale_denom, tv_image_info *info,
                           tv_image **out) {
  tv_status st = TV_OK;
  tjhandle tj = NULL;
  tv_image *img = NULL;
  uint8_t *cmyk = NULL;
  char msg[TVI_JPEG_MSG_CAP];
  if (size < 3 || data[0] != 0xff || data[1] != 0xd8)
    TVI_FAIL_AS(ctx, TV_ERR_FORMAT, func, "JPEG: not a JPEG file (no SOI marker)");
  if (size > ULONG_MAX)
    TVI_FAIL_AS(ctx, TV_ERR_TOO_LARGE, func, "JPEG: %zu bytes of data is too much", size);
  tj = tjInitDecompress();
  if (!tj) {
    tvi_jpeg_message(NULL, msg, sizeof msg);
    TVI_FAIL_AS(ctx, TV_ERR_NOMEM, func, "JPEG: cannot create a decompressor: %s", msg);
  }
  int width = 0, height = 0, subsamp = -1, colorspace = -1;
  if (tjDecompressHeader3(tj, data, (unsigned long)size, &width, &height, &subsamp, &colorspace) !=
      0) {
    /* The fields are filled in before TurboJPEG reports two conditions that need not stop us: a
     * warning (corrupt data seen in the header: an error unless warnings are allowed, and the
     * decode below reports it again) and a chroma subsampling outside TurboJPEG 2.x's six named
     * ones (4:1:0, Adobe RGB with subsampled R, ...), which libjpeg decodes all the same. */
    const int warning = tjGetErrorCode(tj) == TJERR_WARNING;
    tvi_jpeg_message(tj, msg, sizeof msg);
    const int odd_sampling = strstr(msg, "subsampling") != NULL;
    const int usable = width >= 1 && height >= 1 && colorspace >= 0 && (warning || odd_sampling);
    if (!usable || (warning && !odd_sampling && !(opts & TVI_JPEG_ALLOW_WARNINGS)))
      TVI_FAIL_AS(ctx, tvi_jpeg_status(warning, msg), func, "JPEG: %s", msg);
  }
  if (width < 1 || height < 1) /* a tables-only datastream passes the header call */
    TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "JPEG: JPEG datastream contains no image");

  const int is_cmyk = colorspace == TJCS_CMYK || colorspace == TJCS_YCCK;
  const int32_t channels = colorspace == TJCS_GRAY                   ? 1
                           : (is_cmyk && (opts & TVI_JPEG_RAW_CMYK)) ? 4
                                                                     : 3;
  const int pixel_format = colorspace == TJCS_GRAY ? TJPF_GRAY : is_cmyk ? TJPF_CMYK : TJPF_RGB;

  int out_w = width, out_h = height;
  if (scale_num != scale_denom) {
    int n = 0;
    const tjscalingfactor *sf = tjGetScalingFactors(&n);
    int found = 0;
    for (int i = 0; sf && i < n && !found; i++) {
      if ((int64_t)sf[i].num * scale_denom == (int64_t)scale_num * sf[i].denom) {
        out_w = TJSCALED(width, sf[i]);
        out_h = TJSCALED(height, sf[i]);
        found = 1;
      }
    }
    if (!found)
      TVI_FAIL_AS(ctx, TV_ERR_ARG, func, "JPEG: scaling %d/%d is not available", scale_num,
                  scale_denom);
  }

  if (info) {
    info->width = out_w;
    info->height = out_h;
    info->channels = channels;
    info->type = TV_U8;
    info->format = TV_FORMAT_JPEG;
    info->bit_depth = 8;
  }
  if (!out) goto done;

  /* tvi_image_alloc refuses sizes over ctx->max_pixels before anything is allocated. */
  TVI_TRY(tvi_image_alloc(ctx, func, out_w, out_h, channels, TV_U8, &img));
  uint8_t *dst = img->data;
  int pitch = (int)img->stride;
  if (pixel_format == TJPF_CMYK && channels == 3) {
    size_t n = 0;
    if (tvi_mul_size((size_t)out_w * 4u, (size_t)out_h, &n) != 0 || !(cmyk = malloc(n)))
      TVI_FAIL_AS(ctx, TV_ERR_NOMEM, func, "JPEG: cannot allocate %dx%d CMYK pixels", out_w, out_h);
    dst = cmyk;
    pitch = out_w * 4;
  }
  int flags = TJFLAG_LIMITSCANS;
  flags |= (opts & TVI_JPEG_FAST_DCT) ? TJFLAG_FASTDCT : TJFLAG_ACCURATEDCT;
  if (opts & TVI_JPEG_FAST_UPSAMPLE) flags |= TJFLAG_FASTUPSAMPLE;
  if (!(opts & TVI_JPEG_ALLOW_WARNINGS)) flags |= TJFLAG_STOPONWARNING;
  const int want_w = scale_num != scale_denom ? out_w : 0;
  const int want_h = scale_num != scale_denom ? out_h : 0;
  if (tjDecompress2(tj, data, (unsigned long)size, dst, want_w, pitch, want_h, pixel_format,
                    flags) != 0) {
    const int warning = tjGetErrorCode(tj) == TJERR_WARNING;
    tvi_jpeg_message(tj, msg, sizeof msg);
    /* A warning after the whole image was written leaves libjpeg's deterministic fill-in. */
    if (!warning || !(opts & TVI_JPEG_ALLOW_WARNINGS))
      TVI_FAIL_AS(ctx, tvi_jpeg_status(warning, msg), func, "JPEG: %s", msg);
  }
  if (cmyk)
    for (int32_t y = 0; y < out_h; y++)
      tvi_jpeg_cmyk_row(cmyk + (size_t)y * (size_t)out_w * 4u, tvi_row(img, y), out_w);
  *out = img;
  img = NULL;
done:
  tv_image_destroy(img);
  free(cmyk);
  if (tj) tjDestroy(tj);
  return st;
}

tv_status tvi_jpeg_load(tv_ctx *ctx, const char *func, const uint8_t *data, size_t size,
                        tv_image_info *info, tv_image **out) {
  return tvi_jpeg_load_ex(ctx, func, data, size, 0u, 1, 1, info, out);
}

tv_status tvi_jpeg_save(tv_ctx *ctx, const char *func, const tv_image *img, int32_t quality,
                        void **out_data, size_t *out_size) {
  tv_status st = TV_OK;
  tjhandle tj = NULL;
  unsigned char *jpeg = NULL;
  unsigned long jpeg_size = 0;
  char msg[TVI_JPEG_MSG_CAP];
  if (quality == 0) quality = 90;
  if (quality < 1 || quality > 100)
    TVI_FAIL_AS(ctx, TV_ERR_ARG, func, "JPEG: quality %d is outside 1..100 (0 = default 90)",
                (int)quality);
  if (img->type != TV_U8)
    TVI_FAIL_AS(ctx, TV_ERR_TYPE, func,
                "JPEG: holds only u8 samples, not %s (convert with tv_image_convert first)",
                img->type == TV_U16   ? "u16"
                : img->type == TV_F32 ? "f32"
                                      : "this type");
  if (img->channels != 1 && img->channels != 3)
    TVI_FAIL_AS(ctx, TV_ERR_TYPE, func,
                "JPEG: holds 1 (grey) or 3 (RGB) channels, not %d (JPEG has no alpha)",
                (int)img->channels);
  if (img->width > 65500 || img->height > 65500)
    TVI_FAIL_AS(ctx, TV_ERR_TOO_LARGE, func,
                "JPEG: %dx%d exceeds the format's limit of 65500 pixels per side", (int)img->width,
                (int)img->height);
  if (img->stride > INT_MAX)
    TVI_FAIL_AS(ctx, TV_ERR_TOO_LARGE, func, "JPEG: row stride %lld is over %d bytes",
                (long long)img->stride, INT_MAX);
  tj = tjInitCompress();
  if (!tj) {
    tvi_jpeg_message(NULL, msg, sizeof msg);
    TVI_FAIL_AS(ctx, TV_ERR_NOMEM, func, "JPEG: cannot create a compressor: %s", msg);
  }
  const int grey = img->channels == 1;
  if (tjCompress2(tj, img->data, img->width, (int)img->stride, img->height,
                  grey ? TJPF_GRAY : TJPF_RGB, &jpeg, &jpeg_size, grey ? TJSAMP_GRAY : TJSAMP_444,
                  quality, TJFLAG_ACCURATEDCT) != 0) {
    tvi_jpeg_message(tj, msg, sizeof msg);
    TVI_FAIL_AS(ctx, strstr(msg, "memory") ? TV_ERR_NOMEM : TV_ERR_INTERNAL, func, "JPEG: %s", msg);
  }
  /* TurboJPEG's buffer belongs to tjFree; the caller's goes to tv_free (free). */
  void *buf = malloc(jpeg_size ? jpeg_size : 1);
  if (!buf) TVI_FAIL_AS(ctx, TV_ERR_NOMEM, func, "JPEG: cannot allocate %lu bytes", jpeg_size);
  memcpy(buf, jpeg, jpeg_size);
  *out_data = buf;
  *out_size = jpeg_size;
done:
  if (jpeg) tjFree(jpeg);
  if (tj) tjDestroy(tj);
  return st;
}

tv_status tv_jpeg_decode(tv_ctx *ctx, const void *data, size_t size, tv_image **out) {
  tv_status st = tvi_decode_args(ctx, __func__, data, size, out);
  if (st != TV_OK) return st;
  tv_image *img = NULL;
  st = tvi_jpeg_load(ctx, __func__, data, size, NULL, &img);
  if (st == TV_OK) *out = img;
  return st;
}

tv_status tv_jpeg_encode(tv_ctx *ctx, const tv_image *img, int32_t quality, void **out_data,
                         size_t *out_size) {
  tv_status st = tvi_encode_args(ctx, __func__, img, out_data, out_size);
  if (st != TV_OK) return st;
  return tvi_jpeg_save(ctx, __func__, img, quality, out_data, out_size);
}
