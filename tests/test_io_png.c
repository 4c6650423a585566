/* Tests of the PNG codec: round trips, layouts of every colour type, bad and hostile input.
 * SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <png.h>

#include "testutil.h"

/* ---- helpers ---------------------------------------------------------------------------------*/

/* CRC-32 of PNG chunks (ISO 3309), bit by bit: test files are tiny. */
static uint32_t crc32_of(const uint8_t *p, size_t n) {
  uint32_t c = 0xffffffffu;
  for (size_t i = 0; i < n; i++) {
    c ^= p[i];
    for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
  }
  return c ^ 0xffffffffu;
}

static void put_be32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}

static uint32_t get_be32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Offset of the first chunk of `type` (its length field), or 0 when absent. */
static size_t find_chunk(const uint8_t *png, size_t size, const char *type) {
  size_t pos = 8;
  while (pos + 12 <= size) {
    if (memcmp(png + pos + 4, type, 4) == 0) return pos;
    pos += 12 + (size_t)get_be32(png + pos);
  }
  return 0;
}

/* A random image of the given layout in a caller buffer with `pad` spare bytes per row. The
 * buffer is *mem (free it after destroying the image). */
static tv_image *padded_image(tv_ctx *ctx, int32_t w, int32_t h, int32_t c, tv_pixel_type t,
                              int64_t pad, uint64_t seed, void **mem) {
  const int64_t stride = (int64_t)w * c * tv_pixel_size(t) + pad;
  *mem = malloc((size_t)(stride * h));
  ck_assert_ptr_nonnull(*mem);
  memset(*mem, 0xa5, (size_t)(stride * h));
  tv_image *img = NULL;
  tvt_assert_ok(ctx, tv_image_wrap(ctx, *mem, w, h, c, t, stride, &img));
  tvt_fill_random(img, seed);
  return img;
}

/* A small encoded RGB PNG (*size bytes, malloc'd by the library: free with tv_free). */
static uint8_t *small_png(tv_ctx *ctx, size_t *size) {
  tv_image *img = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, 9, 7, 3, TV_U8, &img));
  tvt_fill_random(img, 7);
  void *buf = NULL;
  tvt_assert_ok(ctx, tv_png_encode(ctx, img, 9, &buf, size));
  tv_image_destroy(img);
  return buf;
}

typedef struct membuf {
  uint8_t *p;
  size_t n;
} membuf;

static void mem_write(png_structp png, png_bytep data, size_t n) {
  membuf *m = png_get_io_ptr(png);
  uint8_t *p = realloc(m->p, m->n + n);
  if (!p) png_error(png, "out of memory");
  memcpy(p + m->n, data, n);
  m->p = p;
  m->n += n;
}

static void mem_flush(png_structp png) { (void)png; }

static void quiet_warning(png_structp png, png_const_charp msg) {
  (void)png;
  (void)msg;
}

/* What a hand-made PNG holds: rows are given as stored (packed bits, 16-bit big-endian). */
typedef struct png_spec {
  int width, height, depth, color_type, interlace;
  const uint8_t *rows; /* height rows of rowbytes each */
  size_t rowbytes;
  const png_color *palette;
  int npalette;
  const png_byte *trans; /* palette alpha */
  int ntrans;
  const png_color_16 *trans_color; /* grey or RGB tRNS */
} png_spec;

/* Writes a PNG with libpng itself, for layouts our encoder does not make (malloc'd). */
static uint8_t *make_png(const png_spec *s, size_t *size) {
  membuf m = {NULL, 0};
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, quiet_warning);
  ck_assert_ptr_nonnull(png);
  png_infop info = png_create_info_struct(png);
  ck_assert_ptr_nonnull(info);
  png_bytep *rows = malloc((size_t)s->height * sizeof *rows);
  ck_assert_ptr_nonnull(rows);
  for (int y = 0; y < s->height; y++) rows[y] = (png_bytep)(s->rows + (size_t)y * s->rowbytes);
  if (setjmp(png_jmpbuf(png))) ck_abort_msg("libpng could not write the test file");
  png_set_write_fn(png, &m, mem_write, mem_flush);
  png_set_check_for_invalid_index(png, 0); /* allow indices beyond PLTE */
  png_set_IHDR(png, info, (png_uint_32)s->width, (png_uint_32)s->height, s->depth, s->color_type,
               s->interlace, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  if (s->palette) png_set_PLTE(png, info, s->palette, s->npalette);
  if (s->trans || s->trans_color)
    png_set_tRNS(png, info, s->trans, s->trans ? s->ntrans : 1, s->trans_color);
  png_write_info(png, info);
  if (s->interlace) png_set_interlace_handling(png);
  png_write_image(png, rows);
  png_write_end(png, info);
  png_destroy_write_struct(&png, &info);
  free(rows);
  *size = m.n;
  return m.p;
}

