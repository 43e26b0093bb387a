#!/usr/bin/env bash
# Builds the CUDA configuration on a lent GPU machine (Ubuntu 24.04 image:
# torch 2.11 in python3, system Open MPI/HDF5/CLI11/GTest, NCCL from the torch
# wheel's nvidia packages, cereal and test ROMs carried in .carry/ by
# prepare_carry.sh) and runs the named steps. Logs and JSON go to $OUT.
#
#   bash launch/gpu/build_and_run.sh STEP...
#
# Steps: build, cuda-tests, env-bench, env-bench-town, learner-bench, learner-bench-fast,
# ncu-env, nccl-tests, multi-learner, gpu-loop (the one-GPU loop under the
# copy audit), overlap (the one-process loop against actor and learner
# alone), gate, capture (gpu-main baselines from the gate's runs, into
# $OUT/baselines). Each step runs under `timeout` (STEP_TIMEOUT seconds,
# default 240; a step may be named step:seconds). A step's failure is recorded
# in steps.txt and the next step still runs; the exit status is non-zero if any
# step failed. Every log and run directory ends up in $OUT/results.tgz (the
# device returns few files), rewritten after each step.
#
# Knobs: DREAMER_EQUIVALENCE_ENVS/_STEPS (the *_CUDA equivalence test sizes), CUDA_TESTS_EXCLUDE (ctest -E),
# ENV_BENCH_ENVS, ENV_BENCH_STEPS, TOWN_STAGE, TOWN_BENCH_ENVS, TOWN_BENCH_STEPS, LEARNERS, ACTORS, ACTOR_BACKEND, ENVS_PER_ACTOR, MULTI_ENV_STEPS,
# BUILD_DIR (default build-cuda), CMAKE_EXTRA
# (more configure arguments), BUILD_TARGETS (what the build step builds).
set -uo pipefail
cd "$(dirname "$0")/../.."
out=/tmp/gpu_results
[ "${1:-}" = "--one" ] || { rm -rf "$out" && mkdir -p "$out"; }
build=${BUILD_DIR:-build-cuda}
bin=$build/launch
export NCCL_NVLS_ENABLE=0  # NVLink multicast stays off (DESIGN.md, device notes)
failed=0
if [ "${1:-}" = "--one" ]; then  # one step, run under timeout by the loop below
  set -- "$2"
  one_step=1
fi

