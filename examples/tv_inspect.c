/* tv-inspect: find defects on tube-surface images and judge them, e.g.
 *   tv-inspect --json result.json --overlay overlay.png examples/data/tube-sample.png
 * SPDX-License-Identifier: Apache-2.0 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tubevision/tubevision.h"
#include "tubevision/inspect.h"

enum { EXIT_ACCEPT = 0, EXIT_REJECT = 1, EXIT_USAGE = 2, EXIT_ERROR = 3 };

static void usage(FILE *f) {
  fprintf(f,
          "usage: tv-inspect [options] IMAGE|DIR...\n"
          "Finds defects on tube-surface images (rows along the tube's axis), measures them in\n"
          "millimetres and gives each image a verdict.\n"
          "  --model M        heatmap model (default: the bundled models/heatmap.tvm)\n"
          "  --classifier C   classifier model (default: models/neu_classifier.tvm when present)\n"
          "  --no-classifier  report every defect as class \"defect\"\n"
          "  --config C.json  configuration: geometry, tiling, thresholds, rules\n"
          "                   (default: models/config/default.json, docs/inspect-json.md)\n"
          "  --json OUT       write the results as JSON (one object, or an array for several)\n"
          "  --overlay OUT    write an overlay PNG (a folder when there are several images)\n"
          "  --offset MM      axial position of the first image's first row (default 0)\n"
          "  --threads N      worker threads (default: all cores)\n"
          "  --strip-rows N   feed each image to the library N rows at a time, as a line-scan\n"
          "                   camera would (tv_inspect_strip); a defect crossing strips is\n"
          "                   reported once, whole\n"
          "  --stream         the images (a folder's in name order) are consecutive strips of\n"
          "                   one surface: axial positions run on from image to image\n"
          "                   (with --strip-rows, each image is cut further)\n"
          "  --quiet          no per-image lines and no progress bar\n"
          "With --strip-rows or --stream, --json writes an array of every call's result (the\n"
          "strips', then the finished surface's, which carries its verdict; \"final\": true),\n"
          "and a summary line per surface counts the defects of all of them.\n"
          "The model folder is $TV_MODEL_DIR, else the models/ folder of the source tree or of\n"
          "the installation. Exit status: 0 all accepted, 1 a reject, 2 usage, 3 error.\n");
}

/* ---- files -------------------------------------------------------------------------------------
 */

typedef struct list {
  char **v;
  int n, cap;
} list;

static int push(list *l, const char *s) {
  if (l->n == l->cap) {
    const int c = l->cap ? l->cap * 2 : 16;
    char **q = realloc(l->v, sizeof(char *) * (size_t)c);
    if (!q) return 0;
    l->v = q, l->cap = c;
  }
  if (!(l->v[l->n] = strdup(s))) return 0;
  l->n++;
  return 1;
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int image_name(const char *n) {
  static const char *const ext[] = {".png", ".jpg", ".jpeg", ".pgm", ".ppm", ".pnm", ".bmp"};
  const char *dot = strrchr(n, '.');
  if (!dot) return 0;
  for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++)
    if (strcasecmp(dot, ext[i]) == 0) return 1;
  return 0;
}

/* Adds a file, or the images of a folder (sorted, not recursive). */
static int collect(list *files, const char *path, int *folders) {
  struct stat sb;
  if (stat(path, &sb) != 0) {
    fprintf(stderr, "tv-inspect: %s: %s\n", path, strerror(errno));
    return 0;
  }
  if (!S_ISDIR(sb.st_mode)) return push(files, path);
  DIR *d = opendir(path);
  if (!d) {
    fprintf(stderr, "tv-inspect: %s: %s\n", path, strerror(errno));
    return 0;
  }
  (*folders)++;
  const int first = files->n;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.' || !image_name(e->d_name)) continue;
    char full[PATH_MAX];
    snprintf(full, sizeof full, "%s/%s", path, e->d_name);
    if (!push(files, full)) break;
  }
  closedir(d);
  qsort(files->v + first, (size_t)(files->n - first), sizeof(char *), by_name);
  return 1;
}

/* The models folder: $TV_MODEL_DIR, ../../models beside the tool (a build tree inside the source
 * tree) or ../share/tubevision/models (an installation). */
