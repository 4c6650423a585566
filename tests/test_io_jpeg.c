/* Unit tests of the JPEG codec: round trips, determinism, bad input, hostile headers.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

/* A smooth pattern with a little noise: what inspection images look like, and what JPEG is for. */
static void fill_pattern(tv_image *img, uint64_t seed) {
  uint64_t s = seed + 1;
  for (int32_t y = 0; y < img->height; y++) {
    uint8_t *row = (uint8_t *)img->data + (int64_t)y * img->stride;
    for (int32_t x = 0; x < img->width; x++)
      for (int32_t c = 0; c < img->channels; c++) {
        const int v = (x * 3 + y * 2 + c * 60) % 200 + 20 + (int)(tvt_rand(&s) >> 61);
        row[x * img->channels + c] = (uint8_t)v;
      }
  }
}

static int max_abs_diff(const tv_image *a, const tv_image *b) {
  int m = 0;
  for (int32_t y = 0; y < a->height; y++) {
    const uint8_t *pa = (const uint8_t *)a->data + (int64_t)y * a->stride;
    const uint8_t *pb = (const uint8_t *)b->data + (int64_t)y * b->stride;
    for (int32_t i = 0; i < a->width * a->channels; i++) {
      const int d = pa[i] > pb[i] ? pa[i] - pb[i] : pb[i] - pa[i];
      if (d > m) m = d;
    }
  }
  return m;
}

/* A wrapped image with `pad` bytes of padding after every row (filled with 0xEE). */
static tv_image *padded_image(tv_ctx *ctx, int32_t w, int32_t h, int32_t ch, int32_t pad,
                              uint8_t **mem) {
  const int64_t stride = (int64_t)w * ch + pad;
  *mem = malloc((size_t)(stride * h));
  ck_assert_ptr_nonnull(*mem);
  memset(*mem, 0xee, (size_t)(stride * h));
  tv_image *img = NULL;
  tvt_assert_ok(ctx, tv_image_wrap(ctx, *mem, w, h, ch, TV_U8, stride, &img));
  return img;
}

/* Encodes a small RGB test image; the caller frees *data. */
static void small_jpeg(tv_ctx *ctx, int32_t w, int32_t h, int32_t ch, int32_t q, void **data,
                       size_t *size) {
  tv_image *img = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, w, h, ch, TV_U8, &img));
  fill_pattern(img, 7);
  tvt_assert_ok(ctx, tv_jpeg_encode(ctx, img, q, data, size));
  tv_image_destroy(img);
}

/* Offset of the first marker `m` (0xFF m) after SOI, or 0. */
static size_t find_marker(const uint8_t *p, size_t n, uint8_t m) {
  for (size_t i = 2; i + 1 < n; i++)
    if (p[i] == 0xff && p[i + 1] == m) return i;
  return 0;
}

/* Round trips at quality 100, tolerances measured over these sizes with margin: grey (ISLOW DCT,
 * quantisers 1) max abs diff <= 3; RGB 4:4:4 adds the YCbCr conversion's rounding: <= 6. */
static const int32_t sizes[][2] = {{1, 1}, {7, 5}, {37, 23}, {64, 8}, {129, 3}, {3, 131}};

