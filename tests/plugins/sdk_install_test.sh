#!/usr/bin/env bash
# Builds sdk/examples/* the way a plugin author would: against the SDK installed with
#   cmake --install <build> --component sdk --prefix <prefix>
# each example configured out of tree with find_package(Nightjar), then loads every result into
# the plugin host and calls its hook (plugin_examples_driver).
#
# usage: sdk_install_test.sh <build dir> <examples dir> <work dir> <driver> <c++ compiler> <c compiler>
set -euo pipefail
build=$1 examples=$2 work=$3 driver=$4 cxx=$5 cc=$6
source_include=$(cd "$examples/../include" && pwd)

rm -rf "$work"
mkdir -p "$work"
prefix=$work/prefix

echo "== installing the SDK into $prefix"
cmake --install "$build" --component sdk --prefix "$prefix" >/dev/null
for f in include/nightjar/plugin.h include/nightjar/plugin.hpp \
         lib/cmake/Nightjar/NightjarConfig.cmake lib/cmake/Nightjar/NightjarConfigVersion.cmake \
         lib/cmake/Nightjar/NightjarTargets.cmake lib/cmake/Nightjar/NightjarPlugin.cmake \
         lib/cmake/Nightjar/nightjar_plugin.map; do
  [[ -f $prefix/$f ]] || { echo "missing from the installed SDK: $f" >&2; exit 1; }
done
# The SDK component is headers and CMake files only: nothing else may leak into it.
unexpected=$(find "$prefix" -type f ! -path "$prefix/include/nightjar/*" \
             ! -path "$prefix/lib/cmake/Nightjar/*" ! -path "$prefix/share/doc/*/examples/*")
[[ -z $unexpected ]] || { echo "unexpected files in the SDK component: $unexpected" >&2; exit 1; }

for dir in "$examples"/*/; do
  name=$(basename "$dir")
  echo "== building $name out of tree"
  cmake -S "$dir" -B "$work/build/$name" -DCMAKE_PREFIX_PATH="$prefix" \
        -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_C_COMPILER="$cc" \
        -DCMAKE_EXPORT_COMPILE_COMMANDS=ON -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF --no-warn-unused-cli \
        -DCMAKE_C_FLAGS="-Wall -Wextra -Werror" -DCMAKE_CXX_FLAGS="-Wall -Wextra -Werror" >/dev/null
  cmake --build "$work/build/$name" >/dev/null
  # It really used the installed SDK, not the source tree.
  grep -q "Nightjar_DIR:PATH=$prefix/lib/cmake/Nightjar" "$work/build/$name/CMakeCache.txt" ||
    { echo "$name: find_package(Nightjar) did not find the installed SDK" >&2; exit 1; }
  if grep -q "$source_include" "$work/build/$name/compile_commands.json"; then
    echo "$name: compiled against the source tree's headers" >&2; exit 1
  fi
done

echo "== loading the examples into the plugin host"
NJ_EXAMPLES_DIR="$work/build" "$driver"
