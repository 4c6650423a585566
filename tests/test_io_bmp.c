/* Tests of the BMP reader on files built in memory: palettes, 16/24/32-bit, row order, bad input.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* ---- a small BMP writer -------------------------------------------------------------------- */

typedef struct bmp_spec {
  uint32_t hsize;              /* 12, 40, 52, 56, 108 or 124 */
  int32_t width;               /* as stored */
  int32_t height;              /* as stored: negative for top-down */
  int bpp;                     /* bits per pixel */
  uint32_t compression;        /* 0 BI_RGB, 3 BI_BITFIELDS, 6 BI_ALPHABITFIELDS */
  uint32_t masks[4];           /* r, g, b, a: in the header when hsize >= 52, else after it */
  int extra_masks;             /* masks written after a 40-byte header (0, 3 or 4) */
  const uint8_t (*palette)[3]; /* r, g, b */
  int colours;                 /* palette entries written */
  uint32_t clr_used;
  const uint8_t *rows; /* file-order rows, each ceil(width * bpp / 8) bytes, unpadded */
} bmp_spec;

static void put16(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v) {
  put16(p, v & 0xffff);
  put16(p + 2, v >> 16);
}

/* Builds a BMP (malloc'd, exactly *size bytes, so ASan sees reads past the end). */
static uint8_t *bmp_build(const bmp_spec *s, size_t *size) {
  const size_t rows = (size_t)(s->height < 0 ? -(int64_t)s->height : s->height);
  const size_t raw = ((size_t)s->width * (size_t)s->bpp + 7) / 8;
  const size_t padded = ((size_t)s->width * (size_t)s->bpp + 31) / 32 * 4;
  const size_t entry = s->hsize == 12 ? 3 : 4;
  const size_t offset = 14 + s->hsize + (size_t)s->extra_masks * 4 + (size_t)s->colours * entry;
  *size = offset + padded * rows;
  uint8_t *b = calloc(1, *size);
  ck_assert_ptr_nonnull(b);
  b[0] = 'B';
  b[1] = 'M';
  put32(b + 2, (uint32_t)*size);
  put32(b + 10, (uint32_t)offset);
  put32(b + 14, s->hsize);
  if (s->hsize == 12) {
    put16(b + 18, (uint32_t)s->width);
    put16(b + 20, (uint32_t)s->height);
    put16(b + 22, 1);
    put16(b + 24, (uint32_t)s->bpp);
  } else {
    put32(b + 18, (uint32_t)s->width);
    put32(b + 22, (uint32_t)s->height);
    put16(b + 26, 1);
    put16(b + 28, (uint32_t)s->bpp);
    put32(b + 30, s->compression);
    put32(b + 34, (uint32_t)(padded * rows));
    put32(b + 38, 2835);
    put32(b + 42, 2835);
    put32(b + 46, s->clr_used);
    const int nm = s->hsize >= 56 ? 4 : s->hsize >= 52 ? 3 : s->extra_masks;
    for (int i = 0; i < nm; i++) put32(b + 54 + 4 * i, s->masks[i]);
  }
  uint8_t *pal = b + 14 + s->hsize + (size_t)s->extra_masks * 4;
  for (int i = 0; i < s->colours; i++) {
    pal[i * entry] = s->palette[i][2];
    pal[i * entry + 1] = s->palette[i][1];
    pal[i * entry + 2] = s->palette[i][0];
  }
  for (size_t r = 0; r < rows; r++) memcpy(b + offset + r * padded, s->rows + r * raw, raw);
  return b;
}

static uint8_t grey_pal[256][3];
static uint8_t colour_pal[256][3];

static void setup_palettes(void) {
  for (int i = 0; i < 256; i++) {
    grey_pal[i][0] = grey_pal[i][1] = grey_pal[i][2] = (uint8_t)i;
    colour_pal[i][0] = (uint8_t)i;
    colour_pal[i][1] = (uint8_t)(255 - i);
    colour_pal[i][2] = (uint8_t)(i * 7);
  }
}

static const uint8_t *px(const tv_image *img, int x, int y) {
  return (const uint8_t *)img->data + (int64_t)y * img->stride + (int64_t)x * img->channels;
}

