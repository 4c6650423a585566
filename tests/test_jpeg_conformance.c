/* JPEG decoder conformance: libjpeg-turbo reference decodes, Go and jpeg-decoder references, and
 * robustness over about 3,100 fuzzed files from ../shared/corpora.
 * SPDX-License-Identifier: Apache-2.0 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/internal.h"
#include "testutil.h"
#include "tvt_sha256.h"

#include "io/codec.h"
#define FAST_DCT TVI_JPEG_FAST_DCT
#define FAST_UPSAMPLE TVI_JPEG_FAST_UPSAMPLE
#define ALLOW_WARNINGS TVI_JPEG_ALLOW_WARNINGS
#define RAW_CMYK TVI_JPEG_RAW_CMYK

/* ---- helpers -----------------------------------------------------------------------------------
 */

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static char *join(const char *a, const char *b) {
  const size_t n = strlen(a) + strlen(b) + 2;
  char *p = malloc(n);
  ck_assert_ptr_nonnull(p);
  snprintf(p, n, "%s/%s", a, b);
  return p;
}

/* sha256 of the pixels, rows without padding (as the EXPECTED tsv files record them). */
static void image_sha(const tv_image *img, char hex[65]) {
  tvt_sha256 s;
  tvt_sha256_init(&s);
  const size_t row = (size_t)img->width * (size_t)img->channels;
  for (int32_t y = 0; y < img->height; y++)
    tvt_sha256_update(&s, (const uint8_t *)img->data + (int64_t)y * img->stride, row);
  tvt_sha256_final_hex(&s, hex);
}

/* Decodes a file (with settings: the internal decoder); the image in *out on success. */
static tv_status decode_file(tv_ctx *ctx, const char *path, unsigned opts, int num, int den,
                             tv_image **out) {
  size_t n = 0;
  uint8_t *data = tvt_read_file(path, &n);
  ck_assert_msg(data != NULL, "cannot read %s", path);
  *out = NULL;
  /* The default settings go through the public entry point. */
  const tv_status st =
      (n == 0 || (opts == 0u && num == den))
          ? tv_jpeg_decode(ctx, data, n, out)
          : tvi_jpeg_load_ex(ctx, "tv_jpeg_decode", data, n, opts, num, den, NULL, out);
  free(data);
  return st;
}

/* One row of an EXPECTED-libjpeg-turbo-2.1.5.tsv file. */
typedef struct expect_row {
  char file[256];
  char result[8];     /* OK, WARN, ERROR, SKIP */
  char out_space[8];  /* RGB, GRAY, CMYK */
  int width, height;  /* 0 when not read */
  int out_components; /* 0 when not decoded */
  int num_warnings;   /* libjpeg warnings while decoding everything */
  char error[160];    /* libjpeg's error text */
  char sha[65];       /* sha256 of the default decode */
} expect_row;

typedef struct expect_table {
  expect_row *rows;
  size_t n;
} expect_table;

static int row_cmp(const void *a, const void *b) {
  return strcmp(((const expect_row *)a)->file, ((const expect_row *)b)->file);
}

/* Splits a tab-separated line in place into at most max fields. */
static int split_tabs(char *line, char **f, int max) {
  int n = 0;
  f[n++] = line;
  for (char *p = line; *p && n < max; p++)
    if (*p == '\t') {
      *p = '\0';
      f[n++] = p + 1;
    }
  return n;
}

static expect_table load_expect(const char *dir) {
  expect_table t = {NULL, 0};
  char *path = join(dir, "EXPECTED-libjpeg-turbo-2.1.5.tsv");
  size_t n = 0;
  char *text = (char *)tvt_read_file(path, &n);
  ck_assert_msg(text != NULL, "cannot read %s", path);
  free(path);
  char *buf = realloc(text, n + 1);
  ck_assert_ptr_nonnull(buf);
  buf[n] = '\0';
  size_t cap = 64;
  t.rows = calloc(cap, sizeof *t.rows);
  ck_assert_ptr_nonnull(t.rows);
  for (char *line = buf; line && *line;) {
    char *next = strchr(line, '\n');
    if (next) *next++ = '\0';
    char *f[16];
    if (line[0] != '#' && strncmp(line, "file\t", 5) != 0 && split_tabs(line, f, 16) == 15) {
      if (t.n == cap) {
        cap *= 2;
        t.rows = realloc(t.rows, cap * sizeof *t.rows);
        ck_assert_ptr_nonnull(t.rows);
      }
      expect_row *r = &t.rows[t.n++];
      memset(r, 0, sizeof *r);
      snprintf(r->file, sizeof r->file, "%s", f[0]);
      snprintf(r->result, sizeof r->result, "%s", f[1]);
      r->width = atoi(f[7]);
      r->height = atoi(f[8]);
      snprintf(r->out_space, sizeof r->out_space, "%s", f[9]);
      r->out_components = atoi(f[10]);
      r->num_warnings = atoi(f[11]);
      snprintf(r->error, sizeof r->error, "%s", f[12]);
      snprintf(r->sha, sizeof r->sha, "%s", f[14]);
    }
    line = next;
  }
  free(buf);
  qsort(t.rows, t.n, sizeof *t.rows, row_cmp);
  return t;
}

