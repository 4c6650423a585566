/* Tests of the core module: status, version, context options, CPU levels, the thread pool.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dispatch.h"
#include "testutil.h"

START_TEST(status_names_are_pinned) {
  ck_assert_int_eq(TV_OK, 0);
  ck_assert_int_eq(TV_ERR_NULL, 1);
  ck_assert_int_eq(TV_ERR_ARG, 2);
  ck_assert_int_eq(TV_ERR_NOMEM, 3);
  ck_assert_int_eq(TV_ERR_TOO_LARGE, 4);
  ck_assert_int_eq(TV_ERR_IO, 5);
  ck_assert_int_eq(TV_ERR_FORMAT, 6);
  ck_assert_int_eq(TV_ERR_CORRUPT, 7);
  ck_assert_int_eq(TV_ERR_UNSUPPORTED, 8);
  ck_assert_int_eq(TV_ERR_SIZE, 9);
  ck_assert_int_eq(TV_ERR_TYPE, 10);
  ck_assert_int_eq(TV_ERR_THREAD, 11);
  ck_assert_int_eq(TV_ERR_INTERNAL, 12);
  ck_assert_str_eq(tv_status_str(TV_OK), "TV_OK");
  ck_assert_str_eq(tv_status_str(TV_ERR_CORRUPT), "TV_ERR_CORRUPT");
  ck_assert_str_eq(tv_status_str(TV_ERR_INTERNAL), "TV_ERR_INTERNAL");
  ck_assert_str_eq(tv_status_str((tv_status)999), "TV_ERR_UNKNOWN");
  ck_assert_str_eq(tv_status_str((tv_status)-1), "TV_ERR_UNKNOWN");
}
END_TEST

START_TEST(version_matches_headers) {
  ck_assert_int_eq(tv_version_number(), TV_VERSION_NUMBER);
  char want[32];
  snprintf(want, sizeof want, "%d.%d.%d", TV_VERSION_MAJOR, TV_VERSION_MINOR, TV_VERSION_PATCH);
  ck_assert_str_eq(tv_version_string(), want);
}
END_TEST

START_TEST(ctx_defaults) {
  tv_ctx *ctx = tvt_ctx();
  int64_t v = -1;
  tvt_assert_ok(ctx, tv_ctx_get(ctx, TV_CTX_THREADS, &v));
  ck_assert_int_ge(v, 1);
  ck_assert_int_le(v, 64);
  tvt_assert_ok(ctx, tv_ctx_get(ctx, TV_CTX_MAX_PIXELS, &v));
  ck_assert_int_eq(v, (int64_t)1 << 28);
  tvt_assert_ok(ctx, tv_ctx_get(ctx, TV_CTX_SIMD_CAP, &v));
  ck_assert_int_eq(v, tv_cpu_isa());
  ck_assert_str_eq(tv_ctx_last_error(ctx), "");
  ck_assert_int_eq(tv_ctx_last_status(ctx), TV_OK);
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(ctx_bad_arguments) {
  ck_assert_int_eq(tv_ctx_create(NULL), TV_ERR_NULL);
  tv_ctx_destroy(NULL);
  ck_assert_int_eq(tv_ctx_set(NULL, TV_CTX_THREADS, 1), TV_ERR_NULL);
  int64_t v = 7;
  ck_assert_int_eq(tv_ctx_get(NULL, TV_CTX_THREADS, &v), TV_ERR_NULL);
  ck_assert_int_eq(v, 0);
  ck_assert_str_eq(tv_ctx_last_error(NULL), "");

  tv_ctx *ctx = tvt_ctx();
  tvt_assert_status(ctx, tv_ctx_get(ctx, TV_CTX_THREADS, NULL), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_ctx_get: value is NULL");
  tvt_assert_status(ctx, tv_ctx_set(ctx, TV_CTX_THREADS, 0), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_ctx_set: TV_CTX_THREADS must be 1..64, got 0");
  ck_assert_int_eq(tv_ctx_last_status(ctx), TV_ERR_ARG);
  tvt_assert_status(ctx, tv_ctx_set(ctx, TV_CTX_THREADS, 65), TV_ERR_ARG);
  tvt_assert_status(ctx, tv_ctx_set(ctx, TV_CTX_MAX_PIXELS, 0), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "TV_CTX_MAX_PIXELS");
  tvt_assert_status(ctx, tv_ctx_set(ctx, TV_CTX_MAX_PIXELS, ((int64_t)1 << 40) + 1), TV_ERR_ARG);
  tvt_assert_status(ctx, tv_ctx_set(ctx, TV_CTX_SIMD_CAP, 99), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "not a level of this architecture");
  tvt_assert_status(ctx, tv_ctx_set(ctx, TV_CTX_ACTIVE_ISA, 0), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "read-only");
  tvt_assert_status(ctx, tv_ctx_set(ctx, TV_CTX_DETERMINISTIC, 2), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "TV_CTX_DETERMINISTIC must be 0 or 1, got 2");
  tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_DETERMINISTIC, 1));
  tvt_assert_ok(ctx, tv_ctx_get(ctx, TV_CTX_DETERMINISTIC, &v));
  ck_assert_int_eq(v, 1);
  tvt_assert_status(ctx, tv_ctx_set(ctx, (tv_ctx_option)77, 1), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "unknown option key 77");
  tvt_assert_status(ctx, tv_ctx_get(ctx, (tv_ctx_option)77, &v), TV_ERR_ARG);
  /* Failed sets leave the options as they were. */
  tvt_assert_ok(ctx, tv_ctx_get(ctx, TV_CTX_MAX_PIXELS, &v));
  ck_assert_int_eq(v, (int64_t)1 << 28);
  tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_MAX_PIXELS, 1000));
  tvt_assert_ok(ctx, tv_ctx_get(ctx, TV_CTX_MAX_PIXELS, &v));
  ck_assert_int_eq(v, 1000);
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(isa_names_and_order) {
  ck_assert_str_eq(tv_isa_name(TV_ISA_SCALAR), "scalar");
  ck_assert_str_eq(tv_isa_name(TV_ISA_SSE4), "sse4");
  ck_assert_str_eq(tv_isa_name(TV_ISA_AVX2), "avx2");
  ck_assert_str_eq(tv_isa_name(TV_ISA_AVX512), "avx512");
  ck_assert_str_eq(tv_isa_name(TV_ISA_NEON), "neon");
  ck_assert_str_eq(tv_isa_name((tv_isa)42), "unknown");
  ck_assert(tvi_isa_allowed(TV_ISA_SCALAR, TV_ISA_SCALAR));
  ck_assert(tvi_isa_allowed(tv_cpu_isa(), TV_ISA_SCALAR));
#if TV_ARCH_X86
  ck_assert(tvi_isa_allowed(TV_ISA_AVX512, TV_ISA_AVX2));
  ck_assert(tvi_isa_allowed(TV_ISA_AVX2, TV_ISA_SSE4));
  ck_assert(!tvi_isa_allowed(TV_ISA_AVX2, TV_ISA_AVX512));
  ck_assert(!tvi_isa_allowed(TV_ISA_SSE4, TV_ISA_AVX2));
  ck_assert(!tvi_isa_allowed(TV_ISA_AVX512, TV_ISA_NEON));
  ck_assert_int_ge(tv_cpu_isa(), TV_ISA_SSE4); /* every x86-64 machine we run on has SSE4.2 */
#endif
#if TV_ARCH_ARM64
  ck_assert_int_eq(tv_cpu_isa(), TV_ISA_NEON);
  ck_assert(!tvi_isa_allowed(TV_ISA_NEON, TV_ISA_AVX2));
#endif
}
END_TEST

