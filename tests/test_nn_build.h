/* A model-file builder for the nn tests: writes models/FORMAT.md files in memory.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef TVT_NN_BUILD_H
#define TVT_NN_BUILD_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nn/nn_internal.h"

enum { TVB_MAX_OPS = 64, TVB_MAX_TENSORS = 128 };

typedef struct tvb_op {
  uint32_t type, ninputs, inputs[8], weight, bias;
  int32_t ip[15];
  float fp[4];
} tvb_op;

typedef struct tvb_model {
  const char *name;
  uint32_t channels, height, width, kind, stride;
  float mean[4], std[4];
  int nclasses;
  const char *classes[64];
  int nops;
  tvb_op ops[TVB_MAX_OPS];
  uint32_t output; /* 0: the last op */
  int ntensors;
  const float *tensors[TVB_MAX_TENSORS];
  uint64_t counts[TVB_MAX_TENSORS];
  /* Format version 2 metadata entries (FORMAT.md): written, with version 2, when v2 is set. */
  int v2, nentries;
  struct {
    uint32_t tag, size;
    uint8_t bytes[16];
  } entries[4];
} tvb_model;

/* Adds a detection-thresholds entry (and makes the file version 2). */
static inline void tvb_detection(tvb_model *m, float low, float high) {
  m->v2 = 1;
  m->entries[m->nentries].tag = TVI_META_DETECTION, m->entries[m->nentries].size = 8;
  memcpy(m->entries[m->nentries].bytes, &low, 4);
  memcpy(m->entries[m->nentries].bytes + 4, &high, 4);
  m->nentries++;
}

/* A model of `channels` x height x width input (0 x 0: any size) giving scores. */
static inline void tvb_init(tvb_model *m, uint32_t channels, uint32_t height, uint32_t width) {
  memset(m, 0, sizeof *m);
  m->name = "test";
  m->channels = channels, m->height = height, m->width = width;
  m->kind = TV_MODEL_SCORES;
  for (int k = 0; k < 4; k++) m->std[k] = 1.0f;
}

/* Adds a tensor (borrowed: must stay alive until tvb_bytes); returns its index. */
static inline uint32_t tvb_tensor(tvb_model *m, const float *data, uint64_t count) {
  m->tensors[m->ntensors] = data;
  m->counts[m->ntensors] = count;
  return (uint32_t)m->ntensors++;
}

/* Adds an operator with up to 15 integer parameters (ip, nip) and two float ones; returns its
 * output value id. */
static inline uint32_t tvb_op_add(tvb_model *m, uint32_t type, uint32_t nin, const uint32_t *ins,
                                  const int32_t *ip, int nip, float a, float b, uint32_t weight,
                                  uint32_t bias) {
  tvb_op *op = &m->ops[m->nops];
  memset(op, 0, sizeof *op);
  op->type = type, op->ninputs = nin, op->weight = weight, op->bias = bias;
  for (uint32_t k = 0; k < nin; k++) op->inputs[k] = ins[k];
  for (int k = 0; k < nip; k++) op->ip[k] = ip[k];
  op->fp[0] = a, op->fp[1] = b;
  return (uint32_t)++m->nops;
}

static inline void tvb_put32(uint8_t *p, uint32_t v) {
  for (int k = 0; k < 4; k++) p[k] = (uint8_t)(v >> (8 * k));
}
static inline void tvb_put64(uint8_t *p, uint64_t v) {
  for (int k = 0; k < 8; k++) p[k] = (uint8_t)(v >> (8 * k));
}
static inline uint64_t tvb_get64(const uint8_t *p) {
  uint64_t v = 0;
  for (int k = 7; k >= 0; k--) v = v << 8 | p[k];
  return v;
}
static inline void tvb_putf(uint8_t *p, float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  tvb_put32(p, u);
}

/* Recomputes the checksum of a model file in place (after a test changed bytes). */
static inline void tvb_fix_crc(uint8_t *buf, size_t size) {
  if (size >= 16) tvb_put32(buf + 12, tvi_crc32(0, buf + 16, size - 16));
}

