#!/usr/bin/env python3
"""Collects each layer's noise scale B_simple at the target from a critical-batch study of
scripts/study.sh into one CSV on standard output.

Usage: python3 scripts/study_collect_layers.py STUDY_DIR > layers.csv

Every trial measures B_simple = tr(Σ)/|G|² for the whole model and for each weight layer
(moving averages over the diagnostic steps, metrics.jsonl's `diagnostics.noise_scale`). For the
evaluation trials at the learning rate chosen for each batch, this reads the last record at or
before the step the target was reached (the value the study reports for the whole model); one
row per trial and layer, plus a row `model` for the whole model. Trials that never reached the
target are left out (they have no crossing), and so are batches no learning rate reached.
"""
import csv
import glob
import json
import os
import sys


def at_crossing(metrics_path, step):
    """The last diagnostics.noise_scale at or before `step`, or None."""
    found = None
    with open(metrics_path) as f:
        for line in f:
            if '"noise_scale"' not in line:
                continue
            record = json.loads(line)
            if record.get("step", 0) > step:
                break
            found = record["diagnostics"]["noise_scale"]
    return found


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip().splitlines()[3])
    study_dir = sys.argv[1]
    with open(os.path.join(study_dir, "critical-batch.json")) as f:
        study = json.load(f)
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["architecture", "batch", "lr", "seed", "step", "layer", "b_simple"])
    for arch in study["architectures"]:
        for batch in arch["batches"]:
            lr = batch.get("lr")
            if lr is None:
                continue
            folder = os.path.join(study_dir, "trials", arch["name"], f"b{batch['batch_size']}")
            for path in sorted(glob.glob(os.path.join(folder, "evaluate-lr*-seed*"))):
                with open(os.path.join(path, "summary.json")) as f:
                    summary = json.load(f)
                # The config keeps the rate to 10 significant digits.
                if abs(summary["config"]["lr"] - lr) > 1e-6 * lr:
                    continue
                step = summary["targets"][0]["step"] if summary.get("targets") else None
                if step is None:
                    continue
                ns = at_crossing(os.path.join(path, "metrics.jsonl"), step)
                if ns is None:
                    continue
                seed = summary["config"]["seed"]
                writer.writerow([arch["name"], batch["batch_size"], lr, seed, step, "model", ns.get("b_simple_ema")])
                for layer, value in sorted(ns.get("per_layer_ema", {}).items(), key=lambda kv: int(kv[0].split(".")[1])):
                    writer.writerow([arch["name"], batch["batch_size"], lr, seed, step, layer, value])


if __name__ == "__main__":
    main()
