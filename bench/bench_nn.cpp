// Benchmark of the convolution engine on the two reference networks of issue #4 (a 200x200
// classifier and a 512x512 heatmap FCN), built layer by layer on tvi_conv_*, against PyTorch
// (torch.jit.optimize_for_inference, run by bench/nn/bench_torch.py in the same run) and OpenCV
// dnn (the same ONNX). 1 and 2 threads, batch 1 and 16; ms, GFLOP/s, % of fp32 peak, ratios;
// per-layer algorithm and GFLOP/s; im2col + OpenBLAS as a second tubevision row.
// Usage: bench_nn [NETDIR] (default: nn-nets beside the binary, made by bench/nn/make_nets.py).
// SPDX-License-Identifier: Apache-2.0
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include <opencv2/dnn.hpp>

#include "benchutil.hpp"

// The internal headers are C11; their only C++ obstacle is <stdatomic.h> (for core's
// reference-counted buffers, unused here): use C++'s atomics under the same names.
#include <atomic>
#include <tuple>
#define _STDATOMIC_H
using std::atomic_int;
using std::atomic_llong;
extern "C" {
#include "core/internal.h"
#include "nn/blas.h"
#include "nn/conv/conv.h"
}

namespace {

const double kPeak1 = 262.0; // fp32 FMA peak of one core, AVX-512 (PEERS.md)

double cpu_s() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

// Median wall time and median process CPU time of fn (warm-up, then reps runs and at least
// 0.3 s). On a loaded machine the CPU time of a one-thread run is the better estimate of what the
// code costs: it leaves out the time the thread waited for a core.
struct timing2 {
  double wall_s, cpu_s;
};
timing2 measure2(const std::function<void()> &fn, int reps = 15) {
  fn();
  std::vector<double> w, c;
  const double start = tvb::now_s();
  for (int i = 0; i < reps || (tvb::now_s() - start < 0.3 && i < 200); i++) {
    const double t0 = tvb::now_s(), c0 = cpu_s();
    fn();
    c.push_back(cpu_s() - c0);
    w.push_back(tvb::now_s() - t0);
  }
  std::sort(w.begin(), w.end());
  std::sort(c.begin(), c.end());
  return {w[w.size() / 2], c[c.size() / 2]};
}

struct conv_spec {
  int cin, cout, k, stride, relu;
};

struct net_spec {
  std::string name;
  int size;
  std::vector<conv_spec> convs;
  int dense_out; // 0: none; else global average pool + dense to dense_out
};

std::vector<net_spec> specs() {
  return {{"classifier",
           200,
           {{1, 32, 3, 2, 1}, {32, 64, 3, 2, 1}, {64, 128, 3, 2, 1}, {128, 128, 3, 2, 1}},
           6},
          {"heatmap",
           512,
           {{1, 16, 3, 2, 1},
            {16, 32, 3, 2, 1},
            {32, 64, 3, 2, 1},
            {64, 64, 3, 1, 1},
            {64, 64, 3, 1, 1},
            {64, 1, 1, 1, 0}},
           0}};
}

std::vector<float> read_floats(const std::string &path) {
  std::vector<float> v;
  FILE *f = std::fopen(path.c_str(), "rb");
  if (!f) return v;
  std::fseek(f, 0, SEEK_END);
  long n = std::ftell(f);
  std::fseek(f, 0, SEEK_SET);
  v.resize((size_t)n / 4);
  if (std::fread(v.data(), 4, v.size(), f) != v.size()) v.clear();
  std::fclose(f);
  return v;
}

// One network on tubevision's convolution engine.
struct tv_net {
  net_spec spec;
  std::vector<tvi_conv_plan *> plans;
  std::vector<double> flops; // per conv layer, one image
  std::vector<int> in_h, in_w;
  std::vector<float> dense_w, dense_b;
  int out_h = 0, out_w = 0;
  double total_flops = 0;
  // per-run memory
  int n = 0;
  std::vector<float> a, b;
  void *scratch = nullptr;
  size_t scratch_bytes = 0;

