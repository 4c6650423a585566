/* Inspection configuration: built-in defaults, parsing and checking JSON (cJSON), writing it back.
 * SPDX-License-Identifier: Apache-2.0 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/inspect_internal.h"

#define CONFIG_SCHEMA "tubevision-inspect-config/1"

void tvi_config_defaults(tvi_inspect_config *c) {
  memset(c, 0, sizeof *c);
  c->mm_axial = 0.1, c->mm_circ = 0.1, c->diameter_mm = 60, c->angle_offset_deg = 0;
  c->coverage_deg = 0, c->axis_rows = 1;
  c->shading = TV_SHADING_COLUMN_PROFILE, c->shading_param = 63, c->target_level = 0.5;
  c->tile = 256, c->overlap = 32;
  c->low = 0.5, c->high = 0.9, c->measure_level = 0.5, c->connectivity = 8, c->min_area_px = 4,
  c->heat_channel = -1;
  c->max_open_rows = 8192;
  c->crop_margin = 8;
  c->def = (tvi_rule){5.0, -1, 2.0, 10.0, 0.5, 1};
  for (int i = 0; i < TVI_INSPECT_MAX_CLASSES; i++)
    c->rules[i] = c->def, c->rules[i].explicit_rule = 0;
}

typedef struct parser {
  tv_ctx *ctx;
  const char *func;
  tv_status st;
} parser;

static int perr(parser *p, tv_status code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static int perr(parser *p, tv_status code, const char *fmt, ...) {
  if (p->st == TV_OK) {
    char msg[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    p->st = tvi_fail(p->ctx, code, p->func, "config: %s", msg);
  }
  return 0;
}

/* Checks that every key of obj is in the NULL-terminated list. */
static int known_keys(parser *p, const cJSON *obj, const char *where, const char *const *keys) {
  const cJSON *it;
  cJSON_ArrayForEach(it, obj) {
    int ok = 0;
    for (int k = 0; keys[k]; k++)
      if (it->string && strcmp(it->string, keys[k]) == 0) ok = 1;
    if (!ok) return perr(p, TV_ERR_ARG, "unknown key '%s%s'", where, it->string ? it->string : "");
  }
  return 1;
}

/* Reads a number member into *v when present (null sets `null_value` when allowed). */
static int num(parser *p, const cJSON *obj, const char *key, double *v, int null_ok) {
  const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
  if (!it) return 1;
  if (null_ok && cJSON_IsNull(it)) {
    *v = -1;
    return 1;
  }
  if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble))
    return perr(p, TV_ERR_ARG, "'%s' must be a finite number%s", key, null_ok ? " or null" : "");
  *v = it->valuedouble;
  return 1;
}

static int integer(parser *p, const cJSON *obj, const char *key, int32_t *v) {
  double d = *v;
  if (!num(p, obj, key, &d, 0)) return 0;
  if (d != floor(d) || fabs(d) > 1e9) return perr(p, TV_ERR_ARG, "'%s' must be an integer", key);
  *v = (int32_t)d;
  return 1;
}

static const cJSON *section(parser *p, const cJSON *root, const char *key) {
  const cJSON *it = cJSON_GetObjectItemCaseSensitive(root, key);
  if (it && !cJSON_IsObject(it)) {
    perr(p, TV_ERR_ARG, "'%s' must be an object", key);
    return NULL;
  }
  return it;
}

static int parse_rule(parser *p, const cJSON *o, const char *name, tvi_rule *r) {
  static const char *const keys[] = {"max_length_mm",   "max_width_mm", "max_area_mm2",
                                     "max_count_per_m", "min_score",    NULL};
  if (!cJSON_IsObject(o)) return perr(p, TV_ERR_ARG, "rule '%s' must be an object", name);
  char where[300];
  snprintf(where, sizeof where, "rules.%s.", name);
  if (!known_keys(p, o, where, keys)) return 0;
  if (!num(p, o, "max_length_mm", &r->max_length_mm, 1) ||
      !num(p, o, "max_width_mm", &r->max_width_mm, 1) ||
      !num(p, o, "max_area_mm2", &r->max_area_mm2, 1) ||
      !num(p, o, "max_count_per_m", &r->max_count_per_m, 1) ||
      !num(p, o, "min_score", &r->min_score, 1))
    return 0;
  if (r->min_score > 1) return perr(p, TV_ERR_ARG, "rule '%s': min_score must be in [0, 1]", name);
  r->explicit_rule = 1;
  return 1;
}

