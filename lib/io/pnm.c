/* PGM/PPM codec (Netpbm P2, P3, P5, P6), hand-written: header parser, raster reader and writer.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"

/* What the header says. */
typedef struct tvi_pnm_header {
  int kind;         /* 2, 3, 5 or 6 (the digit after 'P') */
  int32_t channels; /* 1 (P2, P5) or 3 (P3, P6) */
  int32_t width;
  int32_t height;
  uint32_t maxval; /* 1 .. 65535 */
  size_t raster;   /* offset of the first raster byte (binary) or of the ASCII samples */
} tvi_pnm_header;

static int tvi_pnm_is_space(uint8_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static int tvi_pnm_is_digit(uint8_t c) { return c >= '0' && c <= '9'; }

/* Describes a byte for a message: 'x' when printable, else its hex value. */
static void tvi_pnm_describe(uint8_t c, char buf[16]) {
  if (c >= 0x21 && c <= 0x7e)
    snprintf(buf, 16, "'%c'", (char)c);
  else
    snprintf(buf, 16, "byte 0x%02x", (unsigned)c);
}

/* Skips whitespace and comments (from '#' to the end of the line) starting at pos. */
static size_t tvi_pnm_skip(const uint8_t *d, size_t n, size_t pos) {
  while (pos < n) {
    if (d[pos] == '#') {
      while (pos < n && d[pos] != '\n' && d[pos] != '\r') pos++;
    } else if (tvi_pnm_is_space(d[pos])) {
      pos++;
    } else {
      break;
    }
  }
  return pos;
}

/* Reads the unsigned decimal header field `what` after whitespace and comments into *out. A value
 * over `limit` fails with status `over`; digits beyond 2^40 saturate, so nothing can overflow. */
static tv_status tvi_pnm_field(tv_ctx *ctx, const char *func, const uint8_t *d, size_t n,
                               size_t *pos, const char *what, uint64_t limit, tv_status over,
                               uint64_t *out) {
  size_t p = tvi_pnm_skip(d, n, *pos);
  char c[16];
  if (p >= n)
    return tvi_fail(ctx, TV_ERR_CORRUPT, func, "PNM: header truncated before the %s", what);
  if (!tvi_pnm_is_digit(d[p])) {
    if (d[p] == '-')
      return tvi_fail(ctx, TV_ERR_CORRUPT, func, "PNM: negative %s in the header", what);
    tvi_pnm_describe(d[p], c);
    return tvi_fail(ctx, TV_ERR_CORRUPT, func, "PNM: %s expected in the header, found %s", what, c);
  }
  const size_t start = p;
  uint64_t v = 0;
  const uint64_t cap = (uint64_t)1 << 40;
  for (; p < n && tvi_pnm_is_digit(d[p]); p++) {
    v = v * 10 + (uint64_t)(d[p] - '0');
    if (v > cap) v = cap;
  }
  const int len = (int)(p - start > 24 ? 24 : p - start);
  if (p < n && !tvi_pnm_is_space(d[p]) && d[p] != '#') {
    tvi_pnm_describe(d[p], c);
    return tvi_fail(ctx, TV_ERR_CORRUPT, func, "PNM: %s '%.*s' is followed by %s", what, len,
                    (const char *)d + start, c);
  }
  if (v > limit)
    return tvi_fail(ctx, over, func, "PNM: %s %.*s%s is too large (at most %llu)", what, len,
                    (const char *)d + start, p - start > 24 ? "..." : "",
                    (unsigned long long)limit);
  *out = v;
  *pos = p;
  return TV_OK;
}

/* Parses the header: magic, width, height, maxval and the single whitespace before the raster. */
static tv_status tvi_pnm_header_read(tv_ctx *ctx, const char *func, const uint8_t *d, size_t n,
                                     tvi_pnm_header *h) {
  if (n < 2 || d[0] != 'P')
    return tvi_fail(ctx, TV_ERR_FORMAT, func, "PNM: not a PGM/PPM file (no 'P' magic)");
  switch (d[1]) {
  case '2':
  case '5': h->channels = 1; break;
  case '3':
  case '6': h->channels = 3; break;
  case '1':
  case '4':
    return tvi_fail(ctx, TV_ERR_UNSUPPORTED, func,
                    "PNM: P%c (PBM bitmap) is not supported; convert it to PGM (P5)", d[1]);
  case '7':
    return tvi_fail(ctx, TV_ERR_UNSUPPORTED, func,
                    "PNM: P7 (PAM) is not supported; convert it to PGM (P5) or PPM (P6)");
  case 'F':
  case 'f':
    return tvi_fail(ctx, TV_ERR_UNSUPPORTED, func, "PNM: P%c (PFM float) is not supported", d[1]);
  default:
    return tvi_fail(ctx, TV_ERR_FORMAT, func, "PNM: not a PGM/PPM file (magic 'P' then 0x%02x)",
                    (unsigned)d[1]);
  }
  h->kind = d[1] - '0';
  size_t p = 2;
  if (p < n && !tvi_pnm_is_space(d[p]) && d[p] != '#')
    return tvi_fail(ctx, TV_ERR_CORRUPT, func, "PNM: no whitespace after the magic 'P%c'", d[1]);
  uint64_t w = 0, hh = 0, maxval = 0;
  tv_status st = tvi_pnm_field(ctx, func, d, n, &p, "width", INT32_MAX, TV_ERR_TOO_LARGE, &w);
  if (st == TV_OK)
    st = tvi_pnm_field(ctx, func, d, n, &p, "height", INT32_MAX, TV_ERR_TOO_LARGE, &hh);
  if (st == TV_OK)
    st = tvi_pnm_field(ctx, func, d, n, &p, "maxval", 65535, TV_ERR_CORRUPT, &maxval);
  if (st != TV_OK) return st;
  if (w == 0 || hh == 0)
    return tvi_fail(ctx, TV_ERR_CORRUPT, func, "PNM: image size %llux%llu is invalid",
                    (unsigned long long)w, (unsigned long long)hh);
  if (maxval == 0)
    return tvi_fail(ctx, TV_ERR_CORRUPT, func, "PNM: maxval %llu is invalid (1 to 65535)",
                    (unsigned long long)maxval);
  /* Exactly one whitespace character (or a comment ending in a newline) ends the header. */
  if (p < n) {
    if (d[p] == '#') {
      while (p < n && d[p] != '\n' && d[p] != '\r') p++;
    }
    if (p < n) p++;
  }
  h->width = (int32_t)w;
  h->height = (int32_t)hh;
  h->maxval = (uint32_t)maxval;
  h->raster = p;
  return TV_OK;
}

static int32_t tvi_pnm_bits(uint32_t maxval) {
  int32_t bits = 0;
  while (maxval) {
    bits++;
    maxval >>= 1;
  }
  return bits;
}

/* Reads binary samples (P5, P6) into img, checking each against maxval. */
static tv_status tvi_pnm_binary(tv_ctx *ctx, const char *func, const tvi_pnm_header *h,
                                const uint8_t *src, tv_image *img) {
  const size_t row_samples = (size_t)h->width * (size_t)h->channels;
  for (int32_t y = 0; y < h->height; y++) {
    if (h->maxval <= 255) {
      uint8_t *row = tvi_row(img, y);
      memcpy(row, src, row_samples);
      src += row_samples;
      if (h->maxval < 255)
        for (size_t i = 0; i < row_samples; i++)
          if (row[i] > h->maxval)
            return tvi_fail(ctx, TV_ERR_CORRUPT, func,
                            "PNM: sample %u at (%zu, %d) is above maxval %u", (unsigned)row[i],
                            i / (size_t)h->channels, y, (unsigned)h->maxval);
    } else {
      uint16_t *row = tvi_row(img, y);
      for (size_t i = 0; i < row_samples; i++, src += 2) {
        row[i] = (uint16_t)((unsigned)src[0] << 8 | src[1]);
        if (row[i] > h->maxval)
          return tvi_fail(ctx, TV_ERR_CORRUPT, func,
                          "PNM: sample %u at (%zu, %d) is above maxval %u", (unsigned)row[i],
                          i / (size_t)h->channels, y, (unsigned)h->maxval);
      }
    }
  }
  return TV_OK;
}

/* Reads ASCII samples (P2, P3) from d[pos..n) into img. Comments between samples are skipped. */
static tv_status tvi_pnm_ascii(tv_ctx *ctx, const char *func, const tvi_pnm_header *h,
                               const uint8_t *d, size_t n, size_t pos, tv_image *img) {
  const size_t row_samples = (size_t)h->width * (size_t)h->channels;
  const uint64_t total = (uint64_t)row_samples * (uint64_t)h->height;
  uint64_t index = 0;
  char c[16];
  for (int32_t y = 0; y < h->height; y++) {
    uint8_t *row8 = tvi_row(img, y);
    uint16_t *row16 = tvi_row(img, y);
    for (size_t i = 0; i < row_samples; i++, index++) {
      pos = tvi_pnm_skip(d, n, pos);
      if (pos >= n)
        return tvi_fail(ctx, TV_ERR_CORRUPT, func,
                        "PNM: ASCII pixel data truncated: %llu of %llu samples",
                        (unsigned long long)index, (unsigned long long)total);
      if (!tvi_pnm_is_digit(d[pos])) {
        tvi_pnm_describe(d[pos], c);
        return tvi_fail(ctx, TV_ERR_CORRUPT, func, "PNM: %s where ASCII sample %llu should be", c,
                        (unsigned long long)index);
      }
      uint32_t v = 0;
      for (; pos < n && tvi_pnm_is_digit(d[pos]); pos++) {
        v = v * 10 + (uint32_t)(d[pos] - '0');
        if (v > 65536) v = 65536;
      }
      if (pos < n && !tvi_pnm_is_space(d[pos]) && d[pos] != '#') {
        tvi_pnm_describe(d[pos], c);
        return tvi_fail(ctx, TV_ERR_CORRUPT, func, "PNM: %s inside ASCII sample %llu", c,
                        (unsigned long long)index);
      }
      if (v > h->maxval)
        return tvi_fail(ctx, TV_ERR_CORRUPT, func,
                        "PNM: sample %s%u at (%zu, %d) is above maxval %u",
                        v > 65535 ? "over " : "", v > 65535 ? 65535u : (unsigned)v,
                        i / (size_t)h->channels, y, (unsigned)h->maxval);
      if (h->maxval <= 255)
        row8[i] = (uint8_t)v;
      else
        row16[i] = (uint16_t)v;
    }
  }
  return TV_OK;
}

tv_status tvi_pnm_load(tv_ctx *ctx, const char *func, const uint8_t *data, size_t size,
                       tv_image_info *info, tv_image **out) {
  tvi_pnm_header h;
  memset(&h, 0, sizeof h);
  tv_image *img = NULL;
  tv_status st = tvi_pnm_header_read(ctx, func, data, size, &h);
  if (st != TV_OK) return st;
  const tv_pixel_type type = h.maxval > 255 ? TV_U16 : TV_U8;
  if (info) {
    info->width = h.width;
    info->height = h.height;
    info->channels = h.channels;
    info->type = (int32_t)type;
    info->format = TV_FORMAT_PNM;
    info->bit_depth = tvi_pnm_bits(h.maxval);
  }
  if (!out) return TV_OK;
  /* Refuse over-limit sizes before looking at (or allocating for) the raster. */
  if ((int64_t)h.width > ctx->max_pixels / h.height)
    TVI_FAIL_AS(ctx, TV_ERR_TOO_LARGE, func,
                "PNM: image %dx%d exceeds the context's limit of %lld pixels", h.width, h.height,
                (long long)ctx->max_pixels);
  /* width * height <= 2^40, so these products cannot overflow. */
  const uint64_t samples = (uint64_t)h.width * (uint64_t)h.height * (uint64_t)h.channels;
  const uint64_t present = h.raster < size ? (uint64_t)(size - h.raster) : 0;
  if (h.kind >= 5) {
    const uint64_t need = samples * (type == TV_U16 ? 2u : 1u);
    if (present < need)
      TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "PNM: pixel data truncated: %llu of %llu bytes",
                  (unsigned long long)present, (unsigned long long)need);
  } else if (present < samples * 2 - 1) {
    /* Each ASCII sample takes a digit and a separator: a cheap bound before allocating. */
    TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func,
                "PNM: ASCII pixel data truncated: %llu samples need at least %llu bytes, %llu "
                "present",
                (unsigned long long)samples, (unsigned long long)(samples * 2 - 1),
                (unsigned long long)present);
  }
  TVI_TRY(tvi_image_alloc(ctx, func, h.width, h.height, h.channels, type, &img));
  if (h.kind >= 5)
    TVI_TRY(tvi_pnm_binary(ctx, func, &h, data + h.raster, img));
  else
    TVI_TRY(tvi_pnm_ascii(ctx, func, &h, data, size, h.raster, img));
  *out = img;
  img = NULL;
