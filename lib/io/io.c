/* Generic image I/O: format detection by magic bytes, files, and dispatch to the codecs.
 * SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "codec.h"

const char *tv_format_name(tv_format format) {
  switch (format) {
  case TV_FORMAT_PNG: return "png";
  case TV_FORMAT_JPEG: return "jpeg";
  case TV_FORMAT_PNM: return "pnm";
  case TV_FORMAT_BMP: return "bmp";
  case TV_FORMAT_UNKNOWN: break;
  }
  return "unknown";
}

tv_format tv_format_detect(const void *data, size_t size) {
  const uint8_t *p = data;
  if (!p) return TV_FORMAT_UNKNOWN;
  static const uint8_t png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (size >= 8 && memcmp(p, png_sig, 8) == 0) return TV_FORMAT_PNG;
  if (size >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff) return TV_FORMAT_JPEG;
  if (size >= 2 && p[0] == 'P' && (p[1] == '2' || p[1] == '3' || p[1] == '5' || p[1] == '6'))
    return TV_FORMAT_PNM;
  if (size >= 2 && p[0] == 'B' && p[1] == 'M') return TV_FORMAT_BMP;
  return TV_FORMAT_UNKNOWN;
}

static tvi_decode_fn tvi_decoder(tv_format f) {
  switch (f) {
  case TV_FORMAT_PNG: return tvi_png_load;
  case TV_FORMAT_JPEG: return tvi_jpeg_load;
  case TV_FORMAT_PNM: return tvi_pnm_load;
  case TV_FORMAT_BMP: return tvi_bmp_load;
  case TV_FORMAT_UNKNOWN: break;
  }
  return NULL;
}

static tvi_encode_fn tvi_encoder(tv_format f) {
  switch (f) {
  case TV_FORMAT_PNG: return tvi_png_save;
  case TV_FORMAT_JPEG: return tvi_jpeg_save;
  case TV_FORMAT_PNM: return tvi_pnm_save;
  default: return NULL;
  }
}

tv_status tvi_decode_args(tv_ctx *ctx, const char *func, const void *data, size_t size,
                          tv_image **out) {
  if (!ctx) return TV_ERR_NULL;
  if (!out) return tvi_fail(ctx, TV_ERR_NULL, func, "out is NULL");
  *out = NULL;
  if (!data) return tvi_fail(ctx, TV_ERR_NULL, func, "data is NULL");
  if (size == 0) return tvi_fail(ctx, TV_ERR_ARG, func, "data is empty (0 bytes)");
  return TV_OK;
}

tv_status tvi_encode_args(tv_ctx *ctx, const char *func, const tv_image *img, void **out_data,
                          size_t *out_size) {
  if (!ctx) return TV_ERR_NULL;
  if (out_data) *out_data = NULL;
  if (out_size) *out_size = 0;
  if (!out_data || !out_size)
    return tvi_fail(ctx, TV_ERR_NULL, func, "out_data or out_size is NULL");
  return tvi_check_image(ctx, func, "img", img);
}

/* Decodes or probes data of any known format. */
static tv_status tvi_load_any(tv_ctx *ctx, const char *func, const uint8_t *data, size_t size,
                              tv_image_info *info, tv_image **out) {
  const tv_format f = tv_format_detect(data, size);
  tvi_decode_fn dec = tvi_decoder(f);
  if (!dec) {
    if (size < 8)
      return tvi_fail(ctx, TV_ERR_FORMAT, func, "only %zu bytes: too short for any image format",
                      size);
    return tvi_fail(ctx, TV_ERR_FORMAT, func,
                    "unknown format (first bytes %02x %02x %02x %02x; PNG, JPEG, PNM or BMP "
                    "expected)",
                    data[0], data[1], data[2], data[3]);
  }
  return dec(ctx, func, data, size, info, out);
}

tv_status tv_image_decode(tv_ctx *ctx, const void *data, size_t size, tv_image **out) {
  tv_status st = tvi_decode_args(ctx, __func__, data, size, out);
  if (st != TV_OK) return st;
  tv_image *img = NULL;
  st = tvi_load_any(ctx, __func__, data, size, NULL, &img);
  if (st == TV_OK) *out = img;
  return st;
}

tv_status tv_image_probe(tv_ctx *ctx, const void *data, size_t size, tv_image_info *info) {
  if (info) memset(info, 0, sizeof *info);
  if (!ctx) return TV_ERR_NULL;
  if (!info) return TVI_ERR(ctx, TV_ERR_NULL, "info is NULL");
  if (!data) return TVI_ERR(ctx, TV_ERR_NULL, "data is NULL");
  if (size == 0) return TVI_ERR(ctx, TV_ERR_ARG, "data is empty (0 bytes)");
  tv_image_info tmp;
  memset(&tmp, 0, sizeof tmp);
  tv_status st = tvi_load_any(ctx, __func__, data, size, &tmp, NULL);
  if (st == TV_OK) *info = tmp;
  return st;
}

