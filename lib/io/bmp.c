/* BMP reader, hand-written: OS/2 and Windows headers up to V5, palettes, 16/24/32-bit, bit fields.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"

enum {
  TVI_BI_RGB = 0,
  TVI_BI_RLE8 = 1,
  TVI_BI_RLE4 = 2,
  TVI_BI_BITFIELDS = 3,
  TVI_BI_JPEG = 4,
  TVI_BI_PNG = 5,
  TVI_BI_ALPHABITFIELDS = 6
};

/* One channel of a bit-field pixel: (pixel & mask) >> shift, scaled from `bits` bits to 8. */
typedef struct tvi_bmp_field {
  uint32_t mask;
  int shift;
  int bits; /* 0 when the mask is empty */
} tvi_bmp_field;

/* What the headers say. */
typedef struct tvi_bmp_header {
  int32_t width;
  int32_t height; /* positive; top_down tells the row order */
  int top_down;
  int bpp;
  uint32_t compression;
  tvi_bmp_field field[4]; /* r, g, b, a for 16 and 32 bpp */
  int has_alpha;          /* a non-empty alpha field in a bit-field image */
  uint32_t colours;       /* palette entries usable (bpp <= 8) */
  uint8_t palette[256][3];
  size_t offset;      /* first byte of the pixel data */
  uint64_t row_bytes; /* padded to 4 bytes */
  uint64_t need;      /* bytes of pixel data (the last row need not be padded) */
  int32_t channels;
  int32_t bit_depth;
} tvi_bmp_header;

static uint32_t tvi_le16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }

static uint32_t tvi_le32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int64_t tvi_le32s(const uint8_t *p) {
  const uint32_t v = tvi_le32(p);
  return v >= 0x80000000u ? (int64_t)v - ((int64_t)1 << 32) : (int64_t)v;
}

/* Sets up a field from its mask; -1 when the mask's bits are not contiguous. */
static int tvi_bmp_field_init(tvi_bmp_field *f, uint32_t mask) {
  f->mask = mask;
  f->shift = 0;
  f->bits = 0;
  if (!mask) return 0;
  while (!((mask >> f->shift) & 1u)) f->shift++;
  uint32_t m = mask >> f->shift;
  while (m & 1u) {
    f->bits++;
    m >>= 1;
  }
  return m ? -1 : 0;
}

static uint8_t tvi_bmp_field_get(const tvi_bmp_field *f, uint32_t px) {
  if (!f->bits) return 0;
  const uint64_t v = (px & f->mask) >> f->shift;
  if (f->bits == 8) return (uint8_t)v;
  const uint64_t max = ((uint64_t)1 << f->bits) - 1;
  return (uint8_t)((v * 255 + max / 2) / max);
}

/* Sets the four bit fields from masks and checks them against each other and the pixel size. */
static tv_status tvi_bmp_masks(tv_ctx *ctx, const char *func, tvi_bmp_header *h,
                               const uint32_t masks[4]) {
  static const char *const names[4] = {"red", "green", "blue", "alpha"};
  const uint64_t limit = h->bpp == 16 ? 0xffffu : 0xffffffffu;
  uint32_t seen = 0;
  for (int i = 0; i < 4; i++) {
    if (tvi_bmp_field_init(&h->field[i], masks[i]) != 0)
      return tvi_fail(ctx, TV_ERR_UNSUPPORTED, func, "BMP: %s bit mask 0x%08x is not contiguous",
                      names[i], (unsigned)masks[i]);
    if (masks[i] > limit || (masks[i] & seen))
      return tvi_fail(ctx, TV_ERR_CORRUPT, func,
                      "BMP: %s bit mask 0x%08x overlaps another or exceeds %d bits per pixel",
                      names[i], (unsigned)masks[i], h->bpp);
    seen |= masks[i];
  }
  if (!(masks[0] | masks[1] | masks[2]))
    return tvi_fail(ctx, TV_ERR_CORRUPT, func, "BMP: the red, green and blue bit masks are all 0");
  h->has_alpha = masks[3] != 0;
  h->bit_depth = 0;
  for (int i = 0; i < 4; i++)
    if (h->field[i].bits > h->bit_depth) h->bit_depth = h->field[i].bits;
  if (h->bit_depth > 16) h->bit_depth = 16;
  return TV_OK;
}

