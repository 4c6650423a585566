/* Tests of tv_components: the ccl kernels of every variant the CPU runs against the scalar
 * reference; labels and statistics against a brute-force flood fill, on random and structured
 * masks of every width around the 64-pixel words, u8 and u16, 4- and 8-connectivity, several
 * thread counts and every SIMD level; the capacity contract; bad inputs.
 * SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter/filter_internal.h"
#include "filter/kernels/ccl/ccl.h"
#include "testutil.h"

/* Fails with the message only when cond is false: every passing ck_assert records its place
 * (a write), too slow for checks per pixel. */
#define CHECK(cond, ...)                                                                           \
  do {                                                                                             \
    if (!(cond)) ck_assert_msg(0, __VA_ARGS__);                                                    \
  } while (0)

static const struct {
  tv_isa isa;
  const tvi_ccl_kernels *k;
  const char *name;
} table[] = {
#define TV_KERNEL(isa, kernels) {isa, &kernels, #kernels},
#include "filter/kernels/ccl/ccl.inc"
#undef TV_KERNEL
};
enum { NVARIANTS = sizeof table / sizeof table[0], MAXW = 300 };

/* A row's scratch as components.c lays it out, in one allocation (x with its slack). */
static tvi_ccl_row *row_new(int32_t w) {
  const int32_t nw = tvi_ccl_words(w);
  tvi_ccl_row *r = calloc(1, sizeof *r);
  ck_assert(r);
  r->bits = calloc((size_t)nw * 3, sizeof(uint64_t));
  r->ps = calloc((size_t)nw * 2, sizeof(uint32_t));
  r->x = calloc((size_t)w + 2 + TVI_CCL_SLACK, sizeof(int32_t));
  ck_assert(r->bits && r->ps && r->x);
  r->s = r->bits + nw;
  r->e = r->s + nw;
  r->pe = r->ps + nw;
  return r;
}

static void row_free(tvi_ccl_row *r) {
  free(r->bits);
  free(r->ps);
  free(r->x);
  free(r);
}

static void row_assert_equal(const tvi_ccl_row *a, const tvi_ccl_row *b, int32_t w,
                             const char *what) {
  const int32_t nw = tvi_ccl_words(w);
  ck_assert_msg(a->n == b->n, "%s w %d: %d runs, scalar %d", what, w, a->n, b->n);
  for (int32_t k = 0; k < nw; k++)
    CHECK(a->bits[k] == b->bits[k] && a->s[k] == b->s[k] && a->e[k] == b->e[k] &&
              a->ps[k] == b->ps[k] && a->pe[k] == b->pe[k],
          "%s w %d: word %d differs from scalar", what, w, k);
  ck_assert_msg(memcmp(a->x, b->x, (size_t)(2 * a->n) * sizeof *a->x) == 0,
                "%s w %d: runs differ from scalar", what, w);
}

/* Row samples: runs of random length (density d in percent), nonzero values with only high or
 * only low bits set. */
static void random_row(void *p, int u16, int32_t w, int d, uint64_t *seed) {
  int on = 0;
  for (int32_t x = 0; x < w; x++) {
    const uint64_t r = tvt_rand(seed);
    if (d == 50)
      on = (int)(r & 1);
    else if (r % 100 < 20)
      on = (int)(r >> 8) % 100 < d;
    const unsigned v = on ? (r >> 40 & 1 ? 0x80u : 1u) << (u16 && (r >> 41 & 1) ? 8 : 0) : 0;
    if (u16)
      ((uint16_t *)p)[x] = (uint16_t)v;
    else
      ((uint8_t *)p)[x] = (uint8_t)v;
  }
}

/* load_u8 / load_u16 and runs of every variant against scalar: every width up to MAXW, several
 * densities, samples at four misalignments in a buffer that ends with the row (ASan sees any
 * read past it). */