  bool build(tv_ctx *ctx, const net_spec &s, const std::vector<float> &w, tvi_conv_algo algo) {
    spec = s;
    size_t pos = 0;
    int h = s.size, wd = s.size;
    for (const conv_spec &c : s.convs) {
      tvi_conv_params p{};
      p.cin = c.cin;
      p.cout = c.cout;
      p.kh = p.kw = c.k;
      p.stride_h = p.stride_w = c.stride;
      p.pad_t = p.pad_l = p.pad_b = p.pad_r = c.k / 2;
      p.dil_h = p.dil_w = 1;
      p.groups = 1;
      p.act = c.relu ? TVI_ACT_RELU : TVI_ACT_NONE;
      const size_t nw = (size_t)c.cout * c.cin * c.k * c.k;
      if (pos + nw + c.cout > w.size()) return false;
      tvi_conv_plan *plan = nullptr;
      tvi_conv_algo a1 = algo;
      if (a1 == TVI_CONV_GEMM1X1 && c.k != 1) a1 = TVI_CONV_IM2COL;
      if (a1 == TVI_CONV_IM2COL && c.k == 1 && c.stride == 1) a1 = TVI_CONV_GEMM1X1;
      if (tvi_conv_prepare_as(ctx, &p, w.data() + pos, w.data() + pos + nw, a1, &plan) != TV_OK) {
        std::printf("prepare failed: %s\n", tv_ctx_last_error(ctx));
        return false;
      }
      pos += nw + c.cout;
      plans.push_back(plan);
      in_h.push_back(h);
      in_w.push_back(wd);
      int oh, ow;
      tvi_conv_output_size(&p, h, wd, &oh, &ow);
      flops.push_back(2.0 * oh * ow * c.cout * c.cin * c.k * c.k);
      total_flops += flops.back();
      h = oh;
      wd = ow;
    }
    out_h = h;
    out_w = wd;
    if (s.dense_out) {
      const int cin = s.convs.back().cout;
      dense_w.assign(w.begin() + pos, w.begin() + pos + (size_t)s.dense_out * cin);
      pos += (size_t)s.dense_out * cin;
      dense_b.assign(w.begin() + pos, w.begin() + pos + s.dense_out);
      pos += s.dense_out;
      total_flops += 2.0 * cin * s.dense_out + (double)cin * h * wd;
    }
    return pos == w.size();
  }

  void plan_memory(tv_ctx *ctx, int batch) {
    n = batch;
    size_t act = (size_t)batch * spec.size * spec.size, ss = 0;
    for (size_t i = 0; i < plans.size(); i++) {
      const tvi_conv_params *p = tvi_conv_plan_params(plans[i]);
      int oh, ow;
      tvi_conv_output_size(p, in_h[i], in_w[i], &oh, &ow);
      act = std::max(act, (size_t)batch * p->cout * oh * ow);
      ss = std::max(
          ss, tvi_conv_scratch_size(plans[i], batch, in_h[i], in_w[i], tvi_parallel_workers(ctx)));
    }
    a.assign(act, 0.0f);
    b.assign(act, 0.0f);
    tvi_aligned_free(scratch);
    scratch = tvi_aligned_alloc(ss);
    scratch_bytes = ss;
  }

  void run_layer(tv_ctx *ctx, size_t i, const float *in, float *out) {
    tvi_conv_run(ctx, plans[i], in, out, n, in_h[i], in_w[i], scratch);
  }

  // input: n x 1 x size x size; returns the output (n x 6 scores or n x 1 x oh x ow).
  std::vector<float> run(tv_ctx *ctx, const float *input) {
    const float *cur = input;
    float *bufs[2] = {a.data(), b.data()};
    int which = 0;
    for (size_t i = 0; i < plans.size(); i++) {
      run_layer(ctx, i, cur, bufs[which]);
      cur = bufs[which];
      which ^= 1;
    }
    const int c = spec.convs.back().cout;
    if (!spec.dense_out) return std::vector<float>(cur, cur + (size_t)n * c * out_h * out_w);
    std::vector<float> scores((size_t)n * spec.dense_out);
    std::vector<float> pooled(c);
    for (int img = 0; img < n; img++) {
      for (int ch = 0; ch < c; ch++) {
        const float *pl = cur + ((size_t)img * c + ch) * out_h * out_w;
        double s = 0;
        for (int i = 0; i < out_h * out_w; i++) s += pl[i];
        pooled[ch] = (float)(s / (out_h * out_w));
      }
      for (int o = 0; o < spec.dense_out; o++) {
        float s = dense_b[o];
        for (int ch = 0; ch < c; ch++) s += dense_w[(size_t)o * c + ch] * pooled[ch];
        scores[(size_t)img * spec.dense_out + o] = s;
      }
    }
    return scores;
  }

