/* The context's thread pool: workers sleep on a condition variable between jobs (no spinning).
 * SPDX-License-Identifier: Apache-2.0 */
#include <pthread.h>
#include <stdlib.h>

#include "internal.h"

struct tvi_pool;

typedef struct tvi_worker {
  struct tvi_pool *pool;
  int index; /* 1 .. nthreads; the calling thread is worker 0 */
  pthread_t thread;
} tvi_worker;

struct tvi_pool {
  pthread_mutex_t mu;
  pthread_cond_t work_cv; /* a new job or stop */
  pthread_cond_t done_cv; /* the last worker inside a closed job left it */
  int nworkers;           /* threads started (the caller is not counted) */
  int stop;
  uint64_t generation; /* incremented for each job */
  int running;         /* workers inside the current job */
  int closed;          /* the caller has run out of tasks: late workers do not join */
  tvi_task_fn fn;
  void *arg;
  int64_t ntasks;
  atomic_llong next; /* next task index to take */
  atomic_int in_use; /* a job is in flight: nested calls run serially */
  tvi_worker workers[TVI_MAX_THREADS];
};

static void tvi_run_tasks(struct tvi_pool *pool, tvi_task_fn fn, void *arg, int64_t ntasks,
                          int worker) {
  for (;;) {
    const int64_t t = atomic_fetch_add_explicit(&pool->next, 1, memory_order_relaxed);
    if (t >= ntasks) break;
    fn(arg, t, worker);
  }
}

static void *tvi_worker_main(void *p) {
  tvi_worker *w = p;
  struct tvi_pool *pool = w->pool;
  uint64_t seen = 0;
  pthread_mutex_lock(&pool->mu);
  for (;;) {
    while (!pool->stop && pool->generation == seen) pthread_cond_wait(&pool->work_cv, &pool->mu);
    if (pool->stop) break;
    seen = pool->generation;
    if (pool->closed) continue; /* woke after the job ran out of tasks: nothing to do */
    pool->running++;
    tvi_task_fn fn = pool->fn;
    void *arg = pool->arg;
    const int64_t ntasks = pool->ntasks;
    pthread_mutex_unlock(&pool->mu);
    tvi_run_tasks(pool, fn, arg, ntasks, w->index);
    pthread_mutex_lock(&pool->mu);
    if (--pool->running == 0 && pool->closed) pthread_cond_signal(&pool->done_cv);
  }
  pthread_mutex_unlock(&pool->mu);
  return NULL;
}

static struct tvi_pool *tvi_pool_create(int threads) {
  struct tvi_pool *pool = calloc(1, sizeof *pool);
  if (!pool) return NULL;
  if (pthread_mutex_init(&pool->mu, NULL) != 0) {
    free(pool);
    return NULL;
  }
  if (pthread_cond_init(&pool->work_cv, NULL) != 0) {
    pthread_mutex_destroy(&pool->mu);
    free(pool);
    return NULL;
  }
  if (pthread_cond_init(&pool->done_cv, NULL) != 0) {
    pthread_cond_destroy(&pool->work_cv);
    pthread_mutex_destroy(&pool->mu);
    free(pool);
    return NULL;
  }
  atomic_init(&pool->next, 0);
  atomic_init(&pool->in_use, 0);
  for (int i = 1; i < threads && i < TVI_MAX_THREADS; i++) {
    tvi_worker *w = &pool->workers[pool->nworkers];
    w->pool = pool;
    w->index = i;
    if (pthread_create(&w->thread, NULL, tvi_worker_main, w) != 0) break; /* run with fewer */
    pool->nworkers++;
  }
  return pool;
}

void tvi_pool_destroy(struct tvi_pool *pool) {
  if (!pool) return;
  pthread_mutex_lock(&pool->mu);
  pool->stop = 1;
  pthread_cond_broadcast(&pool->work_cv);
  pthread_mutex_unlock(&pool->mu);
  for (int i = 0; i < pool->nworkers; i++) pthread_join(pool->workers[i].thread, NULL);
  pthread_cond_destroy(&pool->done_cv);
  pthread_cond_destroy(&pool->work_cv);
  pthread_mutex_destroy(&pool->mu);
  free(pool);
}

int tvi_parallel_workers(const tv_ctx *ctx) { return ctx && ctx->threads > 1 ? ctx->threads : 1; }

static void tvi_run_serial(int64_t ntasks, tvi_task_fn fn, void *arg) {
  for (int64_t t = 0; t < ntasks; t++) fn(arg, t, 0);
}

void tvi_parallel_for(tv_ctx *ctx, int64_t ntasks, tvi_task_fn fn, void *arg) {
  if (ntasks <= 0) return;
  if (!ctx || ctx->threads <= 1 || ntasks == 1) {
    tvi_run_serial(ntasks, fn, arg);
    return;
  }
  if (!ctx->pool) ctx->pool = tvi_pool_create(ctx->threads);
  struct tvi_pool *pool = ctx->pool;
  int expected = 0;
  if (!pool || pool->nworkers == 0 ||
      !atomic_compare_exchange_strong(&pool->in_use, &expected, 1)) {
    tvi_run_serial(ntasks, fn, arg); /* no workers, or called from inside a task */
    return;
  }
  pthread_mutex_lock(&pool->mu);
  pool->fn = fn;
  pool->arg = arg;
  pool->ntasks = ntasks;
  atomic_store_explicit(&pool->next, 0, memory_order_relaxed);
  pool->running = 0;
  pool->closed = 0;
  pool->generation++;
  pthread_cond_broadcast(&pool->work_cv);
  pthread_mutex_unlock(&pool->mu);

  tvi_run_tasks(pool, fn, arg, ntasks, 0);

  /* Every task has been taken. Wait only for the workers that joined (they may still be running
   * their last task); a worker that has not woken yet would find nothing to do, so it does not
   * join at all and the caller never waits for a scheduler wake-up on a busy machine. */
  pthread_mutex_lock(&pool->mu);
  pool->closed = 1;
  while (pool->running > 0) pthread_cond_wait(&pool->done_cv, &pool->mu);
  pthread_mutex_unlock(&pool->mu);
  atomic_store(&pool->in_use, 0);
}
