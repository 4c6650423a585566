/* Connected components with statistics (tv_components): run-based two-pass union-find.
 * Row bands find the runs of nonzero pixels and join the runs that touch on the row above, in
 * parallel; a serial step joins the bands across their borders and numbers the components in
 * raster order of their first pixel (the first run of a component in raster order starts at its
 * first pixel); stats come from the runs, and the label image is written in parallel.
 * Memory: 12 bytes per run (not per pixel) plus 4 per row.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>
#include <string.h>

#include "filter_internal.h"

typedef struct tvi_run {
  int32_t x0, x1; /* [x0, x1) */
} tvi_run;

typedef struct tvi_cc_band {
  int32_t y0, y1;
  tvi_run *runs;
  int32_t *parent;    /* band-local indices during the band pass */
  int64_t *row_first; /* y1 - y0 + 1 entries: first run of each row, then the count */
  int64_t n, cap;
  int failed;
} tvi_cc_band;

typedef struct tvi_cc_acc {
  int64_t area, sx, sy;
  int32_t x0, y0, x1, y1;
  double si;
} tvi_cc_acc;

typedef struct tvi_cc_job {
  const tv_image *mask;
  int conn8;
  tvi_cc_band *bands;
  int64_t *offset; /* global index of each band's first run */
  int32_t *parent; /* global union-find forest */
  int32_t *label;  /* final label of every run */
  tv_image *labels;
  const tv_image *intensity;
  tvi_cc_acc *acc; /* with stats set: n sums per band */
  int32_t n;
  int stats;
} tvi_cc_job;

static int32_t tvi_find(int32_t *p, int32_t i) {
  while (p[i] != i) {
    p[i] = p[p[i]]; /* path halving */
    i = p[i];
  }
  return i;
}

/* Joins two trees; the smaller index (the earlier run in raster order) stays the root. */
static void tvi_union(int32_t *p, int32_t a, int32_t b) {
  a = tvi_find(p, a);
  b = tvi_find(p, b);
  if (a < b)
    p[b] = a;
  else if (b < a)
    p[a] = b;
}

/* Joins the runs [c0, c1) of a row with the runs [p0, p1) of the row above where they touch
 * (sharing a column, or also diagonally with 8-connectivity). */
static void tvi_join_rows(int32_t *parent, const tvi_run *runs, int64_t p0, int64_t p1, int64_t c0,
                          int64_t c1, int conn8) {
  const int32_t e = conn8 ? 1 : 0;
  /* The runs of the current row are still roots until joined here, and every run above has a
   * smaller index: the first join hangs the run under the root above; later ones link roots. */
  int64_t joined = -1; /* the current run once joined, with its root in `root` */
  int32_t root = 0;
  while (p0 < p1 && c0 < c1) {
    const tvi_run a = runs[p0], c = runs[c0];
    if (a.x0 < c.x1 + e && c.x0 < a.x1 + e) {
      const int32_t r = tvi_find(parent, (int32_t)p0);
      if (joined != c0) {
        parent[c0] = r;
        root = r;
        joined = c0;
      } else if (r != root) {
        root = tvi_find(parent, root);
        if (r < root) {
          parent[root] = r;
          root = r;
        } else if (root < r) {
          parent[r] = root;
        }
      }
    }
    if (a.x1 < c.x1)
      p0++;
    else
      c0++;
  }
}

/* Bit i set when sample i of the 64 (or n < 64) at p is nonzero. */
static inline uint64_t tvi_nz_u8(const uint8_t *p, int n) {
  uint64_t m = 0;
  if (n == 64) {
    for (int k = 0; k < 8; k++) {
      uint64_t v;
      memcpy(&v, p + 8 * k, 8);
      /* high bit of each byte: byte != 0; gathered into 8 bits by one multiply */
      const uint64_t t =
          (((v & 0x7f7f7f7f7f7f7f7fULL) + 0x7f7f7f7f7f7f7f7fULL) | v) & 0x8080808080808080ULL;
      m |= (((t >> 7) * 0x0102040810204080ULL) >> 56) << (8 * k);
    }
    return m;
  }
  for (int i = 0; i < n; i++) m |= (uint64_t)(p[i] != 0) << i;
  return m;
}