/* Decodes a hand-made PNG and checks its layout. */
static tv_image *decode_spec(tv_ctx *ctx, const png_spec *s, int32_t channels, tv_pixel_type t) {
  size_t n = 0;
  uint8_t *data = make_png(s, &n);
  tv_image *img = NULL;
  tvt_assert_ok(ctx, tv_png_decode(ctx, data, n, &img));
  tv_image_info info;
  tvt_assert_ok(ctx, tv_image_probe(ctx, data, n, &info));
  free(data);
  ck_assert_int_eq(img->width, s->width);
  ck_assert_int_eq(img->height, s->height);
  ck_assert_int_eq(img->channels, channels);
  ck_assert_int_eq(img->type, t);
  ck_assert_int_eq(info.channels, channels);
  ck_assert_int_eq(info.type, t);
  ck_assert_int_eq(info.bit_depth, s->depth);
  ck_assert_int_eq(info.format, TV_FORMAT_PNG);
  return img;
}

static const uint8_t *px8(const tv_image *img, int x, int y) {
  return (const uint8_t *)img->data + (int64_t)y * img->stride + (size_t)x * (size_t)img->channels;
}

static const uint16_t *px16(const tv_image *img, int x, int y) {
  return (const uint16_t *)(const void *)((const uint8_t *)img->data + (int64_t)y * img->stride) +
         (size_t)x * (size_t)img->channels;
}

/* ---- round trips -----------------------------------------------------------------------------*/

static const tv_pixel_type rt_types[2] = {TV_U8, TV_U16};
static const int32_t rt_channels[3] = {1, 3, 4};
static const int32_t rt_sizes[3][2] = {{1, 1}, {37, 5}, {3, 41}};

