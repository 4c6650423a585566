/* Tests of the PGM/PPM codec: round trips, ASCII samples, raw maxval, truncation, header fuzz.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

/* A malloc'd copy of the first n bytes, so that ASan sees any read past them. */
static uint8_t *dup_bytes(const void *src, size_t n) {
  uint8_t *p = malloc(n ? n : 1);
  ck_assert_ptr_nonnull(p);
  if (n) memcpy(p, src, n);
  return p;
}

/* Decodes a string with tv_pnm_decode, expecting `want`; out must stay NULL on failure. */
static tv_status decode_text(tv_ctx *ctx, const char *text, tv_image **out) {
  const size_t n = strlen(text);
  uint8_t *buf = dup_bytes(text, n);
  tv_image *img = (tv_image *)(uintptr_t)1;
  const tv_status st = tv_pnm_decode(ctx, buf, n, &img);
  free(buf);
  if (st != TV_OK) ck_assert_ptr_null(img);
  if (out)
    *out = img;
  else if (st == TV_OK)
    tv_image_destroy(img);
  return st;
}

static const tv_pixel_type rt_types[2] = {TV_U8, TV_U16};
static const int32_t rt_chans[2] = {1, 3};
static const int32_t rt_sizes[4][2] = {{1, 1}, {7, 5}, {33, 17}, {3, 64}};

START_TEST(round_trip_library_images) {
  tv_ctx *ctx = tvt_ctx();
  for (int t = 0; t < 2; t++)
    for (int c = 0; c < 2; c++)
      for (int s = 0; s < 4; s++) {
        const int32_t w = rt_sizes[s][0], h = rt_sizes[s][1];
        tv_image *src = NULL, *back = NULL, *back2 = NULL;
        tvt_assert_ok(ctx, tv_image_create(ctx, w, h, rt_chans[c], rt_types[t], &src));
        tvt_fill_random(src, (uint64_t)(t * 100 + c * 10 + s));
        void *enc = NULL;
        size_t n = 0;
        tvt_assert_ok(ctx, tv_pnm_encode(ctx, src, &enc, &n));
        char head[64];
        snprintf(head, sizeof head, "P%c\n%d %d\n%d\n", rt_chans[c] == 1 ? '5' : '6', w, h,
                 rt_types[t] == TV_U8 ? 255 : 65535);
        ck_assert_uint_eq(n, strlen(head) + (size_t)w * h * rt_chans[c] * (t + 1));
        ck_assert_int_eq(memcmp(enc, head, strlen(head)), 0);
        if (rt_types[t] == TV_U16) { /* big-endian in the file */
          const uint16_t first = *(const uint16_t *)src->data;
          const uint8_t *p = (const uint8_t *)enc + strlen(head);
          ck_assert_uint_eq(p[0], first >> 8);
          ck_assert_uint_eq(p[1], first & 0xff);
        }
        tvt_assert_ok(ctx, tv_pnm_decode(ctx, enc, n, &back));
        ck_assert(tvt_images_equal(src, back));
        tvt_assert_ok(ctx, tv_image_decode(ctx, enc, n, &back2));
        ck_assert(tvt_images_equal(src, back2));
        tv_image_info info;
        tvt_assert_ok(ctx, tv_image_probe(ctx, enc, n, &info));
        ck_assert_int_eq(info.width, w);
        ck_assert_int_eq(info.height, h);
        ck_assert_int_eq(info.channels, rt_chans[c]);
        ck_assert_int_eq(info.type, rt_types[t]);
        ck_assert_int_eq(info.format, TV_FORMAT_PNM);
        ck_assert_int_eq(info.bit_depth, rt_types[t] == TV_U8 ? 8 : 16);
        void *enc2 = NULL;
        size_t n2 = 0;
        tvt_assert_ok(ctx, tv_image_encode(ctx, src, TV_FORMAT_PNM, 0, &enc2, &n2));
        ck_assert_uint_eq(n2, n);
        ck_assert_int_eq(memcmp(enc, enc2, n), 0);
        tv_free(enc);
        tv_free(enc2);
        tv_image_destroy(src);
        tv_image_destroy(back);
        tv_image_destroy(back2);
      }
  tv_ctx_destroy(ctx);
}
END_TEST

