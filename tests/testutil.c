/* Helpers shared by the Check tests.
 * SPDX-License-Identifier: Apache-2.0 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int tvt_is_dir(const char *p) {
  struct stat sb;
  return p && stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

const char *tvt_shared_dir(void) {
  const char *env = getenv("TV_SHARED_DIR");
  if (env && *env) return tvt_is_dir(env) ? env : NULL;
  return tvt_is_dir(TVT_SHARED_DIR) ? TVT_SHARED_DIR : NULL;
}

static char *tvt_join(const char *a, const char *b) {
  size_t n = strlen(a) + strlen(b) + 2;
  char *p = malloc(n);
  if (p) snprintf(p, n, "%s/%s", a, b);
  return p;
}

char *tvt_shared_path(const char *rel) {
  const char *dir = tvt_shared_dir();
  if (!dir) {
    fprintf(stderr, "skipped: the shared folder (TV_SHARED_DIR or ../shared) is not present\n");
    return NULL;
  }
  char *p = tvt_join(dir, rel);
  struct stat sb;
  if (p && stat(p, &sb) != 0) {
    fprintf(stderr, "skipped: %s is not present\n", p);
    free(p);
    return NULL;
  }
  return p;
}

char *tvt_source_path(const char *rel) { return tvt_join(TVT_SOURCE_DIR, rel); }

uint8_t *tvt_read_file(const char *path, size_t *size) {
  *size = 0;
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, n = 0;
  uint8_t *buf = malloc(cap);
  while (buf) {
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (n < cap) break;
    uint8_t *nb = realloc(buf, cap * 2);
    if (!nb) {
      free(buf);
      buf = NULL;
      break;
    }
    buf = nb;
    cap *= 2;
  }
  fclose(f);
  if (buf) *size = n;
  return buf;
}

tv_ctx *tvt_ctx(void) {
  tv_ctx *ctx = NULL;
  ck_assert_int_eq(tv_ctx_create(&ctx), TV_OK);
  ck_assert_ptr_nonnull(ctx);
  return ctx;
}

uint64_t tvt_rand(uint64_t *state) {
  uint64_t x = *state ? *state : 0x9e3779b97f4a7c15ull;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  *state = x;
  return x * 0x2545f4914f6cdd1dull;
}

void tvt_fill_random(tv_image *img, uint64_t seed) {
  uint64_t s = seed * 0x9e3779b97f4a7c15ull + 1;
  const size_t n = (size_t)img->width * (size_t)img->channels;
  for (int32_t y = 0; y < img->height; y++) {
    uint8_t *row = (uint8_t *)img->data + (int64_t)y * img->stride;
    for (size_t i = 0; i < n; i++) {
      uint64_t r = tvt_rand(&s);
      if (img->type == TV_U8)
        row[i] = (uint8_t)(r >> 56);
      else if (img->type == TV_U16)
        ((uint16_t *)(void *)row)[i] = (uint16_t)(r >> 48);
      else if (img->type == TV_S16)
        ((int16_t *)(void *)row)[i] = (int16_t)(uint16_t)(r >> 48);
      else if (img->type == TV_S32)
        ((int32_t *)(void *)row)[i] = (int32_t)(uint32_t)(r >> 32);
      else
        ((float *)(void *)row)[i] =
            (float)((double)(r >> 11) / 9007199254740992.0 * 2000.0 - 1000.0);
    }
  }
}

int tvt_images_equal(const tv_image *a, const tv_image *b) {
  if (a->width != b->width || a->height != b->height || a->channels != b->channels ||
      a->type != b->type)
    return 0;
  const size_t row = (size_t)a->width * (size_t)a->channels * (size_t)tv_pixel_size(a->type);
  for (int32_t y = 0; y < a->height; y++)
    if (memcmp((const uint8_t *)a->data + (int64_t)y * a->stride,
               (const uint8_t *)b->data + (int64_t)y * b->stride, row) != 0)
      return 0;
  return 1;
}

int tvt_run(Suite *suite) {
  SRunner *sr = srunner_create(suite);
  srunner_run_all(sr, CK_NORMAL);
  const int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? 0 : 1;
}
