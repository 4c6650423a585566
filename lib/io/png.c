/* placeholder until the png codec lands */
#include "codec.h"
tv_status tvi_png_load(tv_ctx *ctx, const char *func, const uint8_t *data, size_t size,
                       tv_image_info *info, tv_image **out) {
  (void)data;
  (void)size;
  (void)info;
  (void)out;
  return tvi_fail(ctx, TV_ERR_UNSUPPORTED, func, "png not built");
}
tv_status tvi_png_save(tv_ctx *ctx, const char *func, const tv_image *img, int32_t quality,
                       void **out_data, size_t *out_size) {
  (void)img;
  (void)quality;
  (void)out_data;
  (void)out_size;
  return tvi_fail(ctx, TV_ERR_UNSUPPORTED, func, "png not built");
}
