#!/usr/bin/env bash
# Trains several learner settings at once on one machine and collects what
# each learned: one line per setting in $OUT/sweep.jsonl (its flags, updates,
# env steps, wall time and the final greedy evaluation of eval_summary.json).
# Each setting runs in the background with its own runs root, pinned to the
# next 2 free cores (taskset, OMP_NUM_THREADS=2) like the CI machine, so a
# 16-core host tries 8 settings at once (a GPU setting among them keeps its
# consoles on the GPU and needs few cores).
#
#   bash launch/gpu/learning_sweep.sh BIN_DIR OUT_DIR 'NAME:FLAGS' ...
set -uo pipefail
bin=$1 out=$2
shift 2
mkdir -p "$out"
core=0
pids=()
for spec in "$@"; do
  name=${spec%%:*} flags=${spec#*:}
  prefix=(env OMP_NUM_THREADS=2 taskset -c "$core,$((core + 1))")
  core=$((core + 2))
  # shellcheck disable=SC2086
  ( start=$(date +%s.%N)
    "${prefix[@]}" "$bin/dreamer_learner" --output-tag "$name" --runs-root "$out/$name" $flags >"$out/$name.log" 2>&1
    status=$?
    end=$(date +%s.%N)
    echo "$name $status $(awk "BEGIN { print $end - $start }")" >"$out/$name.status" ) &
  pids+=($!)
done
wait "${pids[@]}"
for spec in "$@"; do
  name=${spec%%:*} flags=${spec#*:}
  read -r _ status wall <"$out/$name.status"
  run=$(ls -d "$out/$name"/*__"$name" 2>/dev/null | tail -n 1)
  python3 - "$name" "$flags" "$status" "$wall" "$run" <<'PY' >>"$out/sweep.jsonl"
import json, sys, os
name, flags, status, wall, run = sys.argv[1:6]
line = {"name": name, "flags": flags, "exit": int(status), "wall_s": round(float(wall), 1)}
if run and os.path.exists(os.path.join(run, "metrics.jsonl")):
    records = [json.loads(l) for l in open(os.path.join(run, "metrics.jsonl")) if l.strip()]
    train = [r for r in records if not (r.get("final_eval") or r.get("periodic_eval"))]
    if train:
        last = train[-1]
        line.update({k: last.get(k) for k in ("env_steps", "opt_steps", "obs_nll", "success_rate", "episodes")})
        # the first training record whose window saw a success
        first = next((r for r in train if (r.get("success_rate") or 0) > 0), None)
        line["first_success_env_steps"] = first.get("env_steps") if first else None
        # the training success rate along the run, at most 12 points
        every = max(1, len(train) // 12)
        line["curve"] = [[r.get("env_steps"), r.get("success_rate"), r.get("episodes")] for r in train[::every]]
    summary = os.path.join(run, "eval_summary.json")
    if os.path.exists(summary):
        s = json.load(open(summary))
        line.update({"eval_" + k: s.get(k) for k in ("episodes", "success_rate", "steps_to_goal_p50", "dist_p50")})
print(json.dumps(line))
PY
done
cat "$out/sweep.jsonl"
