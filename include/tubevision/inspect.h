/* tubevision inspection: defects on a tube surface from frames or line-scan strips, measured in
 * millimetres, judged by rules; results as records, JSON and overlay; a synthetic tube generator.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef TUBEVISION_INSPECT_H
#define TUBEVISION_INSPECT_H

#include "image.h"
#include "nn.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The version of the JSON written by tv_result_json ("schema": "tubevision-inspect/1"), and of the
 * configuration read by tv_inspector_create ("tubevision-inspect-config/1"); docs/inspect-json.md
 * documents both. */
#define TV_INSPECT_SCHEMA_VERSION 1

/* An inspector: two models (borrowed) and a parsed configuration (geometry, tiling, thresholds,
 * rules). Immutable after creation: shared by any number of threads, each with its own
 * tv_inspection. */
typedef struct tv_inspector tv_inspector;
/* The run state of one thread: the model sessions, every buffer and the open (not yet finished)
 * defects of a surface fed strip by strip. Buffers are reused from frame to frame: after the first
 * frame of a size, inspecting more frames of that size allocates nothing but the result. Used by
 * one thread at a time. */
typedef struct tv_inspection tv_inspection;
/* The defects and the verdict of one call (a list object with its own destroy). */
typedef struct tv_result tv_result;

/* The verdict. Values are pinned. */
typedef enum tv_verdict { TV_VERDICT_ACCEPT = 0, TV_VERDICT_REJECT = 1 } tv_verdict;

/* Flags of a defect (bit mask). */
enum {
  TV_DEFECT_EDGE = 1,        /* touches the left or right edge of the image */
  TV_DEFECT_SPLIT = 2,       /* cut at stream.max_open_rows: the rest is reported separately */
  TV_DEFECT_REJECTED = 4,    /* breaks a rule on its own (length, width or area) */
  TV_DEFECT_UNCLASSIFIED = 8 /* no classifier: class 0 is "defect" */
};

/* One defect. Fixed layout (8-byte aligned, 144 bytes), read-only. Pixel coordinates are those of
 * the surface: x is the image column, y the row counted from the first row of the frame, or of the
 * surface when fed as strips. "Length" runs along the tube axis and "width" around the
 * circumference; both are the extents of the bounding box along those directions (not of a rotated
 * box), so a diagonal crack of 10 x 10 mm has length 10 and width 10. */
typedef struct tv_defect {
  int32_t class_id;      /* index into the classifier's classes (tv_result_class_name) */
  int32_t flags;         /* TV_DEFECT_* bits */
  int32_t x, y;          /* bounding box, pixels: left, top */
  int32_t width, height; /* bounding box size, pixels */
  int64_t area_px;       /* pixels of the defect's mask */
  int64_t frame;         /* frame (or surface) index of the tv_inspection, from 0 */
  double score;          /* 0..1: peak heatmap value times the class probability */
  double heat_score;     /* peak heatmap value over the defect */
  double class_score;    /* classifier probability of class_id (1 without a classifier) */
  double length_mm;      /* along the axis */
  double width_mm;       /* around the circumference */
  double area_mm2;       /* area_px times the area of one pixel */
  double axial_mm;       /* axial position of the defect's centre (frame's offset included) */
  double angle_deg;      /* angle of its centre around the tube, [0, 360) */
  double cx, cy;         /* centroid, pixels */
  double reserved[2];    /* 0 */
} tv_defect;

/* Creates an inspector. heatmap is a TV_MODEL_HEATMAP model (1 input channel, or 3 fed with grey);
 * classifier, a TV_MODEL_SCORES model, may be NULL (every defect is then class 0 "defect"). Both
 * are borrowed and must outlive the inspector. config_json is the configuration as JSON text
 * (docs/inspect-json.md, the defaults in models/config/default.json); NULL or "" takes the built-in
 * defaults, and keys left out keep them. The detection thresholds default to the ones the heatmap
 * model carries (tv_model_detection_thresholds), when it does. Writes *out (NULL on failure).
 * Statuses: TV_OK, TV_ERR_NULL, TV_ERR_ARG (a model of the wrong kind; invalid geometry such as a
 * zero or negative size; tiling the heatmap model's stride does not divide; thresholds out of
 * range; rules naming a class the classifier does not have; unknown keys), TV_ERR_FORMAT (not
 * JSON), TV_ERR_NOMEM. Thread-safe. */
