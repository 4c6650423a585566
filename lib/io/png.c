/* PNG codec on libpng 1.6: decode from memory to grey/RGB/RGBA u8 or u16, encode u8/u16.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>

#include "codec.h"

#define TVI_PNG_MSG_CAP 200
/* Largest ancillary chunk (or decompressed zTXt/iTXt/iCCP) libpng may allocate: its default. */
#define TVI_PNG_CHUNK_MALLOC_MAX 8000000
/* The PNG format's own limit on width and height (2^31 - 1). */
#define TVI_PNG_DIM_MAX 0x7fffffffu
#define TVI_PNG_DEFAULT_LEVEL 6
/* Above deflate's largest expansion (1032:1): no valid file inflates more than this. */
#define TVI_PNG_MAX_INFLATE 1100u

/* State shared with libpng's callbacks through its io, error and mem pointers. */
typedef struct tvi_png_io {
  const uint8_t *data; /* decoder input */
  size_t size;
  size_t pos;
  uint8_t *out; /* encoder output (malloc'd) */
  size_t out_len;
  size_t out_cap;
  size_t alloc_cap; /* largest allocation libpng may make (0: no cap) */
  int refused;      /* an allocation over alloc_cap was refused */
  int truncated;    /* the read callback ran out of data */
  int nomem;        /* an allocation failed */
  int limit_hit;    /* IHDR was over the user limits set from ctx->max_pixels */
  char error[TVI_PNG_MSG_CAP];
  char warning[TVI_PNG_MSG_CAP]; /* the last warning; kept for messages, never printed */
} tvi_png_io;

/* One decode. It lives in tvi_png_load's frame and is reached through a pointer from the function
 * that calls setjmp, so a longjmp cannot leave any of it indeterminate: after a libpng error the
 * image, row array and libpng structs below are all still known and freed. */
typedef struct tvi_png_dec {
  tv_ctx *ctx;
  const char *func;
  tvi_png_io io;
  png_structp png;
  png_infop info;
  int want_pixels;
  tv_image_info hdr;
  tv_image *img;
  png_bytep *rows;
  tv_status st; /* a failure our own checks found (already recorded), else TV_OK */
} tvi_png_dec;

/* One encode, kept like tvi_png_dec. */
typedef struct tvi_png_enc {
  const tv_image *img;
  int level;
  tvi_png_io io;
  png_structp png;
  png_infop info;
} tvi_png_enc;

static int tvi_png_little_endian(void) {
  const uint16_t one = 1;
  uint8_t first;
  memcpy(&first, &one, 1);
  return first == 1;
}

static void tvi_png_error_fn(png_structp png, png_const_charp msg) {
  tvi_png_io *io = png_get_error_ptr(png);
  snprintf(io->error, sizeof io->error, "%s", msg && *msg ? msg : "unknown libpng error");
  png_longjmp(png, 1);
}

static void tvi_png_warning_fn(png_structp png, png_const_charp msg) {
  tvi_png_io *io = png_get_error_ptr(png);
  if (!msg) return;
  snprintf(io->warning, sizeof io->warning, "%s", msg);
  if (strstr(msg, "exceeds user limit")) io->limit_hit = 1;
}

/* libpng's allocator. The decoder caps each allocation: a hostile chunk length (libpng 1.6.39
 * allocates a tEXt chunk's declared size before reading it) then fails like a failed malloc, which
 * libpng handles by skipping the chunk or stopping with an error. */
static png_voidp tvi_png_malloc_fn(png_structp png, png_alloc_size_t size) {
  tvi_png_io *io = png_get_mem_ptr(png);
  if (io && io->alloc_cap && size > io->alloc_cap) {
    io->refused = 1;
    return NULL;
  }
  void *p = malloc(size ? size : 1);
  if (!p && io) io->nomem = 1;
  return p;
}

static void tvi_png_free_fn(png_structp png, png_voidp p) {
  (void)png;
  free(p);
}

static void tvi_png_read_fn(png_structp png, png_bytep buf, size_t n) {
  tvi_png_io *io = png_get_io_ptr(png);
  if (n > io->size - io->pos) {
    char msg[TVI_PNG_MSG_CAP];
    io->truncated = 1;
    snprintf(msg, sizeof msg, "data truncated: it ends after %zu bytes (%zu more needed)", io->size,
             n - (io->size - io->pos));
    png_error(png, msg);
  }
  memcpy(buf, io->data + io->pos, n);
  io->pos += n;
}

