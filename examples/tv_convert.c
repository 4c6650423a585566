/* tv-convert: convert images between PNG, JPEG, PGM/PPM and BMP, or print what a file holds.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tubevision/tubevision.h"

static const char *type_name(int32_t type) {
  switch (type) {
  case TV_U8: return "u8";
  case TV_U16: return "u16";
  case TV_F32: return "f32";
  default: return "?";
  }
}

static void usage(FILE *f) {
  fprintf(f, "usage: tv-convert [--quality N] [--grey] IN OUT\n"
             "       tv-convert --info FILE...\n"
             "Converts between PNG, JPEG, PGM/PPM (P2 P3 P5 P6) and BMP (read only). The input\n"
             "format is found from the content, the output format from OUT's extension (.png,\n"
             ".jpg/.jpeg, .pgm/.ppm/.pnm). 16-bit samples stay 16-bit where the output format\n"
             "holds them (PNG, PNM); JPEG gets them scaled to 8 bits, and loses alpha.\n"
             "  --quality N  JPEG quality 1..100 (default 90) or PNG zlib level 1..9 (default 6)\n"
             "  --grey       convert colour to grey (BT.601) before writing\n"
             "  --info       print width, height, channels, pixel type, format and bit depth\n"
             "Exit status: 0 success, 1 a file could not be read or written, 2 bad usage.\n");
}

static int ends_with(const char *s, const char *suffix) {
  const size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static int print_info(tv_ctx *ctx, const char *path) {
  tv_image_info info;
  if (tv_image_read_info(ctx, path, &info) != TV_OK) {
    fprintf(stderr, "tv-convert: %s: %s\n", path, tv_ctx_last_error(ctx));
    return 1;
  }
  printf("%s: width=%d height=%d channels=%d type=%s format=%s bit_depth=%d\n", path, info.width,
         info.height, info.channels, type_name(info.type), tv_format_name((tv_format)info.format),
         info.bit_depth);
  return 0;
}

/* Replaces *img with a new image made by fn; returns 0 or prints the error. */
static int replace(tv_ctx *ctx, tv_image **img, tv_image *next, tv_status st, const char *what) {
  if (st != TV_OK) {
    fprintf(stderr, "tv-convert: %s: %s\n", what, tv_ctx_last_error(ctx));
    tv_image_destroy(next);
    return 1;
  }
  tv_image_destroy(*img);
  *img = next;
  return 0;
}

/* Drops the alpha channel of a 4-channel image. */
static int drop_alpha(tv_ctx *ctx, tv_image **img) {
  const tv_image *src = *img;
  tv_image *rgb = NULL;
  tv_status st = tv_image_create(ctx, src->width, src->height, 3, (tv_pixel_type)src->type, &rgb);
  if (st == TV_OK) {
    const size_t es = (size_t)tv_pixel_size((tv_pixel_type)src->type);
    for (int32_t y = 0; y < src->height; y++) {
      const unsigned char *s = (const unsigned char *)src->data + (int64_t)y * src->stride;
      unsigned char *d = (unsigned char *)rgb->data + (int64_t)y * rgb->stride;
      for (int32_t x = 0; x < src->width; x++) memcpy(d + 3 * es * x, s + 4 * es * x, 3 * es);
    }
  }
  return replace(ctx, img, rgb, st, "dropping alpha");
}

/* Repeats the one channel of a grey image three times (for a .ppm name). */
static int grey_to_rgb(tv_ctx *ctx, tv_image **img) {
  const tv_image *src = *img;
  tv_image *rgb = NULL;
  tv_status st = tv_image_create(ctx, src->width, src->height, 3, (tv_pixel_type)src->type, &rgb);
  if (st == TV_OK) {
    const size_t es = (size_t)tv_pixel_size((tv_pixel_type)src->type);
    for (int32_t y = 0; y < src->height; y++) {
      const unsigned char *s = (const unsigned char *)src->data + (int64_t)y * src->stride;
      unsigned char *d = (unsigned char *)rgb->data + (int64_t)y * rgb->stride;
      for (int32_t x = 0; x < src->width; x++)
        for (int c = 0; c < 3; c++) memcpy(d + (3 * x + c) * es, s + x * es, es);
    }
  }
  return replace(ctx, img, rgb, st, "expanding grey to RGB");
}