  ~tv_net() {
    for (tvi_conv_plan *p : plans) tvi_conv_free(p);
    tvi_aligned_free(scratch);
  }
};

struct result {
  double wall_ms, cpu_ms;
};

// PyTorch in a child process (bench/nn/bench_torch.py --serve) that answers one timing request
// at a time, so its runs interleave with tubevision's and OpenCV's.
struct torch_child {
  pid_t pid = -1;
  FILE *to = nullptr, *from = nullptr;

  bool start(const std::string &netdir) {
    int in[2], out[2];
    if (pipe(in) != 0) return false;
    if (pipe(out) != 0) return false;
    pid = fork();
    if (pid < 0) return false;
    if (pid == 0) {
      dup2(in[0], 0);
      dup2(out[1], 1);
      close(in[1]);
      close(out[0]);
      const std::string script = std::string(TVB_SOURCE_DIR) + "/bench/nn/bench_torch.py";
      execl("/usr/bin/python3", "python3", script.c_str(), netdir.c_str(), "--serve",
            (char *)nullptr);
      _exit(127);
    }
    close(in[0]);
    close(out[1]);
    to = fdopen(in[1], "w");
    from = fdopen(out[0], "r");
    char line[256];
    while (from && std::fgets(line, sizeof line, from))
      if (std::strncmp(line, "ready", 5) == 0) return true;
    return false;
  }

  // Median wall and CPU ms of PyTorch on one configuration; {0, 0} on failure.
  result time(const std::string &net, int threads, int batch, int reps) {
    result r{0, 0};
    if (!to || !from) return r;
    std::fprintf(to, "%s %d %d %d\n", net.c_str(), threads, batch, reps);
    std::fflush(to);
    char line[1024], name[64];
    int t, b;
    if (std::fgets(line, sizeof line, from) &&
        std::sscanf(line,
                    "{\"net\": \"%63[^\"]\", \"threads\": %d, \"batch\": %d, \"median_ms\": %lf, "
                    "\"cpu_ms\": %lf",
                    name, &t, &b, &r.wall_ms, &r.cpu_ms) != 5)
      r = {0, 0};
    return r;
  }

  ~torch_child() {
    if (to) std::fclose(to); // EOF ends the child's loop
    if (from) std::fclose(from);
    if (pid > 0) waitpid(pid, nullptr, 0);
  }
};

result best_of(result a, result b) {
  if (a.wall_ms <= 0) return b;
  if (b.wall_ms <= 0) return a;
  return {std::min(a.wall_ms, b.wall_ms), std::min(a.cpu_ms, b.cpu_ms)};
}

double rel_diff(const std::vector<float> &a, const float *b, size_t n) {
  double md = 0, mx = 1e-12;
  for (size_t i = 0; i < n; i++) {
    md = std::max(md, (double)std::fabs(a[i] - b[i]));
    mx = std::max(mx, (double)std::fabs(b[i]));
  }
  return md / mx;
}

// One table row. Ratios are peer time / this row's time: by wall time, and for one thread also by
// CPU time (the figure that survives a loaded machine).
void emit(const char *net, const char *impl, int threads, int batch, result r, double flops,
          int size, result torch, result cvr) {
  const double gf = flops * batch / (r.wall_ms * 1e-3) * 1e-9;
  const double gf_cpu = flops * batch / (r.cpu_ms * 1e-3) * 1e-9;
  auto ratio = [](double peer, double me) {
    return peer > 0 && me > 0 ? cv::format("%.2f", peer / me) : std::string("-");
  };
  std::printf("%-10s %-11s %3d %5d %9.3f %9.3f %8.1f %8.1f %6.1f%% %8.1f %7s %7s %7s %7s\n", net,
              impl, threads, batch, r.wall_ms, r.cpu_ms, gf, gf_cpu, 100.0 * gf_cpu / kPeak1,
              batch * (double)size * size / (r.wall_ms * 1e-3) * 1e-6,
              ratio(torch.wall_ms, r.wall_ms).c_str(), ratio(cvr.wall_ms, r.wall_ms).c_str(),
              threads == 1 ? ratio(torch.cpu_ms, r.cpu_ms).c_str() : "-",
              threads == 1 ? ratio(cvr.cpu_ms, r.cpu_ms).c_str() : "-");
  const char *path = std::getenv("TV_BENCH_JSON");
  if (!path) return;
  FILE *f = std::fopen(path, "a");
  if (!f) return;
  std::fprintf(f,
               "{\"net\":\"%s\",\"impl\":\"%s\",\"threads\":%d,\"batch\":%d,\"median_ms\":%.4f,"
               "\"cpu_ms\":%.4f,\"gflops\":%.2f,\"gflops_per_cpu_s\":%.2f}\n",
               net, impl, threads, batch, r.wall_ms, r.cpu_ms, gf, gf_cpu);
  std::fclose(f);
}

} // namespace

