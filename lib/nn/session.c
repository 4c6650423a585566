/* Sessions: shape inference and memory planning per input shape, and running the graph.
 * SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/nn_internal.h"

struct tv_session {
  const tv_model *model;
  int64_t allocations;
  /* The plan for one input shape. */
  int planned;
  int32_t n, h, w;
  tvi_shape *shapes; /* per value */
  size_t *offsets;   /* per value: float offset in the arena */
  int32_t *last_use; /* per value: index of the last op reading it */
  float *arena;      /* activations */
  size_t arena_floats, unshared_floats;
  void *scratch; /* convolution scratch */
  size_t scratch_size;
  int scratch_workers;
  const float **ins; /* per-op input pointers (TVI_MODEL_MAX_INPUTS) */
  tvi_shape *in_shapes;
};

int64_t tvi_session_allocations(const tv_session *s) { return s ? s->allocations : 0; }

void tvi_session_memory(const tv_session *s, size_t *planned, size_t *unshared) {
  *planned = s ? s->arena_floats * sizeof(float) : 0;
  *unshared = s ? s->unshared_floats * sizeof(float) : 0;
}

static void unplan(tv_session *s) {
  tvi_aligned_free(s->arena);
  tvi_aligned_free(s->scratch);
  s->arena = NULL, s->scratch = NULL;
  s->arena_floats = s->unshared_floats = s->scratch_size = 0;
  s->scratch_workers = 0;
  s->planned = 0;
}

tv_status tv_session_create(tv_ctx *ctx, const tv_model *model, tv_session **out) {
  tv_status st = TV_OK;
  tv_session *s = NULL;
  if (out) *out = NULL;
  if (!model || !out) TVI_FAIL(ctx, TV_ERR_NULL, "model or out is NULL");
  s = calloc(1, sizeof *s);
  if (!s) TVI_FAIL(ctx, TV_ERR_NOMEM, "out of memory");
  const size_t nv = (size_t)model->nvalues;
  s->model = model;
  s->shapes = calloc(nv, sizeof(tvi_shape));
  s->offsets = calloc(nv, sizeof(size_t));
  s->last_use = calloc(nv, sizeof(int32_t));
  s->ins = calloc(TVI_MODEL_MAX_INPUTS, sizeof(float *));
  s->in_shapes = calloc(TVI_MODEL_MAX_INPUTS, sizeof(tvi_shape));
  s->allocations = 5;
  if (!s->shapes || !s->offsets || !s->last_use || !s->ins || !s->in_shapes) {
    tv_session_destroy(s);
    s = NULL;
    TVI_FAIL(ctx, TV_ERR_NOMEM, "out of memory");
  }
  /* Last readers of each value; the output lives to the end. */
  for (int v = 0; v < model->nvalues; v++) s->last_use[v] = -1;
  for (int i = 0; i < model->nops; i++)
    for (int k = 0; k < model->ops[i].ninputs; k++) s->last_use[model->ops[i].inputs[k]] = i;
  s->last_use[model->output_value] = model->nops;
  *out = s;
done:
  return st;
}

void tv_session_destroy(tv_session *s) {
  if (!s) return;
  unplan(s);
  free(s->shapes);
  free(s->offsets);
  free(s->last_use);
  free(s->ins);
  free(s->in_shapes);
  free(s);
}

static size_t round16(int64_t n) { return ((size_t)n + 15) & ~(size_t)15; }

static int64_t numel(const tvi_shape *s) { return s->d[0] * s->d[1] * s->d[2] * s->d[3]; }

/* Places every value in the arena: a value's block is taken when its op runs, at the lowest offset
 * that does not overlap a block still alive, and freed after its last reader. Value 0 (the input)
 * is the caller's buffer or, for images, gets a block of its own. */