static void tvi_png_write_fn(png_structp png, png_bytep buf, size_t n) {
  tvi_png_io *io = png_get_io_ptr(png);
  if (n > io->out_cap - io->out_len) {
    size_t cap = io->out_cap ? io->out_cap : (size_t)1 << 16;
    while (cap - io->out_len < n) {
      if (cap > SIZE_MAX / 2) {
        io->nomem = 1;
        png_error(png, "encoded data too large");
      }
      cap *= 2;
    }
    uint8_t *p = realloc(io->out, cap);
    if (!p) {
      io->nomem = 1;
      png_error(png, "out of memory for the encoded data");
    }
    io->out = p;
    io->out_cap = cap;
  }
  memcpy(io->out + io->out_len, buf, n);
  io->out_len += n;
}

static void tvi_png_flush_fn(png_structp png) { (void)png; }

/* Runs step(arg) with libpng's error jump set: 0 when it returned, 1 after png_error. Nothing here
 * is modified between setjmp and longjmp; all state is in *arg. */
static int tvi_png_guard(png_structp png, void (*step)(void *), void *arg) {
  if (setjmp(png_jmpbuf(png))) return 1;
  step(arg);
  return 0;
}

/* Channels the decoder returns for a colour type: tRNS and grey+alpha give RGBA. */
static int32_t tvi_png_channels(int color_type, int has_trns) {
  switch (color_type) {
  case PNG_COLOR_TYPE_GRAY: return has_trns ? 4 : 1;
  case PNG_COLOR_TYPE_RGB:
  case PNG_COLOR_TYPE_PALETTE: return has_trns ? 4 : 3;
  default: return 4; /* grey+alpha, RGBA */
  }
}

/* Reads the header and, if wanted, the pixels; libpng errors longjmp out to tvi_png_guard. */
static void tvi_png_decode_step(void *arg) {
  tvi_png_dec *d = arg;
  png_structp png = d->png;
  png_infop info = d->info;
  png_read_info(png, info);
  png_uint_32 w = 0, h = 0;
  int depth = 0, ctype = 0, interlace = 0;
  png_get_IHDR(png, info, &w, &h, &depth, &ctype, &interlace, NULL, NULL);
  const int has_trns = png_get_valid(png, info, PNG_INFO_tRNS) != 0;
  const int32_t channels = tvi_png_channels(ctype, has_trns);
  const tv_pixel_type type = depth == 16 ? TV_U16 : TV_U8;
  d->hdr.width = (int32_t)w;
  d->hdr.height = (int32_t)h;
  d->hdr.channels = channels;
  d->hdr.type = (int32_t)type;
  d->hdr.format = TV_FORMAT_PNG;
  d->hdr.bit_depth = depth;
  if (!d->want_pixels) return;

  /* Refuse over-limit sizes before libpng allocates its row buffers and before the image. */
  if ((int64_t)w > d->ctx->max_pixels / (int64_t)h) {
    d->st = tvi_fail(d->ctx, TV_ERR_TOO_LARGE, d->func,
                     "PNG: image %lux%lu exceeds the context's limit of %lld pixels",
                     (unsigned long)w, (unsigned long)h, (long long)d->ctx->max_pixels);
    return;
  }
  /* Deflate expands at most 1032:1, so data this short cannot hold the pixels: refuse it before
   * allocating an image for a few hundred bytes of hostile header. */
  const uint64_t pixel_bits = (uint64_t)png_get_channels(png, info) * (uint64_t)depth;
  const uint64_t raw_min = (uint64_t)w * (uint64_t)h * pixel_bits / 8u;
  if (raw_min / TVI_PNG_MAX_INFLATE > (uint64_t)d->io.size) {
    d->st = tvi_fail(d->ctx, TV_ERR_CORRUPT, d->func,
                     "PNG: data truncated: %zu bytes cannot hold the pixels of a %lux%lu image "
                     "(%llu bytes uncompressed)",
                     d->io.size, (unsigned long)w, (unsigned long)h, (unsigned long long)raw_min);
    return;
  }
  /* libpng's row buffers hold up to 8 bytes per pixel, plus filter byte and alignment slack. */
  const size_t row_need = ((size_t)w + 8) * 8 + 1024;
  if (row_need > d->io.alloc_cap) d->io.alloc_cap = row_need;
  /* Palette to RGB, grey below 8 bits scaled to 0..255, tRNS to alpha; no gamma. */
  png_set_expand(png);
  if (channels == 4 && (ctype == PNG_COLOR_TYPE_GRAY || ctype == PNG_COLOR_TYPE_GRAY_ALPHA))
    png_set_gray_to_rgb(png);
  if (depth == 16 && tvi_png_little_endian()) png_set_swap(png);
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
  const size_t row_bytes = (size_t)w * (size_t)channels * (size_t)tv_pixel_size(type);
  if (png_get_channels(png, info) != channels || png_get_rowbytes(png, info) != row_bytes) {
    d->st = tvi_fail(d->ctx, TV_ERR_INTERNAL, d->func,
                     "PNG: libpng gives %d channels and %zu bytes per row, %d and %zu expected",
                     (int)png_get_channels(png, info), (size_t)png_get_rowbytes(png, info),
                     (int)channels, row_bytes);
    return;
  }
  d->st = tvi_image_alloc(d->ctx, d->func, (int32_t)w, (int32_t)h, channels, type, &d->img);
  if (d->st != TV_OK) return;
  d->rows = malloc((size_t)h * sizeof *d->rows);
  if (!d->rows) {
    d->st = tvi_fail(d->ctx, TV_ERR_NOMEM, d->func, "PNG: cannot allocate %lu row pointers",
                     (unsigned long)h);
    return;
  }
  for (png_uint_32 y = 0; y < h; y++) d->rows[y] = tvi_row(d->img, (int64_t)y);
  png_read_image(png, d->rows);
  png_read_end(png, info);
}

