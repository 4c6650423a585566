// Benchmark of the statistics against OpenCV: minMaxLoc, meanStdDev and calcHist on 4096 x 4096
// u8 and u16 frames (and the u8 histogram of pure noise), with agreement checks.
// SPDX-License-Identifier: Apache-2.0
#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "benchutil.hpp"

int main() {
  tvb::print_environment();
  tv_ctx *ctx = nullptr;
  if (tv_ctx_create(&ctx) != TV_OK) return 1;
  const int W = 4096, H = 4096;
  int bad = 0;
  tvb::print_header();
  for (int depth : {CV_8U, CV_16U}) {
    const char *tn = depth == CV_8U ? "u8" : "u16";
    cv::Mat a(H, W, depth);
    tvb::fill(a, 1);
    tv_image ta = tvb::wrap(a);
    const double mp = W * (double)H / 1e6, bytes = (double)a.total() * a.elemSize();
    double mn[4], mx[4], cmn = 0, cmx = 0;
    bad |= !tvb::compare(
        ctx, "min_max", tn, mp, bytes, [&] { return tv_min_max(ctx, &ta, mn, mx); },
        [&] { cv::minMaxLoc(a, &cmn, &cmx); });
    bad |= tvb::agreement(std::string("min_max ") + tn,
                          std::max(std::fabs(mn[0] - cmn), std::fabs(mx[0] - cmx)));
    double me[4], sd[4];
    cv::Scalar cme, csd;
    bad |= !tvb::compare(
        ctx, "mean_stddev", tn, mp, bytes, [&] { return tv_mean_stddev(ctx, &ta, me, sd); },
        [&] { cv::meanStdDev(a, cme, csd); });
    // Ours is exact (64-bit integer sums); OpenCV accumulates u16 squares in double: compare
    // relative to the values.
    bad |= tvb::agreement(
        std::string("mean_stddev (relative) ") + tn,
        std::max(std::fabs(me[0] - cme[0]) / cme[0], std::fabs(sd[0] - csd[0]) / csd[0]), 1e-9);
    const int nb = 256;
    std::vector<uint64_t> h(nb);
    cv::Mat ch;
    const int channels[] = {0};
    const int sizes[] = {nb};
    const float range[] = {0.0f, depth == CV_8U ? 256.0f : 65536.0f};
    const float *ranges[] = {range};
    bad |= !tvb::compare(
        ctx, "histogram 256", tn, mp, bytes, [&] { return tv_histogram(ctx, &ta, h.data(), nb); },
        [&] { cv::calcHist(&a, 1, channels, cv::Mat(), ch, 1, sizes, ranges); });
    double hd = 0;
    for (int i = 0; i < nb; i++) hd = std::max(hd, std::fabs((double)h[i] - ch.at<float>(i)));
    bad |= tvb::agreement(std::string("histogram ") + tn, hd);
    if (depth == CV_8U) { // the same on pure noise (no runs of equal samples)
      cv::Mat r(H, W, depth);
      tvb::fill(r, 7, false);
      tv_image tr = tvb::wrap(r);
      bad |= !tvb::compare(
          ctx, "histogram 256 noise", tn, mp, bytes,
          [&] { return tv_histogram(ctx, &tr, h.data(), nb); },
          [&] { cv::calcHist(&r, 1, channels, cv::Mat(), ch, 1, sizes, ranges); });
      hd = 0;
      for (int i = 0; i < nb; i++) hd = std::max(hd, std::fabs((double)h[i] - ch.at<float>(i)));
      bad |= tvb::agreement(std::string("histogram noise ") + tn, hd);
    }
  }
  tv_ctx_destroy(ctx);
  return bad;
}
