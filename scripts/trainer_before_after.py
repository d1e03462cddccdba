"""Prints a trainer before/after comparison written by a docs/bench/*-trainer-overhead/run.sh:
for each global batch, the median over rounds of the training seconds (summary.json) of the
binary before and after, as microseconds per step, and after over before.

    python3 scripts/trainer_before_after.py docs/bench/2026-12-07-trainer-overhead
"""

import glob
import json
import os
import re
import statistics
import sys


def main(directory):
    runs = {}
    for path in glob.glob(os.path.join(directory, "b*-*-*", "summary.json")):
        match = re.fullmatch(r"b(\d+)-(before|after)-(\d+)", os.path.basename(os.path.dirname(path)))
        if not match:
            continue
        with open(path) as f:
            summary = json.load(f)
        runs.setdefault((int(match.group(1)), match.group(2)), []).append(summary["seconds"] / summary["steps"])
    print("| batch | rounds | before µs/step | after µs/step | after / before |")
    print("|---|---|---|---|---|")
    for batch in sorted({b for b, _ in runs}):
        before, after = runs.get((batch, "before"), []), runs.get((batch, "after"), [])
        if not before or not after:
            continue
        b, a = statistics.median(before) * 1e6, statistics.median(after) * 1e6
        print("| {} | {} | {:.1f} | {:.1f} | {:.2f} |".format(batch, min(len(before), len(after)), b, a, a / b))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: trainer_before_after.py RUNS_DIR (e.g. docs/bench/2026-12-07-trainer-overhead)")
    main(sys.argv[1])
