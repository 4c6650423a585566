/* Tests of the generic I/O entry points: format detection, files, dispatch and their errors.
 * SPDX-License-Identifier: Apache-2.0 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

static char dir[64];

static void make_dir(void) {
  strcpy(dir, "/tmp/tv-test-io-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void remove_dir(void) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  char path[512];
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    unlink(path);
  }
  closedir(d);
  rmdir(dir);
}

static int count_files(void) {
  DIR *d = opendir(dir);
  int n = 0;
  struct dirent *e;
  while (d && (e = readdir(d)) != NULL) n += e->d_name[0] != '.';
  if (d) closedir(d);
  return n;
}

static void write_bytes(const char *path, const void *data, size_t n) {
  FILE *f = fopen(path, "wb");
  ck_assert_ptr_nonnull(f);
  ck_assert_uint_eq(fwrite(data, 1, n, f), n);
  fclose(f);
}

START_TEST(format_detection) {
  static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0};
  static const unsigned char jpg[] = {0xff, 0xd8, 0xff, 0xe0};
  ck_assert_int_eq(tv_format_detect(png, sizeof png), TV_FORMAT_PNG);
  ck_assert_int_eq(tv_format_detect(png, 7), TV_FORMAT_UNKNOWN);
  ck_assert_int_eq(tv_format_detect(jpg, sizeof jpg), TV_FORMAT_JPEG);
  ck_assert_int_eq(tv_format_detect("P5\n", 3), TV_FORMAT_PNM);
  ck_assert_int_eq(tv_format_detect("P3", 2), TV_FORMAT_PNM);
  ck_assert_int_eq(tv_format_detect("P7", 2), TV_FORMAT_UNKNOWN);
  ck_assert_int_eq(tv_format_detect("BM", 2), TV_FORMAT_BMP);
  ck_assert_int_eq(tv_format_detect("GIF89a", 6), TV_FORMAT_UNKNOWN);
  ck_assert_int_eq(tv_format_detect(NULL, 10), TV_FORMAT_UNKNOWN);
  ck_assert_int_eq(tv_format_detect(png, 0), TV_FORMAT_UNKNOWN);
  ck_assert_str_eq(tv_format_name(TV_FORMAT_PNG), "png");
  ck_assert_str_eq(tv_format_name(TV_FORMAT_JPEG), "jpeg");
  ck_assert_str_eq(tv_format_name(TV_FORMAT_PNM), "pnm");
  ck_assert_str_eq(tv_format_name(TV_FORMAT_BMP), "bmp");
  ck_assert_str_eq(tv_format_name((tv_format)99), "unknown");
}
END_TEST

START_TEST(decode_bad_arguments) {
  tv_ctx *ctx = tvt_ctx();
  tv_image *img = (tv_image *)(uintptr_t)8; /* must come back NULL */
  ck_assert_int_eq(tv_image_decode(NULL, "x", 1, &img), TV_ERR_NULL);
  tvt_assert_status(ctx, tv_image_decode(ctx, NULL, 5, &img), TV_ERR_NULL);
  ck_assert_ptr_null(img);
  tvt_assert_error_has(ctx, "tv_image_decode: data is NULL");
  tvt_assert_status(ctx, tv_image_decode(ctx, "x", 0, &img), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "empty");
  tvt_assert_status(ctx, tv_image_decode(ctx, "x", 1, NULL), TV_ERR_NULL);
  tvt_assert_status(ctx, tv_image_decode(ctx, "abc", 3, &img), TV_ERR_FORMAT);
  tvt_assert_error_has(ctx, "too short for any image format");
  tvt_assert_status(ctx, tv_image_decode(ctx, "GIF89a-is-not-supported", 23, &img), TV_ERR_FORMAT);
  tvt_assert_error_has(ctx, "unknown format (first bytes 47 49 46 38");
  tv_image_info info;
  memset(&info, 0x55, sizeof info);
  tvt_assert_status(ctx, tv_image_probe(ctx, "abcdefghij", 10, &info), TV_ERR_FORMAT);
  ck_assert_int_eq(info.width, 0); /* zeroed on failure */
  tvt_assert_status(ctx, tv_image_probe(ctx, "x", 1, NULL), TV_ERR_NULL);
  tvt_assert_status(ctx, tv_image_probe(ctx, NULL, 1, &info), TV_ERR_NULL);
  tvt_assert_status(ctx, tv_image_probe(ctx, "x", 0, &info), TV_ERR_ARG);
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(files) {
  make_dir();
  tv_ctx *ctx = tvt_ctx();
  char path[256], other[256];
  tv_image *img = NULL, *back = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, 9, 4, 3, TV_U8, &img));
  tvt_fill_random(img, 4);

  snprintf(path, sizeof path, "%s/a.PNG", dir); /* extensions are case-insensitive */
  tvt_assert_ok(ctx, tv_image_write(ctx, img, path, TV_FORMAT_UNKNOWN, 0));
  tvt_assert_ok(ctx, tv_image_read(ctx, path, &back));
  ck_assert(tvt_images_equal(img, back));
  tv_image_destroy(back);
  tv_image_info info;
  tvt_assert_ok(ctx, tv_image_read_info(ctx, path, &info));
  ck_assert_int_eq(info.format, TV_FORMAT_PNG);
  ck_assert_int_eq(info.width, 9);
  ck_assert_int_eq(info.channels, 3);

  /* The format follows the content, not the name. */
  snprintf(other, sizeof other, "%s/really-a-png.jpg", dir);
  ck_assert_int_eq(rename(path, other), 0);
  tvt_assert_ok(ctx, tv_image_read(ctx, other, &back));
  tv_image_destroy(back);
  /* An explicit format overrides the extension. */
  tvt_assert_ok(ctx, tv_image_write(ctx, img, other, TV_FORMAT_PNM, 0));
  tvt_assert_ok(ctx, tv_image_read_info(ctx, other, &info));
  ck_assert_int_eq(info.format, TV_FORMAT_PNM);

  /* Failures: status, message, and the existing file left as it was, no temporary left over. */
  const int nfiles = count_files();
  snprintf(path, sizeof path, "%s/x.tiff", dir);
  tvt_assert_status(ctx, tv_image_write(ctx, img, path, TV_FORMAT_UNKNOWN, 0), TV_ERR_FORMAT);
  tvt_assert_error_has(ctx, "cannot tell the format of");
  snprintf(path, sizeof path, "%s/noext", dir);
  tvt_assert_status(ctx, tv_image_write(ctx, img, path, TV_FORMAT_UNKNOWN, 0), TV_ERR_FORMAT);
  snprintf(path, sizeof path, "%s/grey.pgm", dir);
  tvt_assert_status(ctx, tv_image_write(ctx, img, path, TV_FORMAT_UNKNOWN, 0), TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "use .ppm");
  snprintf(path, sizeof path, "%s/a.bmp", dir);
  tvt_assert_status(ctx, tv_image_write(ctx, img, path, TV_FORMAT_UNKNOWN, 0), TV_ERR_UNSUPPORTED);
  tvt_assert_error_has(ctx, "BMP is read only");
  write_bytes(path, "keep", 4);
  tv_image *f32 = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, 3, 3, 1, TV_F32, &f32));
  snprintf(path, sizeof path, "%s/keep.png", dir);
  write_bytes(path, "keep", 4);
  tvt_assert_status(ctx, tv_image_write(ctx, f32, path, TV_FORMAT_UNKNOWN, 0), TV_ERR_TYPE);
  size_t n = 0;
  uint8_t *kept = tvt_read_file(path, &n);
  ck_assert_uint_eq(n, 4);
  ck_assert_int_eq(memcmp(kept, "keep", 4), 0);
  free(kept);
  ck_assert_int_eq(count_files(), nfiles + 2); /* a.bmp and keep.png; no temporary files */
  tv_image_destroy(f32);
  tvt_assert_status(ctx, tv_image_write(ctx, img, "/nonexistent-dir/x.png", TV_FORMAT_UNKNOWN, 0),
                    TV_ERR_IO);
  tvt_assert_error_has(ctx, "cannot create a file beside '/nonexistent-dir/x.png'");
  tvt_assert_status(ctx, tv_image_write(ctx, img, NULL, TV_FORMAT_PNG, 0), TV_ERR_NULL);
  tvt_assert_status(ctx, tv_image_write(ctx, NULL, path, TV_FORMAT_PNG, 0), TV_ERR_NULL);
  ck_assert_int_eq(tv_image_write(NULL, img, path, TV_FORMAT_PNG, 0), TV_ERR_NULL);

  /* Reading: missing, directory, empty, NULL. */
  snprintf(path, sizeof path, "%s/missing.png", dir);
  tvt_assert_status(ctx, tv_image_read(ctx, path, &back), TV_ERR_IO);
  tvt_assert_error_has(ctx, "No such file or directory");
  ck_assert_ptr_null(back);
  tvt_assert_status(ctx, tv_image_read(ctx, dir, &back), TV_ERR_IO);
  tvt_assert_error_has(ctx, "is a directory");
  snprintf(path, sizeof path, "%s/empty.png", dir);
  write_bytes(path, "", 0);
  tvt_assert_status(ctx, tv_image_read(ctx, path, &back), TV_ERR_CORRUPT);
  tvt_assert_error_has(ctx, "is empty");
  tvt_assert_status(ctx, tv_image_read(ctx, NULL, &back), TV_ERR_NULL);
  tvt_assert_status(ctx, tv_image_read(ctx, path, NULL), TV_ERR_NULL);
  tvt_assert_status(ctx, tv_image_read_info(ctx, NULL, &info), TV_ERR_NULL);
  tvt_assert_status(ctx, tv_image_read_info(ctx, path, NULL), TV_ERR_NULL);
  /* A file far larger than any image the context accepts is refused before it is read. */
  tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_MAX_PIXELS, 16));
  snprintf(path, sizeof path, "%s/big.pgm", dir);
  {
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fseek(f, 20 << 20, SEEK_SET), 0);
    fputc(0, f);
    fclose(f);
  }
  tvt_assert_status(ctx, tv_image_read(ctx, path, &back), TV_ERR_TOO_LARGE);
  tvt_assert_error_has(ctx, "over the");
  tv_image_destroy(img);
  tv_ctx_destroy(ctx);
  remove_dir();
}
END_TEST