/* Largest file read into memory: enough for max_pixels RGBA16 samples twice over, plus 16 MiB. */
static size_t tvi_file_cap(const tv_ctx *ctx) {
  const uint64_t cap = (uint64_t)ctx->max_pixels * 16u + ((uint64_t)16 << 20);
  return cap > (uint64_t)SIZE_MAX / 2 ? SIZE_MAX / 2 : (size_t)cap;
}

/* Reads a whole file into a malloc'd buffer. */
static tv_status tvi_read_file(tv_ctx *ctx, const char *func, const char *path, uint8_t **out,
                               size_t *out_size) {
  *out = NULL;
  *out_size = 0;
  FILE *f = fopen(path, "rb");
  if (!f) return tvi_fail(ctx, TV_ERR_IO, func, "cannot open '%s': %s", path, strerror(errno));
  tv_status st = TV_OK;
  uint8_t *buf = NULL;
  size_t n = 0, cap = 0;
  const size_t limit = tvi_file_cap(ctx);
  struct stat sb;
  if (fstat(fileno(f), &sb) == 0) {
    if (S_ISDIR(sb.st_mode)) TVI_FAIL_AS(ctx, TV_ERR_IO, func, "'%s' is a directory", path);
    if (S_ISREG(sb.st_mode) && (uint64_t)sb.st_size > (uint64_t)limit)
      TVI_FAIL_AS(ctx, TV_ERR_TOO_LARGE, func, "'%s' has %lld bytes, over the %zu-byte limit", path,
                  (long long)sb.st_size, limit);
    if (S_ISREG(sb.st_mode)) cap = (size_t)sb.st_size + 1;
  }
  if (cap < 4096) cap = 4096;
  buf = malloc(cap);
  if (!buf) TVI_FAIL_AS(ctx, TV_ERR_NOMEM, func, "cannot allocate %zu bytes for '%s'", cap, path);
  for (;;) {
    const size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (got == 0 || n < cap) {
      if (ferror(f))
        TVI_FAIL_AS(ctx, TV_ERR_IO, func, "error reading '%s': %s", path, strerror(errno));
      if (feof(f)) break;
      if (got == 0) continue;
    }
    if (n == cap) {
      if (cap >= limit)
        TVI_FAIL_AS(ctx, TV_ERR_TOO_LARGE, func, "'%s' is over the %zu-byte limit", path, limit);
      size_t ncap = cap > limit / 2 ? limit : cap * 2;
      uint8_t *nb = realloc(buf, ncap);
      if (!nb)
        TVI_FAIL_AS(ctx, TV_ERR_NOMEM, func, "cannot allocate %zu bytes for '%s'", ncap, path);
      buf = nb;
      cap = ncap;
    }
  }
  if (n == 0) TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "'%s' is empty", path);
  *out = buf;
  *out_size = n;
  buf = NULL;
done:
  free(buf);
  fclose(f);
  return st;
}

tv_status tv_image_read(tv_ctx *ctx, const char *path, tv_image **out) {
  if (out) *out = NULL;
  if (!ctx) return TV_ERR_NULL;
  if (!out) return TVI_ERR(ctx, TV_ERR_NULL, "out is NULL");
  if (!path) return TVI_ERR(ctx, TV_ERR_NULL, "path is NULL");
  uint8_t *data = NULL;
  size_t size = 0;
  tv_status st = tvi_read_file(ctx, __func__, path, &data, &size);
  if (st != TV_OK) return st;
  tv_image *img = NULL;
  st = tvi_load_any(ctx, __func__, data, size, NULL, &img);
  free(data);
  if (st == TV_OK) *out = img;
  return st;
}

tv_status tv_image_read_info(tv_ctx *ctx, const char *path, tv_image_info *info) {
  if (info) memset(info, 0, sizeof *info);
  if (!ctx) return TV_ERR_NULL;
  if (!info) return TVI_ERR(ctx, TV_ERR_NULL, "info is NULL");
  if (!path) return TVI_ERR(ctx, TV_ERR_NULL, "path is NULL");
  uint8_t *data = NULL;
  size_t size = 0;
  tv_status st = tvi_read_file(ctx, __func__, path, &data, &size);
  if (st != TV_OK) return st;
  tv_image_info tmp;
  memset(&tmp, 0, sizeof tmp);
  st = tvi_load_any(ctx, __func__, data, size, &tmp, NULL);
  free(data);
  if (st == TV_OK) *info = tmp;
  return st;
}