static tv_status plan_memory(tv_ctx *ctx, const char *func, tv_session *s) {
  const tv_model *m = s->model;
  const int nv = m->nvalues;
  size_t top = 0, unshared = 0;
  int32_t *live = malloc(sizeof(int32_t) * (size_t)nv);
  if (!live) return tvi_fail(ctx, TV_ERR_NOMEM, func, "out of memory");
  int nlive = 0;
  for (int v = 0; v < nv; v++) {
    const size_t need = round16(numel(&s->shapes[v]));
    unshared += need;
    /* Free the blocks whose last reader ran before the op making v (op v - 1). */
    int k2 = 0;
    for (int k = 0; k < nlive; k++)
      if (v == 0 || s->last_use[live[k]] >= v - 1) live[k2++] = live[k];
    nlive = k2;
    /* Candidate offsets: 0 and the end of every live block; take the lowest that fits. */
    size_t best = SIZE_MAX;
    for (int c = -1; c < nlive; c++) {
      const size_t start = c < 0 ? 0 : s->offsets[live[c]] + round16(numel(&s->shapes[live[c]]));
      if (start >= best) continue;
      int fits = 1;
      for (int k = 0; k < nlive && fits; k++) {
        const size_t b0 = s->offsets[live[k]], b1 = b0 + round16(numel(&s->shapes[live[k]]));
        if (start < b1 && b0 < start + need) fits = 0;
      }
      if (fits) best = start;
    }
    s->offsets[v] = best;
    if (best + need > top) top = best + need;
    if (s->last_use[v] >= 0) live[nlive++] = v; /* values nobody reads die at once */
  }
  free(live);
  s->unshared_floats = unshared;
  if (top > ((size_t)1 << 36))
    return tvi_fail(ctx, TV_ERR_TOO_LARGE, func, "activations need %zu bytes", top * 4);
  s->arena = tvi_aligned_alloc(top * sizeof(float));
  s->allocations++;
  if (!s->arena && top)
    return tvi_fail(ctx, TV_ERR_NOMEM, func, "cannot allocate %zu bytes", top * 4);
  s->arena_floats = top;
  return TV_OK;
}

/* Makes sure the session is planned for n x h x w and has scratch for ctx's workers. */
static tv_status prepare(tv_ctx *ctx, const char *func, tv_session *s, int32_t n, int32_t h,
                         int32_t w) {
  tv_status st = TV_OK;
  const tv_model *m = s->model;
  if (!s->planned || s->n != n || s->h != h || s->w != w) {
    unplan(s);
    TVI_TRY(tvi_model_infer(ctx, func, m, n, h, w, s->shapes, NULL));
    const tvi_shape *o = &s->shapes[m->output_value];
    if (m->output_kind == TV_MODEL_SCORES && (o->d[2] != 1 || o->d[3] != 1))
      TVI_FAIL_AS(ctx, TV_ERR_ARG, func, "a %dx%d input gives %lldx%lld scores, not 1x1", w, h,
                  (long long)o->d[3], (long long)o->d[2]);
    TVI_TRY(plan_memory(ctx, func, s));
    s->n = n, s->h = h, s->w = w, s->planned = 1;
  }
  const int workers = tvi_parallel_workers(ctx);
  if (workers != s->scratch_workers) {
    size_t need = 0;
    for (int i = 0; i < m->nops; i++) {
      const tvi_op *op = &m->ops[i];
      if (op->type != TVI_OP_CONV) continue;
      const tvi_shape *a = &s->shapes[op->inputs[0]];
      const size_t z =
          tvi_conv_scratch_size(op->plan, n, (int32_t)a->d[2], (int32_t)a->d[3], workers);
      if (z > need) need = z;
    }
    tvi_aligned_free(s->scratch);
    s->scratch = tvi_aligned_alloc(need ? need : 64);
    s->allocations++;
    if (!s->scratch) {
      s->scratch_workers = 0;
      TVI_FAIL_AS(ctx, TV_ERR_NOMEM, func, "cannot allocate %zu bytes of scratch", need);
    }
    s->scratch_size = need, s->scratch_workers = workers;
  }
done:
  return st;
}

