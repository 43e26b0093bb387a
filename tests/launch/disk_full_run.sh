#!/usr/bin/env bash
# dreamer_learner with its run directory on a full disk (a small tmpfs): at
# each size the run fails where its next file no longer fits (a checkpoint
# early or late, the replay dump) and must exit 1 with one stderr line that
# says "No space left on device": no crash (HDF5 once crashed at exit after a
# failed close), no half-written .tmp file left behind.
#
#   disk_full_run.sh <dreamer_learner>
#
# Needs root to mount the tmpfs: skipped (77) otherwise.
set -euo pipefail
learner=$1
[ "$(id -u)" = 0 ] || { echo "SKIP: mounting a tmpfs needs root"; exit 77; }
logs=$(mktemp -d /tmp/dreamer_disk_full_logs.XXXXXX)
mnt=$(mktemp -d /tmp/dreamer_disk_full.XXXXXX)
cleanup() { umount "$mnt" 2> /dev/null || true; rmdir "$mnt"; rm -rf "$logs"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

for size in 300k 3m 6m; do
  mount -t tmpfs -o size=$size tmpfs "$mnt" 2> "$logs/mount.txt" || { cat "$logs/mount.txt"; echo "SKIP: cannot mount a tmpfs"; exit 77; }
  status=0
  "$learner" --device cpu --preset tiny --envs-per-actor 8 --output-tag full --runs-root "$mnt/runs" --total-env-steps 512 --min-replay 64 --eval-episodes 2 \
    > "$logs/out.txt" 2> "$logs/err.txt" || status=$?
  [ "$status" = 1 ] || { cat "$logs/err.txt"; fail "$size: exit status $status, expected 1"; }
  [ "$(wc -l < "$logs/err.txt")" = 1 ] || { cat "$logs/err.txt"; fail "$size: stderr is not one line"; }
  grep -q "No space left on device" "$logs/err.txt" || { cat "$logs/err.txt"; fail "$size: the line does not name the cause"; }
  leftovers=$(find "$mnt" -name '*.tmp')
  [ -z "$leftovers" ] || fail "$size: half-written files left: $leftovers"
  echo "$size: $(cat "$logs/err.txt")"
  umount "$mnt"
done
echo "PASS"
