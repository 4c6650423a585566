// Benchmark of the thresholds against OpenCV on 4096 x 4096 frames: threshold binary u8/u16, Otsu
// u8, adaptive mean 15x15 u8, hysteresis (OpenCV: threshold + connected components + lookup).
// SPDX-License-Identifier: Apache-2.0
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "benchutil.hpp"

// A textured surface: smooth shading plus noise, so adaptive and hysteresis see structure.
static void surface(cv::Mat &m, uint64_t seed) {
  cv::Mat noise(m.size(), CV_32F), base(m.size(), CV_32F);
  cv::RNG rng(seed);
  rng.fill(noise, cv::RNG::NORMAL, 0.0, 12.0);
  for (int y = 0; y < m.rows; y++) {
    float *b = base.ptr<float>(y);
    for (int x = 0; x < m.cols; x++)
      b[x] = (float)(128 + 50 * std::sin(x * 0.003) * std::cos(y * 0.002));
  }
  for (int i = 0; i < 300; i++) // defects
    cv::circle(base, cv::Point(rng.uniform(0, m.cols), rng.uniform(0, m.rows)), rng.uniform(2, 9),
               cv::Scalar(230), -1);
  cv::Mat f = base + noise;
  f.convertTo(m, m.depth(), m.depth() == CV_16U ? 256.0 : 1.0);
}

int main() {
  tvb::print_environment();
  tv_ctx *ctx = nullptr;
  if (tv_ctx_create(&ctx) != TV_OK) return 1;
  const int W = 4096, H = 4096;
  const double mp = W * (double)H / 1e6;
  int bad = 0;
  tvb::print_header();
  for (int depth : {CV_8U, CV_16U}) {
    const char *tn = depth == CV_8U ? "u8" : "u16";
    cv::Mat a(H, W, depth), d_tv(H, W, depth), d_cv(H, W, depth);
    tvb::fill(a, 1);
    tv_image ta = tvb::wrap(a), td = tvb::wrap(d_tv);
    const double t = depth == CV_8U ? 100.5 : 30000.5, mv = depth == CV_8U ? 255 : 65535;
    bad |= !tvb::compare(
        ctx, "threshold binary", tn, mp, 2.0 * a.total() * a.elemSize(),
        [&] { return tv_threshold(ctx, &ta, &td, t, mv, TV_THRESH_BINARY); },
        [&] { cv::threshold(a, d_cv, t, mv, cv::THRESH_BINARY); });
    bad |= tvb::agreement(std::string("threshold binary ") + tn, tvb::max_diff(d_tv, d_cv));
    for (int kind = 0; kind < 5; kind++) { // agreement only, every kind
      tv_threshold(ctx, &ta, &td, t, mv * 0.7, (tv_threshold_kind)kind);
      cv::threshold(a, d_cv, t, mv * 0.7, kind);
      bad |= tvb::agreement(std::string("threshold kind ") + std::to_string(kind) + " " + tn,
                            tvb::max_diff(d_tv, d_cv));
    }
    // Otsu on a surface (bimodal-ish): same threshold and output.
    surface(a, 3);
    double t_tv = -1, t_cv = -2;
    bad |= !tvb::compare(
        ctx, "threshold otsu", tn, mp, 2.0 * a.total() * a.elemSize(),
        [&] { return tv_threshold_otsu(ctx, &ta, &td, mv, TV_THRESH_BINARY, &t_tv); },
        [&] { t_cv = cv::threshold(a, d_cv, 0, mv, cv::THRESH_BINARY | cv::THRESH_OTSU); });
    std::printf("otsu %s: tubevision t = %g, opencv t = %g\n", tn, t_tv, t_cv);
    bad |= tvb::agreement(std::string("otsu threshold value ") + tn, std::fabs(t_tv - t_cv));
    bad |= tvb::agreement(std::string("otsu ") + tn, tvb::max_diff(d_tv, d_cv));
  }
  {
    cv::Mat a(H, W, CV_8U), d_tv(H, W, CV_8U), d_cv(H, W, CV_8U);
    surface(a, 5);
    tv_image ta = tvb::wrap(a), td = tvb::wrap(d_tv);
    for (int block : {5, 15, 31}) {
      const std::string op =
          "adaptive mean " + std::to_string(block) + "x" + std::to_string(block);
      bad |= !tvb::compare(
          ctx, op, "u8", mp, 2.0 * a.total(),
          [&] { return tv_adaptive_threshold(ctx, &ta, &td, 255, TV_THRESH_BINARY, block, 5); },
          [&] {
            cv::adaptiveThreshold(a, d_cv, 255, cv::ADAPTIVE_THRESH_MEAN_C, cv::THRESH_BINARY,
                                  block, 5);
          });
      bad |= tvb::agreement(op.substr(9) + " u8", tvb::max_diff(d_tv, d_cv));
    }
    // Other blocks, c and kinds: agreement only (1023 wider than OpenCV's vector tail rule: see
    // filter.h; 4096 columns have no tail).
    for (int block : {3, 5, 7, 9, 11, 13, 17, 31, 101, 165, 1023})
      for (int kind = 0; kind < 2; kind++) {
        const double c = block % 4 == 1 ? -2.5 : 3.2;
        tv_adaptive_threshold(ctx, &ta, &td, 200, (tv_threshold_kind)kind, block, c);
        cv::adaptiveThreshold(a, d_cv, 200, cv::ADAPTIVE_THRESH_MEAN_C, kind, block, c);
        bad |= tvb::agreement("adaptive block " + std::to_string(block) + " kind " +
                                  std::to_string(kind),
                              tvb::max_diff(d_tv, d_cv));
      }
  }
  {
    // Hysteresis: OpenCV has no public one; the peer is threshold(low) + connectedComponents +
    // keeping the components that hold a pixel > high.
    cv::Mat a(H, W, CV_8U), d_tv(H, W, CV_8U), d_cv(H, W, CV_8U), weak, strong, lab;
    surface(a, 7);
    tv_image ta = tvb::wrap(a), td = tvb::wrap(d_tv);
    const double lo = 190, hi = 215;
    bad |= !tvb::compare(
        ctx, "hysteresis 8-conn", "u8", mp, 2.0 * a.total(),
        [&] { return tv_hysteresis(ctx, &ta, &td, lo, hi, 8); },
        [&] {
          cv::threshold(a, weak, lo, 255, cv::THRESH_BINARY);
          const int n = cv::connectedComponents(weak, lab, 8, CV_32S);
          std::vector<uint8_t> keep((size_t)n, 0);
          for (int y = 0; y < H; y++) {
            const uint8_t *s = a.ptr<uint8_t>(y);
            const int *l = lab.ptr<int>(y);
            for (int x = 0; x < W; x++)
              if (s[x] > hi) keep[(size_t)l[x]] = 255;
          }
          keep[0] = 0;
          for (int y = 0; y < H; y++) {
            const int *l = lab.ptr<int>(y);
            uint8_t *o = d_cv.ptr<uint8_t>(y);
            for (int x = 0; x < W; x++) o[x] = keep[(size_t)l[x]];
          }
        });
    bad |= tvb::agreement("hysteresis u8", tvb::max_diff(d_tv, d_cv));
  }
  tv_ctx_destroy(ctx);
  return bad;
}
