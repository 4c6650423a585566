/* The morph family's vector code, written once over per-ISA macros; included by each ISA file
 * once per (sample type, operation) with these defined:
 *   MT      sample type            MV          vector type         MN   samples per vector
 *   ML(p)   unaligned load         MS(p, v)    unaligned store
 *   MOP(a, b) vector op            MSOP(a, b)  the same op on one sample (the scalar reference's)
 *   MNAME(x)  the kernel's name for x (vred, hred)
 * SPDX-License-Identifier: Apache-2.0 */

static void MNAME(vred)(const void *const *rows_, int n, void *dst_, size_t w) {
  const MT *const *rows = (const MT *const *)rows_;
  MT *dst = dst_;
  size_t i = 0;
  if (n == 3) { /* the common 3-row window, its row pointers held in registers */
    const MT *r0 = rows[0], *r1 = rows[1], *r2 = rows[2];
    for (; i + MN <= w; i += MN) MS(dst + i, MOP(MOP(ML(r0 + i), ML(r1 + i)), ML(r2 + i)));
    for (; i < w; i++) dst[i] = MSOP(MSOP(r0[i], r1[i]), r2[i]);
    return;
  }
  for (; i + 2 * MN <= w; i += 2 * MN) {
    MV a = ML(rows[0] + i), b = ML(rows[0] + i + MN);
    for (int r = 1; r < n; r++) {
      a = MOP(a, ML(rows[r] + i));
      b = MOP(b, ML(rows[r] + i + MN));
    }
    MS(dst + i, a);
    MS(dst + i + MN, b);
  }
  for (; i + MN <= w; i += MN) {
    MV a = ML(rows[0] + i);
    for (int r = 1; r < n; r++) a = MOP(a, ML(rows[r] + i));
    MS(dst + i, a);
  }
  for (; i < w; i++) {
    MT a = rows[0][i];
    for (int r = 1; r < n; r++) a = MSOP(a, rows[r][i]);
    dst[i] = a;
  }
}

/* Windows of up to 8 samples directly; longer ones by doubling (windows of 2, 4, 8, ... samples
 * in place in tmp, then two overlapping power-of-two windows), at most 12 passes for k <= 4095
 * over a row that stays in L1. */
static void MNAME(hred)(const void *src_, void *dst_, size_t w, int k, void *tmp_) {
  const MT *src = src_;
  MT *dst = dst_, *t = tmp_;
  size_t i = 0;
  if (k <= 8) {
    for (; i + MN <= w; i += MN) {
      MV a = ML(src + i);
      for (int j = 1; j < k; j++) a = MOP(a, ML(src + i + j));
      MS(dst + i, a);
    }
    for (; i < w; i++) {
      MT a = src[i];
      for (int j = 1; j < k; j++) a = MSOP(a, src[i + j]);
      dst[i] = a;
    }
    return;
  }
  const size_t len = w + (size_t)k - 1;
  size_t p = 1, m = len - 1; /* t[0, m) hold windows of 2p samples */
  for (i = 0; i + MN <= m; i += MN) MS(t + i, MOP(ML(src + i), ML(src + i + 1)));
  for (; i < m; i++) t[i] = MSOP(src[i], src[i + 1]);
  for (p = 2; 2 * p <= (size_t)k; p *= 2) {
    m = len - 2 * p + 1;
    for (i = 0; i + MN <= m; i += MN) MS(t + i, MOP(ML(t + i), ML(t + i + p)));
    for (; i < m; i++) t[i] = MSOP(t[i], t[i + p]);
  }
  const size_t off = (size_t)k - p;
  for (i = 0; i + MN <= w; i += MN) MS(dst + i, MOP(ML(t + i), ML(t + i + off)));
  for (; i < w; i++) dst[i] = MSOP(t[i], t[i + off]);
}