/* _i: type x channels x size; decode(encode(x)) == x with padded strides on both sides. */
START_TEST(round_trip_exact) {
  tv_ctx *ctx = tvt_ctx();
  const tv_pixel_type t = rt_types[_i / 9];
  const int32_t c = rt_channels[(_i / 3) % 3];
  const int32_t w = rt_sizes[_i % 3][0], h = rt_sizes[_i % 3][1];
  void *mem = NULL;
  tv_image *src = padded_image(ctx, w, h, c, t, 6, (uint64_t)_i + 1, &mem);
  void *buf = NULL;
  size_t n = 0;
  tvt_assert_ok(ctx, tv_png_encode(ctx, src, _i % 10, &buf, &n));
  ck_assert_ptr_nonnull(buf);
  ck_assert_uint_gt(n, 8);
  ck_assert_int_eq(tv_format_detect(buf, n), TV_FORMAT_PNG);
  tv_image *back = NULL;
  tvt_assert_ok(ctx, tv_png_decode(ctx, buf, n, &back));
  ck_assert_msg(tvt_images_equal(src, back), "PNG round trip differs (type %d, %d channels, %dx%d)",
                t, c, w, h);
  tv_image_destroy(back);
  back = NULL;
  /* The generic entry points give the same. */
  void *buf2 = NULL;
  size_t n2 = 0;
  tvt_assert_ok(ctx, tv_image_encode(ctx, src, TV_FORMAT_PNG, _i % 10, &buf2, &n2));
  tvt_assert_ok(ctx, tv_image_decode(ctx, buf2, n2, &back));
  ck_assert(tvt_images_equal(src, back));
  tv_image_destroy(back);
  tv_free(buf2);
  tv_free(buf);
  tv_image_destroy(src);
  free(mem);
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(round_trip_view_and_levels) {
  tv_ctx *ctx = tvt_ctx();
  tv_image *big = NULL, *view = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, 50, 40, 4, TV_U16, &big));
  tvt_fill_random(big, 99);
  tvt_assert_ok(ctx, tv_image_view(ctx, big, 3, 5, 29, 17, &view));
  size_t sizes[10];
  for (int level = 0; level <= 9; level++) {
    void *buf = NULL;
    tvt_assert_ok(ctx, tv_png_encode(ctx, view, level, &buf, &sizes[level]));
    tv_image *back = NULL;
    tvt_assert_ok(ctx, tv_png_decode(ctx, buf, sizes[level], &back));
    ck_assert(tvt_images_equal(view, back));
    tv_image_destroy(back);
    tv_free(buf);
  }
  ck_assert_uint_eq(sizes[0], sizes[6]); /* 0 is the default level, 6 */
  tv_image_destroy(view);
  tv_image_destroy(big);
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(file_round_trip) {
  tv_ctx *ctx = tvt_ctx();
  char path[] = "/tmp/tvt_png_XXXXXX";
  const int fd = mkstemp(path);
  ck_assert_int_ge(fd, 0);
  close(fd);
  tv_image *src = NULL, *back = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, 23, 19, 3, TV_U16, &src));
  tvt_fill_random(src, 5);
  tvt_assert_ok(ctx, tv_image_write(ctx, src, path, TV_FORMAT_PNG, 0));
  tvt_assert_ok(ctx, tv_image_read(ctx, path, &back));
  ck_assert(tvt_images_equal(src, back));
  tv_image_info info;
  tvt_assert_ok(ctx, tv_image_read_info(ctx, path, &info));
  ck_assert_int_eq(info.width, 23);
  ck_assert_int_eq(info.height, 19);
  ck_assert_int_eq(info.channels, 3);
  ck_assert_int_eq(info.type, TV_U16);
  ck_assert_int_eq(info.format, TV_FORMAT_PNG);
  ck_assert_int_eq(info.bit_depth, 16);
  unlink(path);
  tv_image_destroy(back);
  tv_image_destroy(src);
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(probe_reads_header) {
  tv_ctx *ctx = tvt_ctx();
  tv_image *img = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, 5, 3, 4, TV_U16, &img));
  void *buf = NULL;
  size_t n = 0;
  tvt_assert_ok(ctx, tv_png_encode(ctx, img, 1, &buf, &n));
  tv_image_info info;
  tvt_assert_ok(ctx, tv_image_probe(ctx, buf, n, &info));
  ck_assert_int_eq(info.width, 5);
  ck_assert_int_eq(info.height, 3);
  ck_assert_int_eq(info.channels, 4);
  ck_assert_int_eq(info.type, TV_U16);
  ck_assert_int_eq(info.format, TV_FORMAT_PNG);
  ck_assert_int_eq(info.bit_depth, 16);
  /* Only the chunks before the pixels are needed: data cut after IDAT's header still probes. */
  const size_t idat = find_chunk(buf, n, "IDAT");
  ck_assert_uint_gt(idat, 0);
  memset(&info, 0, sizeof info);
  tvt_assert_ok(ctx, tv_image_probe(ctx, buf, idat + 8, &info));
  ck_assert_int_eq(info.width, 5);
  ck_assert_int_eq(info.bit_depth, 16);
  tv_free(buf);
  tv_image_destroy(img);
  tv_ctx_destroy(ctx);
}
END_TEST

/* ---- layouts of the colour types -------------------------------------------------------------*/

