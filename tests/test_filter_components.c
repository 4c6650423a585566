/* Tests of tv_components: labels and statistics against a brute-force flood fill, on random and
 * structured masks of every width around the 64-pixel chunks, u8 and u16, 4- and 8-connectivity,
 * several thread counts; the capacity contract; bad inputs.
 * SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter/filter_internal.h"
#include "testutil.h"

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
          for (int threads = 1; threads <= 7; threads += 2) {
            tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_THREADS, threads));
            int32_t count = -1;
            memset(got, 0xee, (size_t)cap * sizeof *got);
            tvt_assert_ok(ctx, tv_components(ctx, m, inten, conn, L, got, cap, &count));
            ck_assert_msg(count == n, "w %d h %d kind %d conn %d thr %d: %d components, want %d", w,
                          h, kind, conn, threads, count, n);
            for (int32_t i = 0; i < n; i++) {
              const tv_component *a = &got[i], *b = &want[i];
              ck_assert_msg(a->label == b->label && a->x == b->x && a->y == b->y &&
                                a->width == b->width && a->height == b->height &&
                                a->area == b->area && a->cx == b->cx && a->cy == b->cy &&
                                a->reserved == 0,
                            "w %d kind %d conn %d: component %d differs", w, kind, conn, i + 1);
              ck_assert_msg(fabs(a->mean - b->mean) <= 1e-9 * (1 + fabs(b->mean)), "mean %g != %g",
                            a->mean, b->mean);
            }
            for (int32_t y = 0; y < h; y++)
              for (int32_t x = 0; x < w; x++)
                ck_assert_msg(((int32_t *)tvi_row(L, y))[x] == lab[y * w + x],
                              "w %d kind %d conn %d thr %d: label at %d,%d: %d != %d", w, kind,
                              conn, threads, x, y, ((int32_t *)tvi_row(L, y))[x], lab[y * w + x]);
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
      const int32_t cap = w * h;
      tv_component *want = calloc((size_t)cap, sizeof *want);
      tv_component *first = calloc((size_t)cap, sizeof *first);
      tv_component *got = calloc((size_t)cap, sizeof *got);
      int32_t *lab = malloc((size_t)w * h * sizeof *lab);
      ck_assert(want && first && got && lab);
      const int32_t n = ref_components(m, inten, conn, lab, want, cap);
      for (int threads = 1; threads <= 3; threads++) {
        tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_THREADS, threads));
        int32_t count = -1;
        memset(got, 0xee, (size_t)cap * sizeof *got);
        tvt_assert_ok(ctx, tv_components(ctx, m, inten, conn, L, got, cap, &count));
        ck_assert_int_eq(count, n);
        for (int32_t i = 0; i < n; i++)
          ck_assert_msg(
              got[i].area == want[i].area && got[i].x == want[i].x && got[i].y == want[i].y &&
                  got[i].width == want[i].width && got[i].height == want[i].height &&
                  got[i].cx == want[i].cx && got[i].cy == want[i].cy &&
                  fabs(got[i].mean - want[i].mean) <= 1e-9 * (1 + fabs(want[i].mean)),
              "conn %d type %d threads %d: component %d differs", conn, itypes[ti], threads, i + 1);
        if (threads == 1)
          memcpy(first, got, (size_t)n * sizeof *got);
        else
          ck_assert_msg(memcmp(first, got, (size_t)n * sizeof *got) == 0,
                        "conn %d type %d: stats on %d threads differ from 1 thread", conn,
                        itypes[ti], threads);
        for (int32_t y = 0; y < h; y++)
          for (int32_t x = 0; x < w; x++)
            ck_assert_int_eq(((int32_t *)tvi_row(L, y))[x], lab[y * w + x]);
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
  tcase_add_test(tc, components_match_flood_fill);
  tcase_add_test(tc, components_dense_threads);
  tcase_add_test(tc, components_capacity);
  tcase_add_test(tc, components_bad_input);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return tvt_run(components_suite()); }
