/* Connected components with statistics (tv_components): run-based union-find over bit masks.
 * Each mask row becomes bit masks (kernels/ccl), whose runs of nonzero samples are the nodes of a
 * union-find forest in raster order. Row bands join each row's runs to the row above in parallel
 * without a branch per run (kernels/ccl: a run hangs under the first run above it touches; gaps
 * above bridged by a run are found by carries through the bit masks); a serial step joins the
 * bands across their borders; the bands number their roots in raster order (the root of a tree is
 * its first run, which starts at the component's first pixel) and write the label rows and
 * per-band sums in parallel, their rows' runs found again from a bitmap of the mask.
 * Memory: 4 bytes per run (address space reserved for the most runs the mask could hold, 2 bytes
 * per pixel, touched as used), 1 bit per pixel, 4 bytes per row, a few rows per band, and the
 * components' sums per band.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "filter_internal.h"
#include "kernels/ccl/ccl.h"

static const struct {
  tv_isa isa;
  const tvi_ccl_kernels *k;
  const char *name;
} tvi_ccl_table[] = {
#define TV_KERNEL(isa, kernels) {isa, &kernels, #kernels},
#include "kernels/ccl/ccl.inc"
#undef TV_KERNEL
};

const tvi_ccl_kernels *tvi_ccl_select(const tv_ctx *ctx) {
  return tvi_ccl_table[TVI_SELECT(ctx, tvi_ccl_table)].k;
}

typedef struct tvi_cc_acc {
  int64_t area, sx2, sy; /* sx2: twice the sum of x (a run adds (x0 + x1 - 1) * length) */
  int32_t x0, y0, x1, y1;
  double si;
} tvi_cc_acc;

typedef struct tvi_cc_band {
  int32_t y0, y1;
  int64_t off;   /* index of the band's first run */
  int64_t n;     /* runs in the band */
  int64_t roots; /* trees in the band not joined to an earlier band's */
  int32_t base;  /* labels before the band's */
  void *mem;
  tvi_ccl_row r[2];
  int32_t *lab; /* one row's run labels (fill's padding either side) */
} tvi_cc_band;

typedef struct tvi_cc_job {
  const tvi_ccl_kernels *k;
  const tv_image *mask;
  int conn8;
  tvi_cc_band *bands;
  uint64_t *bitmap;   /* the mask's nonzero samples, tvi_ccl_words(width) words per row */
  int32_t *parent;    /* union-find forest over the runs, then their labels */
  int32_t *row_first; /* index of each row's first run */
  tv_image *labels;
  const tv_image *intensity;
  tvi_cc_acc *acc; /* with stats set: n sums per band */
  int32_t n;
  int stats;
} tvi_cc_job;

/* Row y of the mask into r, its bits kept in the bitmap. */
static void tvi_cc_load(const tvi_cc_job *j, int32_t y, tvi_ccl_row *r) {
  const void *row = tvi_row(j->mask, y);
  r->bits = j->bitmap + (size_t)y * (size_t)tvi_ccl_words(j->mask->width);
  if (j->mask->type == TV_U8)
    j->k->load_u8(row, j->mask->width, r);
  else
    j->k->load_u16(row, j->mask->width, r);
}

/* Row y into r again, from the bitmap (after pass 1). */
static void tvi_cc_reload(const tvi_cc_job *j, int32_t y, tvi_ccl_row *r) {
  r->bits = j->bitmap + (size_t)y * (size_t)tvi_ccl_words(j->mask->width);
  j->k->runs(r, j->mask->width);
}

/* Pass 1: one band's runs joined row to row; the band's first row starts new trees. */
static void tvi_cc_band_task(void *arg, int64_t task, int worker) {
  (void)worker;
  const tvi_cc_job *j = arg;
  tvi_cc_band *b = &j->bands[task];
  int32_t *parent = j->parent;
  int64_t idx = b->off, roots = 0;
  int cur = 0;
  for (int32_t y = b->y0; y < b->y1; y++) {
    const tvi_ccl_row *cr = &b->r[cur], *pr = &b->r[cur ^ 1];
    tvi_cc_load(j, y, &b->r[cur]);
    j->row_first[y] = (int32_t)idx;
    roots += cr->n;
    if (y == b->y0 || pr->n == 0) {
      for (int32_t i = 0; i < cr->n; i++) parent[idx + i] = (int32_t)(idx + i);
    } else {
      roots -= j->k->join(parent, pr, (int32_t)(idx - pr->n), cr, (int32_t)idx, j->mask->width,
                          j->conn8);
    }
    idx += cr->n;
    cur ^= 1;
  }
  b->n = idx - b->off;
  b->roots = roots;
}