START_TEST(ccl_load_matches_scalar) {
  int tested = 0;
  for (int v = 0; v < NVARIANTS; v++) {
    if (!tvi_isa_allowed(tv_cpu_isa(), table[v].isa)) {
      printf("ccl: %s not run (CPU level %s)\n", table[v].name, tv_isa_name(tv_cpu_isa()));
      continue;
    }
    tested++;
    for (int u16 = 0; u16 < 2; u16++)
      for (int32_t w = 1; w <= MAXW; w++)
        for (int d = 0; d <= 100; d += 25)
          for (int off = 0; off < 4; off++) {
            const size_t es = u16 ? 2 : 1;
            uint8_t *buf = malloc(((size_t)w + (size_t)off) * es);
            ck_assert(buf);
            uint64_t seed = (uint64_t)(w * 1000 + d * 10 + off + u16 * 7);
            void *src = buf + (size_t)off * es;
            random_row(src, u16, w, d, &seed);
            tvi_ccl_row *a = row_new(w), *b = row_new(w);
            if (u16) {
              table[v].k->load_u16(src, w, a);
              tvi_ccl_scalar.load_u16(src, w, b);
            } else {
              table[v].k->load_u8(src, w, a);
              tvi_ccl_scalar.load_u8(src, w, b);
            }
            row_assert_equal(a, b, w, table[v].name);
            /* runs: the same row from its bits alone */
            tvi_ccl_row *c = row_new(w);
            memcpy(c->bits, b->bits, (size_t)tvi_ccl_words(w) * sizeof *c->bits);
            table[v].k->runs(c, w);
            row_assert_equal(c, b, w, table[v].name);
            row_free(c);
            /* the scalar reference against the samples themselves */
            int32_t n = 0;
            for (int32_t x = 0; x < w; x++) {
              const int nz = u16 ? ((uint16_t *)src)[x] != 0 : ((uint8_t *)src)[x] != 0;
              CHECK(((b->bits[x / 64] >> (x % 64)) & 1) == (uint64_t)nz, "bit %d of w %d", x, w);
              const int prev = x > 0 && (u16 ? ((uint16_t *)src)[x - 1] : ((uint8_t *)src)[x - 1]);
              if (nz && !prev) {
                CHECK(b->x[2 * n] == x, "run %d of w %d starts at %d, not %d", n, w, b->x[2 * n],
                      x);
                n++;
              }
            }
            ck_assert_int_eq(b->n, n);
            row_free(a);
            row_free(b);
            free(buf);
          }
  }
  ck_assert_int_ge(tested, 1);
  ck_assert_int_eq(table[NVARIANTS - 1].isa, TV_ISA_SCALAR);
}
END_TEST

/* join of every variant against scalar: random row pairs, a random forest over the upper row's
 * runs (parents before children), 4- and 8-connectivity. */
START_TEST(ccl_join_matches_scalar) {
  for (int v = 0; v < NVARIANTS; v++) {
    if (!tvi_isa_allowed(tv_cpu_isa(), table[v].isa)) continue;
    for (int32_t w = 1; w <= MAXW; w += (w < 140 ? 1 : 7))
      for (int d = 25; d <= 100; d += 25)
        for (int conn = 4; conn <= 8; conn += 4) {
          uint64_t seed = (uint64_t)(w * 31 + d + conn);
          uint8_t *p = malloc((size_t)w), *c = malloc((size_t)w);
          ck_assert(p && c);
          random_row(p, 0, w, d, &seed);
          random_row(c, 0, w, d == 100 ? 50 : d, &seed);
          tvi_ccl_row *pr = row_new(w), *cr = row_new(w);
          tvi_ccl_scalar.load_u8(p, w, pr);
          tvi_ccl_scalar.load_u8(c, w, cr);
          if (pr->n == 0) {
            free(p);
            free(c);
            row_free(pr);
            row_free(cr);
            continue;
          }
          /* 5 runs before the upper row, which point at earlier runs or themselves */
          const int32_t pb = 5, cb = pb + pr->n, total = cb + cr->n;
          int32_t *f1 = malloc((size_t)total * sizeof *f1),
                  *f2 = malloc((size_t)total * sizeof *f2);
          ck_assert(f1 && f2);
          for (int32_t i = 0; i < cb; i++)
            f1[i] = tvt_rand(&seed) % 3 == 0 ? i : (int32_t)(tvt_rand(&seed) % (uint64_t)(i + 1));
          for (int32_t i = cb; i < total; i++) f1[i] = -7; /* written by join */
          memcpy(f2, f1, (size_t)total * sizeof *f1);
          const int64_t j1 = table[v].k->join(f1, pr, pb, cr, cb, w, conn == 8);
          const int64_t j2 = tvi_ccl_scalar.join(f2, pr, pb, cr, cb, w, conn == 8);
          ck_assert_msg(j1 == j2 && memcmp(f1, f2, (size_t)total * sizeof *f1) == 0,
                        "%s join w %d d %d conn %d differs from scalar", table[v].name, w, d, conn);
          for (int32_t i = 0; i < total; i++)
            CHECK(f1[i] >= 0 && f1[i] <= i, "parent %d of %d", f1[i], i);
          free(f1);
          free(f2);
          free(p);
          free(c);
          row_free(pr);
          row_free(cr);
        }
  }
}
END_TEST

