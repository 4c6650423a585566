/* tv-model: show, check and run tubevision CNN models (class scores or heatmap PNGs).
 * SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tubevision/tubevision.h"

static void usage(FILE *f) {
  fprintf(
      f, "usage: tv-model info MODEL\n"
         "       tv-model verify MODEL\n"
         "       tv-model run [options] MODEL IMAGE...\n"
         "       tv-model run [options] MODEL --raw IN.f32 --shape N,H,W --raw-out OUT.f32\n"
         "info    prints the model's metadata, size and cost.\n"
         "verify  checks the whole file (checksum, offsets, shapes, operators) and runs it once\n"
         "        on a zero input of its declared size (64x64 when it takes any size).\n"
         "run     runs the model on each image (normalised as the model says): a scores model\n"
         "        prints one line per image, 'IMAGE: best_class score  name=score ...'; a heatmap\n"
         "        model writes OUTDIR/<image name>.heatmap.png (8-bit grey, 0..1 -> 0..255; one\n"
         "        file per class, .heatmap-<class>.png, when there are several classes).\n"
         "        --raw runs N x C x H x W float32 little-endian values from a file instead and\n"
         "        writes the raw output.\n"
         "options: --threads N   worker threads (default: all cores)\n"
         "         --deterministic  bit-identical results for any thread count\n"
         "         --out DIR     folder for heatmaps (default .)\n"
         "Exit status: 0 success, 1 a model or image could not be read or run, 2 bad usage.\n");
}

static const char *kind_name(int64_t kind) {
  return kind == TV_MODEL_SCORES ? "scores" : kind == TV_MODEL_HEATMAP ? "heatmap" : "?";
}

static int load(tv_ctx *ctx, const char *path, tv_model **model) {
  if (tv_model_load(ctx, path, model) != TV_OK) {
    fprintf(stderr, "tv-model: %s: %s\n", path, tv_ctx_last_error(ctx));
    return 1;
  }
  return 0;
}

static int64_t get(tv_ctx *ctx, const tv_model *m, tv_model_key key) {
  int64_t v = 0;
  tv_model_get(ctx, m, key, &v);
  return v;
}

static int cmd_info(tv_ctx *ctx, const char *path) {
  tv_model *m = NULL;
  if (load(ctx, path, &m)) return 1;
  float mean[4], std[4];
  tv_model_normalization(ctx, m, mean, std);
  const int64_t c = get(ctx, m, TV_MODEL_INPUT_CHANNELS), h = get(ctx, m, TV_MODEL_INPUT_HEIGHT),
                w = get(ctx, m, TV_MODEL_INPUT_WIDTH);
  printf("name: %s\n", tv_model_name(m));
  printf("format_version: %lld\n", (long long)get(ctx, m, TV_MODEL_FORMAT_VERSION));
  if (h > 0)
    printf("input: %lld channels, %lldx%lld\n", (long long)c, (long long)w, (long long)h);
  else
    printf("input: %lld channels, any size\n", (long long)c);
  printf("normalisation: mean");
  for (int k = 0; k < (c < 4 ? c : 4); k++) printf(" %g", (double)mean[k]);
  printf(" std");
  for (int k = 0; k < (c < 4 ? c : 4); k++) printf(" %g", (double)std[k]);
  printf("\n");
  const int64_t kind = get(ctx, m, TV_MODEL_OUTPUT_KIND), nc = get(ctx, m, TV_MODEL_CLASSES);
  printf("output: %s", kind_name(kind));
  if (kind == TV_MODEL_HEATMAP)
    printf(", stride %lld", (long long)get(ctx, m, TV_MODEL_HEATMAP_STRIDE));
  printf("\nclasses: %lld:", (long long)nc);
  for (int32_t i = 0; i < nc; i++) printf(" %s", tv_model_class_name(m, i));
  float lo, hi;
  if (tv_model_detection_thresholds(m, &lo, &hi))
    printf("\ndetection thresholds: low %g, high %g", (double)lo, (double)hi);
  printf("\noperators: %lld\nparameters: %lld\nflops: %lld\n",
         (long long)get(ctx, m, TV_MODEL_OPERATORS), (long long)get(ctx, m, TV_MODEL_PARAMETERS),
         (long long)get(ctx, m, TV_MODEL_FLOPS));
  tv_model_free(m);
  return 0;
}

static int cmd_verify(tv_ctx *ctx, const char *path) {
  tv_model *m = NULL;
  tv_session *s = NULL;
  float *in = NULL, *out = NULL;
  int rc = 1;
  if (load(ctx, path, &m)) return 1;
  int64_t c = get(ctx, m, TV_MODEL_INPUT_CHANNELS), h = get(ctx, m, TV_MODEL_INPUT_HEIGHT),
          w = get(ctx, m, TV_MODEL_INPUT_WIDTH), shape[4];
  if (h == 0) h = w = 64;
  if (tv_session_create(ctx, m, &s) != TV_OK ||
      tv_session_output_shape(ctx, s, 1, (int32_t)h, (int32_t)w, shape) != TV_OK)
    goto fail;
  const size_t nin = (size_t)(c * h * w), nout = (size_t)(shape[1] * shape[2] * shape[3]);
  in = calloc(nin, sizeof(float));
  out = malloc(nout * sizeof(float));
  if (!in || !out) {
    fprintf(stderr, "tv-model: out of memory\n");
    goto done;
  }
  if (tv_session_run(ctx, s, in, 1, (int32_t)h, (int32_t)w, out, nout) != TV_OK) goto fail;
  size_t bad = 0;
  for (size_t i = 0; i < nout; i++) bad += !isfinite(out[i]);
  if (bad) {
    fprintf(stderr, "tv-model: %s: %zu of %zu outputs are not finite on a zero input\n", path, bad,
            nout);
    goto done;
  }
  printf("%s: OK (%lld operators, output %lldx%lldx%lldx%lld)\n", path,
         (long long)get(ctx, m, TV_MODEL_OPERATORS), (long long)shape[0], (long long)shape[1],
         (long long)shape[2], (long long)shape[3]);
  rc = 0;
  goto done;
fail:
  fprintf(stderr, "tv-model: %s: %s\n", path, tv_ctx_last_error(ctx));
done:
  free(in);
  free(out);
  tv_session_destroy(s);
  tv_model_free(m);
  return rc;
}

static float *read_floats(const char *path, size_t want) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "tv-model: cannot open %s: %s\n", path, strerror(errno));
    return NULL;
  }
  float *v = malloc(want * sizeof(float) + 1);
  size_t got = v ? fread(v, sizeof(float), want, f) : 0;
  const int extra = fgetc(f) != EOF;
  fclose(f);
  if (!v || got != want || extra) {
    fprintf(stderr, "tv-model: %s does not hold exactly %zu floats\n", path, want);
    free(v);
    return NULL;
  }
  return v;
}

static int run_raw(tv_ctx *ctx, tv_model *m, const char *raw, const char *shape_s,
                   const char *raw_out) {
  int n = 0, h = 0, w = 0, rc = 1;
  tv_session *s = NULL;
  float *in = NULL, *out = NULL;
  int64_t shape[4];
  if (!shape_s || !raw_out || sscanf(shape_s, "%d,%d,%d", &n, &h, &w) != 3) {
    fprintf(stderr, "tv-model: --raw needs --shape N,H,W and --raw-out FILE\n");
    return 2;
  }
  const int64_t c = get(ctx, m, TV_MODEL_INPUT_CHANNELS);
  if (tv_session_create(ctx, m, &s) != TV_OK ||
      tv_session_output_shape(ctx, s, n, h, w, shape) != TV_OK)
    goto fail;
  const size_t nout = (size_t)(shape[0] * shape[1] * shape[2] * shape[3]);
  in = read_floats(raw, (size_t)(n * c * h * w));
  out = malloc(nout * sizeof(float));
  if (!in || !out) goto done;
  if (tv_session_run(ctx, s, in, n, h, w, out, nout) != TV_OK) goto fail;
  FILE *f = fopen(raw_out, "wb");
  if (!f || fwrite(out, sizeof(float), nout, f) != nout) {
    fprintf(stderr, "tv-model: cannot write %s\n", raw_out);
    if (f) fclose(f);
    goto done;
  }
  if (fclose(f) != 0) goto done;
  printf("output %lld %lld %lld %lld\n", (long long)shape[0], (long long)shape[1],
         (long long)shape[2], (long long)shape[3]);
  rc = 0;
  goto done;
fail:
  fprintf(stderr, "tv-model: %s\n", tv_ctx_last_error(ctx));
done:
  free(in);
  free(out);
  tv_session_destroy(s);
  return rc;
}

/* The file name of path without folders and extension. */
static void stem(const char *path, char *buf, size_t cap) {
  const char *b = strrchr(path, '/');
  b = b ? b + 1 : path;
  snprintf(buf, cap, "%s", b);
  char *dot = strrchr(buf, '.');
  if (dot && dot != buf) *dot = '\0';
}