static inline uint64_t tvi_nz_u16(const uint16_t *p, int n) {
  uint64_t m = 0;
  if (n == 64) {
    for (int k = 0; k < 16; k++) {
      uint64_t v;
      memcpy(&v, p + 4 * k, 8);
      const uint64_t t =
          (((v & 0x7fff7fff7fff7fffULL) + 0x7fff7fff7fff7fffULL) | v) & 0x8000800080008000ULL;
      const uint64_t g = ((t >> 15) * 0x1000200040008000ULL) >> 60;
      m |= g << (4 * k);
    }
    return m;
  }
  for (int i = 0; i < n; i++) m |= (uint64_t)(p[i] != 0) << i;
  return m;
}

static int tvi_push_run(tvi_cc_band *b, int32_t x0, int32_t x1) {
  if (b->n == b->cap) {
    const int64_t nc = b->cap * 2;
    tvi_run *r = realloc(b->runs, (size_t)nc * sizeof *r);
    if (r) b->runs = r;
    int32_t *p = r ? realloc(b->parent, (size_t)nc * sizeof *p) : NULL;
    if (p) b->parent = p;
    if (!r || !p || nc > INT32_MAX) return -1;
    b->cap = nc;
  }
  b->runs[b->n] = (tvi_run){x0, x1};
  b->parent[b->n] = (int32_t)b->n;
  b->n++;
  return 0;
}

static void tvi_cc_band_task(void *arg, int64_t task, int worker) {
  (void)worker;
  const tvi_cc_job *j = arg;
  tvi_cc_band *b = &j->bands[task];
  const int32_t w = j->mask->width;
  const int u8 = j->mask->type == TV_U8;
  for (int32_t y = b->y0; y < b->y1; y++) {
    const int64_t first = b->n;
    b->row_first[y - b->y0] = first;
    const void *row = tvi_row(j->mask, y);
    int inrun = 0;
    int32_t start = 0;
    uint64_t carry = 0;
    for (int32_t base = 0; base < w; base += 64) {
      const int n = w - base < 64 ? w - base : 64;
      const uint64_t m = u8 ? tvi_nz_u8((const uint8_t *)row + base, n)
                            : tvi_nz_u16((const uint16_t *)row + base, n);
      uint64_t e = m ^ ((m << 1) | carry); /* bits where a run starts or ends */
      carry = m >> 63;
      while (e) {
        const int32_t t = base + __builtin_ctzll(e);
        e &= e - 1;
        if (!inrun) {
          start = t;
          inrun = 1;
        } else {
          if (tvi_push_run(b, start, t)) goto fail;
          inrun = 0;
        }
      }
    }
    if (inrun && tvi_push_run(b, start, w)) goto fail;
    if (y > b->y0)
      tvi_join_rows(b->parent, b->runs, b->row_first[y - b->y0 - 1], first, first, b->n, j->conn8);
  }
  b->row_first[b->y1 - b->y0] = b->n;
  return;
fail:
  b->failed = 1;
}

static double tvi_run_sum(const tv_image *img, int32_t y, int32_t x0, int32_t x1);

static void tvi_cc_add_run(tvi_cc_acc *a, const tv_image *intensity, int32_t y, int32_t x0,
                           int32_t x1) {
  const int64_t len = x1 - x0;
  a->area += len;
  a->sx += ((int64_t)x0 + x1 - 1) * len / 2;
  a->sy += (int64_t)y * len;
  if (x0 < a->x0) a->x0 = x0;
  if (x1 - 1 > a->x1) a->x1 = x1 - 1;
  if (y < a->y0) a->y0 = y;
  a->y1 = y;
  if (intensity) a->si += tvi_run_sum(intensity, y, x0, x1);
}

static const int32_t tvi_cc_zeros[8];

/* One band's label rows (each pixel written once or twice) and, with stats set, the band's sums per
 * label. */
