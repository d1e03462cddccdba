"""Prints what a critical-batch study spent outside its trials' training and evaluation, from
the studies of a docs/bench/*-trial-wakeup/run.sh (directories s-LABEL-ROUND): per study, its
wall seconds, the trials' compute seconds, and (wall − compute) per trial; then the median per
label.

    python3 scripts/trial_overhead_table.py docs/bench/2026-12-07-trial-wakeup
"""

import glob
import json
import os
import statistics
import sys


def main(directory):
    per_label = {}
    print("| study | trials | wall s | trial compute s | overhead per trial ms |")
    print("|---|---|---|---|---|")
    for path in sorted(glob.glob(os.path.join(directory, "s-*-*", "critical-batch.json"))):
        name = os.path.basename(os.path.dirname(path))
        with open(path) as f:
            study = json.load(f)
        trials = study["trials_run"] + study["trials_reused"]
        overhead = (study["wall_seconds"] - study["compute_seconds"]) / trials
        per_label.setdefault(name.split("-")[1], []).append(overhead)
        print(f"| {name} | {trials} | {study['wall_seconds']:.2f} | {study['compute_seconds']:.2f} | {overhead * 1e3:.1f} |")
    print()
    for label, values in per_label.items():
        print(f"{label}: median overhead per trial {statistics.median(values) * 1e3:.1f} ms over {len(values)} studies")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: trial_overhead_table.py STUDIES_DIR (e.g. docs/bench/2026-12-07-trial-wakeup)")
    main(sys.argv[1])
