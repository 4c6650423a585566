/* tubevision CNN inference: models in tubevision's own format, sessions that run them.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef TUBEVISION_NN_H
#define TUBEVISION_NN_H

#include "image.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A loaded model: immutable after tv_model_load, shared by any number of sessions and threads. */
typedef struct tv_model tv_model;
/* Per-thread execution state of one model: the activation memory planned for an input shape and
 * reused by every run of that shape. A session is used by one thread at a time. */
typedef struct tv_session tv_session;

/* What a model's output means. Values are pinned. */
typedef enum tv_model_output {
  TV_MODEL_SCORES =
      1, /* N x classes: class scores (after the model's own softmax, if it has one) */
  TV_MODEL_HEATMAP = 2 /* N x classes x H/stride x W/stride: per-class defect maps */
} tv_model_output;

/* Integer facts about a model, read by key. Values are pinned. */
typedef enum tv_model_key {
  TV_MODEL_FORMAT_VERSION = 1, /* version of the file format (1 or 2) */
  TV_MODEL_INPUT_CHANNELS = 2, /* 1 (grey) or 3 (RGB) for image models; 1..65536 */
  TV_MODEL_INPUT_HEIGHT = 3,   /* the input height the model was made for; 0 = any */
  TV_MODEL_INPUT_WIDTH = 4,    /* likewise */
  TV_MODEL_OUTPUT_KIND = 5,    /* a tv_model_output */
  TV_MODEL_CLASSES = 6,        /* number of classes (output channels) */
  TV_MODEL_HEATMAP_STRIDE = 7, /* input pixels per heatmap pixel (heatmap models), else 0 */
  TV_MODEL_OPERATORS = 8,      /* operators in the graph */
  TV_MODEL_PARAMETERS = 9,     /* weights and biases, in floats */
  TV_MODEL_FLOPS = 10          /* multiply-adds x 2 for one input of the declared size, or 0 */
} tv_model_key;

/* Loads a model file. The file is memory-mapped read-only where possible; every field, offset,
 * shape and graph reference is checked and the checksum verified before anything is used, so a
 * damaged or hostile file gives a status and a message, never a crash. Writes *out (NULL on
 * failure). Statuses: TV_OK, TV_ERR_NULL, TV_ERR_IO, TV_ERR_FORMAT (not a tubevision model),
 * TV_ERR_CORRUPT (damaged: checksum, offsets, shapes...), TV_ERR_UNSUPPORTED (a newer format
 * version or an unknown operator), TV_ERR_TOO_LARGE, TV_ERR_NOMEM. Thread-safe. */
TV_API tv_status tv_model_load(tv_ctx *ctx, const char *path, tv_model **out);
/* As tv_model_load, from memory (copied: the caller's buffer may be freed afterwards). */
TV_API tv_status tv_model_load_memory(tv_ctx *ctx, const void *data, size_t size, tv_model **out);
/* Frees a model. Every session made from it must be destroyed first. Accepts NULL. */
TV_API void tv_model_free(tv_model *model);

/* Reads an integer fact. Statuses: TV_OK, TV_ERR_NULL, TV_ERR_ARG (unknown key). Thread-safe. */
TV_API tv_status tv_model_get(tv_ctx *ctx, const tv_model *model, tv_model_key key, int64_t *value);
/* The detection thresholds the model's authors recommend for its heatmap (hysteresis: pixels above
 * high seed a defect, pixels above low connected to a seed belong to it; 0 <= low < 1,
 * low <= high <= 1), chosen on validation data when it was trained. Returns 1 and writes
 * *low and *high (either may be NULL) when the model carries them (format version 2), else 0
 * and writes nothing. The inspection pipeline uses them unless its configuration sets
 * detection.low / detection.high. Thread-safe. */
TV_API int tv_model_detection_thresholds(const tv_model *model, float *low, float *high);
/* The model's name, and the name of class `index` (NULL when out of range). Borrowed from the
 * model: valid until tv_model_free. Thread-safe. */
TV_API const char *tv_model_name(const tv_model *model);
TV_API const char *tv_model_class_name(const tv_model *model, int32_t index);
/* How tv_session_run_images turns pixels into the network's input: for channel c,
 * x = (pixel * scale - mean[c]) / std[c], where scale is 1/255 for u8, 1/65535 for u16 and 1 for
 * f32 pixels. Writes mean[4] and std[4] (unused channels 0 and 1). Thread-safe. */
TV_API tv_status tv_model_normalization(tv_ctx *ctx, const tv_model *model, float mean[4],
                                        float std[4]);

/* Creates a session for model (borrowed: it must outlive the session). Statuses: TV_OK,
 * TV_ERR_NULL, TV_ERR_NOMEM. */
TV_API tv_status tv_session_create(tv_ctx *ctx, const tv_model *model, tv_session **out);
/* Destroys a session. Accepts NULL. */
TV_API void tv_session_destroy(tv_session *session);

/* The output shape (N, C, H, W) for a batch of n inputs of height x width; scores give H = W = 1.
 * Plans the session for that shape (so a following run of it allocates nothing); shape is zeroed
 * on failure. Statuses: TV_OK, TV_ERR_NULL, TV_ERR_ARG (n < 1, size the model cannot take),
 * TV_ERR_TOO_LARGE, TV_ERR_NOMEM. */
TV_API tv_status tv_session_output_shape(tv_ctx *ctx, tv_session *session, int32_t n,
                                         int32_t height, int32_t width, int64_t shape[4]);

/* Runs the model on n inputs of channels x height x width floats, NCHW, already normalised.
 * output receives N x C x H x W floats (tv_session_output_shape); output_capacity is its length in
 * floats; input and output must not overlap. The first run of a shape plans and allocates the
 * activation memory; later runs of the same shape (and thread count) allocate nothing. Uses the
 * context's threads; with TV_CTX_DETERMINISTIC set, results are bit-identical for any thread
 * count. Statuses: TV_OK, TV_ERR_NULL, TV_ERR_ARG (n < 1, a size the model cannot take, input
 * and output overlap), TV_ERR_SIZE (output_capacity too small: nothing written),
 * TV_ERR_TOO_LARGE (height x width over TV_CTX_MAX_PIXELS, or activations too large),
 * TV_ERR_NOMEM. The session is used by one thread at a time; the model may be shared. */
TV_API tv_status tv_session_run(tv_ctx *ctx, tv_session *session, const float *input, int32_t n,
                                int32_t height, int32_t width, float *output,
                                size_t output_capacity);
/* Runs the model on n images of one size (u8, u16 or f32; the model's channel count, or 1-channel
 * images for a 3-channel model and 3/4-channel images for a 1-channel model are converted, the
 * latter to grey with BT.601 weights, alpha ignored), normalised as tv_model_normalization says.
 * Otherwise as tv_session_run, plus TV_ERR_TYPE (pixel type, or a model that takes neither 1 nor
 * 3 channels) and TV_ERR_SIZE (images of different sizes). */
TV_API tv_status tv_session_run_images(tv_ctx *ctx, tv_session *session,
                                       const tv_image *const *images, int32_t n, float *output,
                                       size_t output_capacity);

#ifdef __cplusplus
}
#endif
#endif
