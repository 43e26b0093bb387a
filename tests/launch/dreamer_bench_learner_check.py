"""Runs `dreamer_bench learner` (tiny preset, CPU) and checks that its JSON
holds every figure the runbook quotes, each a positive number, and that the
update phases add up to about the whole update."""
import json
import subprocess
import sys

out = subprocess.run([sys.argv[1], "learner", "--preset", "tiny", "--iterations", "3"],
                     check=True, capture_output=True, text=True).stdout
result = json.loads(out)
for key in ("update_ms", "train_steps_per_s", "player_act_ms", "packed2_unpack_ms", "replay_sample_ms",
            "end_to_end_update_ms"):
    assert isinstance(result[key], (int, float)) and result[key] > 0, (key, result.get(key))
phases = result["phases_ms"]
for key in ("world_model_forward_backward", "actor_forward_backward", "critic_forward_backward",
            "optimizer_steps_and_rest"):
    assert phases[key] > 0, (key, phases)
total = sum(phases.values())
# The phases time separate updates from update_ms: same work, so within a wide band.
assert 0.3 * result["update_ms"] < total < 3.0 * result["update_ms"], (total, result["update_ms"])
assert result["end_to_end_update_ms"] >= result["replay_sample_ms"], result
print("dreamer_bench learner: every figure present;", json.dumps(phases))