static const expect_row *find_expect(const expect_table *t, const char *rel) {
  expect_row key;
  snprintf(key.file, sizeof key.file, "%s", rel);
  return bsearch(&key, t->rows, t->n, sizeof *t->rows, row_cmp);
}

/* Totals for one corpus. */
typedef struct tally {
  int files, decoded, exact, within, rejected, pixel_limit, unsupported, corrupt, mismatches;
  int warn_exact; /* WARN files whose libjpeg fill-in (warnings allowed) matches the digest */
  double slowest;
  char slowest_file[256];
} tally;

/* Checks one file's default decode (and, for WARN files, the warnings-allowed decode) against its
 * EXPECTED row. Prints and counts mismatches instead of stopping, so one run lists them all. */
static void check_expect(tv_ctx *ctx, const char *path, const char *rel, const expect_row *r,
                         tally *t) {
  int64_t max_pixels = 0;
  tv_ctx_get(ctx, TV_CTX_MAX_PIXELS, &max_pixels);
  const double t0 = now_s();
  tv_image *img = NULL;
  const tv_status st = decode_file(ctx, path, 0u, 1, 1, &img);
  const double dt = now_s() - t0;
  if (dt > t->slowest) {
    t->slowest = dt;
    snprintf(t->slowest_file, sizeof t->slowest_file, "%s", rel);
  }
  const char *err = tv_ctx_last_error(ctx);
  t->files++;
  if (st == TV_OK) {
    t->decoded++;
    /* Deterministic: a second decode gives the same pixels. */
    tv_image *again = NULL;
    ck_assert_int_eq(decode_file(ctx, path, 0u, 1, 1, &again), TV_OK);
    ck_assert_msg(tvt_images_equal(img, again), "%s: two decodes differ", rel);
    tv_image_destroy(again);
  } else {
    t->rejected++;
    ck_assert_msg(img == NULL, "%s: image returned on failure", rel);
    ck_assert_msg(strncmp(err, "tv_jpeg_decode: ", 16) == 0, "%s: message \"%s\"", rel, err);
    if (st == TV_ERR_TOO_LARGE && strstr(err, "limit of")) t->pixel_limit++;
    if (st == TV_ERR_UNSUPPORTED) t->unsupported++;
    if (st == TV_ERR_CORRUPT) t->corrupt++;
    ck_assert_msg(st == TV_ERR_FORMAT || st == TV_ERR_CORRUPT || st == TV_ERR_UNSUPPORTED ||
                      st == TV_ERR_TOO_LARGE || st == TV_ERR_ARG,
                  "%s: unexpected %s (%s)", rel, tv_status_str(st), err);
  }
  if (!r) {
    tv_image_destroy(img);
    return;
  }
  const int over_limit = (int64_t)r->width * r->height > max_pixels;
  char why[512] = "";
  if (strcmp(r->result, "OK") == 0) {
    if (st != TV_OK) {
      snprintf(why, sizeof why, "expected OK, got %s (%s)", tv_status_str(st), err);
    } else if (img->width != r->width || img->height != r->height) {
      snprintf(why, sizeof why, "size %dx%d, expected %dx%d", img->width, img->height, r->width,
               r->height);
    } else if (strcmp(r->out_space, "CMYK") == 0) {
      /* The digest is of libjpeg's raw CMYK; we return RGB, so compare the raw decode. */
      tv_image *raw = NULL;
      ck_assert_int_eq(decode_file(ctx, path, RAW_CMYK, 1, 1, &raw), TV_OK);
      char hex[65];
      image_sha(raw, hex);
      tv_image_destroy(raw);
      if (img->channels != 3 || strcmp(hex, r->sha) != 0)
        snprintf(why, sizeof why, "CMYK: %d channels, raw sha %s, expected %s", img->channels, hex,
                 r->sha);
      else
        t->exact++;
    } else {
      char hex[65];
      image_sha(img, hex);
      if (img->channels != r->out_components || strcmp(hex, r->sha) != 0)
        snprintf(why, sizeof why, "%d channels sha %s, expected %d channels %s", img->channels, hex,
                 r->out_components, r->sha);
      else
        t->exact++;
    }
  } else if (strcmp(r->result, "WARN") == 0 && strcmp(r->out_space, "UNKNOWN") == 0) {
    /* libjpeg decodes unknown colour spaces (2, 5, ... components) raw; we cannot. */
    if (st != TV_ERR_UNSUPPORTED && !(over_limit && st == TV_ERR_TOO_LARGE))
      snprintf(why, sizeof why, "expected UNSUPPORTED (unknown colour space), got %s (%s)",
               tv_status_str(st), err);
  } else if (strcmp(r->result, "WARN") == 0) {
    /* Warnings are errors for tv_jpeg_decode; with warnings allowed the fill-in is libjpeg's. */
    if (st != TV_ERR_CORRUPT && !(over_limit && st == TV_ERR_TOO_LARGE)) {
      snprintf(why, sizeof why, "expected CORRUPT (WARN), got %s (%s)", tv_status_str(st), err);
    } else if (!over_limit) {
      tv_image *w = NULL;
      const tv_status ws = decode_file(ctx, path, ALLOW_WARNINGS | RAW_CMYK, 1, 1, &w);
      if (ws == TV_OK) {
        char hex[65];
        image_sha(w, hex);
        if (strcmp(hex, r->sha) == 0)
          t->warn_exact++;
        else
          snprintf(why, sizeof why, "warnings allowed: sha %s, expected %s", hex, r->sha);
      } else {
        snprintf(why, sizeof why, "warnings allowed: %s (%s)", tv_status_str(ws),
                 tv_ctx_last_error(ctx));
      }
      tv_image_destroy(w);
    }
  } else if (strcmp(r->result, "ERROR") == 0) {
    if (st == TV_OK)
      snprintf(why, sizeof why, "expected ERROR \"%s\", decoded", r->error);
    else if (st == TV_ERR_ARG && strcmp(r->error, "Empty input file") == 0)
      ; /* tv_jpeg_decode refuses 0 bytes before the codec runs */
    else if (r->num_warnings == 0 && st != TV_ERR_TOO_LARGE && st != TV_ERR_FORMAT &&
             !strstr(err, r->error))
      snprintf(why, sizeof why, "expected error \"%s\", got \"%s\"", r->error, err);
    else if (r->num_warnings == 0 && strncmp(r->error, "Unsupported", 11) == 0 &&
             st != TV_ERR_UNSUPPORTED && st != TV_ERR_TOO_LARGE)
      snprintf(why, sizeof why, "expected UNSUPPORTED, got %s", tv_status_str(st));
  } else if (strcmp(r->result, "SKIP") == 0) {
    if (st != TV_ERR_TOO_LARGE)
      snprintf(why, sizeof why, "expected TOO_LARGE (resource limit), got %s (%s)",
               tv_status_str(st), err);
  }
  if (why[0]) {
    t->mismatches++;
    fprintf(stderr, "MISMATCH %s: %s\n", rel, why);
  }
  tv_image_destroy(img);
}