static int convert(tv_ctx *ctx, const char *in, const char *out, int quality, int grey) {
  tv_image *img = NULL;
  if (tv_image_read(ctx, in, &img) != TV_OK) {
    fprintf(stderr, "tv-convert: %s: %s\n", in, tv_ctx_last_error(ctx));
    return 1;
  }
  int rc = 0;
  const int to_jpeg = ends_with(out, ".jpg") || ends_with(out, ".jpeg");
  const int to_pnm = ends_with(out, ".pgm") || ends_with(out, ".ppm") || ends_with(out, ".pnm");
  if (img->channels == 4 && (to_jpeg || to_pnm || grey)) rc = drop_alpha(ctx, &img);
  if (!rc && (grey || (ends_with(out, ".pgm") && img->channels == 3))) {
    tv_image *g = NULL;
    tv_status st = tv_image_create(ctx, img->width, img->height, 1, (tv_pixel_type)img->type, &g);
    if (st == TV_OK) st = tv_image_to_grey(ctx, img, g);
    rc = replace(ctx, &img, g, st, "converting to grey");
  }
  if (!rc && ends_with(out, ".ppm") && img->channels == 1) rc = grey_to_rgb(ctx, &img);
  if (!rc && to_jpeg && img->type != TV_U8) {
    tv_image *u8 = NULL;
    tv_status st = tv_image_create(ctx, img->width, img->height, img->channels, TV_U8, &u8);
    if (st == TV_OK)
      st = tv_image_convert(ctx, img, u8, img->type == TV_U16 ? 1.0 / 257.0 : 1.0, 0);
    rc = replace(ctx, &img, u8, st, "converting to 8 bits");
  }
  if (!rc && tv_image_write(ctx, img, out, TV_FORMAT_UNKNOWN, quality) != TV_OK) {
    fprintf(stderr, "tv-convert: %s: %s\n", out, tv_ctx_last_error(ctx));
    rc = 1;
  }
  tv_image_destroy(img);
  return rc;
}

int main(int argc, char **argv) {
  int info = 0, grey = 0, quality = 0, i = 1;
  for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
    if (strcmp(argv[i], "--info") == 0) {
      info = 1;
    } else if (strcmp(argv[i], "--grey") == 0) {
      grey = 1;
    } else if (strcmp(argv[i], "--quality") == 0 && i + 1 < argc) {
      char *end = NULL;
      const long q = strtol(argv[++i], &end, 10);
      if (!end || *end || q < 1 || q > 100) {
        fprintf(stderr, "tv-convert: --quality takes 1..100, got '%s'\n", argv[i]);
        return 2;
      }
      quality = (int)q;
    } else if (strcmp(argv[i], "--help") == 0) {
      usage(stdout);
      return 0;
    } else if (strcmp(argv[i], "--version") == 0) {
      printf("tv-convert (tubevision) %s\n", tv_version_string());
      return 0;
    } else if (strcmp(argv[i], "--") == 0) {
      i++;
      break;
    } else {
      fprintf(stderr, "tv-convert: unknown option '%s'\n", argv[i]);
      usage(stderr);
      return 2;
    }
  }
  if (info ? i >= argc : argc - i != 2) {
    usage(stderr);
    return 2;
  }
  tv_ctx *ctx = NULL;
  if (tv_ctx_create(&ctx) != TV_OK) {
    fprintf(stderr, "tv-convert: cannot create a context (out of memory)\n");
    return 1;
  }
  int rc = 0;
  if (info) {
    for (; i < argc; i++) rc |= print_info(ctx, argv[i]);
  } else {
    rc = convert(ctx, argv[i], argv[i + 1], quality, grey);
  }
  tv_ctx_destroy(ctx);
  return rc;
}
