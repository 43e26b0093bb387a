#!/usr/bin/env bash
# Run here (the build machine) before a GPU-machine call: fills .carry/ (git
# ignored) with what that machine lacks and the call must take along:
#   .carry/cereal/        cereal (+ rapidjson) headers and CMake package (the GPU image has none)
#   .carry/shared/roms/   the public test ROMs the CUDA tests and benches read
# Name `.carry` in the call's carry list.
set -euo pipefail
cd "$(dirname "$0")/../.."
shared=${DREAMER_SHARED_DIR:-../shared}
rm -rf .carry
mkdir -p .carry/cereal/include .carry/cereal/lib/x86_64-linux-gnu/cmake .carry/shared
cp -r /usr/include/cereal /usr/include/rapidjson .carry/cereal/include/  # Debian's cereal uses the system rapidjson
cp -r /usr/lib/x86_64-linux-gnu/cmake/cereal .carry/cereal/lib/x86_64-linux-gnu/cmake/
cp -r "$shared/roms" .carry/shared/
du -sh .carry
