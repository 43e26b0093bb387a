#!/usr/bin/env bash
# The bad-input corpus: every case is one command given bad input, run in a
# fresh scratch folder beside a few fixture files. Each must exit with its
# documented status (2: usage or input error), print exactly one line on
# stderr that starts with the program's name, dump no core, create no run
# directory or output, and leave every fixture as it was.
#
#   bad_input_corpus.sh BIN_DIR [MPIRUN...]
#
# The fixtures include copies of the exit_room_door stage's start state and
# goal folder from the build tree, damaged in one way each. Cases under
# MPIRUN (a wrong MPI world) may print mpirun's own banner besides the
# program's one line; the banner (between dashed rules) is not counted.
set -uo pipefail
bin=$(cd "$1" && pwd)
shift
mpirun=("$@")
stage=$bin/../states/rl_exit_room_door
[ -f "$stage/goal_template.meta.json" ] || { echo "FAIL: no stage folder $stage (build the stages)"; exit 1; }
launcher=()
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failures=0
# One short real run, whose config.json and replay dump the resume fixtures copy.
seed_out=$scratch/seed_run.txt
"$bin/dreamer_learner" --device cpu --preset tiny --envs-per-actor 4 --total-env-steps 128 --min-replay 64 \
  --eval-episodes 1 --runs-root "$scratch/seed" >"$seed_out" 2>&1 || { cat "$seed_out"; echo "FAIL: the seed run"; exit 1; }
seed_run=$(ls -d "$scratch"/seed/*/ | head -n 1)
[ -f "$seed_run/replay.h5" ] || { echo "FAIL: the seed run left no replay.h5 in $seed_run"; exit 1; }
cases=0

make_fixtures() {
  printf 'not a rom' >bad.gb
  mkdir -p adir
  printf '{' >bad.json
  printf '{"schema_version":1}\n' >base.json
  : >empty.jsonl
  printf 'keep\n' >adir/keep.txt
  mkdir -p run_array run_scalar run_field
  printf '[]\n' >run_array/config.json
  printf '{"config": 5}\n' >run_scalar/config.json
  printf '{"config": {"mode": 3}}\n' >run_field/config.json
  mkdir -p run_cut && printf '{"config": {' >run_cut/config.json
  # a run whose config is good and whose replay dump is cut short
  mkdir -p run_replay_cut && cp "$seed_run/config.json" run_replay_cut/
  head -c 3000 "$seed_run/replay.h5" >run_replay_cut/replay.h5
  # start states: PyBoy-shaped garbage, empty, a project snapshot cut after its header
  head -c 4096 /dev/urandom >garbage.state
  : >empty.state
  head -c 40 "$stage/start.state" >snap_cut.state
  cp "$stage/start.state" door_start.state
  truncate -s 9M big.gb  # over the 8 MiB ROM limit, refused by its size
  # goal folders, each damaged in one way
  for goal in goal_ok goal_npy_garbage goal_meta_cut goal_no_npy goal_tau_text goal_npy_cut; do
    mkdir -p $goal && cp "$stage"/goal_template.* $goal/
  done
  head -c 5888 /dev/urandom >goal_npy_garbage/goal_template.npy
  head -c 200 "$stage/goal_template.meta.json" >goal_meta_cut/goal_template.meta.json
  rm goal_no_npy/goal_template.npy
  sed -i 's/"tau": [0-9.]*/"tau": "small"/' goal_tau_text/goal_template.meta.json
  head -c 1000 "$stage/goal_template.npy" >goal_npy_cut/goal_template.npy
  # checkpoints: an HDF5 signature and nothing else, `latest` naming nothing, an empty `latest`
  printf '\211HDF\r\n\032\n' >hdf5_cut.h5
  mkdir -p ck_dangling ck_empty_latest
  printf 'ckpt_5.h5\n' >ck_dangling/latest
  : >ck_empty_latest/latest
  # metrics and baselines
  printf 'not json\n{"env_steps": \n' >garbage.jsonl
  printf '[1, 2]\n' >base_array.json
}

