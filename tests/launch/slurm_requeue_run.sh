#!/usr/bin/env bash
# A one-node Slurm cluster on this machine runs launch/slurm/cpu_one_node.sbatch
# (a short run of the default task, tiny preset), `scontrol requeue` preempts
# it mid-run, and the requeued job must resume its own run directory with
# `dreamer_learner --resume` and finish:
#
#   slurm_requeue_run.sh <dreamer_learner> <source dir>
#
# Checks: the first instance stops by signal with a checkpoint; the job's
# output (kept across the requeue) shows the resume; update counters go on
# from the checkpoint (metrics.jsonl's opt_steps never go back); the job ends
# COMPLETED, exit code 0, after one restart.
#
# The cluster (munged, slurmctld, slurmd on localhost, ports picked at random)
# lives in a temp dir with its own munge key, config, state and spool, and is
# torn down on exit. Exits 77 (ctest: skipped) when Slurm or MUNGE is not
# installed or cannot run here (the daemons need root).
set -euo pipefail
learner=$1
source_dir=$2
kSkip=77

skip() {
  echo "SKIP: $*"
  exit "$kSkip"
}
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

[ "$(id -u)" -eq 0 ] || skip "the Slurm and MUNGE daemons need root (install: apt-get install -y slurm-wlm munge)"
for tool in munged mungekey slurmctld slurmd sbatch scontrol squeue sinfo; do
  command -v "$tool" > /dev/null || skip "$tool not installed (apt-get install -y slurm-wlm munge)"
done
id munge > /dev/null 2>&1 || skip "no munge user (the munge package creates it)"
command -v setpriv > /dev/null || skip "setpriv (util-linux) not installed"

work=$(mktemp -d /tmp/dreamer_slurm.XXXXXX)
daemons=()
cleanup() {
  # Daemons started here, by process id; slurmd's job steps go with it.
  if [ -n "${job:-}" ]; then scancel "$job" 2> /dev/null || true; fi
  for pid in "${daemons[@]}"; do kill -TERM "$pid" 2> /dev/null || true; done
  for pid in "${daemons[@]}"; do
    timeout 10 tail --pid="$pid" -f /dev/null 2> /dev/null || kill -KILL "$pid" 2> /dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# --- MUNGE, as user munge, with a key of its own -------------------------------
# munged wants the socket's folders traversable by everyone.
chmod 711 "$work"
mkdir -m 711 "$work/munge"
chown munge:munge "$work/munge"
mungekey --create --keyfile="$work/munge/munge.key" > /dev/null 2>&1 || skip "mungekey cannot create a key"
chown munge:munge "$work/munge/munge.key"
socket=$work/munge/munge.socket
setsid setpriv --reuid=munge --regid=munge --init-groups munged -F --socket="$socket" \
  --key-file="$work/munge/munge.key" --pid-file="$work/munge/munged.pid" --seed-file="$work/munge/munged.seed" \
  --log-file="$work/munge/munged.log" > "$work/munged.out" 2>&1 &
daemons+=($!)
timeout 10 bash -c "until [ -S '$socket' ]; do sleep 0.2; done" \
  || { cat "$work/munged.out"; skip "munged did not start here"; }

# --- slurm.conf: one node, no cgroups, no accounting --------------------------
port_free() { ! (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null; }
ctld_port=$((20000 + RANDOM % 20000))
while ! port_free "$ctld_port" || ! port_free $((ctld_port + 1)); do ctld_port=$((20000 + RANDOM % 20000)); done
cpus=$(nproc)
[ "$cpus" -ge 2 ] || cpus=2  # cpu_one_node.sbatch asks for 2 (config_overrides lets a 1-core node have them)
mkdir -p "$work/state" "$work/spool" "$work/runs"
export SLURM_CONF=$work/slurm.conf
cat > "$SLURM_CONF" << EOF
ClusterName=dreamer_test
SlurmctldHost=localhost
SlurmctldPort=$ctld_port
SlurmdPort=$((ctld_port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
# cred_expire also delays a requeued job's restart (default 120 s).
AuthInfo=socket=$socket,cred_expire=5
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
# The default cgroup tracking makes every job "complete" without running here.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/builtin
# Requeued jobs wait for the main scheduling loop (default every 60 s).
SchedulerParameters=sched_interval=2
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SlurmdParameters=config_overrides
ReturnToService=2
KillWait=30
MpiDefault=none
NodeName=localhost CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF

setsid slurmctld -D -f "$SLURM_CONF" > "$work/slurmctld.out" 2>&1 &
daemons+=($!)
setsid slurmd -D -N localhost -f "$SLURM_CONF" > "$work/slurmd.out" 2>&1 &
daemons+=($!)
node_idle() { sinfo -h -n localhost -o %t 2> /dev/null | grep -qx idle; }
export -f node_idle
timeout 30 bash -c 'until node_idle; do sleep 0.5; done' || {
  tail -n 20 "$work/slurmctld.out" "$work/slurmd.out"
  skip "the one-node Slurm cluster did not come up here"
}

# --- submit, wait for progress, requeue ---------------------------------------
job_field() { scontrol show job "$job" 2> /dev/null | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n 1; }
records() { if [ -f "$1/metrics.jsonl" ]; then grep -c . "$1/metrics.jsonl" || true; else echo 0; fi; }
run_dir() { ls -d "$work"/runs/slurm_"$job"/*/ 2> /dev/null | head -n 1; }
opt_steps_of() { sed 's/.*"opt_steps":\([0-9]*\).*/\1/'; }
export -f job_field records run_dir
export work

export DREAMER_BIN
DREAMER_BIN=$(dirname "$learner")
export DREAMER_RUNS_ROOT=$work/runs
out=$work/job.out
# The sbatch script runs launch/slurm/run_training.sh from the submit folder.
# The budget lets the first instance run well past its first reports before the
# requeue, and the resumed one finish in a minute.
job=$(cd "$source_dir" && sbatch --parsable --output="$out" launch/slurm/cpu_one_node.sbatch \
  --total-env-steps 640 --envs-per-actor 4 --seed 3 --log-every 2 --weight-sync-every 2 \
  --train-ratio 16 --min-replay 64)
export job
echo "submitted job $job"
timeout 120 bash -c 'until dir=$(run_dir) && [ -n "$dir" ] && [ "$(records "$dir")" -ge 8 ]; do
                       case "$(job_field JobState)" in PENDING|RUNNING|CONFIGURING) sleep 0.5 ;; *) exit 1 ;; esac
                     done' || {
  tail -n 40 "$out" 2> /dev/null
  fail "the job never reported progress (state $(job_field JobState))"
}
dir=$(run_dir)
[ "$(job_field JobState)" = RUNNING ] || { tail -n 40 "$out"; fail "the job ended before the requeue; raise the budget"; }
echo "job $job running, $(records "$dir") metric records in $dir; requeueing"
scontrol requeue "$job"

# The first instance stops (SIGTERM: checkpoint, replay dump), the job goes
# back to the queue, starts again and resumes; then it runs to the budget.
timeout 150 bash -c 'until [ "$(job_field JobState)" = COMPLETED ]; do
                       case "$(job_field JobState)" in PENDING|RUNNING|CONFIGURING|REQUEUED|COMPLETING) sleep 1 ;; *) exit 1 ;; esac
                     done' || {
  tail -n 40 "$out"
  fail "the requeued job did not complete (state $(job_field JobState), reason $(job_field Reason))"
}
grep -v '^\[' "$out" || true  # the job's log without its progress lines