/* Caller buffers with odd strides and views into a larger image are written row by row. */
START_TEST(round_trip_padded_strides) {
  tv_ctx *ctx = tvt_ctx();
  for (int t = 0; t < 2; t++)
    for (int c = 0; c < 2; c++) {
      const int32_t w = 5, h = 3, es = tv_pixel_size(rt_types[t]);
      const int64_t stride = (int64_t)w * rt_chans[c] * es + 2 * es; /* two samples of padding */
      uint8_t *buf = malloc((size_t)(stride * h));
      ck_assert_ptr_nonnull(buf);
      memset(buf, 0xa5, (size_t)(stride * h));
      tv_image *wrap = NULL, *back = NULL, *big = NULL, *view = NULL, *vback = NULL;
      tvt_assert_ok(ctx, tv_image_wrap(ctx, buf, w, h, rt_chans[c], rt_types[t], stride, &wrap));
      tvt_fill_random(wrap, 42 + (uint64_t)t);
      void *enc = NULL;
      size_t n = 0;
      tvt_assert_ok(ctx, tv_pnm_encode(ctx, wrap, &enc, &n));
      tvt_assert_ok(ctx, tv_pnm_decode(ctx, enc, n, &back));
      ck_assert(tvt_images_equal(wrap, back));
      tv_free(enc);
      tvt_assert_ok(ctx, tv_image_create(ctx, 41, 9, rt_chans[c], rt_types[t], &big));
      tvt_fill_random(big, 7);
      tvt_assert_ok(ctx, tv_image_view(ctx, big, 3, 2, 11, 5, &view));
      tvt_assert_ok(ctx, tv_pnm_encode(ctx, view, &enc, &n));
      tvt_assert_ok(ctx, tv_pnm_decode(ctx, enc, n, &vback));
      ck_assert(tvt_images_equal(view, vback));
      tv_free(enc);
      tv_image_destroy(wrap);
      tv_image_destroy(back);
      tv_image_destroy(view);
      tv_image_destroy(big);
      tv_image_destroy(vback);
      free(buf);
    }
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(ascii_with_comments) {
  tv_ctx *ctx = tvt_ctx();
  tv_image *img = NULL;
  tvt_assert_ok(ctx, decode_text(ctx,
                                 "P2\n# made by hand\n3 # width\n  2 # height\n#maxval next\n"
                                 "200\n0 1 2 # first row\n 3\t4\r\n200\n",
                                 &img));
  ck_assert_int_eq(img->width, 3);
  ck_assert_int_eq(img->height, 2);
  ck_assert_int_eq(img->channels, 1);
  ck_assert_int_eq(img->type, TV_U8);
  static const uint8_t grey[2][3] = {{0, 1, 2}, {3, 4, 200}};
  for (int y = 0; y < 2; y++)
    for (int x = 0; x < 3; x++)
      ck_assert_uint_eq(((const uint8_t *)img->data)[y * img->stride + x], grey[y][x]);
  tv_image_destroy(img);

  tvt_assert_ok(ctx, decode_text(ctx, "P3 2 2 255 255 0 0  0 255 0\n0 0 255 # blue\n9 8 7", &img));
  ck_assert_int_eq(img->channels, 3);
  static const uint8_t rgb[2][6] = {{255, 0, 0, 0, 255, 0}, {0, 0, 255, 9, 8, 7}};
  for (int y = 0; y < 2; y++)
    for (int x = 0; x < 6; x++)
      ck_assert_uint_eq(((const uint8_t *)img->data)[y * img->stride + x], rgb[y][x]);
  tv_image_destroy(img);

  /* Plain samples over 255 give u16; a binary maxval ending in a comment is still one separator. */
  tvt_assert_ok(ctx, decode_text(ctx, "P3\n1 1\n65535\n65535 0 1000\n", &img));
  ck_assert_int_eq(img->type, TV_U16);
  ck_assert_uint_eq(((const uint16_t *)img->data)[0], 65535);
  ck_assert_uint_eq(((const uint16_t *)img->data)[2], 1000);
  tv_image_destroy(img);
  tvt_assert_ok(ctx, decode_text(ctx, "P5 2 1 255#comment\nAB", &img));
  ck_assert_uint_eq(((const uint8_t *)img->data)[0], 'A');
  ck_assert_uint_eq(((const uint8_t *)img->data)[1], 'B');
  tv_image_destroy(img);
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(maxval_kept_raw) {
  tv_ctx *ctx = tvt_ctx();
  tv_image *img = NULL;
  tvt_assert_ok(ctx, decode_text(ctx, "P2 3 1 4095\n0 2048 4095\n", &img));
  ck_assert_int_eq(img->type, TV_U16);
  const uint16_t *p = img->data;
  ck_assert_uint_eq(p[0], 0);
  ck_assert_uint_eq(p[1], 2048);
  ck_assert_uint_eq(p[2], 4095);
  tv_image_destroy(img);
  /* Binary 12-bit: big-endian 0x0fff and 0x0123 stay as they are. */
  static const uint8_t p5[] = {'P', '5', ' ', '2',  ' ',  '1',  ' ',  '4',
                               '0', '9', '5', '\n', 0x0f, 0xff, 0x01, 0x23};
  tvt_assert_ok(ctx, tv_pnm_decode(ctx, p5, sizeof p5, &img));
  p = img->data;
  ck_assert_uint_eq(p[0], 4095);
  ck_assert_uint_eq(p[1], 0x123);
  tv_image_destroy(img);
  tv_image_info info;
  tvt_assert_ok(ctx, tv_image_probe(ctx, p5, sizeof p5, &info));
  ck_assert_int_eq(info.bit_depth, 12);
  ck_assert_int_eq(info.type, TV_U16);
  /* maxval 100 in u8 stays 0..100. */
  tvt_assert_ok(ctx, decode_text(ctx, "P5 1 1 100\nd", &img));
  ck_assert_uint_eq(((const uint8_t *)img->data)[0], 'd');
  tv_image_destroy(img);
  tvt_assert_ok(ctx, tv_image_probe(ctx, "P5 1 1 100\nd", 12, &info));
  ck_assert_int_eq(info.bit_depth, 7);
  ck_assert_int_eq(info.type, TV_U8);

  /* Samples above maxval are corrupt, in binary and ASCII. */
  tvt_assert_status(ctx, decode_text(ctx, "P5 2 1 100\n\x10\x65", NULL), TV_ERR_CORRUPT);
  tvt_assert_error_has(ctx, "tv_pnm_decode: PNM: sample 101 at (1, 0) is above maxval 100");
  static const uint8_t p5hi[] = {'P', '5', ' ', '1', ' ',  '1',  ' ',
                                 '4', '0', '9', '5', '\n', 0x10, 0x00};
  tvt_assert_status(ctx, tv_pnm_decode(ctx, p5hi, sizeof p5hi, &img), TV_ERR_CORRUPT);
  tvt_assert_error_has(ctx, "PNM: sample 4096 at (0, 0) is above maxval 4095");
  tvt_assert_status(ctx, decode_text(ctx, "P3 1 2 4095\n1 2 3 4 4096 0\n", NULL), TV_ERR_CORRUPT);
  tvt_assert_error_has(ctx, "PNM: sample 4096 at (0, 1) is above maxval 4095");
  tvt_assert_status(ctx, decode_text(ctx, "P2 1 1 65535\n99999999999\n", NULL), TV_ERR_CORRUPT);
  tvt_assert_error_has(ctx, "above maxval 65535");
  tv_ctx_destroy(ctx);
}
END_TEST

/* Every prefix of a small binary file fails cleanly (ASan checks the reads). */
START_TEST(truncated_binary_every_offset) {
  tv_ctx *ctx = tvt_ctx();
  for (int kind = 0; kind < 4; kind++) {
    tv_image *src = NULL;
    tvt_assert_ok(ctx,
                  tv_image_create(ctx, 4, 3, kind & 1 ? 3 : 1, kind & 2 ? TV_U16 : TV_U8, &src));
    tvt_fill_random(src, 9);
    void *enc = NULL;
    size_t n = 0;
    tvt_assert_ok(ctx, tv_pnm_encode(ctx, src, &enc, &n));
    const size_t head = strlen(kind & 2 ? "P5\n4 3\n65535\n" : "P5\n4 3\n255\n");
    for (size_t len = 1; len < n; len++) {
      uint8_t *cut = dup_bytes(enc, len);
      tv_image *img = (tv_image *)(uintptr_t)1;
      const tv_status st = tv_pnm_decode(ctx, cut, len, &img);
      ck_assert_msg(st == (len < 2 ? TV_ERR_FORMAT : TV_ERR_CORRUPT), "len %zu: %s (%s)", len,
                    tv_status_str(st), tv_ctx_last_error(ctx));
      ck_assert_ptr_null(img);
      if (len >= head - 1) { /* without the separator after maxval, the raster is empty */
        char want[96];
        snprintf(want, sizeof want, "tv_pnm_decode: PNM: pixel data truncated: %zu of %zu bytes",
                 len >= head ? len - head : 0, n - head);
        tvt_assert_error_has(ctx, want);
      } else if (len > 3) { /* a cut inside maxval leaves a smaller maxval and no raster */
        tvt_assert_error_has(ctx, "truncated");
      }
      /* The probe needs only the header. */
      tv_image_info info;
      if (len > head) tvt_assert_ok(ctx, tv_image_probe(ctx, cut, len, &info));
      free(cut);
    }
    tv_free(enc);
    tv_image_destroy(src);
  }
  tv_ctx *c2 = tvt_ctx();
  /* The message names the entry point and both byte counts. */
  char big[1300];
  const int hl = snprintf(big, sizeof big, "P5\n200 200\n255\n");
  memset(big + hl, 7, 1200);
  tv_image *img = NULL;
  tvt_assert_status(c2, tv_image_decode(c2, big, (size_t)hl + 1200, &img), TV_ERR_CORRUPT);
  tvt_assert_error_has(c2, "tv_image_decode: PNM: pixel data truncated: 1200 of 40000 bytes");
  tv_ctx_destroy(c2);
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(truncated_ascii_every_offset) {
  tv_ctx *ctx = tvt_ctx();
  const char *text = "P3 # rgb\n2 2\n255\n1 22 133 4 5 6 # c\n70 80 90 100 110 120\n";
  const size_t n = strlen(text);
  const size_t last = (size_t)(strstr(text, "120") - text);
  for (size_t len = 1; len < n; len++) {
    uint8_t *cut = dup_bytes(text, len);
    tv_image *img = NULL;
    const tv_status st = tv_pnm_decode(ctx, cut, len, &img);
    if (len <= last)
      ck_assert_msg(st == (len < 2 ? TV_ERR_FORMAT : TV_ERR_CORRUPT), "len %zu: %s (%s)", len,
                    tv_status_str(st), tv_ctx_last_error(ctx));
    else /* a cut inside the last number still gives a number */
      ck_assert_int_eq(st, TV_OK);
    tv_image_destroy(img);
    free(cut);
  }
  tvt_assert_status(ctx, decode_text(ctx, "P2 2 2 255\n1 2 3             \n", NULL),
                    TV_ERR_CORRUPT);
  tvt_assert_error_has(ctx, "PNM: ASCII pixel data truncated: 3 of 4 samples");
  tvt_assert_status(ctx, decode_text(ctx, "P2 2 2 255\n1 2 3\n", NULL), TV_ERR_CORRUPT);
  tvt_assert_error_has(
      ctx, "PNM: ASCII pixel data truncated: 4 samples need at least 7 bytes, 6 present");
  tv_ctx_destroy(ctx);
}
END_TEST

typedef struct bad_header {
  const char *text;
  tv_status status;
  const char *message;
} bad_header;

static const bad_header bad_headers[] = {
    {"P5 99999999999 1 255\n", TV_ERR_TOO_LARGE, "PNM: width 99999999999 is too large"},
    {"P5 1 2147483648 255\n", TV_ERR_TOO_LARGE, "PNM: height 2147483648 is too large"},
    {"P5 1 999999999999999999999999999999999999 255\n", TV_ERR_TOO_LARGE,
     "PNM: height 999999999999999999999999... is too large (at most 2147483647)"},
    {"P5 -3 1 255\n", TV_ERR_CORRUPT, "PNM: negative width in the header"},
    {"P6 3 -1 255\n", TV_ERR_CORRUPT, "PNM: negative height in the header"},
    {"P5 4 4\n", TV_ERR_CORRUPT, "PNM: header truncated before the maxval"},
    {"P5 4 4 # no maxval\n", TV_ERR_CORRUPT, "PNM: header truncated before the maxval"},
    {"P5", TV_ERR_CORRUPT, "PNM: header truncated before the width"},
    {"P5 4 4 0\n", TV_ERR_CORRUPT, "PNM: maxval 0 is invalid (1 to 65535)"},
    {"P5 4 4 65536\n", TV_ERR_CORRUPT, "PNM: maxval 65536 is too large (at most 65535)"},
    {"P5 4x4 255\n", TV_ERR_CORRUPT, "PNM: width '4' is followed by 'x'"},
    {"P5 abc 4 255\n", TV_ERR_CORRUPT, "PNM: width expected in the header, found 'a'"},
    {"P5 4 4 2z5\n", TV_ERR_CORRUPT, "PNM: maxval '2' is followed by 'z'"},
    {"P5 4 \x01 255\n", TV_ERR_CORRUPT, "PNM: height expected in the header, found byte 0x01"},
    {"P5 0 4 255\n", TV_ERR_CORRUPT, "PNM: image size 0x4 is invalid"},
    {"P6 4 0 255\n", TV_ERR_CORRUPT, "PNM: image size 4x0 is invalid"},
    {"P54 4 255\n", TV_ERR_CORRUPT, "PNM: no whitespace after the magic 'P5'"},
    {"P5 1 1 255\n", TV_ERR_CORRUPT, "PNM: pixel data truncated: 0 of 1 bytes"},
    {"P6 2 1 65535\n", TV_ERR_CORRUPT, "PNM: pixel data truncated: 0 of 12 bytes"},
    {"P2 2 1 255\n1 x\n", TV_ERR_CORRUPT, "PNM: 'x' where ASCII sample 1 should be"},
    {"P2 2 1 255\n1 -2\n", TV_ERR_CORRUPT, "PNM: '-' where ASCII sample 1 should be"},
    {"P2 2 1 255\n12x 1\n", TV_ERR_CORRUPT, "PNM: 'x' inside ASCII sample 0"},
    {"P2 2 1 100\n1 200\n", TV_ERR_CORRUPT, "PNM: sample 200 at (1, 0) is above maxval 100"},
    {"P1 1 1\n1\n", TV_ERR_UNSUPPORTED, "PNM: P1 (PBM bitmap) is not supported"},
    {"P4 8 1\n\x01", TV_ERR_UNSUPPORTED, "PNM: P4 (PBM bitmap) is not supported"},
    {"P7\nWIDTH 1\n", TV_ERR_UNSUPPORTED, "PNM: P7 (PAM) is not supported"},
    {"PF\n1 1\n-1.0\n", TV_ERR_UNSUPPORTED, "PNM: PF (PFM float) is not supported"},
    {"P9 1 1 255\n", TV_ERR_FORMAT, "PNM: not a PGM/PPM file (magic 'P' then 0x39)"},
    {"BM\x10\x00", TV_ERR_FORMAT, "PNM: not a PGM/PPM file (no 'P' magic)"},
    {"P", TV_ERR_FORMAT, "PNM: not a PGM/PPM file"},
};

START_TEST(header_fuzz) {
  tv_ctx *ctx = tvt_ctx();
  const bad_header *b = &bad_headers[_i];
  tvt_assert_status(ctx, decode_text(ctx, b->text, NULL), b->status);
  tvt_assert_error_has(ctx, b->message);
  tvt_assert_error_has(ctx, "tv_pnm_decode: PNM: ");
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(pixel_limit_before_allocation) {
  tv_ctx *ctx = tvt_ctx();
  char buf[256];
  const int hl = snprintf(buf, sizeof buf, "P5 11 10 255\n");
  memset(buf + hl, 1, 110);
  tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_MAX_PIXELS, 100));
  tv_image *img = NULL;
  tvt_assert_status(ctx, tv_pnm_decode(ctx, buf, (size_t)hl + 110, &img), TV_ERR_TOO_LARGE);
  tvt_assert_error_has(ctx,
                       "tv_pnm_decode: PNM: image 11x10 exceeds the context's limit of 100 pixels");
  ck_assert_ptr_null(img);
  /* The probe still reports the header. */
  tv_image_info info;
  tvt_assert_ok(ctx, tv_image_probe(ctx, buf, (size_t)hl + 110, &info));
  ck_assert_int_eq(info.width, 11);
  tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_MAX_PIXELS, 110));
  tvt_assert_ok(ctx, tv_pnm_decode(ctx, buf, (size_t)hl + 110, &img));
  tv_image_destroy(img);
  img = NULL;
  /* A tiny file claiming 2^31-1 squared pixels is refused without allocating (ASan would fail). */
  tv_ctx *c2 = tvt_ctx();
  tvt_assert_status(c2, decode_text(c2, "P6 2147483647 2147483647 65535\n", &img),
                    TV_ERR_TOO_LARGE);
  tvt_assert_error_has(c2, "exceeds the context's limit of 268435456 pixels");
  /* Within the limit but far larger than the data: refused as truncated before allocation. */
  tvt_assert_status(c2, decode_text(c2, "P3 16384 16384 255\n1 2 3", &img), TV_ERR_CORRUPT);
  tvt_assert_error_has(c2, "PNM: ASCII pixel data truncated: 805306368 samples need at least");
  tv_ctx_destroy(c2);
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(write_refuses_types) {
  tv_ctx *ctx = tvt_ctx();
  tv_image *rgba = NULL, *f = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, 4, 4, 4, TV_U8, &rgba));
  tvt_assert_ok(ctx, tv_image_create(ctx, 4, 4, 1, TV_F32, &f));
  void *out = (void *)(uintptr_t)1;
  size_t n = 99;
  tvt_assert_status(ctx, tv_pnm_encode(ctx, rgba, &out, &n), TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "tv_pnm_encode: PNM: 4-channel images cannot be written");
  ck_assert_ptr_null(out);
  ck_assert_uint_eq(n, 0);
  out = (void *)(uintptr_t)1;
  n = 99;
  tvt_assert_status(ctx, tv_image_encode(ctx, f, TV_FORMAT_PNM, 0, &out, &n), TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "tv_image_encode: PNM: f32 images cannot be written");
  ck_assert_ptr_null(out);
  ck_assert_uint_eq(n, 0);
  tvt_assert_status(ctx, tv_pnm_encode(ctx, f, &out, &n), TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "f32 images cannot be written; convert to u8 or u16 first");
  tv_image_destroy(rgba);
  tv_image_destroy(f);
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(null_and_wrong_format) {
  tv_ctx *ctx = tvt_ctx();
  tv_image *img = (tv_image *)(uintptr_t)1;
  const char *p5 = "P5 1 1 255\nx";
  ck_assert_int_eq(tv_pnm_decode(NULL, p5, 12, &img), TV_ERR_NULL);
  tvt_assert_status(ctx, tv_pnm_decode(ctx, p5, 12, NULL), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_pnm_decode: out is NULL");
  tvt_assert_status(ctx, tv_pnm_decode(ctx, NULL, 12, &img), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_pnm_decode: data is NULL");
  ck_assert_ptr_null(img);
  tvt_assert_status(ctx, tv_pnm_decode(ctx, p5, 0, &img), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_pnm_decode: data is empty");
  static const uint8_t png[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  tvt_assert_status(ctx, tv_pnm_decode(ctx, png, sizeof png, &img), TV_ERR_FORMAT);
  tvt_assert_error_has(ctx, "tv_pnm_decode: PNM: not a PGM/PPM file");
  ck_assert_ptr_null(img);

  tv_image *src = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, 2, 2, 1, TV_U8, &src));
  void *out = NULL;
  size_t n = 0;
  ck_assert_int_eq(tv_pnm_encode(NULL, src, &out, &n), TV_ERR_NULL);
  tvt_assert_status(ctx, tv_pnm_encode(ctx, NULL, &out, &n), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_pnm_encode: img is NULL");
  tvt_assert_status(ctx, tv_pnm_encode(ctx, src, NULL, &n), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_pnm_encode: out_data or out_size is NULL");
  tvt_assert_status(ctx, tv_pnm_encode(ctx, src, &out, NULL), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "out_data or out_size is NULL");
  tv_image_destroy(src);
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(first_of_several_images) {
  tv_ctx *ctx = tvt_ctx();
  static const char two[] = "P5 2 1 255\nabP6 1 1 255\nxyz";
  tv_image *img = NULL;
  tvt_assert_ok(ctx, tv_pnm_decode(ctx, two, sizeof two - 1, &img));
  ck_assert_int_eq(img->width, 2);
  ck_assert_int_eq(img->channels, 1);
  ck_assert_uint_eq(((const uint8_t *)img->data)[1], 'b');
  tv_image_destroy(img);
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(files_round_trip) {
  tv_ctx *ctx = tvt_ctx();
  char dir[] = "/tmp/tv_pnm_XXXXXX";
  ck_assert_ptr_nonnull(mkdtemp(dir));
  tv_image *rgb = NULL, *grey = NULL, *back = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, 13, 7, 3, TV_U8, &rgb));
  tvt_assert_ok(ctx, tv_image_create(ctx, 9, 11, 1, TV_U16, &grey));
  tvt_fill_random(rgb, 3);
  tvt_fill_random(grey, 4);

  /* A PGM holds grey only: io.c refuses the name before writing anything. */
  char path[256];
  snprintf(path, sizeof path, "%s/x.pgm", dir);
  tvt_assert_status(ctx, tv_image_write(ctx, rgb, path, TV_FORMAT_UNKNOWN, 0), TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "tv_image_write: a 3-channel image cannot be written as");
  ck_assert_int_ne(access(path, F_OK), 0);
  tvt_assert_ok(ctx, tv_image_write(ctx, grey, path, TV_FORMAT_UNKNOWN, 0));
  tvt_assert_ok(ctx, tv_image_read(ctx, path, &back));
  ck_assert(tvt_images_equal(grey, back));
  tv_image_destroy(back);
  tv_image_info info;
  tvt_assert_ok(ctx, tv_image_read_info(ctx, path, &info));
  ck_assert_int_eq(info.width, 9);
  ck_assert_int_eq(info.type, TV_U16);
  unlink(path);

  /* A mkstemp file has no extension: the format is given. */
  char tmp[256];
  snprintf(tmp, sizeof tmp, "%s/imgXXXXXX", dir);
  const int fd = mkstemp(tmp);
  ck_assert_int_ge(fd, 0);
  close(fd);
  tvt_assert_status(ctx, tv_image_write(ctx, rgb, tmp, TV_FORMAT_UNKNOWN, 0), TV_ERR_FORMAT);
  tvt_assert_ok(ctx, tv_image_write(ctx, rgb, tmp, TV_FORMAT_PNM, 0));
  tvt_assert_ok(ctx, tv_image_read(ctx, tmp, &back));
  ck_assert(tvt_images_equal(rgb, back));
  tv_image_destroy(back);
  size_t n = 0;
  uint8_t *raw = tvt_read_file(tmp, &n);
  ck_assert_ptr_nonnull(raw);
  ck_assert_int_eq(memcmp(raw, "P6\n13 7\n255\n", 12), 0);
  ck_assert_uint_eq(n, 12 + 13 * 7 * 3);
  free(raw);
  unlink(tmp);
  ck_assert_int_eq(rmdir(dir), 0);
  tv_image_destroy(rgb);
  tv_image_destroy(grey);
  tv_ctx_destroy(ctx);
}
END_TEST

static Suite *pnm_suite(void) {
  Suite *s = suite_create("io_pnm");
  TCase *tc = tcase_create("pnm");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, round_trip_library_images);
  tcase_add_test(tc, round_trip_padded_strides);
  tcase_add_test(tc, ascii_with_comments);
  tcase_add_test(tc, maxval_kept_raw);
  tcase_add_test(tc, truncated_binary_every_offset);
  tcase_add_test(tc, truncated_ascii_every_offset);
  tcase_add_loop_test(tc, header_fuzz, 0, (int)(sizeof bad_headers / sizeof bad_headers[0]));
  tcase_add_test(tc, pixel_limit_before_allocation);
  tcase_add_test(tc, write_refuses_types);
  tcase_add_test(tc, null_and_wrong_format);
  tcase_add_test(tc, first_of_several_images);
  tcase_add_test(tc, files_round_trip);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return tvt_run(pnm_suite()); }