/* The active level follows the cap, never above the CPU's. */
START_TEST(simd_cap_lowers_active_level) {
  tv_ctx *ctx = tvt_ctx();
  int64_t v = -1;
  tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_SIMD_CAP, TV_ISA_SCALAR));
  tvt_assert_ok(ctx, tv_ctx_get(ctx, TV_CTX_ACTIVE_ISA, &v));
  ck_assert_int_eq(v, TV_ISA_SCALAR);
#if TV_ARCH_X86
  tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_SIMD_CAP, TV_ISA_AVX512));
  tvt_assert_ok(ctx, tv_ctx_get(ctx, TV_CTX_ACTIVE_ISA, &v));
  const char *env = getenv("TV_CPU");
  if (!env) ck_assert_int_eq(v, tv_cpu_isa());
  ck_assert(tvi_isa_allowed(tv_cpu_isa(), (tv_isa)v));
  tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_SIMD_CAP, TV_ISA_SSE4));
  tvt_assert_ok(ctx, tv_ctx_get(ctx, TV_CTX_ACTIVE_ISA, &v));
  ck_assert(v == TV_ISA_SSE4 || v == TV_ISA_SCALAR);
#endif
  tv_ctx_destroy(ctx);
}
END_TEST

/* TV_CPU forces a level at context creation; unknown names are ignored, levels above the CPU's
 * are clamped. Runs in a forked child (Check's default), so setenv does not leak. */
