/* PNG conformance: decodes the shared PNG corpora and compares with libpng's recorded results.
 * SPDX-License-Identifier: Apache-2.0 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "tvt_sha256.h"

/* Columns of the EXPECTED-libpng-*.tsv files. */
enum {
  COL_FILE = 0,
  COL_RESULT = 1,
  COL_WIDTH = 2,
  COL_HEIGHT = 3,
  COL_BIT_DEPTH = 4,
  COL_ERROR = 8,
  COL_RGBA8 = 10,
  COL_RGBA16 = 12,
  COL_COUNT = 13
};

static const char *const corpora[] = {"pngsuite", "png-go-testdata", "png-libpng-contrib",
                                      "png-image-rs"};
#define NCORPORA ((int)(sizeof corpora / sizeof corpora[0]))

/* Which corpora exist; set in main before the suite runs (the test forks inherit it). */
static int corpus_present[NCORPORA];

typedef struct counts {
  int decoded;
  int rejected;
  int mismatches;
} counts;

/* Splits a TSV line in place into at most COL_COUNT fields; returns the number found. */
static int split_tabs(char *line, char *fields[COL_COUNT]) {
  int n = 0;
  char *p = line;
  while (n < COL_COUNT) {
    fields[n++] = p;
    char *tab = strchr(p, '\t');
    if (!tab) break;
    *tab = '\0';
    p = tab + 1;
  }
  char *end = fields[n - 1] + strcspn(fields[n - 1], "\r\n");
  *end = '\0';
  return n;
}

/* Hashes img expanded to RGBA: 8-bit (wide = 0, u8 only) or 16-bit big-endian (wide = 1). Grey
 * gives r = g = b, a missing alpha is opaque, u8 widens to 16 bits as v * 257. */
static void rgba_digest(const tv_image *img, int wide, char hex[65]) {
  tvt_sha256 s;
  tvt_sha256_init(&s);
  const int c = img->channels;
  uint8_t *row = malloc((size_t)img->width * 8u);
  ck_assert_ptr_nonnull(row);
  for (int32_t y = 0; y < img->height; y++) {
    const uint8_t *src8 = (const uint8_t *)img->data + (int64_t)y * img->stride;
    const uint16_t *src16 = (const uint16_t *)(const void *)src8;
    uint8_t *dst = row;
    for (int32_t x = 0; x < img->width; x++) {
      uint32_t v[4];
      for (int k = 0; k < c; k++) {
        const size_t i = (size_t)x * (size_t)c + (size_t)k;
        v[k] = img->type == TV_U16 ? src16[i] : src8[i];
      }
      if (c == 1) v[1] = v[2] = v[0];
      if (c != 4) v[3] = img->type == TV_U16 ? 65535u : 255u;
      for (int k = 0; k < 4; k++) {
        if (!wide) {
          *dst++ = (uint8_t)v[k];
        } else {
          const uint32_t w = img->type == TV_U16 ? v[k] : v[k] * 257u;
          *dst++ = (uint8_t)(w >> 8);
          *dst++ = (uint8_t)(w & 0xff);
        }
      }
    }
    tvt_sha256_update(&s, row, (size_t)(dst - row));
  }
  free(row);
  tvt_sha256_final_hex(&s, hex);
}

/* Checks one file against its TSV row; returns 1 when it agrees. */
static int check_file(tv_ctx *ctx, const char *dir, char *const f[COL_COUNT]) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, f[COL_FILE]);
  size_t size = 0;
  uint8_t *data = tvt_read_file(path, &size);
  if (!data) {
    printf("  MISMATCH %s: cannot read the file\n", f[COL_FILE]);
    return 0;
  }
  const int want_ok = strcmp(f[COL_RESULT], "OK") == 0;
  tv_image *img = NULL;
  const tv_status st = size ? tv_png_decode(ctx, data, size, &img) : TV_ERR_ARG;
  int agree = 1;
  if (!want_ok) {
    if (st == TV_OK || img) {
      printf("  MISMATCH %s: decoded, but libpng rejects it (%s)\n", f[COL_FILE], f[COL_ERROR]);
      agree = 0;
    }
  } else if (st != TV_OK || !img) {
    printf("  MISMATCH %s: %s (%s), libpng decodes it\n", f[COL_FILE], tv_status_str(st),
           tv_ctx_last_error(ctx));
    agree = 0;
  } else {
    tv_image_info info;
    memset(&info, 0, sizeof info);
    const tv_status pst = tv_image_probe(ctx, data, size, &info);
    char hex[65];
    rgba_digest(img, 1, hex);
    int pixels_ok = strcmp(hex, f[COL_RGBA16]) == 0;
    if (pixels_ok && img->type == TV_U8) {
      rgba_digest(img, 0, hex);
      pixels_ok = strcmp(hex, f[COL_RGBA8]) == 0;
    }
    if (img->width != atoi(f[COL_WIDTH]) || img->height != atoi(f[COL_HEIGHT])) {
      printf("  MISMATCH %s: size %dx%d, want %sx%s\n", f[COL_FILE], img->width, img->height,
             f[COL_WIDTH], f[COL_HEIGHT]);
      agree = 0;
    } else if (!pixels_ok) {
      printf("  MISMATCH %s: pixel digest differs (%d channels, type %d)\n", f[COL_FILE],
             img->channels, img->type);
      agree = 0;
    } else if (pst != TV_OK || info.width != img->width || info.height != img->height ||
               info.channels != img->channels || info.type != img->type ||
               info.format != TV_FORMAT_PNG || info.bit_depth != atoi(f[COL_BIT_DEPTH])) {
      printf("  MISMATCH %s: probe gives %s %dx%d c%d t%d depth %d\n", f[COL_FILE],
             tv_status_str(pst), info.width, info.height, info.channels, info.type, info.bit_depth);
      agree = 0;
    }
  }
  tv_image_destroy(img);
  free(data);
  return agree;
}

