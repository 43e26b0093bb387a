#!/usr/bin/env bash
# End-to-end runs of the real dreamer_learner binary on the project's own
# exit-the-room task (CPU, tiny preset).
#
#   e2e_training_run.sh <scenario> <dreamer_learner> <dreamer_gate> <mpirun...>
#
# scenarios:
#   mpi4       mpirun -np 4 (gate, replay, actor, learner): exit 0, metrics at
#              the gate, world-model loss falls, replay ratio within tolerance,
#              checkpoint and replay dump written.
#   sigterm    the same run stopped by SIGTERM mid-way: exit 0, checkpoint and
#              dump written; `--resume` continues counters and finishes.
#   single     one rank twice with one seed: bit-identical metrics (wall-clock
#              keys aside), and the world-model loss falls.
#   learners2  the DGX layout in small: mpirun -np 5 (gate, replay, actor, two
#              learners all-reducing gradients): exit 0 with the learners'
#              running gradient digests compared at every record, every record
#              shows an all-reduce (bytes, bus bandwidth), the actors act with
#              broadcast weights, the world model learns, and
#              launch/scaling_table.py makes its row from the run.
#   overlapped_CUDA  one rank on a GPU (CUDA env backend, fused Adam, CUDA
#              graphs): the overlapped schedule, the actor's thread beside the
#              learner's while graphs are captured, stopped by SIGTERM: exit 0,
#              the actors acted with learner weights, the train ratio held,
#              checkpoint and dump written; `--resume` continues. Skipped
#              (77) without a GPU.
set -euo pipefail
scenario=$1
learner=$2
gate=$3
shift 3
mpirun=("$@")

work=$(mktemp -d /tmp/dreamer_e2e_${scenario}.XXXXXX)
trap 'rm -rf "$work"' EXIT
common=(--device cpu --preset tiny --envs-per-actor 4 --runs-root "$work/runs" --seed 3
        --log-every 2 --weight-sync-every 2 --train-ratio 16 --min-replay 64)

fail() { echo "FAIL: $*" >&2; exit 1; }
run_dir() { ls -d "$work"/runs/*__"$scenario" | head -n 1; }
records() { grep -c . "$1/metrics.jsonl" || true; }
# Waits (up to 5 minutes) until the background run `pid` has `count` metric
# records; sets dir to its run directory.
await_records() {
  local pid=$1 count=$2
  for _ in $(seq 1 600); do
    dir=$(run_dir 2>/dev/null || true)
    if [ -n "$dir" ] && [ -f "$dir/metrics.jsonl" ] && [ "$(records "$dir")" -ge "$count" ]; then return; fi
    sleep 0.5
  done
  kill -9 "$pid"
  cat "$work/log.txt"
  fail "the run never reported $count records"
}

# A resumed run's records go on from the env steps it stored: env_steps never
# falls within either run, and the first resumed record counts at least the
# inserts of the replay dump it resumed from (it read 0 until the actor's
# first report after a resume). It may sit below the stopped run's last
# env_steps: a chunk collected but not yet stored at the stop is stepped again.
# $1: run directory, $2: records written before the stop, $3: stored_inserts
# of the run before its --resume.
# h5dump where installed (the CPU build machine), else h5py (the GPU image has no h5dump).
stored_inserts() {
  if command -v h5dump > /dev/null; then
    h5dump -a /limiter/inserts "$1/replay.h5" | sed -n 's/.*(0): \([0-9]*\).*/\1/p'
  else
    python3 -c 'import h5py, sys; print(int(h5py.File(sys.argv[1], "r")["limiter"].attrs["inserts"]))' "$1/replay.h5" \
      || fail "no h5dump and no python3 h5py to read $1/replay.h5"
  fi
}
env_steps_resume_from_store() {
  python3 - "$1/metrics.jsonl" "$2" "$3" << 'EOF_PY' || fail "env_steps across the resume in $1/metrics.jsonl"
import json, sys
records = [r for r in map(json.loads, open(sys.argv[1])) if not (r.get("final_eval") or r.get("periodic_eval"))]
stopped, resumed = records[:int(sys.argv[2])], records[int(sys.argv[2]):]
for part in (stopped, resumed):
    steps = [r["env_steps"] for r in part]
    falls = [(i, a, b) for i, (a, b) in enumerate(zip(steps, steps[1:])) if b < a]
    assert not falls, ("env_steps falls within a run: record, before, after", falls[:3])
stored = int(sys.argv[3])
assert stored > 0 and resumed[0]["env_steps"] >= stored, ("first resumed record, stored inserts", resumed[0]["env_steps"], stored)
EOF_PY
}

