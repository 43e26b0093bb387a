#!/usr/bin/env python3
"""The one-process loop's rates against each side alone (launch/gpu step overlap).

    overlap_table.py LEARNER_BENCH_JSON ACTOR_ALONE_RUN LOOP_RUN...

  learner alone   updates/s = 1000 / update_ms of `dreamer_bench learner`
  actor alone     env steps/s of a run in which no update ran (min-replay
                  above its length): env_steps / max_seconds
  each loop run   updates/s and env steps/s over the second half of its
                  records (scaling_table.py's window), each as a share of
                  the side alone

Prints one JSON object. Exits 1 with one line on stderr on a missing file.
"""
import json
import pathlib
import sys

from scaling_table import fail, load_run


def actor_alone(directory):
    directory = pathlib.Path(directory)
    try:
        config = json.loads((directory / "config.json").read_text())["config"]
        lines = (directory / "metrics.jsonl").read_text().splitlines()
        final = [json.loads(line) for line in lines if line and json.loads(line).get("final_eval")]
    except (OSError, ValueError, KeyError) as error:
        fail(f"{directory}: cannot read config.json/metrics.jsonl: {error}")
    if not final or config.get("max_seconds", 0) <= 0:
        fail(f"{directory}: needs a final_eval record and max_seconds")
    return final[-1]["env_steps"] / config["max_seconds"]


def loop_rates(directory):
    config, records = load_run(directory)
    window = records[len(records) // 2 - 1:] if len(records) > 2 else records
    wall = window[-1]["wall_s"] - window[0]["wall_s"]
    if wall <= 0:
        fail(f"{directory}: records do not advance in wall_s")
    return config, {"updates_per_s": (window[-1]["opt_steps"] - window[0]["opt_steps"]) / wall,
                    "env_steps_per_s": (window[-1]["env_steps"] - window[0]["env_steps"]) / wall,
                    "replay_ratio": window[-1].get("replay_ratio")}


def main():
    if len(sys.argv) < 4:
        fail("usage: overlap_table.py LEARNER_BENCH_JSON ACTOR_ALONE_RUN LOOP_RUN...")
    try:
        # dreamer_bench learner prints one (indented) JSON object
        bench = json.loads(pathlib.Path(sys.argv[1]).read_text())
        learner_updates_per_s = 1000.0 / bench["update_ms"]
    except (OSError, ValueError, KeyError, TypeError, ZeroDivisionError) as error:
        fail(f"{sys.argv[1]}: cannot read the learner bench: {error}")
    actor_env_steps_per_s = actor_alone(sys.argv[2])
    result = {"learner_alone_updates_per_s": learner_updates_per_s,
              "actor_alone_env_steps_per_s": actor_env_steps_per_s, "loops": []}
    for directory in sys.argv[3:]:
        config, rates = loop_rates(directory)
        rates["train_ratio"] = config["replay"]["train_ratio"]
        rates["run"] = pathlib.Path(directory).name
        rates["updates_share_of_alone"] = rates["updates_per_s"] / learner_updates_per_s
        rates["env_share_of_alone"] = rates["env_steps_per_s"] / actor_env_steps_per_s
        result["loops"].append(rates)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
