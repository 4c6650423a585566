/* tv-filter: apply a chain of filter operations to an image, e.g.
 *   tv-filter in.png out.png shading gaussian:sigma=1.5 sobel:dx=1
 * SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tubevision/tubevision.h"

#define MAX_KEYS 8

typedef struct op_spec op_spec;
typedef struct params {
  const op_spec *spec;
  char *values[MAX_KEYS]; /* as given, or NULL for the default */
} params;

typedef int (*op_fn)(tv_ctx *ctx, const params *p, tv_image **img);

struct op_spec {
  const char *name;
  const char *help;
  const char *keys[MAX_KEYS];     /* key names */
  const char *defaults[MAX_KEYS]; /* default values ("" = required) */
  op_fn fn;
};

static const char *value(const params *p, const char *key) {
  for (int i = 0; i < MAX_KEYS && p->spec->keys[i]; i++)
    if (strcmp(p->spec->keys[i], key) == 0)
      return p->values[i] ? p->values[i] : p->spec->defaults[i];
  return "";
}

static int number(const params *p, const char *key, double *out) {
  const char *s = value(p, key);
  char *end = NULL;
  *out = strtod(s, &end);
  if (!*s || !end || *end) {
    fprintf(stderr, "tv-filter: %s: %s=%s is not a number\n", p->spec->name, key, s);
    return 0;
  }
  return 1;
}

static int integer(const params *p, const char *key, int32_t *out) {
  double d;
  if (!number(p, key, &d)) return 0;
  if (d != floor(d) || d < -2147483647.0 || d > 2147483647.0) {
    fprintf(stderr, "tv-filter: %s: %s=%g must be a whole number\n", p->spec->name, key, d);
    return 0;
  }
  *out = (int32_t)d;
  return 1;
}

static int failed(tv_ctx *ctx, const params *p, tv_status st) {
  if (st == TV_OK) return 0;
  fprintf(stderr, "tv-filter: %s: %s\n", p->spec->name, tv_ctx_last_error(ctx));
  return 1;
}

static int pixel_type(const char *s, tv_pixel_type *t) {
  static const struct {
    const char *n;
    tv_pixel_type t;
  } names[] = {{"u8", TV_U8}, {"u16", TV_U16}, {"f32", TV_F32}, {"s16", TV_S16}};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcmp(s, names[i].n) == 0) {
      *t = names[i].t;
      return 1;
    }
  fprintf(stderr, "tv-filter: unknown pixel type '%s' (u8, u16, s16, f32)\n", s);
  return 0;
}

static int border_mode(const params *p, tv_border *b) {
  const char *s = value(p, "border");
  if (strcmp(s, "replicate") == 0)
    *b = TV_BORDER_REPLICATE;
  else if (strcmp(s, "reflect101") == 0)
    *b = TV_BORDER_REFLECT101;
  else if (strcmp(s, "constant") == 0)
    *b = TV_BORDER_CONSTANT;
  else {
    fprintf(stderr, "tv-filter: %s: unknown border '%s' (replicate, reflect101, constant)\n",
            p->spec->name, s);
    return 0;
  }
  return 1;
}

/* A new image like *img with another type and channel count (0 = same). */
static int make(tv_ctx *ctx, const params *p, const tv_image *like, tv_pixel_type type,
                int32_t channels, int32_t w, int32_t h, tv_image **out) {
  return failed(ctx, p,
                tv_image_create(ctx, w ? w : like->width, h ? h : like->height,
                                channels ? channels : like->channels, type, out));
}

/* Replaces *img by next when st is TV_OK, else destroys next; returns nonzero on failure. */
static int swap(tv_ctx *ctx, const params *p, tv_image **img, tv_image *next, tv_status st) {
  if (failed(ctx, p, st)) {
    tv_image_destroy(next);
    return 1;
  }
  tv_image_destroy(*img);
  *img = next;
  return 0;
}

static int op_grey(tv_ctx *ctx, const params *p, tv_image **img) {
  if ((*img)->channels == 1) return 0;
  tv_image *out = NULL;
  if (make(ctx, p, *img, (tv_pixel_type)(*img)->type, 1, 0, 0, &out)) return 1;
  return swap(ctx, p, img, out, tv_image_to_grey(ctx, *img, out));
}