START_TEST(tv_cpu_environment) {
  static const struct {
    const char *value;
    int want; /* -1: the CPU's level */
  } cases[] = {
    {"scalar", TV_ISA_SCALAR},
    {"SCALAR", TV_ISA_SCALAR},
    {"bogus", -1},
    {"", -1},
#if TV_ARCH_X86
    {"sse4", TV_ISA_SSE4},
    {"neon", TV_ISA_SCALAR},
#endif
#if TV_ARCH_ARM64
    {"neon", TV_ISA_NEON},
    {"avx2", TV_ISA_SCALAR},
#endif
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    setenv("TV_CPU", cases[i].value, 1);
    tv_ctx *ctx = tvt_ctx();
    int64_t v = -1;
    tvt_assert_ok(ctx, tv_ctx_get(ctx, TV_CTX_ACTIVE_ISA, &v));
    const int want = cases[i].want < 0 ? (int)tv_cpu_isa() : cases[i].want;
    ck_assert_msg(v == want, "TV_CPU=%s gives %s, want %s", cases[i].value, tv_isa_name((tv_isa)v),
                  tv_isa_name((tv_isa)want));
    tv_ctx_destroy(ctx);
  }
#if TV_ARCH_X86
  setenv("TV_CPU", "avx512", 1);
  tv_ctx *ctx = tvt_ctx();
  int64_t v = -1;
  tvt_assert_ok(ctx, tv_ctx_get(ctx, TV_CTX_ACTIVE_ISA, &v));
  ck_assert_int_eq(v, tv_cpu_isa()); /* clamped to what the CPU has */
  tv_ctx_destroy(ctx);
#endif
  unsetenv("TV_CPU");
}
END_TEST

/* A kernel family table as lib/ modules build it: the first allowed entry is chosen. */
typedef int (*tvt_fn)(void);
static int tvt_scalar(void) { return 0; }
static int tvt_sse4(void) { return 1; }
static int tvt_avx2(void) { return 2; }
static int tvt_neon(void) { return 4; }

START_TEST(dispatch_selects_best_allowed) {
  static const struct {
    tv_isa isa;
    tvt_fn fn;
    const char *name;
  } table[] = {{TV_ISA_AVX2, tvt_avx2, "avx2"},
               {TV_ISA_SSE4, tvt_sse4, "sse4"},
               {TV_ISA_NEON, tvt_neon, "neon"},
               {TV_ISA_SCALAR, tvt_scalar, "scalar"}};
  tv_ctx *ctx = tvt_ctx();
  tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_SIMD_CAP, TV_ISA_SCALAR));
  ck_assert_int_eq(table[TVI_SELECT(ctx, table)].fn(), 0);
#if TV_ARCH_X86
  if (!getenv("TV_CPU")) {
    tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_SIMD_CAP, TV_ISA_SSE4));
    ck_assert_int_eq(table[TVI_SELECT(ctx, table)].fn(), 1);
    tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_SIMD_CAP, tv_cpu_isa()));
    ck_assert_int_eq(table[TVI_SELECT(ctx, table)].fn(), tv_cpu_isa() >= TV_ISA_AVX2 ? 2 : 1);
  }
#endif
#if TV_ARCH_ARM64
  tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_SIMD_CAP, TV_ISA_NEON));
  if (!getenv("TV_CPU")) ck_assert_int_eq(table[TVI_SELECT(ctx, table)].fn(), 4);
#endif
  tv_ctx_destroy(ctx);
}
END_TEST

typedef struct {
  atomic_int *hits;
  atomic_int workers_seen[TVI_MAX_THREADS];
  int nested_ok;
  tv_ctx *ctx;
} tvt_pool_job;

static void tvt_hit(void *arg, int64_t task, int worker) {
  tvt_pool_job *job = arg;
  atomic_fetch_add(&job->hits[task], 1);
  if (worker >= 0 && worker < TVI_MAX_THREADS) atomic_fetch_add(&job->workers_seen[worker], 1);
}