/* Joins the trees of a and b (the smaller root stays the root) and counts a merge against the
 * band that held the root that went under. */
static void tvi_cc_border_unite(int32_t *p, tvi_cc_band *bands, int nb, int32_t a, int32_t b) {
  a = tvi_ccl_find(p, a);
  b = tvi_ccl_find(p, b);
  if (a == b) return;
  const int32_t lo = a < b ? a : b, hi = a < b ? b : a;
  p[hi] = lo;
  int k = nb - 1;
  while (k > 0 && bands[k].off > hi) k--;
  bands[k].roots--;
}

/* The border between band b - 1 and band b (serial, after pass 1). */
static void tvi_cc_border(const tvi_cc_job *j, int nb, int b) {
  tvi_cc_band *A = &j->bands[b - 1], *B = &j->bands[b];
  tvi_ccl_row *pr = &A->r[0], *cr = &B->r[0];
  tvi_cc_reload(j, B->y0 - 1, pr);
  tvi_cc_reload(j, B->y0, cr);
  if (!pr->n || !cr->n) return;
  int32_t *parent = j->parent;
  const int32_t pb = j->row_first[B->y0 - 1], cb = j->row_first[B->y0];
  const int32_t nw = tvi_ccl_words(j->mask->width);
  uint64_t carry = 0, cbit = 0;
  for (int32_t k = 0; k < nw; k++) {
    uint64_t m = tvi_ccl_bridges(pr, cr, k, j->conn8, &carry, &cbit);
    while (m) {
      const int32_t r = pb + tvi_ccl_rank(pr->s, pr->ps, k * 64 + __builtin_ctzll(m));
      m &= m - 1;
      tvi_cc_border_unite(parent, j->bands, nb, r - 1, r);
    }
  }
  for (int32_t i = 0; i < cr->n; i++) {
    int32_t r;
    if (tvi_ccl_touch(pr, cr->x[2 * i], cr->x[2 * i + 1], j->conn8, &r))
      tvi_cc_border_unite(parent, j->bands, nb, pb + r, cb + i);
  }
}

/* Pass 2: the band's runs get their labels in place of their parents, roots numbered in raster
 * order from the band's base. A run whose parent lies in an earlier band (joined at a border)
 * gets -(parent + 1), resolved once every band is numbered. No branch per run. */
static void tvi_cc_number_task(void *arg, int64_t task, int worker) {
  (void)worker;
  const tvi_cc_job *j = arg;
  const tvi_cc_band *b = &j->bands[task];
  int32_t *p = j->parent;
  const int32_t off = (int32_t)b->off, end = (int32_t)(b->off + b->n);
  int32_t next = b->base;
  for (int32_t g = off; g < end; g++) {
    const int32_t q = p[g];
    const int32_t v = p[q < off ? off : q]; /* the parent's label when in the band (q <= g) */
    const int root = q == g;
    next += root;
    p[g] = root ? next : q < off ? -q - 1 : v;
  }
}

/* A large array (runs, sums): 2 MiB aligned and, where the system has them, on huge pages (it
 * is touched once per call from fresh memory, and small pages cost a fault per 4 KiB). */
static void *tvi_cc_alloc_big(size_t bytes) {
  const size_t huge = (size_t)2 << 20;
  void *p = NULL;
  if (bytes < 2 * huge) return malloc(bytes);
  bytes = (bytes + huge - 1) & ~(huge - 1);
  if (posix_memalign(&p, huge, bytes)) return NULL;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  madvise(p, bytes, MADV_HUGEPAGE); /* a hint: failure is harmless */
#endif
  return p;
}