TV_API tv_status tv_inspector_create(tv_ctx *ctx, const tv_model *heatmap,
                                     const tv_model *classifier, const char *config_json,
                                     tv_inspector **out);
/* Destroys an inspector. Every tv_inspection made from it must be destroyed first. Accepts NULL. */
TV_API void tv_inspector_destroy(tv_inspector *insp);
/* The configuration in effect, as JSON (defaults filled in). Free with tv_free. Statuses: TV_OK,
 * TV_ERR_NULL, TV_ERR_NOMEM. Thread-safe. */
TV_API tv_status tv_inspector_config_json(tv_ctx *ctx, const tv_inspector *insp, char **out);
/* Classes: their count, and the name of class index (NULL out of range; borrowed from the
 * inspector). Thread-safe. */
TV_API int32_t tv_inspector_class_count(const tv_inspector *insp);
TV_API const char *tv_inspector_class_name(const tv_inspector *insp, int32_t index);

/* Creates the run state of one thread for insp (borrowed). Statuses: TV_OK, TV_ERR_NULL,
 * TV_ERR_NOMEM. */
TV_API tv_status tv_inspection_create(tv_ctx *ctx, const tv_inspector *insp, tv_inspection **out);
/* Destroys a run state. Accepts NULL. */
TV_API void tv_inspection_destroy(tv_inspection *run);

/* Options and counters of a run state, by key. Values are pinned. */
typedef enum tv_inspection_key {
  /* 1: results of tv_inspect_frame keep the frame's heatmap (tv_result_heatmap); default 0. */
  TV_INSPECTION_KEEP_HEATMAP = 1,
  /* Read only: nanoseconds spent in each stage since creation (or the last reset of counters by
   * setting TV_INSPECTION_TIMES to 0). */
  TV_INSPECTION_TIMES = 2,       /* write 0: reset all counters */
  TV_INSPECTION_NS_SHADING = 3,  /* shading correction */
  TV_INSPECTION_NS_TILES = 4,    /* tile extraction and normalisation */
  TV_INSPECTION_NS_NETWORK = 5,  /* the heatmap network */
  TV_INSPECTION_NS_STITCH = 6,   /* stitching the tiles' heatmaps */
  TV_INSPECTION_NS_SEGMENT = 7,  /* hysteresis, components, measurement */
  TV_INSPECTION_NS_CLASSIFY = 8, /* the classifier on defect crops */
  TV_INSPECTION_PIXELS = 9,      /* read only: pixels inspected */
  TV_INSPECTION_TILES_RUN = 10   /* read only: network tiles run */
} tv_inspection_key;
/* Statuses: TV_OK, TV_ERR_NULL, TV_ERR_ARG (unknown or read-only key, value out of range). */
TV_API tv_status tv_inspection_set(tv_ctx *ctx, tv_inspection *run, tv_inspection_key key,
                                   int64_t value);
TV_API tv_status tv_inspection_get(tv_ctx *ctx, const tv_inspection *run, tv_inspection_key key,
                                   int64_t *value);

/* Inspects one independent frame (any size at least one tile in each direction, 1-channel u8 or
 * u16, or 3/4-channel converted to grey) whose first row lies at axial_offset_mm along the tube.
 * Any surface fed as strips and not finished is discarded. Writes a new result to *result (NULL on
 * failure). Statuses: TV_OK, TV_ERR_NULL, TV_ERR_ARG (invalid image or non-finite offset),
 * TV_ERR_TYPE (f32, s16, s32 pixels), TV_ERR_SIZE (smaller than a tile), TV_ERR_NOMEM,
 * TV_ERR_TOO_LARGE. */
TV_API tv_status tv_inspect_frame(tv_ctx *ctx, tv_inspection *run, const tv_image *image,
                                  double axial_offset_mm, tv_result **result);
/* Starts a new surface fed as strips at axial_offset_mm, discarding an unfinished one. (A run
 * starts a surface at 0 mm by itself.) Statuses: TV_OK, TV_ERR_NULL, TV_ERR_ARG. */
TV_API tv_status tv_inspect_begin(tv_ctx *ctx, tv_inspection *run, double axial_offset_mm);
/* Feeds the next rows of a long surface (a line-scan strip of any height >= 1; every strip of a
 * surface has the width and pixel type of the first). The result holds the defects that are
 * complete (a defect crossing into the next strip is kept open and reported once, whole, when it
 * ends), and the verdict of the surface so far. Needs geometry.axis "rows". Statuses as
 * tv_inspect_frame, TV_ERR_SIZE also for a width that changed, TV_ERR_TYPE for a type that did. */
