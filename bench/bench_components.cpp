// Benchmark of tv_components against cv::connectedComponentsWithStats on 4096 x 4096 masks: a
// thresholded noisy surface with a few hundred small blobs and a few long scratches (sparse), and a
// random 50% mask (dense); 8-connectivity, labels and stats.
// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <map>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "benchutil.hpp"

// Compares tubevision's labels and stats with OpenCV's: same count, stats equal after sorting by
// the first pixel (top, then left... OpenCV does not report the first pixel, so by the label
// image's first occurrence), and label images equal up to a one-to-one relabelling.
static int check(const cv::Mat &lab_tv, const std::vector<tv_component> &st, int n_tv,
                 const cv::Mat &lab_cv, const cv::Mat &stats_cv, const cv::Mat &cent_cv, int n_cv,
                 const char *what) {
  if (n_tv != n_cv - 1) {
    std::printf("MISMATCH %s: %d components, OpenCV %d\n", what, n_tv, n_cv - 1);
    return 1;
  }
  std::vector<int> map_cv((size_t)n_cv, -1), map_tv((size_t)n_tv + 1, -1);
  bool same_order = true;
  long bad_px = 0;
  for (int y = 0; y < lab_tv.rows; y++) {
    const int *a = lab_tv.ptr<int>(y), *b = lab_cv.ptr<int>(y);
    for (int x = 0; x < lab_tv.cols; x++) {
      if (a[x] != b[x]) same_order = false;
      if ((a[x] == 0) != (b[x] == 0)) {
        bad_px++;
        continue;
      }
      if (!a[x]) continue;
      if (map_tv[(size_t)a[x]] < 0 && map_cv[(size_t)b[x]] < 0) {
        map_tv[(size_t)a[x]] = b[x];
        map_cv[(size_t)b[x]] = a[x];
      } else if (map_tv[(size_t)a[x]] != b[x] || map_cv[(size_t)b[x]] != a[x]) {
        bad_px++;
      }
    }
  }
  long bad_stats = 0;
  for (int l = 1; l <= n_tv; l++) {
    const int c = map_tv[(size_t)l];
    const tv_component &s = st[(size_t)l - 1];
    if (c < 0 || s.x != stats_cv.at<int>(c, cv::CC_STAT_LEFT) ||
        s.y != stats_cv.at<int>(c, cv::CC_STAT_TOP) ||
        s.width != stats_cv.at<int>(c, cv::CC_STAT_WIDTH) ||
        s.height != stats_cv.at<int>(c, cv::CC_STAT_HEIGHT) ||
        s.area != stats_cv.at<int>(c, cv::CC_STAT_AREA) || s.cx != cent_cv.at<double>(c, 0) ||
        s.cy != cent_cv.at<double>(c, 1))
      bad_stats++;
  }
  std::printf("%s %s: %d components; labels %s; %ld pixels and %ld stats differ after "
              "relabelling\n",
              bad_px || bad_stats ? "MISMATCH" : "agree   ", what, n_tv,
              same_order ? "identical (same order)" : "equal up to relabelling (order differs)",
              bad_px, bad_stats);
  return bad_px || bad_stats ? 1 : 0;
}

int main() {
  tvb::print_environment();
  tv_ctx *ctx = nullptr;
  if (tv_ctx_create(&ctx) != TV_OK) return 1;
  const int W = 4096, H = 4096;
  const double mp = W * (double)H / 1e6;
  int bad = 0;
  tvb::print_header();
  for (int dense = 0; dense < 2; dense++)
    for (int depth : {CV_8U, CV_16U}) {
      cv::Mat mask(H, W, depth, cv::Scalar(0));
      cv::RNG rng(11);
      if (dense) {
        cv::Mat r(H, W, CV_8U);
        rng.fill(r, cv::RNG::UNIFORM, 0, 256);
        cv::Mat m8 = r >= 128;
        m8.convertTo(mask, depth);
      } else {
        // A noisy surface thresholded: speckle, a few hundred blobs and a few long scratches.
        cv::Mat s(H, W, CV_8U);
        rng.fill(s, cv::RNG::NORMAL, 100, 12);
        for (int i = 0; i < 400; i++)
          cv::circle(s, cv::Point(rng.uniform(0, W), rng.uniform(0, H)), rng.uniform(2, 12),
                     cv::Scalar(220), -1);
        for (int i = 0; i < 6; i++)
          cv::line(s, cv::Point(rng.uniform(0, W), rng.uniform(0, H)),
                   cv::Point(rng.uniform(0, W), rng.uniform(0, H)), cv::Scalar(230), 2);
        cv::Mat m8 = s > 150;
        m8.convertTo(mask, depth);
      }
      const char *tn = depth == CV_8U ? "u8" : "u16";
      cv::Mat lab_tv(H, W, CV_32S), lab_cv, stats_cv, cent_cv;
      tv_image tm = tvb::wrap(mask), tl = tvb::wrap(lab_tv);
      std::vector<tv_component> st((size_t)W * H / 2 + 1);
      int32_t n_tv = 0;
      int n_cv = 0;
      cv::Mat mask8;
      mask.convertTo(mask8, CV_8U); // OpenCV's connectedComponents takes 8-bit masks
      const std::string op = dense ? "components dense 50%" : "components sparse";
      bad |= !tvb::compare(
          ctx, op, tn, mp, mask.total() * (mask.elemSize() + 4.0),
          [&] {
            return tv_components(ctx, &tm, nullptr, 8, &tl, st.data(), (int32_t)st.size(), &n_tv);
          },
          [&] {
            n_cv = cv::connectedComponentsWithStats(depth == CV_8U ? mask : mask8, lab_cv, stats_cv,
                                                    cent_cv, 8, CV_32S);
          });
      bad |= check(lab_tv, st, n_tv, lab_cv, stats_cv, cent_cv, n_cv, (op + " " + tn).c_str());
    }
  tv_ctx_destroy(ctx);
  return bad;
}