static int op_convert(tv_ctx *ctx, const params *p, tv_image **img) {
  tv_pixel_type t;
  double scale, offset;
  if (!pixel_type(value(p, "type"), &t) || !number(p, "scale", &scale) ||
      !number(p, "offset", &offset))
    return 1;
  tv_image *out = NULL;
  if (make(ctx, p, *img, t, 0, 0, 0, &out)) return 1;
  return swap(ctx, p, img, out, tv_image_convert(ctx, *img, out, scale, offset));
}

static int op_gaussian(tv_ctx *ctx, const params *p, tv_image **img) {
  double sigma, bv;
  int32_t k;
  tv_border b;
  if (!number(p, "sigma", &sigma) || !integer(p, "ksize", &k) || !border_mode(p, &b) ||
      !number(p, "value", &bv))
    return 1;
  tv_image *out = NULL;
  if (make(ctx, p, *img, (tv_pixel_type)(*img)->type, 0, 0, 0, &out)) return 1;
  return swap(ctx, p, img, out, tv_gaussian(ctx, *img, out, sigma, 0, k, k, b, bv));
}

static int op_box(tv_ctx *ctx, const params *p, tv_image **img) {
  int32_t k;
  double bv;
  tv_border b;
  if (!integer(p, "size", &k) || !border_mode(p, &b) || !number(p, "value", &bv)) return 1;
  tv_image *out = NULL;
  if (make(ctx, p, *img, (tv_pixel_type)(*img)->type, 0, 0, 0, &out)) return 1;
  return swap(ctx, p, img, out, tv_box(ctx, *img, out, k, k, 1, b, bv));
}

static int deriv_out(tv_ctx *ctx, const params *p, const tv_image *img, tv_image **out) {
  tv_pixel_type t;
  if (!pixel_type(value(p, "type"), &t)) return 1;
  return make(ctx, p, img, t, 1, 0, 0, out);
}

static int op_sobel(tv_ctx *ctx, const params *p, tv_image **img) {
  int32_t dx, dy, k;
  double scale, delta;
  tv_border b;
  if (!integer(p, "dx", &dx) || !integer(p, "dy", &dy) || !integer(p, "ksize", &k) ||
      !number(p, "scale", &scale) || !number(p, "delta", &delta) || !border_mode(p, &b))
    return 1;
  tv_image *out = NULL;
  if (deriv_out(ctx, p, *img, &out)) return 1;
  return swap(ctx, p, img, out, tv_sobel(ctx, *img, out, dx, dy, k, scale, delta, b, 0));
}

static int op_scharr(tv_ctx *ctx, const params *p, tv_image **img) {
  int32_t dx, dy;
  double scale, delta;
  tv_border b;
  if (!integer(p, "dx", &dx) || !integer(p, "dy", &dy) || !number(p, "scale", &scale) ||
      !number(p, "delta", &delta) || !border_mode(p, &b))
    return 1;
  tv_image *out = NULL;
  if (deriv_out(ctx, p, *img, &out)) return 1;
  return swap(ctx, p, img, out, tv_scharr(ctx, *img, out, dx, dy, scale, delta, b, 0));
}

static int op_laplacian(tv_ctx *ctx, const params *p, tv_image **img) {
  int32_t k;
  double scale, delta;
  tv_border b;
  if (!integer(p, "ksize", &k) || !number(p, "scale", &scale) || !number(p, "delta", &delta) ||
      !border_mode(p, &b))
    return 1;
  tv_image *out = NULL;
  if (deriv_out(ctx, p, *img, &out)) return 1;
  return swap(ctx, p, img, out, tv_laplacian(ctx, *img, out, k, scale, delta, b, 0));
}

static int op_gradient(tv_ctx *ctx, const params *p, tv_image **img) {
  int32_t scharr;
  tv_border b;
  if (!integer(p, "scharr", &scharr) || !border_mode(p, &b)) return 1;
  tv_image *out = NULL;
  if (deriv_out(ctx, p, *img, &out)) return 1;
  return swap(ctx, p, img, out, tv_gradient_magnitude(ctx, *img, out, scharr, b, 0));
}

