/* Status names, version, error recording and allocation helpers.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

const char *tv_status_str(tv_status status) {
  switch (status) {
  case TV_OK: return "TV_OK";
  case TV_ERR_NULL: return "TV_ERR_NULL";
  case TV_ERR_ARG: return "TV_ERR_ARG";
  case TV_ERR_NOMEM: return "TV_ERR_NOMEM";
  case TV_ERR_TOO_LARGE: return "TV_ERR_TOO_LARGE";
  case TV_ERR_IO: return "TV_ERR_IO";
  case TV_ERR_FORMAT: return "TV_ERR_FORMAT";
  case TV_ERR_CORRUPT: return "TV_ERR_CORRUPT";
  case TV_ERR_UNSUPPORTED: return "TV_ERR_UNSUPPORTED";
  case TV_ERR_SIZE: return "TV_ERR_SIZE";
  case TV_ERR_TYPE: return "TV_ERR_TYPE";
  case TV_ERR_THREAD: return "TV_ERR_THREAD";
  case TV_ERR_INTERNAL: return "TV_ERR_INTERNAL";
  }
  return "TV_ERR_UNKNOWN";
}

int32_t tv_version_number(void) { return TV_VERSION_NUMBER; }

#define TVI_STR2(x) #x
#define TVI_STR(x) TVI_STR2(x)
const char *tv_version_string(void) {
  return TVI_STR(TV_VERSION_MAJOR) "." TVI_STR(TV_VERSION_MINOR) "." TVI_STR(TV_VERSION_PATCH);
}

tv_status tvi_fail(tv_ctx *ctx, tv_status status, const char *func, const char *fmt, ...) {
  if (!ctx) return status;
  int n = snprintf(ctx->last_error, sizeof ctx->last_error, "%s: ", func ? func : "tubevision");
  if (n < 0) n = 0;
  if ((size_t)n < sizeof ctx->last_error) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->last_error + n, sizeof ctx->last_error - (size_t)n, fmt, ap);
    va_end(ap);
  }
  ctx->last_status = status;
  return status;
}

void tv_free(void *ptr) { free(ptr); }

void *tvi_aligned_alloc(size_t size) {
  if (size > SIZE_MAX - TVI_ALIGN) return NULL;
  void *p = NULL;
  if (posix_memalign(&p, TVI_ALIGN, size ? size : 1) != 0) return NULL;
  return p;
}

void tvi_aligned_free(void *p) { free(p); }

int tvi_mul_size(size_t a, size_t b, size_t *out) {
  if (a != 0 && b > SIZE_MAX / a) return -1;
  *out = a * b;
  return 0;
}