/* fill of every variant against scalar, with guard samples after the row. */
START_TEST(ccl_fill_matches_scalar) {
  enum { GUARD = 40 };
  for (int v = 0; v < NVARIANTS; v++) {
    if (!tvi_isa_allowed(tv_cpu_isa(), table[v].isa)) continue;
    for (int32_t w = 1; w <= MAXW; w++)
      for (int d = 0; d <= 100; d += 10) {
        uint64_t seed = (uint64_t)(w * 77 + d);
        uint8_t *m = malloc((size_t)w);
        int32_t *o1 = malloc(((size_t)w + GUARD) * sizeof *o1),
                *o2 = malloc(((size_t)w + GUARD) * sizeof *o2),
                *labm = calloc((size_t)w + 2 + TVI_CCL_SLACK, sizeof *labm);
        ck_assert(m && o1 && o2 && labm);
        int32_t *lab = labm + 1; /* fill may read lab[-1] and TVI_CCL_SLACK past the runs */
        random_row(m, 0, w, d, &seed);
        tvi_ccl_row *r = row_new(w);
        tvi_ccl_scalar.load_u8(m, w, r);
        for (int32_t i = 0; i < r->n; i++) lab[i] = (int32_t)(tvt_rand(&seed) >> 34) + 1;
        for (int32_t i = 0; i < w + GUARD; i++) o1[i] = o2[i] = -5;
        table[v].k->fill(o1, w, r, lab);
        tvi_ccl_scalar.fill(o2, w, r, lab);
        ck_assert_msg(memcmp(o1, o2, ((size_t)w + GUARD) * sizeof *o1) == 0,
                      "%s fill w %d d %d differs from scalar", table[v].name, w, d);
        for (int32_t i = 0; i < GUARD; i++) CHECK(o2[w + i] == -5, "guard %d written", i);
        for (int32_t x = 0, i = 0; x < w; x++) {
          while (i < r->n && r->x[2 * i + 1] <= x) i++;
          CHECK(o2[x] == (i < r->n && r->x[2 * i] <= x ? lab[i] : 0), "w %d: sample %d", w, x);
        }
        row_free(r);
        free(m);
        free(o1);
        free(o2);
        free(labm);
      }
  }
}
END_TEST

static int nonzero(const tv_image *m, int32_t x, int32_t y) {
  const uint8_t *row = (const uint8_t *)m->data + (int64_t)y * m->stride;
  return m->type == TV_U8 ? row[x] != 0 : ((const uint16_t *)(const void *)row)[x] != 0;
}

static double get1(const tv_image *img, int32_t x, int32_t y) {
  const uint8_t *row = (const uint8_t *)img->data + (int64_t)y * img->stride;
  switch (img->type) {
  case TV_U8: return row[x];
  case TV_U16: return ((const uint16_t *)(const void *)row)[x];
  case TV_S16: return ((const int16_t *)(const void *)row)[x];
  case TV_S32: return ((const int32_t *)(const void *)row)[x];
  default: return ((const float *)(const void *)row)[x];
  }
}

