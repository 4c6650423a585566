#!/usr/bin/env bash
# The aarch64 stage: cross-build with Debian's gcc-aarch64-linux-gnu and arm64 multiarch packages,
# run the kernel tests under qemu-user so every NEON variant is checked against its scalar one.
# SPDX-License-Identifier: Apache-2.0
#
# Environment: TV_AARCH64_BUILD (build folder, default build-aarch64), TV_AARCH64_TESTS (ctest -R
# regex of the tests to run), TV_AARCH64_SCALAR_TESTS (regex run again with TV_CPU=scalar; empty
# skips that run). Installs its packages when missing (as root, or through sudo).
#
# Not part of .ci/run yet: under emulation the variant tests take far longer than the CI budget
# (Check writes a record for every passing assert). Run it by hand; narrow it with
# TV_AARCH64_TESTS='^test_filter_arith$', for example.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
jobs=$(nproc)
build=${TV_AARCH64_BUILD:-build-aarch64}
case $build in /*) ;; *) build="$root/$build" ;; esac
tests=${TV_AARCH64_TESTS:-'^test_(filter|convert|core|image)'}
scalar_tests=${TV_AARCH64_SCALAR_TESTS-'^test_(core|image|convert_kernels)$'}
start=$(date +%s)
# Under qemu-user, OpenBLAS's thread server spins without end when the process exits (and in forked
# children); tubevision runs OpenBLAS single-threaded anyway (lib/nn/blas.c), so start none.
export OPENBLAS_NUM_THREADS=1
step() { printf '\n=== aarch64: %s (%ss)\n' "$*" "$(($(date +%s) - start))"; }

step "packages (arm64 multiarch, cross gcc, qemu-user)"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
pkgs=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static pkg-config libpng-dev:arm64
      libturbojpeg0-dev:arm64 libopenblas-dev:arm64 libcjson-dev:arm64 check:arm64)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  dpkg --print-foreign-architectures | grep -qx arm64 || $SUDO dpkg --add-architecture arm64
  echo "installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

step "configure and build (aarch64-linux-gnu-gcc, -Werror)"
cmake -S . -B "$build" --toolchain "$root/cmake/toolchain-aarch64.cmake" -DTV_WERROR=ON \
  -DTV_BUILD_EXAMPLES=OFF >/dev/null
# Only the test executables the stage runs (and the library they link).
mapfile -t targets < <(cd tests && ls test_*.c | sed 's/\.c$//' | grep -E "$tests" || true)
[ ${#targets[@]} -gt 0 ] || { echo "no test matches $tests"; exit 1; }
cmake --build "$build" -j"$jobs" --target tubevision "${targets[@]}"

# The CPU level the library detects under qemu (the NEON kernels must be the ones selected), and
# the level TV_CPU=scalar leaves active.
step "CPU level under qemu"
probe="$build/tv_cpu_probe"
cat >"$probe.c" <<'EOF'
#include <stdio.h>
#include "tubevision/tubevision.h"
int main(void) {
  tv_ctx *ctx = NULL;
  int64_t active = -1;
  if (tv_ctx_create(&ctx) != TV_OK || tv_ctx_get(ctx, TV_CTX_ACTIVE_ISA, &active) != TV_OK) return 1;
  printf("tv CPU level %s, active level %s\n", tv_isa_name(tv_cpu_isa()),
         tv_isa_name((tv_isa)active));
  tv_ctx_destroy(ctx);
  return 0;
}
EOF
aarch64-linux-gnu-gcc -std=c11 -I include "$probe.c" -L "$build" -ltubevision -o "$probe"
qemu=(qemu-aarch64-static -L /usr/aarch64-linux-gnu -E "LD_LIBRARY_PATH=$build")
level=$("${qemu[@]}" "$probe")
echo "$level"
case "$level" in
*"level neon, active level neon") ;;
*) echo "aarch64: expected the NEON level under qemu"; exit 1 ;;
esac
TV_CPU=scalar "${qemu[@]}" "$probe" | tee /dev/stderr | grep -q "active level scalar"

# CK_FORK=no: under qemu-user (7.2) a test child that Check forks spins without progress, so the
# tests run in the test process itself (a crash then ends the whole executable, which still fails).
step "tests under qemu (every NEON variant against scalar, every SIMD cap)"
(cd "$build" && CK_FORK=no ctest --output-on-failure -j"$jobs" -R "$tests")

if [ -n "$scalar_tests" ]; then
  step "tests under qemu with TV_CPU=scalar"
  (cd "$build" && CK_FORK=no TV_CPU=scalar ctest --output-on-failure -j"$jobs" -R "$scalar_tests")
fi

step "done"