/* The file's bytes (malloc'd), or NULL. */
static inline uint8_t *tvb_bytes(const tvb_model *m, size_t *size) {
  size_t meta = 56 + 4 + strlen(m->name);
  for (int i = 0; i < m->nclasses; i++) meta += 4 + strlen(m->classes[i]);
  if (m->v2) meta += 4;
  for (int e = 0; m->v2 && e < m->nentries; e++) meta += 8 + m->entries[e].size;
  const size_t graph = 8 + 128 * (size_t)m->nops, table = 8 + 16 * (size_t)m->ntensors;
  size_t data = 0;
  for (int t = 0; t < m->ntensors; t++) data = ((data + 63) & ~(size_t)63) + 4 * m->counts[t];
  const size_t moff = 128, goff = moff + meta, toff = goff + graph;
  const size_t doff = (toff + table + 63) & ~(size_t)63, total = doff + data;
  uint8_t *b = calloc(1, total), *p;
  if (!b) return NULL;
  memcpy(b, TVI_MODEL_MAGIC, 8);
  tvb_put32(b + 8, m->v2 ? 2 : 1);
  tvb_put64(b + 16, total);
  const size_t offs[8] = {moff, meta, goff, graph, toff, table, doff, data};
  for (int k = 0; k < 8; k++) tvb_put64(b + 24 + 8 * k, offs[k]);
  p = b + moff;
  const uint32_t head[6] = {m->channels,           m->height, m->width, m->kind,
                            (uint32_t)m->nclasses, m->stride};
  for (int k = 0; k < 6; k++) tvb_put32(p + 4 * k, head[k]);
  for (int k = 0; k < 4; k++)
    tvb_putf(p + 24 + 4 * k, m->mean[k]), tvb_putf(p + 40 + 4 * k, m->std[k]);
  p += 56;
  tvb_put32(p, (uint32_t)strlen(m->name));
  memcpy(p + 4, m->name, strlen(m->name));
  p += 4 + strlen(m->name);
  for (int i = 0; i < m->nclasses; i++) {
    tvb_put32(p, (uint32_t)strlen(m->classes[i]));
    memcpy(p + 4, m->classes[i], strlen(m->classes[i]));
    p += 4 + strlen(m->classes[i]);
  }
  if (m->v2) {
    tvb_put32(p, (uint32_t)m->nentries);
    p += 4;
    for (int e = 0; e < m->nentries; e++) {
      tvb_put32(p, m->entries[e].tag);
      tvb_put32(p + 4, m->entries[e].size);
      memcpy(p + 8, m->entries[e].bytes, m->entries[e].size);
      p += 8 + m->entries[e].size;
    }
  }
  p = b + goff;
  tvb_put32(p, (uint32_t)m->nops);
  tvb_put32(p + 4, m->output ? m->output : (uint32_t)m->nops);
  for (int i = 0; i < m->nops; i++) {
    uint8_t *r = p + 8 + 128 * (size_t)i;
    const tvb_op *op = &m->ops[i];
    tvb_put32(r, op->type);
    tvb_put32(r + 4, op->ninputs);
    for (int k = 0; k < 8; k++) tvb_put32(r + 8 + 4 * k, op->inputs[k]);
    tvb_put32(r + 40, op->weight);
    tvb_put32(r + 44, op->bias);
    for (int k = 0; k < 15; k++) tvb_put32(r + 48 + 4 * k, (uint32_t)op->ip[k]);
    for (int k = 0; k < 4; k++) tvb_putf(r + 108 + 4 * k, op->fp[k]);
  }
  p = b + toff;
  tvb_put32(p, (uint32_t)m->ntensors);
  size_t at = 0;
  for (int t = 0; t < m->ntensors; t++) {
    at = (at + 63) & ~(size_t)63;
    tvb_put64(p + 8 + 16 * t, at);
    tvb_put64(p + 16 + 16 * t, m->counts[t]);
    for (uint64_t i = 0; i < m->counts[t]; i++) tvb_putf(b + doff + at + 4 * i, m->tensors[t][i]);
    at += 4 * m->counts[t];
  }
  tvb_fix_crc(b, total);
  *size = total;
  return b;
}

#endif
