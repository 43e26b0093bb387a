#!/usr/bin/env bash
# The bad-input corpus: every case is one command given bad input, run in a
# fresh scratch folder beside a few fixture files. Each must exit with its
# documented status (2: usage or input error), print exactly one line on
# stderr that starts with the program's name, dump no core, create no run
# directory or output, and leave every fixture as it was.
#
#   bad_input_corpus.sh BIN_DIR
set -uo pipefail
bin=$(cd "$1" && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failures=0
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
  "$bin/$program" "$@" >stdout.txt 2>stderr.txt
  local status=$?
  local problem=""
  [ "$status" -eq "$expected" ] || problem="exit $status, expected $expected"
  local lines
  lines=$(wc -l <stderr.txt)
  [ "$lines" -eq 1 ] || problem="$problem; $lines stderr lines"
  head -n 1 stderr.txt | grep -q "^$program" || problem="$problem; stderr does not start with '$program'"
  ls core* >/dev/null 2>&1 && problem="$problem; core dumped"
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
# dreamer_eval
case_ 2 dreamer_eval --checkpoint adir
case_ 2 dreamer_eval --checkpoint bad.json
case_ 2 dreamer_eval --checkpoint missing.h5
case_ 2 dreamer_eval --checkpoint bad.json --episodes 0
case_ 2 dreamer_eval --checkpoint bad.json --episodes 5000
case_ 2 dreamer_eval --checkpoint bad.json --trajectory adir
case_ 2 dreamer_eval --checkpoint bad.json --output adir
case_ 2 dreamer_eval --checkpoint bad.json --output no_folder/summary.json
# dreamer_gate
case_ 2 dreamer_gate compare --baseline bad.json --metrics empty.jsonl
case_ 2 dreamer_gate compare --baseline base.json --metrics empty.jsonl
case_ 2 dreamer_gate smoke --metrics adir
case_ 2 dreamer_gate smoke --metrics missing.jsonl
case_ 2 dreamer_gate capture --metrics bad.json --output out.json
case_ 2 dreamer_gate run no_such_gate
case_ 2 dreamer_gate
# dreamer_bench
case_ 2 dreamer_bench gb --rom bad.gb --frames 10
case_ 2 dreamer_bench gb --rom no_such_stage --frames 10
case_ 2 dreamer_bench learner --iterations 0
case_ 2 dreamer_bench learner --batch 0
case_ 2 dreamer_bench env --steps 0
case_ 2 dreamer_bench replay-mpi --chunks -1
# dreamer_make_stages
case_ 2 dreamer_make_stages
case_ 2 dreamer_make_stages --roms adir --out out

echo "$((cases - failures)) of $cases bad-input cases behave"
[ "$failures" -eq 0 ]
