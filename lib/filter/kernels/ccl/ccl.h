/* The ccl family: the row scans of connected-component labelling (lib/filter/components.c).
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef TVI_CCL_H
#define TVI_CCL_H

#include <stdint.h>

/* One mask row as bit masks and runs. The runs of nonzero samples are numbered left to right;
 * run i covers [x[2i], x[2i + 1]). Bit t of a mask is bit t % 64 of word t / 64; bits at t >= w
 * are 0, except that e has a bit at w when the last run ends there. */
typedef struct tvi_ccl_row {
  uint64_t *bits; /* nonzero samples */
  uint64_t *s;    /* first sample of each run */
  uint64_t *e;    /* first sample after each run */
  uint32_t *ps;   /* bits of s in the words before each word */
  uint32_t *pe;   /* bits of e in the words before each word */
  int32_t *x;     /* 2 per run, room for w + 2 + TVI_CCL_SLACK */
  int32_t n;      /* runs */
} tvi_ccl_row;

/* Room a kernel may write past the run list. */
#define TVI_CCL_SLACK 16

/* Words in each mask of a row of w samples: room for bits up to w + 1. */
static inline int32_t tvi_ccl_words(int32_t w) { return (int32_t)(((int64_t)w + 1) / 64 + 1); }

/* One instruction set's kernels. Every entry is set. */
typedef struct tvi_ccl_kernels {
  /* Fills r (masks of tvi_ccl_words(w) words, runs) from w samples at src; reads only those. */
  void (*load_u8)(const uint8_t *src, int32_t w, tvi_ccl_row *r);
  void (*load_u16)(const uint16_t *src, int32_t w, tvi_ccl_row *r);
  /* The rest of r (masks, runs) from its bits alone, as load_u8 / load_u16 make it. */
  void (*runs)(tvi_ccl_row *r, int32_t w);
  /* Joins the runs of row cr (numbered from cb in the union-find forest `parent`) to the runs of
   * the row above, pr (numbered from pb, pr->n > 0), 8- or 4-connected: each run of cr that touches
   * runs of pr hangs under the grandparent of the first of them, one that touches none becomes a
   * root, and each gap between two runs of pr bridged by a run of cr joins their trees (the smaller
   * root stays the root). Every parent keeps a smaller index than its child. Returns the runs of
   * cr that touch pr plus the joins that merged two trees. w: the rows' width. */
  int64_t (*join)(int32_t *parent, const tvi_ccl_row *pr, int32_t pb, const tvi_ccl_row *cr,
                  int32_t cb, int32_t w, int conn8);
  /* out[0..w) = lab[i] over run i of r and 0 between runs. lab[-1] and lab[r->n] up to
   * lab[r->n + TVI_CCL_SLACK - 1] must be readable (their values do not matter). */
  void (*fill)(int32_t *out, int32_t w, const tvi_ccl_row *r, const int32_t *lab);
} tvi_ccl_kernels;

struct tv_ctx;
/* The best variant the context may run (lib/filter/components.c). */
const tvi_ccl_kernels *tvi_ccl_select(const struct tv_ctx *ctx);

extern const tvi_ccl_kernels tvi_ccl_scalar;
extern const tvi_ccl_kernels tvi_ccl_sse4;
extern const tvi_ccl_kernels tvi_ccl_avx2;
extern const tvi_ccl_kernels tvi_ccl_avx512;
extern const tvi_ccl_kernels tvi_ccl_neon;

/* ---- helpers shared by the kernels and components.c ---- */

static inline int tvi_ccl_pop(uint64_t x) { return __builtin_popcountll(x); }

/* Bits of b (with prefix counts pre) at positions < t. */
static inline int32_t tvi_ccl_rank(const uint64_t *b, const uint32_t *pre, int32_t t) {
  return (int32_t)pre[t >> 6] + tvi_ccl_pop(b[t >> 6] & ((1ULL << (t & 63)) - 1));
}

/* The root of i's tree, halving the path on the way. */
static inline int32_t tvi_ccl_find(int32_t *p, int32_t i) {
  while (p[i] != i) {
    p[i] = p[p[i]];
    i = p[i];
  }
  return i;
}

/* Word k of the bridged gaps of row pr: a bit at the first sample of each run of pr that is joined
 * to the run before it through a run of cr (8-connected: cr is nonzero over the whole gap; 4: also
 * on the samples either side). *carry and *cbit carry state from word to word (start at 0). The
 * gap's samples in cr, c & ~p, are added to a bit at the gap's first sample: the carry runs
 * through the gap and lands on the next run's first sample only when no sample is missing. */
static inline uint64_t tvi_ccl_bridges(const tvi_ccl_row *pr, const tvi_ccl_row *cr, int32_t k,
                                       int conn8, uint64_t *carry, uint64_t *cbit) {
  const uint64_t c = cr->bits[k], v = c & ~pr->bits[k];
  uint64_t seed = pr->e[k];
  if (!conn8) {
    seed &= (c << 1) | *cbit; /* the sample before the gap is set */
    *cbit = c >> 63;
  }
  const uint64_t s1 = v + seed, sum = s1 + *carry;
  *carry = (uint64_t)(s1 < v) | (uint64_t)(sum < s1);
  const uint64_t b = sum & pr->s[k];
  return conn8 ? b : b & c;
}

/* The first run of pr that run [x0, x1) of the row below touches, in *j, and whether it touches
 * any (8-connected: runs ending at x0 or later and starting at x1 or earlier; 4: after x0 and
 * before x1). */
static inline int32_t tvi_ccl_touch(const tvi_ccl_row *pr, int32_t x0, int32_t x1, int conn8,
                                    int32_t *j) {
  const int32_t e = conn8 ? 0 : 1;
  *j = tvi_ccl_rank(pr->e, pr->pe, x0 + e);
  return tvi_ccl_rank(pr->s, pr->ps, x1 + 1 - e) > *j;
}

#endif
