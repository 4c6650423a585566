/* The ccl kernels written once: ccl_scalar.c compiles them as the reference, and each ISA file
 * compiles the same code with its own flags (hardware popcount and bit scans) and its own
 * vector code for turning samples into bits and for filling label rows.
 * Include once per ISA file after defining TVI_CCL_ISA (the suffix of the kernel names) and
 * TVI_CCL_BITS_U8(p) / TVI_CCL_BITS_U16(p): a uint64_t with bit i set when sample p[i] of 64 is
 * nonzero. For vector fills also define TVI_CCL_LANES (int32 lanes per vector), TVI_CCL_VEC (the
 * vector type), TVI_CCL_SET1(v) and TVI_CCL_STORE(p, vec) (unaligned store); without them the
 * fill is the plain loop. TVI_CCL_POSITIONS(x, t, base) may store base + the position of each
 * set bit of t (nonzero) at x in ascending order and return x past them; it may write up to
 * TVI_CCL_SLACK int32 past them. TVI_CCL_FILL may name the ISA's own fill kernel.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef TVI_CCL_IMPL_H
#define TVI_CCL_IMPL_H

#include <string.h>

#include "ccl.h"

#define TVI_CCL_CAT2(a, b) a##_##b
#define TVI_CCL_CAT(a, b) TVI_CCL_CAT2(a, b)
#define TVI_CCL_NAME(op) TVI_CCL_CAT(op, TVI_CCL_ISA)

/* The starts, ends, prefix counts and run list of r from its bits. */
static inline void TVI_CCL_NAME(tvi_ccl_runs)(tvi_ccl_row *r, int32_t nw) {
  const uint64_t *restrict bits = r->bits;
  uint64_t *restrict rs = r->s, *restrict re = r->e;
  uint32_t *restrict ps = r->ps, *restrict pe = r->pe;
  uint64_t carry = 0;
  uint32_t cs = 0, ce = 0;
  int32_t *restrict x = r->x;
  for (int32_t k = 0; k < nw; k++) {
    const uint64_t m = bits[k], prev = (m << 1) | carry;
    carry = m >> 63;
    const uint64_t s = m & ~prev, e = ~m & prev;
    rs[k] = s;
    re[k] = e;
    ps[k] = cs;
    pe[k] = ce;
    cs += (uint32_t)tvi_ccl_pop(s);
    ce += (uint32_t)tvi_ccl_pop(e);
    uint64_t t = s | e; /* starts and ends alternate */
#ifdef TVI_CCL_POSITIONS
    if (t) x = TVI_CCL_POSITIONS(x, t, k * 64);
#else
    while (t) {
      *x++ = k * 64 + __builtin_ctzll(t);
      t &= t - 1;
    }
#endif
  }
  r->n = (int32_t)cs;
}

#define TVI_CCL_LOAD(type, T, BITS)                                                                \
  static void TVI_CCL_NAME(tvi_ccl_load_##type)(const T *src, int32_t w, tvi_ccl_row *r) {         \
    const int32_t nw = tvi_ccl_words(w);                                                           \
    int32_t k = 0;                                                                                 \
    for (; (int64_t)k * 64 + 64 <= w; k++) r->bits[k] = BITS(src + (int64_t)k * 64);               \
    for (; k < nw; k++) {                                                                          \
      uint64_t m = 0;                                                                              \
      for (int32_t i = k * 64; i < w && i < k * 64 + 64; i++)                                      \
        m |= (uint64_t)(src[i] != 0) << (i - k * 64);                                              \
      r->bits[k] = m;                                                                              \
    }                                                                                              \
    TVI_CCL_NAME(tvi_ccl_runs)(r, nw);                                                             \
  }
TVI_CCL_LOAD(u8, uint8_t, TVI_CCL_BITS_U8)
TVI_CCL_LOAD(u16, uint16_t, TVI_CCL_BITS_U16)

static void TVI_CCL_NAME(tvi_ccl_runs_row)(tvi_ccl_row *r, int32_t w) {
  TVI_CCL_NAME(tvi_ccl_runs)(r, tvi_ccl_words(w));
}