tv_status tvi_config_parse(tv_ctx *ctx, const char *func, const char *json, tvi_inspect_config *c,
                           char *const *class_names, int32_t nclasses) {
  parser p = {ctx, func, TV_OK};
  cJSON *root = NULL;
  if (!json || !*json) goto check;
  root = cJSON_Parse(json);
  if (!root) {
    const char *at = cJSON_GetErrorPtr();
    char near[40] = "";
    if (at) snprintf(near, sizeof near, "%.30s", at);
    p.st = tvi_fail(ctx, TV_ERR_FORMAT, func, "config: not valid JSON near '%s'", near);
    goto done;
  }
  if (!cJSON_IsObject(root)) {
    perr(&p, TV_ERR_ARG, "the configuration must be a JSON object");
    goto done;
  }
  static const char *const top[] = {"schema",     "geometry", "preprocess", "tiling", "detection",
                                    "classifier", "rules",    "comment",    NULL};
  if (!known_keys(&p, root, "", top)) goto done;
  const cJSON *schema = cJSON_GetObjectItemCaseSensitive(root, "schema");
  if (schema && (!cJSON_IsString(schema) || strcmp(schema->valuestring, CONFIG_SCHEMA) != 0)) {
    perr(&p, TV_ERR_UNSUPPORTED, "schema must be \"%s\"", CONFIG_SCHEMA);
    goto done;
  }
  const cJSON *g = section(&p, root, "geometry");
  if (g) {
    static const char *const keys[] = {"mm_per_px_axial",
                                       "mm_per_px_circumferential",
                                       "outer_diameter_mm",
                                       "angle_offset_deg",
                                       "coverage_deg",
                                       "axis",
                                       NULL};
    if (!known_keys(&p, g, "geometry.", keys) || !num(&p, g, "mm_per_px_axial", &c->mm_axial, 0) ||
        !num(&p, g, "mm_per_px_circumferential", &c->mm_circ, 0) ||
        !num(&p, g, "outer_diameter_mm", &c->diameter_mm, 0) ||
        !num(&p, g, "angle_offset_deg", &c->angle_offset_deg, 0) ||
        !num(&p, g, "coverage_deg", &c->coverage_deg, 0))
      goto done;
    const cJSON *axis = cJSON_GetObjectItemCaseSensitive(g, "axis");
    if (axis) {
      if (cJSON_IsString(axis) && strcmp(axis->valuestring, "rows") == 0)
        c->axis_rows = 1;
      else if (cJSON_IsString(axis) && strcmp(axis->valuestring, "columns") == 0)
        c->axis_rows = 0;
      else {
        perr(&p, TV_ERR_ARG, "geometry.axis must be \"rows\" or \"columns\"");
        goto done;
      }
    }
  }
  const cJSON *pre = section(&p, root, "preprocess");
  if (pre) {
    static const char *const keys[] = {"shading", "shading_param", "target_level", NULL};
    if (!known_keys(&p, pre, "preprocess.", keys) ||
        !num(&p, pre, "shading_param", &c->shading_param, 0) ||
        !num(&p, pre, "target_level", &c->target_level, 0))
      goto done;
    const cJSON *sh = cJSON_GetObjectItemCaseSensitive(pre, "shading");
    if (sh) {
      static const char *const names[] = {"column", "row", "gaussian"};
      int m = -2;
      if (cJSON_IsString(sh)) {
        if (strcmp(sh->valuestring, "none") == 0) m = TVI_SHADING_NONE;
        for (int i = 0; i < 3; i++)
          if (strcmp(sh->valuestring, names[i]) == 0) m = i;
      }
      if (m == -2) {
        perr(&p, TV_ERR_ARG, "preprocess.shading must be none, column, row or gaussian");
        goto done;
      }
      c->shading = m;
    }
  }
  const cJSON *t = section(&p, root, "tiling");
  if (t) {
    static const char *const keys[] = {"tile", "overlap", NULL};
    if (!known_keys(&p, t, "tiling.", keys) || !integer(&p, t, "tile", &c->tile) ||
        !integer(&p, t, "overlap", &c->overlap))
      goto done;
  }
  const cJSON *d = section(&p, root, "detection");
  if (d) {
    static const char *const keys[] = {
        "low",           "high", "connectivity", "min_area_px", "heatmap_channel", "max_open_rows",
        "measure_level", NULL};
    if (!known_keys(&p, d, "detection.", keys) || !num(&p, d, "low", &c->low, 0) ||
        !num(&p, d, "high", &c->high, 0) || !integer(&p, d, "connectivity", &c->connectivity) ||
        !integer(&p, d, "min_area_px", &c->min_area_px) ||
        !integer(&p, d, "heatmap_channel", &c->heat_channel) ||
        !integer(&p, d, "max_open_rows", &c->max_open_rows) ||
        !num(&p, d, "measure_level", &c->measure_level, 0))
      goto done;
  }
  const cJSON *cl = section(&p, root, "classifier");
  if (cl) {
    static const char *const keys[] = {"crop_margin_px", NULL};
    if (!known_keys(&p, cl, "classifier.", keys) ||
        !integer(&p, cl, "crop_margin_px", &c->crop_margin))
      goto done;
  }
  const cJSON *rules = section(&p, root, "rules");
  if (rules) {
    const cJSON *star = cJSON_GetObjectItemCaseSensitive(rules, "*");
    if (star) {
      c->def = (tvi_rule){-1, -1, -1, -1, -1, 0};
      if (!parse_rule(&p, star, "*", &c->def)) goto done;
    }
    for (int i = 0; i < TVI_INSPECT_MAX_CLASSES; i++)
      c->rules[i] = c->def, c->rules[i].explicit_rule = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, rules) {
      if (strcmp(it->string, "*") == 0) continue;
      int32_t id = -1;
      for (int32_t k = 0; k < nclasses; k++)
        if (strcmp(class_names[k], it->string) == 0) id = k;
      if (id < 0) {
        char list[200] = "";
        for (int32_t k = 0; k < nclasses && strlen(list) < 150; k++) {
          strncat(list, k ? ", " : "", sizeof list - strlen(list) - 1);
          strncat(list, class_names[k], sizeof list - strlen(list) - 1);
        }
        perr(&p, TV_ERR_ARG, "rules name the unknown class '%s' (classes: %s)", it->string, list);
        goto done;
      }
      tvi_rule r = c->def;
      if (!parse_rule(&p, it, it->string, &r)) goto done;
      c->rules[id] = r;
    }
  }
