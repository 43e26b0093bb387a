#!/usr/bin/env bash
# dreamer_stage end to end, the way docs/stages.md tells a user to make a
# stage: a start state from a button script, a goal folder from a trajectory
# JSONL, the entry in a new rl_stages.json, PNGs to check. Made from
# exit_room.gb along the project's own exit_room path, the user's tool must
# give byte for byte the start state, goal source and goal template that
# dreamer_make_stages built for the exit_room stage.
#
# With SHARED_DIR, it also makes a stage from a PyBoy 2.6.1 save (version 15,
# the predecessor's format) of a cartridge shaped like Pokemon Red's, as
# docs/stages.md walks a user through with their own game.
#
#   stage_tool_run.sh DREAMER_STAGE ROMS_DIR STAGES_DIR [SHARED_DIR]
set -euo pipefail
tool=$1 roms=$2 own=$3/rl_exit_room shared=${4:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
fail() { echo "FAIL: $*"; exit 1; }
mkdir -p states
printf '# the first screen, then the room\nNOOP*2\n' >start.txt
"$tool" state --rom "$roms/exit_room.gb" --script start.txt --out states/start.state
cmp states/start.state "$own/start.state" || fail "the start state differs from the exit_room stage's"
# The way out as a trajectory (dreamer_eval --trajectory's lines), episode 1
# holding the path, episode 0 something else.
{
  echo '{"episode": 0, "step": 1, "action": 4}'
  for step in $(seq 1 15); do
    action=$([ "$step" -le 7 ] && echo 7 || echo 5)
    echo "{\"episode\": 1, \"step\": $step, \"action\": $action, \"reward\": -0.01}"
  done
} >way_out.jsonl
"$tool" goal --rom "$roms/exit_room.gb" --state states/start.state --script way_out.jsonl --episode 1 \
  --out states/outside
for file in goal_source.state goal_template.npy; do
  cmp "states/outside/$file" "$own/$file" || fail "$file differs from the exit_room stage's"
done
grep -q '"rom_path": "exit_room.gb"' states/outside/goal_template.meta.json || fail "meta names no ROM"
"$tool" add --stages states/rl_stages.json --id out --name "Leave the room" --start-state states/start.state \
  --goal-dir states/outside --max-steps 128
python3 - states/rl_stages.json <<'PY'
import json, sys
stages = json.load(open(sys.argv[1]))
assert stages["abi"]["frames_per_step"] == 24, stages["abi"]
[entry] = stages["stages"]
assert entry == {"id": "out", "name": "Leave the room", "status": "ready", "start_state": "states/start.state",
                 "goal_source_state": "states/outside/goal_source.state", "goal_dir": "states/outside",
                 "max_steps": 128}, entry
PY
"$tool" render --rom "$roms/exit_room.gb" --state states/outside/goal_source.state --out goal.png
"$tool" render --rom "$roms/exit_room.gb" --state states/start.state --out start.png --full --scale 1
python3 - goal.png start.png <<'PY'
import struct, sys
for path, size in zip(sys.argv[1:], [(320, 288), (160, 144)]):
    head = open(path, "rb").read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", path
    assert struct.unpack(">II", head[16:24]) == size, (path, struct.unpack(">II", head[16:24]))
PY
echo "dreamer_stage made the exit_room stage byte for byte; rl_stages.json and PNGs written"

pyboy=$shared/pyboy_states
if [ -z "$shared" ] || [ ! -f "$pyboy/pyboy261.mbc3ram.state" ]; then
  echo "SKIPPED the PyBoy part: no ../shared/pyboy_states here"
  exit 0
fi
game=$pyboy/mbc3ram_patched.gb
echo 'NOOP*30' >settle.txt
"$tool" state --rom "$game" --from "$pyboy/pyboy261.mbc3ram.state" --script settle.txt --out states/pyboy_start.state
"$tool" goal --rom "$game" --state states/pyboy_start.state --script settle.txt --out states/pyboy_goal
"$tool" add --stages states/rl_stages.json --id from_pyboy --name "From a PyBoy save" \
  --start-state states/pyboy_start.state --goal-dir states/pyboy_goal --max-steps 64
"$tool" render --rom "$game" --state states/pyboy_start.state --out pyboy.png
python3 -c 'import json, sys; assert [s["id"] for s in json.load(open(sys.argv[1]))["stages"]] == ["out", "from_pyboy"]' \
  states/rl_stages.json
# The PyBoy save does not fit another game's cartridge: one line, nothing written.
if "$tool" state --rom "$roms/exit_room.gb" --from "$pyboy/pyboy261.mbc3ram.state" --out other.state 2>err.txt; then
  fail "a PyBoy state of an MBC3 cartridge was taken for exit_room.gb"
fi
[ "$(wc -l <err.txt)" -eq 1 ] && [ ! -e other.state ] || fail "the refusal was not one line, or left a file"
echo "dreamer_stage made a stage from a PyBoy 2.6.1 save: $(cat err.txt)"