static int morph(tv_ctx *ctx, const params *p, tv_image **img, tv_morph_op op) {
  int32_t w, h;
  if (!integer(p, "w", &w) || !integer(p, "h", &h)) return 1;
  tv_image *out = NULL;
  if (make(ctx, p, *img, (tv_pixel_type)(*img)->type, 0, 0, 0, &out)) return 1;
  return swap(ctx, p, img, out,
              tv_morphology(ctx, *img, out, op, w, h, TV_BORDER_CONSTANT, (double)NAN));
}
static int op_erode(tv_ctx *c, const params *p, tv_image **i) {
  return morph(c, p, i, TV_MORPH_ERODE);
}
static int op_dilate(tv_ctx *c, const params *p, tv_image **i) {
  return morph(c, p, i, TV_MORPH_DILATE);
}
static int op_open(tv_ctx *c, const params *p, tv_image **i) {
  return morph(c, p, i, TV_MORPH_OPEN);
}
static int op_close(tv_ctx *c, const params *p, tv_image **i) {
  return morph(c, p, i, TV_MORPH_CLOSE);
}
static int op_tophat(tv_ctx *c, const params *p, tv_image **i) {
  return morph(c, p, i, TV_MORPH_TOPHAT);
}
static int op_blackhat(tv_ctx *c, const params *p, tv_image **i) {
  return morph(c, p, i, TV_MORPH_BLACKHAT);
}

static int op_median(tv_ctx *ctx, const params *p, tv_image **img) {
  int32_t k;
  if (!integer(p, "ksize", &k)) return 1;
  tv_image *out = NULL;
  if (make(ctx, p, *img, (tv_pixel_type)(*img)->type, 0, 0, 0, &out)) return 1;
  return swap(ctx, p, img, out, tv_median(ctx, *img, out, k));
}

static int thresh_kind(const params *p, tv_threshold_kind *k) {
  static const char *names[] = {"binary", "binary_inv", "trunc", "tozero", "tozero_inv"};
  const char *s = value(p, "kind");
  for (int i = 0; i < 5; i++)
    if (strcmp(s, names[i]) == 0) {
      *k = (tv_threshold_kind)i;
      return 1;
    }
  fprintf(stderr, "tv-filter: %s: unknown kind '%s'\n", p->spec->name, s);
  return 0;
}

/* maxval defaults to the type's maximum. */
static double type_max(const tv_image *img) { return img->type == TV_U16 ? 65535.0 : 255.0; }

static int op_threshold(tv_ctx *ctx, const params *p, tv_image **img) {
  double t, m;
  tv_threshold_kind k;
  if (!number(p, "t", &t) || !thresh_kind(p, &k)) return 1;
  if (*value(p, "max") == '\0')
    m = type_max(*img);
  else if (!number(p, "max", &m))
    return 1;
  tv_image *out = NULL;
  if (make(ctx, p, *img, (tv_pixel_type)(*img)->type, 0, 0, 0, &out)) return 1;
  return swap(ctx, p, img, out, tv_threshold(ctx, *img, out, t, m, k));
}

static int op_otsu(tv_ctx *ctx, const params *p, tv_image **img) {
  tv_threshold_kind k;
  if (!thresh_kind(p, &k)) return 1;
  tv_image *out = NULL;
  double t = 0;
  if (make(ctx, p, *img, (tv_pixel_type)(*img)->type, 0, 0, 0, &out)) return 1;
  if (swap(ctx, p, img, out, tv_threshold_otsu(ctx, *img, out, type_max(*img), k, &t))) return 1;
  fprintf(stderr, "tv-filter: otsu: threshold %g\n", t);
  return 0;
}

static int op_adaptive(tv_ctx *ctx, const params *p, tv_image **img) {
  int32_t block;
  double c;
  tv_threshold_kind k;
  if (!integer(p, "block", &block) || !number(p, "c", &c) || !thresh_kind(p, &k)) return 1;
  tv_image *out = NULL;
  if (make(ctx, p, *img, (tv_pixel_type)(*img)->type, 0, 0, 0, &out)) return 1;
  return swap(ctx, p, img, out, tv_adaptive_threshold(ctx, *img, out, type_max(*img), k, block, c));
}

static int op_hysteresis(tv_ctx *ctx, const params *p, tv_image **img) {
  double lo, hi;
  int32_t conn;
  if (!number(p, "low", &lo) || !number(p, "high", &hi) || !integer(p, "connectivity", &conn))
    return 1;
  tv_image *out = NULL;
  if (make(ctx, p, *img, TV_U8, 1, 0, 0, &out)) return 1;
  return swap(ctx, p, img, out, tv_hysteresis(ctx, *img, out, lo, hi, conn));
}