/* Brute force: flood fill from each unlabelled foreground pixel in raster order. */
static int32_t ref_components(const tv_image *m, const tv_image *inten, int conn, int32_t *lab,
                              tv_component *st, int32_t cap) {
  const int32_t w = m->width, h = m->height;
  memset(lab, 0, (size_t)w * h * sizeof *lab);
  int32_t *q = malloc((size_t)w * h * sizeof *q), n = 0;
  ck_assert(q);
  for (int32_t y = 0; y < h; y++)
    for (int32_t x = 0; x < w; x++) {
      if (!nonzero(m, x, y) || lab[y * w + x]) continue;
      n++;
      int64_t qa = 0, qb = 0, area = 0, sx = 0, sy = 0;
      int32_t x0 = x, x1 = x, y0 = y, y1 = y;
      double si = 0;
      q[qb++] = y * w + x;
      lab[y * w + x] = n;
      while (qa < qb) {
        const int32_t p = q[qa++], px = p % w, py = p / w;
        area++;
        sx += px;
        sy += py;
        if (inten) si += get1(inten, px, py);
        x0 = px < x0 ? px : x0;
        x1 = px > x1 ? px : x1;
        y0 = py < y0 ? py : y0;
        y1 = py > y1 ? py : y1;
        for (int dy = -1; dy <= 1; dy++)
          for (int dx = -1; dx <= 1; dx++) {
            if ((!dx && !dy) || (conn == 4 && dx && dy)) continue;
            const int32_t xx = px + dx, yy = py + dy;
            if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
            if (!nonzero(m, xx, yy) || lab[yy * w + xx]) continue;
            lab[yy * w + xx] = n;
            q[qb++] = yy * w + xx;
          }
      }
      if (n <= cap) {
        tv_component *c = &st[n - 1];
        memset(c, 0, sizeof *c);
        c->label = n;
        c->x = x0;
        c->y = y0;
        c->width = x1 - x0 + 1;
        c->height = y1 - y0 + 1;
        c->area = area;
        c->cx = (double)sx / (double)area;
        c->cy = (double)sy / (double)area;
        c->mean = inten ? si / (double)area : 0;
      }
    }
  free(q);
  return n;
}

/* Masks: random at a density, or blobs and scratches, values spread over the type's bits. */
static void fill_mask(tv_image *m, int kind, uint64_t seed) {
  for (int32_t y = 0; y < m->height; y++)
    for (int32_t x = 0; x < m->width; x++) {
      const uint64_t r = tvt_rand(&seed);
      int on;
      if (kind < 3)
        on = (int)(r % 100) < (kind == 0 ? 10 : kind == 1 ? 50 : 85);
      else
        on = ((x / 5 + y / 3) % 4 == 0) || (x == y) || (x * 3 == y * 2 + 7) || (r % 97 == 0);
      uint8_t *row = (uint8_t *)m->data + (int64_t)y * m->stride;
      /* Nonzero values with only the high or the low bits set. */
      const unsigned v = on ? (unsigned)(r >> 60 & 1 ? 0x80 : 1)
                                  << (m->type == TV_U16 && (r >> 61 & 1) ? 8 : 0)
                            : 0;
      if (m->type == TV_U8)
        row[x] = (uint8_t)v;
      else
        ((uint16_t *)(void *)row)[x] = (uint16_t)v;
    }
}