static int model_dir(char *out, size_t cap) {
  const char *env = getenv("TV_MODEL_DIR");
  if (env && *env) {
    snprintf(out, cap, "%s", env);
    return 1;
  }
  char exe[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) return 0;
  exe[n] = '\0';
  char *slash = strrchr(exe, '/');
  if (!slash) return 0;
  *slash = '\0';
  static const char *const rel[] = {"/../../models", "/../share/tubevision/models"};
  for (size_t i = 0; i < 2; i++) {
    char dir[PATH_MAX + 64];
    struct stat sb;
    snprintf(dir, sizeof dir, "%s%s", exe, rel[i]);
    if (stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode) && strlen(dir) < cap) {
      memcpy(out, dir, strlen(dir) + 1);
      return 1;
    }
  }
  return 0;
}

static char *read_text(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  char *buf = NULL;
  size_t n = 0, cap = 0;
  for (;;) {
    if (n + 4096 + 1 > cap) {
      cap = cap ? cap * 2 : 8192;
      char *q = realloc(buf, cap);
      if (!q) {
        free(buf);
        fclose(f);
        return NULL;
      }
      buf = q;
    }
    const size_t got = fread(buf + n, 1, 4096, f);
    n += got;
    if (got < 4096) break;
  }
  const int err = ferror(f);
  fclose(f);
  if (err) {
    free(buf);
    return NULL;
  }
  buf[n] = '\0';
  return buf;
}

static int exists(const char *p) {
  struct stat sb;
  return stat(p, &sb) == 0;
}

static double seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + t.tv_nsec * 1e-9;
}

static void progress(int done, int total, double mpix, double secs) {
  const int width = 30, fill = total ? done * width / total : width;
  char bar[64];
  for (int i = 0; i < width; i++) bar[i] = i < fill ? '#' : '.';
  bar[width] = '\0';
  fprintf(stderr, "\r[%s] %d/%d  %.1f MP/s ", bar, done, total, secs > 0 ? mpix / secs : 0.0);
  if (done == total) fputc('\n', stderr);
  fflush(stderr);
}

/* Counts and writes one result of a surface fed as strips. */
typedef struct tally {
  tv_ctx *ctx;
  FILE *json;
  int json_items, errors, defects;
  long long *per_class;
} tally;

static void take_result(tally *t, tv_result *res, const char *source) {
  const int n = tv_result_count(res);
  for (int i = 0; i < n; i++) t->per_class[tv_result_defect(res, i)->class_id]++;
  t->defects += n;
  if (!t->json) return;
  char *text = NULL;
  tv_result_set_source(t->ctx, res, source);
  if (tv_result_json(t->ctx, res, &text) != TV_OK) {
    fprintf(stderr, "tv-inspect: %s: %s\n", source, tv_ctx_last_error(t->ctx));
    t->errors++;
    return;
  }
  fprintf(t->json, "%s%s", t->json_items++ ? ",\n" : "", text);
  tv_free(text);
}

/* Inspects files[0..n) as one surface fed as strips of strip_rows rows (0: each image whole) from
 * axial position offset. Returns 1 accepted, 0 rejected, -1 error (message printed). */