/* ---- walking a corpus --------------------------------------------------------------------------
 */

static char **g_files;
static size_t g_nfiles, g_cap;

static int is_input(const char *name) {
  static const char *skip_ext[] = {".md", ".tsv", ".png", ".ppm", ".pgm", ".icc", ".list", ".txt"};
  if (strncmp(name, "LICENSE", 7) == 0 || strncmp(name, "README", 6) == 0) return 0;
  const size_t n = strlen(name);
  for (size_t i = 0; i < sizeof skip_ext / sizeof *skip_ext; i++) {
    const size_t m = strlen(skip_ext[i]);
    if (n >= m && strcmp(name + n - m, skip_ext[i]) == 0) return 0;
  }
  return 1;
}

static int collect(const char *path, const struct stat *sb, int type, struct FTW *ftw) {
  (void)sb;
  if (type == FTW_F && is_input(path + ftw->base)) {
    if (g_nfiles == g_cap) {
      g_cap = g_cap ? g_cap * 2 : 256;
      g_files = realloc(g_files, g_cap * sizeof *g_files);
      if (!g_files) return 1;
    }
    g_files[g_nfiles] = strdup(path);
    if (!g_files[g_nfiles]) return 1;
    g_nfiles++;
  }
  return 0;
}

static int str_cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* All input files under dir, sorted. */
static size_t list_inputs(const char *dir) {
  g_nfiles = 0;
  ck_assert_int_eq(nftw(dir, collect, 16, FTW_PHYS), 0);
  qsort(g_files, g_nfiles, sizeof *g_files, str_cmp);
  return g_nfiles;
}

