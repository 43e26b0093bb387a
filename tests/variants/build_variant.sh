#!/usr/bin/env bash
# Builds and tests a second configuration of the project inside the main
# build tree, so that CI checks the variants without doubling the LibTorch
# compile time:
#
#   cpu_only  DREAMER_ENABLE_CUDA=OFF: the targets whose code differs without
#             CUDA are built (common, actors, replay) and their environment and
#             common tests run; of the LibTorch code, the translation units that
#             differ (gradient all-reduce) are compiled.
#   tsan      DREAMER_TSAN=ON: the replay tests (writers, samplers, limiter)
#             under ThreadSanitizer.
#
#   build_variant.sh <variant> <source dir> <variant build dir> <torch cmake prefix> <shared dir>
set -euo pipefail
variant=$1
source_dir=$2
build_dir=$3
torch_prefix=$4
shared_dir=$5
jobs=${DREAMER_VARIANT_JOBS:-2}
# Own temporary folder: the main test run uses the same file names at the same time.
export TMPDIR="$build_dir.tmp"
mkdir -p "$TMPDIR"

case "$variant" in
  cpu_only)
    cmake -S "$source_dir" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DDREAMER_ENABLE_CUDA=OFF \
      -DDREAMER_WITH_TORCH=OFF -DDREAMER_SHARED_DIR="$shared_dir" > "$build_dir.configure.log" 2>&1 \
      || { cat "$build_dir.configure.log"; exit 1; }
    cmake --build "$build_dir" -j "$jobs" --target dreamer_common dreamer_actors dreamer_replay common_test \
      env_batched_env_test
    "$build_dir/tests/common/common_test"
    "$build_dir/tests/actors/env_batched_env_test"
    # LibTorch code that changes without CUDA: compile those objects only.
    cmake -S "$source_dir" -B "$build_dir-torch" -DCMAKE_BUILD_TYPE=Release -DDREAMER_ENABLE_CUDA=OFF \
      -DCMAKE_PREFIX_PATH="$torch_prefix" -DDREAMER_SHARED_DIR="$shared_dir" > "$build_dir-torch.configure.log" 2>&1 \
      || { cat "$build_dir-torch.configure.log"; exit 1; }
    make -C "$build_dir-torch/learner" -j "$jobs" gradient_allreduce.cpp.o gradient_allreduce_mpi.cpp.o
    ;;
  tsan)
    cmake -S "$source_dir" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDREAMER_TSAN=ON \
      -DDREAMER_ENABLE_CUDA=OFF -DDREAMER_WITH_TORCH=OFF -DDREAMER_SHARED_DIR="$shared_dir" \
      > "$build_dir.configure.log" 2>&1 || { cat "$build_dir.configure.log"; exit 1; }
    cmake --build "$build_dir" -j "$jobs" --target replay_tests
    TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" ctest --test-dir "$build_dir" -j "$jobs" -L replay \
      --output-on-failure
    ;;
  *)
    echo "unknown variant $variant" >&2
    exit 2
    ;;
esac
echo "variant $variant: OK"
