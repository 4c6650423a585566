/* Fuzz target for the model loader and sessions: any bytes in, a status or a model out, never a
 * crash; a model that loads is run once. The checksum is recomputed on a copy first, so the fuzzer
 * reaches the checks behind it (the untouched bytes are loaded too, to test the checksum path).
 * Build with -DTV_BUILD_FUZZERS=ON (clang, libFuzzer); replay_model runs saved inputs in ctest.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tubevision/tubevision.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* CRC-32 (IEEE), bit by bit: the format's checksum over bytes 16 .. end. */
static uint32_t crc32_ieee(const uint8_t *p, size_t n) {
  uint32_t c = 0xffffffffu;
  for (size_t i = 0; i < n; i++) {
    c ^= p[i];
    for (int k = 0; k < 8; k++) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
  }
  return ~c;
}

static void try_load(tv_ctx *ctx, const uint8_t *data, size_t size) {
  tv_model *m = NULL;
  const tv_status st = tv_model_load_memory(ctx, data, size, &m);
  if (st != TV_OK) {
    if (m != NULL || tv_ctx_last_error(ctx)[0] == '\0') __builtin_trap();
    return;
  }
  int64_t c = 0, h = 0, w = 0, nc = 0;
  if (tv_model_get(ctx, m, TV_MODEL_INPUT_CHANNELS, &c) != TV_OK ||
      tv_model_get(ctx, m, TV_MODEL_INPUT_HEIGHT, &h) != TV_OK ||
      tv_model_get(ctx, m, TV_MODEL_INPUT_WIDTH, &w) != TV_OK ||
      tv_model_get(ctx, m, TV_MODEL_CLASSES, &nc) != TV_OK)
    __builtin_trap();
  for (int32_t i = 0; i < nc; i++)
    if (tv_model_class_name(m, i) == NULL) __builtin_trap();
  if (h == 0) h = w = 12;
  tv_session *s = NULL;
  int64_t shape[4];
  if (c * h * w <= (1 << 16) && tv_session_create(ctx, m, &s) == TV_OK &&
      tv_session_output_shape(ctx, s, 1, (int32_t)h, (int32_t)w, shape) == TV_OK) {
    const int64_t nout = shape[0] * shape[1] * shape[2] * shape[3];
    if (nout <= (1 << 20)) {
      float *in = calloc((size_t)(c * h * w), sizeof(float));
      float *out = malloc((size_t)nout * sizeof(float));
      if (in && out) {
        for (int64_t i = 0; i < c * h * w; i++) in[i] = (float)(i % 7) - 3.0f;
        if (tv_session_run(ctx, s, in, 1, (int32_t)h, (int32_t)w, out, (size_t)nout) != TV_OK &&
            tv_ctx_last_error(ctx)[0] == '\0')
          __builtin_trap();
      }
      free(in);
      free(out);
    }
  }
  tv_session_destroy(s);
  tv_model_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  tv_ctx *ctx = NULL;
  if (tv_ctx_create(&ctx) != TV_OK) return 0;
  tv_ctx_set(ctx, TV_CTX_THREADS, 1);
  tv_ctx_set(ctx, TV_CTX_MAX_PIXELS, (int64_t)1 << 16);
  try_load(ctx, data, size);
  if (size >= 16 && size <= ((size_t)1 << 24)) {
    uint8_t *copy = malloc(size);
    if (copy) {
      memcpy(copy, data, size);
      const uint32_t crc = crc32_ieee(copy + 16, size - 16);
      for (int k = 0; k < 4; k++) copy[12 + k] = (uint8_t)(crc >> (8 * k));
      try_load(ctx, copy, size);
      free(copy);
    }
  }
  tv_ctx_destroy(ctx);
  return 0;
}