static tv_status tvi_encode(tv_ctx *ctx, const char *func, const tv_image *img, tv_format format,
                            int32_t quality, void **out_data, size_t *out_size) {
  tvi_encode_fn enc = tvi_encoder(format);
  if (!enc) {
    if (format == TV_FORMAT_BMP)
      return tvi_fail(ctx, TV_ERR_UNSUPPORTED, func, "BMP is read only; write PNG instead");
    return tvi_fail(ctx, TV_ERR_ARG, func, "format %d cannot be written", (int)format);
  }
  void *buf = NULL;
  size_t n = 0;
  tv_status st = enc(ctx, func, img, quality, &buf, &n);
  if (st != TV_OK) return st;
  *out_data = buf;
  *out_size = n;
  return TV_OK;
}

tv_status tv_image_encode(tv_ctx *ctx, const tv_image *img, tv_format format, int32_t quality,
                          void **out_data, size_t *out_size) {
  tv_status st = tvi_encode_args(ctx, __func__, img, out_data, out_size);
  if (st != TV_OK) return st;
  return tvi_encode(ctx, __func__, img, format, quality, out_data, out_size);
}

static tv_format tvi_format_from_name(const char *path) {
  const char *dot = strrchr(path, '.');
  const char *slash = strrchr(path, '/');
  if (!dot || (slash && dot < slash)) return TV_FORMAT_UNKNOWN;
  dot++;
  if (strcasecmp(dot, "png") == 0) return TV_FORMAT_PNG;
  if (strcasecmp(dot, "jpg") == 0 || strcasecmp(dot, "jpeg") == 0) return TV_FORMAT_JPEG;
  if (strcasecmp(dot, "pgm") == 0 || strcasecmp(dot, "ppm") == 0 || strcasecmp(dot, "pnm") == 0)
    return TV_FORMAT_PNM;
  if (strcasecmp(dot, "bmp") == 0) return TV_FORMAT_BMP;
  return TV_FORMAT_UNKNOWN;
}

tv_status tv_image_write(tv_ctx *ctx, const tv_image *img, const char *path, tv_format format,
                         int32_t quality) {
  if (!ctx) return TV_ERR_NULL;
  if (!path) return TVI_ERR(ctx, TV_ERR_NULL, "path is NULL");
  tv_status st = tvi_check_image(ctx, __func__, "img", img);
  if (st != TV_OK) return st;
  if (format == TV_FORMAT_UNKNOWN) {
    format = tvi_format_from_name(path);
    if (format == TV_FORMAT_UNKNOWN)
      return TVI_ERR(ctx, TV_ERR_FORMAT,
                     "cannot tell the format of '%s' from its extension (.png, .jpg, .pgm, .ppm)",
                     path);
  }
  void *buf = NULL;
  size_t n = 0;
  char *tmp = NULL;
  int fd = -1;
  st = tvi_encode(ctx, __func__, img, format, quality, &buf, &n);
  if (st != TV_OK) goto done;
  if (format == TV_FORMAT_PNM) {
    /* A PGM holds grey, a PPM colour: refuse a name that says otherwise. */
    const char *dot = strrchr(path, '.');
    if (dot && ((strcasecmp(dot, ".pgm") == 0 && img->channels != 1) ||
                (strcasecmp(dot, ".ppm") == 0 && img->channels == 1)))
      TVI_FAIL(ctx, TV_ERR_TYPE, "a %d-channel image cannot be written as '%s' (use %s)",
               img->channels, path, img->channels == 1 ? ".pgm" : ".ppm");
  }
  const size_t plen = strlen(path);
  tmp = malloc(plen + 16);
  if (!tmp) TVI_FAIL(ctx, TV_ERR_NOMEM, "out of memory");
  memcpy(tmp, path, plen);
  memcpy(tmp + plen, ".tmp-XXXXXX", 12);
  fd = mkstemp(tmp);
  if (fd < 0)
    TVI_FAIL(ctx, TV_ERR_IO, "cannot create a file beside '%s': %s", path, strerror(errno));
  const mode_t mask = umask(0);
  umask(mask);
  (void)fchmod(fd, 0666 & ~mask);
  size_t off = 0;
  while (off < n) {
    const ssize_t w = write(fd, (const uint8_t *)buf + off, n - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) TVI_FAIL(ctx, TV_ERR_IO, "cannot write '%s': %s", path, strerror(errno));
    off += (size_t)w;
  }
  if (close(fd) != 0) {
    fd = -1;
    TVI_FAIL(ctx, TV_ERR_IO, "cannot write '%s': %s", path, strerror(errno));
  }
  fd = -1;
  if (rename(tmp, path) != 0)
    TVI_FAIL(ctx, TV_ERR_IO, "cannot write '%s': %s", path, strerror(errno));
  free(tmp);
  tmp = NULL;
done:
  if (fd >= 0) close(fd);
  if (tmp) {
    unlink(tmp);
    free(tmp);
  }
  free(buf);
  return st;
}