tv_status tvi_png_load(tv_ctx *ctx, const char *func, const uint8_t *data, size_t size,
                       tv_image_info *info, tv_image **out) {
  static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  tvi_png_dec d;
  memset(&d, 0, sizeof d);
  d.ctx = ctx;
  d.func = func;
  d.want_pixels = out != NULL;
  d.io.data = data;
  d.io.size = size;
  /* No chunk can hold more than the data; decompressed text and ICC profiles stop at the chunk
   * limit. Row buffers raise the cap once the size has passed the pixel limit. */
  d.io.alloc_cap = size > SIZE_MAX - 4096 ? SIZE_MAX : size + 4096;
  if (d.io.alloc_cap < TVI_PNG_CHUNK_MALLOC_MAX + 4096)
    d.io.alloc_cap = TVI_PNG_CHUNK_MALLOC_MAX + 4096;
  tv_status st = TV_OK;

  /* The signature, checked as libpng does but before it, so "not PNG" has its own status. */
  const size_t head = size < 8 ? size : 8;
  if (memcmp(data, sig, head) != 0)
    TVI_FAIL_AS(ctx, TV_ERR_FORMAT, func, "PNG: %s",
                head >= 4 && memcmp(data, sig, 4) == 0 ? "PNG file corrupted by ASCII conversion"
                                                       : "Not a PNG file");
  if (size < 8)
    TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func,
                "PNG: data truncated: %zu bytes, not even the 8-byte signature", size);

  d.png = png_create_read_struct_2(PNG_LIBPNG_VER_STRING, &d.io, tvi_png_error_fn,
                                   tvi_png_warning_fn, &d.io, tvi_png_malloc_fn, tvi_png_free_fn);
  if (d.png) d.info = png_create_info_struct(d.png);
  if (!d.png || !d.info)
    TVI_FAIL_AS(ctx, TV_ERR_NOMEM, func, "PNG: cannot create the libpng decoder");
  png_set_read_fn(d.png, &d.io, tvi_png_read_fn);
  png_set_sig_bytes(d.png, 8);
  d.io.pos = 8;
  /* A dimension over max_pixels can never be decoded: let IHDR refuse it. A probe only reports. */
  png_uint_32 dim_max = TVI_PNG_DIM_MAX;
  if (d.want_pixels && ctx->max_pixels < (int64_t)dim_max) dim_max = (png_uint_32)ctx->max_pixels;
  png_set_user_limits(d.png, dim_max, dim_max);
  png_set_chunk_malloc_max(d.png, TVI_PNG_CHUNK_MALLOC_MAX);

  if (tvi_png_guard(d.png, tvi_png_decode_step, &d) != 0) {
    tv_status code = TV_ERR_CORRUPT;
    if (d.io.nomem)
      code = TV_ERR_NOMEM;
    else if (d.io.limit_hit && !d.io.truncated)
      code = TV_ERR_TOO_LARGE;
    if (code == TV_ERR_TOO_LARGE)
      TVI_FAIL_AS(ctx, code, func, "PNG: %s: %s (the context's limit is %lld pixels)", d.io.error,
                  d.io.warning, (long long)ctx->max_pixels);
    if (d.io.refused)
      TVI_FAIL_AS(ctx, code, func,
                  "PNG: %s (after a chunk declared more than %zu bytes of data can hold)",
                  d.io.error, size);
    if (d.io.warning[0] && !d.io.nomem)
      TVI_FAIL_AS(ctx, code, func, "PNG: %s (after warning: %s)", d.io.error, d.io.warning);
    TVI_FAIL_AS(ctx, code, func, "PNG: %s", d.io.error);
  }
  TVI_TRY(d.st);
  if (info) *info = d.hdr;
  if (out) {
    *out = d.img;
    d.img = NULL;
  }