TV_API tv_status tv_inspect_strip(tv_ctx *ctx, tv_inspection *run, const tv_image *strip,
                                  tv_result **result);
/* Ends the surface: reports the defects still open and the verdict of the whole surface, then
 * starts the next surface (frame index + 1) at the axial position where this one ended. Statuses:
 * TV_OK, TV_ERR_NULL, TV_ERR_SIZE (the surface is shorter than a tile), TV_ERR_NOMEM. */
TV_API tv_status tv_inspect_finish(tv_ctx *ctx, tv_inspection *run, tv_result **result);

/* Destroys a result. Accepts NULL. */
TV_API void tv_result_destroy(tv_result *result);
/* Number of defects, and defect i (NULL out of range; borrowed from the result). */
TV_API int32_t tv_result_count(const tv_result *result);
TV_API const tv_defect *tv_result_defect(const tv_result *result, int32_t index);
/* The verdict (TV_VERDICT_REJECT for a NULL result), and the reasons for a reject: count, and
 * reason i as text (NULL out of range; borrowed). */
TV_API tv_verdict tv_result_verdict(const tv_result *result);
TV_API int32_t tv_result_reason_count(const tv_result *result);
TV_API const char *tv_result_reason(const tv_result *result, int32_t index);
/* Name of class id (NULL out of range; borrowed from the result). */
TV_API const char *tv_result_class_name(const tv_result *result, int32_t class_id);
/* Facts about the result, by key. Values are pinned. */
typedef enum tv_result_key {
  TV_RESULT_FRAME = 1,       /* frame (surface) index */
  TV_RESULT_WIDTH = 2,       /* image width, pixels */
  TV_RESULT_ROWS = 3,        /* rows of this frame or strip */
  TV_RESULT_FIRST_ROW = 4,   /* surface row of the frame's or strip's first row */
  TV_RESULT_FINAL = 5,       /* 1: the frame or surface is complete (frame, finish); 0: a strip */
  TV_RESULT_SURFACE_ROWS = 6 /* rows of the surface inspected so far */
} tv_result_key;
/* Statuses: TV_OK, TV_ERR_NULL, TV_ERR_ARG (unknown key). */
TV_API tv_status tv_result_get(tv_ctx *ctx, const tv_result *result, tv_result_key key,
                               int64_t *value);
/* The frame's heatmap (1-channel f32, image size / the model's stride, values 0..1) when the
 * inspection kept it (TV_INSPECTION_KEEP_HEATMAP), else NULL. Borrowed from the result. */
TV_API const tv_image *tv_result_heatmap(const tv_result *result);
/* Names the input the result is about (a file name, a camera id; copied), written to the JSON as
 * "source". Statuses: TV_OK, TV_ERR_NULL, TV_ERR_NOMEM. */
TV_API tv_status tv_result_set_source(tv_ctx *ctx, tv_result *result, const char *source);
/* The result as JSON (schema "tubevision-inspect/1", docs/inspect-json.md), a NUL-terminated
 * string in *out to free with tv_free. Statuses: TV_OK, TV_ERR_NULL, TV_ERR_NOMEM. */
TV_API tv_status tv_result_json(tv_ctx *ctx, const tv_result *result, char **out);
/* Renders an overlay a person can read: image (the frame or strip the result is about; u8 or u16,
 * 1, 3 or 4 channels; u16 stretched to its range) as an RGB u8 picture, tinted red where the
 * heatmap is high (heatmap: 1-channel f32 of any size, stretched over the image; NULL for none,
 * or the result's own), with a box and a label (class and score) per defect. Writes a new image
 * to *out. Statuses: TV_OK, TV_ERR_NULL, TV_ERR_ARG, TV_ERR_TYPE, TV_ERR_NOMEM. */
TV_API tv_status tv_result_overlay(tv_ctx *ctx, const tv_result *result, const tv_image *image,
                                   const tv_image *heatmap, tv_image **out);

/* ---- synthetic tube surfaces ----------------------------------------------------------------- */

/* Defect kinds of the generator. Values are pinned. */
typedef enum tv_synth_kind {
  TV_SYNTH_SCRATCH = 0,   /* thin straight dark line, mostly along the axis */
  TV_SYNTH_PIT = 1,       /* small dark round spot */
  TV_SYNTH_DENT = 2,      /* large shallow elliptical depression: darker on one side */
  TV_SYNTH_INCLUSION = 3, /* irregular dark or bright blob, stretched along the axis */
  TV_SYNTH_CRACK = 4,     /* jagged thin dark line */
  TV_SYNTH_KINDS_ = 5
} tv_synth_kind;

