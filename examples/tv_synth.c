/* tv-synth: render a synthetic tube surface with known defects: image, mask and ground truth, e.g.
 *   tv-synth --width 2048 --height 4096 --bits 16 --seam --mask gt.png --json gt.json tube.png
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tubevision/tubevision.h"
#include "tubevision/inspect.h"

static void usage(FILE *f) {
  fprintf(
      f, "usage: tv-synth [options] OUT.png\n"
         "Renders a tube surface (rows along the axis) with defects whose masks and positions are\n"
         "known. The same options give the same pixels everywhere.\n"
         "  --width N        pixels around the circumference (default 1024)\n"
         "  --height N       pixels along the axis (default 1024)\n"
         "  --bits B         8, or 12..16 for a 16-bit PNG (default 8)\n"
         "  --seed S         random seed (default 1)\n"
         "  --defects N      number of defects, 0..255 (default 6)\n"
         "  --kinds LIST     comma list of scratch,pit,dent,inclusion,crack (default all)\n"
         "  --seam           add a weld seam along the axis\n"
         "  --marks X        drawing marks 0..1 (default 0.5)\n"
         "  --noise X        sensor noise, fraction of full scale (default 0.01)\n"
         "  --shading X      cylindrical shading depth 0..1 (default 0.6)\n"
         "  --contrast X     defect contrast factor 0..3 (default 1)\n"
         "  --margin N       defect-free border in pixels (default 16)\n"
         "  --mask FILE.png  write the mask: 0 clean, defect index + 1 on its pixels\n"
         "  --json FILE      write the ground truth as JSON (schema tubevision-synth/1)\n"
         "Exit status: 0 written, 1 error, 2 usage.\n");
}

static int parse_kinds(const char *s, double *mask) {
  int m = 0;
  char buf[256];
  snprintf(buf, sizeof buf, "%s", s);
  for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
    int found = 0;
    for (int k = 0; k < TV_SYNTH_KINDS_; k++)
      if (strcmp(tok, tv_synth_kind_name(k)) == 0) m |= 1 << k, found = 1;
    if (!found) {
      fprintf(stderr, "tv-synth: unknown defect kind '%s'\n", tok);
      return 0;
    }
  }
  *mask = m;
  return m != 0;
}

int main(int argc, char **argv) {
  static const struct {
    const char *opt;
    tv_synth_key key;
  } nums[] = {{"--width", TV_SYNTH_WIDTH},       {"--height", TV_SYNTH_HEIGHT},
              {"--bits", TV_SYNTH_BITS},         {"--seed", TV_SYNTH_SEED},
              {"--defects", TV_SYNTH_DEFECTS},   {"--marks", TV_SYNTH_MARKS},
              {"--noise", TV_SYNTH_NOISE},       {"--shading", TV_SYNTH_SHADING},
              {"--contrast", TV_SYNTH_CONTRAST}, {"--margin", TV_SYNTH_MARGIN}};
  tv_ctx *ctx = NULL;
  tv_synth *syn = NULL;
  tv_image *img = NULL, *mask = NULL;
  char *json = NULL;
  const char *out = NULL, *mask_path = NULL, *json_path = NULL;
  int rc = 1;
  if (tv_ctx_create(&ctx) != TV_OK || tv_synth_create(ctx, &syn) != TV_OK) {
    fprintf(stderr, "tv-synth: out of memory\n");
    goto done;
  }
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    int used = 0;
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      usage(stdout);
      rc = 0;
      goto done;
    }
    for (size_t k = 0; k < sizeof nums / sizeof nums[0]; k++)
      if (strcmp(a, nums[k].opt) == 0) {
        char *end = NULL;
        if (i + 1 >= argc) goto bad_usage;
        const double v = strtod(argv[++i], &end);
        if (!*argv[i] || *end) {
          fprintf(stderr, "tv-synth: %s %s is not a number\n", a, argv[i]);
          goto bad_usage;
        }
        if (tv_synth_set(ctx, syn, nums[k].key, v) != TV_OK) {
          fprintf(stderr, "tv-synth: %s %s: %s\n", a, argv[i], tv_ctx_last_error(ctx));
          goto bad_usage;
        }
        used = 1;
      }
    if (used) continue;
    if (strcmp(a, "--seam") == 0) {
      tv_synth_set(ctx, syn, TV_SYNTH_SEAM, 1);
    } else if (strcmp(a, "--kinds") == 0 && i + 1 < argc) {
      double m = 0;
      if (!parse_kinds(argv[++i], &m)) goto bad_usage;
      tv_synth_set(ctx, syn, TV_SYNTH_KINDS, m);
    } else if (strcmp(a, "--mask") == 0 && i + 1 < argc) {
      mask_path = argv[++i];
    } else if (strcmp(a, "--json") == 0 && i + 1 < argc) {
      json_path = argv[++i];
    } else if (a[0] == '-' || out) {
      fprintf(stderr, "tv-synth: unexpected argument '%s'\n", a);
      goto bad_usage;
    } else {
      out = a;
    }
  }
  if (!out) goto bad_usage;
  if (tv_synth_render(ctx, syn, &img, mask_path ? &mask : NULL) != TV_OK ||
      tv_image_write(ctx, img, out, TV_FORMAT_UNKNOWN, 0) != TV_OK ||
      (mask && tv_image_write(ctx, mask, mask_path, TV_FORMAT_UNKNOWN, 0) != TV_OK)) {
    fprintf(stderr, "tv-synth: %s\n", tv_ctx_last_error(ctx));
    goto done;
  }
  if (json_path) {
    FILE *f = NULL;
    if (tv_synth_json(ctx, syn, &json) != TV_OK) {
      fprintf(stderr, "tv-synth: %s\n", tv_ctx_last_error(ctx));
      goto done;
    }
    if (!(f = fopen(json_path, "w")) || fputs(json, f) < 0 || fputc('\n', f) < 0) {
      fprintf(stderr, "tv-synth: cannot write %s\n", json_path);
      if (f) fclose(f);
      goto done;
    }
    if (fclose(f) != 0) {
      fprintf(stderr, "tv-synth: cannot write %s\n", json_path);
      goto done;
    }
  }
  printf("%s: %dx%d, %d defects\n", out, img->width, img->height, tv_synth_defect_count(syn));
  rc = 0;
  goto done;
bad_usage:
  usage(stderr);
  rc = 2;
done:
  tv_free(json);
  tv_image_destroy(img);
  tv_image_destroy(mask);
  tv_synth_destroy(syn);
  tv_ctx_destroy(ctx);
  return rc;
}