static void free_inputs(void) {
  for (size_t i = 0; i < g_nfiles; i++) free(g_files[i]);
  free(g_files);
  g_files = NULL;
  g_nfiles = g_cap = 0;
}

/* Runs every input of a corpus through check_expect. */
static tally run_corpus(tv_ctx *ctx, const char *dir, const expect_table *exp) {
  tally t;
  memset(&t, 0, sizeof t);
  const size_t n = list_inputs(dir);
  const size_t skip = strlen(dir) + 1;
  for (size_t i = 0; i < n; i++) {
    const char *rel = g_files[i] + skip;
    check_expect(ctx, g_files[i], rel, find_expect(exp, rel), &t);
  }
  free_inputs();
  return t;
}

/* Whether tv_png_decode works in this build (another codec; reference PNGs need it). */
static int png_available(tv_ctx *ctx, const char *png_path) {
  tv_image *img = NULL;
  size_t n = 0;
  uint8_t *data = tvt_read_file(png_path, &n);
  if (!data) return 0;
  const tv_status st = tv_png_decode(ctx, data, n, &img);
  free(data);
  tv_image_destroy(img);
  return st == TV_OK;
}

/* Largest per-channel difference between a decode and a reference PNG (grey compares with every
 * colour channel; a PNG alpha channel is ignored); -1 when sizes differ. */
static int max_diff(const tv_image *a, const tv_image *ref) {
  if (a->width != ref->width || a->height != ref->height || ref->type != TV_U8) return -1;
  const int ch = a->channels > ref->channels ? a->channels : ref->channels;
  const int cc = ch > 3 ? 3 : ch;
  int m = 0;
  for (int32_t y = 0; y < a->height; y++) {
    const uint8_t *pa = (const uint8_t *)a->data + (int64_t)y * a->stride;
    const uint8_t *pb = (const uint8_t *)ref->data + (int64_t)y * ref->stride;
    for (int32_t x = 0; x < a->width; x++)
      for (int c = 0; c < cc; c++) {
        const int va = pa[x * a->channels + (a->channels == 1 ? 0 : c)];
        const int vb = pb[x * ref->channels + (ref->channels == 1 ? 0 : c)];
        const int d = va > vb ? va - vb : vb - va;
        if (d > m) m = d;
      }
  }
  return m;
}

/* Compares path (a JPEG) with the PNG of the same name, if there is one. Returns 1 within tol, 0
 * out of it (printed), -1 when there is no reference. */
static int compare_png(tv_ctx *ctx, const char *jpg, unsigned opts, int tol) {
  char png[1024];
  snprintf(png, sizeof png, "%s", jpg);
  char *dot = strrchr(png, '.');
  if (!dot) return -1;
  snprintf(dot, sizeof png - (size_t)(dot - png), ".png");
  size_t n = 0;
  uint8_t *data = tvt_read_file(png, &n);
  if (!data) return -1;
  tv_image *ref = NULL, *img = NULL;
  tvt_assert_ok(ctx, tv_png_decode(ctx, data, n, &ref));
  free(data);
  int result = -1;
  if (ref->type == TV_U8 && decode_file(ctx, jpg, opts, 1, 1, &img) == TV_OK) {
    const int d = max_diff(img, ref);
    result = d >= 0 && d <= tol;
    if (!result)
      fprintf(stderr, "MISMATCH %s: max diff %d against its PNG, tolerance %d\n", jpg, d, tol);
  }
  tv_image_destroy(img);
  tv_image_destroy(ref);
  return result;
}