static int op_shading(tv_ctx *ctx, const params *p, tv_image **img) {
  static const char *methods[] = {"column", "row", "gaussian"};
  const char *m = value(p, "method");
  int method = -1;
  for (int i = 0; i < 3; i++)
    if (strcmp(m, methods[i]) == 0) method = i;
  double param, target;
  if (method < 0) {
    fprintf(stderr, "tv-filter: shading: unknown method '%s' (column, row, gaussian)\n", m);
    return 1;
  }
  if (!number(p, "param", &param) || !number(p, "target", &target)) return 1;
  tv_image *out = NULL;
  if (make(ctx, p, *img, (tv_pixel_type)(*img)->type, 0, 0, 0, &out)) return 1;
  return swap(ctx, p, img, out,
              tv_shading_correct(ctx, *img, out, (tv_shading_method)method, param, target));
}

static int op_flatfield(tv_ctx *ctx, const params *p, tv_image **img) {
  tv_image *dark = NULL, *white = NULL, *out = NULL;
  tv_flatfield *ff = NULL;
  int rc = 1;
  double target;
  if (!number(p, "target", &target)) return 1;
  if (failed(ctx, p, tv_image_read(ctx, value(p, "dark"), &dark)) ||
      failed(ctx, p, tv_image_read(ctx, value(p, "white"), &white)) ||
      failed(ctx, p, tv_flatfield_create(ctx, dark, white, target, &ff)) ||
      make(ctx, p, *img, (tv_pixel_type)(*img)->type, 0, 0, 0, &out))
    goto done;
  rc = swap(ctx, p, img, out, tv_flatfield_apply(ctx, ff, *img, out));
  out = NULL;
done:
  tv_image_destroy(out);
  tv_flatfield_destroy(ff);
  tv_image_destroy(dark);
  tv_image_destroy(white);
  return rc;
}

static int op_resize(tv_ctx *ctx, const params *p, tv_image **img) {
  int32_t fx, fy;
  if (!integer(p, "fx", &fx) || !integer(p, "fy", &fy)) return 1;
  if (fy == 0) fy = fx;
  if (fx < 1 || fy < 1 || (*img)->width / fx < 1 || (*img)->height / fy < 1) {
    fprintf(stderr, "tv-filter: resize: factors %dx%d do not fit a %dx%d image\n", fx, fy,
            (*img)->width, (*img)->height);
    return 1;
  }
  tv_image *out = NULL;
  if (make(ctx, p, *img, (tv_pixel_type)(*img)->type, 0, (*img)->width / fx, (*img)->height / fy,
           &out))
    return 1;
  return swap(ctx, p, img, out, tv_resize_area(ctx, *img, out, fx, fy));
}

static int op_scale(tv_ctx *ctx, const params *p, tv_image **img) {
  int32_t w, h;
  if (!integer(p, "w", &w) || !integer(p, "h", &h)) return 1;
  tv_image *out = NULL;
  if (make(ctx, p, *img, (tv_pixel_type)(*img)->type, 0, w, h, &out)) return 1;
  return swap(ctx, p, img, out, tv_resize_bilinear(ctx, *img, out));
}

static int op_absdiff(tv_ctx *ctx, const params *p, tv_image **img) {
  tv_image *other = NULL, *out = NULL;
  if (failed(ctx, p, tv_image_read(ctx, value(p, "with"), &other))) return 1;
  int rc = make(ctx, p, *img, (tv_pixel_type)(*img)->type, 0, 0, 0, &out);
  if (!rc) {
    rc = swap(ctx, p, img, out, tv_absdiff(ctx, *img, other, out));
  }
  tv_image_destroy(other);
  return rc;
}

static int op_components(tv_ctx *ctx, const params *p, tv_image **img) {
  int32_t conn, count = 0;
  if (!integer(p, "connectivity", &conn)) return 1;
  tv_status st = tv_components(ctx, *img, NULL, conn, NULL, NULL, 0, &count);
  if (st != TV_OK && st != TV_ERR_SIZE) return failed(ctx, p, st);
  tv_component *stats = calloc((size_t)(count > 0 ? count : 1), sizeof *stats);
  tv_image *labels = NULL;
  int rc = 1;
  if (!stats || make(ctx, p, *img, TV_S32, 1, 0, 0, &labels)) goto done;
  if (failed(ctx, p, tv_components(ctx, *img, NULL, conn, labels, stats, count, &count))) goto done;
  printf("components: %d\n", count);
  for (int32_t i = 0; i < count; i++)
    printf("  %d: area=%lld box=%d,%d %dx%d centroid=%.1f,%.1f\n", stats[i].label,
           (long long)stats[i].area, stats[i].x, stats[i].y, stats[i].width, stats[i].height,
           stats[i].cx, stats[i].cy);
  /* Passes the labels on as a mask: background 0, components 255. */
  tv_image *mask = NULL;
  if (make(ctx, p, *img, TV_U8, 1, 0, 0, &mask)) goto done;
  rc = swap(ctx, p, img, mask, tv_threshold(ctx, labels, mask, 0, 255, TV_THRESH_BINARY));
  if (rc) {
    /* s32 thresholds may not be supported: fall back to a conversion. */
    tv_image *m2 = NULL;
    if (!make(ctx, p, *img, TV_U8, 1, 0, 0, &m2))
      rc = swap(ctx, p, img, m2, tv_image_convert(ctx, labels, m2, 255.0, 0.0));
  }
done:
  tv_image_destroy(labels);
  free(stats);
  return rc;
}