START_TEST(components_match_flood_fill) {
  tv_ctx *ctx = tvt_ctx();
  static const int32_t widths[] = {1, 2, 7, 63, 64, 65, 127, 128, 129, 200};
  for (int wi = 0; wi < 10; wi++)
    for (int ty = 0; ty < 2; ty++)
      for (int kind = 0; kind < 4; kind++)
        for (int conn = 4; conn <= 8; conn += 4) {
          const int32_t w = widths[wi], h = 1 + (wi * 7 + kind * 5) % 41;
          tv_image *M = NULL, *m = NULL, *L = NULL, *inten = NULL;
          tvt_assert_ok(ctx, tv_image_create(ctx, w + 2, h, 1, ty ? TV_U16 : TV_U8, &M));
          tvt_assert_ok(ctx, tv_image_view(ctx, M, 1, 0, w, h, &m));
          tvt_assert_ok(ctx, tv_image_create(ctx, w, h, 1, TV_S32, &L));
          tvt_assert_ok(ctx, tv_image_create(ctx, w, h, 1, kind == 2 ? TV_F32 : TV_U16, &inten));
          tvt_fill_random(M, (uint64_t)(wi * 100 + kind));
          fill_mask(m, kind, (uint64_t)(wi * 31 + kind * 7 + ty));
          tvt_fill_random(inten, 3);
          const int32_t cap = w * h;
          tv_component *want = calloc((size_t)cap, sizeof *want);
          tv_component *got = calloc((size_t)cap, sizeof *got);
          int32_t *lab = malloc((size_t)w * h * sizeof *lab);
          ck_assert(want && got && lab);
          const int32_t n = ref_components(m, inten, conn, lab, want, cap);
          /* Every SIMD level (best first) on 1 and 3 threads, the best also on 5 and 7. */
          for (int simd = TV_ISA_NEON, best = 1; simd >= TV_ISA_SCALAR; simd--)
            for (int threads = 1; threads <= (best ? 7 : 3); threads += 2) {
              if (tv_ctx_set(ctx, TV_CTX_SIMD_CAP, simd) != TV_OK) break;
              if (threads == 7) best = 0;
              tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_THREADS, threads));
              int32_t count = -1;
              memset(got, 0xee, (size_t)cap * sizeof *got);
              tvt_assert_ok(ctx, tv_components(ctx, m, inten, conn, L, got, cap, &count));
              ck_assert_msg(count == n,
                            "w %d h %d kind %d conn %d thr %d simd %d: %d components, want %d", w,
                            h, kind, conn, threads, simd, count, n);
              for (int32_t i = 0; i < n; i++) {
                const tv_component *a = &got[i], *b = &want[i];
                ck_assert_msg(a->label == b->label && a->x == b->x && a->y == b->y &&
                                  a->width == b->width && a->height == b->height &&
                                  a->area == b->area && a->cx == b->cx && a->cy == b->cy &&
                                  a->reserved == 0,
                              "w %d kind %d conn %d: component %d differs", w, kind, conn, i + 1);
                ck_assert_msg(fabs(a->mean - b->mean) <= 1e-9 * (1 + fabs(b->mean)),
                              "mean %g != %g", a->mean, b->mean);
              }
              for (int32_t y = 0; y < h; y++)
                for (int32_t x = 0; x < w; x++)
                  CHECK(((int32_t *)tvi_row(L, y))[x] == lab[y * w + x],
                        "w %d kind %d conn %d thr %d simd %d: label at %d,%d: %d != %d", w, kind,
                        conn, threads, simd, x, y, ((int32_t *)tvi_row(L, y))[x], lab[y * w + x]);
              /* Without labels or intensity: the same stats (mean 0). */
              tvt_assert_ok(ctx, tv_components(ctx, m, NULL, conn, NULL, got, cap, &count));
              ck_assert_int_eq(count, n);
              for (int32_t i = 0; i < n; i++) {
                ck_assert(got[i].area == want[i].area && got[i].x == want[i].x);
                ck_assert(got[i].mean == 0);
              }
            }
          free(want);
          free(got);
          free(lab);
          tv_image_destroy(m);
          tv_image_destroy(M);
          tv_image_destroy(L);
          tv_image_destroy(inten);
        }
  tv_ctx_destroy(ctx);
}
END_TEST

/* A dense random mask (half the pixels set, one giant component and many small ones) on 1, 2
 * and 3 threads with u8, u16, s16 and f32 intensities: stats and labels bit-identical across the
 * thread counts and equal to the flood fill. */