check:
  /* The values themselves. */
  if (!(c->mm_axial > 0) || c->mm_circ < 0 || !(c->diameter_mm > 0))
    perr(&p, TV_ERR_ARG,
         "geometry: mm_per_px_axial and outer_diameter_mm must be > 0, "
         "mm_per_px_circumferential >= 0");
  else if (c->coverage_deg < 0 || c->coverage_deg > 360)
    perr(&p, TV_ERR_ARG, "geometry.coverage_deg must be in [0, 360]");
  else if (c->coverage_deg == 0 && c->mm_circ == 0)
    perr(&p, TV_ERR_ARG, "geometry: give mm_per_px_circumferential or coverage_deg (or both)");
  else if (c->tile < 16 || c->tile > 4096 || c->overlap < 0 || c->overlap >= c->tile / 2 + 1 ||
           c->tile - c->overlap < 8)
    perr(&p, TV_ERR_ARG, "tiling: tile must be 16..4096 and overlap 0..tile/2");
  else if (!(c->low >= 0 && c->low < 1 && c->high >= c->low && c->high <= 1))
    perr(&p, TV_ERR_ARG, "detection: need 0 <= low < 1 and low <= high <= 1");
  else if (!(c->measure_level >= 0 && c->measure_level <= 1))
    perr(&p, TV_ERR_ARG, "detection.measure_level must be in [0, 1]");
  else if (c->connectivity != 4 && c->connectivity != 8)
    perr(&p, TV_ERR_ARG, "detection.connectivity must be 4 or 8");
  else if (c->min_area_px < 0 || c->max_open_rows < 64 || c->crop_margin < 0 ||
           c->crop_margin > 1024)
    perr(&p, TV_ERR_ARG,
         "min_area_px >= 0, max_open_rows >= 64 and crop_margin_px 0..1024 are required");
  else if (c->shading_param < 0 || c->shading_param > 1e5 ||
           (c->shading == TV_SHADING_GAUSSIAN && !(c->shading_param > 0)) || c->target_level < 0 ||
           c->target_level > 1)
    perr(&p, TV_ERR_ARG, "preprocess: shading_param 0..1e5 (> 0 for gaussian), target_level 0..1");
