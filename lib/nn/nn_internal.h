/* Internal layout of models and sessions: the file format's constants, operators, the planner.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef TVI_NN_INTERNAL_H
#define TVI_NN_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/internal.h"
#include "nn/blas.h"
#include "nn/conv/conv.h"

/* ---- file format (models/FORMAT.md) ------------------------------------------------------ */
#define TVI_MODEL_MAGIC "\x89TVMODEL"
#define TVI_MODEL_VERSION 2
#define TVI_MODEL_HEADER_SIZE 128
#define TVI_MODEL_OP_SIZE 128
#define TVI_MODEL_MAX_INPUTS 8
#define TVI_MODEL_MAX_OPS 4096
#define TVI_MODEL_MAX_TENSORS 65536
#define TVI_MODEL_MAX_CLASSES 4096
#define TVI_MODEL_MAX_ENTRIES 64 /* metadata entries (format 2) */
#define TVI_META_DETECTION 1     /* metadata entry tag: f32 low, f32 high */
#define TVI_MODEL_MAX_STRING 255
#define TVI_MODEL_MAX_CHANNELS 65536
#define TVI_MODEL_MAX_KERNEL 7
#define TVI_MODEL_MAX_POOL 256
#define TVI_MODEL_MAX_STRIDE 16
#define TVI_MODEL_MAX_DILATION 16
#define TVI_MODEL_MAX_FEATURES ((int64_t)1 << 24)
#define TVI_NO_TENSOR 0xffffffffu

/* Operator types; values are pinned by the file format. */
typedef enum tvi_op_type {
  TVI_OP_CONV = 1,
  TVI_OP_DENSE = 2,
  TVI_OP_ACT = 3,
  TVI_OP_MAXPOOL = 4,
  TVI_OP_AVGPOOL = 5,
  TVI_OP_GLOBAL_AVGPOOL = 6,
  TVI_OP_SOFTMAX = 7,
  TVI_OP_ADD = 8,
  TVI_OP_MUL = 9,
  TVI_OP_CONCAT = 10,
  TVI_OP_RESIZE = 11,
  TVI_OP_FLATTEN = 12,
  TVI_OP_CONSTANT = 13,
  TVI_OP_RESHAPE = 14,
  TVI_OP_COUNT_ = 15
} tvi_op_type;

/* Resize modes and coordinate transforms (iparams of TVI_OP_RESIZE). */
enum { TVI_RESIZE_NEAREST = 0, TVI_RESIZE_BILINEAR = 1 };
enum {
  TVI_COORD_HALF_PIXEL = 0,
  TVI_COORD_ALIGN_CORNERS = 1,
  TVI_COORD_ASYMMETRIC = 2,
  TVI_COORD_PYTORCH_HALF_PIXEL = 3,
  TVI_COORD_TF_HALF_PIXEL_FOR_NN = 4
};
enum {
  TVI_NEAREST_ROUND_PREFER_FLOOR = 0,
  TVI_NEAREST_ROUND_PREFER_CEIL = 1,
  TVI_NEAREST_FLOOR = 2,
  TVI_NEAREST_CEIL = 3
};

/* One operator, as decoded and checked from its 128-byte record. */
typedef struct tvi_op {
  int32_t type;
  int32_t ninputs;
  int32_t inputs[TVI_MODEL_MAX_INPUTS]; /* value ids, each < this op's output */
  int32_t output;                       /* value id = op index + 1 */
  int32_t ip[15];                       /* integer parameters, per type (FORMAT.md) */
  float fp[4];                          /* float parameters */
  const float *weight;                  /* borrowed from the model's data, or NULL */
  uint64_t weight_count;
  const float *bias;
  uint64_t bias_count;
  tvi_conv_params conv; /* TVI_OP_CONV */
  tvi_conv_plan *plan;  /* TVI_OP_CONV, owned */
} tvi_op;

struct tv_model {
  uint8_t *owned; /* tv_model_load_memory's aligned copy, or NULL */
  void *map;      /* tv_model_load's mapping, or NULL */
  size_t size;
  const uint8_t *data; /* the file's bytes */
  uint32_t version;
  char *name;
  char **class_names; /* nclasses strings (possibly empty "") */
  int32_t channels, height, width, output_kind, nclasses, heatmap_stride;
  float mean[4], std[4];
  int has_detection;       /* format 2: recommended detection thresholds present */
  float det_low, det_high; /* ... and their values */
  int32_t nops, nvalues, output_value;
  tvi_op *ops;
  int64_t parameters, flops;
};

/* Shape of one value: N, C, H, W. */
typedef struct tvi_shape {
  int64_t d[4];
} tvi_shape;

/* Infers every value's shape for n inputs of h x w (shapes: model->nvalues entries) and the
 * multiply-adds x 2 into *flops (may be NULL). Errors are recorded under `func`. Statuses: TV_OK,
 * TV_ERR_ARG (the model cannot take this size), TV_ERR_TOO_LARGE. */
tv_status tvi_model_infer(tv_ctx *ctx, const char *func, const tv_model *model, int64_t n,
                          int64_t h, int64_t w, tvi_shape *shapes, int64_t *flops);

/* Loads from bytes that stay valid for the model's life (owned or mapped by the caller of this
 * function, stored in model->owned / model->map). */
tv_status tvi_model_parse(tv_ctx *ctx, const char *func, tv_model *model);

/* CRC-32 (IEEE 802.3, as zlib's crc32) of data, continuing from crc (0 to start). */
uint32_t tvi_crc32(uint32_t crc, const void *data, size_t size);

/* Allocations (activation arena, scratch, tables) a session has made since it was created: the
 * tests check that runs of an already planned shape add none. */
int64_t tvi_session_allocations(const tv_session *session);
/* Bytes of activation memory planned for the current shape, and the sum of all activations'
 * sizes without reuse (for tests of the planner). */
void tvi_session_memory(const tv_session *session, size_t *planned, size_t *unshared);

/* Runs one non-conv operator on NCHW data: in[] are the inputs (shapes ins[]), out has shape os.
 * Elementwise work is split over ctx's threads; results never depend on the split. */
void tvi_op_run(tv_ctx *ctx, const tvi_op *op, const float *const *in, const tvi_shape *ins,
                float *out, const tvi_shape *os);

/* Applies activation act (tvi_act) with parameters a, b to x. */
float tvi_act_apply(int act, float a, float b, float x);

/* Plain C reference convolution, the oracle for tvi_conv_run: out[n][cout][oh][ow] =
 * act(sum over the window + bias), summed in the order ci, ky, kx. weight OIHW, bias may be NULL.
 */
void tvi_ref_conv2d(const tvi_conv_params *p, const float *weight, const float *bias,
                    const float *in, float *out, int32_t n, int32_t h, int32_t w);

#endif