START_TEST(grey_low_depths_scale_to_255) {
  tv_ctx *ctx = tvt_ctx();
  const uint8_t one_bit[2] = {0xa0, 0x40}; /* 1010 0000 / 0100 0000, width 3 */
  png_spec s = {3, 2, 1, PNG_COLOR_TYPE_GRAY, 0, one_bit, 1, NULL, 0, NULL, 0, NULL};
  tv_image *img = decode_spec(ctx, &s, 1, TV_U8);
  ck_assert_int_eq(px8(img, 0, 0)[0], 255);
  ck_assert_int_eq(px8(img, 1, 0)[0], 0);
  ck_assert_int_eq(px8(img, 2, 0)[0], 255);
  ck_assert_int_eq(px8(img, 1, 1)[0], 255);
  tv_image_destroy(img);
  const uint8_t two_bit[1] = {0x1b}; /* 0 1 2 3 */
  png_spec s2 = {4, 1, 2, PNG_COLOR_TYPE_GRAY, 0, two_bit, 1, NULL, 0, NULL, 0, NULL};
  img = decode_spec(ctx, &s2, 1, TV_U8);
  for (int x = 0; x < 4; x++) ck_assert_int_eq(px8(img, x, 0)[0], 85 * x);
  tv_image_destroy(img);
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(grey_with_alpha_or_trns_is_rgba) {
  tv_ctx *ctx = tvt_ctx();
  const uint8_t ga[4] = {10, 200, 30, 0};
  png_spec s = {2, 1, 8, PNG_COLOR_TYPE_GRAY_ALPHA, 0, ga, 4, NULL, 0, NULL, 0, NULL};
  tv_image *img = decode_spec(ctx, &s, 4, TV_U8);
  const uint8_t want[8] = {10, 10, 10, 200, 30, 30, 30, 0};
  ck_assert_mem_eq(px8(img, 0, 0), want, 8);
  tv_image_destroy(img);
  /* Grey 16-bit with tRNS: the matching value becomes transparent. */
  const uint8_t g16[4] = {0x12, 0x34, 0xab, 0xcd};
  png_color_16 key = {0, 0, 0, 0, 0xabcd};
  png_spec s2 = {2, 1, 16, PNG_COLOR_TYPE_GRAY, 0, g16, 4, NULL, 0, NULL, 0, &key};
  img = decode_spec(ctx, &s2, 4, TV_U16);
  const uint16_t *p = px16(img, 0, 0);
  ck_assert_uint_eq(p[0], 0x1234);
  ck_assert_uint_eq(p[2], 0x1234);
  ck_assert_uint_eq(p[3], 0xffff);
  ck_assert_uint_eq(p[4], 0xabcd);
  ck_assert_uint_eq(p[7], 0);
  tv_image_destroy(img);
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(palette_expands_with_trns_alpha) {
  tv_ctx *ctx = tvt_ctx();
  const png_color pal[3] = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}};
  const uint8_t idx[1] = {0x24}; /* 4-bit indices 2, 4(beyond the palette) */
  png_spec s = {2, 1, 4, PNG_COLOR_TYPE_PALETTE, 0, idx, 1, pal, 3, NULL, 0, NULL};
  tv_image *img = decode_spec(ctx, &s, 3, TV_U8);
  const uint8_t want[6] = {0, 0, 255, 0, 0, 0}; /* out-of-range index: black, as libpng */
  ck_assert_mem_eq(px8(img, 0, 0), want, 6);
  tv_image_destroy(img);
  const png_byte alpha[2] = {128, 0};
  const uint8_t idx8[3] = {0, 1, 2};
  png_spec s2 = {3, 1, 8, PNG_COLOR_TYPE_PALETTE, 0, idx8, 3, pal, 3, alpha, 2, NULL};
  img = decode_spec(ctx, &s2, 4, TV_U8);
  const uint8_t want2[12] = {255, 0, 0, 128, 0, 255, 0, 0, 0, 0, 255, 255};
  ck_assert_mem_eq(px8(img, 0, 0), want2, 12);
  tv_image_destroy(img);
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(rgb_trns_and_interlace) {
  tv_ctx *ctx = tvt_ctx();
  const uint8_t rgb[6] = {1, 2, 3, 4, 5, 6};
  png_color_16 key = {0, 4, 5, 6, 0};
  png_spec s = {2, 1, 8, PNG_COLOR_TYPE_RGB, 0, rgb, 6, NULL, 0, NULL, 0, &key};
  tv_image *img = decode_spec(ctx, &s, 4, TV_U8);
  const uint8_t want[8] = {1, 2, 3, 255, 4, 5, 6, 0};
  ck_assert_mem_eq(px8(img, 0, 0), want, 8);
  tv_image_destroy(img);
  /* Adam7 gives the same pixels as the plain file, for odd sizes too. */
  enum { W = 13, H = 11 };
  static uint8_t pix[W * H * 8];
  uint64_t r = 3;
  for (size_t i = 0; i < sizeof pix; i++) pix[i] = (uint8_t)(tvt_rand(&r) >> 56);
  png_spec plain = {W, H, 16, PNG_COLOR_TYPE_RGB_ALPHA, 0, pix, W * 8, NULL, 0, NULL, 0, NULL};
  png_spec adam7 = plain;
  adam7.interlace = PNG_INTERLACE_ADAM7;
  tv_image *a = decode_spec(ctx, &plain, 4, TV_U16);
  tv_image *b = decode_spec(ctx, &adam7, 4, TV_U16);
  ck_assert(tvt_images_equal(a, b));
  /* Native byte order: the file's big-endian 16-bit samples become host integers. */
  ck_assert_uint_eq(px16(a, 0, 0)[0], (unsigned)(pix[0] << 8 | pix[1]));
  ck_assert_uint_eq(px16(a, W - 1, H - 1)[3],
                    (unsigned)(pix[sizeof pix - 2] << 8 | pix[sizeof pix - 1]));
  tv_image_destroy(a);
  tv_image_destroy(b);
  tv_ctx_destroy(ctx);
}
END_TEST

/* ---- bad arguments and bad input -------------------------------------------------------------*/

START_TEST(null_and_bad_arguments) {
  tv_ctx *ctx = tvt_ctx();
  size_t n = 0;
  uint8_t *png = small_png(ctx, &n);
  static tv_image dummy;
  tv_image *img = &dummy; /* must be reset to NULL */
  tvt_assert_status(ctx, tv_png_decode(ctx, NULL, n, &img), TV_ERR_NULL);
  ck_assert_ptr_null(img);
  tvt_assert_error_has(ctx, "tv_png_decode: data is NULL");
  tvt_assert_status(ctx, tv_png_decode(ctx, png, n, NULL), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_png_decode: out is NULL");
  tvt_assert_status(ctx, tv_png_decode(ctx, png, 0, &img), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_png_decode: data is empty");
  ck_assert_int_eq(tv_png_decode(NULL, png, n, &img), TV_ERR_NULL);

  tv_image *src = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, 4, 4, 1, TV_U8, &src));
  void *buf = &n;
  size_t size = 1;
  tvt_assert_status(ctx, tv_png_encode(ctx, NULL, 0, &buf, &size), TV_ERR_NULL);
  ck_assert_ptr_null(buf);
  ck_assert_uint_eq(size, 0);
  tvt_assert_error_has(ctx, "tv_png_encode: img is NULL");
  tvt_assert_status(ctx, tv_png_encode(ctx, src, 0, NULL, &size), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_png_encode: out_data or out_size is NULL");
  tvt_assert_status(ctx, tv_png_encode(ctx, src, 0, &buf, NULL), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_png_encode:");
  ck_assert_int_eq(tv_png_encode(NULL, src, 0, &buf, &size), TV_ERR_NULL);
  tvt_assert_status(ctx, tv_png_encode(ctx, src, 10, &buf, &size), TV_ERR_ARG);
  ck_assert_ptr_null(buf);
  tvt_assert_error_has(ctx, "tv_png_encode: PNG: level 10 is outside 0..9");
  tvt_assert_status(ctx, tv_png_encode(ctx, src, -1, &buf, &size), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "level -1");
  tv_image_destroy(src);
  tv_free(png);
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(encode_f32_is_type_error) {
  tv_ctx *ctx = tvt_ctx();
  tv_image *src = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, 4, 4, 3, TV_F32, &src));
  void *buf = NULL;
  size_t n = 0;
  tvt_assert_status(ctx, tv_png_encode(ctx, src, 0, &buf, &n), TV_ERR_TYPE);
  ck_assert_ptr_null(buf);
  ck_assert_uint_eq(n, 0);
  tvt_assert_error_has(ctx, "tv_png_encode: PNG:");
  tvt_assert_error_has(ctx, "f32");
  tvt_assert_status(ctx, tv_image_encode(ctx, src, TV_FORMAT_PNG, 0, &buf, &n), TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "tv_image_encode: PNG:");
  tv_image_destroy(src);
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(not_png_is_format_error) {
  tv_ctx *ctx = tvt_ctx();
  static const uint8_t gif[16] = "GIF89a\x01\x00\x01\x00\x00\x00\x00\x00\x00";
  tv_image *img = NULL;
  tvt_assert_status(ctx, tv_png_decode(ctx, gif, sizeof gif, &img), TV_ERR_FORMAT);
  ck_assert_ptr_null(img);
  tvt_assert_error_has(ctx, "tv_png_decode: PNG: Not a PNG file");
  uint8_t *three = malloc(3); /* exact size, so ASan sees any over-read */
  ck_assert_ptr_nonnull(three);
  memcpy(three, "\x89PX", 3);
  tvt_assert_status(ctx, tv_png_decode(ctx, three, 3, &img), TV_ERR_FORMAT);
  free(three);
  tvt_assert_error_has(ctx, "tv_png_decode: PNG: Not a PNG file");
  /* A signature whose line endings were converted (\r\n -> \n). */
  static const uint8_t ascii[16] = "\x89PNG\n\x1a\n\x00\x00\x00\x0dIHDR\x00";
  tvt_assert_status(ctx, tv_png_decode(ctx, ascii, sizeof ascii, &img), TV_ERR_FORMAT);
  tvt_assert_error_has(ctx, "tv_png_decode: PNG: PNG file corrupted by ASCII conversion");
  /* A JPEG is not a PNG for tv_png_decode. */
  static const uint8_t jpeg[8] = {0xff, 0xd8, 0xff, 0xe0, 0, 16, 'J', 'F'};
  tvt_assert_status(ctx, tv_png_decode(ctx, jpeg, sizeof jpeg, &img), TV_ERR_FORMAT);
  tvt_assert_error_has(ctx, "tv_png_decode: PNG: Not a PNG file");
  ck_assert_ptr_null(img);
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(truncation_at_every_byte) {
  tv_ctx *ctx = tvt_ctx();
  size_t n = 0;
  uint8_t *png = small_png(ctx, &n);
  for (size_t len = 1; len < n; len++) {
    uint8_t *cut = malloc(len); /* exact size, so ASan sees any over-read */
    ck_assert_ptr_nonnull(cut);
    memcpy(cut, png, len);
    tv_image *img = NULL;
    const tv_status st = tv_png_decode(ctx, cut, len, &img);
    ck_assert_msg(st == TV_ERR_CORRUPT, "cut at %zu: %s (%s)", len, tv_status_str(st),
                  tv_ctx_last_error(ctx));
    ck_assert_ptr_null(img);
    tvt_assert_error_has(ctx, "tv_png_decode: PNG:");
    tvt_assert_error_has(ctx, "truncated");
    free(cut);
  }
  tv_free(png);
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(flipped_bytes_never_crash) {
  tv_ctx *ctx = tvt_ctx();
  size_t n = 0;
  uint8_t *png = small_png(ctx, &n);
  static const uint8_t masks[3] = {0x01, 0x80, 0xff};
  int rejected = 0;
  for (size_t pos = 0; pos < n; pos++) {
    for (int m = 0; m < 3; m++) {
      uint8_t *bad = malloc(n);
      ck_assert_ptr_nonnull(bad);
      memcpy(bad, png, n);
      bad[pos] ^= masks[m];
      tv_image *img = NULL;
      const tv_status st = tv_png_decode(ctx, bad, n, &img);
      if (st == TV_OK) {
        ck_assert_ptr_nonnull(img);
        ck_assert(img->width >= 1 && img->height >= 1);
        tv_image_destroy(img);
      } else {
        rejected++;
        ck_assert_ptr_null(img);
        ck_assert_msg(st == TV_ERR_FORMAT || st == TV_ERR_CORRUPT || st == TV_ERR_TOO_LARGE,
                      "byte %zu ^ 0x%02x: %s (%s)", pos, masks[m], tv_status_str(st),
                      tv_ctx_last_error(ctx));
        tvt_assert_error_has(ctx, "tv_png_decode: PNG: ");
      }
      free(bad);
    }
  }
  ck_assert_int_gt(rejected, (int)n); /* CRCs catch nearly every flip */
  tv_free(png);
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(crc_error_is_corrupt) {
  tv_ctx *ctx = tvt_ctx();
  size_t n = 0;
  uint8_t *png = small_png(ctx, &n);
  const size_t idat = find_chunk(png, n, "IDAT");
  ck_assert_uint_gt(idat, 0);
  png[idat + 8 + get_be32(png + idat)] ^= 0x10; /* the CRC itself: the data inflates fine */
  tv_image *img = NULL;
  tvt_assert_status(ctx, tv_png_decode(ctx, png, n, &img), TV_ERR_CORRUPT);
  ck_assert_ptr_null(img);
  tvt_assert_error_has(ctx, "tv_png_decode: PNG: IDAT: CRC error");
  tvt_assert_status(ctx, tv_image_decode(ctx, png, n, &img), TV_ERR_CORRUPT);
  tvt_assert_error_has(ctx, "tv_image_decode: PNG: IDAT: CRC error");
  tv_free(png);
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(huge_ihdr_is_too_large) {
  tv_ctx *ctx = tvt_ctx();
  size_t n = 0;
  uint8_t *png = small_png(ctx, &n);
  /* IHDR: length at 8, type at 12, width at 16, height at 20, CRC at 29. */
  put_be32(png + 16, 100000);
  put_be32(png + 20, 100000);
  put_be32(png + 29, crc32_of(png + 12, 17));
  tv_image *img = NULL;
  tvt_assert_status(ctx, tv_png_decode(ctx, png, n, &img), TV_ERR_TOO_LARGE);
  ck_assert_ptr_null(img);
  tvt_assert_error_has(ctx, "tv_png_decode: PNG: image 100000x100000 exceeds");
  /* Within the limit, but far more pixels than a few hundred bytes can inflate to: refused
   * before the image is allocated. */
  put_be32(png + 16, 4000);
  put_be32(png + 20, 4000);
  put_be32(png + 29, crc32_of(png + 12, 17));
  tvt_assert_status(ctx, tv_png_decode(ctx, png, n, &img), TV_ERR_CORRUPT);
  ck_assert_ptr_null(img);
  tvt_assert_error_has(ctx, "tv_png_decode: PNG: data truncated:");
  tvt_assert_error_has(ctx, "cannot hold the pixels of a 4000x4000 image");
  put_be32(png + 16, 100000);
  put_be32(png + 20, 100000);
  put_be32(png + 29, crc32_of(png + 12, 17));
  /* The header itself is valid: a probe reports it. */
  tv_image_info info;
  tvt_assert_ok(ctx, tv_image_probe(ctx, png, n, &info));
  ck_assert_int_eq(info.width, 100000);
  ck_assert_int_eq(info.height, 100000);
  /* With a low limit, each side alone is over it and IHDR is refused. */
  tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_MAX_PIXELS, 1000));
  tvt_assert_status(ctx, tv_png_decode(ctx, png, n, &img), TV_ERR_TOO_LARGE);
  ck_assert_ptr_null(img);
  tvt_assert_error_has(ctx, "tv_png_decode: PNG: ");
  tvt_assert_error_has(ctx, "exceeds user limit");
  tvt_assert_status(ctx, tv_image_decode(ctx, png, n, &img), TV_ERR_TOO_LARGE);
  tvt_assert_error_has(ctx, "tv_image_decode: PNG: ");
  /* The original 9x7 image is within 1000 pixels... */
  tv_free(png);
  png = small_png(ctx, &n);
  tvt_assert_ok(ctx, tv_png_decode(ctx, png, n, &img));
  tv_image_destroy(img);
  /* ...but not within 50. */
  tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_MAX_PIXELS, 50));
  tvt_assert_status(ctx, tv_png_decode(ctx, png, n, &img), TV_ERR_TOO_LARGE);
  tvt_assert_error_has(ctx, "tv_png_decode: PNG: image 9x7 exceeds the context's limit of 50");
  tv_free(png);
  tv_ctx_destroy(ctx);
}
END_TEST

static Suite *png_suite(void) {
  Suite *s = suite_create("io_png");
  TCase *tc = tcase_create("png");
  tcase_set_timeout(tc, 300);
  tcase_add_loop_test(tc, round_trip_exact, 0, 18);
  tcase_add_test(tc, round_trip_view_and_levels);
  tcase_add_test(tc, file_round_trip);
  tcase_add_test(tc, probe_reads_header);
  tcase_add_test(tc, grey_low_depths_scale_to_255);
  tcase_add_test(tc, grey_with_alpha_or_trns_is_rgba);
  tcase_add_test(tc, palette_expands_with_trns_alpha);
  tcase_add_test(tc, rgb_trns_and_interlace);
  tcase_add_test(tc, null_and_bad_arguments);
  tcase_add_test(tc, encode_f32_is_type_error);
  tcase_add_test(tc, not_png_is_format_error);
  tcase_add_test(tc, truncation_at_every_byte);
  tcase_add_test(tc, flipped_bytes_never_crash);
  tcase_add_test(tc, crc_error_is_corrupt);
  tcase_add_test(tc, huge_ihdr_is_too_large);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return tvt_run(png_suite()); }
