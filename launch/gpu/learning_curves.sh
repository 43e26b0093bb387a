#!/usr/bin/env bash
# Trains the default run (no learning flags: the machine's profile) once per
# seed, one after another so that each has the machine to itself, and keeps
# what the learning curves need: $OUT/seed<S>.log and a tarball
# $OUT/curves.tgz of each run's metrics.jsonl (periodic and final greedy
# evaluations) and eval_summary.json. `dreamer_gate curves` draws them.
#
#   bash launch/gpu/learning_curves.sh BIN_DIR OUT_DIR SEED... [-- FLAGS]
set -uo pipefail
bin=$1 out=$2
shift 2
seeds=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do seeds+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
mkdir -p "$out/runs"
status=0
for seed in "${seeds[@]}"; do
  # shellcheck disable=SC2068  # extra flags split into words on purpose
  "$bin/dreamer_learner" --seed "$seed" --output-tag "seed$seed" --runs-root "$out/runs/seed$seed" $@ \
    >"$out/seed$seed.log" 2>&1 || status=1
  run=$(ls -d "$out/runs/seed$seed"/*__seed"$seed" 2>/dev/null | tail -n 1)
  tail -n 3 "$out/seed$seed.log"
  [ -n "$run" ] && mkdir -p "$out/curves/seed$seed" &&
    cp "$run/metrics.jsonl" "$run/eval_summary.json" "$run/config.json" "$out/curves/seed$seed/" 2>/dev/null
  tar -czf "$out/curves.tgz" -C "$out" curves
done
exit $status
