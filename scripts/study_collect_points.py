#!/usr/bin/env python3
"""Collects a learning-rate-rules sweep of scripts/study.sh into one CSV on standard output.

Usage: python3 scripts/study_collect_points.py SWEEP_DIR BASE_BATCH BASE_LR > points.csv

One row per point of SWEEP_DIR/points/*/summary.json: the rule, the batch, the seed, the
learning rate the rule gave, how the run ended, and the steps to the first target (empty when it
was never reached: censored, not dropped).
"""
import csv
import glob
import json
import os
import sys


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__.strip().splitlines()[2])
    sweep, base_batch, base_lr = sys.argv[1:]
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["point", "lr_scaling", "batch", "seed", "base_batch", "base_lr", "lr", "warmup_steps",
                     "ended", "steps", "steps_to_target"])
    paths = sorted(glob.glob(os.path.join(sweep, "points", "*", "summary.json")))
    if not paths:
        sys.exit(f"study_collect_points: no points/*/summary.json under {sweep}")
    for path in paths:
        with open(path) as f:
            s = json.load(f)
        c = s["config"]
        target = (s.get("targets") or [{}])[0].get("step")
        writer.writerow([os.path.basename(os.path.dirname(path)), c["lrScaling"], c["globalBatchSize"], c["seed"],
                         base_batch, base_lr, s["learning_rate"], c.get("warmupSteps", 0), s["ended"], s["steps"],
                         "" if target is None else target])


if __name__ == "__main__":
    main()