int main(int argc, char **argv) {
  const char *ct = std::getenv("OPENBLAS_CORETYPE"), *l2 = std::getenv("OPENBLAS_L2_SIZE");
  std::printf("# tubevision %s, cpu level %s, OpenCV %s, %s\n", tv_version_string(),
              tv_isa_name(tv_cpu_isa()), CV_VERSION, tvi_blas_config());
  std::printf("# OPENBLAS_CORETYPE=%s OPENBLAS_L2_SIZE=%s; peak %.0f GFLOP/s per thread\n",
              ct ? ct : "(unset)", l2 ? l2 : "(unset)", kPeak1);
  std::string netdir = argc > 1 ? argv[1] : std::string(TVB_BINARY_DIR) + "/nn-nets";
  struct stat st;
  if (stat((netdir + "/heatmap.onnx").c_str(), &st) != 0) {
    const std::string cmd =
        std::string("/usr/bin/python3 ") + TVB_SOURCE_DIR + "/bench/nn/make_nets.py " + netdir;
    if (std::system(cmd.c_str()) != 0) {
      std::printf("cannot make the nets (%s)\n", cmd.c_str());
      return 1;
    }
  }
  tv_ctx *ctx = nullptr;
  if (tv_ctx_create(&ctx) != TV_OK) return 1;
  int bad = 0;

  // What OpenBLAS reaches on one thread on a large square (its best case).
  {
    const int N = 1024;
    std::vector<float> A((size_t)N * N, 0.5f), B((size_t)N * N, 0.25f), C((size_t)N * N);
    timing2 t = measure2([&] { tvi_sgemm(N, N, N, A.data(), N, B.data(), N, C.data(), N, 0); }, 5);
    std::printf("# OpenBLAS sgemm 1024^3, 1 thread: %.1f GFLOP/s per CPU-second (%.0f%% of peak)\n",
                2.0 * N * N * N / t.cpu_s * 1e-9, 2.0 * N * N * N / t.cpu_s * 1e-9 / kPeak1 * 100);
  }

  // Inputs: 16 pseudo-random images in [0, 1) per net, shared with PyTorch through files.
  std::vector<std::vector<float>> inputs;
  for (const net_spec &s : specs()) {
    std::vector<float> in((size_t)16 * s.size * s.size);
    uint64_t seed = 88172645463325252ull;
    for (float &v : in) {
      seed ^= seed << 13;
      seed ^= seed >> 7;
      seed ^= seed << 17;
      v = (float)((seed >> 40) / 16777216.0);
    }
    FILE *f = std::fopen((netdir + "/" + s.name + ".input.bin").c_str(), "wb");
    if (f) {
      std::fwrite(in.data(), 4, in.size(), f);
      std::fclose(f);
    }
    inputs.push_back(in);
  }
  // TVB_NN_LAYERS=1: only the per-layer CPU times of tubevision's engine (AUTO), batch 1, with the
  // whole net's CPU time; quick to rerun while tuning kernels.
  if (std::getenv("TVB_NN_LAYERS") && std::atoi(std::getenv("TVB_NN_LAYERS")) > 0) {
    size_t li = 0;
    for (const net_spec &s : specs()) {
      const std::vector<float> &in = inputs[li++];
      std::vector<float> w = read_floats(netdir + "/" + s.name + ".bin");
      tv_net fast;
      if (!fast.build(ctx, s, w, TVI_CONV_AUTO)) return 1;
      for (int batch : {1, 16}) {
        fast.plan_memory(ctx, batch);
        std::vector<float> lin(fast.a.size(), 0.25f), lout(fast.a.size());
        timing2 tn = measure2([&] { (void)fast.run(ctx, in.data()); }, batch == 1 ? 30 : 3);
        std::printf("%-10s batch %2d  net %8.3f ms cpu %6.1f GFLOP/s\n", s.name.c_str(), batch,
                    tn.cpu_s * 1e3, fast.total_flops * batch / tn.cpu_s * 1e-9);
        for (size_t i = 0; i < fast.plans.size(); i++) {
          timing2 tl = measure2([&] { fast.run_layer(ctx, i, lin.data(), lout.data()); },
                                batch == 1 ? 30 : 3);
          const tvi_conv_params *p = tvi_conv_plan_params(fast.plans[i]);
          const double f = fast.flops[i] * batch;
          std::printf("  L%zu %3d->%-3d k%d s%d %4dx%-4d %-20s %8.3f ms %6.1f GFLOP/s %5.1f%%\n", i,
                      p->cin, p->cout, p->kh, p->stride_h, fast.in_h[i], fast.in_w[i],
                      tvi_conv_algorithm(fast.plans[i]), tl.cpu_s * 1e3, f / tl.cpu_s * 1e-9,
                      100.0 * f / tl.cpu_s * 1e-9 / kPeak1);
        }
      }
    }
    tv_ctx_destroy(ctx);
    return 0;
  }
  torch_child torch;
  if (!torch.start(netdir)) std::printf("# PyTorch (bench/nn/bench_torch.py) did not start\n");
  const int rounds = std::getenv("TVB_NN_ROUNDS") ? std::atoi(std::getenv("TVB_NN_ROUNDS")) : 3;
  std::printf("# each figure: the best of %d interleaved rounds (PyTorch, OpenCV, tv, tv-im2col) "
              "of the median of a round's runs\n",
              rounds);

  std::printf("%-10s %-11s %3s %5s %9s %9s %8s %8s %7s %8s %7s %7s %7s %7s\n", "net", "impl", "thr",
              "batch", "wall ms", "cpu ms", "GFLOP/s", "GF/cpu-s", "%peak", "MP/s", "torch/x",
              "cv/x", "torch/x", "cv/x");
  std::printf("%-10s %-11s %3s %5s %9s %9s %8s %8s %7s %8s %15s %15s\n", "", "", "", "", "median",
              "median", "(wall)", "", "(cpu)", "(wall)", "(wall)", "(cpu, 1 thr)");
  std::vector<std::string> layer_lines;
  size_t ni = 0;
  for (const net_spec &s : specs()) {
    const std::vector<float> &in = inputs[ni++];
    std::vector<float> w = read_floats(netdir + "/" + s.name + ".bin");
    tv_net fast, gemm;
    if (!fast.build(ctx, s, w, TVI_CONV_AUTO) || !gemm.build(ctx, s, w, TVI_CONV_IM2COL)) {
      std::printf("cannot build %s\n", s.name.c_str());
      return 1;
    }
    cv::dnn::Net cvnet = cv::dnn::readNetFromONNX(netdir + "/" + s.name + ".onnx");
    cvnet.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    cvnet.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    for (int threads = 1; threads <= 2; threads++) {
      tv_ctx_set(ctx, TV_CTX_THREADS, threads);
      cv::setNumThreads(threads);
      for (int batch : {1, 16}) {
        int dims[4] = {batch, 1, s.size, s.size};
        cv::Mat blob(4, dims, CV_32F, (void *)in.data());
        std::vector<float> tv_out, g_out;
        cv::Mat cv_out;
        const int reps = batch == 1 ? 20 : 3;
        fast.plan_memory(ctx, batch);
        gemm.plan_memory(ctx, batch);
        result pt{0, 0}, cr{0, 0}, tr{0, 0}, gr{0, 0};
        for (int round = 0; round < rounds; round++) {
          pt = best_of(pt, torch.time(s.name, threads, batch, reps));
          timing2 tc = measure2(
              [&] {
                cvnet.setInput(blob);
                cv_out = cvnet.forward().clone();
              },
              reps);
          timing2 tt = measure2([&] { tv_out = fast.run(ctx, in.data()); }, reps);
          timing2 tg = measure2([&] { g_out = gemm.run(ctx, in.data()); }, reps);
          cr = best_of(cr, {tc.wall_s * 1e3, tc.cpu_s * 1e3});
          tr = best_of(tr, {tt.wall_s * 1e3, tt.cpu_s * 1e3});
          gr = best_of(gr, {tg.wall_s * 1e3, tg.cpu_s * 1e3});
        }
        if (pt.wall_ms > 0)
          emit(s.name.c_str(), "pytorch", threads, batch, pt, fast.total_flops, s.size, pt, cr);
        emit(s.name.c_str(), "opencv-dnn", threads, batch, cr, fast.total_flops, s.size, pt, cr);
        emit(s.name.c_str(), "tv", threads, batch, tr, fast.total_flops, s.size, pt, cr);
        emit(s.name.c_str(), "tv-im2col", threads, batch, gr, fast.total_flops, s.size, pt, cr);
        // Agreement with OpenCV dnn (same weights, same input).
        const size_t count = tv_out.size();
        if (cv_out.total() != count) {
          std::printf("MISMATCH %s: output sizes %zu vs %zu\n", s.name.c_str(), count,
                      (size_t)cv_out.total());
          bad = 1;
        } else {
          const double d = rel_diff(tv_out, cv_out.ptr<float>(), count);
          const double dg = rel_diff(g_out, cv_out.ptr<float>(), count);
          if (d > 1e-4 || dg > 1e-4) {
            std::printf("MISMATCH %s: max |tv - opencv| / max |opencv| = %g (im2col %g)\n",
                        s.name.c_str(), d, dg);
            bad = 1;
          }
        }
        // Per-layer CPU times of both paths, one thread.
        if (threads == 1) {
          std::vector<float> lin(fast.a.size(), 0.25f), lout(fast.a.size());
          for (size_t i = 0; i < fast.plans.size(); i++) {
            timing2 tl = measure2([&] { fast.run_layer(ctx, i, lin.data(), lout.data()); }, reps);
            timing2 tgl = measure2([&] { gemm.run_layer(ctx, i, lin.data(), lout.data()); }, reps);
            const tvi_conv_params *p = tvi_conv_plan_params(fast.plans[i]);
            const double f = fast.flops[i] * batch;
            layer_lines.push_back(cv::format(
                "%-10s L%zu %3d->%-3d k%d s%d %4dx%-4d batch %2d  %-14s %8.3f ms %6.1f GFLOP/s "
                "%5.1f%% | %-11s %8.3f ms %6.1f GFLOP/s %5.1f%%",
                s.name.c_str(), i, p->cin, p->cout, p->kh, p->stride_h, fast.in_h[i], fast.in_w[i],
                batch, tvi_conv_algorithm(fast.plans[i]), tl.cpu_s * 1e3, f / tl.cpu_s * 1e-9,
                100.0 * f / tl.cpu_s * 1e-9 / kPeak1, tvi_conv_algorithm(gemm.plans[i]),
                tgl.cpu_s * 1e3, f / tgl.cpu_s * 1e-9, 100.0 * f / tgl.cpu_s * 1e-9 / kPeak1));
          }
        }
      }
    }
    // Agreement with PyTorch (batch 1).
    std::vector<float> tref = read_floats(netdir + "/" + s.name + ".torch_out.bin");
    fast.plan_memory(ctx, 1);
    std::vector<float> o = fast.run(ctx, in.data());
    if (tref.size() == o.size()) {
      const double d = rel_diff(o, tref.data(), o.size());
      std::printf("# %s: max |tv - pytorch| / max |pytorch| = %.3g\n", s.name.c_str(), d);
      if (d > 1e-4) bad = 1;
    }
  }
  std::printf("\nper layer, 1 thread, median CPU time (%% of %.0f GFLOP/s):\n", kPeak1);
  for (const std::string &l : layer_lines) std::printf("%s\n", l.c_str());
  tv_ctx_destroy(ctx);
  return bad;
}
