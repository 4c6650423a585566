// Benchmark of the deriv family against OpenCV: Sobel, Scharr, Laplacian and gradient magnitude
// on 4096 x 4096 u8 and u16 frames, plus agreement checks over borders, apertures and types.
// SPDX-License-Identifier: Apache-2.0
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <map>

#include "benchutil.hpp"

namespace {

int cv_border(tv_border b) {
  return b == TV_BORDER_REPLICATE    ? cv::BORDER_REPLICATE
         : b == TV_BORDER_REFLECT101 ? cv::BORDER_REFLECT_101
                                     : cv::BORDER_CONSTANT;
}

// OpenCV's result for a constant border of value v: pad with copyMakeBorder, filter, crop.
template <class F> cv::Mat cv_const(const cv::Mat &src, double v, F filter) {
  cv::Mat padded, out;
  cv::copyMakeBorder(src, padded, 4, 4, 4, 4, cv::BORDER_CONSTANT, cv::Scalar(v));
  filter(padded, out);
  return out(cv::Rect(4, 4, src.cols, src.rows)).clone();
}

const char *tname(int depth) {
  return depth == CV_8U ? "u8" : depth == CV_16U ? "u16" : depth == CV_32F ? "f32" : "s16";
}

// Per-group worst case of the agreement grid.
struct group {
  double diff = 0, rel = 0;
  int n = 0, bad = 0;
};
std::map<std::string, group> groups;

// The f32 tolerance where OpenCV sums in f32 (f32 sources; u16 sources at ksize 7, whose sums pass
// 2^24): 2^-20 of `bound` = |scale| * sum |k| * max |src|, the largest partial sum the filter can
// reach (a few roundings of partial sums that large, in OpenCV's order; we sum exactly or in f64).
double f32_tol(double bound) { return std::ldexp(bound, -20); }

// |scale| * sum |kernel| * max |src| of a Sobel (ksize -1: Scharr) on a source of depth `sdepth`
// (the f32 frames are in [0, 1000)).
double sobel_bound(int sdepth, int dx, int dy, int ksize, double scale) {
  cv::Mat kx, ky;
  cv::getDerivKernels(kx, ky, dx, dy, ksize, false, CV_64F);
  const double smax = sdepth == CV_8U ? 255 : sdepth == CV_16U ? 65535 : 1000;
  return std::fabs(scale) * cv::norm(kx, cv::NORM_L1) * cv::norm(ky, cv::NORM_L1) * smax;
}

// Records one grid comparison. Allowed: 0 for u8 sources, and for u16 sources except where
// OpenCV's own f32 sums pass 2^24 (Sobel ksize 7); f32 sources, and those, within 1 for s16 and
// f32_tol(bound) for f32.
void grid_check(const std::string &key, const cv::Mat &d_tv, const cv::Mat &d_cv, bool inexact,
                double bound) {
  const double diff = tvb::max_diff(d_tv, d_cv), maxabs = cv::norm(d_cv, cv::NORM_INF);
  double tol = 0;
  if (inexact) tol = d_cv.depth() == CV_16S ? 1.0 : f32_tol(bound);
  group &g = groups[key];
  g.n++;
  g.diff = std::max(g.diff, diff);
  g.rel = std::max(g.rel, maxabs > 0 ? diff / maxabs : 0);
  if (diff > tol) {
    g.bad++;
    std::printf("MISMATCH %s: max |tubevision - opencv| = %g (allowed %g)\n", key.c_str(), diff,
                tol);
  }
}

// Agreement over the grid of options on a smaller random frame (not timed).
int agreement_grid(tv_ctx *ctx) {
  int bad = 0;
  const int W = 517, H = 311;
  const tv_border borders[] = {TV_BORDER_REPLICATE, TV_BORDER_REFLECT101, TV_BORDER_CONSTANT};
  for (int sdepth : {CV_8U, CV_16U, CV_32F}) {
    cv::Mat src(H, W, sdepth);
    tvb::fill(src, 7);
    tv_image ts = tvb::wrap(src);
    for (int ddepth : {CV_16S, CV_32F}) {
      for (tv_border b : borders) {
        const double bv = b == TV_BORDER_CONSTANT ? 300.0 : 0.0;
        for (int ksize : {1, 3, 5, 7})
          for (int dx = 0; dx <= 2; dx++)
            for (int dy = 0; dy <= 2; dy++) {
              if (dx + dy == 0) continue;
              for (int sc = 0; sc < 2; sc++) {
                const double scale = sc ? 0.25 : 1.0, delta = sc ? 8.0 : 0.0;
                cv::Mat d_tv(H, W, ddepth), d_cv;
                tv_image td = tvb::wrap(d_tv);
                if (tv_sobel(ctx, &ts, &td, dx, dy, ksize, scale, delta, b, bv) != TV_OK) {
                  std::printf("FAIL tv_sobel: %s\n", tv_ctx_last_error(ctx));
                  bad = 1;
                  continue;
                }
                auto f = [&](const cv::Mat &in, cv::Mat &out) {
                  cv::Sobel(in, out, ddepth, dx, dy, ksize, scale, delta, cv::BORDER_REFLECT_101);
                };
                if (b == TV_BORDER_CONSTANT)
                  d_cv = cv_const(src, bv, f);
                else
                  cv::Sobel(src, d_cv, ddepth, dx, dy, ksize, scale, delta, cv_border(b));
                char what[128];
                std::snprintf(what, sizeof what, "sobel %s->%s%s", tname(sdepth), tname(ddepth),
                              ksize == 7 ? " k7" : " k1/3/5");
                grid_check(what, d_tv, d_cv, sdepth == CV_32F || (sdepth == CV_16U && ksize == 7),
                           sobel_bound(sdepth, dx, dy, ksize, scale));
              }
            }
        for (int dx = 0; dx <= 1; dx++) {
          cv::Mat d_tv(H, W, ddepth), d_cv;
          tv_image td = tvb::wrap(d_tv);
          tv_scharr(ctx, &ts, &td, dx, 1 - dx, 1, 0, b, bv);
          auto f = [&](const cv::Mat &in, cv::Mat &out) {
            cv::Scharr(in, out, ddepth, dx, 1 - dx, 1, 0, cv::BORDER_REFLECT_101);
          };
          if (b == TV_BORDER_CONSTANT)
            d_cv = cv_const(src, bv, f);
          else
            cv::Scharr(src, d_cv, ddepth, dx, 1 - dx, 1, 0, cv_border(b));
          grid_check(std::string("scharr ") + tname(sdepth) + "->" + tname(ddepth), d_tv, d_cv,
                     sdepth == CV_32F, sobel_bound(sdepth, dx, 1 - dx, -1, 1.0));
        }
        for (int ksize : {1, 3})
          for (int sc = 0; sc < 2; sc++) {
            const double scale = sc ? 2.0 : 1.0, delta = sc ? -3.0 : 0.0;
            cv::Mat d_tv(H, W, ddepth), d_cv;
            tv_image td = tvb::wrap(d_tv);
            tv_laplacian(ctx, &ts, &td, ksize, scale, delta, b, bv);
            auto f = [&](const cv::Mat &in, cv::Mat &out) {
              cv::Laplacian(in, out, ddepth, ksize, scale, delta, cv::BORDER_REFLECT_101);
            };
            try {
              if (b == TV_BORDER_CONSTANT)
                d_cv = cv_const(src, bv, f);
              else
                cv::Laplacian(src, d_cv, ddepth, ksize, scale, delta, cv_border(b));
            } catch (const cv::Exception &) {
              if (b == TV_BORDER_REPLICATE && ksize == 1 && sc == 0)
                std::printf("opencv   laplacian %s->%s: not supported by OpenCV (filter2D)\n",
                            tname(sdepth), tname(ddepth));
              continue;
            }
            // sum |k| = 8 (ksize 1), 16 (ksize 3); f32 frames are in [0, 1000).
            grid_check(std::string("laplacian ") + tname(sdepth) + "->" + tname(ddepth), d_tv, d_cv,
                       sdepth == CV_32F, scale * (ksize == 1 ? 8 : 16) * 1000.0);
          }
      }
    }
  }
  std::printf("agreement grid: Sobel ksize 1/3/5/7 all orders, Scharr, Laplacian ksize 1/3; "
              "3 borders (CONSTANT 300); scale 1 and 0.25/2 with delta\n");
  for (const auto &g : groups) {
    std::printf("%s %-24s %4d cases: max |diff| %-10g (relative to max |output| %.2g)\n",
                g.second.bad ? "MISMATCH" : "agree   ", g.first.c_str(), g.second.n, g.second.diff,
                g.second.rel);
    bad |= g.second.bad != 0;
  }
  return bad;
}

// TV_BENCH_ONLY=text runs only the timed rows whose op name contains text.
bool selected(const std::string &op) {
  const char *only = std::getenv("TV_BENCH_ONLY");
  return !only || op.find(only) != std::string::npos;
}

} // namespace