done:
  if (d.png) png_destroy_read_struct(&d.png, d.info ? &d.info : NULL, NULL);
  free(d.rows);
  tv_image_destroy(d.img);
  return st;
}

static void tvi_png_encode_step(void *arg) {
  tvi_png_enc *e = arg;
  const tv_image *img = e->img;
  const int depth = img->type == TV_U16 ? 16 : 8;
  const int ctype = img->channels == 1   ? PNG_COLOR_TYPE_GRAY
                    : img->channels == 3 ? PNG_COLOR_TYPE_RGB
                                         : PNG_COLOR_TYPE_RGB_ALPHA;
  png_set_IHDR(e->png, e->info, (png_uint_32)img->width, (png_uint_32)img->height, depth, ctype,
               PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_set_compression_level(e->png, e->level);
  png_write_info(e->png, e->info);
  /* The file holds 16-bit samples big-endian; libpng swaps a copy of each row, not img. */
  if (depth == 16 && tvi_png_little_endian()) png_set_swap(e->png);
  for (int32_t y = 0; y < img->height; y++) png_write_row(e->png, tvi_row(img, y));
  png_write_end(e->png, e->info);
}

tv_status tvi_png_save(tv_ctx *ctx, const char *func, const tv_image *img, int32_t quality,
                       void **out_data, size_t *out_size) {
  tvi_png_enc e;
  memset(&e, 0, sizeof e);
  e.img = img;
  tv_status st = TV_OK;
  if (quality < 0 || quality > 9)
    TVI_FAIL_AS(ctx, TV_ERR_ARG, func, "PNG: level %d is outside 0..9 (0 = default %d)",
                (int)quality, TVI_PNG_DEFAULT_LEVEL);
  e.level = quality == 0 ? TVI_PNG_DEFAULT_LEVEL : quality;
  if (img->type != TV_U8 && img->type != TV_U16)
    TVI_FAIL_AS(ctx, TV_ERR_TYPE, func,
                "PNG: holds only u8 or u16 samples, not %s (convert with tv_image_convert first)",
                img->type == TV_F32 ? "f32" : "this type");
  if (img->channels != 1 && img->channels != 3 && img->channels != 4)
    TVI_FAIL_AS(ctx, TV_ERR_TYPE, func, "PNG: holds 1, 3 or 4 channels, not %d",
                (int)img->channels);

  e.png = png_create_write_struct_2(PNG_LIBPNG_VER_STRING, &e.io, tvi_png_error_fn,
                                    tvi_png_warning_fn, &e.io, tvi_png_malloc_fn, tvi_png_free_fn);
  if (e.png) e.info = png_create_info_struct(e.png);
  if (!e.png || !e.info)
    TVI_FAIL_AS(ctx, TV_ERR_NOMEM, func, "PNG: cannot create the libpng encoder");
  png_set_write_fn(e.png, &e.io, tvi_png_write_fn, tvi_png_flush_fn);
  png_set_user_limits(e.png, TVI_PNG_DIM_MAX, TVI_PNG_DIM_MAX);
  if (tvi_png_guard(e.png, tvi_png_encode_step, &e) != 0)
    TVI_FAIL_AS(ctx, e.io.nomem ? TV_ERR_NOMEM : TV_ERR_INTERNAL, func, "PNG: %s", e.io.error);
  *out_data = e.io.out;
  *out_size = e.io.out_len;
  e.io.out = NULL;
done:
  if (e.png) png_destroy_write_struct(&e.png, e.info ? &e.info : NULL);
  free(e.io.out);
  return st;
}

tv_status tv_png_decode(tv_ctx *ctx, const void *data, size_t size, tv_image **out) {
  tv_status st = tvi_decode_args(ctx, __func__, data, size, out);
  if (st != TV_OK) return st;
  tv_image *img = NULL;
  st = tvi_png_load(ctx, __func__, data, size, NULL, &img);
  if (st == TV_OK) *out = img;
  return st;
}

tv_status tv_png_encode(tv_ctx *ctx, const tv_image *img, int32_t level, void **out_data,
                        size_t *out_size) {
  tv_status st = tvi_encode_args(ctx, __func__, img, out_data, out_size);
  if (st != TV_OK) return st;
  void *buf = NULL;
  size_t n = 0;
  st = tvi_png_save(ctx, __func__, img, level, &buf, &n);
  if (st != TV_OK) return st;
  *out_data = buf;
  *out_size = n;
  return TV_OK;
}