static const op_spec ops[] = {
    {"grey", "RGB(A) to grey (BT.601)", {NULL}, {NULL}, op_grey},
    {"convert",
     "convert pixel type: saturate(round(x * scale + offset))",
     {"type", "scale", "offset"},
     {"u8", "1", "0"},
     op_convert},
    {"flatfield",
     "(raw - dark) * gain from dark and white reference images",
     {"dark", "white", "target"},
     {"", "", "0"},
     op_flatfield},
    {"shading",
     "divide by a background estimated from the image (column|row|gaussian)",
     {"method", "param", "target"},
     {"column", "0", "0"},
     op_shading},
    {"gaussian",
     "Gaussian blur (ksize 0: from sigma)",
     {"sigma", "ksize", "border", "value"},
     {"1", "0", "reflect101", "0"},
     op_gaussian},
    {"box", "box (mean) filter", {"size", "border", "value"}, {"5", "reflect101", "0"}, op_box},
    {"sobel",
     "Sobel derivative",
     {"dx", "dy", "ksize", "scale", "delta", "type", "border"},
     {"1", "0", "3", "1", "0", "f32", "reflect101"},
     op_sobel},
    {"scharr",
     "Scharr derivative",
     {"dx", "dy", "scale", "delta", "type", "border"},
     {"1", "0", "1", "0", "f32", "reflect101"},
     op_scharr},
    {"laplacian",
     "Laplacian",
     {"ksize", "scale", "delta", "type", "border"},
     {"1", "1", "0", "f32", "reflect101"},
     op_laplacian},
    {"gradient",
     "gradient magnitude of the 3x3 Sobel (scharr=1: Scharr)",
     {"scharr", "type", "border"},
     {"0", "f32", "reflect101"},
     op_gradient},
    {"erode", "erosion with a w x h rectangle", {"w", "h"}, {"3", "3"}, op_erode},
    {"dilate", "dilation with a w x h rectangle", {"w", "h"}, {"3", "3"}, op_dilate},
    {"open", "opening (erode then dilate)", {"w", "h"}, {"3", "3"}, op_open},
    {"close", "closing (dilate then erode)", {"w", "h"}, {"3", "3"}, op_close},
    {"tophat", "src - open(src)", {"w", "h"}, {"15", "15"}, op_tophat},
    {"blackhat", "close(src) - src", {"w", "h"}, {"15", "15"}, op_blackhat},
    {"median", "median filter", {"ksize"}, {"3"}, op_median},
    {"threshold",
     "fixed threshold (max: the type's maximum)",
     {"t", "max", "kind"},
     {"", "", "binary"},
     op_threshold},
    {"otsu", "Otsu's threshold", {"kind"}, {"binary"}, op_otsu},
    {"adaptive",
     "threshold against the local mean minus c",
     {"block", "c", "kind"},
     {"15", "5", "binary"},
     op_adaptive},
    {"hysteresis",
     "hysteresis threshold to a 0/255 mask",
     {"low", "high", "connectivity"},
     {"", "", "8"},
     op_hysteresis},
    {"resize", "area downscale by integer factors (fy 0: fx)", {"fx", "fy"}, {"2", "0"}, op_resize},
    {"scale", "bilinear resize to w x h", {"w", "h"}, {"", ""}, op_scale},
    {"absdiff", "absolute difference with another image", {"with"}, {""}, op_absdiff},
    {"components",
     "connected components: prints their statistics, passes a 0/255 mask on",
     {"connectivity"},
     {"8"},
     op_components},
};
enum { NOPS = sizeof ops / sizeof ops[0] };

