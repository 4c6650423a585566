#!/usr/bin/env bash
# Builds tests/consumer against tubevision installed under PREFIX, three ways, and runs it.
# usage: run.sh PREFIX
set -euo pipefail
prefix=$1
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
libdir=$(dirname "$(find "$prefix" -name 'libtubevision.so' | head -1)")

cmake -S "$here" -B "$work/cmake" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/cmake" >/dev/null
LD_LIBRARY_PATH="$libdir" "$work/cmake/consumer"
"$work/cmake/consumer_static"
echo "consumer: find_package(tubevision) shared and static: ok"

export PKG_CONFIG_PATH="$libdir/pkgconfig"
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror "$here/main.c" -o "$work/pc" $(pkg-config --cflags --libs tubevision)
LD_LIBRARY_PATH="$libdir" "$work/pc"
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror -DTV_STATIC_DEFINE "$here/main.c" -o "$work/pc_static" \
  $(pkg-config --cflags tubevision) "$libdir/libtubevision.a" $(pkg-config --static --libs-only-l tubevision | sed 's/-ltubevision//')
"$work/pc_static"
echo "consumer: pkg-config --cflags --libs tubevision (shared and static): ok"

# The Python package installed beside the library finds it without any environment.
pydir=$(dirname "$(find "$prefix" -path '*/tubevision/__init__.py' | head -1)")
(cd "$work" && env -u TUBEVISION_LIBRARY PYTHONPATH="$(dirname "$pydir")" /usr/bin/python3 -c "
import tubevision, numpy
assert tubevision.library_path.startswith('$prefix'), tubevision.library_path
a = tubevision.decode(tubevision.encode(numpy.arange(12, dtype=numpy.uint16).reshape(3, 4)))
assert a[2, 3] == 11
print('consumer: python package from cmake --install uses', tubevision.library_path)
")
