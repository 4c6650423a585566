/* The median family's vector code, written once over per-ISA macros; included by each ISA file
 * (and by the scalar reference, with one-sample "vectors") once per sample type with:
 *   MT sample type, MV vector type, MN samples per vector, ML(p) / MS(p, v) unaligned load and
 *   store, MMIN(a, b) / MMAX(a, b), MSMIN / MSMAX the same on one sample, MNAME(x) a kernel name.
 * SPDX-License-Identifier: Apache-2.0 */

#define TVI_VS(a, b)                                                                               \
  do {                                                                                             \
    const MV t_ = MMIN(p[a], p[b]);                                                                \
    p[b] = MMAX(p[a], p[b]);                                                                       \
    p[a] = t_;                                                                                     \
  } while (0);
#define TVI_VL(a, b) p[a] = MMIN(p[a], p[b]);
#define TVI_VH(a, b) p[b] = MMAX(p[a], p[b]);
#define TVI_SS(a, b)                                                                               \
  do {                                                                                             \
    const MT t_ = MSMIN(q[a], q[b]);                                                               \
    q[b] = MSMAX(q[a], q[b]);                                                                      \
    q[a] = t_;                                                                                     \
  } while (0);
#define TVI_SL(a, b) q[a] = MSMIN(q[a], q[b]);
#define TVI_SH(a, b) q[b] = MSMAX(q[a], q[b]);

/* 3x3: with each column sorted (lo <= md <= hi), the median of the nine is the median of
 * max(lo), med(md) and min(hi) over the three columns. Two output rows share the sort of their
 * two middle rows. */
#define TVI_MED3S(a, b, c) MSMAX(MSMIN(a, b), MSMIN(MSMAX(a, b), c))
#define TVI_MED3V(a, b, c) MMAX(MMIN(a, b), MMIN(MMAX(a, b), c))

static MT MNAME(med3_at)(const MT *const *r, size_t x, size_t w) {
  const size_t xs[3] = {x > 0 ? x - 1 : 0, x, x + 1 < w ? x + 1 : w - 1};
  MT lo[3], hi[3], md[3];
  for (int o = 0; o < 3; o++) {
    const MT a = r[0][xs[o]], b = r[1][xs[o]], c = r[2][xs[o]];
    lo[o] = MSMIN(MSMIN(a, b), c);
    hi[o] = MSMAX(MSMAX(a, b), c);
    md[o] = TVI_MED3S(a, b, c);
  }
  return TVI_MED3S(MSMAX(MSMAX(lo[0], lo[1]), lo[2]), TVI_MED3S(md[0], md[1], md[2]),
                   MSMIN(MSMIN(hi[0], hi[1]), hi[2]));
}

static void MNAME(med3)(const void *const *rows_, void *d0_, void *d1_, size_t w) {
  const MT *const *r = (const MT *const *)rows_;
  MT *d0 = d0_, *d1 = d1_;
  if (w < MN + 2) {
    for (size_t x = 0; x < w; x++) {
      d0[x] = MNAME(med3_at)(r, x, w);
      d1[x] = MNAME(med3_at)(r + 1, x, w);
    }
    return;
  }
  /* Vectors over columns [1, w - 1), the last one overlapping the one before. */
  for (size_t x = 1;;) {
    MV lo0[3], hi0[3], lo1[3], hi1[3], m0[3], m1[3];
    for (int o = 0; o < 3; o++) {
      const size_t c = x - 1 + (size_t)o;
      const MV a = ML(r[0] + c), b = ML(r[1] + c), e = ML(r[2] + c), f = ML(r[3] + c);
      const MV bl = MMIN(b, e), bh = MMAX(b, e);
      const MV ta = MMAX(a, bl), tf = MMAX(f, bl);
      lo0[o] = MMIN(a, bl);
      m0[o] = MMIN(ta, bh);
      hi0[o] = MMAX(ta, bh);
      lo1[o] = MMIN(f, bl);
      m1[o] = MMIN(tf, bh);
      hi1[o] = MMAX(tf, bh);
    }
    const MV l0 = MMAX(MMAX(lo0[0], lo0[1]), lo0[2]), h0 = MMIN(MMIN(hi0[0], hi0[1]), hi0[2]);
    const MV l1 = MMAX(MMAX(lo1[0], lo1[1]), lo1[2]), h1 = MMIN(MMIN(hi1[0], hi1[1]), hi1[2]);
    MS(d0 + x, TVI_MED3V(l0, TVI_MED3V(m0[0], m0[1], m0[2]), h0));
    MS(d1 + x, TVI_MED3V(l1, TVI_MED3V(m1[0], m1[1], m1[2]), h1));
    if (x == w - 1 - MN) break;
    x += MN;
    if (x > w - 1 - MN) x = w - 1 - MN;
  }
  d0[0] = MNAME(med3_at)(r, 0, w);
  d1[0] = MNAME(med3_at)(r + 1, 0, w);
  d0[w - 1] = MNAME(med3_at)(r, w - 1, w);
  d1[w - 1] = MNAME(med3_at)(r + 1, w - 1, w);
}

#undef TVI_MED3S
#undef TVI_MED3V

static void MNAME(colsort5)(const void *const *rows_, void *const *out_, size_t w) {
  const MT *const *rows = (const MT *const *)rows_;
  MT *const *out = (MT *const *)out_;
  size_t i = 0;
  for (; i + MN <= w; i += MN) {
    MV p[5];
    for (int r = 0; r < 5; r++) p[r] = ML(rows[r] + i);
    TVI_SORT5_NET(TVI_VS)
    for (int r = 0; r < 5; r++) MS(out[r] + i, p[r]);
  }
  for (; i < w; i++) {
    MT q[5];
    for (int r = 0; r < 5; r++) q[r] = rows[r][i];
    TVI_SORT5_NET(TVI_SS)
    for (int r = 0; r < 5; r++) out[r][i] = q[r];
  }
}