# case EXPECTED_STATUS PROGRAM ARGS...
case_() {
  local expected=$1 program=$2
  shift 2
  cases=$((cases + 1))
  local dir=$scratch/case$cases
  mkdir -p "$dir" && cd "$dir" || exit 1
  make_fixtures
  local before
  before=$(find . -type f -o -type d | sort | xargs -I{} sh -c 'test -f "{}" && md5sum "{}" || echo "dir {}"')
  ulimit -c unlimited
  "${launcher[@]}" "$bin/$program" "$@" >stdout.txt 2>stderr.txt
  local status=$?
  # mpirun's own report of the failed job (blocks between dashed rules)
  if [ ${#launcher[@]} -gt 0 ]; then
    awk '/^-+$/ {skip = !skip; next} !skip' stderr.txt >../stderr_own.txt && mv ../stderr_own.txt stderr.txt
  fi
  local problem=""
  [ "$status" -eq "$expected" ] || problem="exit $status, expected $expected"
  local lines
  lines=$(wc -l <stderr.txt)
  [ "$lines" -eq 1 ] || problem="$problem; $lines stderr lines"
  head -n 1 stderr.txt | grep -q "^$program" || problem="$problem; stderr does not start with '$program'"
  ls core* >/dev/null 2>&1 && problem="$problem; core dumped"
  local said
  said=$(head -n 1 stderr.txt)
  rm -f stdout.txt stderr.txt
  local after
  after=$(find . -type f -o -type d | sort | xargs -I{} sh -c 'test -f "{}" && md5sum "{}" || echo "dir {}"')
  [ "$before" = "$after" ] || problem="$problem; files changed: $(diff <(echo "$before") <(echo "$after") | tr '\n' ' ')"
  if [ -n "$problem" ]; then
    echo "FAIL: $program $*: $problem"
    [ -f "$dir/stderr.txt" ] && cat "$dir/stderr.txt"
    failures=$((failures + 1))
  else
    echo "ok:   $program $*"
    echo "      -> $said"
  fi
  cd "$scratch" || exit 1
}

L=(--runs-root runs --total-env-steps 64)
# dreamer_learner: flags
case_ 2 dreamer_learner --total-env-steps 99999999999999999999 --runs-root runs
case_ 2 dreamer_learner --total-env-steps abc --runs-root runs
case_ 2 dreamer_learner --max-seconds -1 --runs-root runs
case_ 2 dreamer_learner --mode fly --runs-root runs
case_ 2 dreamer_learner --device tpu --runs-root runs
case_ 2 dreamer_learner --preset huge "${L[@]}"
case_ 2 dreamer_learner --stage nope "${L[@]}"
case_ 2 dreamer_learner --envs-per-actor 0 "${L[@]}"
case_ 2 dreamer_learner --batch-size 0 "${L[@]}"
case_ 2 dreamer_learner --seq-len 1 "${L[@]}"
case_ 2 dreamer_learner --eval-episodes 0 "${L[@]}"
case_ 2 dreamer_learner --no-such-flag "${L[@]}"
# dreamer_learner: files (ROM, start state, goal dir, run directory)
case_ 2 dreamer_learner --rom bad.gb "${L[@]}"
case_ 2 dreamer_learner --rom missing.gb "${L[@]}"
case_ 2 dreamer_learner --rom adir "${L[@]}"
case_ 2 dreamer_learner --state bad.json "${L[@]}"
case_ 2 dreamer_learner --goal-dir adir "${L[@]}"
case_ 2 dreamer_learner --state adir "${L[@]}"
case_ 2 dreamer_learner --resume adir
case_ 2 dreamer_learner --resume missing_run
case_ 2 dreamer_learner --resume run_array
case_ 2 dreamer_learner --resume run_scalar
case_ 2 dreamer_learner --resume run_field
case_ 2 dreamer_learner --resume adir --preset huge
case_ 2 dreamer_learner --resume adir --total-env-steps 8192
case_ 2 dreamer_learner --resume run_cut
case_ 2 dreamer_learner --resume run_replay_cut
case_ 2 dreamer_learner --rom big.gb "${L[@]}"
# dreamer_learner: start states (PyBoy state, project snapshot) and goal folders
case_ 2 dreamer_learner --stage exit_room_door --state garbage.state "${L[@]}"
case_ 2 dreamer_learner --stage exit_room_door --state empty.state "${L[@]}"
case_ 2 dreamer_learner --stage exit_room_door --state snap_cut.state "${L[@]}"
case_ 2 dreamer_learner --rom "$bin/../roms/town.gb" --state door_start.state --goal-dir goal_ok "${L[@]}"
case_ 2 dreamer_learner --stage exit_room_door --goal-dir goal_npy_garbage "${L[@]}"
case_ 2 dreamer_learner --stage exit_room_door --goal-dir goal_npy_cut "${L[@]}"
case_ 2 dreamer_learner --stage exit_room_door --goal-dir goal_meta_cut "${L[@]}"
case_ 2 dreamer_learner --stage exit_room_door --goal-dir goal_no_npy "${L[@]}"
case_ 2 dreamer_learner --stage exit_room_door --goal-dir goal_tau_text "${L[@]}"
# dreamer_eval
case_ 2 dreamer_eval --checkpoint adir
case_ 2 dreamer_eval --checkpoint bad.json
case_ 2 dreamer_eval --checkpoint missing.h5
case_ 2 dreamer_eval --checkpoint bad.json --episodes 0
case_ 2 dreamer_eval --checkpoint bad.json --episodes 5000
case_ 2 dreamer_eval --checkpoint bad.json --trajectory adir
case_ 2 dreamer_eval --checkpoint bad.json --output adir
case_ 2 dreamer_eval --checkpoint bad.json --output no_folder/summary.json
case_ 2 dreamer_eval --checkpoint hdf5_cut.h5
case_ 2 dreamer_eval --checkpoint ck_dangling
case_ 2 dreamer_eval --checkpoint ck_empty_latest
# dreamer_gate
case_ 2 dreamer_gate compare --baseline bad.json --metrics empty.jsonl
case_ 2 dreamer_gate compare --baseline base.json --metrics empty.jsonl
case_ 2 dreamer_gate smoke --metrics adir
case_ 2 dreamer_gate smoke --metrics missing.jsonl
case_ 2 dreamer_gate capture --metrics bad.json --output out.json
case_ 2 dreamer_gate run no_such_gate
case_ 2 dreamer_gate compare --baseline base_array.json --metrics empty.jsonl
case_ 2 dreamer_gate smoke --metrics garbage.jsonl
case_ 2 dreamer_gate identical empty.jsonl missing.jsonl
case_ 2 dreamer_gate plot --metrics missing.jsonl --output out.png
case_ 2 dreamer_gate
# dreamer_bench
case_ 2 dreamer_bench gb --rom bad.gb --frames 10
case_ 2 dreamer_bench gb --rom no_such_stage --frames 10
case_ 2 dreamer_bench learner --iterations 0
case_ 2 dreamer_bench learner --batch 0
case_ 2 dreamer_bench env --steps 0
case_ 2 dreamer_bench replay-mpi --chunks -1
case_ 2 dreamer_bench env --rom bad.gb --steps 1
# dreamer_make_stages
case_ 2 dreamer_make_stages
case_ 2 dreamer_make_stages --roms adir --out out
case_ 2 dreamer_make_stages --roms "$bin/../roms" --out out --frames-per-step 0
case_ 2 dreamer_make_stages --roms "$bin/../roms" --out out --release-after-frames 30
# dreamer_stage: states from another ROM, unreadable scripts, outputs that exist
roms=$bin/../roms
S=(--rom "$roms/exit_room.gb")
case_ 2 dreamer_stage
case_ 2 dreamer_stage state --rom bad.gb --out s.state
case_ 2 dreamer_stage state --rom "$roms/town.gb" --from door_start.state --out s.state
case_ 2 dreamer_stage state "${S[@]}" --from garbage.state --out s.state
case_ 2 dreamer_stage state "${S[@]}" --from snap_cut.state --out s.state
case_ 2 dreamer_stage state "${S[@]}" --script empty.jsonl --out s.state
case_ 2 dreamer_stage state "${S[@]}" --script garbage.jsonl --out s.state
case_ 2 dreamer_stage state "${S[@]}" --script no_such_script.txt --out s.state
case_ 2 dreamer_stage state "${S[@]}" --out adir/keep.txt
case_ 2 dreamer_stage state "${S[@]}" --out no_such_dir/s.state
case_ 2 dreamer_stage state "${S[@]}" --frames-per-step 0 --out s.state
case_ 2 dreamer_stage goal "${S[@]}" --state door_start.state --out goal_ok
case_ 2 dreamer_stage goal "${S[@]}" --state door_start.state --out g --tau 2
case_ 2 dreamer_stage goal "${S[@]}" --state door_start.state --out g --k 0
case_ 2 dreamer_stage goal "${S[@]}" --state empty.state --out g
case_ 2 dreamer_stage render "${S[@]}" --state door_start.state --out x.png --scale 0
case_ 2 dreamer_stage render "${S[@]}" --state door_start.state --out adir/keep.txt
A=(--root . --id a --name a --start-state door_start.state --goal-dir goal_ok --max-steps 8)
case_ 2 dreamer_stage add --stages bad.json "${A[@]}"
case_ 2 dreamer_stage add --stages base.json "${A[@]}"
case_ 2 dreamer_stage add --stages new.json --root . --id a --name a --start-state none.state --goal-dir goal_ok \
  --max-steps 8
case_ 2 dreamer_stage add --stages new.json --root . --id a --name a --start-state door_start.state \
  --goal-dir goal_meta_cut --max-steps 8
case_ 2 dreamer_stage add --stages new.json --root . --id a --name a --start-state door_start.state \
  --goal-dir goal_ok --max-steps 8 --frames-per-step 12
case_ 2 dreamer_stage add --stages new.json --root . --id a --name a --start-state door_start.state \
  --goal-dir goal_ok --max-steps 0
# MPI worlds that do not fit the role layout
if [ ${#mpirun[@]} -gt 0 ]; then
  launcher=("${mpirun[@]}" -np 3)
  case_ 2 dreamer_learner "${L[@]}"
  launcher=("${mpirun[@]}" -np 4)
  case_ 2 dreamer_learner --learners 2 "${L[@]}"
  launcher=()
else
  echo "note: no mpirun given, the MPI-world cases were not run"
fi

echo "$((cases - failures)) of $cases bad-input cases behave"
[ "$failures" -eq 0 ]