static int run_image(tv_ctx *ctx, const tv_model *m, tv_session *s, const char *path,
                     const char *outdir) {
  tv_image *img = NULL, *hm = NULL;
  float *out = NULL;
  int rc = 1;
  int64_t shape[4];
  if (tv_image_read(ctx, path, &img) != TV_OK ||
      tv_session_output_shape(ctx, s, 1, img->height, img->width, shape) != TV_OK)
    goto fail;
  const size_t plane = (size_t)(shape[2] * shape[3]), nout = (size_t)shape[1] * plane;
  out = malloc(nout * sizeof(float));
  if (!out) goto fail;
  const tv_image *const batch[1] = {img};
  if (tv_session_run_images(ctx, s, batch, 1, out, nout) != TV_OK) goto fail;
  if (get(ctx, m, TV_MODEL_OUTPUT_KIND) == TV_MODEL_SCORES) {
    int64_t best = 0;
    for (int64_t c = 1; c < shape[1]; c++)
      if (out[c] > out[best]) best = c;
    printf("%s: %s %.6f ", path, tv_model_class_name(m, (int32_t)best), (double)out[best]);
    for (int64_t c = 0; c < shape[1]; c++)
      printf(" %s=%.6f", tv_model_class_name(m, (int32_t)c), (double)out[c]);
    printf("\n");
  } else {
    char name[256], file[4096];
    stem(path, name, sizeof name);
    if (tv_image_create(ctx, (int32_t)shape[3], (int32_t)shape[2], 1, TV_U8, &hm) != TV_OK)
      goto fail;
    for (int64_t c = 0; c < shape[1]; c++) {
      for (int64_t y = 0; y < shape[2]; y++) {
        uint8_t *row = (uint8_t *)hm->data + y * hm->stride;
        for (int64_t x = 0; x < shape[3]; x++) {
          float v = out[(size_t)c * plane + (size_t)(y * shape[3] + x)];
          v = v > 0.0f ? (v < 1.0f ? v : 1.0f) : 0.0f; /* NaN -> 0 */
          row[x] = (uint8_t)(v * 255.0f + 0.5f);
        }
      }
      if (shape[1] == 1)
        snprintf(file, sizeof file, "%s/%s.heatmap.png", outdir, name);
      else
        snprintf(file, sizeof file, "%s/%s.heatmap-%s.png", outdir, name,
                 tv_model_class_name(m, (int32_t)c));
      if (tv_image_write(ctx, hm, file, TV_FORMAT_PNG, 6) != TV_OK) goto fail;
      printf("%s: wrote %s (%lldx%lld)\n", path, file, (long long)shape[3], (long long)shape[2]);
    }
  }
  rc = 0;
  goto done;
fail:
  fprintf(stderr, "tv-model: %s: %s\n", path, tv_ctx_last_error(ctx));
done:
  free(out);
  tv_image_destroy(hm);
  tv_image_destroy(img);
  return rc;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
    usage(stdout);
    return 0;
  }
  const char *cmd = argv[1], *outdir = ".", *raw = NULL, *shape = NULL, *raw_out = NULL;
  const char *pos[4096];
  int npos = 0, threads = 0, deterministic = 0;
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    const int more = i + 1 < argc;
    if (!strcmp(a, "--threads") && more)
      threads = atoi(argv[++i]);
    else if (!strcmp(a, "--deterministic"))
      deterministic = 1;
    else if (!strcmp(a, "--out") && more)
      outdir = argv[++i];
    else if (!strcmp(a, "--raw") && more)
      raw = argv[++i];
    else if (!strcmp(a, "--shape") && more)
      shape = argv[++i];
    else if (!strcmp(a, "--raw-out") && more)
      raw_out = argv[++i];
    else if (a[0] == '-' && a[1] == '-') {
      fprintf(stderr, "tv-model: unknown option %s\n", a);
      usage(stderr);
      return 2;
    } else if (npos < 4096)
      pos[npos++] = a;
  }
  tv_ctx *ctx = NULL;
  if (tv_ctx_create(&ctx) != TV_OK) {
    fprintf(stderr, "tv-model: cannot create a context\n");
    return 1;
  }
  int rc = 2;
  if (threads > 0 && tv_ctx_set(ctx, TV_CTX_THREADS, threads) != TV_OK) {
    fprintf(stderr, "tv-model: %s\n", tv_ctx_last_error(ctx));
    goto done;
  }
  if (deterministic) tv_ctx_set(ctx, TV_CTX_DETERMINISTIC, 1);
  if (!strcmp(cmd, "info") && npos == 1)
    rc = cmd_info(ctx, pos[0]);
  else if (!strcmp(cmd, "verify") && npos == 1)
    rc = cmd_verify(ctx, pos[0]);
  else if (!strcmp(cmd, "run") && npos >= 1 && (raw ? npos == 1 : npos >= 2)) {
    tv_model *m = NULL;
    if (load(ctx, pos[0], &m)) {
      rc = 1;
      goto done;
    }
    if (raw) {
      rc = run_raw(ctx, m, raw, shape, raw_out);
    } else {
      tv_session *s = NULL;
      rc = 0;
      if (tv_session_create(ctx, m, &s) != TV_OK) {
        fprintf(stderr, "tv-model: %s\n", tv_ctx_last_error(ctx));
        rc = 1;
      }
      for (int i = 1; s && i < npos; i++) rc |= run_image(ctx, m, s, pos[i], outdir);
      tv_session_destroy(s);
    }
    tv_model_free(m);
  } else {
    usage(stderr);
  }
done:
  tv_ctx_destroy(ctx);
  return rc;
}