case "$scenario" in
  mpi4)
    "${mpirun[@]}" -np 4 "$learner" "${common[@]}" --output-tag "$scenario" --total-env-steps 768 > "$work/log.txt" 2>&1 \
      || { cat "$work/log.txt"; fail "dreamer_learner exited non-zero"; }
    dir=$(run_dir)
    [ "$(records "$dir")" -ge 3 ] || { cat "$work/log.txt"; fail "expected >= 3 metric records at the gate"; }
    [ -f "$dir/checkpoints/latest" ] || fail "no checkpoint"
    [ -f "$dir/replay.h5" ] || fail "no replay dump"
    [ -f "$dir/meta.json" ] && [ -f "$dir/config.json" ] || fail "no meta.json/config.json"
    grep -q "^mpirun -np 4 .*dreamer_learner" "$dir/repro.sh" || { cat "$dir/repro.sh"; fail "repro.sh does not rerun 4 ranks"; }
    # The world model learns and the replay ratio holds its target.
    "$gate" smoke --metrics "$dir/metrics.jsonl" --recon-within-updates 100000 --warmup-updates 0 \
      --replay-ratio-target 16 --replay-ratio-tolerance 0.5 --verdict "$work/verdict.json" \
      || { cat "$work/verdict.json"; fail "smoke rules failed"; }
    ;;
  sigterm)
    "${mpirun[@]}" -np 4 "$learner" "${common[@]}" --output-tag "$scenario" --total-env-steps 100000 \
      > "$work/log.txt" 2>&1 &
    pid=$!
    await_records $pid 2
    # Slurm signals every rank of the job step: do the same (not mpirun itself).
    pkill -TERM -f "^$learner .*$work/runs" || fail "no dreamer_learner rank to signal"
    wait $pid || { cat "$work/log.txt"; fail "a SIGTERM'd run must exit 0"; }
    grep -q "stopped by signal" "$work/log.txt" || { cat "$work/log.txt"; fail "no stop message"; }
    [ -f "$dir/checkpoints/latest" ] || fail "no checkpoint after SIGTERM"
    [ -f "$dir/replay.h5" ] || fail "no replay dump after SIGTERM"
    before=$(records "$dir")
    stored=$(stored_inserts "$dir")
    steps_before=$(tail -n 1 "$dir/metrics.jsonl" | sed 's/.*"opt_steps":\([0-9]*\).*/\1/')
    # Resume with a budget a little past where it stopped.
    sed -i 's/"total_env_steps": [0-9]*/"total_env_steps": 1024/' "$dir/config.json"
    "${mpirun[@]}" -np 4 "$learner" --resume "$dir" > "$work/resume.txt" 2>&1 \
      || { cat "$work/resume.txt"; fail "resume exited non-zero"; }
    after=$(records "$dir")
    [ "$after" -gt "$before" ] || { cat "$work/resume.txt"; fail "resume wrote no new records"; }
    steps_after=$(tail -n 1 "$dir/metrics.jsonl" | sed 's/.*"opt_steps":\([0-9]*\).*/\1/')
    [ "$steps_after" -gt "$steps_before" ] || fail "opt_steps did not continue ($steps_before -> $steps_after)"
    first_resumed=$(sed -n "$((before + 1))p" "$dir/metrics.jsonl" | sed 's/.*"opt_steps":\([0-9]*\).*/\1/')
    [ "$first_resumed" -gt "$steps_before" ] || fail "resumed counters restarted ($first_resumed <= $steps_before)"
    env_steps_resume_from_store "$dir" "$before" "$stored"
    ;;
  single)
    # Run b turns off the CUDA-only switches (on by default): config.json
    # records it, and a CPU run is unchanged by them.
    for attempt in a b; do
      switches=()
      [ "$attempt" = b ] && switches=(--no-fused-adam --no-cuda-graphs)
      "$learner" "${common[@]}" "${switches[@]}" --output-tag "single_$attempt" --total-env-steps 512 \
        > "$work/log_$attempt.txt" 2>&1 || { cat "$work/log_$attempt.txt"; fail "single-rank run $attempt exited non-zero"; }
    done
    first=$(ls -d "$work"/runs/*__single_a)
    second=$(ls -d "$work"/runs/*__single_b)
    [ "$(records "$first")" -ge 3 ] || { cat "$work/log_a.txt"; fail "expected >= 3 metric records"; }
    "$gate" identical "$first/metrics.jsonl" "$second/metrics.jsonl" || fail "single-rank CPU runs differ"
    grep -q '"cuda_graphs": true' "$first/config.json" && grep -q '"fused_adam": true' "$first/config.json" \
      || fail "run a's config.json lacks the default switches"
    grep -q '"cuda_graphs": false' "$second/config.json" && grep -q '"fused_adam": false' "$second/config.json" \
      || fail "run b's config.json lacks --no-fused-adam --no-cuda-graphs"
    ;;
  learners2)
    # Every --log-every updates the learners compare their running digests of
    # every averaged gradient so far (a mismatch stops the run non-zero).
    "${mpirun[@]}" -np 5 "$learner" "${common[@]}" --actors 1 --learners 2 --output-tag "$scenario" \
      --total-env-steps 512 > "$work/log.txt" 2>&1 || { cat "$work/log.txt"; fail "dreamer_learner exited non-zero"; }
    dir=$(run_dir)
    [ "$(records "$dir")" -ge 3 ] || { cat "$work/log.txt"; fail "expected >= 3 metric records at the gate"; }
    python3 - "$dir/metrics.jsonl" << 'EOF_PY' || fail "the records do not show two learners at work"
import json, sys
records = [json.loads(line) for line in open(sys.argv[1])]
assert records[-1].get("final_eval"), "the run did not end with its greedy evaluation"
records = records[:-1]  # the training records
for r in records:
    assert r["allreduce_bytes"] > 0 and r["allreduce_bus_gbps"] > 0, ("no all-reduce", r["opt_steps"])
assert records[-1]["policy_version_min"] > 0, "the actor never received learner weights"
EOF_PY
    "$gate" smoke --metrics "$dir/metrics.jsonl" --recon-within-updates 100000 --warmup-updates 0 \
      --replay-ratio-target 16 --replay-ratio-tolerance 0.5 --verdict "$work/verdict.json" \
      || { cat "$work/verdict.json"; fail "smoke rules failed"; }
    table=$(python3 "$(dirname "$0")/../../launch/scaling_table.py" "$dir") || fail "scaling_table.py failed"
    echo "$table"
    grep -q "^| 2 | 1 | cpu | cpu |" <<< "$table" || fail "scaling_table.py has no 2-learner row"
    ;;
  overlapped_CUDA)
    nvidia-smi -L > /dev/null 2>&1 || { echo "SKIP: no GPU visible (nvidia-smi -L failed)"; exit 77; }
    gpu=(--preset tiny --device cuda --env-backend cuda --fused-adam --cuda-graphs --envs-per-actor 64 --seed 3
         --log-every 2 --weight-sync-every 2 --train-ratio 16 --min-replay 1024 --eval-episodes 8 --max-seconds 0
         --runs-root "$work/runs")
    "$learner" "${gpu[@]}" --output-tag "$scenario" --total-env-steps 10000000 > "$work/log.txt" 2>&1 &
    pid=$!
    # The loop is learner-bound: the actor inserts 64 envs x 4 steps at a
    # time and waits while the learner works off 128 updates per insert. Just
    # after an insert the ratio reads (k - 1)/k of its target after k inserts
    # past the prefill: 20 records (40 updates) saw k = 1 and a ratio of 6.75
    # (H100, 2026-12-07); 200 records (400 updates) see k >= 3.
    await_records $pid 200
    kill -TERM $pid
    wait $pid || { cat "$work/log.txt"; fail "a SIGTERM'd run must exit 0"; }
    grep -q "stopped by signal" "$work/log.txt" || { cat "$work/log.txt"; fail "no stop message"; }
    [ -f "$dir/checkpoints/latest" ] || fail "no checkpoint after SIGTERM"
    [ -f "$dir/replay.h5" ] || fail "no replay dump after SIGTERM"
    python3 - "$dir/metrics.jsonl" << 'EOF_PY' || { cat "$work/log.txt"; fail "the overlapped run's records"; }
import json, sys
records = [json.loads(line) for line in open(sys.argv[1])]
records = [r for r in records if not (r.get("final_eval") or r.get("periodic_eval"))]
last = records[-1]
assert last["policy_version_min"] > 0, "the actor never received learner weights"
# The limiter owes updates only for env steps past the 1024-step prefill;
# tiny preset: 4 x 8 replayed steps per update.
ratio = last["samples"] * 32 / (last["inserts"] - 1024)
assert abs(ratio - 16) < 8, ("train ratio not held after the prefill", ratio)
assert last["sps"] > 0, "no actor throughput reported"
EOF_PY
    before=$(grep -v -c -e final_eval -e periodic_eval "$dir/metrics.jsonl")
    stored=$(stored_inserts "$dir")
    steps=$(grep -v -e final_eval -e periodic_eval "$dir/metrics.jsonl" | tail -n 1 | sed 's/.*"env_steps":\([0-9]*\).*/\1/')
    sed -i "s/\"total_env_steps\": [0-9]*/\"total_env_steps\": $((steps + 4096))/" "$dir/config.json"
    "$learner" --resume "$dir" > "$work/resume.txt" 2>&1 || { cat "$work/resume.txt"; fail "resume exited non-zero"; }
    [ "$(grep -v -c -e final_eval -e periodic_eval "$dir/metrics.jsonl")" -gt "$before" ] || { cat "$work/resume.txt"; fail "resume wrote no new records"; }
    env_steps_resume_from_store "$dir" "$before" "$stored"
    ;;
  *) fail "unknown scenario $scenario" ;;
esac
echo "PASS: $scenario"