START_TEST(roundtrip_grey_and_rgb) {
  tv_ctx *ctx = tvt_ctx();
  for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++)
    for (int32_t ch = 1; ch <= 3; ch += 2)
      for (int32_t pad = 0; pad <= 13; pad += 13) {
        uint8_t *mem = NULL;
        tv_image *src = padded_image(ctx, sizes[s][0], sizes[s][1], ch, pad, &mem);
        fill_pattern(src, (uint64_t)s);
        void *data = NULL;
        size_t n = 0;
        tvt_assert_ok(ctx, tv_jpeg_encode(ctx, src, 100, &data, &n));
        ck_assert_uint_gt(n, 100);
        const uint8_t *p = data;
        ck_assert(p[0] == 0xff && p[1] == 0xd8 && p[n - 2] == 0xff && p[n - 1] == 0xd9);
        /* Colour is written 4:4:4: every component samples 1x1 in SOF0. */
        const size_t sof = find_marker(p, n, 0xc0);
        ck_assert_uint_gt(sof, 0);
        ck_assert_int_eq(p[sof + 9], ch);
        for (int32_t c = 0; c < ch; c++) ck_assert_int_eq(p[sof + 11 + 3 * c], 0x11);
        tv_image *out = NULL;
        tvt_assert_ok(ctx, tv_jpeg_decode(ctx, data, n, &out));
        ck_assert_int_eq(out->width, src->width);
        ck_assert_int_eq(out->height, src->height);
        ck_assert_int_eq(out->channels, ch);
        ck_assert_int_eq(out->type, TV_U8);
        const int d = max_abs_diff(src, out);
        ck_assert_msg(d <= (ch == 1 ? 3 : 6), "%dx%dx%d: max diff %d", src->width, src->height, ch,
                      d);
        tv_free(data);
        tv_image_destroy(out);
        tv_image_destroy(src);
        free(mem);
      }
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(deterministic_and_default_quality) {
  tv_ctx *ctx = tvt_ctx();
  tv_image *src = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, 51, 29, 3, TV_U8, &src));
  fill_pattern(src, 3);
  void *a = NULL, *b = NULL, *c = NULL;
  size_t na = 0, nb = 0, nc = 0;
  tvt_assert_ok(ctx, tv_jpeg_encode(ctx, src, 0, &a, &na));
  tvt_assert_ok(ctx, tv_jpeg_encode(ctx, src, 90, &b, &nb));
  tvt_assert_ok(ctx, tv_image_encode(ctx, src, TV_FORMAT_JPEG, 90, &c, &nc));
  ck_assert_uint_eq(na, nb);
  ck_assert_int_eq(memcmp(a, b, na), 0); /* 0 means 90 */
  ck_assert_uint_eq(na, nc);
  ck_assert_int_eq(memcmp(a, c, na), 0); /* the generic entry point is the same encoder */
  tv_image *d1 = NULL, *d2 = NULL, *d3 = NULL;
  tvt_assert_ok(ctx, tv_jpeg_decode(ctx, a, na, &d1));
  tvt_assert_ok(ctx, tv_jpeg_decode(ctx, a, na, &d2));
  tvt_assert_ok(ctx, tv_image_decode(ctx, a, na, &d3));
  ck_assert(tvt_images_equal(d1, d2));
  ck_assert(tvt_images_equal(d1, d3));
  /* Lower quality, smaller file. */
  void *low = NULL;
  size_t nl = 0;
  tvt_assert_ok(ctx, tv_jpeg_encode(ctx, src, 10, &low, &nl));
  ck_assert_uint_lt(nl, na);
  tv_free(low);
  tv_free(a);
  tv_free(b);
  tv_free(c);
  tv_image_destroy(d1);
  tv_image_destroy(d2);
  tv_image_destroy(d3);
  tv_image_destroy(src);
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(encode_bad_input) {
  tv_ctx *ctx = tvt_ctx();
  tv_image *img = NULL;
  void *data = (void *)1;
  size_t n = 1;
  tvt_assert_ok(ctx, tv_image_create(ctx, 8, 8, 3, TV_U8, &img));
  tvt_assert_status(ctx, tv_jpeg_encode(ctx, img, 101, &data, &n), TV_ERR_ARG);
  ck_assert_ptr_null(data);
  ck_assert_uint_eq(n, 0);
  tvt_assert_error_has(ctx, "tv_jpeg_encode: JPEG: quality 101");
  tvt_assert_status(ctx, tv_jpeg_encode(ctx, img, -1, &data, &n), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "outside 1..100");
  tvt_assert_status(ctx, tv_image_encode(ctx, img, TV_FORMAT_JPEG, 101, &data, &n), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_image_encode: JPEG: quality 101");
  tvt_assert_status(ctx, tv_jpeg_encode(NULL, img, 90, &data, &n), TV_ERR_NULL);
  tvt_assert_status(ctx, tv_jpeg_encode(ctx, NULL, 90, &data, &n), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_jpeg_encode:");
  tvt_assert_status(ctx, tv_jpeg_encode(ctx, img, 90, NULL, &n), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_jpeg_encode: out_data or out_size is NULL");
  tvt_assert_status(ctx, tv_jpeg_encode(ctx, img, 90, &data, NULL), TV_ERR_NULL);
  tv_image_destroy(img);

  static const struct {
    int32_t ch, type;
    const char *text;
  } bad[] = {{3, TV_U16, "tv_jpeg_encode: JPEG: holds only u8 samples, not u16"},
             {1, TV_F32, "tv_jpeg_encode: JPEG: holds only u8 samples, not f32"},
             {4, TV_U8, "tv_jpeg_encode: JPEG: holds 1 (grey) or 3 (RGB) channels, not 4"}};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    tvt_assert_ok(ctx, tv_image_create(ctx, 8, 8, bad[i].ch, bad[i].type, &img));
    data = (void *)1;
    tvt_assert_status(ctx, tv_jpeg_encode(ctx, img, 90, &data, &n), TV_ERR_TYPE);
    ck_assert_ptr_null(data);
    tvt_assert_error_has(ctx, bad[i].text);
    tv_image_destroy(img);
  }
  /* Wider than JPEG's 65500 pixels. */
  tvt_assert_ok(ctx, tv_image_create(ctx, 65501, 1, 1, TV_U8, &img));
  tvt_assert_status(ctx, tv_jpeg_encode(ctx, img, 90, &data, &n), TV_ERR_TOO_LARGE);
  tvt_assert_error_has(ctx, "tv_jpeg_encode: JPEG: 65501x1 exceeds");
  tv_image_destroy(img);
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(decode_bad_args) {
  tv_ctx *ctx = tvt_ctx();
  void *jpg = NULL;
  size_t n = 0;
  small_jpeg(ctx, 8, 8, 3, 90, &jpg, &n);
  tv_image *out = (tv_image *)1;
  tvt_assert_status(ctx, tv_jpeg_decode(NULL, jpg, n, &out), TV_ERR_NULL);
  tvt_assert_status(ctx, tv_jpeg_decode(ctx, NULL, n, &out), TV_ERR_NULL);
  ck_assert_ptr_null(out);
  tvt_assert_error_has(ctx, "tv_jpeg_decode: data is NULL");
  tvt_assert_status(ctx, tv_jpeg_decode(ctx, jpg, n, NULL), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_jpeg_decode: out is NULL");
  tvt_assert_status(ctx, tv_jpeg_decode(ctx, jpg, 0, &out), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_jpeg_decode: data is empty");
  tv_free(jpg);
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(decode_not_jpeg) {
  tv_ctx *ctx = tvt_ctx();
  static const uint8_t png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13,
                                'I',  'H', 'D', 'R', 0,    0,    0,    1,    0, 0, 0, 1};
  tv_image *out = (tv_image *)1;
  tvt_assert_status(ctx, tv_jpeg_decode(ctx, png, sizeof png, &out), TV_ERR_FORMAT);
  ck_assert_ptr_null(out);
  tvt_assert_error_has(ctx, "tv_jpeg_decode: JPEG: not a JPEG file (no SOI marker)");
  static const uint8_t soi_only[] = {0xff, 0xd8};
  tvt_assert_status(ctx, tv_jpeg_decode(ctx, soi_only, sizeof soi_only, &out), TV_ERR_FORMAT);
  tvt_assert_error_has(ctx, "tv_jpeg_decode: JPEG:");
  tv_ctx_destroy(ctx);
}
END_TEST

/* Every prefix of a valid file fails cleanly: missing data is a warning, and warnings are errors,
 * so no image with libjpeg's fill-in (or uninitialised pixels) is ever returned. */
START_TEST(truncated_at_every_offset) {
  tv_ctx *ctx = tvt_ctx();
  void *jpg = NULL;
  size_t n = 0;
  small_jpeg(ctx, 19, 13, 3, 75, &jpg, &n);
  const uint8_t *p = jpg;
  for (size_t k = 1; k < n; k++) {
    uint8_t *cut = malloc(k); /* exact size, so ASan sees any read past the end */
    ck_assert_ptr_nonnull(cut);
    memcpy(cut, p, k);
    tv_image *out = (tv_image *)1;
    const tv_status st = tv_jpeg_decode(ctx, cut, k, &out);
    ck_assert_msg(st == (k < 3 ? TV_ERR_FORMAT : TV_ERR_CORRUPT), "prefix %zu: %s (%s)", k,
                  tv_status_str(st), tv_ctx_last_error(ctx));
    ck_assert_ptr_null(out);
    tvt_assert_error_has(ctx, "tv_jpeg_decode: JPEG: ");
    free(cut);
  }
  /* The last prefix lacks only EOI. */
  tv_image *out = NULL;
  tvt_assert_status(ctx, tv_jpeg_decode(ctx, jpg, n - 2, &out), TV_ERR_CORRUPT);
  tvt_assert_error_has(ctx, "tv_jpeg_decode: JPEG: Premature end of JPEG file");
  tvt_assert_ok(ctx, tv_jpeg_decode(ctx, jpg, n, &out));
  tv_image_destroy(out);
  tv_free(jpg);
  tv_ctx_destroy(ctx);
}
END_TEST

/* Flipped bytes give an error or an image (never a crash), the same one every time. */
START_TEST(flipped_bytes) {
  tv_ctx *ctx = tvt_ctx();
  void *jpg = NULL;
  size_t n = 0;
  small_jpeg(ctx, 21, 17, 3, 80, &jpg, &n);
  uint8_t *buf = malloc(n);
  ck_assert_ptr_nonnull(buf);
  int decoded = 0, failed = 0;
  static const uint8_t masks[] = {0x01, 0x80, 0xff};
  for (size_t i = 0; i < n; i++)
    for (size_t m = 0; m < sizeof masks; m++) {
      memcpy(buf, jpg, n);
      buf[i] ^= masks[m];
      tv_image *a = NULL, *b = NULL;
      const tv_status st = tv_jpeg_decode(ctx, buf, n, &a);
      if (st == TV_OK) {
        decoded++;
        ck_assert(a->width >= 1 && a->height >= 1 && (a->channels == 1 || a->channels == 3));
        tvt_assert_ok(ctx, tv_jpeg_decode(ctx, buf, n, &b));
        ck_assert(tvt_images_equal(a, b));
      } else {
        failed++;
        ck_assert_ptr_null(a);
        ck_assert_msg(st == TV_ERR_FORMAT || st == TV_ERR_CORRUPT || st == TV_ERR_UNSUPPORTED ||
                          st == TV_ERR_TOO_LARGE,
                      "byte %zu ^ %02x: %s", i, masks[m], tv_status_str(st));
        tvt_assert_error_has(ctx, "tv_jpeg_decode: JPEG: ");
      }
      tv_image_destroy(a);
      tv_image_destroy(b);
    }
  ck_assert_int_gt(decoded, 0);
  ck_assert_int_gt(failed, 0);
  free(buf);
  tv_free(jpg);
  tv_ctx_destroy(ctx);
}
END_TEST

/* A header declaring 65000x65000 is refused by the pixel limit before any pixel is allocated, yet
 * can be probed. */
START_TEST(huge_header_refused) {
  tv_ctx *ctx = tvt_ctx();
  void *jpg = NULL;
  size_t n = 0;
  small_jpeg(ctx, 8, 8, 1, 90, &jpg, &n);
  uint8_t *p = jpg;
  const size_t sof = find_marker(p, n, 0xc0);
  ck_assert_uint_gt(sof, 0);
  p[sof + 5] = 65000 >> 8; /* height */
  p[sof + 6] = 65000 & 0xff;
  p[sof + 7] = 65000 >> 8; /* width */
  p[sof + 8] = 65000 & 0xff;
  tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_MAX_PIXELS, 1 << 20));
  tv_image *out = (tv_image *)1;
  tvt_assert_status(ctx, tv_jpeg_decode(ctx, p, n, &out), TV_ERR_TOO_LARGE);
  ck_assert_ptr_null(out);
  tvt_assert_error_has(ctx, "tv_jpeg_decode: image 65000x65000 exceeds the context's limit");
  tvt_assert_status(ctx, tv_image_decode(ctx, p, n, &out), TV_ERR_TOO_LARGE);
  tvt_assert_error_has(ctx, "tv_image_decode: image 65000x65000");
  /* The default limit (2^28) refuses it too. */
  tv_ctx *dflt = tvt_ctx();
  tvt_assert_status(dflt, tv_jpeg_decode(dflt, p, n, &out), TV_ERR_TOO_LARGE);
  tv_image_info info;
  tvt_assert_ok(ctx, tv_image_probe(ctx, p, n, &info));
  ck_assert_int_eq(info.width, 65000);
  ck_assert_int_eq(info.height, 65000);
  tv_ctx_destroy(dflt);
  tv_free(jpg);
  tv_ctx_destroy(ctx);
}
END_TEST

/* Appends bytes to a buffer of known capacity. */
static void put(uint8_t *buf, size_t *n, size_t cap, const uint8_t *bytes, size_t k) {
  ck_assert_uint_le(*n + k, cap);
  memcpy(buf + *n, bytes, k);
  *n += k;
}

/* A valid progressive 8x8 grey JPEG (all coefficients zero: mid-grey) split into as many scans as
 * the standard allows, or only the first-pass ones: DC and each AC coefficient alone, successive
 * approximation from bit 13 down (14 + 63 * 14 = 896 scans), or 1 + 63 = 64 scans. */
static size_t many_scans_jpeg(uint8_t *buf, size_t cap, int refine) {
  size_t n = 0;
  static const uint8_t soi[] = {0xff, 0xd8};
  put(buf, &n, cap, soi, sizeof soi);
  uint8_t dqt[69] = {0xff, 0xdb, 0, 67, 0x00};
  memset(dqt + 5, 1, 64);
  put(buf, &n, cap, dqt, sizeof dqt);
  static const uint8_t sof2[] = {0xff, 0xc2, 0, 11, 8, 0, 8, 0, 8, 1, 1, 0x11, 0};
  put(buf, &n, cap, sof2, sizeof sof2);
  for (int cls = 0; cls < 2; cls++) { /* one code, "0", for symbol 0 (DC diff 0 / AC EOB) */
    uint8_t dht[22] = {0xff, 0xc4, 0, 20, (uint8_t)(cls << 4), 1};
    put(buf, &n, cap, dht, sizeof dht);
  }
  const int top = refine ? 13 : 0;
  for (int k = 0; k < 64; k++)
    for (int al = top; al >= 0; al--) {
      const int ah = al == top ? 0 : al + 1;
      const uint8_t sos[] = {
          0xff, 0xda, 0, 8, 1, 1, 0x00, (uint8_t)k, (uint8_t)k, (uint8_t)(ah << 4 | al), 0x7f};
      put(buf, &n, cap, sos, sizeof sos);
    }
  static const uint8_t eoi[] = {0xff, 0xd9};
  put(buf, &n, cap, eoi, sizeof eoi);
  return n;
}

/* Valid but hostile: a progressive file with hundreds of scans is refused (TJFLAG_LIMITSCANS). */
START_TEST(too_many_scans_refused) {
  tv_ctx *ctx = tvt_ctx();
  const size_t cap = 20000;
  uint8_t *buf = malloc(cap);
  ck_assert_ptr_nonnull(buf);
  tv_image *out = NULL;
  size_t n = many_scans_jpeg(buf, cap, 0);
  tvt_assert_ok(ctx, tv_jpeg_decode(ctx, buf, n, &out));
  ck_assert_int_eq(out->channels, 1);
  for (int32_t y = 0; y < 8; y++)
    for (int32_t x = 0; x < 8; x++)
      ck_assert_int_eq(((uint8_t *)(uint8_t *)out->data + (int64_t)y * out->stride)[x], 128);
  tv_image_destroy(out);
  n = many_scans_jpeg(buf, cap, 1);
  out = (tv_image *)1;
  tvt_assert_status(ctx, tv_jpeg_decode(ctx, buf, n, &out), TV_ERR_TOO_LARGE);
  ck_assert_ptr_null(out);
  tvt_assert_error_has(ctx, "tv_jpeg_decode: JPEG: Progressive JPEG image has more than 500 scans");
  free(buf);
  tv_ctx_destroy(ctx);
}
END_TEST

/* Corrupt data that libjpeg would only warn about is an error, with libjpeg's warning text. */
START_TEST(warnings_are_errors) {
  tv_ctx *ctx = tvt_ctx();
  void *jpg = NULL;
  size_t n = 0;
  small_jpeg(ctx, 16, 16, 3, 90, &jpg, &n);
  /* 200 stray bytes before EOI: more than the Huffman decoder reads ahead. */
  uint8_t *bad = malloc(n + 200);
  ck_assert_ptr_nonnull(bad);
  memcpy(bad, jpg, n - 2);
  memset(bad + n - 2, 0x12, 200);
  bad[n + 198] = 0xff;
  bad[n + 199] = 0xd9;
  tv_image *out = (tv_image *)1;
  tvt_assert_status(ctx, tv_jpeg_decode(ctx, bad, n + 200, &out), TV_ERR_CORRUPT);
  ck_assert_ptr_null(out);
  tvt_assert_error_has(ctx, "tv_jpeg_decode: JPEG: Corrupt JPEG data: ");
  tvt_assert_error_has(ctx, "extraneous bytes before marker 0xd9");
  free(bad);
  tv_free(jpg);
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(probe_fields) {
  tv_ctx *ctx = tvt_ctx();
  for (int32_t ch = 1; ch <= 3; ch += 2) {
    void *jpg = NULL;
    size_t n = 0;
    small_jpeg(ctx, 33, 17, ch, 90, &jpg, &n);
    tv_image_info info;
    memset(&info, 0x55, sizeof info);
    tvt_assert_ok(ctx, tv_image_probe(ctx, jpg, n, &info));
    ck_assert_int_eq(info.width, 33);
    ck_assert_int_eq(info.height, 17);
    ck_assert_int_eq(info.channels, ch);
    ck_assert_int_eq(info.type, TV_U8);
    ck_assert_int_eq(info.format, TV_FORMAT_JPEG);
    ck_assert_int_eq(info.bit_depth, 8);
    ck_assert_int_eq(tv_format_detect(jpg, n), TV_FORMAT_JPEG);
    /* A header-only probe succeeds on a file whose scan data is cut off. */
    const size_t sos = find_marker(jpg, n, 0xda);
    ck_assert_uint_gt(sos, 0);
    tvt_assert_ok(ctx, tv_image_probe(ctx, jpg, sos + 20, &info));
    ck_assert_int_eq(info.width, 33);
    tvt_assert_status(ctx, tv_image_probe(ctx, jpg, 40, &info), TV_ERR_CORRUPT);
    ck_assert_int_eq(info.width, 0);
    tvt_assert_error_has(ctx, "tv_image_probe: JPEG: ");
    tv_free(jpg);
  }
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(file_roundtrip) {
  tv_ctx *ctx = tvt_ctx();
  char path[] = "/tmp/tv_jpeg_test_XXXXXX";
  const int fd = mkstemp(path);
  ck_assert_int_ge(fd, 0);
  close(fd);
  tv_image *src = NULL, *back = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, 45, 31, 1, TV_U8, &src));
  fill_pattern(src, 11);
  tvt_assert_ok(ctx, tv_image_write(ctx, src, path, TV_FORMAT_JPEG, 100));
  tv_image_info info;
  tvt_assert_ok(ctx, tv_image_read_info(ctx, path, &info));
  ck_assert_int_eq(info.format, TV_FORMAT_JPEG);
  ck_assert_int_eq(info.channels, 1);
  tvt_assert_ok(ctx, tv_image_read(ctx, path, &back));
  ck_assert_int_eq(back->width, 45);
  ck_assert_int_eq(back->height, 31);
  ck_assert_int_eq(back->channels, 1);
  ck_assert_int_le(max_abs_diff(src, back), 3);
  tv_image_destroy(back);
  /* The extension chooses JPEG too. */
  char named[64];
  snprintf(named, sizeof named, "%s.jpg", path);
  tvt_assert_ok(ctx, tv_image_write(ctx, src, named, TV_FORMAT_UNKNOWN, 95));
  tvt_assert_ok(ctx, tv_image_read(ctx, named, &back));
  ck_assert_int_le(max_abs_diff(src, back), 8);
  tv_image_destroy(back);
  unlink(named);
  unlink(path);
  tv_image_destroy(src);
  tv_ctx_destroy(ctx);
}
END_TEST

static Suite *io_jpeg_suite(void) {
  Suite *s = suite_create("io_jpeg");
  TCase *tc = tcase_create("io_jpeg");
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, roundtrip_grey_and_rgb);
  tcase_add_test(tc, deterministic_and_default_quality);
  tcase_add_test(tc, encode_bad_input);
  tcase_add_test(tc, decode_bad_args);
  tcase_add_test(tc, decode_not_jpeg);
  tcase_add_test(tc, truncated_at_every_offset);
  tcase_add_test(tc, flipped_bytes);
  tcase_add_test(tc, huge_header_refused);
  tcase_add_test(tc, too_many_scans_refused);
  tcase_add_test(tc, warnings_are_errors);
  tcase_add_test(tc, probe_fields);
  tcase_add_test(tc, file_roundtrip);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return tvt_run(io_jpeg_suite()); }
