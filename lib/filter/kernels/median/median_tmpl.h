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

static void MNAME(colsort3)(const void *const *rows_, void *const *out_, size_t w) {
  const MT *const *rows = (const MT *const *)rows_;
  MT *const *out = (MT *const *)out_;
  size_t i = 0;
  for (; i + MN <= w; i += MN) {
    MV p[3];
    for (int r = 0; r < 3; r++) p[r] = ML(rows[r] + i);
    TVI_SORT3_NET(TVI_VS)
    for (int r = 0; r < 3; r++) MS(out[r] + i, p[r]);
  }
  for (; i < w; i++) {
    MT q[3];
    for (int r = 0; r < 3; r++) q[r] = rows[r][i];
    TVI_SORT3_NET(TVI_SS)
    for (int r = 0; r < 3; r++) out[r][i] = q[r];
  }
}

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

static void MNAME(row3)(const void *const *s_, void *dst_, size_t w) {
  const MT *const *s = (const MT *const *)s_;
  MT *dst = dst_;
  size_t i = 0;
  for (; i + MN <= w; i += MN) {
    MV p[9];
    for (int c = 0; c < 3; c++)
      for (int r = 0; r < 3; r++) p[c * 3 + r] = ML(s[r] + i + c);
    TVI_MEDIAN9_NET(TVI_VS, TVI_VL, TVI_VH)
    MS(dst + i, p[4]);
  }
  for (; i < w; i++) {
    MT q[9];
    for (int c = 0; c < 3; c++)
      for (int r = 0; r < 3; r++) q[c * 3 + r] = s[r][i + c];
    TVI_MEDIAN9_NET(TVI_SS, TVI_SL, TVI_SH)
    dst[i] = q[4];
  }
}

static void MNAME(row5)(const void *const *s_, void *dst_, size_t w) {
  const MT *const *s = (const MT *const *)s_;
  MT *dst = dst_;
  size_t i = 0;
  for (; i + MN <= w; i += MN) {
    MV p[25];
    for (int c = 0; c < 5; c++)
      for (int r = 0; r < 5; r++) p[c * 5 + r] = ML(s[r] + i + c);
    TVI_MEDIAN25_NET(TVI_VS, TVI_VL, TVI_VH)
    MS(dst + i, p[12]);
  }
  for (; i < w; i++) {
    MT q[25];
    for (int c = 0; c < 5; c++)
      for (int r = 0; r < 5; r++) q[c * 5 + r] = s[r][i + c];
    TVI_MEDIAN25_NET(TVI_SS, TVI_SL, TVI_SH)
    dst[i] = q[12];
  }
}

#undef TVI_VS
#undef TVI_VL
#undef TVI_VH
#undef TVI_SS
#undef TVI_SL
#undef TVI_SH