START_TEST(components_dense_threads) {
  tv_ctx *ctx = tvt_ctx();
  const int32_t w = 301, h = 203;
  static const tv_pixel_type itypes[] = {TV_U8, TV_U16, TV_S16, TV_F32};
  for (int conn = 4; conn <= 8; conn += 4)
    for (int ti = 0; ti < 4; ti++) {
      tv_image *m = NULL, *L = NULL, *inten = NULL;
      tvt_assert_ok(ctx, tv_image_create(ctx, w, h, 1, TV_U8, &m));
      tvt_assert_ok(ctx, tv_image_create(ctx, w, h, 1, TV_S32, &L));
      tvt_assert_ok(ctx, tv_image_create(ctx, w, h, 1, itypes[ti], &inten));
      uint64_t seed = (uint64_t)(17 + ti + conn);
      for (int32_t y = 0; y < h; y++)
        for (int32_t x = 0; x < w; x++)
          ((uint8_t *)tvi_row(m, y))[x] = (uint8_t)(tvt_rand(&seed) & 1 ? 255 : 0);
      tvt_fill_random(inten, 9);
      const int32_t capacity = w * h;
      tv_component *want = calloc((size_t)capacity, sizeof *want);
      tv_component *first = calloc((size_t)capacity, sizeof *first);
      tv_component *got = calloc((size_t)capacity, sizeof *got);
      int32_t *lab = malloc((size_t)w * h * sizeof *lab);
      ck_assert(want && first && got && lab);
      const int32_t n = ref_components(m, inten, conn, lab, want, w * h);
      int have_first = 0;
      for (int simd = TV_ISA_SCALAR; simd <= TV_ISA_NEON; simd++)
        for (int threads = 1; threads <= 3; threads++) {
          if (tv_ctx_set(ctx, TV_CTX_SIMD_CAP, simd) != TV_OK) continue;
          tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_THREADS, threads));
          int32_t count = -1;
          memset(got, 0xee, (size_t)capacity * sizeof *got);
          tvt_assert_ok(ctx, tv_components(ctx, m, inten, conn, L, got, capacity, &count));
          ck_assert_int_eq(count, n);
          for (int32_t i = 0; i < n; i++)
            ck_assert_msg(got[i].area == want[i].area && got[i].x == want[i].x &&
                              got[i].y == want[i].y && got[i].width == want[i].width &&
                              got[i].height == want[i].height && got[i].cx == want[i].cx &&
                              got[i].cy == want[i].cy &&
                              fabs(got[i].mean - want[i].mean) <= 1e-9 * (1 + fabs(want[i].mean)),
                          "conn %d type %d threads %d simd %d: component %d differs", conn,
                          itypes[ti], threads, simd, i + 1);
          if (!have_first) {
            memcpy(first, got, (size_t)n * sizeof *got);
            have_first = 1;
          } else {
            ck_assert_msg(memcmp(first, got, (size_t)n * sizeof *got) == 0,
                          "conn %d type %d: stats on %d threads at SIMD level %d differ from 1 "
                          "thread scalar",
                          conn, itypes[ti], threads, simd);
          }
          for (int32_t y = 0; y < h; y++)
            for (int32_t x = 0; x < w; x++)
              CHECK(((int32_t *)tvi_row(L, y))[x] == lab[y * w + x], "label at %d,%d", x, y);
        }
      free(want);
      free(first);
      free(got);
      free(lab);
      tv_image_destroy(m);
      tv_image_destroy(L);
      tv_image_destroy(inten);
    }
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(components_capacity) {
  tv_ctx *ctx = tvt_ctx();
  tv_image *m = NULL, *L = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, 20, 9, 1, TV_U8, &m));
  tvt_assert_ok(ctx, tv_image_create(ctx, 20, 9, 1, TV_S32, &L));
  for (int i = 0; i < 5; i++) ((uint8_t *)tvi_row(m, 2 * i))[3 * i] = 255; /* 5 dots */
  tv_component st[5];
  memset(st, 0x5c, sizeof st);
  memset(L->data, 0x7b, (size_t)L->stride * 9);
  int32_t count = -1;
  tvt_assert_status(ctx, tv_components(ctx, m, NULL, 8, L, st, 4, &count), TV_ERR_SIZE);
  tvt_assert_error_has(ctx, "tv_components: 5 components do not fit capacity 4");
  ck_assert_int_eq(count, 5);
  for (size_t i = 0; i < sizeof st; i++) ck_assert(((uint8_t *)st)[i] == 0x5c);
  for (int32_t y = 0; y < 9; y++) ck_assert(((int32_t *)tvi_row(L, y))[0] == 0x7b7b7b7b);
  /* Counting only: capacity 0 and no stats. */
  tvt_assert_status(ctx, tv_components(ctx, m, NULL, 8, NULL, NULL, 0, &count), TV_ERR_SIZE);
  ck_assert_int_eq(count, 5);
  tvt_assert_ok(ctx, tv_components(ctx, m, NULL, 8, L, st, 5, &count));
  ck_assert_int_eq(count, 5);
  for (int i = 0; i < 5; i++) {
    ck_assert_int_eq(st[i].label, i + 1);
    ck_assert_int_eq(st[i].x, 3 * i);
    ck_assert_int_eq(st[i].y, 2 * i);
    ck_assert_int_eq(((int32_t *)tvi_row(L, 2 * i))[3 * i], i + 1);
  }
  /* An empty mask: no components, OK with capacity 0. */
  memset(m->data, 0, (size_t)m->stride * 9);
  tvt_assert_ok(ctx, tv_components(ctx, m, NULL, 4, L, NULL, 0, &count));
  ck_assert_int_eq(count, 0);
  ck_assert_int_eq(((int32_t *)tvi_row(L, 4))[7], 0);
  tv_image_destroy(m);
  tv_image_destroy(L);
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(components_bad_input) {
  tv_ctx *ctx = tvt_ctx();
  tv_image *m = NULL, *L = NULL, *Lbad = NULL, *f = NULL, *rgb = NULL, *small = NULL, *L16 = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 1, TV_U8, &m));
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 1, TV_S32, &L));
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 11, 1, TV_S32, &Lbad));
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 1, TV_F32, &f));
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 3, TV_U8, &rgb));
  tvt_assert_ok(ctx, tv_image_create(ctx, 9, 10, 1, TV_U8, &small));
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 1, TV_U16, &L16));
  tv_component st[4];
  int32_t count = -1;
  ck_assert_int_eq(tv_components(NULL, m, NULL, 8, L, st, 4, &count), TV_ERR_NULL);
  tvt_assert_status(ctx, tv_components(ctx, m, NULL, 8, L, st, 4, NULL), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_components: count is NULL");
  tvt_assert_status(ctx, tv_components(ctx, NULL, NULL, 8, L, st, 4, &count), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_components: mask is NULL");
  ck_assert_int_eq(count, 0);
  tvt_assert_status(ctx, tv_components(ctx, f, NULL, 8, L, st, 4, &count), TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "tv_components: mask has pixel type f32");
  tvt_assert_status(ctx, tv_components(ctx, rgb, NULL, 8, L, st, 4, &count), TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "tv_components: mask has 3 channels");
  tvt_assert_status(ctx, tv_components(ctx, m, small, 8, L, st, 4, &count), TV_ERR_SIZE);
  tvt_assert_error_has(ctx, "tv_components: intensity is 9x10x1, mask 10x10x1");
  tvt_assert_status(ctx, tv_components(ctx, m, NULL, 8, Lbad, st, 4, &count), TV_ERR_SIZE);
  tvt_assert_error_has(ctx, "tv_components: labels is 10x11x1, mask 10x10x1");
  tvt_assert_status(ctx, tv_components(ctx, m, NULL, 8, L16, st, 4, &count), TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "tv_components: labels has pixel type u16");
  tvt_assert_status(ctx, tv_components(ctx, m, NULL, 6, L, st, 4, &count), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_components: connectivity 6 is not 4 or 8");
  tvt_assert_status(ctx, tv_components(ctx, m, NULL, 8, L, st, -1, &count), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_components: capacity -1 < 0");
  tvt_assert_status(ctx, tv_components(ctx, m, NULL, 8, L, NULL, 4, &count), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_components: stats is NULL");
  /* A mask that could hold 2^31 runs (never read: the check comes first). */
  tv_image huge = *m;
  huge.width = 65536;
  huge.height = 65536;
  huge.stride = 65536;
  tvt_assert_status(ctx, tv_components(ctx, &huge, NULL, 8, NULL, NULL, 0, &count),
                    TV_ERR_TOO_LARGE);
  tvt_assert_error_has(ctx, "tv_components: mask 65536x65536 could hold over 2^31 runs");
  ck_assert_int_eq(count, 0);
  /* labels over the intensity image's memory */
  tv_image *Lv = NULL;
  tvt_assert_ok(ctx, tv_image_wrap(ctx, f->data, 10, 10, 1, TV_S32, f->stride, &Lv));
  tvt_assert_status(ctx, tv_components(ctx, m, f, 8, Lv, st, 4, &count), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_components: labels overlaps mask or intensity");
  tv_image_destroy(Lv);
  tv_image_destroy(m);
  tv_image_destroy(L);
  tv_image_destroy(Lbad);
  tv_image_destroy(f);
  tv_image_destroy(rgb);
  tv_image_destroy(small);
  tv_image_destroy(L16);
  tv_ctx_destroy(ctx);
}
END_TEST

static Suite *components_suite(void) {
  Suite *s = suite_create("filter_components");
  TCase *tc = tcase_create("components");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, ccl_load_matches_scalar);
  tcase_add_test(tc, ccl_join_matches_scalar);
  tcase_add_test(tc, ccl_fill_matches_scalar);
  tcase_add_test(tc, components_match_flood_fill);
  tcase_add_test(tc, components_dense_threads);
  tcase_add_test(tc, components_capacity);
  tcase_add_test(tc, components_bad_input);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return tvt_run(components_suite()); }