/* Joins the trees of a and b (the smaller root stays the root); 1 when they were apart. */
static inline int TVI_CCL_NAME(tvi_ccl_unite)(int32_t *p, int32_t a, int32_t b) {
  a = tvi_ccl_find(p, a);
  b = tvi_ccl_find(p, b);
  const int32_t lo = a < b ? a : b, hi = a < b ? b : a;
  p[hi] = lo;
  return a != b;
}

static int64_t TVI_CCL_NAME(tvi_ccl_join)(int32_t *parent, const tvi_ccl_row *pr, int32_t pb,
                                          const tvi_ccl_row *cr, int32_t cb, int32_t w, int conn8) {
  const int32_t nw = tvi_ccl_words(w);
  int64_t joins = 0;
  uint64_t carry = 0, cbit = 0;
  for (int32_t k = 0; k < nw; k++) {
    uint64_t b = tvi_ccl_bridges(pr, cr, k, conn8, &carry, &cbit);
    while (b) {
      const int32_t j = pb + tvi_ccl_rank(pr->s, pr->ps, k * 64 + __builtin_ctzll(b));
      b &= b - 1;
      joins += TVI_CCL_NAME(tvi_ccl_unite)(parent, j - 1, j);
    }
  }
  /* No branch on touching (it is as random as the mask): a select by mask. */
  const int32_t *x = cr->x;
  for (int32_t i = 0; i < cr->n; i++) {
    int32_t j;
    const int32_t touch = tvi_ccl_touch(pr, x[2 * i], x[2 * i + 1], conn8, &j), m = -touch;
    const int32_t c = cb + i, g = parent[parent[pb + (j & m)]];
    parent[c] = c ^ ((c ^ g) & m);
    joins += touch;
  }
  return joins;
}

#ifndef TVI_CCL_FILL
static void TVI_CCL_NAME(tvi_ccl_fill)(int32_t *out, int32_t w, const tvi_ccl_row *r,
                                       const int32_t *lab) {
  const int32_t *x = r->x, n = r->n;
  int32_t i = 0, p = 0; /* p: first sample not written yet */
#ifdef TVI_CCL_LANES
  /* A gap of up to one vector is one vector of zeros from p, a longer one a memset; the run is
   * whole vectors from its start up to its end (past it). What lies past a gap or a run is
   * rewritten by the next run or gap: no branch per sample, nothing written at or past w. */
  const TVI_CCL_VEC z = TVI_CCL_SET1(0);
  for (; i < n && x[2 * i + 1] + TVI_CCL_LANES <= w; i++) {
    const int32_t x0 = x[2 * i], x1 = x[2 * i + 1];
    const TVI_CCL_VEC v = TVI_CCL_SET1(lab[i]);
    if (x0 - p <= TVI_CCL_LANES)
      TVI_CCL_STORE(out + p, z);
    else
      memset(out + p, 0, (size_t)(x0 - p) * sizeof *out);
    int32_t t = x0;
    do {
      TVI_CCL_STORE(out + t, v);
      t += TVI_CCL_LANES;
    } while (t < x1);
    p = x1;
  }
#endif
  for (; i < n; i++) {
    const int32_t x0 = x[2 * i], x1 = x[2 * i + 1], l = lab[i];
    for (; p < x0; p++) out[p] = 0;
    for (; p < x1; p++) out[p] = l;
  }
  for (; p < w; p++) out[p] = 0;
}
#define TVI_CCL_FILL TVI_CCL_NAME(tvi_ccl_fill)
#endif

#define TVI_CCL_TABLE                                                                              \
  {                                                                                                \
    TVI_CCL_NAME(tvi_ccl_load_u8), TVI_CCL_NAME(tvi_ccl_load_u16), TVI_CCL_NAME(tvi_ccl_runs_row), \
        TVI_CCL_NAME(tvi_ccl_join), TVI_CCL_FILL,                                                  \
  }

#endif