/* Decodes with tv_bmp_decode and checks the shape. */
static tv_image *decode_ok(tv_ctx *ctx, const uint8_t *b, size_t n, int w, int h, int ch) {
  tv_image *img = NULL;
  tvt_assert_ok(ctx, tv_bmp_decode(ctx, b, n, &img));
  ck_assert_int_eq(img->width, w);
  ck_assert_int_eq(img->height, h);
  ck_assert_int_eq(img->channels, ch);
  ck_assert_int_eq(img->type, TV_U8);
  tv_image_info info;
  tvt_assert_ok(ctx, tv_image_probe(ctx, b, n, &info));
  ck_assert_int_eq(info.width, w);
  ck_assert_int_eq(info.height, h);
  ck_assert_int_eq(info.channels, ch);
  ck_assert_int_eq(info.type, TV_U8);
  ck_assert_int_eq(info.format, TV_FORMAT_BMP);
  tv_image *again = NULL;
  tvt_assert_ok(ctx, tv_image_decode(ctx, b, n, &again));
  ck_assert(tvt_images_equal(img, again));
  tv_image_destroy(again);
  return img;
}

/* ---- pixels -------------------------------------------------------------------------------- */

START_TEST(grey_palette_both_orders) {
  tv_ctx *ctx = tvt_ctx();
  for (int w = 1; w <= 6; w++)
    for (int top_down = 0; top_down < 2; top_down++) {
      const int h = 3;
      uint8_t rows[3 * 6];
      for (int y = 0; y < h; y++) /* image row y is file row h-1-y when bottom-up */
        for (int x = 0; x < w; x++)
          rows[(top_down ? y : h - 1 - y) * w + x] = (uint8_t)(y * 60 + x * 7 + 1);
      const bmp_spec s = {40, w, top_down ? -h : h, 8, 0, {0}, 0, grey_pal, 256, 0, rows};
      size_t n;
      uint8_t *b = bmp_build(&s, &n);
      tv_image *img = decode_ok(ctx, b, n, w, h, 1);
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) ck_assert_uint_eq(*px(img, x, y), y * 60 + x * 7 + 1);
      tv_image_destroy(img);
      free(b);
    }
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(colour_palette) {
  tv_ctx *ctx = tvt_ctx();
  const uint8_t rows[2 * 3] = {0, 1, 2, 3, 2, 1}; /* top-down */
  const bmp_spec s = {40, 3, -2, 8, 0, {0}, 0, colour_pal, 4, 4, rows};
  size_t n;
  uint8_t *b = bmp_build(&s, &n);
  tv_image *img = decode_ok(ctx, b, n, 3, 2, 3);
  for (int y = 0; y < 2; y++)
    for (int x = 0; x < 3; x++) {
      const uint8_t *want = colour_pal[rows[y * 3 + x]];
      ck_assert_int_eq(memcmp(px(img, x, y), want, 3), 0);
    }
  tv_image_destroy(img);
  free(b);
  tv_ctx_destroy(ctx);
}
END_TEST