/* Parses the file header, the info header, bit masks and palette, and checks the layout. */
static tv_status tvi_bmp_header_read(tv_ctx *ctx, const char *func, const uint8_t *d, size_t n,
                                     tvi_bmp_header *h) {
  if (n < 2 || d[0] != 'B' || d[1] != 'M')
    return tvi_fail(ctx, TV_ERR_FORMAT, func, "BMP: not a BMP file (no 'BM' signature)");
  if (n < 18)
    return tvi_fail(ctx, TV_ERR_CORRUPT, func, "BMP: headers truncated: %zu of at least 18 bytes",
                    n);
  const uint32_t offset = tvi_le32(d + 10);
  const uint32_t hsize = tvi_le32(d + 14);
  if (hsize == 64)
    return tvi_fail(ctx, TV_ERR_UNSUPPORTED, func,
                    "BMP: OS/2 2.x headers (64 bytes) are not "
                    "supported");
  if (hsize != 12 && hsize != 40 && hsize != 52 && hsize != 56 && hsize != 108 && hsize != 124)
    return tvi_fail(ctx, TV_ERR_CORRUPT, func,
                    "BMP: info header size %u is invalid (12, 40, 52, 56, 108 or 124 expected)",
                    (unsigned)hsize);
  if (n < 14 + (size_t)hsize)
    return tvi_fail(ctx, TV_ERR_CORRUPT, func, "BMP: headers truncated: %zu of %u bytes", n,
                    14 + (unsigned)hsize);
  int64_t w, hh;
  uint32_t clr_used = 0;
  size_t entry = 4;
  if (hsize == 12) {
    w = tvi_le16(d + 18);
    hh = tvi_le16(d + 20);
    h->bpp = (int)tvi_le16(d + 24);
    h->compression = TVI_BI_RGB;
    entry = 3;
  } else {
    w = tvi_le32s(d + 18);
    hh = tvi_le32s(d + 22);
    h->bpp = (int)tvi_le16(d + 28);
    h->compression = tvi_le32(d + 30);
    clr_used = tvi_le32(d + 46);
  }
  if (w < 1) return tvi_fail(ctx, TV_ERR_CORRUPT, func, "BMP: width %lld is invalid", (long long)w);
  if (hh == 0 || hh == INT32_MIN)
    return tvi_fail(ctx, TV_ERR_CORRUPT, func, "BMP: height %lld is invalid", (long long)hh);
  h->top_down = hh < 0;
  h->width = (int32_t)w;
  h->height = (int32_t)(hh < 0 ? -hh : hh);

  const int bpp = h->bpp;
  if (bpp == 2 || bpp == 64 || (bpp == 0 && hsize != 12))
    return tvi_fail(ctx, TV_ERR_UNSUPPORTED, func, "BMP: %d bits per pixel is not supported", bpp);
  if (bpp != 1 && bpp != 4 && bpp != 8 && bpp != 16 && bpp != 24 && bpp != 32)
    return tvi_fail(ctx, TV_ERR_CORRUPT, func,
                    "BMP: %d bits per pixel is invalid (1, 4, 8, 16, 24 or 32 expected)", bpp);
  if (hsize == 12 && (bpp == 16 || bpp == 32))
    return tvi_fail(ctx, TV_ERR_CORRUPT, func,
                    "BMP: %d bits per pixel is invalid with an OS/2 1.x header", bpp);

  size_t tables = 14 + (size_t)hsize; /* where bit masks (40-byte header) or the palette start */
  uint32_t masks[4] = {0, 0, 0, 0};
  switch (h->compression) {
  case TVI_BI_RGB:
    if (bpp == 16) {
      masks[0] = 0x7c00;
      masks[1] = 0x03e0;
      masks[2] = 0x001f;
    } else if (bpp == 32) {
      masks[0] = 0xff0000; /* the fourth byte is unused in BI_RGB */
      masks[1] = 0x00ff00;
      masks[2] = 0x0000ff;
    }
    break;
  case TVI_BI_BITFIELDS:
  case TVI_BI_ALPHABITFIELDS: {
    if (bpp != 16 && bpp != 32)
      return tvi_fail(ctx, TV_ERR_CORRUPT, func,
                      "BMP: bit-field compression with %d bits per pixel (16 or 32 expected)", bpp);
    const int nmask = h->compression == TVI_BI_ALPHABITFIELDS || hsize >= 56 ? 4 : 3;
    if (hsize == 40) tables += (size_t)nmask * 4;
    if (n < 14 + 40 + (size_t)nmask * 4)
      return tvi_fail(ctx, TV_ERR_CORRUPT, func, "BMP: bit masks truncated: %zu of %zu bytes", n,
                      14 + 40 + (size_t)nmask * 4);
    for (int i = 0; i < nmask; i++) masks[i] = tvi_le32(d + 54 + 4 * i);
    break;
  }
  case TVI_BI_RLE8:
  case TVI_BI_RLE4:
    return tvi_fail(ctx, TV_ERR_UNSUPPORTED, func,
                    "BMP: RLE%d compression is not supported; save the BMP uncompressed",
                    h->compression == TVI_BI_RLE8 ? 8 : 4);
  case TVI_BI_JPEG:
  case TVI_BI_PNG:
    return tvi_fail(ctx, TV_ERR_UNSUPPORTED, func, "BMP: embedded %s data is not supported",
                    h->compression == TVI_BI_JPEG ? "JPEG" : "PNG");
  default:
    return tvi_fail(ctx, TV_ERR_UNSUPPORTED, func, "BMP: compression %u is not supported",
                    (unsigned)h->compression);
  }
  if (offset < tables)
    return tvi_fail(ctx, TV_ERR_CORRUPT, func,
                    "BMP: pixel data offset %u points into the headers (they end at byte %zu)",
                    (unsigned)offset, tables);
  if (offset > n)
    return tvi_fail(ctx, TV_ERR_CORRUPT, func,
                    "BMP: pixel data offset %u is beyond the end of the %zu-byte file",
                    (unsigned)offset, n);
  h->offset = offset;

  if (bpp <= 8) {
    const uint32_t max = 1u << bpp;
    uint32_t want = clr_used == 0 || clr_used > max ? max : clr_used;
    const size_t room = ((size_t)offset - tables) / entry;
    if (room < want) want = (uint32_t)room;
    if (want == 0)
      return tvi_fail(ctx, TV_ERR_CORRUPT, func,
                      "BMP: no palette for %d bits per pixel (pixel data at offset %u)", bpp,
                      (unsigned)offset);
    h->colours = want;
    for (uint32_t i = 0; i < want; i++) {
      const uint8_t *e = d + tables + i * entry; /* blue, green, red[, unused] */
      h->palette[i][0] = e[2];
      h->palette[i][1] = e[1];
      h->palette[i][2] = e[0];
    }
    h->bit_depth = 8;
    h->channels = 1; /* until a used colour entry says otherwise */
  } else if (bpp == 24 || (bpp == 32 && h->compression == TVI_BI_RGB)) {
    h->bit_depth = 8;
    h->channels = 3;
  } else {
    tv_status st = tvi_bmp_masks(ctx, func, h, masks);
    if (st != TV_OK) return st;
    h->channels = h->has_alpha ? 4 : 3;
  }

  /* width < 2^31 and bpp <= 32, so the row size fits easily; the total is checked. */
  const uint64_t bits = (uint64_t)h->width * (uint64_t)bpp;
  h->row_bytes = (bits + 31) / 32 * 4;
  if (h->row_bytes > (UINT64_MAX / 4) / (uint64_t)h->height)
    return tvi_fail(ctx, TV_ERR_TOO_LARGE, func, "BMP: %dx%d at %d bits per pixel is too large",
                    h->width, h->height, bpp);
  h->need = h->row_bytes * (uint64_t)(h->height - 1) + (bits + 7) / 8;
  return TV_OK;
}

