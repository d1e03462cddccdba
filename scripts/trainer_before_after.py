"""Prints a trainer before/after comparison written by a docs/bench/*-trainer-overhead/run.sh:
for each global batch, the median over rounds of the binary before and after of its training
seconds per step (summary.json's `seconds`: the steps' own timers, which stop before the
per-step metrics line is written) and of its wall seconds per step (`wall_seconds`, the whole
run, metrics line included), and after over before for each. Then, from log-every.sh's runs
(batch 8, a metrics line every step and every 100 steps), the same two per step for each binary.

    python3 scripts/trainer_before_after.py docs/bench/2026-12-07-trainer-overhead
"""

import glob
import json
import os
import re
import statistics
import sys


def per_step(directory, prefix):
    """(training, wall) seconds per step of the runs PREFIX<N>-<before|after>-<round>, by (N, label)."""
    runs = {}
    for path in glob.glob(os.path.join(directory, prefix + "*-*-*", "summary.json")):
        match = re.fullmatch(prefix + r"(\d+)-(before|after)-(\d+)", os.path.basename(os.path.dirname(path)))
        if not match:
            continue
        with open(path) as f:
            summary = json.load(f)
        runs.setdefault((int(match.group(1)), match.group(2)), []).append(
            (summary["seconds"] / summary["steps"], summary["wall_seconds"] / summary["steps"]))
    return runs


def main(directory):
    runs = per_step(directory, "b")
    print("| batch | rounds | training µs/step before | after | after / before "
          "| wall µs/step before | after | after / before |")
    print("|---|---|---|---|---|---|---|---|")
    for batch in sorted({b for b, _ in runs}):
        before, after = runs.get((batch, "before"), []), runs.get((batch, "after"), [])
        if not before or not after:
            continue
        cells = []
        for column in (0, 1):
            b = statistics.median(r[column] for r in before) * 1e6
            a = statistics.median(r[column] for r in after) * 1e6
            cells += [f"{b:.1f}", f"{a:.1f}", f"{a / b:.2f}"]
        print(f"| {batch} | {min(len(before), len(after))} | " + " | ".join(cells) + " |")

    every = {(label, n): values for (n, label), values in per_step(directory, "le").items()}
    if every:
        print()
        print("| binary | metrics line every | rounds | training µs/step | wall µs/step |")
        print("|---|---|---|---|---|")
        for (label, n), values in sorted(every.items(), key=lambda item: (item[0][0] != "before", item[0][1])):
            training = statistics.median(v[0] for v in values) * 1e6
            wall = statistics.median(v[1] for v in values) * 1e6
            print(f"| {label} | {n} step(s) | {len(values)} | {training:.1f} | {wall:.1f} |")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: trainer_before_after.py RUNS_DIR (e.g. docs/bench/2026-12-07-trainer-overhead)")
    main(sys.argv[1])
