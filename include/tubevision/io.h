/* tubevision image I/O: PNG, JPEG, PGM/PPM and BMP from files and memory, format by content.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef TUBEVISION_IO_H
#define TUBEVISION_IO_H

#include "image.h"

#ifdef __cplusplus
extern "C" {
#endif

/* File formats. Values are pinned. */
typedef enum tv_format {
  TV_FORMAT_UNKNOWN = 0, /* for writing: choose from the file name's extension */
  TV_FORMAT_PNG = 1,
  TV_FORMAT_JPEG = 2,
  TV_FORMAT_PNM = 3, /* PGM (P2, P5) and PPM (P3, P6) */
  TV_FORMAT_BMP = 4  /* read only */
} tv_format;

/* What a file's header says, read without decoding the pixels. */
typedef struct tv_image_info {
  int32_t width;
  int32_t height;
  int32_t channels;  /* as the decoder will return them: 1, 3 or 4 */
  int32_t type;      /* tv_pixel_type the decoder will return */
  int32_t format;    /* tv_format */
  int32_t bit_depth; /* bits per sample in the file (1 to 16) */
} tv_image_info;

/* Name of a format: "png", "jpeg", "pnm", "bmp", "unknown". */
TV_API const char *tv_format_name(tv_format format);

/* The format of data from its first bytes (magic), TV_FORMAT_UNKNOWN if none matches. */
TV_API tv_format tv_format_detect(const void *data, size_t size);

/* Decodes an image held in memory; the format is found from its content. The result is a new
 * image: grey files give 1 channel, colour files 3, files with alpha (or PNG tRNS) 4; 16-bit PNG
 * and PNM samples stay u16, everything else is u8. Declared sizes over TV_CTX_MAX_PIXELS are
 * refused before pixels are allocated. *out is NULL on failure. Statuses: TV_OK, TV_ERR_NULL,
 * TV_ERR_ARG (size 0), TV_ERR_FORMAT, TV_ERR_CORRUPT, TV_ERR_UNSUPPORTED, TV_ERR_TOO_LARGE,
 * TV_ERR_NOMEM. */
TV_API tv_status tv_image_decode(tv_ctx *ctx, const void *data, size_t size, tv_image **out);

/* Reads and decodes a file (as tv_image_decode); TV_ERR_IO when it cannot be read. */
TV_API tv_status tv_image_read(tv_ctx *ctx, const char *path, tv_image **out);

/* Reads only the header of an image in memory or a file into *info (zeroed on failure). Statuses as
 * tv_image_decode. */
TV_API tv_status tv_image_probe(tv_ctx *ctx, const void *data, size_t size, tv_image_info *info);
TV_API tv_status tv_image_read_info(tv_ctx *ctx, const char *path, tv_image_info *info);

/* Encodes img in `format` into a new buffer (*out_data, free it with tv_free; *out_size bytes).
 * quality: JPEG quality 1..100, PNG zlib level 0..9; 0 means the default (JPEG 90, PNG 6), other
 * formats ignore it. PNG writes u8 and u16 with 1, 3 or 4 channels; PNM u8 and u16 with 1 or 3;
 * JPEG u8 with 1 or 3. f32 images must be converted first. On failure *out_data is NULL and
 * *out_size 0. Statuses: TV_OK, TV_ERR_NULL, TV_ERR_ARG, TV_ERR_TYPE (type or channels the format
 * cannot hold), TV_ERR_UNSUPPORTED (format cannot be written), TV_ERR_NOMEM. */
TV_API tv_status tv_image_encode(tv_ctx *ctx, const tv_image *img, tv_format format,
                                 int32_t quality, void **out_data, size_t *out_size);

/* Encodes img and writes it to path. With TV_FORMAT_UNKNOWN the format comes from the extension
 * (.png, .jpg/.jpeg, .pgm/.ppm/.pnm). The file is written under a temporary name and renamed, so an
 * existing file is replaced only by a complete new one. Statuses as tv_image_encode, plus
 * TV_ERR_IO and TV_ERR_FORMAT (no known extension). */
TV_API tv_status tv_image_write(tv_ctx *ctx, const tv_image *img, const char *path,
                                tv_format format, int32_t quality);

/* Per-format entry points, for when the format is known. They behave as tv_image_decode and
 * tv_image_encode restricted to one format (TV_ERR_FORMAT when the data is not of it), and name
 * themselves in error messages ("tv_png_decode: IDAT: CRC error"). */
TV_API tv_status tv_png_decode(tv_ctx *ctx, const void *data, size_t size, tv_image **out);
TV_API tv_status tv_png_encode(tv_ctx *ctx, const tv_image *img, int32_t level, void **out_data,
                               size_t *out_size);
TV_API tv_status tv_jpeg_decode(tv_ctx *ctx, const void *data, size_t size, tv_image **out);
TV_API tv_status tv_jpeg_encode(tv_ctx *ctx, const tv_image *img, int32_t quality, void **out_data,
                                size_t *out_size);
TV_API tv_status tv_pnm_decode(tv_ctx *ctx, const void *data, size_t size, tv_image **out);
TV_API tv_status tv_pnm_encode(tv_ctx *ctx, const tv_image *img, void **out_data, size_t *out_size);
TV_API tv_status tv_bmp_decode(tv_ctx *ctx, const void *data, size_t size, tv_image **out);

#ifdef __cplusplus
}
#endif
#endif
