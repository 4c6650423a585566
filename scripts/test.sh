#!/usr/bin/env bash
# Every test on a fresh Debian 12 machine: install, build with -Werror, run the suite plainly,
# under AddressSanitizer + UndefinedBehaviorSanitizer and (threaded parts) ThreadSanitizer, check
# formatting, build an outside project against the installed library, and run the NEON kernels'
# tests on aarch64 under qemu-user.
# SPDX-License-Identifier: Apache-2.0
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
jobs=$(nproc)
bash scripts/install-deps.sh

step() { printf '\n=== %s\n' "$*"; }

step "format check (clang-format)"
git ls-files '*.c' '*.h' | xargs clang-format --dry-run -Werror

step "build (gcc, -Werror) and test"
cmake -S . -B build -DTV_WERROR=ON >/dev/null
cmake --build build -j"$jobs"
(cd build && ctest --output-on-failure -j"$jobs")

step "the same tests with the SIMD level forced down (TV_CPU), as every kernel has fallbacks"
for level in scalar sse4 avx2; do
  echo "TV_CPU=$level"
  (cd build && TV_CPU=$level ctest --output-on-failure -j"$jobs" -R '^test_' -E 'conformance|neu')
done

step "build (clang, ASan + UBSan, -Werror) and test"
cmake -S . -B build-asan -DTV_WERROR=ON -DTV_SANITIZE=address -DCMAKE_C_COMPILER=clang \
  -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-asan -j"$jobs"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
   UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j"$jobs")

step "build (clang, TSan) and test the threaded parts"
cmake -S . -B build-tsan -DTV_WERROR=ON -DTV_SANITIZE=thread -DCMAKE_C_COMPILER=clang \
  -DTV_BUILD_EXAMPLES=OFF >/dev/null
cmake --build build-tsan -j"$jobs" --target test_core test_image test_nn_threads test_nn_conv \
  test_inspect
(cd build-tsan && CK_FORK=no TSAN_OPTIONS=halt_on_error=1 ctest --output-on-failure \
  -R '^test_(core|image|nn_threads|nn_conv|inspect)$')

step "Python binding: pytest against the build tree, then pip install ./python into a venv"
TUBEVISION_LIBRARY="$root/build/libtubevision.so" /usr/bin/python3 -m pytest -q python/tests
venv=$(mktemp -d)
/usr/bin/python3 -m venv --system-site-packages "$venv"
TUBEVISION_LIBRARY="$root/build/libtubevision.so" "$venv/bin/pip" install -q --no-index ./python
(cd "$venv" && env -u TUBEVISION_LIBRARY TV_PYTHON_INSTALLED=1 "$venv/bin/python" -m pytest -q \
  -p no:cacheprovider "$root/python/tests/test_io.py" "$root/python/tests/test_core.py")
rm -rf "$venv"

step "install, then build an outside project with find_package and with pkg-config"
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install build --prefix "$prefix" >/dev/null
bash tests/consumer/run.sh "$prefix"

step "NEON kernels on aarch64: cross build, every NEON variant against scalar under qemu-user"
# Quick mode (tests/testquick.h) keeps it to a few minutes; scripts/test-aarch64.sh installs its
# own packages (arm64 multiarch, gcc-aarch64-linux-gnu, qemu-user-static).
TV_AARCH64_BUILD=build-aarch64 bash scripts/test-aarch64.sh

printf '\nall test stages passed\n'