step_build() {
  local torch_cmake nccl_root
  # The image's CXX (/opt/gcc/bin/g++) links libstdc++ statically, which
  # LibTorch cannot share (learner/shared_libstdcxx.cmake refuses it): use the system compiler.
  export CC=/usr/bin/gcc CXX=/usr/bin/g++
  torch_cmake=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
  nccl_root=$(python3 -c 'import nvidia.nccl as m; print(list(m.__path__)[0])')
  cmake -S . -B $build -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$torch_cmake;$PWD/.carry/cereal" \
    -DDREAMER_NCCL_ROOT="$nccl_root" -DDREAMER_SHARED_DIR="$PWD/.carry/shared" -DDREAMER_PYTHON=python3 ${CMAKE_EXTRA:-} &&
    cmake --build $build -j "$(nproc)" --target ${BUILD_TARGETS:-dreamer_learner dreamer_bench dreamer_gate \
      dreamer_make_stages dreamer_stage env_cuda_equivalence_test replay_device_ring_test learner_gradient_allreduce_nccl_test \
      learner_graphs_test actor_worker_cuda_test common_cuda_activity_trace_test common_cuda_activity_trace_torch_test}
}
step_cuda_tests() {
  ctest --test-dir $build --output-on-failure -R '_CUDA|DeviceReplayRing' -E "${CUDA_TESTS_EXCLUDE:-^$}" --timeout 600
}
step_env_bench() {
  local rom
  for rom in exit_room $build/roms/micro_input.gb; do
    $bin/dreamer_bench env --backend cuda --envs "${ENV_BENCH_ENVS:-1024,4096,16384,65536}" \
      --steps "${ENV_BENCH_STEPS:-30}" --rom "$rom" || return 1
    $bin/dreamer_bench env --backend cpu --threads "$(nproc)" --envs 1024,4096 --steps 5 --rom "$rom" || return 1
  done
}
# The town (issue 15's commercial-game load) as training sees it: a stage's
# start state and per-env random buttons, CUDA consoles against all CPU cores.
step_env_bench_town() {
  local stage=${TOWN_STAGE:-town_cross_to_shop}
  $bin/dreamer_bench env --backend cuda --envs "${TOWN_BENCH_ENVS:-256,1024,4096,16384}" \
    --steps "${TOWN_BENCH_STEPS:-2}" --rom "$stage" | tee "$out/env_bench_town_cuda.json" || return 1
  $bin/dreamer_bench env --backend cpu --threads "$(nproc)" --envs 256,1024,4096 --steps 5 --rom "$stage" |
    tee "$out/env_bench_town_cpu.json"
}
# The plain eager update (fused Adam and CUDA graphs, the defaults, off).
step_learner_bench() {
  local eager="--no-fused-adam --no-cuda-graphs"
  # shellcheck disable=SC2086
  $bin/dreamer_bench learner --device cuda --preset default --batch 64 --seq 16 --iterations 20 $eager &&
    $bin/dreamer_bench learner --device cuda --preset default --batch 64 --seq 16 --iterations 20 $eager --bf16 &&
    $bin/dreamer_bench learner --device cuda --preset bench --batch 32 --seq 16 --iterations 20 $eager &&
    $bin/dreamer_bench learner --device cuda --preset bench --batch 32 --seq 16 --iterations 20 $eager --bf16
}
# Fused Adam, CUDA graphs and both (fp32, and both with bf16) for the default
# and bench presets; about 10 runs, so give it time: learner-bench-fast:900.
step_learner_bench_fast() {
  local shape flags
  for shape in "--preset default --batch 64 --seq 16" "--preset bench --batch 32 --seq 16"; do
    for flags in "--no-cuda-graphs" "--no-fused-adam" "" "--bf16"; do  # the switches on by default
      # shellcheck disable=SC2086  # word splitting of the flag lists is intended
      $bin/dreamer_bench learner --device cuda $shape --iterations 20 $flags || return 1
    done
  done
}
step_ncu_env() {
  ncu --launch-skip 2 --launch-count 1 --section SpeedOfLight --section Occupancy --section LaunchStats \
    --section WarpStateStats --section MemoryWorkloadAnalysis --section SchedulerStats \
    $bin/dreamer_bench env --backend cuda --envs 65536 --steps 3
}
step_nccl_tests() { ctest --test-dir $build --output-on-failure -R 'Nccl' --timeout 300; }
step_multi_learner() {
  # gate + replay + ACTORS actors + n learners, one learner per GPU; n from
  # LEARNERS (e.g. "1 2"), default every GPU. ACTOR_BACKEND=cuda puts actor a's
  # consoles and Player on GPU (n + a) mod GPUs. Ends with the scaling table
  # (launch/scaling_table.py) of the runs.
  local n t0 runs=()
  for n in ${LEARNERS:-$(nvidia-smi -L | wc -l)}; do
    t0=$SECONDS
    mpirun --allow-run-as-root --oversubscribe -x NCCL_NVLS_ENABLE \
      -np $((2 + ${ACTORS:-1} + n)) $bin/dreamer_learner --actors "${ACTORS:-1}" --learners "$n" --device cuda \
      --env-backend "${ACTOR_BACKEND:-cpu}" --preset default --envs-per-actor "${ENVS_PER_ACTOR:-64}" \
      --min-replay 2048 --total-env-steps "${MULTI_ENV_STEPS:-8192}" \
      --output-tag "gpu_learners$n" --runs-root "$out/runs" || return 1
    echo "learners=$n wall_s=$((SECONDS - t0))"
    runs+=("$(ls -d "$out"/runs/*__gpu_learners"$n" | tail -n 1)")
  done
  python3 launch/scaling_table.py "${runs[@]}"
}
step_gpu_loop() {
  # The gpu-main copy-audit run, printed in full (audit and GPU activity).
  $bin/dreamer_learner --mode full --device cuda --env-backend cuda --preset default --seed 1 --envs-per-actor 1024 \
    --replay-capacity 512 --train-ratio 1 --min-replay 16384 --log-every 16 --total-env-steps 65536 --copy-audit 20 \
    --copy-audit-warmup 20 --copy-allow-list gates/copy_allow_list.json --output-tag gpu_loop --runs-root "$out/runs"
  local status=$?
  cat "$out"/runs/*gpu_loop/copy_audit.json "$out"/runs/*gpu_loop/gpu_activity.json
  return $status
}
step_overlap() {
  # The one-process loop (actor thread + learner thread on one GPU) against
  # each side alone, at the same sizes: exit room, 256 CUDA consoles, default
  # preset 64 x 16 with fused Adam and CUDA graphs. Actor alone = the loop
  # with min-replay above what it reaches (no update runs); learner alone =
  # dreamer_bench learner. Then the loop at train ratio 32 (learner-bound)
  # and 2 (actor-bound). launch/overlap_table.py prints the comparison.
  local common="--device cuda --env-backend cuda --preset default --fused-adam --cuda-graphs --envs-per-actor 256"
  common="$common --replay-capacity 1024 --eval-episodes 16 --runs-root $out/runs"
  # shellcheck disable=SC2086
  # min-replay at its ceiling (capacity x consoles): no update within the budget.
  $bin/dreamer_learner $common --train-ratio 32 --min-replay 262144 --total-env-steps 100000000 \
    --max-seconds "${OVERLAP_SECONDS:-45}" --output-tag actor_alone || return 1
  $bin/dreamer_bench learner --device cuda --preset default --batch 64 --seq 16 --iterations 50 --fused-adam \
    --cuda-graphs | tee "$out/learner_alone.json" || return 1
  local ratio
  for ratio in 32 2; do
    # shellcheck disable=SC2086
    $bin/dreamer_learner $common --train-ratio $ratio --min-replay 8192 --total-env-steps 100000000 \
      --max-seconds "${OVERLAP_SECONDS:-45}" --output-tag "loop_ratio$ratio" || return 1
  done
  python3 launch/overlap_table.py "$out/learner_alone.json" "$out"/runs/*actor_alone "$out"/runs/*loop_ratio32 \
    "$out"/runs/*loop_ratio2 | tee "$out/overlap.json"
}
step_gate() { $bin/dreamer_gate run gpu-main --build-dir $build --output "$out/gate"; }
step_capture() {
  local runs=$out/gate baselines=${OUT:-$out}/baselines
  mkdir -p "$baselines"
  $bin/dreamer_gate capture --metrics "$(ls $runs/standing-still/bench/runs/rl/*/metrics.jsonl)" --last 20 \
    --keys loss_model,obs_nll,reward_nll,kl_dyn,kl_total,prior_entropy,posterior_entropy,replay_ratio \
    --output "$baselines/standing_still_cuda.json" &&
    $bin/dreamer_gate capture --metrics "$(ls $runs/goal-task/bench/runs/rl/*/metrics.jsonl)" --last 1 \
      --keys eval_success_rate,eval_steps_to_goal_p50 \
      --output "$baselines/goal_task_cuda.json" &&
    cp $runs/learner-bench/bench.jsonl "$baselines/learner_bench_cuda.jsonl" &&
    cp $runs/verdict.json "$baselines/gate_verdict.json"
}

if [ -n "${one_step:-}" ]; then
  "step_${1//-/_}"
  exit
fi
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee "$out/gpu.txt"
for spec in "$@"; do
  step=${spec%%:*}
  limit=${STEP_TIMEOUT:-240}
  [ "$spec" != "$step" ] && limit=${spec#*:}
  start=$(date +%s)
  if timeout "$limit" bash "$0" --one "$step" >"$out/$step.log" 2>&1; then status=ok; else status=FAILED; failed=1; fi
  echo "$step $status $(($(date +%s) - start))s" | tee -a "$out/steps.txt"
  tail -n 25 "$out/$step.log"
  # after every step, so a run cut off still returns; checkpoints and replay dumps stay behind
  tar czf "${OUT:-$PWD}/results.tgz" --exclude='*.h5' -C "$out" .
done
exit $failed
