/* Fuzz target for the image decoders: any bytes in, a status or an image out, never a crash.
 * Build with -DTV_BUILD_FUZZERS=ON (clang, libFuzzer); replay_decode runs saved inputs in ctest.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tubevision/tubevision.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  tv_ctx *ctx = NULL;
  if (tv_ctx_create(&ctx) != TV_OK) return 0;
  tv_ctx_set(ctx, TV_CTX_MAX_PIXELS, (int64_t)1 << 22); /* the pixel cap: 4 megapixels */
  tv_ctx_set(ctx, TV_CTX_THREADS, 1);
  tv_image_info info;
  const tv_status probed = tv_image_probe(ctx, data, size, &info);
  tv_image *img = NULL;
  const tv_status st = tv_image_decode(ctx, data, size, &img);
  if (st == TV_OK) {
    /* A decoded image must agree with its header and be readable to the last byte. */
    if (probed != TV_OK || info.width != img->width || info.height != img->height ||
        info.channels != img->channels || info.type != img->type)
      __builtin_trap();
    volatile uint8_t sink = 0;
    const size_t row =
        (size_t)img->width * (size_t)img->channels * (size_t)tv_pixel_size(img->type);
    for (int32_t y = 0; y < img->height; y++) {
      const uint8_t *p = (const uint8_t *)img->data + (int64_t)y * img->stride;
      for (size_t i = 0; i < row; i++) sink ^= p[i];
    }
    (void)sink;
    void *enc = NULL;
    size_t n = 0;
    if (img->type != TV_F32 && tv_image_encode(ctx, img, TV_FORMAT_PNG, 1, &enc, &n) != TV_OK)
      __builtin_trap(); /* anything we decode we can write as PNG */
    tv_free(enc);
  } else {
    if (img != NULL || tv_ctx_last_error(ctx)[0] == '\0') __builtin_trap();
  }
  tv_image_destroy(img);
  tv_ctx_destroy(ctx);
  return 0;
}
