#!/usr/bin/env bash
# Faults in the middle of a real run (CPU, tiny preset, exit room).
#
#   rank_fault_run.sh <scenario> <dreamer_learner> <mpirun...>
#
# scenarios:
#   kill_actor, kill_replay, kill_learner
#       mpirun -np 4 (gate, replay, actor, learner); once checkpoints exist,
#       SIGKILL the actor (rank 2), the replay (rank 1) or the learner
#       (rank 3). mpirun must exit non-zero within 30 s, naming the killed
#       rank, with no rank of the run left behind; `latest` must still name a
#       checkpoint that loads: `--resume` continues the update counter and
#       finishes with exit 0.
#   truncated_checkpoint
#       one rank stopped by SIGTERM after a few checkpoints; then `latest` is
#       cut to 3 bytes and the newest checkpoint to half its size. `--resume`
#       must say on one line that it resumes from the newest file that loads,
#       and finish from there with exit 0.
#   file_size_limit
#       one rank stopped by SIGTERM once checkpoints exist; then `--resume`
#       under `ulimit -f` of half a checkpoint (RLIMIT_FSIZE, as a cluster may
#       set it). Its first checkpoint write must fail as a write error: exit 1,
#       one stderr line naming "File too large" (not SIGXFSZ killing the
#       process), no half-written file, and the checkpoints already there
#       byte-identical; a `--resume` without the limit then finishes.
set -euo pipefail
scenario=$1
learner=$2
shift 2
mpirun=("$@")

work=$(mktemp -d /tmp/dreamer_fault_${scenario}.XXXXXX)
trap 'pkill -KILL -f "^$learner .*$work/runs" 2>/dev/null || true; rm -rf "$work"' EXIT
common=(--device cpu --preset tiny --envs-per-actor 4 --runs-root "$work/runs" --seed 3 --log-every 2 --weight-sync-every 2
        --train-ratio 16 --min-replay 64 --checkpoint-every 4 --eval-episodes 1 --output-tag "$scenario")

