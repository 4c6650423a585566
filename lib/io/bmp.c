/* placeholder until the bmp codec lands */
#include "codec.h"
tv_status tvi_bmp_load(tv_ctx *ctx, const char *func, const uint8_t *data, size_t size,
                       tv_image_info *info, tv_image **out) {
  (void)data;
  (void)size;
  (void)info;
  (void)out;
  return tvi_fail(ctx, TV_ERR_UNSUPPORTED, func, "bmp not built");
}