START_TEST(encode_bad_arguments) {
  tv_ctx *ctx = tvt_ctx();
  tv_image *img = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, 4, 4, 1, TV_U8, &img));
  void *data = (void *)(uintptr_t)8;
  size_t n = 99;
  tvt_assert_status(ctx, tv_image_encode(ctx, img, TV_FORMAT_BMP, 0, &data, &n),
                    TV_ERR_UNSUPPORTED);
  ck_assert_ptr_null(data);
  ck_assert_uint_eq(n, 0);
  tvt_assert_status(ctx, tv_image_encode(ctx, img, TV_FORMAT_UNKNOWN, 0, &data, &n), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "format 0 cannot be written");
  tvt_assert_status(ctx, tv_image_encode(ctx, img, (tv_format)42, 0, &data, &n), TV_ERR_ARG);
  tvt_assert_status(ctx, tv_image_encode(ctx, img, TV_FORMAT_PNG, 0, NULL, &n), TV_ERR_NULL);
  tvt_assert_status(ctx, tv_image_encode(ctx, img, TV_FORMAT_PNG, 0, &data, NULL), TV_ERR_NULL);
  tvt_assert_status(ctx, tv_image_encode(ctx, NULL, TV_FORMAT_PNG, 0, &data, &n), TV_ERR_NULL);
  tv_image s32 = *img;
  s32.type = TV_S32;
  s32.stride = 64;
  tvt_assert_status(ctx, tv_image_encode(ctx, &s32, TV_FORMAT_PNG, 0, &data, &n), TV_ERR_TYPE);
  tvt_assert_status(ctx, tv_image_encode(ctx, &s32, TV_FORMAT_PNM, 0, &data, &n), TV_ERR_TYPE);
  tvt_assert_status(ctx, tv_image_encode(ctx, &s32, TV_FORMAT_JPEG, 0, &data, &n), TV_ERR_TYPE);
  tv_image_destroy(img);
  tv_ctx_destroy(ctx);
}
END_TEST

static Suite *io_suite(void) {
  Suite *s = suite_create("io");
  TCase *tc = tcase_create("io");
  tcase_add_test(tc, format_detection);
  tcase_add_test(tc, decode_bad_arguments);
  tcase_add_test(tc, files);
  tcase_add_test(tc, encode_bad_arguments);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return tvt_run(io_suite()); }
