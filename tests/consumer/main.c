/* An outside program using the installed tubevision: decode an image made in memory.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <tubevision/tubevision.h>

int main(void) {
  if (tv_version_number() / 10000 != TV_VERSION_MAJOR) {
    fprintf(stderr, "header/library major version mismatch\n");
    return 1;
  }
  tv_ctx *ctx = NULL;
  tv_image *img = NULL, *back = NULL;
  void *png = NULL;
  size_t size = 0;
  int rc = 1;
  if (tv_ctx_create(&ctx) != TV_OK) return 1;
  if (tv_image_create(ctx, 17, 5, 1, TV_U16, &img) != TV_OK) goto done;
  ((unsigned short *)img->data)[3] = 4095;
  if (tv_image_encode(ctx, img, TV_FORMAT_PNG, 0, &png, &size) != TV_OK) goto done;
  if (tv_image_decode(ctx, png, size, &back) != TV_OK) goto done;
  if (back->width != 17 || back->type != TV_U16 || ((unsigned short *)back->data)[3] != 4095)
    goto done;
  printf("consumer: tubevision %s, PNG round trip of %zu bytes ok, cpu level %s\n",
         tv_version_string(), size, tv_isa_name(tv_cpu_isa()));
  rc = 0;
done:
  if (rc) fprintf(stderr, "consumer: %s\n", tv_ctx_last_error(ctx));
  tv_free(png);
  tv_image_destroy(back);
  tv_image_destroy(img);
  tv_ctx_destroy(ctx);
  return rc;
}