done:
  tv_image_destroy(img);
  return st;
}

tv_status tvi_pnm_save(tv_ctx *ctx, const char *func, const tv_image *img, int32_t quality,
                       void **out_data, size_t *out_size) {
  (void)quality;
  tv_status st = TV_OK;
  uint8_t *buf = NULL;
  if (img->type != TV_U8 && img->type != TV_U16)
    TVI_FAIL_AS(ctx, TV_ERR_TYPE, func,
                "PNM: %s images cannot be written; convert to u8 or u16 first",
                img->type == TV_F32 ? "f32" : "these");
  if (img->channels != 1 && img->channels != 3)
    TVI_FAIL_AS(ctx, TV_ERR_TYPE, func,
                "PNM: %d-channel images cannot be written (PGM holds 1 channel, PPM 3); drop the "
                "alpha channel or write PNG",
                img->channels);
  char head[64];
  const int hlen = snprintf(head, sizeof head, "P%c\n%d %d\n%d\n", img->channels == 1 ? '5' : '6',
                            img->width, img->height, img->type == TV_U16 ? 65535 : 255);
  const size_t row = tvi_row_bytes(img);
  size_t body = 0;
  if (hlen <= 0 || (size_t)hlen >= sizeof head || tvi_mul_size(row, (size_t)img->height, &body) ||
      body > SIZE_MAX - (size_t)hlen)
    TVI_FAIL_AS(ctx, TV_ERR_TOO_LARGE, func, "PNM: a %dx%d image is too large to encode",
                img->width, img->height);
  buf = malloc((size_t)hlen + body);
  if (!buf)
    TVI_FAIL_AS(ctx, TV_ERR_NOMEM, func, "PNM: cannot allocate %zu bytes", (size_t)hlen + body);
  memcpy(buf, head, (size_t)hlen);
  uint8_t *dst = buf + hlen;
  const size_t samples = (size_t)img->width * (size_t)img->channels;
  for (int32_t y = 0; y < img->height; y++) {
    if (img->type == TV_U8) {
      memcpy(dst, tvi_row(img, y), row);
      dst += row;
    } else {
      const uint16_t *src = tvi_row(img, y);
      for (size_t i = 0; i < samples; i++) {
        *dst++ = (uint8_t)(src[i] >> 8);
        *dst++ = (uint8_t)(src[i] & 0xff);
      }
    }
  }
  *out_data = buf;
  *out_size = (size_t)hlen + body;
  buf = NULL;
done:
  free(buf);
  return st;
}

tv_status tv_pnm_decode(tv_ctx *ctx, const void *data, size_t size, tv_image **out) {
  tv_status st = tvi_decode_args(ctx, __func__, data, size, out);
  if (st != TV_OK) return st;
  tv_image *img = NULL;
  st = tvi_pnm_load(ctx, __func__, data, size, NULL, &img);
  if (st == TV_OK) *out = img;
  return st;
}

tv_status tv_pnm_encode(tv_ctx *ctx, const tv_image *img, void **out_data, size_t *out_size) {
  tv_status st = tvi_encode_args(ctx, __func__, img, out_data, out_size);
  if (st != TV_OK) return st;
  void *buf = NULL;
  size_t n = 0;
  st = tvi_pnm_save(ctx, __func__, img, 0, &buf, &n);
  if (st != TV_OK) return st;
  *out_data = buf;
  *out_size = n;
  return TV_OK;
}