/* ---- libjpeg-turbo test images -----------------------------------------------------------------
 */

/* Reads a binary P5/P6 file (8-bit) into a new image. */
static tv_image *read_pnm(tv_ctx *ctx, const char *path) {
  size_t n = 0;
  uint8_t *d = tvt_read_file(path, &n);
  ck_assert_msg(d != NULL, "cannot read %s", path);
  ck_assert_msg(n > 2 && d[0] == 'P' && (d[1] == '5' || d[1] == '6'), "%s: not P5/P6", path);
  long v[3];
  size_t i = 2;
  for (int k = 0; k < 3; k++) {
    while (i < n && (d[i] == ' ' || d[i] == '\n' || d[i] == '\r' || d[i] == '\t' || d[i] == '#')) {
      if (d[i] == '#')
        while (i < n && d[i] != '\n') i++;
      else
        i++;
    }
    v[k] = 0;
    while (i < n && d[i] >= '0' && d[i] <= '9') v[k] = v[k] * 10 + (d[i++] - '0');
  }
  i++; /* one whitespace byte after maxval */
  const int ch = d[1] == '5' ? 1 : 3;
  ck_assert_int_eq(v[2], 255);
  ck_assert_msg(i + (size_t)(v[0] * v[1] * ch) <= n, "%s: short", path);
  tv_image *img = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, (int32_t)v[0], (int32_t)v[1], ch, TV_U8, &img));
  for (int32_t y = 0; y < img->height; y++)
    memcpy(tvi_row(img, y), d + i + (size_t)y * (size_t)(v[0] * ch), (size_t)(v[0] * ch));
  free(d);
  return img;
}

START_TEST(libjpeg_turbo_testimages) {
  char *dir = tvt_shared_path("corpora/jpeg-libjpeg-turbo-testimages");
  ck_assert_ptr_nonnull(dir);
  tv_ctx *ctx = tvt_ctx();
  /* Reference PPMs with the libjpeg settings that made them (SOURCE.md). */
  static const struct {
    const char *ref, *jpg;
    unsigned opts;
    int num, den;
  } refs[] = {
      {"testimgint.ppm", "current/testorig.jpg", FAST_DCT | FAST_UPSAMPLE, 1, 1},
      {"testimgari.ppm", "current/testimgari.jpg", FAST_DCT | FAST_UPSAMPLE, 1, 1},
      {"testimgfst.ppm", "current/testorig.jpg", FAST_DCT, 1, 1},
      {"testimgfst1_2.ppm", "current/testorig.jpg", FAST_DCT, 1, 2},
      {"testimgint1_8.ppm", "current/testorig.jpg", FAST_UPSAMPLE, 1, 8},
      {"testimgint1_4.ppm", "current/testorig.jpg", FAST_UPSAMPLE, 1, 4},
      {"testimgint3_8.ppm", "current/testorig.jpg", FAST_UPSAMPLE, 3, 8},
      {"testimgint1_2.ppm", "current/testorig.jpg", FAST_UPSAMPLE, 1, 2},
      {"testimgint5_8.ppm", "current/testorig.jpg", FAST_UPSAMPLE, 5, 8},
      {"testimgint3_4.ppm", "current/testorig.jpg", FAST_UPSAMPLE, 3, 4},
      {"testimgint7_8.ppm", "current/testorig.jpg", FAST_UPSAMPLE, 7, 8},
      {"testimgint9_8.ppm", "current/testorig.jpg", FAST_UPSAMPLE, 9, 8},
      {"testimgint5_4.ppm", "current/testorig.jpg", FAST_UPSAMPLE, 5, 4},
      {"testimgint11_8.ppm", "current/testorig.jpg", FAST_UPSAMPLE, 11, 8},
      {"testimgint3_2.ppm", "current/testorig.jpg", FAST_UPSAMPLE, 3, 2},
      {"testimgint13_8.ppm", "current/testorig.jpg", FAST_UPSAMPLE, 13, 8},
      {"testimgint7_4.ppm", "current/testorig.jpg", FAST_UPSAMPLE, 7, 4},
      {"testimgint15_8.ppm", "current/testorig.jpg", FAST_UPSAMPLE, 15, 8},
      {"testimgint2_1.ppm", "current/testorig.jpg", FAST_UPSAMPLE, 2, 1},
  };
  int exact = 0, bad = 0;
  for (size_t i = 0; i < sizeof refs / sizeof *refs; i++) {
    char rel[128];
    snprintf(rel, sizeof rel, "legacy-1.2-references/%s", refs[i].ref);
    char *ref_path = join(dir, rel), *jpg_path = join(dir, refs[i].jpg);
    tv_image *ref = read_pnm(ctx, ref_path), *img = NULL;
    tvt_assert_ok(ctx, decode_file(ctx, jpg_path, refs[i].opts, refs[i].num, refs[i].den, &img));
    if (tvt_images_equal(img, ref)) {
      exact++;
    } else {
      bad++;
      fprintf(stderr, "MISMATCH %s: %dx%d max diff %d\n", refs[i].ref, img->width, img->height,
              max_diff(img, ref));
    }
    tv_image_destroy(img);
    tv_image_destroy(ref);
    free(ref_path);
    free(jpg_path);
  }
  /* Every JPEG in the folder against the default-settings digests. */
  expect_table exp = load_expect(dir);
  tally t = run_corpus(ctx, dir, &exp);
  printf("jpeg conformance libjpeg-turbo testimages: %d/%zu reference PPMs bit-exact (ISLOW/IFAST, "
         "fancy/fast upsampling, 15 DCT scalings), %d mismatches; n/a: testimgflt.ppm (float DCT, "
         "not in TurboJPEG); %d/%d files match the default-decode digests, %d unsupported "
         "(12-bit), %d mismatches\n",
         exact, sizeof refs / sizeof *refs, bad, t.exact, t.files, t.unsupported, t.mismatches);
  ck_assert_int_eq(bad, 0);
  ck_assert_int_eq(t.mismatches, 0);
  ck_assert_int_eq(t.unsupported, 2);
  free(exp.rows);
  tv_ctx_destroy(ctx);
  free(dir);
}
END_TEST