static tv_status check_run_args(tv_ctx *ctx, const char *func, tv_session *s, int32_t n, int32_t h,
                                int32_t w) {
  if (n < 1) return tvi_fail(ctx, TV_ERR_ARG, func, "batch size %d < 1", n);
  if (h < 1 || w < 1) return tvi_fail(ctx, TV_ERR_ARG, func, "input size %dx%d invalid", w, h);
  if (s->model->height > 0 && (h != s->model->height || w != s->model->width))
    return tvi_fail(ctx, TV_ERR_ARG, func, "input size %dx%d, the model takes %dx%d", w, h,
                    s->model->width, s->model->height);
  if ((int64_t)h * w > ctx->max_pixels)
    return tvi_fail(ctx, TV_ERR_TOO_LARGE, func, "input %dx%d over the pixel limit %lld", w, h,
                    (long long)ctx->max_pixels);
  return TV_OK;
}

tv_status tv_session_output_shape(tv_ctx *ctx, tv_session *session, int32_t n, int32_t height,
                                  int32_t width, int64_t shape[4]) {
  tv_status st = TV_OK;
  if (shape) memset(shape, 0, 4 * sizeof(int64_t));
  if (!session || !shape) TVI_FAIL(ctx, TV_ERR_NULL, "session or shape is NULL");
  TVI_TRY(check_run_args(ctx, __func__, session, n, height, width));
  TVI_TRY(prepare(ctx, __func__, session, n, height, width));
  for (int k = 0; k < 4; k++) shape[k] = session->shapes[session->model->output_value].d[k];
done:
  return st;
}

/* Runs the planned graph on input (value 0) and copies the output. */
static void execute(tv_ctx *ctx, tv_session *s, const float *input, float *output) {
  const tv_model *m = s->model;
  for (int i = 0; i < m->nops; i++) {
    const tvi_op *op = &m->ops[i];
    for (int k = 0; k < op->ninputs; k++) {
      const int v = op->inputs[k];
      s->ins[k] = v == 0 ? input : (v == m->output_value ? output : s->arena + s->offsets[v]);
      s->in_shapes[k] = s->shapes[v];
    }
    /* The output value goes straight into the caller's buffer. */
    float *out = op->output == m->output_value ? output : s->arena + s->offsets[op->output];
    const tvi_shape *os = &s->shapes[op->output];
    if (op->type == TVI_OP_CONV)
      tvi_conv_run(ctx, op->plan, s->ins[0], out, (int32_t)os->d[0], (int32_t)s->in_shapes[0].d[2],
                   (int32_t)s->in_shapes[0].d[3], s->scratch);
    else
      tvi_op_run(ctx, op, s->ins, s->in_shapes, out, os);
  }
}

tv_status tv_session_run(tv_ctx *ctx, tv_session *session, const float *input, int32_t n,
                         int32_t height, int32_t width, float *output, size_t output_capacity) {
  tv_status st = TV_OK;
  if (!session || !input || !output) TVI_FAIL(ctx, TV_ERR_NULL, "session, input or output is NULL");
  TVI_TRY(check_run_args(ctx, __func__, session, n, height, width));
  TVI_TRY(prepare(ctx, __func__, session, n, height, width));
  const size_t need = (size_t)numel(&session->shapes[session->model->output_value]);
  if (output_capacity < need)
    TVI_FAIL(ctx, TV_ERR_SIZE, "output capacity %zu floats, need %zu", output_capacity, need);
  const uintptr_t i0 = (uintptr_t)input, o0 = (uintptr_t)output;
  const size_t nin = (size_t)n * (size_t)session->model->channels * (size_t)height * (size_t)width;
  if (i0 < o0 + need * sizeof(float) && o0 < i0 + nin * sizeof(float))
    TVI_FAIL(ctx, TV_ERR_ARG, "input and output overlap");
  execute(ctx, session, input, output);
done:
  return st;
}

/* Normalising images into the input tensor: one task per (image, row). */
typedef struct norm_job {
  const tv_image *const *images;
  float *in;
  int32_t channels, h, w;
  const float *mean, *std;
} norm_job;

/* o[x] = (sample * k - mean) / std over a row of type T, sample x * step + first. */
#define TVI_NORM_ROW(T)                                                                            \
  do {                                                                                             \
    const T *p = (const T *)row;                                                                   \
    for (int32_t x = 0; x < w; x++) o[x] = ((float)p[(int64_t)x * step + first] * k - mu) / sd;    \
  } while (0)
