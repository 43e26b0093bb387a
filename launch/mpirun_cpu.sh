#!/usr/bin/env bash
# mpirun wrapper for a CPU run on one host: gate, replay, A actors, L learners
# on loopback, with the settings that work in containers and as root.
#
#   launch/mpirun_cpu.sh <actors> <learners> [dreamer_learner args...]
#
# Waiting ranks yield their core (mpi_yield_when_idle): where cores are shared
# (more ranks than cores, learner threads, other jobs) a busy-polling rank
# takes the core its peer needs, and a chunk transfer crawls
# (docs/performance.md, "Replay over MPI"). Single-copy shared memory (CMA)
# needs ptrace rights between ranks, which containers often lack, so it is off
# unless DREAMER_VADER_SINGLE_COPY=cma asks for it.
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "mpirun_cpu.sh: usage: launch/mpirun_cpu.sh <actors> <learners> [dreamer_learner args...]" >&2
  exit 2
fi
# The binaries: $DREAMER_BIN, else the build folder beside this script, so
# that the wrapper works from any working directory.
bin=${DREAMER_BIN:-$(cd "$(dirname "$0")/.." && pwd)/build/launch}
actors=$1
learners=$2
shift 2
ranks=$((2 + actors + learners))
# A CPU run unless the arguments name a device: on a GPU host the learner
# would otherwise pick the GPU and its profile.
device_flags=(--device cpu)
for arg in "$@"; do
  case "$arg" in --device | --device=*) device_flags=() ;; esac
done
root_flags=()
if [ "$(id -u)" -eq 0 ]; then root_flags=(--allow-run-as-root); fi
exec mpirun -np "$ranks" --oversubscribe "${root_flags[@]}" --mca btl self,vader --mca pml ob1 \
  --mca oob_tcp_if_include lo --bind-to none --mca mpi_yield_when_idle 1 \
  --mca btl_vader_single_copy_mechanism "${DREAMER_VADER_SINGLE_COPY:-none}" \
  "$bin/dreamer_learner" --actors "$actors" --learners "$learners" "${device_flags[@]}" "$@"