/* ---- Go image/jpeg test data -------------------------------------------------------------------
 */

START_TEST(go_testdata) {
  char *dir = tvt_shared_path("corpora/jpeg-go-testdata");
  ck_assert_ptr_nonnull(dir);
  tv_ctx *ctx = tvt_ctx();
  expect_table exp = load_expect(dir);
  tally t = run_corpus(ctx, dir, &exp);
  /* Baseline and progressive twins decode identically. */
  static const char *twins[] = {"video-001.q50.410",  "video-001.q50.411",     "video-001.q50.420",
                                "video-001.q50.422",  "video-001.q50.440",     "video-001.q50.444",
                                "video-005.gray.q50", "video-005.gray.q50.2x2"};
  int twins_equal = 0;
  for (size_t i = 0; i < sizeof twins / sizeof *twins; i++) {
    char a[256], b[256];
    snprintf(a, sizeof a, "%s/%s.jpeg", dir, twins[i]);
    snprintf(b, sizeof b, "%s/%s.progressive.jpeg", dir, twins[i]);
    tv_image *ia = NULL, *ib = NULL;
    tvt_assert_ok(ctx, decode_file(ctx, a, 0u, 1, 1, &ia));
    tvt_assert_ok(ctx, decode_file(ctx, b, 0u, 1, 1, &ib));
    ck_assert_msg(tvt_images_equal(ia, ib), "%s: baseline and progressive differ", twins[i]);
    twins_equal++;
    tv_image_destroy(ia);
    tv_image_destroy(ib);
  }
  /* Go's PNGs within 8; box-upsampled ones (221212, rgb) with fancy upsampling off. */
  char png_note[96] = "PNG references skipped (PNG codec not available)";
  char *probe = join(dir, "video-001.png");
  if (png_available(ctx, probe)) {
    static const char *names[] = {
        "video-001",      "video-001.cmyk",   "video-001.progressive.truncated",
        "video-005.gray", "video-001.221212", "video-001.rgb"};
    int ok = 0, bad = 0;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
      char p[256];
      snprintf(p, sizeof p, "%s/%s.jpeg", dir, names[i]);
      const int r = compare_png(ctx, p, i >= 4 ? FAST_UPSAMPLE : 0u, 8);
      if (r == 1) ok++;
      if (r == 0) bad++;
    }
    snprintf(png_note, sizeof png_note, "%d PNGs within 8, %d outside", ok, bad);
    t.mismatches += bad;
  }
  free(probe);
  printf("jpeg conformance go testdata: %d files, %d bit-exact (sha256, CMYK via raw CMYK), %d "
         "rejected, %d baseline==progressive twins, %s, %d mismatches\n",
         t.files, t.exact, t.rejected, twins_equal, png_note, t.mismatches);
  ck_assert_int_eq(t.mismatches, 0);
  ck_assert_int_eq(t.exact, 25);
  free(exp.rows);
  tv_ctx_destroy(ctx);
  free(dir);
}
END_TEST