/* The name of a kind ("scratch", "pit", "dent", "inclusion", "crack"), "unknown" otherwise. */
TV_API const char *tv_synth_kind_name(int32_t kind);

/* One generated defect: its kind and where it is. Fixed layout, 8-byte aligned. */
typedef struct tv_synth_defect {
  int32_t kind;          /* tv_synth_kind */
  int32_t label;         /* its value in the mask (index + 1) */
  int32_t x, y;          /* bounding box of its mask, pixels */
  int32_t width, height; /* likewise */
  int64_t area_px;       /* pixels of its mask */
  double cx, cy;         /* centre as placed */
  double length_px;      /* extent along the axis (rows) as drawn */
  double width_px;       /* extent across */
  double contrast;       /* relative change of brightness at its core (negative: darker) */
} tv_synth_defect;

/* The generator's settings, by key (all doubles). Values are pinned. */
typedef enum tv_synth_key {
  TV_SYNTH_WIDTH = 1,     /* pixels, default 1024 */
  TV_SYNTH_HEIGHT = 2,    /* pixels (along the axis), default 1024 */
  TV_SYNTH_BITS = 3,      /* 8 (u8) or 12..16 (u16 holding that many bits), default 8 */
  TV_SYNTH_SEED = 4,      /* any integer, default 1 */
  TV_SYNTH_DEFECTS = 5,   /* number of defects, 0..255, default 6 */
  TV_SYNTH_KINDS = 6,     /* bit mask of tv_synth_kind to choose from, default all (31) */
  TV_SYNTH_SEAM = 7,      /* 1: a weld seam along the axis, default 0 */
  TV_SYNTH_MARKS = 8,     /* strength of the axial drawing marks, 0..1, default 0.5 */
  TV_SYNTH_NOISE = 9,     /* sensor noise, standard deviation relative to full scale, def. 0.01 */
  TV_SYNTH_SHADING = 10,  /* depth of the cylindrical shading 0..1, default 0.6 */
  TV_SYNTH_CONTRAST = 11, /* multiplies every defect's contrast, default 1 */
  TV_SYNTH_MARGIN = 12    /* pixels kept free of defects at every edge, default 16 */
} tv_synth_key;

/* A generator: settings and, after a render, the ground truth. Used by one thread at a time. */
typedef struct tv_synth tv_synth;
/* Statuses: TV_OK, TV_ERR_NULL, TV_ERR_NOMEM. */
TV_API tv_status tv_synth_create(tv_ctx *ctx, tv_synth **out);
TV_API void tv_synth_destroy(tv_synth *synth);
/* Statuses: TV_OK, TV_ERR_NULL, TV_ERR_ARG (unknown key or value out of range). */
TV_API tv_status tv_synth_set(tv_ctx *ctx, tv_synth *synth, tv_synth_key key, double value);
TV_API tv_status tv_synth_get(tv_ctx *ctx, const tv_synth *synth, tv_synth_key key, double *value);
/* Renders a surface: *image (1-channel u8 or u16) and, when mask is not NULL, *mask (1-channel u8,
 * 0 for clean surface, defect index + 1 on its pixels). The same settings give the same pixels on
 * every machine and thread count. The ground truth is kept in the generator until the next
 * render. Statuses: TV_OK, TV_ERR_NULL, TV_ERR_ARG (defects do not fit), TV_ERR_TOO_LARGE,
 * TV_ERR_NOMEM. */
TV_API tv_status tv_synth_render(tv_ctx *ctx, tv_synth *synth, tv_image **image, tv_image **mask);
/* The ground truth of the last render: count and defect i (NULL out of range; borrowed). */
TV_API int32_t tv_synth_defect_count(const tv_synth *synth);
TV_API const tv_synth_defect *tv_synth_defect_get(const tv_synth *synth, int32_t index);
/* The ground truth and settings as JSON ("schema": "tubevision-synth/1"), free with tv_free.
 * Statuses: TV_OK, TV_ERR_NULL, TV_ERR_NOMEM. */
TV_API tv_status tv_synth_json(tv_ctx *ctx, const tv_synth *synth, char **out);

#ifdef __cplusplus
}
#endif
#endif