/* Runs every EXPECTED-*.tsv in dir. */
static void run_corpus(tv_ctx *ctx, const char *dir, counts *n) {
  DIR *dh = opendir(dir);
  ck_assert_msg(dh != NULL, "cannot open %s", dir);
  int tables = 0;
  struct dirent *de;
  while ((de = readdir(dh)) != NULL) {
    const size_t len = strlen(de->d_name);
    if (strncmp(de->d_name, "EXPECTED-", 9) != 0 || len < 4 ||
        strcmp(de->d_name + len - 4, ".tsv") != 0)
      continue;
    char tsv[4096];
    snprintf(tsv, sizeof tsv, "%s/%s", dir, de->d_name);
    FILE *fp = fopen(tsv, "r");
    ck_assert_msg(fp != NULL, "cannot open %s", tsv);
    tables++;
    char line[8192];
    while (fgets(line, sizeof line, fp)) {
      if (line[0] == '#' || strncmp(line, "file\t", 5) == 0 || line[0] == '\n') continue;
      char *f[COL_COUNT];
      if (split_tabs(line, f) < COL_COUNT) {
        printf("  MISMATCH: short TSV line in %s: %s\n", tsv, f[0]);
        n->mismatches++;
        continue;
      }
      const int want_ok = strcmp(f[COL_RESULT], "OK") == 0;
      if (!check_file(ctx, dir, f))
        n->mismatches++;
      else if (want_ok)
        n->decoded++;
      else
        n->rejected++;
    }
    fclose(fp);
  }
  closedir(dh);
  ck_assert_msg(tables > 0, "no EXPECTED-*.tsv in %s", dir);
}

START_TEST(png_corpus) {
  if (!corpus_present[_i]) {
    printf("png conformance %s: skipped (corpus not present)\n", corpora[_i]);
    return;
  }
  char rel[256];
  snprintf(rel, sizeof rel, "corpora/%s", corpora[_i]);
  char *dir = tvt_shared_path(rel);
  ck_assert_ptr_nonnull(dir);
  tv_ctx *ctx = tvt_ctx();
  counts n = {0, 0, 0};
  run_corpus(ctx, dir, &n);
  printf("png conformance %s: %d decoded exactly, %d rejected as expected, %d mismatches\n",
         corpora[_i], n.decoded, n.rejected, n.mismatches);
  fflush(stdout);
  tv_ctx_destroy(ctx);
  free(dir);
  ck_assert_int_eq(n.mismatches, 0);
  ck_assert_int_gt(n.decoded + n.rejected, 0);
}
END_TEST

int main(void) {
  int any = 0;
  for (int i = 0; i < NCORPORA; i++) {
    char rel[256];
    snprintf(rel, sizeof rel, "corpora/%s", corpora[i]);
    char *dir = tvt_shared_path(rel);
    corpus_present[i] = dir != NULL;
    any |= corpus_present[i];
    free(dir);
  }
  if (!any) {
    fprintf(stderr, "skipped: no PNG corpus found (needs ../shared/corpora or TV_SHARED_DIR)\n");
    return TVT_SKIP;
  }
  Suite *s = suite_create("png_conformance");
  TCase *tc = tcase_create("corpora");
  tcase_set_timeout(tc, 600);
  tcase_add_loop_test(tc, png_corpus, 0, NCORPORA);
  suite_add_tcase(s, tc);
  return tvt_run(s);
}
