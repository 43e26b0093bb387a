"""Runs `dreamer_bench learner --count-ops` (tiny preset, CPU) and checks that
its JSON holds every figure the runbook quotes, each a positive number, that
the update phases add up to about the whole update, that the operator
counts are consistent, and that --count-ops refuses --cuda-graphs (and
takes --no-cuda-graphs)."""
import json
import subprocess
import sys

out = subprocess.run([sys.argv[1], "learner", "--preset", "tiny", "--iterations", "3", "--count-ops"],
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
# --count-ops: one update's operator calls, split at the gradient hooks.
ops = result["ops_per_update"]
assert ops > 0 and sum(result["ops_by_phase"].values()) == ops, (ops, result["ops_by_phase"])
assert 0 < len(result["ops_by_name"]) <= 15 and all(count > 0 for _, count in result["ops_by_name"]), result
assert 0 < result["adam_step_ops"] < ops, result
assert result["ops_per_update_with_fused_adam"] == ops - result["adam_step_ops"] + 6, result
# Replayed CUDA graphs dispatch no operators: counting them is refused.
refused = subprocess.run([sys.argv[1], "learner", "--count-ops", "--cuda-graphs"], capture_output=True, text=True)
assert refused.returncode != 0 and "excludes" in refused.stderr, (refused.returncode, refused.stderr)
# Graphs are on by default: --count-ops alone counts an eager update, and
# --no-cuda-graphs with it is accepted.
assert result["cuda_graphs"] is False and result["fused_adam"] is True, result
subprocess.run([sys.argv[1], "learner", "--preset", "tiny", "--iterations", "1", "--count-ops", "--no-cuda-graphs"],
               check=True, capture_output=True)
print("dreamer_bench learner: every figure present;", json.dumps(phases))
