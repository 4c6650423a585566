/* Internal core helpers shared by every module: context layout, errors, allocation, checks.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef TVI_INTERNAL_H
#define TVI_INTERNAL_H

#include <stdatomic.h>
#include <stdint.h>

#include "tubevision/tubevision.h"

#define TVI_ALIGN 64
#define TVI_ERR_CAP 512
#define TVI_MAX_THREADS 64
#define TVI_DEFAULT_MAX_PIXELS ((int64_t)1 << 28)

struct tvi_pool;

struct tv_ctx {
  int threads;           /* TV_CTX_THREADS */
  tv_isa simd_cap;       /* TV_CTX_SIMD_CAP */
  tv_isa env_cap;        /* from TV_CPU, or the CPU's level */
  tv_isa active;         /* min(cpu, simd_cap, env_cap) in the architecture's order */
  int64_t max_pixels;    /* TV_CTX_MAX_PIXELS */
  int deterministic;     /* TV_CTX_DETERMINISTIC */
  tv_status last_status; /* of the last failure */
  char last_error[TVI_ERR_CAP];
  struct tvi_pool *pool; /* created on first parallel use with threads > 1 */
};

/* Pixel storage shared by an image and its views. */
struct tvi_buffer {
  atomic_int refs;
  void *mem;
};

/* Records "func: message" and status on ctx (if not NULL) and returns status. */
tv_status tvi_fail(tv_ctx *ctx, tv_status status, const char *func, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Records an error and jumps to the function's one exit label `done`, with `st` set.
 * Usage: tv_status st = TV_OK; ... TVI_FAIL(ctx, TV_ERR_ARG, "width %d < 1", w); ... done: */
#define TVI_FAIL(ctx, code, ...)                                                                   \
  do {                                                                                             \
    st = tvi_fail((ctx), (code), __func__, __VA_ARGS__);                                           \
    goto done;                                                                                     \
  } while (0)
/* As TVI_FAIL, naming `name` (a public entry point passed down as `func`) in the message. */
#define TVI_FAIL_AS(ctx, code, name, ...)                                                          \
  do {                                                                                             \
    st = tvi_fail((ctx), (code), (name), __VA_ARGS__);                                             \
    goto done;                                                                                     \
  } while (0)
/* Records an error and returns its status from an expression: return TVI_ERR(ctx, code, ...). */
#define TVI_ERR(ctx, code, ...) tvi_fail((ctx), (code), __func__, __VA_ARGS__)
/* Jumps to `done` if the status expression fails (the callee already recorded the message). */
#define TVI_TRY(expr)                                                                              \
  do {                                                                                             \
    st = (expr);                                                                                   \
    if (st != TV_OK) goto done;                                                                    \
  } while (0)

/* 64-byte aligned allocation (size 0 allowed); NULL on failure or when size overflows. */
void *tvi_aligned_alloc(size_t size);
void tvi_aligned_free(void *p);

/* Multiplies with overflow check: returns 0 and sets *out on success, -1 on overflow. */
int tvi_mul_size(size_t a, size_t b, size_t *out);

/* Checks dimensions for a new image: width, height >= 1, channels 1/3/4, known type, and
 * width * height <= ctx->max_pixels. Records the error under func's name. */
tv_status tvi_check_dims(tv_ctx *ctx, const char *func, int64_t width, int64_t height,
                         int64_t channels, int type);

/* Checks that img describes a usable image (non-NULL data, valid sizes, stride covering a row,
 * data aligned to its sample size). `what` names the argument in the message ("src"). */
tv_status tvi_check_image(tv_ctx *ctx, const char *func, const char *what, const tv_image *img);

/* Checks src and dst (named "src" and "dst" in messages) and that they have the same width and
 * height, and when asked the same channel count (TV_ERR_SIZE) and pixel type (TV_ERR_TYPE). */
tv_status tvi_check_pair(tv_ctx *ctx, const char *func, const tv_image *src, const tv_image *dst,
                         int same_type, int same_channels);

/* Whether two images describe exactly the same pixels (same data, stride, size, layout). */
static inline int tvi_same_image(const tv_image *a, const tv_image *b) {
  return a->data == b->data && a->stride == b->stride && a->width == b->width &&
         a->height == b->height && a->channels == b->channels && a->type == b->type;
}

/* Bytes in one row's samples: width * channels * sample size. */
static inline size_t tvi_row_bytes(const tv_image *img) {
  return (size_t)img->width * (size_t)img->channels *
         (size_t)tv_pixel_size((tv_pixel_type)img->type);
}

/* Row y of img. */
static inline void *tvi_row(const tv_image *img, int64_t y) {
  return (uint8_t *)img->data + y * img->stride;
}

/* Creates an image without zeroing (for decoders that write every sample). */
tv_status tvi_image_alloc(tv_ctx *ctx, const char *func, int32_t width, int32_t height,
                          int32_t channels, tv_pixel_type type, tv_image **out);

/* Whether the memory of two images overlaps. */
int tvi_images_overlap(const tv_image *a, const tv_image *b);

/* Runs fn(arg, task, worker) for every task in [0, ntasks), split across ctx's threads (the
 * calling thread takes part; worker is in [0, threads)). Returns when all tasks are done. With one
 * thread or when the pool cannot start, runs everything on the calling thread. */
typedef void (*tvi_task_fn)(void *arg, int64_t task, int worker);
void tvi_parallel_for(tv_ctx *ctx, int64_t ntasks, tvi_task_fn fn, void *arg);
/* How many workers tvi_parallel_for may use on ctx (for per-worker scratch). */
int tvi_parallel_workers(const tv_ctx *ctx);

void tvi_pool_destroy(struct tvi_pool *pool);

#endif