static void tvi_cc_label_task(void *arg, int64_t task, int worker) {
  (void)worker;
  const tvi_cc_job *j = arg;
  const tvi_cc_band *b = &j->bands[task];
  const int32_t *lab = j->label + j->offset[task];
  tvi_cc_acc *acc = j->stats ? j->acc + (size_t)task * (size_t)j->n : NULL;
  const int32_t w = j->mask->width;
  for (int32_t y = b->y0; y < b->y1; y++) {
    int32_t *out = j->labels ? tvi_row(j->labels, y) : NULL;
    int32_t x = 0;
    for (int64_t r = b->row_first[y - b->y0]; r < b->row_first[y - b->y0 + 1]; r++) {
      const int32_t l = lab[r], x0 = b->runs[r].x0, x1 = b->runs[r].x1;
      if (out) {
        if (x1 + 8 <= w) {
          /* Whole blocks of 8 (few runs and gaps are longer), each block past the end of its gap
           * or run rewritten by the next run's blocks or by the row's end: no branch per pixel. */
          const int32_t v[8] = {l, l, l, l, l, l, l, l};
          int32_t t = x;
          do {
            memcpy(out + t, tvi_cc_zeros, sizeof tvi_cc_zeros);
            t += 8;
          } while (t < x0);
          t = x0;
          do {
            memcpy(out + t, v, sizeof v);
            t += 8;
          } while (t < x1);
        } else {
          for (; x < x0; x++) out[x] = 0;
          for (x = x0; x < x1; x++) out[x] = l;
        }
        x = x1;
      }
      if (acc) tvi_cc_add_run(&acc[l - 1], j->intensity, y, x0, x1);
    }
    if (out && x < w) memset(out + x, 0, (size_t)(w - x) * sizeof *out);
  }
}

/* Sum of the intensity image over [x0, x1) of row y. */
static double tvi_run_sum(const tv_image *img, int32_t y, int32_t x0, int32_t x1) {
  const void *row = tvi_row(img, y);
  double s = 0;
  switch (img->type) {
  case TV_U8: {
    int64_t a = 0;
    for (int32_t x = x0; x < x1; x++) a += ((const uint8_t *)row)[x];
    return (double)a;
  }
  case TV_U16: {
    int64_t a = 0;
    for (int32_t x = x0; x < x1; x++) a += ((const uint16_t *)row)[x];
    return (double)a;
  }
  case TV_S16: {
    int64_t a = 0;
    for (int32_t x = x0; x < x1; x++) a += ((const int16_t *)row)[x];
    return (double)a;
  }
  case TV_S32: {
    int64_t a = 0;
    for (int32_t x = x0; x < x1; x++) a += ((const int32_t *)row)[x];
    return (double)a;
  }
  default:
    for (int32_t x = x0; x < x1; x++) s += ((const float *)row)[x];
    return s;
  }
}

