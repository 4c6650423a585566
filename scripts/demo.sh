#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: install, build, and inspect the bundled synthetic
# tube sample with the bundled models, writing the results as JSON and an overlay picture.
# SPDX-License-Identifier: Apache-2.0
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DTV_BUILD_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)"
mkdir -p out
sample=examples/data/tube-sample.png
set +e
./build/bin/tv-inspect --json out/tube-sample.json --overlay out/tube-sample-overlay.png "$sample"
rc=$?
set -e
case $rc in
  0) verdict="accepted" ;;
  1) verdict="rejected" ;;
  *) echo "demo: tv-inspect failed (status $rc)" >&2; exit "$rc" ;;
esac
echo "demo: $sample $verdict; results in out/tube-sample.json, overlay in out/tube-sample-overlay.png"