fail() { echo "FAIL: $*" >&2; exit 1; }
run_dir() { ls -d "$work"/runs/*__"$scenario" | head -n 1; }
# Training records: the greedy evaluations' records aside.
training_records() { grep -v -e final_eval -e periodic_eval "$1/metrics.jsonl" 2>/dev/null || true; }
records() { training_records "$1" | wc -l; }
last_updates() { training_records "$1" | tail -n 1 | sed 's/.*"opt_steps":\([0-9]*\).*/\1/'; }
# Waits until the run has >= $2 records and a checkpoint (pid $1 still alive).
await_checkpoints() {
  local pid=$1 wanted=$2 dir
  for _ in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || { cat "$work/log.txt"; fail "the run ended before the fault"; }
    dir=$(ls -d "$work"/runs/*__"$scenario" 2>/dev/null | head -n 1 || true)
    if [ -n "$dir" ] && [ -f "$dir/checkpoints/latest" ] && [ "$(records "$dir")" -ge "$wanted" ]; then return 0; fi
    sleep 1
  done
  fail "no checkpoint and $wanted records within 300 s"
}
# The pid of the run's rank $1 (Open MPI puts the rank in each process's environment).
pid_of_rank() {
  local pid
  for pid in $(pgrep -f "^$learner .*$work/runs"); do
    if tr '\0' '\n' < "/proc/$pid/environ" 2>/dev/null | grep -qx "OMPI_COMM_WORLD_RANK=$1"; then
      echo "$pid"
      return 0
    fi
  done
  return 1
}
# One rank run until it has >= $1 records and a checkpoint, then stopped by
# SIGTERM (a clean stop: exit 0).
run_then_stop() {
  "$learner" "${common[@]}" --total-env-steps 100000 > "$work/log.txt" 2>&1 &
  local pid=$!
  await_checkpoints $pid "$1"
  kill -TERM $pid
  wait $pid || { cat "$work/log.txt"; fail "a SIGTERM'd run must exit 0"; }
}
# Resumes the run with a budget a little past where it stands; it must finish.
resume_and_finish() {
  local dir=$1 before updates_before
  before=$(records "$dir")
  updates_before=$(last_updates "$dir")
  sed -i 's/"total_env_steps": [0-9]*/"total_env_steps": 256/' "$dir/config.json"
  "${@:2}" "$learner" --resume "$dir" > "$work/resume.txt" 2>&1 || { cat "$work/resume.txt"; fail "--resume exited non-zero"; }
  grep -q "dreamer_learner: finished after" "$work/resume.txt" || { cat "$work/resume.txt"; fail "the resumed run did not finish"; }
  [ "$(records "$dir")" -gt "$before" ] || { cat "$work/resume.txt"; fail "--resume wrote no records"; }
  local first_resumed
  first_resumed=$(training_records "$dir" | sed -n "$((before + 1))p" | sed 's/.*"opt_steps":\([0-9]*\).*/\1/')
  [ "$first_resumed" -gt 0 ] && [ "$first_resumed" -le $((updates_before + 8)) ] ||
    fail "resumed update counter $first_resumed does not continue from a checkpoint (last record before: $updates_before)"
}

case "$scenario" in
  kill_actor | kill_replay | kill_learner)
    case "$scenario" in kill_actor) rank=2 ;; kill_replay) rank=1 ;; kill_learner) rank=3 ;; esac
    "${mpirun[@]}" -np 4 "$learner" "${common[@]}" --total-env-steps 100000 > "$work/log.txt" 2>&1 &
    pid=$!
    await_checkpoints $pid 3
    victim=$(pid_of_rank $rank) || fail "no process of rank $rank"
    kill -KILL "$victim"
    killed_at=$SECONDS
    status=0
    # mpirun must end by itself; the watchdog below only reports a hang.
    ( sleep 30 && kill -KILL $pid 2>/dev/null ) &
    watchdog=$!
    wait $pid || status=$?
    kill $watchdog 2>/dev/null || true
    waited=$((SECONDS - killed_at))
    [ "$waited" -lt 30 ] || { cat "$work/log.txt"; fail "the run hung for $waited s after rank $rank was killed"; }
    [ "$status" -ne 0 ] || { cat "$work/log.txt"; fail "the run exited 0 after rank $rank was killed"; }
    grep -q "process rank $rank .* exited on signal 9" "$work/log.txt" ||
      { cat "$work/log.txt"; fail "no line names the killed rank"; }
    sleep 1
    if pgrep -f "^$learner .*$work/runs" > /dev/null; then fail "ranks of the run are still alive after mpirun exited"; fi
    dir=$(run_dir)
    echo "rank $rank killed: mpirun exited $status after $waited s; latest: $(cat "$dir/checkpoints/latest")"
    resume_and_finish "$dir" "${mpirun[@]}" -np 4
    ;;
  truncated_checkpoint)
    run_then_stop 6
    dir=$(run_dir)
    newest=$(cat "$dir/checkpoints/latest")
    [ "$(ls "$dir"/checkpoints/ckpt_*.h5 | wc -l)" -ge 2 ] || fail "fewer than two checkpoints to fall back on"
    truncate -s 3 "$dir/checkpoints/latest"
    truncate -s "$(($(stat -c %s "$dir/checkpoints/$newest") / 2))" "$dir/checkpoints/$newest"
    resume_and_finish "$dir"
    grep -q "^dreamer_learner: resuming from ckpt_[0-9]*\.h5, the newest checkpoint that loads (passed over: .*$newest.*truncated" \
      "$work/resume.txt" || { cat "$work/resume.txt"; fail "the fallback was not reported on one line"; }
    grep -c "resuming from" "$work/resume.txt" | grep -qx 1 || fail "the fallback was reported more than once"
    ;;
  file_size_limit)
    run_then_stop 3
    dir=$(run_dir)
    cp -a "$dir/checkpoints" "$work/checkpoints_before"
    limit_kib=$(($(stat -c %s "$dir/checkpoints/$(cat "$dir/checkpoints/latest")") / 2048))
    status=0
    (ulimit -f "$limit_kib" && exec "$learner" --resume "$dir") > "$work/limited.txt" 2> "$work/limited_err.txt" ||
      status=$?
    [ "$status" = 1 ] || { cat "$work/limited_err.txt"; fail "exit status $status under ulimit -f $limit_kib, expected 1"; }
    [ "$(wc -l < "$work/limited_err.txt")" = 1 ] || { cat "$work/limited_err.txt"; fail "stderr is not one line"; }
    grep -q "cannot write checkpoint .*File too large" "$work/limited_err.txt" ||
      { cat "$work/limited_err.txt"; fail "the line does not name the checkpoint and the cause"; }
    leftovers=$(find "$dir" -name '*.tmp')
    [ -z "$leftovers" ] || fail "half-written files left: $leftovers"
    diff -r "$work/checkpoints_before" "$dir/checkpoints" > /dev/null || fail "the failed write changed the checkpoints"
    echo "ulimit -f $limit_kib: $(cat "$work/limited_err.txt")"
    resume_and_finish "$dir"
    ;;
  *) fail "unknown scenario $scenario" ;;
esac
echo "PASS: $scenario"
