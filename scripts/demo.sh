#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: install, build, and process the bundled sample.
# SPDX-License-Identifier: Apache-2.0
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DTV_BUILD_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)"
sample=examples/data/tube-sample.png
./build/bin/tv-convert --info "$sample"
mkdir -p out
./build/bin/tv-convert "$sample" out/tube-sample.pgm
./build/bin/tv-convert --info out/tube-sample.pgm
echo "demo: wrote out/tube-sample.pgm"