/* A colour entry the pixels do not use keeps the image grey; using it makes it RGB. */
START_TEST(grey_unless_a_colour_is_used) {
  tv_ctx *ctx = tvt_ctx();
  uint8_t pal[256][3];
  memcpy(pal, grey_pal, sizeof pal);
  pal[200][0] = 255;
  pal[200][1] = 0;
  pal[200][2] = 0;
  uint8_t rows[4] = {10, 20, 30, 40};
  const bmp_spec s = {40, 2, 2, 8, 0, {0}, 0, pal, 256, 0, rows};
  size_t n;
  uint8_t *b = bmp_build(&s, &n);
  tv_image *img = decode_ok(ctx, b, n, 2, 2, 1);
  ck_assert_uint_eq(*px(img, 0, 0), 30); /* bottom-up: file row 1 is the top */
  ck_assert_uint_eq(*px(img, 1, 1), 20);
  tv_image_destroy(img);
  free(b);
  rows[3] = 200;
  b = bmp_build(&s, &n);
  img = decode_ok(ctx, b, n, 2, 2, 3);
  ck_assert_int_eq(memcmp(px(img, 1, 0), pal[200], 3), 0);
  ck_assert_int_eq(memcmp(px(img, 0, 0), pal[30], 3), 0);
  tv_image_destroy(img);
  free(b);
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(low_bit_palettes) {
  tv_ctx *ctx = tvt_ctx();
  uint8_t pal16[16][3];
  for (int i = 0; i < 16; i++) pal16[i][0] = pal16[i][1] = pal16[i][2] = (uint8_t)(i * 17);
  /* 4-bit, width 5: 3 bytes a row, padded to 4. Top-down. */
  const uint8_t rows4[2 * 3] = {0x01, 0x23, 0x40, 0xfe, 0xdc, 0xb0};
  const bmp_spec s4 = {40, 5, -2, 4, 0, {0}, 0, pal16, 16, 0, rows4};
  size_t n;
  uint8_t *b = bmp_build(&s4, &n);
  tv_image *img = decode_ok(ctx, b, n, 5, 2, 1);
  static const int want4[2][5] = {{0, 1, 2, 3, 4}, {15, 14, 13, 12, 11}};
  for (int y = 0; y < 2; y++)
    for (int x = 0; x < 5; x++) ck_assert_uint_eq(*px(img, x, y), want4[y][x] * 17);
  tv_image_destroy(img);
  free(b);
  /* 1-bit, width 13, colour palette of two entries. */
  const uint8_t pal2[2][3] = {{0, 0, 128}, {255, 255, 0}};
  const uint8_t rows1[3 * 2] = {0xa5, 0xf0, 0x00, 0x08, 0xff, 0xf8};
  const bmp_spec s1 = {40, 13, 3, 1, 0, {0}, 0, pal2, 2, 2, rows1};
  b = bmp_build(&s1, &n);
  img = decode_ok(ctx, b, n, 13, 3, 3);
  for (int y = 0; y < 3; y++)
    for (int x = 0; x < 13; x++) {
      const uint8_t *fr = rows1 + (2 - y) * 2;
      const int bit = (fr[x >> 3] >> (7 - (x & 7))) & 1;
      ck_assert_int_eq(memcmp(px(img, x, y), pal2[bit], 3), 0);
    }
  tv_image_destroy(img);
  free(b);
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(rgb24_odd_widths) {
  tv_ctx *ctx = tvt_ctx();
  for (int w = 1; w <= 5; w++)
    for (int top_down = 0; top_down < 2; top_down++) {
      const int h = 3;
      uint8_t rows[3 * 5 * 3];
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
          uint8_t *p = rows + ((top_down ? y : h - 1 - y) * w + x) * 3; /* b, g, r */
          p[0] = (uint8_t)(x + 100);
          p[1] = (uint8_t)(y + 50);
          p[2] = (uint8_t)(x * 10 + y);
        }
      const bmp_spec s = {40, w, top_down ? -h : h, 24, 0, {0}, 0, NULL, 0, 0, rows};
      size_t n;
      uint8_t *b = bmp_build(&s, &n);
      tv_image *img = decode_ok(ctx, b, n, w, h, 3);
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
          ck_assert_uint_eq(px(img, x, y)[0], x * 10 + y);
          ck_assert_uint_eq(px(img, x, y)[1], y + 50);
          ck_assert_uint_eq(px(img, x, y)[2], x + 100);
        }
      tv_image_destroy(img);
      free(b);
    }
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(rgb32_and_bitfields) {
  tv_ctx *ctx = tvt_ctx();
  /* Two pixels, top-down, one row: bytes b, g, r, x. */
  const uint8_t row[8] = {1, 2, 3, 0x77, 250, 251, 252, 0x00};
  size_t n;
  /* BI_RGB: the fourth byte is ignored. */
  bmp_spec s = {40, 2, -1, 32, 0, {0}, 0, NULL, 0, 0, row};
  uint8_t *b = bmp_build(&s, &n);
  tv_image *img = decode_ok(ctx, b, n, 2, 1, 3);
  ck_assert_int_eq(memcmp(px(img, 0, 0), (const uint8_t[]){3, 2, 1}, 3), 0);
  ck_assert_int_eq(memcmp(px(img, 1, 0), (const uint8_t[]){252, 251, 250}, 3), 0);
  tv_image_destroy(img);
  free(b);
  /* BI_BITFIELDS after a 40-byte header, standard masks: RGB. */
  const bmp_spec s3 = {40, 2, -1, 32, 3, {0xff0000, 0xff00, 0xff, 0}, 3, NULL, 0, 0, row};
  b = bmp_build(&s3, &n);
  img = decode_ok(ctx, b, n, 2, 1, 3);
  ck_assert_int_eq(memcmp(px(img, 0, 0), (const uint8_t[]){3, 2, 1}, 3), 0);
  tv_image_destroy(img);
  free(b);
  /* V5 header with an alpha mask: RGBA. */
  const bmp_spec s5 = {124, 2,    -1, 32, 3,  {0xff0000, 0xff00, 0xff, 0xff000000u},
                       0,   NULL, 0,  0,  row};
  b = bmp_build(&s5, &n);
  img = decode_ok(ctx, b, n, 2, 1, 4);
  ck_assert_int_eq(memcmp(px(img, 0, 0), (const uint8_t[]){3, 2, 1, 0x77}, 4), 0);
  ck_assert_int_eq(memcmp(px(img, 1, 0), (const uint8_t[]){252, 251, 250, 0}, 4), 0);
  tv_image_destroy(img);
  free(b);
  /* V4 header, bytes in r, g, b, a order. */
  const bmp_spec s4 = {108, 2,    -1, 32, 3,  {0xff, 0xff00, 0xff0000, 0xff000000u},
                       0,   NULL, 0,  0,  row};
  b = bmp_build(&s4, &n);
  img = decode_ok(ctx, b, n, 2, 1, 4);
  ck_assert_int_eq(memcmp(px(img, 0, 0), (const uint8_t[]){1, 2, 3, 0x77}, 4), 0);
  tv_image_destroy(img);
  free(b);
  /* V5 bit fields with an empty alpha mask: RGB. */
  const bmp_spec s5n = {124, 2, -1, 32, 3, {0xff0000, 0xff00, 0xff, 0}, 0, NULL, 0, 0, row};
  b = bmp_build(&s5n, &n);
  img = decode_ok(ctx, b, n, 2, 1, 3);
  tv_image_destroy(img);
  free(b);
  /* BI_ALPHABITFIELDS after a 40-byte header: RGBA. */
  const bmp_spec s6 = {40, 2, -1, 32, 6, {0xff0000, 0xff00, 0xff, 0xff000000u}, 4, NULL, 0, 0, row};
  b = bmp_build(&s6, &n);
  img = decode_ok(ctx, b, n, 2, 1, 4);
  ck_assert_int_eq(px(img, 0, 0)[3], 0x77);
  tv_image_destroy(img);
  free(b);
  /* 10-bit fields are scaled to 8 bits: 1023 -> 255, 512 -> 128. */
  const uint32_t p10 = (1023u << 20) | (512u << 10) | 0u;
  uint8_t row10[4];
  put32(row10, p10);
  const bmp_spec s10 = {40, 1, 1, 32, 3, {0x3ff00000, 0xffc00, 0x3ff, 0}, 3, NULL, 0, 0, row10};
  b = bmp_build(&s10, &n);
  img = decode_ok(ctx, b, n, 1, 1, 3);
  ck_assert_int_eq(memcmp(px(img, 0, 0), (const uint8_t[]){255, 128, 0}, 3), 0);
  tv_image_info info;
  tvt_assert_ok(ctx, tv_image_probe(ctx, b, n, &info));
  ck_assert_int_eq(info.bit_depth, 10);
  tv_image_destroy(img);
  free(b);
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(rgb16) {
  tv_ctx *ctx = tvt_ctx();
  size_t n;
  /* BI_RGB is 5-5-5: width 3 makes 6 bytes a row, padded to 8. */
  uint8_t row[2 * 6];
  const uint16_t v555[6] = {0x7fff, 0x7c00, 0x0001, 0x03e0, 0x0000, 0x4210};
  for (int i = 0; i < 6; i++) put16(row + 2 * i, v555[i]);
  const bmp_spec s = {40, 3, 2, 16, 0, {0}, 0, NULL, 0, 0, row};
  uint8_t *b = bmp_build(&s, &n);
  tv_image *img = decode_ok(ctx, b, n, 3, 2, 3);
  /* Bottom-up: the second file row is image row 0. */
  ck_assert_int_eq(memcmp(px(img, 0, 0), (const uint8_t[]){0, 255, 0}, 3), 0);
  ck_assert_int_eq(memcmp(px(img, 1, 0), (const uint8_t[]){0, 0, 0}, 3), 0);
  ck_assert_int_eq(memcmp(px(img, 2, 0), (const uint8_t[]){132, 132, 132}, 3), 0);
  ck_assert_int_eq(memcmp(px(img, 0, 1), (const uint8_t[]){255, 255, 255}, 3), 0);
  ck_assert_int_eq(memcmp(px(img, 1, 1), (const uint8_t[]){255, 0, 0}, 3), 0);
  ck_assert_int_eq(memcmp(px(img, 2, 1), (const uint8_t[]){0, 0, 8}, 3), 0);
  tv_image_destroy(img);
  free(b);
  /* 5-6-5 bit fields. */
  uint8_t row565[4];
  put16(row565, 0x07e0);
  put16(row565 + 2, 0x0020);
  const bmp_spec s565 = {40, 2, 1, 16, 3, {0xf800, 0x07e0, 0x001f, 0}, 3, NULL, 0, 0, row565};
  b = bmp_build(&s565, &n);
  img = decode_ok(ctx, b, n, 2, 1, 3);
  ck_assert_int_eq(memcmp(px(img, 0, 0), (const uint8_t[]){0, 255, 0}, 3), 0);
  ck_assert_int_eq(memcmp(px(img, 1, 0), (const uint8_t[]){0, 4, 0}, 3), 0);
  tv_image_destroy(img);
  free(b);
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(os2_core_header) {
  tv_ctx *ctx = tvt_ctx();
  size_t n;
  const uint8_t idx[2 * 3] = {5, 6, 7, 8, 9, 10};
  const bmp_spec s = {12, 3, 2, 8, 0, {0}, 0, grey_pal, 256, 0, idx};
  uint8_t *b = bmp_build(&s, &n);
  tv_image *img = decode_ok(ctx, b, n, 3, 2, 1);
  ck_assert_uint_eq(*px(img, 0, 0), 8);
  ck_assert_uint_eq(*px(img, 2, 1), 7);
  tv_image_destroy(img);
  free(b);
  const uint8_t bgr[3] = {1, 2, 3};
  const bmp_spec s24 = {12, 1, 1, 24, 0, {0}, 0, NULL, 0, 0, bgr};
  b = bmp_build(&s24, &n);
  img = decode_ok(ctx, b, n, 1, 1, 3);
  ck_assert_int_eq(memcmp(px(img, 0, 0), (const uint8_t[]){3, 2, 1}, 3), 0);
  tv_image_destroy(img);
  free(b);
  tv_ctx_destroy(ctx);
}
END_TEST

/* ---- truncation ---------------------------------------------------------------------------- */

/* Every prefix shorter than `complete` fails (FORMAT below 2 bytes, else CORRUPT); longer ones,
 * missing only the last row's padding, decode. */
static void check_prefixes(tv_ctx *ctx, const uint8_t *b, size_t n, size_t complete) {
  const size_t offset = (size_t)b[10] | (size_t)b[11] << 8;
  for (size_t len = 1; len < n; len++) {
    uint8_t *cut = malloc(len);
    ck_assert_ptr_nonnull(cut);
    memcpy(cut, b, len);
    tv_image *img = (tv_image *)(uintptr_t)1;
    const tv_status st = tv_bmp_decode(ctx, cut, len, &img);
    if (len < complete) {
      ck_assert_msg(st == (len < 2 ? TV_ERR_FORMAT : TV_ERR_CORRUPT), "len %zu: %s (%s)", len,
                    tv_status_str(st), tv_ctx_last_error(ctx));
      ck_assert_ptr_null(img);
      if (len >= offset) {
        char want[96];
        snprintf(want, sizeof want, "tv_bmp_decode: BMP: pixel data truncated: %zu of %zu bytes",
                 len - offset, complete - offset);
        tvt_assert_error_has(ctx, want);
      } else if (len >= 2) {
        tvt_assert_error_has(ctx, "tv_bmp_decode: BMP: ");
      }
    } else {
      ck_assert_msg(st == TV_OK, "len %zu: %s", len, tv_ctx_last_error(ctx));
      tv_image_destroy(img);
    }
    tv_image_info info;
    (void)tv_image_probe(ctx, cut, len, &info);
    free(cut);
  }
}

START_TEST(truncated_every_offset) {
  tv_ctx *ctx = tvt_ctx();
  size_t n;
  /* 24-bit, width 4: rows of 12 bytes, no padding. */
  uint8_t rows24[3 * 12];
  for (int i = 0; i < 36; i++) rows24[i] = (uint8_t)(i * 5);
  const bmp_spec s24 = {40, 4, 3, 24, 0, {0}, 0, NULL, 0, 0, rows24};
  uint8_t *b = bmp_build(&s24, &n);
  check_prefixes(ctx, b, n, n);
  free(b);
  /* 8-bit, width 3 with a full palette: the last row's padding byte is optional. */
  const uint8_t rows8[2 * 3] = {1, 2, 3, 4, 5, 6};
  const bmp_spec s8 = {40, 3, 2, 8, 0, {0}, 0, colour_pal, 256, 0, rows8};
  b = bmp_build(&s8, &n);
  check_prefixes(ctx, b, n, n - 1);
  free(b);
  /* 32-bit V5 bit fields, 4-bit with a short palette, 1-bit OS/2. */
  const uint8_t rows32[2 * 8] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  const bmp_spec s32 = {124, 2,    -2, 32, 3,     {0xff0000, 0xff00, 0xff, 0xff000000u},
                        0,   NULL, 0,  0,  rows32};
  b = bmp_build(&s32, &n);
  check_prefixes(ctx, b, n, n);
  free(b);
  const uint8_t rows4[2] = {0x12, 0x21};
  const bmp_spec s4 = {40, 3, 1, 4, 0, {0}, 0, colour_pal, 3, 3, rows4};
  b = bmp_build(&s4, &n);
  check_prefixes(ctx, b, n, n - 2);
  free(b);
  const uint8_t rows1[4] = {0x80, 0x40};
  const bmp_spec s1 = {12, 9, 1, 1, 0, {0}, 0, grey_pal, 2, 0, rows1};
  b = bmp_build(&s1, &n);
  check_prefixes(ctx, b, n, n - 2);
  free(b);
  tv_ctx_destroy(ctx);
}
END_TEST

/* ---- bad headers --------------------------------------------------------------------------- */

enum { BASE_GREY8, BASE_RGB24, BASE_V5 };

typedef struct bad_bmp {
  int base;
  size_t at1;
  int bytes1; /* 2 or 4 */
  uint32_t value1;
  size_t at2; /* 0: none */
  uint32_t value2;
  tv_status status;
  const char *message;
} bad_bmp;

static const bad_bmp bad_bmps[] = {
    {BASE_RGB24, 10, 4, 20, 0, 0, TV_ERR_CORRUPT,
     "BMP: pixel data offset 20 points into the headers (they end at byte 54)"},
    {BASE_GREY8, 10, 4, 56, 0, 0, TV_ERR_CORRUPT, "BMP: no palette for 8 bits per pixel"},
    {BASE_RGB24, 10, 4, 0xfffffff0u, 0, 0, TV_ERR_CORRUPT,
     "BMP: pixel data offset 4294967280 is beyond the end of the 70-byte file"},
    {BASE_RGB24, 28, 2, 7, 0, 0, TV_ERR_CORRUPT,
     "BMP: 7 bits per pixel is invalid (1, 4, 8, 16, 24 or 32 expected)"},
    {BASE_RGB24, 28, 2, 48, 0, 0, TV_ERR_CORRUPT, "BMP: 48 bits per pixel is invalid"},
    {BASE_RGB24, 28, 2, 2, 0, 0, TV_ERR_UNSUPPORTED, "BMP: 2 bits per pixel is not supported"},
    {BASE_RGB24, 28, 2, 64, 0, 0, TV_ERR_UNSUPPORTED, "BMP: 64 bits per pixel is not supported"},
    {BASE_RGB24, 28, 2, 0, 0, 0, TV_ERR_UNSUPPORTED, "BMP: 0 bits per pixel is not supported"},
    {BASE_RGB24, 14, 4, 41, 0, 0, TV_ERR_CORRUPT,
     "BMP: info header size 41 is invalid (12, 40, 52, 56, 108 or 124 expected)"},
    {BASE_RGB24, 14, 4, 0, 0, 0, TV_ERR_CORRUPT, "BMP: info header size 0 is invalid"},
    {BASE_RGB24, 14, 4, 0xffffffffu, 0, 0, TV_ERR_CORRUPT,
     "BMP: info header size 4294967295 is invalid"},
    {BASE_RGB24, 14, 4, 64, 0, 0, TV_ERR_UNSUPPORTED, "BMP: OS/2 2.x headers (64 bytes)"},
    {BASE_RGB24, 14, 4, 124, 0, 0, TV_ERR_CORRUPT, "BMP: headers truncated: 70 of 138 bytes"},
    {BASE_RGB24, 18, 4, 0, 0, 0, TV_ERR_CORRUPT, "BMP: width 0 is invalid"},
    {BASE_RGB24, 18, 4, (uint32_t)-5, 0, 0, TV_ERR_CORRUPT, "BMP: width -5 is invalid"},
    {BASE_RGB24, 22, 4, 0, 0, 0, TV_ERR_CORRUPT, "BMP: height 0 is invalid"},
    {BASE_RGB24, 22, 4, 0x80000000u, 0, 0, TV_ERR_CORRUPT, "BMP: height -2147483648 is invalid"},
    {BASE_RGB24, 18, 4, 100000, 22, 100000, TV_ERR_TOO_LARGE,
     "BMP: image 100000x100000 exceeds the context's limit of 268435456 pixels"},
    {BASE_RGB24, 18, 4, 0x7fffffff, 22, 0x80000001u, TV_ERR_TOO_LARGE,
     "BMP: 2147483647x2147483647 at 24 bits per pixel is too large"},
    {BASE_RGB24, 18, 4, 100, 0, 0, TV_ERR_CORRUPT, "BMP: pixel data truncated: 16 of 600 bytes"},
    {BASE_RGB24, 30, 4, 1, 0, 0, TV_ERR_UNSUPPORTED, "BMP: RLE8 compression is not supported"},
    {BASE_RGB24, 30, 4, 2, 0, 0, TV_ERR_UNSUPPORTED, "BMP: RLE4 compression is not supported"},
    {BASE_RGB24, 30, 4, 4, 0, 0, TV_ERR_UNSUPPORTED, "BMP: embedded JPEG data is not supported"},
    {BASE_RGB24, 30, 4, 5, 0, 0, TV_ERR_UNSUPPORTED, "BMP: embedded PNG data is not supported"},
    {BASE_RGB24, 30, 4, 99, 0, 0, TV_ERR_UNSUPPORTED, "BMP: compression 99 is not supported"},
    {BASE_RGB24, 30, 4, 3, 0, 0, TV_ERR_CORRUPT,
     "BMP: bit-field compression with 24 bits per pixel (16 or 32 expected)"},
    {BASE_GREY8, 46, 4, 2, 0, 0, TV_ERR_CORRUPT,
     "BMP: palette index 2 at (2, 0) is beyond the 2-colour palette"},
    {BASE_V5, 54, 4, 0x00ff00ffu, 0, 0, TV_ERR_UNSUPPORTED,
     "BMP: red bit mask 0x00ff00ff is not contiguous"},
    {BASE_V5, 58, 4, 0x00ff0000u, 0, 0, TV_ERR_CORRUPT,
     "BMP: green bit mask 0x00ff0000 overlaps another or exceeds 32 bits per pixel"},
    {BASE_V5, 54, 4, 0, 0, 0, TV_ERR_CORRUPT, "BMP: the red, green and blue bit masks are all 0"},
    {BASE_V5, 28, 2, 16, 0, 0, TV_ERR_CORRUPT,
     "BMP: red bit mask 0x00ff0000 overlaps another or exceeds 16 bits per pixel"},
    {BASE_RGB24, 0, 2, 0x4d41, 0, 0, TV_ERR_FORMAT, "BMP: not a BMP file (no 'BM' signature)"},
};

/* Base files for the bad-header cases. */
static uint8_t *bad_base(int base, size_t *n) {
  static const uint8_t idx[2 * 4] = {4, 5, 6, 7, 0, 1, 2, 3}; /* bottom-up: image row 0 last */
  static const uint8_t rgb[2 * 6] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  static const uint8_t rgba[2 * 8] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  if (base == BASE_GREY8) {
    const bmp_spec s = {40, 4, 2, 8, 0, {0}, 0, grey_pal, 256, 0, idx};
    return bmp_build(&s, n);
  }
  if (base == BASE_RGB24) {
    const bmp_spec s = {40, 2, 2, 24, 0, {0}, 0, NULL, 0, 0, rgb};
    return bmp_build(&s, n);
  }
  const bmp_spec s = {124, 2, 2, 32, 3, {0xff0000, 0xff00, 0xff, 0xff000000u}, 0, NULL, 0, 0, rgba};
  return bmp_build(&s, n);
}

START_TEST(bad_headers) {
  tv_ctx *ctx = tvt_ctx();
  const bad_bmp *c = &bad_bmps[_i];
  size_t n;
  uint8_t *b = bad_base(c->base, &n);
  if (c->bytes1 == 2)
    put16(b + c->at1, c->value1);
  else
    put32(b + c->at1, c->value1);
  if (c->at2) put32(b + c->at2, c->value2);
  if (c->base == BASE_V5 && c->at1 == 54 && c->value1 == 0) {
    put32(b + 58, 0); /* all three colour masks empty */
    put32(b + 62, 0);
  }
  tv_image *img = (tv_image *)(uintptr_t)1;
  tvt_assert_status(ctx, tv_bmp_decode(ctx, b, n, &img), c->status);
  tvt_assert_error_has(ctx, c->message);
  tvt_assert_error_has(ctx, "tv_bmp_decode: BMP: ");
  ck_assert_ptr_null(img);
  /* The generic entry point agrees (except on the signature, which it does not recognise). */
  if (c->status != TV_ERR_FORMAT) {
    tvt_assert_status(ctx, tv_image_decode(ctx, b, n, &img), c->status);
    tvt_assert_error_has(ctx, "tv_image_decode: BMP: ");
  }
  free(b);
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(limits_and_probe) {
  tv_ctx *ctx = tvt_ctx();
  size_t n;
  uint8_t *b = bad_base(BASE_GREY8, &n);
  tv_image *img = NULL;
  tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_MAX_PIXELS, 7));
  tvt_assert_status(ctx, tv_bmp_decode(ctx, b, n, &img), TV_ERR_TOO_LARGE);
  tvt_assert_error_has(ctx, "BMP: image 4x2 exceeds the context's limit of 7 pixels");
  tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_MAX_PIXELS, 8));
  tvt_assert_ok(ctx, tv_bmp_decode(ctx, b, n, &img));
  tv_image_destroy(img);
  tv_image_info info;
  tvt_assert_ok(ctx, tv_image_probe(ctx, b, n, &info));
  ck_assert_int_eq(info.bit_depth, 8);
  ck_assert_int_eq(info.channels, 1);
  free(b);
  /* The probe does not apply the pixel limit but still refuses impossible sizes. */
  b = bad_base(BASE_RGB24, &n);
  put32(b + 18, 100000);
  put32(b + 22, 100000);
  tvt_assert_status(ctx, tv_image_probe(ctx, b, n, &info), TV_ERR_CORRUPT);
  tvt_assert_error_has(ctx, "tv_image_probe: BMP: pixel data truncated: 16 of 30000000000 bytes");
  ck_assert_int_eq(info.width, 0);
  put32(b + 18, 0x7fffffff);
  put32(b + 22, 0x7fffffff);
  put16(b + 28, 32);
  tvt_assert_status(ctx, tv_image_probe(ctx, b, n, &info), TV_ERR_TOO_LARGE);
  tvt_assert_error_has(ctx, "BMP: 2147483647x2147483647 at 32 bits per pixel is too large");
  free(b);
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(write_and_null_args) {
  tv_ctx *ctx = tvt_ctx();
  tv_image *img = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, 3, 3, 1, TV_U8, &img));
  void *out = (void *)(uintptr_t)1;
  size_t n = 5;
  tvt_assert_status(ctx, tv_image_encode(ctx, img, TV_FORMAT_BMP, 0, &out, &n), TV_ERR_UNSUPPORTED);
  tvt_assert_error_has(ctx, "tv_image_encode: BMP is read only");
  ck_assert_ptr_null(out);
  ck_assert_uint_eq(n, 0);
  tvt_assert_status(ctx, tv_image_write(ctx, img, "/nonexistent-dir/x.bmp", TV_FORMAT_UNKNOWN, 0),
                    TV_ERR_UNSUPPORTED);
  tvt_assert_error_has(ctx, "tv_image_write: BMP is read only");
  tv_image_destroy(img);

  size_t len;
  uint8_t *b = bad_base(BASE_RGB24, &len);
  img = (tv_image *)(uintptr_t)1;
  ck_assert_int_eq(tv_bmp_decode(NULL, b, len, &img), TV_ERR_NULL);
  tvt_assert_status(ctx, tv_bmp_decode(ctx, b, len, NULL), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_bmp_decode: out is NULL");
  tvt_assert_status(ctx, tv_bmp_decode(ctx, NULL, len, &img), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_bmp_decode: data is NULL");
  ck_assert_ptr_null(img);
  tvt_assert_status(ctx, tv_bmp_decode(ctx, b, 0, &img), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_bmp_decode: data is empty");
  tvt_assert_status(ctx, tv_bmp_decode(ctx, "P5 1 1 255\nx", 12, &img), TV_ERR_FORMAT);
  tvt_assert_error_has(ctx, "tv_bmp_decode: BMP: not a BMP file (no 'BM' signature)");
  tvt_assert_status(ctx, tv_bmp_decode(ctx, b, 12, &img), TV_ERR_CORRUPT);
  tvt_assert_error_has(ctx, "tv_bmp_decode: BMP: headers truncated: 12 of at least 18 bytes");
  tvt_assert_status(ctx, tv_bmp_decode(ctx, b, 40, &img), TV_ERR_CORRUPT);
  tvt_assert_error_has(ctx, "tv_bmp_decode: BMP: headers truncated: 40 of 54 bytes");
  free(b);
  tv_ctx_destroy(ctx);
}
END_TEST

static Suite *bmp_suite(void) {
  setup_palettes();
  Suite *s = suite_create("io_bmp");
  TCase *tc = tcase_create("bmp");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, grey_palette_both_orders);
  tcase_add_test(tc, colour_palette);
  tcase_add_test(tc, grey_unless_a_colour_is_used);
  tcase_add_test(tc, low_bit_palettes);
  tcase_add_test(tc, rgb24_odd_widths);
  tcase_add_test(tc, rgb32_and_bitfields);
  tcase_add_test(tc, rgb16);
  tcase_add_test(tc, os2_core_header);
  tcase_add_test(tc, truncated_every_offset);
  tcase_add_loop_test(tc, bad_headers, 0, (int)(sizeof bad_bmps / sizeof bad_bmps[0]));
  tcase_add_test(tc, limits_and_probe);
  tcase_add_test(tc, write_and_null_args);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return tvt_run(bmp_suite()); }