static int inspect_surface(tally *t, tv_inspection *run, char *const *files, int n, long strip_rows,
                           double offset, int quiet, double *mpix, double *busy) {
  tv_ctx *ctx = t->ctx;
  if (tv_inspect_begin(ctx, run, offset) != TV_OK) {
    fprintf(stderr, "tv-inspect: %s\n", tv_ctx_last_error(ctx));
    return -1;
  }
  const int defects0 = t->defects;
  for (int f = 0; f < n; f++) {
    tv_image *img = NULL;
    if (tv_image_read(ctx, files[f], &img) != TV_OK) {
      fprintf(stderr, "tv-inspect: %s: %s\n", files[f], tv_ctx_last_error(ctx));
      return -1;
    }
    const int32_t step =
        strip_rows > 0 && strip_rows < img->height ? (int32_t)strip_rows : img->height;
    for (int32_t y = 0; y < img->height; y += step) {
      const int32_t h = img->height - y < step ? img->height - y : step;
      tv_image *strip = NULL;
      tv_result *res = NULL;
      const double t0 = seconds();
      if (tv_image_view(ctx, img, 0, y, img->width, h, &strip) != TV_OK ||
          tv_inspect_strip(ctx, run, strip, &res) != TV_OK) {
        fprintf(stderr, "tv-inspect: %s, rows %d..%d: %s\n", files[f], (int)y, (int)(y + h),
                tv_ctx_last_error(ctx));
        tv_image_destroy(strip);
        tv_image_destroy(img);
        return -1;
      }
      *busy += seconds() - t0;
      take_result(t, res, files[f]);
      tv_result_destroy(res);
      tv_image_destroy(strip);
    }
    *mpix += (double)img->width * img->height * 1e-6;
    tv_image_destroy(img);
  }
  tv_result *res = NULL;
  const double t0 = seconds();
  if (tv_inspect_finish(ctx, run, &res) != TV_OK) {
    fprintf(stderr, "tv-inspect: %s%s: %s\n", files[0], n > 1 ? " ..." : "",
            tv_ctx_last_error(ctx));
    return -1;
  }
  *busy += seconds() - t0;
  take_result(t, res, files[n - 1]);
  const int ok = tv_result_verdict(res) == TV_VERDICT_ACCEPT, nd = t->defects - defects0;
  if (!quiet) {
    if (n > 1)
      printf("%s .. %s (%d images): ", files[0], files[n - 1], n);
    else
      printf("%s: ", files[0]);
    printf("%s, %d defect%s", ok ? "accept" : "reject", nd, nd == 1 ? "" : "s");
    for (int i = 0; i < tv_result_reason_count(res); i++)
      printf("%s%s", i ? "; " : ": ", tv_result_reason(res, i));
    printf("\n");
  }
  tv_result_destroy(res);
  return ok;
}

