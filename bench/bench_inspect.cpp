// End-to-end inspection speed: a 4096 x 4096 u8 frame and a 4096 x 20000 u8 line-scan surface fed
// as strips, 1 and 2 threads, broken down by stage, and the line speed it sustains.
// usage: bench_inspect [HEATMAP.tvm [CLASSIFIER.tvm [CONFIG.json]]]
//   (default: the test models in tests/data and the built-in configuration)
// No peer: OpenCV has no equivalent pipeline. JSON lines on stdout, a table on stderr.
// SPDX-License-Identifier: Apache-2.0
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "benchutil.hpp"
#include <tubevision/inspect.h>

namespace {

std::string source_dir() {
  std::string f = __FILE__;
  const size_t p = f.rfind("/bench/");
  return p == std::string::npos ? std::string(".") : f.substr(0, p);
}

void check(tv_ctx *ctx, tv_status st, const char *what) {
  if (st != TV_OK) {
    std::fprintf(stderr, "bench_inspect: %s: %s\n", what, tv_ctx_last_error(ctx));
    std::exit(1);
  }
}

tv_image *render(tv_ctx *ctx, int w, int h, int defects) {
  tv_synth *s = nullptr;
  tv_image *img = nullptr;
  check(ctx, tv_synth_create(ctx, &s), "synth");
  tv_synth_set(ctx, s, TV_SYNTH_WIDTH, w);
  tv_synth_set(ctx, s, TV_SYNTH_HEIGHT, h);
  tv_synth_set(ctx, s, TV_SYNTH_DEFECTS, defects);
  tv_synth_set(ctx, s, TV_SYNTH_SEED, 9);
  check(ctx, tv_synth_render(ctx, s, &img, nullptr), "render");
  tv_synth_destroy(s);
  return img;
}

struct stages {
  double shading, tiles, network, stitch, segment, classify;
};

stages read_stages(tv_ctx *ctx, tv_inspection *run, double scale) {
  int64_t v[6];
  const tv_inspection_key keys[6] = {TV_INSPECTION_NS_SHADING, TV_INSPECTION_NS_TILES,
                                     TV_INSPECTION_NS_NETWORK, TV_INSPECTION_NS_STITCH,
                                     TV_INSPECTION_NS_SEGMENT, TV_INSPECTION_NS_CLASSIFY};
  for (int i = 0; i < 6; i++) tv_inspection_get(ctx, run, keys[i], &v[i]);
  return {v[0] * scale, v[1] * scale, v[2] * scale, v[3] * scale, v[4] * scale, v[5] * scale};
}

// Inspects img as a frame (strip_rows 0) or as strips; returns seconds per pass (best of reps).
double run_case(tv_ctx *ctx, tv_inspection *run, const tv_image *img, int strip_rows, int reps,
                stages *st, int *defects) {
  auto pass = [&]() {
    int n = 0;
    if (strip_rows == 0) {
      tv_result *res = nullptr;
      check(ctx, tv_inspect_frame(ctx, run, img, 0, &res), "frame");
      n = tv_result_count(res);
      tv_result_destroy(res);
    } else {
      check(ctx, tv_inspect_begin(ctx, run, 0), "begin");
      for (int y = 0; y < img->height; y += strip_rows) {
        const int h = std::min(strip_rows, img->height - y);
        tv_image strip = *img;
        strip.data = (uint8_t *)img->data + (int64_t)y * img->stride;
        strip.height = h;
        strip.priv = nullptr;
        tv_result *res = nullptr;
        check(ctx, tv_inspect_strip(ctx, run, &strip, &res), "strip");
        n += tv_result_count(res);
        tv_result_destroy(res);
      }
      tv_result *res = nullptr;
      check(ctx, tv_inspect_finish(ctx, run, &res), "finish");
      n += tv_result_count(res);
      tv_result_destroy(res);
    }
    *defects = n;
  };
  pass(); // warm-up: plans the sessions and grows the buffers
  tv_inspection_set(ctx, run, TV_INSPECTION_TIMES, 0);
  double best = 1e30;
  for (int i = 0; i < reps; i++) {
    const double t0 = tvb::now_s();
    pass();
    best = std::min(best, tvb::now_s() - t0);
  }
  *st = read_stages(ctx, run, 1e-9 / reps);
  return best;
}

} // namespace