/* ---- jpeg-decoder reftest ----------------------------------------------------------------------
 */

START_TEST(jpeg_decoder_reftest) {
  char *dir = tvt_shared_path("corpora/jpeg-decoder-reftest");
  ck_assert_ptr_nonnull(dir);
  tv_ctx *ctx = tvt_ctx();
  expect_table exp = load_expect(dir);
  tally t = run_corpus(ctx, dir, &exp);
  char png_note[96] = "PNG references skipped (PNG codec not available)";
  char *probe = join(dir, "rgb.png");
  if (png_available(ctx, probe)) {
    int ok = 0, bad = 0;
    const size_t n = list_inputs(dir);
    for (size_t i = 0; i < n; i++) {
      const int r = compare_png(ctx, g_files[i], 0u, 3);
      if (r == 1) ok++;
      if (r == 0) bad++;
    }
    free_inputs();
    snprintf(png_note, sizeof png_note, "%d PNGs within 3, %d outside", ok, bad);
    t.mismatches += bad;
  }
  free(probe);
  printf("jpeg conformance jpeg-decoder reftest: %d files, %d bit-exact (sha256), %d rejected "
         "(%d unsupported lossless, %d corrupt = libjpeg warnings, %d not JPEG), %d of the "
         "WARN files match libjpeg's fill-in with warnings allowed, %s, %d mismatches\n",
         t.files, t.exact, t.rejected, t.unsupported, t.corrupt,
         t.rejected - t.unsupported - t.corrupt, t.warn_exact, png_note, t.mismatches);
  ck_assert_int_eq(t.mismatches, 0);
  free(exp.rows);
  tv_ctx_destroy(ctx);
  free(dir);
}
END_TEST

/* ---- robustness --------------------------------------------------------------------------------
 */

static void robustness(const char *corpus, const char *label) {
  char *dir = tvt_shared_path(corpus);
  ck_assert_ptr_nonnull(dir);
  tv_ctx *ctx = tvt_ctx();
  expect_table exp = load_expect(dir);
  const double t0 = now_s();
  tally t = run_corpus(ctx, dir, &exp);
  const double dt = now_s() - t0;
  printf("jpeg conformance %s: %d files, %d decoded (%d bit-exact), %d rejected (%d by the pixel "
         "limit, %d unsupported, %d corrupt), %d WARN fill-ins bit-exact, crashes 0, %d "
         "mismatches, %.1f s (slowest %.2f s: %s)\n",
         label, t.files, t.decoded, t.exact, t.rejected, t.pixel_limit, t.unsupported, t.corrupt,
         t.warn_exact, t.mismatches, dt, t.slowest, t.slowest_file);
  ck_assert_int_eq(t.mismatches, 0);
  free(exp.rows);
  tv_ctx_destroy(ctx);
  free(dir);
}

START_TEST(jpeg_decoder_crashtest) {
  robustness("corpora/jpeg-decoder-crashtest", "jpeg-decoder crashtest");
}
END_TEST

START_TEST(libjpeg_turbo_seed_corpora) {
  robustness("corpora/jpeg-libjpeg-turbo-seed-corpora", "libjpeg-turbo seed corpora");
}
END_TEST

static Suite *jpeg_conformance_suite(void) {
  Suite *s = suite_create("jpeg_conformance");
  TCase *tc = tcase_create("jpeg_conformance");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, libjpeg_turbo_testimages);
  tcase_add_test(tc, go_testdata);
  tcase_add_test(tc, jpeg_decoder_reftest);
  tcase_add_test(tc, jpeg_decoder_crashtest);
  tcase_add_test(tc, libjpeg_turbo_seed_corpora);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  char *dir = tvt_shared_path("corpora/jpeg-libjpeg-turbo-seed-corpora");
  if (!dir) {
    fprintf(stderr, "test_jpeg_conformance: ../shared/corpora is not present, skipping\n");
    return TVT_SKIP;
  }
  free(dir);
  return tvt_run(jpeg_conformance_suite());
}
