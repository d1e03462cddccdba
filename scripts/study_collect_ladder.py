#!/usr/bin/env python3
"""Collects a target ladder from a critical-batch study of scripts/study.sh into one CSV.

Usage: python3 scripts/study_collect_ladder.py STUDY_DIR TARGETS > ladder.csv
       (TARGETS: comma-separated val_accuracy thresholds, e.g. 0.55,0.6,0.65,0.7,0.75)

The study tunes and stops on one target. Its evaluation trials (seeds 1-5 at the learning rate
chosen for each batch, STUDY_DIR/trials/ARCH/bBATCH/evaluate-lrLR-seedS/) log the validation
accuracy at every evaluation (metrics.jsonl, the geometric schedule), so the first evaluated
step at which each lower threshold held is known with the same 10 % resolution as the target's.
One row per trial and threshold: the step, or empty when the trial never got there (censored,
not dropped). The learning rate is the one tuned for the study's own target, not for each
threshold; docs/STUDY.md says so. Thresholds above the study's target cannot be read: trials
stop at it.

As a check, the step read here at the study's own target must equal the one the study recorded
(summary.json); the script stops with an error otherwise.
"""
import csv
import glob
import json
import os
import sys


def first_step(metrics_path, threshold):
    with open(metrics_path) as f:
        for line in f:
            record = json.loads(line)
            # Evaluations come as "eval" lines (the schedule) and "epoch" lines (each epoch's end).
            if record.get("type") in ("eval", "epoch") and record.get("val_accuracy", -1) >= threshold:
                return record["step"]
    return None


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[2])
    study_dir, thresholds = sys.argv[1], [float(t) for t in sys.argv[2].split(",")]
    with open(os.path.join(study_dir, "critical-batch.json")) as f:
        study = json.load(f)
    target = study["target"]
    if not target.startswith("val_accuracy>="):
        sys.exit(f"study_collect_ladder: the study's target is {target}; only val_accuracy>= ladders are read")
    own = float(target.split(">=")[1])
    if any(t > own for t in thresholds):
        sys.exit(f"study_collect_ladder: thresholds above the study's target {own} cannot be read (trials stop there)")
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["architecture", "batch", "lr", "seed", "threshold", "steps_to_threshold"])
    for arch in study["architectures"]:
        for batch in arch["batches"]:
            lr = batch.get("lr")
            if lr is None:  # no learning rate reached the target: nothing was evaluated
                continue
            folder = os.path.join(study_dir, "trials", arch["name"], f"b{batch['batch_size']}")
            trials = []
            for path in sorted(glob.glob(os.path.join(folder, "evaluate-lr*-seed*"))):
                with open(os.path.join(path, "summary.json")) as f:
                    summary = json.load(f)
                # The config keeps the rate to 10 significant digits.
                if abs(summary["config"]["lr"] - lr) <= 1e-6 * lr:
                    trials.append((summary["config"]["seed"], path, summary))
            if len(trials) != len(batch["steps"]):
                sys.exit(f"study_collect_ladder: {folder}: {len(trials)} evaluation trials at lr {lr}, "
                         f"the study recorded {len(batch['steps'])}")
            for seed, path, summary in sorted(trials):
                metrics = os.path.join(path, "metrics.jsonl")
                recorded = summary["targets"][0]["step"] if summary.get("targets") else None
                if first_step(metrics, own) != recorded:
                    sys.exit(f"study_collect_ladder: {path}: the target's step read from metrics.jsonl "
                             f"({first_step(metrics, own)}) differs from summary.json's ({recorded})")
                for threshold in thresholds:
                    step = first_step(metrics, threshold)
                    writer.writerow([arch["name"], batch["batch_size"], lr, seed, threshold,
                                     "" if step is None else step])


if __name__ == "__main__":
    main()