int main() {
  tvb::print_environment();
  tv_ctx *ctx = nullptr;
  if (tv_ctx_create(&ctx) != TV_OK) return 1;
  const int W = 4096, H = 4096;
  const double mp = W * (double)H / 1e6;
  int bad = 0;
  tvb::print_header();
  const tv_border B = TV_BORDER_REFLECT101;
  const int CB = cv::BORDER_REFLECT_101;
  // TV_BENCH_AGREE_ONLY=1 runs only the agreement grid.
  for (int depth : {CV_8U, CV_16U}) {
    if (std::getenv("TV_BENCH_AGREE_ONLY")) break;
    const char *tn = tname(depth);
    cv::Mat src(H, W, depth);
    tvb::fill(src, 1);
    tv_image ts = tvb::wrap(src);
    const double sb = (double)src.total() * src.elemSize();
    for (int ddepth : {CV_16S, CV_32F}) {
      cv::Mat d_tv(H, W, ddepth), d_cv(H, W, ddepth);
      tv_image td = tvb::wrap(d_tv);
      const double bytes = sb + (double)d_tv.total() * d_tv.elemSize();
      const std::string to = ddepth == CV_16S ? "s16" : "f32";
      // One Sobel row of the table: tv_sobel against cv::Sobel with the same arguments. u16
      // ksize 7 is allowed OpenCV's f32 rounding (see the top of lib/filter/sobel.c).
      auto sobel = [&](const char *name, int dx, int dy, int ksize, double scale, double delta) {
        const std::string op = std::string(name) + " ->" + to;
        if (!selected(op)) return;
        bad |= !tvb::compare(
            ctx, op, tn, mp, bytes,
            [&] { return tv_sobel(ctx, &ts, &td, dx, dy, ksize, scale, delta, B, 0); },
            [&] { cv::Sobel(src, d_cv, ddepth, dx, dy, ksize, scale, delta, CB); });
        const bool inexact = depth == CV_16U && ksize == 7;
        const double tol = !inexact           ? 0.0
                           : ddepth == CV_16S ? 1.0
                                              : f32_tol(sobel_bound(depth, dx, dy, ksize, scale));
        bad |= tvb::agreement(std::string(name) + " " + tn + "->" + to, tvb::max_diff(d_tv, d_cv),
                              tol);
      };
      sobel("sobel dx 3x3", 1, 0, 3, 1, 0);
      if (selected("scharr dx ->" + to)) {
        bad |= !tvb::compare(
            ctx, "scharr dx ->" + to, tn, mp, bytes,
            [&] { return tv_scharr(ctx, &ts, &td, 1, 0, 1, 0, B, 0); },
            [&] { cv::Scharr(src, d_cv, ddepth, 1, 0, 1, 0, CB); });
        bad |=
            tvb::agreement("scharr dx " + std::string(tn) + "->" + to, tvb::max_diff(d_tv, d_cv));
      }
      // The separable (non-fused) path: apertures 5 and 7, second orders, scale and delta.
      sobel("sobel dx 5x5", 1, 0, 5, 1, 0);
      sobel("sobel dy 5x5", 0, 1, 5, 1, 0);
      sobel("sobel dx 7x7", 1, 0, 7, 1, 0);
      sobel("sobel dxx 3x3", 2, 0, 3, 1, 0);
      sobel("sobel dxy 5x5", 1, 1, 5, 1, 0);
      sobel("sobel dyy 7x7", 0, 2, 7, 1, 0);
      sobel("sobel dx 3x3 s0.25+8", 1, 0, 3, 0.25, 8);
      if (depth == CV_16U && ddepth == CV_16S) continue; // OpenCV's filter2D has no 16U -> 16S
      for (int sc = 0; sc < 2; sc++) {
        const double scale = sc ? 0.5 : 1.0, delta = sc ? 3.0 : 0.0;
        const std::string op = std::string(sc ? "laplacian 3 s0.5+3" : "laplacian 3") + " ->" + to;
        if (!selected(op)) continue;
        bad |= !tvb::compare(
            ctx, op, tn, mp, bytes,
            [&] { return tv_laplacian(ctx, &ts, &td, 3, scale, delta, B, 0); },
            [&] { cv::Laplacian(src, d_cv, ddepth, 3, scale, delta, CB); });
        bad |= tvb::agreement(op.substr(0, op.size() - 5) + " " + tn + "->" + to,
                              tvb::max_diff(d_tv, d_cv));
      }
    }
    for (int scharr = 0; scharr <= 1; scharr++) {
      if (!selected(scharr ? "gradient mag scharr" : "gradient mag sobel")) continue;
      cv::Mat m_tv(H, W, CV_32F), gx, gy, m_cv;
      tv_image tm = tvb::wrap(m_tv);
      const char *op = scharr ? "gradient mag scharr ->f32" : "gradient mag sobel ->f32";
      bad |= !tvb::compare(
          ctx, op, tn, mp, sb + 4.0 * W * H,
          [&] { return tv_gradient_magnitude(ctx, &ts, &tm, scharr, B, 0); },
          [&] {
            if (scharr) {
              cv::Scharr(src, gx, CV_32F, 1, 0, 1, 0, CB);
              cv::Scharr(src, gy, CV_32F, 0, 1, 1, 0, CB);
            } else {
              cv::Sobel(src, gx, CV_32F, 1, 0, 3, 1, 0, CB);
              cv::Sobel(src, gy, CV_32F, 0, 1, 3, 1, 0, CB);
            }
            cv::magnitude(gx, gy, m_cv);
          });
      bad |= tvb::agreement(std::string(op) + " " + tn, tvb::max_diff(m_tv, m_cv));
      // u8 output: OpenCV's magnitude converted with rounding and saturation.
      cv::Mat m8_tv(H, W, CV_8U), m8_cv;
      tv_image t8 = tvb::wrap(m8_tv);
      tv_gradient_magnitude(ctx, &ts, &t8, scharr, B, 0);
      m_cv.convertTo(m8_cv, CV_8U);
      bad |= tvb::agreement(std::string(op) + " " + tn + " as u8", tvb::max_diff(m8_tv, m8_cv));
    }
  }
  if (!std::getenv("TV_BENCH_ONLY")) bad |= agreement_grid(ctx);
  tv_ctx_destroy(ctx);
  return bad;
}