tv_status tv_components(tv_ctx *ctx, const tv_image *mask, const tv_image *intensity,
                        int32_t connectivity, tv_image *labels, tv_component *stats,
                        int32_t capacity, int32_t *count) {
  if (!ctx) return TV_ERR_NULL;
  tv_status st = TV_OK;
  tvi_cc_band *bands = NULL;
  int64_t *offset = NULL;
  int32_t *parent = NULL, *label = NULL; /* label: the parent array, relabelled in place */
  tvi_cc_acc *acc = NULL;
  int nb = 0;
  if (!count) return TVI_ERR(ctx, TV_ERR_NULL, "count is NULL");
  *count = 0;
  st = tvi_check_image(ctx, __func__, "mask", mask);
  if (st != TV_OK) return st;
  st = tvi_check_type(ctx, __func__, "mask", mask, TVI_T(TV_U8) | TVI_T(TV_U16));
  if (st != TV_OK) return st;
  if (mask->channels != 1)
    return TVI_ERR(ctx, TV_ERR_TYPE, "mask has %d channels (1 expected)", mask->channels);
  if (intensity) {
    st = tvi_check_image(ctx, __func__, "intensity", intensity);
    if (st != TV_OK) return st;
    if (intensity->width != mask->width || intensity->height != mask->height ||
        intensity->channels != 1)
      return TVI_ERR(ctx, TV_ERR_SIZE, "intensity is %dx%dx%d, mask %dx%dx1", intensity->width,
                     intensity->height, intensity->channels, mask->width, mask->height);
  }
  if (labels) {
    st = tvi_check_image(ctx, __func__, "labels", labels);
    if (st != TV_OK) return st;
    if (labels->width != mask->width || labels->height != mask->height || labels->channels != 1)
      return TVI_ERR(ctx, TV_ERR_SIZE, "labels is %dx%dx%d, mask %dx%dx1", labels->width,
                     labels->height, labels->channels, mask->width, mask->height);
    st = tvi_check_type(ctx, __func__, "labels", labels, TVI_T(TV_S32));
    if (st != TV_OK) return st;
    if (tvi_images_overlap(labels, mask) || (intensity && tvi_images_overlap(labels, intensity)))
      return TVI_ERR(ctx, TV_ERR_ARG, "labels overlaps mask or intensity");
  }
  if (connectivity != 4 && connectivity != 8)
    return TVI_ERR(ctx, TV_ERR_ARG, "connectivity %d is not 4 or 8", connectivity);
  if (capacity < 0) return TVI_ERR(ctx, TV_ERR_ARG, "capacity %d < 0", capacity);
  if (capacity > 0 && !stats) return TVI_ERR(ctx, TV_ERR_NULL, "stats is NULL");

  const int32_t w = mask->width, h = mask->height;
  const int workers = tvi_parallel_workers(ctx);
  nb = workers < h ? workers : h;
  bands = calloc((size_t)nb, sizeof *bands);
  offset = calloc((size_t)nb + 1, sizeof *offset);
  if (!bands || !offset) TVI_FAIL(ctx, TV_ERR_NOMEM, "cannot allocate %d bands", nb);
  for (int b = 0; b < nb; b++) {
    tvi_cc_band *B = &bands[b];
    B->y0 = (int32_t)((int64_t)h * b / nb);
    B->y1 = (int32_t)((int64_t)h * (b + 1) / nb);
    B->cap = (int64_t)w * (B->y1 - B->y0) / 4 + 256;
    B->runs = malloc((size_t)B->cap * sizeof *B->runs);
    B->parent = malloc((size_t)B->cap * sizeof *B->parent);
    B->row_first = malloc((size_t)(B->y1 - B->y0 + 1) * sizeof *B->row_first);
    if (!B->runs || !B->parent || !B->row_first)
      TVI_FAIL(ctx, TV_ERR_NOMEM, "cannot allocate the run lists");
  }
  tvi_cc_job job = {mask, connectivity == 8, bands, offset, NULL, NULL, labels, NULL, NULL, 0, 0};
  tvi_parallel_for(ctx, nb, tvi_cc_band_task, &job);
  for (int b = 0; b < nb; b++) {
    if (bands[b].failed) TVI_FAIL(ctx, TV_ERR_NOMEM, "cannot grow the run lists");
    offset[b + 1] = offset[b] + bands[b].n;
  }
  const int64_t nruns = offset[nb];
  if (nruns > INT32_MAX) TVI_FAIL(ctx, TV_ERR_TOO_LARGE, "%lld runs", (long long)nruns);

  /* One forest over all runs: the bands' trees shifted to global indices, then the joins across
   * band borders. */
  if (nb == 1) { /* one band: its forest is the global one */
    parent = bands[0].parent;
    bands[0].parent = NULL;
  } else {
    parent = malloc((size_t)(nruns ? nruns : 1) * sizeof *parent);
    if (!parent) TVI_FAIL(ctx, TV_ERR_NOMEM, "cannot allocate %lld run labels", (long long)nruns);
    for (int b = 0; b < nb; b++)
      for (int64_t r = 0; r < bands[b].n; r++)
        parent[offset[b] + r] = bands[b].parent[r] + (int32_t)offset[b];
  }
  for (int b = 1; b < nb; b++) {
    const tvi_cc_band *A = &bands[b - 1], *B = &bands[b];
    /* Last row of A against the first row of B, in global indices over a joint view. */
    const int64_t ra0 = A->row_first[A->y1 - A->y0 - 1], ra1 = A->row_first[A->y1 - A->y0];
    const int64_t rb0 = B->row_first[0], rb1 = B->row_first[1];
    const int32_t e = job.conn8;
    int64_t i = ra0, k = rb0;
    while (i < ra1 && k < rb1) {
      const tvi_run a = A->runs[i], c = B->runs[k];
      if (a.x0 < c.x1 + e && c.x0 < a.x1 + e)
        tvi_union(parent, (int32_t)(offset[b - 1] + i), (int32_t)(offset[b] + k));
      if (a.x1 < c.x1)
        i++;
      else
        k++;
    }
  }
  /* Labels in raster order of first runs. A run's parent has a smaller index (joins keep the
   * smaller root), so it already carries its component's label when the run is reached. */
  int32_t n = 0;
  for (int64_t g = 0; g < nruns; g++) {
    const int32_t p = parent[g];
    parent[g] = p == g ? ++n : parent[p];
  }
  label = parent;
  *count = n;
  if (n > capacity) TVI_FAIL(ctx, TV_ERR_SIZE, "%d components do not fit capacity %d", n, capacity);

  /* The stats are sums of integers (exact in any order) unless the intensity is f32 or s32: then
   * they are added in raster order by one thread, so that results never depend on the threads.
   * Otherwise each band sums its own runs beside writing its labels (while the bands' sums take
   * no more memory than the runs), and the bands' sums are merged. */
  const int exact = !intensity || intensity->type == TV_U8 || intensity->type == TV_U16 ||
                    intensity->type == TV_S16;
  const int fused = n > 0 && exact && (nb == 1 || (int64_t)n * nb <= nruns);
  if (n > 0) {
    const size_t na = (size_t)n * (size_t)(fused ? nb : 1);
    acc = malloc(na * sizeof *acc);
    if (!acc) TVI_FAIL(ctx, TV_ERR_NOMEM, "cannot allocate %zu component sums", na);
    for (size_t l = 0; l < na; l++) acc[l] = (tvi_cc_acc){0, 0, 0, INT32_MAX, INT32_MAX, -1, -1, 0};
  }
  job.label = label;
  job.intensity = intensity;
  job.acc = acc;
  job.n = n;
  job.stats = fused;
  if (labels || fused) tvi_parallel_for(ctx, nb, tvi_cc_label_task, &job);
  if (fused) {
    for (int b = 1; b < nb; b++)
      for (int32_t l = 0; l < n; l++) {
        tvi_cc_acc *a = &acc[l];
        const tvi_cc_acc *o = &acc[(size_t)b * (size_t)n + (size_t)l];
        if (!o->area) continue;
        a->area += o->area;
        a->sx += o->sx;
        a->sy += o->sy;
        a->si += o->si;
        if (o->x0 < a->x0) a->x0 = o->x0;
        if (o->x1 > a->x1) a->x1 = o->x1;
        if (o->y0 < a->y0) a->y0 = o->y0;
        if (o->y1 > a->y1) a->y1 = o->y1;
      }
  } else if (n > 0) {
    for (int b = 0; b < nb; b++) {
      const tvi_cc_band *B = &bands[b];
      for (int32_t y = B->y0; y < B->y1; y++)
        for (int64_t r = B->row_first[y - B->y0]; r < B->row_first[y - B->y0 + 1]; r++)
          tvi_cc_add_run(&acc[label[offset[b] + r] - 1], intensity, y, B->runs[r].x0,
                         B->runs[r].x1);
    }
  }
  for (int32_t l = 0; l < n; l++) {
    const tvi_cc_acc *a = &acc[l];
    tv_component *c = &stats[l];
    memset(c, 0, sizeof *c);
    c->label = l + 1;
    c->x = a->x0;
    c->y = a->y0;
    c->width = a->x1 - a->x0 + 1;
    c->height = a->y1 - a->y0 + 1;
    c->area = a->area;
    c->cx = (double)a->sx / (double)a->area;
    c->cy = (double)a->sy / (double)a->area;
    c->mean = intensity ? a->si / (double)a->area : 0;
  }
done:
  if (bands)
    for (int b = 0; b < nb; b++) {
      free(bands[b].runs);
      free(bands[b].parent);
      free(bands[b].row_first);
    }
  free(bands);
  free(offset);
  free(parent);
  free(acc);
  return st;
}
