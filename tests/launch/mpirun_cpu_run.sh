#!/usr/bin/env bash
# launch/mpirun_cpu.sh runs a CPU job: every rank gets `--device cpu` unless
# the arguments name a device, which then reaches the ranks alone. The ranks
# run a stand-in dreamer_learner (through $DREAMER_BIN) that prints its
# arguments.
#
#   mpirun_cpu_run.sh <source dir>
set -euo pipefail
wrapper=$1/launch/mpirun_cpu.sh
work=$(mktemp -d /tmp/dreamer_mpirun_cpu.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
printf '#!/bin/sh\necho "$@"\n' > "$work/dreamer_learner"
chmod +x "$work/dreamer_learner"

check() {
  local expected=$1 lines
  shift
  lines=$(DREAMER_BIN=$work bash "$wrapper" 1 1 "$@" | sort | uniq -c | sed 's/^ *//')
  [ "$lines" = "4 $expected" ] || fail "mpirun_cpu.sh 1 1 $*: the 4 ranks got '$lines', expected '$expected'"
}
check "--actors 1 --learners 1 --device cpu --seed 3" --seed 3
check "--actors 1 --learners 1 --seed 3 --device cuda" --seed 3 --device cuda
check "--actors 1 --learners 1 --device=cuda" --device=cuda
echo "PASS"