/* One 5x5 median from scratch (narrow rows): both stages of the network on single samples. */
static MT MNAME(med5_at)(const MT *const *s, size_t x) {
  static const int ord[10] = TVI_MEDIAN25_PAIR_ORDER;
  MT q[25], m[25];
  for (int h = 0; h < 2; h++) {
    for (int c = 0; c < 2; c++)
      for (int r = 0; r < 5; r++) q[c * 5 + r] = s[r][x + 2 * (size_t)h + (size_t)c];
    TVI_MEDIAN25_PAIR_NET(TVI_SS)
    for (int k = 0; k < 10; k++) m[10 * h + k] = q[ord[k]];
  }
  for (int r = 0; r < 5; r++) m[20 + r] = s[r][x + 4];
  for (int k = 0; k < 25; k++) q[k] = m[k];
  TVI_MEDIAN25_MERGED_NET(TVI_SS, TVI_SL, TVI_SH)
  return q[24];
}

/* 5x5 over chunks of up to TVI_MED5_CHUNK outputs: the pair merges of columns (x, x + 1) for the
 * chunk's x .. x + n + 1 into ten rows of a local buffer (ranks smallest first), then per output
 * x the merged network on the merges at x and x + 2 and column x + 4. Vectors cover [0, n) with
 * the last one overlapping the one before (each output is a function of the input alone); a last
 * chunk narrower than a vector moves back to end at w. */
#ifndef TVI_MED5_CHUNK
#define TVI_MED5_CHUNK 256
#endif
static void MNAME(row5)(const void *const *s_, void *dst_, size_t w) {
  static const int ord[10] = TVI_MEDIAN25_PAIR_ORDER;
  const MT *const *s = (const MT *const *)s_;
  MT *dst = dst_;
  if (w < MN) {
    for (size_t x = 0; x < w; x++) dst[x] = MNAME(med5_at)(s, x);
    return;
  }
  MT m[10][TVI_MED5_CHUNK + 2];
  for (size_t i0 = 0; i0 < w; i0 += TVI_MED5_CHUNK) {
    size_t n = w - i0 < TVI_MED5_CHUNK ? w - i0 : TVI_MED5_CHUNK;
    if (n < MN) {
      i0 = w - MN;
      n = MN;
    }
    /* merges of columns (i0 + x, i0 + x + 1) for x in [0, n + 2) */
    for (size_t x = 0;;) {
      MV p[10];
      for (int c = 0; c < 2; c++)
        for (int r = 0; r < 5; r++) p[c * 5 + r] = ML(s[r] + i0 + x + c);
      TVI_MEDIAN25_PAIR_NET(TVI_VS)
      for (int k = 0; k < 10; k++) MS(&m[k][x], p[ord[k]]);
      if (x == n + 2 - MN) break;
      x += MN;
      if (x > n + 2 - MN) x = n + 2 - MN;
    }
    for (size_t x = 0;;) {
      MV p[25];
      for (int k = 0; k < 10; k++) {
        p[k] = ML(&m[k][x]);
        p[10 + k] = ML(&m[k][x + 2]);
      }
      for (int r = 0; r < 5; r++) p[20 + r] = ML(s[r] + i0 + x + 4);
      TVI_MEDIAN25_MERGED_NET(TVI_VS, TVI_VL, TVI_VH)
      MS(dst + i0 + x, p[24]);
      if (x == n - MN) break;
      x += MN;
      if (x > n - MN) x = n - MN;
    }
  }
}

static void MNAME(colsort7)(const void *const *rows_, void *const *out_, size_t w) {
  const MT *const *rows = (const MT *const *)rows_;
  MT *const *out = (MT *const *)out_;
  size_t i = 0;
  for (; i + MN <= w; i += MN) {
    MV p[7];
    for (int r = 0; r < 7; r++) p[r] = ML(rows[r] + i);
    TVI_SORT7_NET(TVI_VS)
    for (int r = 0; r < 7; r++) MS(out[r] + i, p[r]);
  }
  for (; i < w; i++) {
    MT q[7];
    for (int r = 0; r < 7; r++) q[r] = rows[r][i];
    TVI_SORT7_NET(TVI_SS)
    for (int r = 0; r < 7; r++) out[r][i] = q[r];
  }
}

static void MNAME(row7)(const void *const *s_, void *dst_, size_t w) {
  const MT *const *s = (const MT *const *)s_;
  MT *dst = dst_;
  size_t i = 0;
  for (; i + MN <= w; i += MN) {
    MV p[49];
    for (int c = 0; c < 7; c++)
      for (int r = 0; r < 7; r++) p[c * 7 + r] = ML(s[r] + i + c);
    TVI_MEDIAN49_NET(TVI_VS, TVI_VL, TVI_VH)
    MS(dst + i, p[21]);
  }
  for (; i < w; i++) {
    MT q[49];
    for (int c = 0; c < 7; c++)
      for (int r = 0; r < 7; r++) q[c * 7 + r] = s[r][i + c];
    TVI_MEDIAN49_NET(TVI_SS, TVI_SL, TVI_SH)
    dst[i] = q[21];
  }
}

#undef TVI_VS
#undef TVI_VL
#undef TVI_VH
#undef TVI_SS
#undef TVI_SL
#undef TVI_SH