int main(int argc, char **argv) {
  const char *model_path = NULL, *cls_path = NULL, *config_path = NULL, *json_path = NULL,
             *overlay_path = NULL;
  int no_cls = 0, quiet = 0, rc = EXIT_ERROR, folders = 0, stream = 0;
  long threads = 0, strip_rows = 0;
  double offset = 0;
  list files = {0};
  tv_ctx *ctx = NULL;
  tv_model *heat = NULL, *cls = NULL;
  tv_inspector *insp = NULL;
  tv_inspection *run = NULL;
  char *config = NULL;
  FILE *json = NULL;
  char dir[PATH_MAX], path_buf[PATH_MAX + 64], cls_buf[PATH_MAX + 64], cfg_buf[PATH_MAX + 64];

  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const int has = i + 1 < argc;
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      usage(stdout);
      rc = 0;
      goto done;
    } else if (strcmp(a, "--model") == 0 && has) {
      model_path = argv[++i];
    } else if (strcmp(a, "--classifier") == 0 && has) {
      cls_path = argv[++i];
    } else if (strcmp(a, "--no-classifier") == 0) {
      no_cls = 1;
    } else if (strcmp(a, "--config") == 0 && has) {
      config_path = argv[++i];
    } else if (strcmp(a, "--json") == 0 && has) {
      json_path = argv[++i];
    } else if (strcmp(a, "--overlay") == 0 && has) {
      overlay_path = argv[++i];
    } else if (strcmp(a, "--quiet") == 0) {
      quiet = 1;
    } else if (strcmp(a, "--stream") == 0) {
      stream = 1;
    } else if (strcmp(a, "--strip-rows") == 0 && has) {
      char *end = NULL;
      const long v = strtol(argv[++i], &end, 10);
      if (!*argv[i] || *end || v < 1 || v > 1000000000L) {
        fprintf(stderr, "tv-inspect: bad value for --strip-rows: %s\n", argv[i]);
        goto usage_error;
      }
      strip_rows = v;
    } else if ((strcmp(a, "--offset") == 0 || strcmp(a, "--threads") == 0) && has) {
      char *end = NULL;
      const double v = strtod(argv[++i], &end);
      if (!*argv[i] || *end || (a[2] == 't' && (v < 1 || v > 64 || v != (long)v))) {
        fprintf(stderr, "tv-inspect: bad value for %s: %s\n", a, argv[i]);
        goto usage_error;
      }
      if (a[2] == 't')
        threads = (long)v;
      else
        offset = v;
    } else if (a[0] == '-' && a[1]) {
      fprintf(stderr, "tv-inspect: unknown option '%s'\n", a);
      goto usage_error;
    } else if (!collect(&files, a, &folders)) {
      goto done;
    }
  }
  if (files.n == 0) {
    if (argc > 1 && folders) {
      fprintf(stderr, "tv-inspect: no images found\n");
      goto done;
    }
    goto usage_error;
  }
  if (tv_ctx_create(&ctx) != TV_OK) {
    fprintf(stderr, "tv-inspect: out of memory\n");
    goto done;
  }
  if (threads) tv_ctx_set(ctx, TV_CTX_THREADS, threads);

  /* Models and configuration. */
  const int have_dir = model_dir(dir, sizeof dir);
  if (!model_path) {
    if (!have_dir) {
      fprintf(stderr, "tv-inspect: no models folder found: give --model or set TV_MODEL_DIR\n");
      goto done;
    }
    snprintf(path_buf, sizeof path_buf, "%s/heatmap.tvm", dir);
    model_path = path_buf;
  }
  if (!cls_path && !no_cls && have_dir) {
    snprintf(cls_buf, sizeof cls_buf, "%s/neu_classifier.tvm", dir);
    if (exists(cls_buf)) cls_path = cls_buf;
  }
  if (!config_path && have_dir) {
    snprintf(cfg_buf, sizeof cfg_buf, "%s/config/default.json", dir);
    if (exists(cfg_buf)) config_path = cfg_buf;
  }
  if (tv_model_load(ctx, model_path, &heat) != TV_OK) {
    fprintf(stderr, "tv-inspect: %s: %s\n", model_path, tv_ctx_last_error(ctx));
    goto done;
  }
  if (cls_path && !no_cls && tv_model_load(ctx, cls_path, &cls) != TV_OK) {
    fprintf(stderr, "tv-inspect: %s: %s\n", cls_path, tv_ctx_last_error(ctx));
    goto done;
  }
  if (config_path && !(config = read_text(config_path))) {
    fprintf(stderr, "tv-inspect: %s: %s\n", config_path, strerror(errno));
    goto done;
  }
  if (tv_inspector_create(ctx, heat, cls, config, &insp) != TV_OK ||
      tv_inspection_create(ctx, insp, &run) != TV_OK) {
    fprintf(stderr, "tv-inspect: %s%s%s\n", config_path ? config_path : "", config_path ? ": " : "",
            tv_ctx_last_error(ctx));
    goto done;
  }
  if (overlay_path && (stream || strip_rows)) {
    fprintf(stderr,
            "tv-inspect: --overlay works on whole frames, not with --strip-rows or --stream\n");
    goto usage_error;
  }
  if (overlay_path) tv_inspection_set(ctx, run, TV_INSPECTION_KEEP_HEATMAP, 1);
  if (overlay_path && files.n > 1) {
    struct stat sb;
    if (stat(overlay_path, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
      fprintf(stderr, "tv-inspect: --overlay %s must be a folder for several images\n",
              overlay_path);
      goto usage_error;
    }
  }
  if (json_path && !(json = fopen(json_path, "w"))) {
    fprintf(stderr, "tv-inspect: %s: %s\n", json_path, strerror(errno));
    goto done;
  }
  if (json && (files.n > 1 || stream || strip_rows)) fputs("[\n", json);

  /* Inspect. */
  const int nclasses = tv_inspector_class_count(insp);
  long long *per_class = calloc((size_t)nclasses, sizeof *per_class);
  int accepted = 0, rejected = 0, errors = 0;
  double mpix = 0, busy = 0;
  const double t_start = seconds();
  const int bar = !quiet && (folders > 0 || files.n > 1) && isatty(2);
  if (stream || strip_rows) {
    /* Surfaces fed as strips: one for all images (--stream), else one per image. */
    tally t = {ctx, json, 0, 0, 0, per_class};
    const int per = stream ? files.n : 1;
    for (int f = 0; f < files.n && per_class; f += per) {
      const int v = inspect_surface(&t, run, files.v + f, per, strip_rows, offset, quiet || bar,
                                    &mpix, &busy);
      v < 0 ? errors++ : v ? accepted++ : rejected++;
      if (bar) progress(f + per, files.n, mpix, busy);
    }
    errors += t.errors;
    if (json) fputs("\n]\n", json);
  }
  for (int f = 0; f < files.n && per_class && !stream && !strip_rows; f++) {
    const char *file = files.v[f];
    tv_image *img = NULL, *ov = NULL;
    tv_result *res = NULL;
    char *text = NULL;
    if (tv_image_read(ctx, file, &img) != TV_OK) {
      fprintf(stderr, "%stv-inspect: %s: %s\n", bar ? "\n" : "", file, tv_ctx_last_error(ctx));
      errors++;
      goto next;
    }
    const double t0 = seconds();
    if (tv_inspect_frame(ctx, run, img, offset, &res) != TV_OK) {
      fprintf(stderr, "%stv-inspect: %s: %s\n", bar ? "\n" : "", file, tv_ctx_last_error(ctx));
      errors++;
      goto next;
    }
    busy += seconds() - t0;
    mpix += (double)img->width * img->height * 1e-6;
    tv_result_set_source(ctx, res, file);
    const int n = tv_result_count(res);
    for (int i = 0; i < n; i++) per_class[tv_result_defect(res, i)->class_id]++;
    const int ok = tv_result_verdict(res) == TV_VERDICT_ACCEPT;
    ok ? accepted++ : rejected++;
    if (!quiet && !bar) {
      printf("%s: %s, %d defect%s", file, ok ? "accept" : "reject", n, n == 1 ? "" : "s");
      for (int i = 0; i < tv_result_reason_count(res); i++)
        printf("%s%s", i ? "; " : ": ", tv_result_reason(res, i));
      printf("\n");
    }
    if (json) {
      if (tv_result_json(ctx, res, &text) != TV_OK) {
        fprintf(stderr, "tv-inspect: %s: %s\n", file, tv_ctx_last_error(ctx));
        errors++;
        goto next;
      }
      fprintf(json, "%s%s", f ? ",\n" : "", text);
    }
    if (overlay_path) {
      char out[PATH_MAX + 64];
      if (files.n > 1) {
        const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
        snprintf(out, sizeof out, "%s/%.*s.overlay.png", overlay_path,
                 (int)(strrchr(base, '.') ? strrchr(base, '.') - base : (long)strlen(base)), base);
      } else {
        snprintf(out, sizeof out, "%s", overlay_path);
      }
      if (tv_result_overlay(ctx, res, img, NULL, &ov) != TV_OK ||
          tv_image_write(ctx, ov, out, TV_FORMAT_PNG, 0) != TV_OK) {
        fprintf(stderr, "tv-inspect: %s: %s\n", out, tv_ctx_last_error(ctx));
        errors++;
      }
    }
  next:
    if (bar) progress(f + 1, files.n, mpix, busy);
    tv_free(text);
    tv_image_destroy(ov);
    tv_result_destroy(res);
    tv_image_destroy(img);
  }
  if (json) {
    if (!stream && !strip_rows) fputs(files.n > 1 ? "\n]\n" : "\n", json);
    if (fclose(json) != 0) {
      fprintf(stderr, "tv-inspect: %s: write failed\n", json_path);
      errors++;
    }
    json = NULL;
  }
  /* Summary. */
  const int frames = accepted + rejected;
  long long total = 0;
  for (int k = 0; per_class && k < nclasses; k++) total += per_class[k];
  printf("%s: %d  accepted: %d  rejected: %d  errors: %d\n",
         stream || strip_rows ? "surfaces" : "frames", frames, accepted, rejected, errors);
  printf("defects: %lld", total);
  for (int k = 0; per_class && k < nclasses; k++)
    if (per_class[k])
      printf("%s%s %lld", k ? ", " : "  ", tv_inspector_class_name(insp, k), per_class[k]);
  printf("\n");
  printf("speed: %.1f MP/s (%.1f MP inspected in %.2f s; %.2f s with decoding)\n",
         busy > 0 ? mpix / busy : 0.0, mpix, busy, seconds() - t_start);
  free(per_class);
  rc = errors ? EXIT_ERROR : rejected ? EXIT_REJECT : EXIT_ACCEPT;
  goto done;
usage_error:
  usage(stderr);
  rc = EXIT_USAGE;
done:
  if (json) fclose(json);
  for (int i = 0; i < files.n; i++) free(files.v[i]);
  free(files.v);
  free(config);
  tv_inspection_destroy(run);
  tv_inspector_destroy(insp);
  tv_model_free(cls);
  tv_model_free(heat);
  tv_ctx_destroy(ctx);
  return rc;
}