static inline int32_t tvi_cc_resolve(const int32_t *lab, int32_t g) {
  int32_t l = lab[g];
  while (l < 0) l = lab[-l - 1]; /* a label from an earlier band: parents come first */
  return l;
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

/* Adds the runs i0..i1 of row y (x: 2 per run), all labelled l, to l's sums. */
static inline void tvi_cc_add_group(tvi_cc_acc *a, int32_t y, const int32_t *x, int32_t i0,
                                    int32_t i1, int64_t area, int64_t sx2) {
  a->area += area;
  a->sx2 += sx2;
  a->sy += (int64_t)y * area;
  a->x0 = x[2 * i0] < a->x0 ? x[2 * i0] : a->x0;
  a->x1 = x[2 * i1 + 1] - 1 > a->x1 ? x[2 * i1 + 1] - 1 : a->x1;
  a->y0 = y < a->y0 ? y : a->y0;
  a->y1 = y;
}

/* Adds row y's runs (x: 2 per run, labels lab) to the sums: neighbouring runs of one label (most
 * of a dense mask) are summed in registers first. */
static void tvi_cc_add_row(tvi_cc_acc *restrict acc, const tv_image *intensity, int32_t y,
                           const int32_t *restrict x, const int32_t *restrict lab, int32_t n) {
  if (n == 0) return;
  int32_t i0 = 0, l = lab[0];
  int64_t area = 0, sx2 = 0;
  for (int32_t i = 0; i < n; i++) {
    if (lab[i] != l) {
      tvi_cc_add_group(&acc[l - 1], y, x, i0, i - 1, area, sx2);
      i0 = i;
      l = lab[i];
      area = sx2 = 0;
    }
    const int64_t len = x[2 * i + 1] - x[2 * i];
    area += len;
    sx2 += ((int64_t)x[2 * i] + x[2 * i + 1] - 1) * len;
  }
  tvi_cc_add_group(&acc[l - 1], y, x, i0, n - 1, area, sx2);
  if (intensity)
    for (int32_t i = 0; i < n; i++)
      acc[lab[i] - 1].si += tvi_run_sum(intensity, y, x[2 * i], x[2 * i + 1]);
}

/* Pass 3: one band's label rows and, with stats set, the band's sums per label. */
static const tvi_cc_acc tvi_cc_acc0 = {0, 0, 0, INT32_MAX, INT32_MAX, -1, -1, 0};

static void tvi_cc_label_task(void *arg, int64_t task, int worker) {
  (void)worker;
  const tvi_cc_job *j = arg;
  tvi_cc_band *b = &j->bands[task];
  tvi_cc_acc *acc = j->stats ? j->acc + (size_t)task * (size_t)j->n : NULL;
  if (acc)
    for (int32_t l = 0; l < j->n; l++) acc[l] = tvi_cc_acc0;
  tvi_ccl_row *r = &b->r[0];
  for (int32_t y = b->y0; y < b->y1; y++) {
    tvi_cc_reload(j, y, r);
    const int32_t g = j->row_first[y], nr = r->n;
    const int32_t *lab = j->parent;
    int32_t *rl = b->lab;
    for (int32_t i = 0; i < nr; i++) rl[i] = tvi_cc_resolve(lab, g + i);
    if (acc) tvi_cc_add_row(acc, j->intensity, y, r->x, rl, nr);
    if (j->labels) j->k->fill(tvi_row(j->labels, y), j->mask->width, r, rl);
  }
}

tv_status tv_components(tv_ctx *ctx, const tv_image *mask, const tv_image *intensity,
                        int32_t connectivity, tv_image *labels, tv_component *stats,
                        int32_t capacity, int32_t *count) {
  if (!ctx) return TV_ERR_NULL;
  tv_status st = TV_OK;
  tvi_cc_band *bands = NULL;
  int32_t *parent = NULL, *row_first = NULL;
  uint64_t *bitmap = NULL;
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
  const int64_t row_max = ((int64_t)w + 1) / 2; /* the most runs a row can hold */
  if (row_max * h > INT32_MAX)
    return TVI_ERR(ctx, TV_ERR_TOO_LARGE, "mask %dx%d could hold over 2^31 runs", w, h);
  const int32_t nw = tvi_ccl_words(w);
  const int workers = tvi_parallel_workers(ctx);
  nb = workers < h ? workers : h;
  bands = calloc((size_t)nb, sizeof *bands);
  row_first = malloc((size_t)h * sizeof *row_first);
  /* Band b's runs are numbered from row_max * (its first row): the bands number their runs
   * without waiting for each other. Only the pages that runs use are touched. */
  parent = tvi_cc_alloc_big((size_t)(row_max * h) * sizeof *parent);
  bitmap = malloc((size_t)nw * (size_t)h * sizeof *bitmap); /* 1 bit per sample */
  if (!bands || !row_first || !parent || !bitmap)
    TVI_FAIL(ctx, TV_ERR_NOMEM, "cannot allocate the runs of a %dx%d mask", w, h);
  const size_t masks = (size_t)nw * (2 * sizeof(uint64_t) + 2 * sizeof(uint32_t));
  const size_t rowb =
      (masks + ((size_t)w + 2 + TVI_CCL_SLACK) * sizeof(int32_t) + 63) & ~(size_t)63;
  for (int b = 0; b < nb; b++) {
    tvi_cc_band *B = &bands[b];
    B->y0 = (int32_t)((int64_t)h * b / nb);
    B->y1 = (int32_t)((int64_t)h * (b + 1) / nb);
    B->off = row_max * B->y0;
    B->mem = calloc(1, 2 * rowb + ((size_t)row_max + 2 + TVI_CCL_SLACK) * sizeof(int32_t));
    if (!B->mem) TVI_FAIL(ctx, TV_ERR_NOMEM, "cannot allocate %d row buffers", nb);
    for (int i = 0; i < 2; i++) {
      uint8_t *m = (uint8_t *)B->mem + (size_t)i * rowb;
      tvi_ccl_row *r = &B->r[i];
      r->bits = NULL; /* a row of the bitmap */
      r->s = (uint64_t *)(void *)m;
      r->e = r->s + nw;
      r->ps = (uint32_t *)(void *)(r->e + nw);
      r->pe = r->ps + nw;
      r->x = (int32_t *)(void *)(r->pe + nw);
      r->n = 0;
    }
    B->lab = (int32_t *)(void *)((uint8_t *)B->mem + 2 * rowb) + 1; /* lab[-1] for fill */
  }
  tvi_cc_job job = {.k = tvi_ccl_select(ctx),
                    .mask = mask,
                    .conn8 = connectivity == 8,
                    .bands = bands,
                    .bitmap = bitmap,
                    .parent = parent,
                    .row_first = row_first,
                    .labels = labels};
  tvi_parallel_for(ctx, nb, tvi_cc_band_task, &job);
  for (int b = 1; b < nb; b++) tvi_cc_border(&job, nb, b);
  int64_t total = 0, nruns = 0;
  for (int b = 0; b < nb; b++) {
    bands[b].base = (int32_t)total;
    total += bands[b].roots;
    nruns += bands[b].n;
  }
  const int32_t n = (int32_t)total;
  *count = n;
  if (n > capacity) TVI_FAIL(ctx, TV_ERR_SIZE, "%d components do not fit capacity %d", n, capacity);
  tvi_parallel_for(ctx, nb, tvi_cc_number_task, &job);

  /* The stats are sums of integers (exact in any order) unless the intensity is f32 or s32: then
   * they are added in raster order by one thread, so that results never depend on the threads.
   * Otherwise each band sums its own runs beside writing its labels (while the bands' sums take
   * no more memory than the runs), and the bands' sums are merged. */
  const int exact = !intensity || intensity->type == TV_U8 || intensity->type == TV_U16 ||
                    intensity->type == TV_S16;
  const int fused = n > 0 && exact && (nb == 1 || (int64_t)n * nb <= nruns);
  if (n > 0) {
    const size_t na = (size_t)n * (size_t)(fused ? nb : 1);
    acc = tvi_cc_alloc_big(na * sizeof *acc);
    if (!acc) TVI_FAIL(ctx, TV_ERR_NOMEM, "cannot allocate %zu component sums", na);
    if (!fused)
      for (size_t l = 0; l < na; l++) acc[l] = tvi_cc_acc0; /* fused: each band its own */
  }
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
        a->sx2 += o->sx2;
        a->sy += o->sy;
        a->si += o->si;
        if (o->x0 < a->x0) a->x0 = o->x0;
        if (o->x1 > a->x1) a->x1 = o->x1;
        if (o->y0 < a->y0) a->y0 = o->y0;
        if (o->y1 > a->y1) a->y1 = o->y1;
      }
  } else if (n > 0) {
    tvi_cc_band *B = &bands[0];
    for (int32_t y = 0; y < h; y++) {
      tvi_cc_reload(&job, y, &B->r[0]);
      for (int32_t i = 0; i < B->r[0].n; i++) B->lab[i] = tvi_cc_resolve(parent, row_first[y] + i);
      tvi_cc_add_row(acc, intensity, y, B->r[0].x, B->lab, B->r[0].n);
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
    c->cx = (double)(a->sx2 / 2) / (double)a->area;
    c->cy = (double)a->sy / (double)a->area;
    c->mean = intensity ? a->si / (double)a->area : 0;
  }
done:
  if (bands)
    for (int b = 0; b < nb; b++) free(bands[b].mem);
  free(bands);
  free(row_first);
  free(bitmap);
  free(parent);
  free(acc);
  return st;
}
