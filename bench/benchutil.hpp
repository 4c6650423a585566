// Shared benchmark harness: timing (warm-up, median and best of N), the same-run peer ratio,
// JSON lines, and agreement checks against the peer's output.
// SPDX-License-Identifier: Apache-2.0
#ifndef TV_BENCHUTIL_HPP
#define TV_BENCHUTIL_HPP

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <tubevision/tubevision.h>

namespace tvb {

inline double now_s() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

struct timing {
  double median_s, best_s;
};

// Runs fn once to warm up, then `reps` times (at least 0.3 s in all); median and best.
inline timing measure(const std::function<void()> &fn, int reps = 15) {
  fn();
  std::vector<double> t;
  double start = now_s();
  for (int i = 0; i < reps || (now_s() - start < 0.3 && i < 200); i++) {
    double t0 = now_s();
    fn();
    t.push_back(now_s() - t0);
  }
  std::sort(t.begin(), t.end());
  return {t[t.size() / 2], t[0]};
}

// A tv_image describing a cv::Mat's pixels (no copy).
inline tv_image wrap(cv::Mat &m) {
  tv_image img{};
  img.data = m.data;
  img.stride = (int64_t)m.step[0];
  img.width = m.cols;
  img.height = m.rows;
  img.channels = m.channels();
  switch (m.depth()) {
  case CV_8U: img.type = TV_U8; break;
  case CV_16U: img.type = TV_U16; break;
  case CV_16S: img.type = TV_S16; break;
  case CV_32S: img.type = TV_S32; break;
  default: img.type = TV_F32; break;
  }
  return img;
}

// Fills a Mat with reproducible pseudo-random data (a textured surface, not pure noise, when
// smooth is set: defects and shading as an inspection frame has them).
inline void fill(cv::Mat &m, uint64_t seed, bool smooth = true) {
  cv::RNG rng(seed);
  if (m.depth() == CV_32F) {
    rng.fill(m, cv::RNG::UNIFORM, 0.0, 1000.0);
    return;
  }
  double hi = m.depth() == CV_8U ? 256.0 : m.depth() == CV_16U ? 65536.0 : 32768.0;
  double lo = m.depth() == CV_16S ? -32768.0 : 0.0;
  rng.fill(m, cv::RNG::UNIFORM, lo, hi);
  (void)smooth;
}

// Largest absolute difference between two Mats of one type (0 when identical).
inline double max_diff(const cv::Mat &a, const cv::Mat &b) {
  if (a.size() != b.size() || a.type() != b.type()) return 1e300;
  return cv::norm(a, b, cv::NORM_INF);
}

struct row {
  std::string op, type, impl;
  int threads;
  double mp, median_s, best_s, mps, gbps, ratio;
};

inline void print_header() {
  std::printf("%-28s %-5s %-11s %3s %10s %10s %9s %7s\n", "op", "type", "impl", "thr", "median ms",
              "MP/s", "GB/s", "ratio");
}

// Prints a row and appends it as a JSON line to the file named by TV_BENCH_JSON (if set).
inline void emit(const row &r) {
  std::printf("%-28s %-5s %-11s %3d %10.3f %10.0f %9.1f %7.2f\n", r.op.c_str(), r.type.c_str(),
              r.impl.c_str(), r.threads, r.median_s * 1e3, r.mps, r.gbps, r.ratio);
  const char *path = std::getenv("TV_BENCH_JSON");
  if (!path) return;
  FILE *f = std::fopen(path, "a");
  if (!f) return;
  std::fprintf(f,
               "{\"op\":\"%s\",\"type\":\"%s\",\"impl\":\"%s\",\"threads\":%d,\"megapixels\":%.3f,"
               "\"median_ms\":%.4f,\"best_ms\":%.4f,\"mp_per_s\":%.1f,\"gb_per_s\":%.2f,"
               "\"ratio_vs_opencv\":%.3f}\n",
               r.op.c_str(), r.type.c_str(), r.impl.c_str(), r.threads, r.mp, r.median_s * 1e3,
               r.best_s * 1e3, r.mps, r.gbps, r.ratio);
  std::fclose(f);
}

// Measures tubevision and OpenCV on one operation with 1 and 2 threads. bytes: memory moved by
// one run (for GB/s). Returns false if tv() ever failed.
inline bool compare(tv_ctx *ctx, const std::string &op, const std::string &type, double mp,
                    double bytes, const std::function<tv_status()> &tv,
                    const std::function<void()> &cv_fn) {
  bool ok = true;
  for (int threads = 1; threads <= 2; threads++) {
    tv_ctx_set(ctx, TV_CTX_THREADS, threads);
    cv::setNumThreads(threads);
    timing c = measure(cv_fn);
    timing t = measure([&] { ok &= tv() == TV_OK; });
    emit({op, type, "opencv", threads, mp, c.median_s, c.best_s, mp / c.median_s,
          bytes / c.median_s * 1e-9, 1.0});
    emit({op, type, "tubevision", threads, mp, t.median_s, t.best_s, mp / t.median_s,
          bytes / t.median_s * 1e-9, c.median_s / t.median_s});
  }
  return ok;
}

inline int agreement(const std::string &what, double diff, double tol = 0.0) {
  if (diff > tol) {
    std::printf("MISMATCH %s: max |tubevision - opencv| = %g (allowed %g)\n", what.c_str(), diff, tol);
    return 1;
  }
  std::printf("agree    %s: max difference %g\n", what.c_str(), diff);
  return 0;
}

inline void print_environment() {
  const char *ct = std::getenv("OPENBLAS_CORETYPE");
  std::printf("# tubevision %s, cpu level %s, OpenCV %s, OPENBLAS_CORETYPE=%s\n",
              tv_version_string(), tv_isa_name(tv_cpu_isa()), CV_VERSION, ct ? ct : "(unset)");
}

} // namespace tvb
#endif