/* File row r of image row y. */
static const uint8_t *tvi_bmp_src_row(const uint8_t *d, const tvi_bmp_header *h, int32_t y) {
  const int64_t r = h->top_down ? y : h->height - 1 - y;
  return d + h->offset + (uint64_t)r * h->row_bytes;
}

static uint32_t tvi_bmp_index(const uint8_t *row, int bpp, int32_t x) {
  switch (bpp) {
  case 8: return row[x];
  case 4: return (row[x >> 1] >> ((x & 1) ? 0 : 4)) & 0x0fu;
  default: return (row[x >> 3] >> (7 - (x & 7))) & 1u;
  }
}

/* Checks every palette index and decides between grey (1 channel) and colour (3). */
static tv_status tvi_bmp_scan_palette(tv_ctx *ctx, const char *func, const uint8_t *d,
                                      tvi_bmp_header *h) {
  uint8_t used[256];
  memset(used, 0, sizeof used);
  for (int32_t y = 0; y < h->height; y++) {
    const uint8_t *row = tvi_bmp_src_row(d, h, y);
    for (int32_t x = 0; x < h->width; x++) {
      const uint32_t i = tvi_bmp_index(row, h->bpp, x);
      if (i >= h->colours)
        return tvi_fail(ctx, TV_ERR_CORRUPT, func,
                        "BMP: palette index %u at (%d, %d) is beyond the %u-colour palette",
                        (unsigned)i, x, y, (unsigned)h->colours);
      used[i] = 1;
    }
  }
  h->channels = 1;
  for (uint32_t i = 0; i < h->colours; i++)
    if (used[i] && (h->palette[i][0] != h->palette[i][1] || h->palette[i][1] != h->palette[i][2]))
      h->channels = 3;
  return TV_OK;
}

