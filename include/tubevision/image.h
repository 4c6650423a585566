/* tubevision images: pixel buffers with a row stride, owned, wrapped or shared as views.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef TUBEVISION_IMAGE_H
#define TUBEVISION_IMAGE_H

#include "core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Pixel (sample) types. Values are pinned. */
typedef enum tv_pixel_type {
  TV_U8 = 1,  /* unsigned 8-bit */
  TV_U16 = 2, /* unsigned 16-bit, native byte order; 12-bit cameras use the low 12 bits */
  TV_F32 = 3, /* IEEE-754 single precision */
  TV_S16 = 4, /* signed 16-bit: derivatives (Sobel, Scharr, Laplacian) */
  TV_S32 = 5  /* signed 32-bit: component labels */
} tv_pixel_type;

struct tvi_buffer;

/* An image: width x height pixels of `channels` interleaved samples of `type` (1 grey, 3 RGB,
 * 4 RGBA). Row y starts at (uint8_t *)data + y * stride. Fields are read-only for callers of
 * library-made images. A caller may also fill a tv_image itself (priv = NULL) to describe its own
 * buffer; every function that reads images accepts such a description. */
typedef struct tv_image {
  void *data;              /* first sample of row 0 */
  int64_t stride;          /* bytes from one row to the next, >= width * channels * sample size */
  int32_t width;           /* >= 1 */
  int32_t height;          /* >= 1 */
  int32_t channels;        /* 1, 3 or 4 */
  int32_t type;            /* a tv_pixel_type */
  struct tvi_buffer *priv; /* shared pixel storage, or NULL for a wrapped buffer: do not touch */
} tv_image;

/* Bytes of one sample of `type` (1, 2 or 4), 0 for an unknown type. */
TV_API int32_t tv_pixel_size(tv_pixel_type type);

/* Creates a zero-filled image. Rows are 64-byte aligned (stride a multiple of 64). Writes the new
 * image to *out, NULL on failure. Statuses: TV_OK, TV_ERR_NULL, TV_ERR_ARG (size < 1, channels not
 * 1/3/4, unknown type), TV_ERR_TOO_LARGE (over TV_CTX_MAX_PIXELS), TV_ERR_NOMEM. */
TV_API tv_status tv_image_create(tv_ctx *ctx, int32_t width, int32_t height, int32_t channels,
                                 tv_pixel_type type, tv_image **out);

/* Describes a caller's buffer without copying it. The caller keeps the buffer alive and unchanged
 * in layout until the image is destroyed; tv_image_destroy does not free it. data must be aligned
 * to the sample size. Statuses: TV_OK, TV_ERR_NULL, TV_ERR_ARG (bad size, channels, type, stride
 * below one row or misaligned data), TV_ERR_TOO_LARGE, TV_ERR_NOMEM. */
TV_API tv_status tv_image_wrap(tv_ctx *ctx, void *data, int32_t width, int32_t height,
                               int32_t channels, tv_pixel_type type, int64_t stride,
                               tv_image **out);

/* A view of the region (x, y, width, height) of src that shares its pixels: writes through the
 * view change src. A view of a library-made image keeps the pixels alive after src is destroyed;
 * a view of a wrapped buffer borrows it like the wrap does. Statuses: TV_OK, TV_ERR_NULL,
 * TV_ERR_ARG (src invalid or region not inside src, or empty), TV_ERR_NOMEM. */
TV_API tv_status tv_image_view(tv_ctx *ctx, const tv_image *src, int32_t x, int32_t y,
                               int32_t width, int32_t height, tv_image **out);

/* A new image (64-byte aligned rows) with a copy of src's pixels. Statuses as tv_image_create. */
TV_API tv_status tv_image_clone(tv_ctx *ctx, const tv_image *src, tv_image **out);

/* Copies src's pixels into dst, which must have the same size, channels and type. src and dst may
 * be the same image but must not otherwise overlap. Statuses: TV_OK, TV_ERR_NULL, TV_ERR_ARG,
 * TV_ERR_SIZE, TV_ERR_TYPE. */
TV_API tv_status tv_image_copy(tv_ctx *ctx, const tv_image *src, tv_image *dst);

/* Converts src into dst of the same size and channels and any type:
 * dst = saturate(round(src * scale + offset)), rounding half to even as OpenCV does; to f32, no
 * saturation or rounding. NaN converts to 0. Any pixel type to any other. src and dst must not
 * overlap unless they are the same image with the same type. Statuses: TV_OK, TV_ERR_NULL,
 * TV_ERR_ARG (non-finite scale/offset, overlap), TV_ERR_SIZE (sizes or channels differ). */
TV_API tv_status tv_image_convert(tv_ctx *ctx, const tv_image *src, tv_image *dst, double scale,
                                  double offset);

/* Converts RGB or RGBA src (u8, u16 or f32) to single-channel dst of the same size and type, with
 * the ITU-R BT.601 weights 0.299 R + 0.587 G + 0.114 B (alpha ignored). u8 and u16 use OpenCV 4's
 * 15-bit fixed point, (9798 R + 19235 G + 3735 B + 16384) >> 15, and equal
 * cv::cvtColor(..., COLOR_RGB2GRAY) bit for bit. A 1-channel src is copied. Statuses: TV_OK,
 * TV_ERR_NULL, TV_ERR_ARG, TV_ERR_SIZE, TV_ERR_TYPE. */
TV_API tv_status tv_image_to_grey(tv_ctx *ctx, const tv_image *src, tv_image *dst);

/* Sets every sample of img to value (saturated and rounded for integer types). Statuses: TV_OK,
 * TV_ERR_NULL, TV_ERR_ARG. */
TV_API tv_status tv_image_fill(tv_ctx *ctx, tv_image *img, double value);

/* Destroys an image made by this library; the pixels are freed when no view uses them any more.
 * Accepts NULL. Do not pass a tv_image the caller filled in itself. */
TV_API void tv_image_destroy(tv_image *img);

#ifdef __cplusplus
}
#endif
#endif
