/* Stress test: 8 threads, each running 1,000 inferences on shared models (one tv_model each,
 * loaded once), give outputs bit-identical to a single-threaded run. Run under ThreadSanitizer
 * in the tsan build.
 * SPDX-License-Identifier: Apache-2.0 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

enum { NTHREADS = 8, RUNS = 1000, NINPUTS = 4, CLS_OUT = 5, HEAT_H = 24, HEAT_W = 32 };
enum { HEAT_OUT = (HEAT_H / 4) * (HEAT_W / 4) };

static tv_model *cls, *heat;
static float cls_in[NINPUTS][32 * 32], heat_in[NINPUTS][HEAT_H * HEAT_W];
static float cls_ref[NINPUTS][CLS_OUT], heat_ref[NINPUTS][HEAT_OUT];

typedef struct worker {
  int index;
  int mismatches;
  int failures;
  char error[256];
} worker;

static void *work(void *arg) {
  worker *wk = arg;
  tv_ctx *ctx = NULL;
  tv_session *sc = NULL, *sh = NULL;
  if (tv_ctx_create(&ctx) != TV_OK) {
    wk->failures++;
    return NULL;
  }
  /* Six workers run one thread each, two split their runs over two threads. */
  tv_ctx_set(ctx, TV_CTX_THREADS, wk->index >= 6 ? 2 : 1);
  tv_ctx_set(ctx, TV_CTX_DETERMINISTIC, 1);
  if (tv_session_create(ctx, cls, &sc) != TV_OK || tv_session_create(ctx, heat, &sh) != TV_OK) {
    wk->failures++;
    goto done;
  }
  for (int r = 0; r < RUNS; r++) {
    const int k = (r + wk->index) % NINPUTS;
    float out[HEAT_OUT];
    if (r % 4 == 3) {
      if (tv_session_run(ctx, sh, heat_in[k], 1, HEAT_H, HEAT_W, out, HEAT_OUT) != TV_OK) {
        wk->failures++;
        snprintf(wk->error, sizeof wk->error, "%s", tv_ctx_last_error(ctx));
        break;
      }
      wk->mismatches += memcmp(out, heat_ref[k], sizeof heat_ref[k]) != 0;
    } else {
      if (tv_session_run(ctx, sc, cls_in[k], 1, 32, 32, out, CLS_OUT) != TV_OK) {
        wk->failures++;
        snprintf(wk->error, sizeof wk->error, "%s", tv_ctx_last_error(ctx));
        break;
      }
      wk->mismatches += memcmp(out, cls_ref[k], sizeof cls_ref[k]) != 0;
    }
  }
done:
  tv_session_destroy(sc);
  tv_session_destroy(sh);
  tv_ctx_destroy(ctx);
  return NULL;
}

START_TEST(shared_model_many_threads) {
  tv_ctx *ctx = tvt_ctx();
  tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_THREADS, 1));
  tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_DETERMINISTIC, 1));
  char *p1 = tvt_source_path("models/testdata/tiny_cls.tvm");
  char *p2 = tvt_source_path("models/testdata/tiny_heat.tvm");
  tvt_assert_ok(ctx, tv_model_load(ctx, p1, &cls));
  tvt_assert_ok(ctx, tv_model_load(ctx, p2, &heat));
  free(p1);
  free(p2);
  uint64_t seed = 42;
  for (int k = 0; k < NINPUTS; k++) {
    for (int i = 0; i < 32 * 32; i++) cls_in[k][i] = (float)(tvt_rand(&seed) % 2001) / 1000 - 1;
    for (int i = 0; i < HEAT_H * HEAT_W; i++)
      heat_in[k][i] = (float)(tvt_rand(&seed) % 2001) / 1000 - 1;
  }
  /* The single-threaded reference. */
  tv_session *sc = NULL, *sh = NULL;
  tvt_assert_ok(ctx, tv_session_create(ctx, cls, &sc));
  tvt_assert_ok(ctx, tv_session_create(ctx, heat, &sh));
  for (int k = 0; k < NINPUTS; k++) {
    tvt_assert_ok(ctx, tv_session_run(ctx, sc, cls_in[k], 1, 32, 32, cls_ref[k], CLS_OUT));
    tvt_assert_ok(ctx,
                  tv_session_run(ctx, sh, heat_in[k], 1, HEAT_H, HEAT_W, heat_ref[k], HEAT_OUT));
  }
  tv_session_destroy(sc);
  tv_session_destroy(sh);
  pthread_t th[NTHREADS];
  worker wk[NTHREADS];
  for (int t = 0; t < NTHREADS; t++) {
    memset(&wk[t], 0, sizeof wk[t]);
    wk[t].index = t;
    ck_assert_int_eq(pthread_create(&th[t], NULL, work, &wk[t]), 0);
  }
  for (int t = 0; t < NTHREADS; t++) pthread_join(th[t], NULL);
  for (int t = 0; t < NTHREADS; t++) {
    ck_assert_msg(wk[t].failures == 0, "thread %d failed: %s", t, wk[t].error);
    ck_assert_msg(wk[t].mismatches == 0, "thread %d: %d of %d outputs differ", t, wk[t].mismatches,
                  RUNS);
  }
  tv_model_free(cls);
  tv_model_free(heat);
  tv_ctx_destroy(ctx);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("nn_threads");
  TCase *tc = tcase_create("threads");
  tcase_set_timeout(tc, 900);
  tcase_add_test(tc, shared_model_many_threads);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return tvt_run(suite()); }
