#!/usr/bin/env bash
# Shared body of the sbatch scripts: starts dreamer_learner under the job's
# launcher, forwards Slurm's SIGTERM (preemption, time limit, scontrol requeue)
# to it, and resumes the job's own run directory when Slurm requeues the job.
#
#   run_training.sh <launcher...> -- <dreamer_learner args...>
#
# Environment:
#   DREAMER_BIN        folder with dreamer_learner (default: build/launch)
#   DREAMER_RUNS_ROOT  where runs go (default: bench/runs/rl); each job gets
#                      $DREAMER_RUNS_ROOT/slurm_$SLURM_JOB_ID/
set -uo pipefail

launcher=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do launcher+=("$1"); shift; done
shift  # the --
bin=${DREAMER_BIN:-build/launch}
runs_root="${DREAMER_RUNS_ROOT:-bench/runs/rl}/slurm_${SLURM_JOB_ID:-local}"
mkdir -p "$runs_root"

existing=$(ls -d "$runs_root"/*/ 2>/dev/null | head -n 1)
if [ -n "$existing" ] && [ -f "$existing/config.json" ]; then
  echo "run_training: restart ${SLURM_RESTART_COUNT:-0}: resuming $existing"
  args=(--resume "$existing")
else
  args=(--runs-root "$runs_root" "$@")
fi

"${launcher[@]}" "$bin/dreamer_learner" "${args[@]}" &
child=$!
forward() {
  echo "run_training: got $1, stopping dreamer_learner (it checkpoints and exits 0)"
  kill -TERM "$child" 2>/dev/null
}
trap 'forward TERM' TERM
trap 'forward INT' INT
# `wait` returns early when a trapped signal arrives: wait again for the exit.
while kill -0 "$child" 2>/dev/null; do
  wait "$child"
  status=$?
done
echo "run_training: dreamer_learner exited with $status"
exit "$status"
