#!/usr/bin/env python3
"""Learner scaling table from finished runs of dreamer_learner.

    scaling_table.py [--reference-busbw GBPS] RUN_DIR...

One markdown row per run directory (config.json + metrics.jsonl), rates over
the second half of its records (the first half is warm-up):

  learners, actors, env backend, device
  updates/s    per learner (opt_steps / wall_s) and all learners together
  env steps/s  env_steps / wall_s at the gate
  update ms    mean of the learner's update_ms
  all-reduce   ms per update, payload MB of one rank, bus bandwidth GB/s
               (nccl-tests' busbw: bytes / time * 2 (n - 1) / n)
  predicted    with --reference-busbw (e.g. nccl-tests' all_reduce_perf
               busbw on the same machine): payload * 2 (n - 1) / n / busbw

Exits 1 with one line on stderr when a run directory lacks its files or has
fewer than 2 records.
"""
import argparse
import json
import pathlib
import sys


def fail(message):
    print(f"scaling_table: {message}", file=sys.stderr)
    sys.exit(1)


def load_run(directory):
    directory = pathlib.Path(directory)
    try:
        config = json.loads((directory / "config.json").read_text())["config"]
        records = [json.loads(line) for line in (directory / "metrics.jsonl").read_text().splitlines() if line]
        # The training records: a goal run ends with its greedy evaluation's record.
        records = [record for record in records if not (record.get("final_eval") or record.get("periodic_eval"))]
    except (OSError, ValueError, KeyError) as error:
        fail(f"{directory}: cannot read config.json/metrics.jsonl: {error}")
    if len(records) < 2:
        fail(f"{directory}: {len(records)} metric record(s); need at least 2")
    return config, records


def mean(values):
    values = list(values)
    return sum(values) / len(values) if values else 0.0


def row(config, records, reference_busbw):
    window = records[len(records) // 2 - 1:] if len(records) > 2 else records
    first, last = window[0], window[-1]
    wall = last["wall_s"] - first["wall_s"]
    if wall <= 0:
        fail("records do not advance in wall_s")
    learners = config["learners"]
    updates_per_s = (last["opt_steps"] - first["opt_steps"]) / wall
    env_steps_per_s = (last["env_steps"] - first["env_steps"]) / wall
    allreduce_ms = 1000.0 * mean(r.get("allreduce_s", 0.0) for r in window[1:])
    payload = mean(r.get("allreduce_bytes", 0) for r in window[1:])
    busbw = mean(r.get("allreduce_bus_gbps", 0.0) for r in window[1:])
    cells = [learners, config["actors"], config["env_backend"], config["device"], f"{updates_per_s:.1f}",
             f"{updates_per_s * learners:.1f}", f"{env_steps_per_s:,.0f}",
             f"{mean(r['update_ms'] for r in window[1:]):.1f}", f"{allreduce_ms:.2f}", f"{payload / 1e6:.1f}",
             f"{busbw:.1f}"]
    if reference_busbw:
        factor = 2.0 * (learners - 1) / learners
        cells.append(f"{payload * factor / (reference_busbw * 1e9) * 1000.0:.2f}" if learners > 1 else "-")
    return "| " + " | ".join(str(c) for c in cells) + " |"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reference-busbw", type=float, default=None,
                        help="bus bandwidth in GB/s to predict the all-reduce time from")
    parser.add_argument("runs", nargs="+")
    args = parser.parse_args()
    header = ["learners", "actors", "env backend", "device", "updates/s per learner", "updates/s total",
              "env steps/s", "update ms", "all-reduce ms/update", "payload MB", "bus GB/s"]
    if args.reference_busbw:
        header.append(f"predicted ms at {args.reference_busbw:g} GB/s")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for directory in args.runs:
        print(row(*load_run(directory), args.reference_busbw))


if __name__ == "__main__":
    main()
