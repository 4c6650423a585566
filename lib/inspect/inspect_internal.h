/* Internal layout of the inspection module: configuration, inspector, run state, results.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef TVI_INSPECT_INTERNAL_H
#define TVI_INSPECT_INTERNAL_H

#include <stdint.h>

#include "core/internal.h"
#include "tubevision/inspect.h"

struct cJSON;

#define TVI_INSPECT_MAX_CLASSES 256
#define TVI_INSPECT_MAX_REASONS 64

/* Limits of one class; a negative value means "no limit". */
typedef struct tvi_rule {
  double max_length_mm, max_width_mm, max_area_mm2, max_count_per_m, min_score;
  int explicit_rule; /* named in the configuration (else copied from "*") */
} tvi_rule;

enum { TVI_SHADING_NONE = -1 };

typedef struct tvi_inspect_config {
  /* geometry */
  double mm_axial, mm_circ, diameter_mm, angle_offset_deg, coverage_deg;
  int axis_rows; /* 1: image rows run along the axis; 0: columns do */
  /* preprocessing */
  int shading;          /* a tv_shading_method or TVI_SHADING_NONE */
  double shading_param; /* profile smoothing window or Gaussian sigma */
  double target_level;  /* mean after correction, fraction of full scale; 0 keeps the mean */
  /* tiling */
  int32_t tile, overlap;
  /* detection */
  double low, high;
  double measure_level; /* extent measured where the heatmap > max(low, level x peak) */
  int32_t connectivity, min_area_px, heat_channel, max_open_rows;
  /* classification */
  int32_t crop_margin;
  /* rules: rules[class] for every class, and the default "*" */
  tvi_rule def;
  tvi_rule rules[TVI_INSPECT_MAX_CLASSES];
} tvi_inspect_config;

struct tv_inspector {
  const tv_model *heat, *cls;
  tvi_inspect_config cfg;
  int32_t nclasses;
  char *class_names[TVI_INSPECT_MAX_CLASSES];
  int32_t stride, heat_classes, heat_in_ch;
  float heat_mean[4], heat_std[4];
  int32_t cls_in_ch, cls_h, cls_w, cls_classes;
};

struct tv_result {
  int32_t count, cap;
  tv_defect *defects;
  int32_t nreasons;
  char **reasons;
  tv_verdict verdict;
  int32_t nclasses;
  char **class_names; /* copies */
  int64_t frame, width, rows, first_row, final, surface_rows;
  int64_t *class_counts; /* defects per class on the surface so far */
  double mm_axial, mm_circ, axial0, surface_mm;
  tv_image *heatmap;
  int32_t stride;
  char *source;
};

/* Fills cfg with the built-in defaults. */
void tvi_config_defaults(tvi_inspect_config *cfg);
/* Parses JSON over the defaults and checks it against the classes. */
tv_status tvi_config_parse(tv_ctx *ctx, const char *func, const char *json, tvi_inspect_config *cfg,
                           char *const *class_names, int32_t nclasses);
/* The configuration as JSON (malloc'd text). */
tv_status tvi_config_json(tv_ctx *ctx, const char *func, const tvi_inspect_config *cfg,
                          char *const *class_names, int32_t nclasses, char **out);

/* cJSON_Print into a malloc'd string that tv_free releases. */
tv_status tvi_json_print(tv_ctx *ctx, const char *func, const struct cJSON *root, char **out);

/* A new empty result for nclasses classes (names copied). */
tv_status tvi_result_new(tv_ctx *ctx, const char *func, char *const *class_names, int32_t nclasses,
                         tv_result **out);
/* Appends a defect; adds a reason (formatted text). */
tv_status tvi_result_add(tv_ctx *ctx, const char *func, tv_result *r, const tv_defect *d);
tv_status tvi_result_reason(tv_ctx *ctx, const char *func, tv_result *r, const char *text);

#endif