# --- checks ---------------------------------------------------------------------
[ "$(job_field Restarts)" = 1 ] || fail "expected one restart, scontrol says $(job_field Restarts)"
[ "$(job_field ExitCode)" = 0:0 ] || fail "job exit code $(job_field ExitCode)"
grep -q "dreamer_learner: stopped by signal" "$out" \
  || fail "the first instance's stop is missing from the job output (output not kept across the requeue?)"
grep -q "run_training: restart 1: resuming $dir" "$out" || fail "the requeued job did not resume $dir"
grep -q "dreamer_learner: finished after" "$out" || fail "the resumed run did not finish"
[ -f "$dir/checkpoints/latest" ] || fail "no checkpoint"
[ "$(ls -d "$work"/runs/slurm_"$job"/*/ | wc -l)" -eq 1 ] || fail "the requeued job made a second run directory"
# Updates at the stop and at the end, from the two instances' last lines.
stopped_updates=$(sed -n 's/.*stopped by signal after [0-9]* env steps, \([0-9]*\) updates.*/\1/p' "$out")
finished_updates=$(sed -n 's/.*finished after [0-9]* env steps, \([0-9]*\) updates.*/\1/p' "$out")
finished_env_steps=$(sed -n 's/.*finished after \([0-9]*\) env steps.*/\1/p' "$out")
[ "$finished_updates" -gt "$stopped_updates" ] || fail "no updates after the resume ($stopped_updates -> $finished_updates)"
[ "$finished_env_steps" -ge 640 ] || fail "the resumed run stopped at $finished_env_steps env steps, short of 640"
# metrics.jsonl spans both instances: opt_steps rise strictly, across the
# resume too (a restart from zero would go back), and some records come after
# the stop.
previous=-1
after_stop=0
while read -r steps; do
  [ "$steps" -gt "$previous" ] || fail "opt_steps went back from $previous to $steps: counters restarted"
  [ "$steps" -gt "$stopped_updates" ] && after_stop=$((after_stop + 1))
  previous=$steps
done < <(grep -v -e '"final_eval":true' -e '"periodic_eval":true' "$dir/metrics.jsonl" | opt_steps_of)  # training records only
[ "$after_stop" -ge 1 ] || fail "no metric records after the resume"
echo "PASS: stopped at $stopped_updates updates, resumed, finished at $finished_updates updates" \
  "and $finished_env_steps env steps; $after_stop records after the resume"