static void tvi_bmp_decode_rows(const uint8_t *d, const tvi_bmp_header *h, tv_image *img) {
  for (int32_t y = 0; y < h->height; y++) {
    const uint8_t *src = tvi_bmp_src_row(d, h, y);
    uint8_t *dst = tvi_row(img, y);
    if (h->bpp <= 8) {
      for (int32_t x = 0; x < h->width; x++) {
        const uint8_t *c = h->palette[tvi_bmp_index(src, h->bpp, x)];
        if (h->channels == 1) {
          dst[x] = c[0];
        } else {
          dst[3 * x] = c[0];
          dst[3 * x + 1] = c[1];
          dst[3 * x + 2] = c[2];
        }
      }
    } else if (h->bpp == 24 || (h->bpp == 32 && h->compression == TVI_BI_RGB)) {
      const int step = h->bpp / 8;
      for (int32_t x = 0; x < h->width; x++, src += step) {
        dst[3 * x] = src[2];
        dst[3 * x + 1] = src[1];
        dst[3 * x + 2] = src[0];
      }
    } else {
      const int ch = h->channels;
      for (int32_t x = 0; x < h->width; x++) {
        uint32_t px;
        if (h->bpp == 16) {
          px = tvi_le16(src);
          src += 2;
        } else {
          px = tvi_le32(src);
          src += 4;
        }
        for (int c = 0; c < ch; c++) dst[ch * x + c] = tvi_bmp_field_get(&h->field[c], px);
      }
    }
  }
}

tv_status tvi_bmp_load(tv_ctx *ctx, const char *func, const uint8_t *data, size_t size,
                       tv_image_info *info, tv_image **out) {
  tvi_bmp_header h;
  memset(&h, 0, sizeof h);
  tv_image *img = NULL;
  tv_status st = tvi_bmp_header_read(ctx, func, data, size, &h);
  if (st != TV_OK) return st;
  /* Refuse over-limit sizes before reading pixels or allocating. */
  if (out && (int64_t)h.width > ctx->max_pixels / h.height)
    TVI_FAIL_AS(ctx, TV_ERR_TOO_LARGE, func,
                "BMP: image %dx%d exceeds the context's limit of %lld pixels", h.width, h.height,
                (long long)ctx->max_pixels);
  const uint64_t present = (uint64_t)(size - h.offset);
  if (present < h.need)
    TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "BMP: pixel data truncated: %llu of %llu bytes",
                (unsigned long long)present, (unsigned long long)h.need);
  if (h.bpp <= 8) TVI_TRY(tvi_bmp_scan_palette(ctx, func, data, &h));
  if (info) {
    info->width = h.width;
    info->height = h.height;
    info->channels = h.channels;
    info->type = TV_U8;
    info->format = TV_FORMAT_BMP;
    info->bit_depth = h.bit_depth;
  }
  if (!out) goto done;
  TVI_TRY(tvi_image_alloc(ctx, func, h.width, h.height, h.channels, TV_U8, &img));
  tvi_bmp_decode_rows(data, &h, img);
  *out = img;
  img = NULL;
done:
  tv_image_destroy(img);
  return st;
}

tv_status tv_bmp_decode(tv_ctx *ctx, const void *data, size_t size, tv_image **out) {
  tv_status st = tvi_decode_args(ctx, __func__, data, size, out);
  if (st != TV_OK) return st;
  tv_image *img = NULL;
  st = tvi_bmp_load(ctx, __func__, data, size, NULL, &img);
  if (st == TV_OK) *out = img;
  return st;
}