#define TVI_GREY_ROW(T)                                                                            \
  do {                                                                                             \
    const T *p = (const T *)row;                                                                   \
    for (int32_t x = 0; x < w; x++) {                                                              \
      const T *q = p + (int64_t)x * step;                                                          \
      const float v =                                                                              \
          0.299f * ((float)q[0] * k) + 0.587f * ((float)q[1] * k) + 0.114f * ((float)q[2] * k);    \
      o[x] = (v - mu) / sd;                                                                        \
    }                                                                                              \
  } while (0)

static void norm_task(void *arg, int64_t task, int worker) {
  (void)worker;
  const norm_job *j = arg;
  const int32_t w = j->w, C = j->channels;
  const int64_t i = task / j->h, y = task % j->h;
  const tv_image *im = j->images[i];
  const void *row = tvi_row(im, y);
  const int64_t step = im->channels;
  const float k = im->type == TV_U8 ? 1.0f / 255.0f : (im->type == TV_U16 ? 1.0f / 65535.0f : 1.0f);
  for (int32_t c = 0; c < C; c++) {
    float *o = j->in + ((i * C + c) * j->h + y) * w;
    const float mu = j->mean[c], sd = j->std[c];
    if (im->channels == C || im->channels == 1) {
      const int64_t first = im->channels == 1 ? 0 : c;
      if (im->type == TV_U8)
        TVI_NORM_ROW(uint8_t);
      else if (im->type == TV_U16)
        TVI_NORM_ROW(uint16_t);
      else
        TVI_NORM_ROW(float);
    } else { /* RGB(A) to grey, BT.601 */
      if (im->type == TV_U8)
        TVI_GREY_ROW(uint8_t);
      else if (im->type == TV_U16)
        TVI_GREY_ROW(uint16_t);
      else
        TVI_GREY_ROW(float);
    }
  }
}

tv_status tv_session_run_images(tv_ctx *ctx, tv_session *session, const tv_image *const *images,
                                int32_t n, float *output, size_t output_capacity) {
  tv_status st = TV_OK;
  if (!session || !images || !output)
    TVI_FAIL(ctx, TV_ERR_NULL, "session, images or output is NULL");
  if (n < 1) TVI_FAIL(ctx, TV_ERR_ARG, "batch size %d < 1", n);
  const tv_model *m = session->model;
  if (m->channels != 1 && m->channels != 3)
    TVI_FAIL(ctx, TV_ERR_TYPE, "the model takes %d channels, images give 1 or 3", m->channels);
  for (int32_t i = 0; i < n; i++) {
    char what[32];
    snprintf(what, sizeof what, "images[%d]", i);
    if (!images[i]) TVI_FAIL(ctx, TV_ERR_NULL, "%s is NULL", what);
    TVI_TRY(tvi_check_image(ctx, __func__, what, images[i]));
    const tv_image *im = images[i];
    if (im->type != TV_U8 && im->type != TV_U16 && im->type != TV_F32)
      TVI_FAIL(ctx, TV_ERR_TYPE, "%s: pixel type %d, want u8, u16 or f32", what, im->type);
    if (im->width != images[0]->width || im->height != images[0]->height)
      TVI_FAIL(ctx, TV_ERR_SIZE, "%s is %dx%d, images[0] %dx%d", what, im->width, im->height,
               images[0]->width, images[0]->height);
  }
  const int32_t h = images[0]->height, w = images[0]->width;
  TVI_TRY(check_run_args(ctx, __func__, session, n, h, w));
  TVI_TRY(prepare(ctx, __func__, session, n, h, w));
  const size_t need = (size_t)numel(&session->shapes[m->output_value]);
  if (output_capacity < need)
    TVI_FAIL(ctx, TV_ERR_SIZE, "output capacity %zu floats, need %zu", output_capacity, need);
  float *in = session->arena + session->offsets[0];
  norm_job job = {images, in, m->channels, h, w, m->mean, m->std};
  tvi_parallel_for(ctx, (int64_t)n * h, norm_task, &job);
  execute(ctx, session, in, output);
done:
  return st;
}
