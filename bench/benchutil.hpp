// Shared benchmark harness: timing (warm-up, median and best of N), the same-run peer ratio,
// JSON lines, and agreement checks against the peer's output.
// SPDX-License-Identifier: Apache-2.0
#ifndef TV_BENCHUTIL_HPP
#define TV_BENCHUTIL_HPP

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
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

// Times a and b alternately (a, b, a, b, ...) after one warm-up run of each, so that a change
// of machine load during the measurement hits both alike: `reps` runs of each, continued until
// each has taken at least 0.3 s in all (at most 200 runs). Median and best of each.
inline void measure_pair(const std::function<void()> &a, const std::function<void()> &b, timing *ta,
                         timing *tb, int reps = 15) {
  a();
  b();
  std::vector<double> x, y;
  double sa = 0, sb = 0;
  for (int i = 0; i < reps || ((sa < 0.3 || sb < 0.3) && i < 200); i++) {
    double t0 = now_s();
    a();
    double t1 = now_s();
    b();
    double t2 = now_s();
    x.push_back(t1 - t0);
    y.push_back(t2 - t1);
    sa += t1 - t0;
    sb += t2 - t1;
  }
  std::sort(x.begin(), x.end());
  std::sort(y.begin(), y.end());
  *ta = {x[x.size() / 2], x[0]};
  *tb = {y[y.size() / 2], y[0]};
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

// Fills a Mat with reproducible pseudo-random data over the type's range (f32: [0, 1000)).
// smooth = false: independent uniform samples (pure noise). smooth = true: a textured surface as
// an inspection frame has it: smooth shading across the frame, a fine periodic texture, a little
// noise, and a few dark spots and scratches (defects); neighbouring samples are close, equal runs
// are common.
inline void fill(cv::Mat &m, uint64_t seed, bool smooth = true) {
  cv::RNG rng(seed);
  const int depth = m.depth();
  const double hi = depth == CV_8U    ? 256.0
                    : depth == CV_16U ? 65536.0
                    : depth == CV_32F ? 1000.0
                                      : 32768.0;
  const double lo = depth == CV_16S ? -32768.0 : 0.0;
  if (!smooth) {
    rng.fill(m, cv::RNG::UNIFORM, lo, hi);
    return;
  }
  const int cn = m.channels(), w = m.cols, h = m.rows;
  // Shading: a product of slow waves per axis; texture: a fine diagonal wave; values in [0, 1].
  const double px = rng.uniform(0.0, 6.2832), py = rng.uniform(0.0, 6.2832);
  const double fx = rng.uniform(0.8, 1.6), fy = rng.uniform(0.5, 1.2);
  const double tx = rng.uniform(0.02, 0.05), ty = rng.uniform(0.01, 0.03);
  std::vector<double> shx((size_t)w * cn), tex_x((size_t)w), tex_y((size_t)h);
  for (int x = 0; x < w; x++) {
    for (int k = 0; k < cn; k++)
      shx[(size_t)x * cn + k] = 0.5 + 0.3 * std::sin(6.2832 * fx * x / w + px + 0.7 * k);
    tex_x[(size_t)x] = 6.2832 * tx * x;
  }
  for (int y = 0; y < h; y++) tex_y[(size_t)y] = 6.2832 * ty * y;
  std::vector<double> row((size_t)w * cn);
  // Defects: dark discs and short dark scratches, drawn after the surface.
  struct spot {
    double x, y, r2, depth;
  };
  std::vector<spot> spots;
  const int nspots = 8 + (int)(w * (double)h / 400000.0);
  for (int i = 0; i < nspots; i++) {
    const double r = rng.uniform(1.0, 12.0);
    spots.push_back(
        {rng.uniform(0.0, (double)w), rng.uniform(0.0, (double)h), r * r, rng.uniform(0.15, 0.4)});
  }
  for (int y = 0; y < h; y++) {
    const double sy = 0.75 + 0.25 * std::cos(6.2832 * fy * y / h + py);
    for (int x = 0; x < w; x++) {
      const double t = 0.04 * std::sin(tex_x[(size_t)x] + tex_y[(size_t)y]);
      for (int k = 0; k < cn; k++) {
        const double n = rng.uniform(-0.02, 0.02);
        row[(size_t)x * cn + k] = shx[(size_t)x * cn + k] * sy + t + n;
      }
    }
    for (const spot &s : spots) {
      const double dy = y - s.y;
      if (dy * dy > s.r2) continue;
      const double half = std::sqrt(s.r2 - dy * dy);
      for (int x = std::max(0, (int)(s.x - half)); x < std::min(w, (int)(s.x + half) + 1); x++)
        for (int k = 0; k < cn; k++) row[(size_t)x * cn + k] -= s.depth;
    }
    for (int x = 0; x < w * cn; x++) {
      double v = lo + (hi - lo) * row[(size_t)x];
      v = v < lo ? lo : v;
      switch (depth) {
      case CV_8U: m.ptr<uint8_t>(y)[x] = (uint8_t)std::min(v, 255.0); break;
      case CV_16U: m.ptr<uint16_t>(y)[x] = (uint16_t)std::min(v, 65535.0); break;
      case CV_16S: m.ptr<int16_t>(y)[x] = (int16_t)std::min(v, 32767.0); break;
      case CV_32S: m.ptr<int32_t>(y)[x] = (int32_t)std::min(v, 2147483647.0); break;
      case CV_64F: m.ptr<double>(y)[x] = std::min(v, hi); break;
      default: m.ptr<float>(y)[x] = (float)std::min(v, hi); break;
      }
    }
  }
  // Scratches: thin dark lines a few dozen pixels long.
  const int nscr = 4 + (int)(w * (double)h / 2000000.0);
  for (int i = 0; i < nscr; i++) {
    const cv::Point p0(rng.uniform(0, std::max(1, w)), rng.uniform(0, std::max(1, h)));
    const cv::Point p1(p0.x + rng.uniform(-60, 61), p0.y + rng.uniform(-60, 61));
    cv::LineIterator it(m, p0, p1, 8);
    for (int j = 0; j < it.count; j++, ++it)
      for (int k = 0; k < cn; k++) {
        const size_t e = m.elemSize1();
        uint8_t *q = *it + k * e;
        switch (depth) {
        case CV_8U: *q = (uint8_t)(*q * 0.6); break;
        case CV_16U: *(uint16_t *)q = (uint16_t)(*(uint16_t *)q * 0.6); break;
        case CV_16S: *(int16_t *)q = (int16_t)(lo + (*(int16_t *)q - lo) * 0.6); break;
        case CV_32S: *(int32_t *)q = (int32_t)(*(int32_t *)q * 0.6); break;
        case CV_64F: *(double *)q *= 0.6; break;
        default: *(float *)q *= 0.6f; break;
        }
      }
  }
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

// Measures tubevision and OpenCV on one operation with 1 and 2 threads, their runs interleaved.
// bytes: memory moved by one run (for GB/s). Returns false if tv() ever failed.
inline bool compare(tv_ctx *ctx, const std::string &op, const std::string &type, double mp,
                    double bytes, const std::function<tv_status()> &tv,
                    const std::function<void()> &cv_fn) {
  bool ok = true;
  for (int threads = 1; threads <= 2; threads++) {
    tv_ctx_set(ctx, TV_CTX_THREADS, threads);
    cv::setNumThreads(threads);
    timing c, t;
    measure_pair([&] { ok &= tv() == TV_OK; }, cv_fn, &t, &c);
    emit({op, type, "opencv", threads, mp, c.median_s, c.best_s, mp / c.median_s,
          bytes / c.median_s * 1e-9, 1.0});
    emit({op, type, "tubevision", threads, mp, t.median_s, t.best_s, mp / t.median_s,
          bytes / t.median_s * 1e-9, c.median_s / t.median_s});
  }
  return ok;
}

inline int agreement(const std::string &what, double diff, double tol = 0.0) {
  if (diff > tol) {
    std::printf("MISMATCH %s: max |tubevision - opencv| = %g (allowed %g)\n", what.c_str(), diff,
                tol);
    return 1;
  }
  std::printf("agree    %s: max difference %g\n", what.c_str(), diff);
  return 0;
}

// The 1-minute load average from /proc/loadavg (-1 when unreadable).
inline double load_average() {
  double l = -1;
  if (FILE *f = std::fopen("/proc/loadavg", "r")) {
    if (std::fscanf(f, "%lf", &l) != 1) l = -1;
    std::fclose(f);
  }
  return l;
}

inline void print_load_at_end() {
  std::printf("# load average (1 min) at end: %.2f\n", load_average());
}

// Prints the versions and the load average; the load average is printed again when the
// benchmark exits (a loaded machine makes the ratios less trustworthy).
inline void print_environment() {
  const char *ct = std::getenv("OPENBLAS_CORETYPE");
  std::printf("# tubevision %s, cpu level %s, OpenCV %s, OPENBLAS_CORETYPE=%s\n",
              tv_version_string(), tv_isa_name(tv_cpu_isa()), CV_VERSION, ct ? ct : "(unset)");
  std::printf("# load average (1 min) at start: %.2f\n", load_average());
  static bool registered = false;
  if (!registered) registered = std::atexit(print_load_at_end) == 0;
}

} // namespace tvb
#endif
