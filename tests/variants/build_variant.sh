#!/usr/bin/env bash
# Builds and tests a second configuration of the project inside the main
# build tree, so that CI checks the variants without doubling the LibTorch
# compile time:
#
#   cpu_only  DREAMER_ENABLE_CUDA=OFF: the targets whose code differs without
#             CUDA are built (common, actors, replay) and their environment,
#             common and launch tests run, without LibTorch; of the LibTorch
#             code, the translation units that differ (gradient all-reduce)
#             are compiled.
#   tsan      DREAMER_TSAN=ON: the replay tests (writers, samplers, limiter)
#             under ThreadSanitizer.
#   sanitizers  clang with ASan and UBSan (DREAMER_FUZZ=ON): every loader's
#             libFuzzer target (tests/fuzz) for DREAMER_FUZZ_SECONDS (10) each,
#             from seeds of the tree (ROMs, stages, stage list) and ../shared
#             (PyBoy states) -- a crash, leak, UB report or an exception other
#             than dreamer::Error fails it and names the input -- then the
#             unit suites of common/, replay/, the envs and gates/. The
#             checkpoint target needs LibTorch: found through <torch cmake
#             prefix>, it is built and run too; without it, skipped, saying so.
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
      env_batched_env_test launch_test
    "$build_dir/tests/common/common_test"
    "$build_dir/tests/actors/env_batched_env_test"
    "$build_dir/tests/launch/launch_test"  # the launch pieces without LibTorch (it once failed to link)
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
  sanitizers)
    CC=clang CXX=clang++ cmake -S "$source_dir" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDREAMER_FUZZ=ON \
      -DDREAMER_ENABLE_CUDA=OFF -DDREAMER_WITH_TORCH=OFF -DDREAMER_WERROR=OFF -DDREAMER_SHARED_DIR="$shared_dir" \
      -DCMAKE_PREFIX_PATH="$torch_prefix" > "$build_dir.configure.log" 2>&1 \
      || { cat "$build_dir.configure.log"; exit 1; }
    cmake --build "$build_dir" -j "$jobs" --target fuzzers
    # UB stops the run (halt_on_error) except where tests/fuzz/ubsan.supp
    # names another project's code.
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$source_dir/tests/fuzz/ubsan.supp"
    export ASAN_OPTIONS=detect_leaks=1
    export LSAN_OPTIONS="suppressions=$source_dir/tests/fuzz/lsan.supp"
    seeds=$build_dir/fuzz_seeds
    rm -rf "$seeds" && mkdir -p "$seeds"/{rom,npy,rl_stages,goal_meta,pyboy_state,start_state}
    "$build_dir/tests/fuzz/fuzz_seeds" "$seeds"
    cp "$build_dir"/roms/*.gb "$seeds/rom/"
    cp "$build_dir"/states/*/goal_template.npy "$seeds/npy/" 2>/dev/null || true
    for meta in "$build_dir"/states/*/goal_template.meta.json; do cp "$meta" "$seeds/goal_meta/$(basename "$(dirname "$meta")").json"; done
    cp "$source_dir/states/rl_stages.json" "$seeds/rl_stages/"
    cp "$seeds/snapshot/"* "$seeds/start_state/"
    if [ -d "$shared_dir/pyboy_states" ]; then
      find "$shared_dir/pyboy_states" -name '*.state' -size -1M | head -n 8 | xargs -r cp -t "$seeds/pyboy_state/"
      cp "$seeds/pyboy_state/"* "$seeds/start_state/" 2>/dev/null || true
    else
      echo "fuzz: $shared_dir/pyboy_states absent: the PyBoy state targets start from empty input"
    fi
    for target in rom snapshot pyboy_state start_state npy rl_stages goal_meta chunk replay_dump config checkpoint; do
      if [ ! -x "$build_dir/tests/fuzz/fuzz_$target" ]; then
        echo "fuzz_$target: not built (LibTorch not found through '$torch_prefix')"
        continue
      fi
      corpus=$build_dir/fuzz_corpus/$target
      mkdir -p "$corpus" "$seeds/$target"
      echo "fuzz_$target: ${DREAMER_FUZZ_SECONDS:-10} s"
      (cd "$build_dir" && "$build_dir/tests/fuzz/fuzz_$target" -max_total_time="${DREAMER_FUZZ_SECONDS:-10}" \
        -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "$corpus" "$seeds/$target" \
        $(ls -d "$source_dir/tests/fuzz/regressions/$target" 2>/dev/null) > "$build_dir/fuzz_$target.log" 2>&1) \
        || { tail -n 60 "$build_dir/fuzz_$target.log"; echo "fuzz_$target found a failing input (above)"; exit 1; }
      grep -E "^stat::number_of_executed_units|^stat::new_units_added" "$build_dir/fuzz_$target.log" | tr '\n' ' '
      echo
    done
    suites=(common_test common_packed2_test common_trajectory_chunk_test env_stage_spec_test env_batched_env_test env_goal_task_test episode_window_test gates_test)
    cmake --build "$build_dir" -j "$jobs" --target replay_tests "${suites[@]}"
    ctest --test-dir "$build_dir" -j "$jobs" --output-on-failure -L replay
    for suite in "${suites[@]}"; do
      # common_test starts Open MPI, whose own allocations at exit LeakSanitizer
      # would report: leaks are checked in every other suite and fuzz target.
      leaks=1
      [ "$suite" = common_test ] && leaks=0
      (cd "$build_dir" && ASAN_OPTIONS=detect_leaks=$leaks \
        "$(find "$build_dir/tests" -name "$suite" -type f | head -n 1)" --gtest_brief=1) || exit 1
    done
    ;;
  *)
    echo "unknown variant $variant" >&2
    exit 2
    ;;
esac
echo "variant $variant: OK"