static void list_ops(void) {
  for (int i = 0; i < NOPS; i++) {
    printf("%-11s %s\n", ops[i].name, ops[i].help);
    if (ops[i].keys[0]) {
      printf("%-11s", "");
      for (int k = 0; k < MAX_KEYS && ops[i].keys[k]; k++)
        printf(" %s=%s", ops[i].keys[k], *ops[i].defaults[k] ? ops[i].defaults[k] : "(required)");
      printf("\n");
    }
  }
}

/* Parses "name:key=value,key=value" into p (pointing into arg, which is modified). */
static int parse(char *arg, params *p) {
  char *colon = strchr(arg, ':');
  if (colon) *colon = '\0';
  p->spec = NULL;
  for (int i = 0; i < NOPS; i++)
    if (strcmp(ops[i].name, arg) == 0) p->spec = &ops[i];
  if (!p->spec) {
    fprintf(stderr, "tv-filter: unknown operation '%s' (tv-filter --list)\n", arg);
    return 0;
  }
  memset(p->values, 0, sizeof p->values);
  for (char *kv = colon ? strtok(colon + 1, ",") : NULL; kv; kv = strtok(NULL, ",")) {
    char *eq = strchr(kv, '=');
    if (!eq) {
      fprintf(stderr, "tv-filter: %s: '%s' is not key=value\n", arg, kv);
      return 0;
    }
    *eq = '\0';
    int k = 0;
    while (k < MAX_KEYS && p->spec->keys[k] && strcmp(p->spec->keys[k], kv) != 0) k++;
    if (k == MAX_KEYS || !p->spec->keys[k]) {
      fprintf(stderr, "tv-filter: %s has no key '%s'\n", arg, kv);
      return 0;
    }
    p->values[k] = eq + 1;
  }
  for (int k = 0; k < MAX_KEYS && p->spec->keys[k]; k++)
    if (!p->values[k] && strcmp(p->spec->defaults[k], "") == 0 &&
        strcmp(p->spec->keys[k], "max") != 0) {
      fprintf(stderr, "tv-filter: %s needs %s=...\n", arg, p->spec->keys[k]);
      return 0;
    }
  return 1;
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "--list") == 0) {
    list_ops();
    return 0;
  }
  if (argc == 2 && strcmp(argv[1], "--help") == 0) {
    printf("usage: tv-filter IN OUT OP[:key=value,...] [OP...]\n       tv-filter --list\n"
           "Applies the operations in order. An s16 or f32 result is written as u16 (rounded,\n"
           "saturated); add convert:type=u8,scale=... to choose. Exit status: 0 success,\n"
           "1 an operation or file failed, 2 bad usage.\n");
    return 0;
  }
  if (argc < 4) {
    fprintf(stderr,
            "usage: tv-filter IN OUT OP[:key=value,...] [OP...]   (--list for the operations)\n");
    return 2;
  }
  params *chain = calloc((size_t)argc, sizeof *chain);
  if (!chain) return 1;
  for (int i = 3; i < argc; i++)
    if (!parse(argv[i], &chain[i - 3])) {
      free(chain);
      return 2;
    }
  tv_ctx *ctx = NULL;
  tv_image *img = NULL;
  int rc = 1;
  if (tv_ctx_create(&ctx) != TV_OK) goto done;
  if (tv_image_read(ctx, argv[1], &img) != TV_OK) {
    fprintf(stderr, "tv-filter: %s: %s\n", argv[1], tv_ctx_last_error(ctx));
    goto done;
  }
  for (int i = 0; i < argc - 3; i++)
    if (chain[i].spec->fn(ctx, &chain[i], &img)) goto done;
  if (img->type != TV_U8 && img->type != TV_U16) {
    const params conv = {&ops[1], {NULL}};
    tv_image *out = NULL;
    if (make(ctx, &conv, img, TV_U16, 0, 0, 0, &out) ||
        swap(ctx, &conv, &img, out, tv_image_convert(ctx, img, out, 1.0, 0.0)))
      goto done;
  }
  if (tv_image_write(ctx, img, argv[2], TV_FORMAT_UNKNOWN, 0) != TV_OK) {
    fprintf(stderr, "tv-filter: %s: %s\n", argv[2], tv_ctx_last_error(ctx));
    goto done;
  }
  rc = 0;
done:
  tv_image_destroy(img);
  tv_ctx_destroy(ctx);
  free(chain);
  return rc;
}
