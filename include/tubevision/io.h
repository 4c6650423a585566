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
  TV_FORMAT_PNM = 3, /* PGM (P2, P5) and PPM (P3, P6), samples kept raw (see tv_pnm_decode) */
  TV_FORMAT_BMP = 4  /* read only (see tv_bmp_decode) */
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
 * quality: JPEG quality 1..100, PNG zlib level 1..9; 0 means the default (JPEG 90, PNG 6), other
 * formats ignore it. PNG writes u8 and u16 with 1, 3 or 4 channels; PNM u8 and u16 with 1 or 3;
 * JPEG u8 with 1 or 3. f32 images must be converted first. On failure *out_data is NULL and
 * *out_size 0. Statuses: TV_OK, TV_ERR_NULL, TV_ERR_ARG, TV_ERR_TYPE (type or channels the format
 * cannot hold), TV_ERR_UNSUPPORTED (format cannot be written),
 * TV_ERR_TOO_LARGE (JPEG side over 65500), TV_ERR_NOMEM. */
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
 * themselves in error messages ("tv_png_decode: PNG: IDAT: CRC error"). */

/* PNG, through libpng 1.6. Decodes every colour type, bit depth and Adam7 interlacing: grey gives
 * 1 channel, RGB and palette 3, grey+alpha, RGBA and any file with tRNS 4 (RGBA; tRNS becomes
 * alpha). 16-bit files give u16 in native byte order, all others u8 with 1, 2 and 4-bit samples
 * scaled to 0..255 (1-bit 1 -> 255). No gamma or colour management (gAMA, cHRM, sRGB, iCCP are
 * ignored). A palette index beyond PLTE decodes as black (opaque unless tRNS says otherwise), as
 * libpng does. Accepts and rejects what libpng does with its default CRC handling, reading to
 * IEND: a bad CRC in a critical chunk, a zlib or Adler-32 error, missing or short image data and
 * data that ends early are TV_ERR_CORRUPT; damaged ancillary chunks are skipped. Not a PNG
 * signature is TV_ERR_FORMAT. The header's size is checked against TV_CTX_MAX_PIXELS
 * (TV_ERR_TOO_LARGE) before anything is allocated, and a hostile chunk length cannot make libpng
 * allocate much more than the data holds.
 * tv_png_encode writes u8 as 8-bit and u16 as 16-bit PNG, 1, 3 or 4 channels as grey, RGB or RGBA,
 * not interlaced, with libpng's adaptive filtering; the stride of img is respected. level is the
 * zlib level 1..9 and 0 selects the default 6 (zlib's level 0, no compression, is not offered);
 * other values are TV_ERR_ARG, f32 is TV_ERR_TYPE. Thread-safe with one context per thread. */
TV_API tv_status tv_png_decode(tv_ctx *ctx, const void *data, size_t size, tv_image **out);
TV_API tv_status tv_png_encode(tv_ctx *ctx, const tv_image *img, int32_t level, void **out_data,
                               size_t *out_size);

/* JPEG, through libjpeg-turbo's TurboJPEG API. Decodes 8-bit baseline, extended, progressive and
 * arithmetic-coded files: greyscale gives 1 channel, YCbCr and RGB give 3 (RGB), with libjpeg's
 * default settings (accurate integer IDCT, smooth "fancy" chroma upsampling), so the pixels equal
 * djpeg's bit for bit. CMYK and YCCK (Adobe, stored inverted) are converted to RGB as R = C*K/255
 * (truncated, as in Go's and Mozilla's reference images), without colour management. Strict about
 * damage: corrupt or truncated data that libjpeg would only warn about and fill in (grey blocks) is
 * TV_ERR_CORRUPT with libjpeg's warning text ("tv_jpeg_decode: JPEG: Premature end of JPEG file"),
 * so a damaged file never yields an image. 12-bit and lossless (SOF3) files and colour spaces with
 * other component counts are TV_ERR_UNSUPPORTED; a progressive file with more than 500 scans is
 * TV_ERR_TOO_LARGE. The header's size is checked against TV_CTX_MAX_PIXELS before anything is
 * allocated; tv_image_probe reads only the header. Encodes u8 with 1 channel as a greyscale JPEG
 * and with 3 (RGB) as YCbCr without chroma subsampling (4:4:4: fine edges and colour defects keep
 * full resolution), baseline Huffman, accurate integer DCT; the stride of img is respected. 4
 * channels (drop alpha first), u16 and f32 are TV_ERR_TYPE; a side over 65500 pixels (the format's
 * limit) is TV_ERR_TOO_LARGE. Thread-safe with one context per thread. */
TV_API tv_status tv_jpeg_decode(tv_ctx *ctx, const void *data, size_t size, tv_image **out);
TV_API tv_status tv_jpeg_encode(tv_ctx *ctx, const tv_image *img, int32_t quality, void **out_data,
                                size_t *out_size);

/* PGM/PPM. Reads P2 and P5 (grey, 1 channel) and P3 and P6 (RGB, 3 channels) with maxval 1 to
 * 65535, comments anywhere the header allows whitespace; a file holding several images gives the
 * first. maxval <= 255 gives u8, above 255 u16 (big-endian in the file, native in memory).
 * Samples are kept raw, not scaled to the type's full range: a 12-bit camera's file with maxval
 * 4095 decodes to values 0..4095 (tv_image_info.bit_depth says 12); a sample above maxval is
 * TV_ERR_CORRUPT. P1/P4 (PBM), P7 (PAM) and PF/Pf (PFM) are TV_ERR_UNSUPPORTED here;
 * tv_image_decode does not recognise them (TV_ERR_FORMAT). Writes binary only: 1 channel as P5, 3
 * as P6, maxval 255 for u8 and 65535 for u16; 4 channels and f32 are TV_ERR_TYPE (drop alpha or
 * convert first). The stride of img is respected. Thread-safe with one context per thread. */
TV_API tv_status tv_pnm_decode(tv_ctx *ctx, const void *data, size_t size, tv_image **out);
TV_API tv_status tv_pnm_encode(tv_ctx *ctx, const tv_image *img, void **out_data, size_t *out_size);

/* BMP, read only; always u8. Headers: OS/2 1.x (12 bytes) and Windows 40, 52, 56, V4 (108) and
 * V5 (124); top-down and bottom-up rows. 1-, 4- and 8-bit palette images give 1 channel when every
 * palette entry the pixels use is grey (r == g == b), else 3 (RGB); an index beyond the palette is
 * TV_ERR_CORRUPT. 24-bit gives RGB. 32-bit BI_RGB gives RGB (the fourth byte is ignored, as
 * Windows does). 16- and 32-bit BI_BITFIELDS / BI_ALPHABITFIELDS take any contiguous masks, each
 * scaled to 8 bits; a non-zero alpha mask (56-byte, V4 and V5 headers, or ALPHABITFIELDS) gives 4
 * channels (RGBA), otherwise 3. 16-bit BI_RGB is 5-5-5. RLE4/RLE8, embedded JPEG/PNG, 2- and
 * 64-bit pixels and OS/2 2.x headers are TV_ERR_UNSUPPORTED. The last row need not be padded.
 * tv_image_probe of a BMP checks that the pixel data is complete and reads palette indices (to
 * tell grey from colour). Thread-safe with one context per thread. */
TV_API tv_status tv_bmp_decode(tv_ctx *ctx, const void *data, size_t size, tv_image **out);

#ifdef __cplusplus
}
#endif
#endif
