/* Internal interface between the generic I/O entry points (io.c) and the format codecs.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef TVI_CODEC_H
#define TVI_CODEC_H

#include "core/internal.h"

/* A decoder reads data[0..size). With out == NULL it only reads the header and fills *info. With
 * out != NULL it also decodes the pixels into a new image (made with tvi_image_alloc, which refuses
 * sizes over ctx->max_pixels: check the header's size before allocating anything else). info may
 * be NULL. Errors are recorded with tvi_fail(ctx, status, func, "PNG: ...") so the message names
 * the public entry point the caller used. On failure nothing is allocated and *out is untouched.
 * Statuses: TV_ERR_FORMAT (not this format), TV_ERR_CORRUPT (malformed, truncated, bad CRC),
 * TV_ERR_UNSUPPORTED, TV_ERR_TOO_LARGE, TV_ERR_NOMEM. */
typedef tv_status (*tvi_decode_fn)(tv_ctx *ctx, const char *func, const uint8_t *data, size_t size,
                                   tv_image_info *info, tv_image **out);

/* An encoder writes img (already checked with tvi_check_image) into a malloc'd buffer that the
 * caller frees with tv_free. quality as in tv_image_encode (0 = default). Statuses: TV_ERR_TYPE
 * (type/channels the format cannot hold), TV_ERR_ARG (quality out of range), TV_ERR_NOMEM. */
typedef tv_status (*tvi_encode_fn)(tv_ctx *ctx, const char *func, const tv_image *img,
                                   int32_t quality, void **out_data, size_t *out_size);

tv_status tvi_png_load(tv_ctx *ctx, const char *func, const uint8_t *data, size_t size,
                       tv_image_info *info, tv_image **out);
tv_status tvi_png_save(tv_ctx *ctx, const char *func, const tv_image *img, int32_t quality,
                       void **out_data, size_t *out_size);
tv_status tvi_jpeg_load(tv_ctx *ctx, const char *func, const uint8_t *data, size_t size,
                        tv_image_info *info, tv_image **out);
/* The JPEG decoder with libjpeg settings the public API does not offer (options below, output
 * scaled by scale_num / scale_denom). The public decoder uses none of them; the conformance tests
 * use them to reproduce libjpeg-turbo's reference decodes made with other settings. */
#define TVI_JPEG_FAST_DCT 1u       /* JDCT_IFAST instead of JDCT_ISLOW */
#define TVI_JPEG_FAST_UPSAMPLE 2u  /* do_fancy_upsampling = FALSE */
#define TVI_JPEG_ALLOW_WARNINGS 4u /* return the image libjpeg makes despite corrupt data */
#define TVI_JPEG_RAW_CMYK 8u       /* CMYK/YCCK files: 4 channels of CMYK as stored */
tv_status tvi_jpeg_load_ex(tv_ctx *ctx, const char *func, const uint8_t *data, size_t size,
                           unsigned opts, int scale_num, int scale_denom, tv_image_info *info,
                           tv_image **out);
tv_status tvi_jpeg_save(tv_ctx *ctx, const char *func, const tv_image *img, int32_t quality,
                        void **out_data, size_t *out_size);
tv_status tvi_pnm_load(tv_ctx *ctx, const char *func, const uint8_t *data, size_t size,
                       tv_image_info *info, tv_image **out);
tv_status tvi_pnm_save(tv_ctx *ctx, const char *func, const tv_image *img, int32_t quality,
                       void **out_data, size_t *out_size);
tv_status tvi_bmp_load(tv_ctx *ctx, const char *func, const uint8_t *data, size_t size,
                       tv_image_info *info, tv_image **out);

/* Shared argument checks for the per-format public entry points (tv_png_decode, ...). */
tv_status tvi_decode_args(tv_ctx *ctx, const char *func, const void *data, size_t size,
                          tv_image **out);
tv_status tvi_encode_args(tv_ctx *ctx, const char *func, const tv_image *img, void **out_data,
                          size_t *out_size);

#endif