done:
  cJSON_Delete(root);
  return p.st;
}

tv_status tvi_json_print(tv_ctx *ctx, const char *func, const cJSON *root, char **out) {
  char *s = cJSON_Print(root);
  if (!s) return tvi_fail(ctx, TV_ERR_NOMEM, func, "out of memory");
  const size_t n = strlen(s) + 1;
  *out = malloc(n);
  if (*out) memcpy(*out, s, n);
  cJSON_free(s);
  return *out ? TV_OK : tvi_fail(ctx, TV_ERR_NOMEM, func, "out of memory");
}

static void add_limit(cJSON *o, const char *key, double v) {
  if (v < 0)
    cJSON_AddNullToObject(o, key);
  else
    cJSON_AddNumberToObject(o, key, v);
}

static cJSON *rule_json(const tvi_rule *r) {
  cJSON *o = cJSON_CreateObject();
  if (!o) return NULL;
  add_limit(o, "max_length_mm", r->max_length_mm);
  add_limit(o, "max_width_mm", r->max_width_mm);
  add_limit(o, "max_area_mm2", r->max_area_mm2);
  add_limit(o, "max_count_per_m", r->max_count_per_m);
  add_limit(o, "min_score", r->min_score);
  return o;
}

tv_status tvi_config_json(tv_ctx *ctx, const char *func, const tvi_inspect_config *c,
                          char *const *class_names, int32_t nclasses, char **out) {
  tv_status st = TV_OK;
  cJSON *root = cJSON_CreateObject();
  if (!root) return tvi_fail(ctx, TV_ERR_NOMEM, func, "out of memory");
  cJSON_AddStringToObject(root, "schema", CONFIG_SCHEMA);
  cJSON *g = cJSON_AddObjectToObject(root, "geometry");
  cJSON_AddNumberToObject(g, "mm_per_px_axial", c->mm_axial);
  cJSON_AddNumberToObject(g, "mm_per_px_circumferential", c->mm_circ);
  cJSON_AddNumberToObject(g, "outer_diameter_mm", c->diameter_mm);
  cJSON_AddNumberToObject(g, "angle_offset_deg", c->angle_offset_deg);
  cJSON_AddNumberToObject(g, "coverage_deg", c->coverage_deg);
  cJSON_AddStringToObject(g, "axis", c->axis_rows ? "rows" : "columns");
  cJSON *pre = cJSON_AddObjectToObject(root, "preprocess");
  static const char *const sh[] = {"column", "row", "gaussian"};
  cJSON_AddStringToObject(pre, "shading", c->shading < 0 ? "none" : sh[c->shading]);
  cJSON_AddNumberToObject(pre, "shading_param", c->shading_param);
  cJSON_AddNumberToObject(pre, "target_level", c->target_level);
  cJSON *t = cJSON_AddObjectToObject(root, "tiling");
  cJSON_AddNumberToObject(t, "tile", c->tile);
  cJSON_AddNumberToObject(t, "overlap", c->overlap);
  cJSON *d = cJSON_AddObjectToObject(root, "detection");
  cJSON_AddNumberToObject(d, "low", c->low);
  cJSON_AddNumberToObject(d, "high", c->high);
  cJSON_AddNumberToObject(d, "connectivity", c->connectivity);
  cJSON_AddNumberToObject(d, "min_area_px", c->min_area_px);
  cJSON_AddNumberToObject(d, "heatmap_channel", c->heat_channel);
  cJSON_AddNumberToObject(d, "max_open_rows", c->max_open_rows);
  cJSON_AddNumberToObject(d, "measure_level", c->measure_level);
  cJSON *cl = cJSON_AddObjectToObject(root, "classifier");
  cJSON_AddNumberToObject(cl, "crop_margin_px", c->crop_margin);
  cJSON *rules = cJSON_AddObjectToObject(root, "rules");
  cJSON_AddItemToObject(rules, "*", rule_json(&c->def));
  for (int32_t k = 0; k < nclasses; k++)
    if (c->rules[k].explicit_rule)
      cJSON_AddItemToObject(rules, class_names[k], rule_json(&c->rules[k]));
  st = tvi_json_print(ctx, func, root, out);
  cJSON_Delete(root);
  return st;
}
