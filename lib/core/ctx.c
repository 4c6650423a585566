/* The execution context: options by key, SIMD level, last error.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "dispatch.h"

/* The level named by TV_CPU, or -1 when unset or unknown. */
static int tvi_env_isa(void) {
  const char *s = getenv("TV_CPU");
  if (!s || !*s) return -1;
  static const struct {
    const char *name;
    tv_isa isa;
  } names[] = {{"scalar", TV_ISA_SCALAR},
               {"sse4", TV_ISA_SSE4},
               {"avx2", TV_ISA_AVX2},
               {"avx512", TV_ISA_AVX512},
               {"neon", TV_ISA_NEON}};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcasecmp(s, names[i].name) == 0) return (int)names[i].isa;
  return -1;
}

static void tvi_update_active(tv_ctx *ctx) {
  ctx->active = tvi_isa_min(tvi_isa_min(tv_cpu_isa(), ctx->simd_cap), ctx->env_cap);
}

tv_status tv_ctx_create(tv_ctx **out) {
  if (!out) return TV_ERR_NULL;
  *out = NULL;
  tv_ctx *ctx = calloc(1, sizeof *ctx);
  if (!ctx) return TV_ERR_NOMEM;
  long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  if (ncpu < 1) ncpu = 1;
  if (ncpu > TVI_MAX_THREADS) ncpu = TVI_MAX_THREADS;
  ctx->threads = (int)ncpu;
  ctx->simd_cap = tv_cpu_isa();
  const int env = tvi_env_isa();
  /* A level of another architecture (neon on x86) counts as scalar, like any unknown level. */
  ctx->env_cap =
      env < 0 ? tv_cpu_isa() : (tvi_isa_exists((tv_isa)env) ? (tv_isa)env : TV_ISA_SCALAR);
  ctx->max_pixels = TVI_DEFAULT_MAX_PIXELS;
  ctx->last_status = TV_OK;
  ctx->last_error[0] = '\0';
  tvi_update_active(ctx);
  *out = ctx;
  return TV_OK;
}

void tv_ctx_destroy(tv_ctx *ctx) {
  if (!ctx) return;
  tvi_pool_destroy(ctx->pool);
  free(ctx);
}

tv_status tv_ctx_set(tv_ctx *ctx, tv_ctx_option key, int64_t value) {
  if (!ctx) return TV_ERR_NULL;
  switch (key) {
  case TV_CTX_THREADS:
    if (value < 1 || value > TVI_MAX_THREADS)
      return TVI_ERR(ctx, TV_ERR_ARG, "TV_CTX_THREADS must be 1..%d, got %lld", TVI_MAX_THREADS,
                     (long long)value);
    if (value != ctx->threads) {
      tvi_pool_destroy(ctx->pool); /* restarted with the new size on next use */
      ctx->pool = NULL;
      ctx->threads = (int)value;
    }
    return TV_OK;
  case TV_CTX_SIMD_CAP:
    if (value < 0 || value > TV_ISA_NEON || !tvi_isa_exists((tv_isa)value))
      return TVI_ERR(ctx, TV_ERR_ARG, "TV_CTX_SIMD_CAP %lld is not a level of this architecture",
                     (long long)value);
    ctx->simd_cap = (tv_isa)value;
    tvi_update_active(ctx);
    return TV_OK;
  case TV_CTX_MAX_PIXELS:
    if (value < 1 || value > ((int64_t)1 << 40))
      return TVI_ERR(ctx, TV_ERR_ARG, "TV_CTX_MAX_PIXELS must be 1..2^40, got %lld",
                     (long long)value);
    ctx->max_pixels = value;
    return TV_OK;
  case TV_CTX_ACTIVE_ISA:
    return TVI_ERR(ctx, TV_ERR_ARG, "TV_CTX_ACTIVE_ISA is read-only (set TV_CTX_SIMD_CAP)");
  case TV_CTX_DETERMINISTIC:
    if (value != 0 && value != 1)
      return TVI_ERR(ctx, TV_ERR_ARG, "TV_CTX_DETERMINISTIC must be 0 or 1, got %lld",
                     (long long)value);
    ctx->deterministic = (int)value;
    return TV_OK;
  }
  return TVI_ERR(ctx, TV_ERR_ARG, "unknown option key %d", (int)key);
}

tv_status tv_ctx_get(tv_ctx *ctx, tv_ctx_option key, int64_t *value) {
  if (value) *value = 0;
  if (!ctx) return TV_ERR_NULL;
  if (!value) return TVI_ERR(ctx, TV_ERR_NULL, "value is NULL");
  switch (key) {
  case TV_CTX_THREADS: *value = ctx->threads; return TV_OK;
  case TV_CTX_SIMD_CAP: *value = ctx->simd_cap; return TV_OK;
  case TV_CTX_MAX_PIXELS: *value = ctx->max_pixels; return TV_OK;
  case TV_CTX_ACTIVE_ISA: *value = ctx->active; return TV_OK;
  case TV_CTX_DETERMINISTIC: *value = ctx->deterministic; return TV_OK;
  }
  return TVI_ERR(ctx, TV_ERR_ARG, "unknown option key %d", (int)key);
}

const char *tv_ctx_last_error(const tv_ctx *ctx) { return ctx ? ctx->last_error : ""; }

tv_status tv_ctx_last_status(const tv_ctx *ctx) { return ctx ? ctx->last_status : TV_OK; }