static void tvt_inner(void *arg, int64_t task, int worker) {
  (void)worker;
  atomic_fetch_add(&((atomic_int *)arg)[task], 1);
}

/* Each task runs a nested parallel loop on the same context: it must run (serially), not hang. */
static void tvt_nested(void *arg, int64_t task, int worker) {
  tvt_pool_job *job = arg;
  atomic_int inner[8];
  for (int i = 0; i < 8; i++) atomic_init(&inner[i], 0);
  tvi_parallel_for(job->ctx, 8, tvt_inner, inner);
  int ok = 1;
  for (int i = 0; i < 8; i++) ok &= atomic_load(&inner[i]) == 1;
  atomic_fetch_add(&job->hits[task], ok ? 1 : 100);
  (void)worker;
}

START_TEST(pool_runs_every_task_once) {
  tv_ctx *ctx = tvt_ctx();
  enum { N = 10007 };
  atomic_int *hits = calloc(N, sizeof *hits);
  ck_assert_ptr_nonnull(hits);
  for (int threads = 1; threads <= 8; threads++) {
    tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_THREADS, threads));
    ck_assert_int_eq(tvi_parallel_workers(ctx), threads);
    for (int rep = 0; rep < 20; rep++) {
      tvt_pool_job job = {.hits = hits, .ctx = ctx};
      for (int i = 0; i < TVI_MAX_THREADS; i++) atomic_init(&job.workers_seen[i], 0);
      for (int i = 0; i < N; i++) atomic_init(&hits[i], 0);
      const int64_t ntasks = rep == 0 ? 1 : (rep == 1 ? 0 : N - rep);
      tvi_parallel_for(ctx, ntasks, tvt_hit, &job);
      int64_t bad = -1; /* the first task run a wrong number of times */
      for (int64_t i = 0; i < N && bad < 0; i++)
        if (atomic_load(&hits[i]) != (i < ntasks ? 1 : 0)) bad = i;
      ck_assert_msg(bad < 0, "%d threads, %lld tasks: task %lld ran %d times, want %d", threads,
                    (long long)ntasks, (long long)bad, atomic_load(&hits[bad < 0 ? 0 : bad]),
                    bad < ntasks ? 1 : 0);
      for (int w = threads; w < TVI_MAX_THREADS; w++)
        ck_assert_int_eq(atomic_load(&job.workers_seen[w]), 0);
    }
  }
  /* Nested use from inside tasks. */
  tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_THREADS, 4));
  tvt_pool_job job = {.hits = hits, .ctx = ctx};
  for (int i = 0; i < 64; i++) atomic_init(&hits[i], 0);
  tvi_parallel_for(ctx, 64, tvt_nested, &job);
  for (int i = 0; i < 64; i++) ck_assert_int_eq(atomic_load(&hits[i]), 1);
  free(hits);
  tv_ctx_destroy(ctx);
}
END_TEST

/* Many contexts with their own pools, created and destroyed repeatedly: no leak, no hang. */
START_TEST(pool_create_destroy_churn) {
  atomic_int hits[16];
  for (int rep = 0; rep < 50; rep++) {
    tv_ctx *ctx = tvt_ctx();
    tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_THREADS, 1 + rep % 6));
    for (int i = 0; i < 16; i++) atomic_init(&hits[i], 0);
    tvi_parallel_for(ctx, 16, tvt_inner, hits);
    for (int i = 0; i < 16; i++) ck_assert_int_eq(atomic_load(&hits[i]), 1);
    tv_ctx_destroy(ctx);
  }
}
END_TEST

static Suite *core_suite(void) {
  Suite *s = suite_create("core");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, status_names_are_pinned);
  tcase_add_test(tc, version_matches_headers);
  tcase_add_test(tc, ctx_defaults);
  tcase_add_test(tc, ctx_bad_arguments);
  tcase_add_test(tc, isa_names_and_order);
  tcase_add_test(tc, simd_cap_lowers_active_level);
  tcase_add_test(tc, tv_cpu_environment);
  tcase_add_test(tc, dispatch_selects_best_allowed);
  tcase_add_test(tc, pool_runs_every_task_once);
  tcase_add_test(tc, pool_create_destroy_churn);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return tvt_run(core_suite()); }
