/* Conformance: every NEU steel-surface BMP (200x200, 8-bit grey palette) decodes as grey u8.
 * Skipped (exit 77) when ../shared/datasets/neu_cls is not present.
 * SPDX-License-Identifier: Apache-2.0 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "testutil.h"

static char *neu_dir;

/* "a/b", malloc'd. */
static char *join(const char *a, const char *b) {
  const size_t n = strlen(a) + strlen(b) + 2;
  char *p = malloc(n);
  ck_assert_ptr_nonnull(p);
  snprintf(p, n, "%s/%s", a, b);
  return p;
}

static int has_bmp_suffix(const char *name) {
  const size_t n = strlen(name);
  return n > 4 && strcasecmp(name + n - 4, ".bmp") == 0;
}

/* Decodes every BMP in one class folder; returns how many, counting non-constant images. */
static int decode_folder(tv_ctx *ctx, const char *dir, int *varied) {
  DIR *d = opendir(dir);
  ck_assert_msg(d != NULL, "cannot open %s", dir);
  int count = 0;
  const struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (!has_bmp_suffix(e->d_name)) continue;
    char *path = join(dir, e->d_name);
    tv_image *img = NULL;
    tvt_assert_ok(ctx, tv_image_read(ctx, path, &img));
    ck_assert_msg(
        img->width == 200 && img->height == 200 && img->channels == 1 && img->type == TV_U8,
        "%s: %dx%d, %d channels, type %d", path, img->width, img->height, img->channels, img->type);
    if (count < 5) { /* sanity: real photographs are not flat */
      uint8_t lo = 255, hi = 0;
      for (int32_t y = 0; y < img->height; y++) {
        const uint8_t *row = (const uint8_t *)img->data + (int64_t)y * img->stride;
        for (int32_t x = 0; x < img->width; x++) {
          if (row[x] < lo) lo = row[x];
          if (row[x] > hi) hi = row[x];
        }
      }
      ck_assert_msg(hi - lo > 16, "%s: values only span %u..%u", path, lo, hi);
      (*varied)++;
    }
    tv_image_destroy(img);
    free(path);
    count++;
  }
  closedir(d);
  return count;
}

START_TEST(neu_all_grey_200) {
  tv_ctx *ctx = tvt_ctx();
  DIR *d = opendir(neu_dir);
  ck_assert_ptr_nonnull(d);
  int total = 0, varied = 0, classes = 0;
  const struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    char *sub = join(neu_dir, e->d_name);
    DIR *probe = opendir(sub);
    if (probe) {
      closedir(probe);
      total += decode_folder(ctx, sub, &varied);
      classes++;
    }
    free(sub);
  }
  closedir(d);
  ck_assert_int_gt(total, 0);
  ck_assert_int_eq(varied, 5 * classes);
  printf("bmp neu_cls: %d decoded as 200x200 grey\n", total);
  fflush(stdout);
  tv_ctx_destroy(ctx);
}
END_TEST

int main(void) {
  neu_dir = tvt_shared_path("datasets/neu_cls/images");
  if (!neu_dir) return TVT_SKIP;
  Suite *s = suite_create("bmp_neu");
  TCase *tc = tcase_create("neu");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, neu_all_grey_200);
  suite_add_tcase(s, tc);
  const int rc = tvt_run(s);
  free(neu_dir);
  return rc;
}