int main(int argc, char **argv) {
  const std::string src = source_dir();
  const std::string heat_path = argc > 1 ? argv[1] : src + "/tests/data/insp_heat.tvm";
  const std::string cls_path = argc > 2 ? argv[2] : src + "/tests/data/insp_cls.tvm";
  tv_ctx *ctx = nullptr;
  tv_model *heat = nullptr, *cls = nullptr;
  tv_inspector *insp = nullptr;
  check(ctx, tv_ctx_create(&ctx), "context");
  check(ctx, tv_model_load(ctx, heat_path.c_str(), &heat), heat_path.c_str());
  check(ctx, tv_model_load(ctx, cls_path.c_str(), &cls), cls_path.c_str());
  std::string config;
  if (argc > 3) {
    std::ifstream f(argv[3]);
    std::stringstream ss;
    ss << f.rdbuf();
    config = ss.str();
    if (!f) {
      std::fprintf(stderr, "bench_inspect: cannot read %s\n", argv[3]);
      return 1;
    }
  }
  check(ctx, tv_inspector_create(ctx, heat, cls, argc > 3 ? config.c_str() : nullptr, &insp),
        "inspector");
  double load[3] = {0, 0, 0};
  if (FILE *la = std::fopen("/proc/loadavg", "r")) {
    if (std::fscanf(la, "%lf %lf %lf", &load[0], &load[1], &load[2]) != 3) load[0] = -1;
    std::fclose(la);
  }
  std::fprintf(stderr, "models %s %s, config %s, load average %.2f %.2f %.2f\n", heat_path.c_str(),
               cls_path.c_str(), argc > 3 ? argv[3] : "built-in", load[0], load[1], load[2]);
  tv_image *frame = render(ctx, 4096, 4096, 12);
  tv_image *surface = render(ctx, 4096, 20000, 40);
  const double mm_per_px = 0.1;
  std::fprintf(stderr, "%-22s %3s %8s %8s %9s | %7s %7s %7s %7s %7s %7s  (ms per pass)\n", "case",
               "thr", "MP/s", "defects", "m/min", "shading", "tiles", "network", "stitch",
               "segment", "classify");
  for (int threads = 1; threads <= 2; threads++) {
    check(ctx, tv_ctx_set(ctx, TV_CTX_THREADS, threads), "threads");
    struct {
      const char *name;
      const tv_image *img;
      int strip_rows, reps;
    } cases[] = {{"frame_4096x4096_u8", frame, 0, 3}, {"strips_4096x20000_u8", surface, 1000, 1}};
    for (auto &c : cases) {
      tv_inspection *run = nullptr;
      check(ctx, tv_inspection_create(ctx, insp, &run), "inspection");
      stages st{};
      int defects = 0;
      const double s = run_case(ctx, run, c.img, c.strip_rows, c.reps, &st, &defects);
      const double mp = (double)c.img->width * c.img->height * 1e-6;
      // A 4096-pixel line-scan camera: rows per second times mm per row.
      const double m_per_min = mp * 1e6 / s / 4096.0 * mm_per_px / 1000.0 * 60.0;
      std::fprintf(stderr, "%-22s %3d %8.1f %8d %9.1f | %7.1f %7.1f %7.1f %7.1f %7.1f %7.1f\n",
                   c.name, threads, mp / s, defects, m_per_min, st.shading * 1e3, st.tiles * 1e3,
                   st.network * 1e3, st.stitch * 1e3, st.segment * 1e3, st.classify * 1e3);
      std::printf("{\"bench\":\"inspect\",\"case\":\"%s\",\"threads\":%d,\"mp_per_s\":%.2f,"
                  "\"seconds\":%.4f,\"defects\":%d,\"line_m_per_min_at_0.1mm\":%.1f,"
                  "\"stages_s\":{\"shading\":%.4f,\"tiles\":%.4f,\"network\":%.4f,"
                  "\"stitch\":%.4f,\"segment\":%.4f,\"classify\":%.4f}}\n",
                  c.name, threads, mp / s, s, defects, m_per_min, st.shading, st.tiles, st.network,
                  st.stitch, st.segment, st.classify);
      tv_inspection_destroy(run);
    }
  }
  tv_image_destroy(frame);
  tv_image_destroy(surface);
  tv_inspector_destroy(insp);
  tv_model_free(cls);
  tv_model_free(heat);
  tv_ctx_destroy(ctx);
  return 0;
}
