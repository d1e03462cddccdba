"""Prints evaluation's share of critical-batch studies that differ only in their evaluation
schedule, one row per study directory, from the files the studies wrote: critical-batch.json
(training and evaluation seconds, the fit) and each trial's summary.json (its evaluations).

    python3 scripts/eval_schedule_table.py geometric:0.05=DIR every:6=DIR

"placement" is the worst relative error of a recorded crossing: R for geometric:R, and for
every:K, K over the earliest crossing any trial of that study recorded.
"""

import glob
import json
import os
import sys


def study_row(schedule, directory):
    with open(os.path.join(directory, "critical-batch.json")) as f:
        study = json.load(f)
    evaluations, reached, censored = 0, [], 0
    for path in glob.glob(os.path.join(directory, "trials", "**", "summary.json"), recursive=True):
        with open(path) as f:
            summary = json.load(f)
        evaluations += summary.get("evaluations", 0)
    for architecture in study["architectures"]:
        for batch in architecture["batches"]:
            for trial in batch["trials"]:
                outcome = trial["outcome"]
                if outcome["status"] == "reached":
                    reached.append(outcome["steps"])
                elif outcome["status"] == "censored":
                    censored += 1
    kind, _, value = schedule.partition(":")
    placement = float(value) if kind == "geometric" else float(value) / min(reached)
    training = study["compute_seconds"] - study["evaluation_seconds"]
    fit = study["architectures"][0]["fit"]
    return "| `{}` | {} | {} | {} | {:,} | {:.1f} | {:.1f} | {:.0f} % | {:.1f} % | {:.0f} [{:.0f}, {:.0f}] | {:.0f} [{:.0f}, {:.0f}] |".format(
        schedule, study["trials_run"] + study["trials_reused"], min(reached), censored, evaluations, training,
        study["evaluation_seconds"], 100 * study["evaluation_seconds"] / study["compute_seconds"], 100 * placement,
        fit["s_min"], *fit["s_min_ci"], fit["b_crit"], *fit["b_crit_ci"])


def main(arguments):
    if not arguments or any("=" not in a for a in arguments):
        sys.exit("usage: eval_schedule_table.py SCHEDULE=STUDY_DIR ... (e.g. geometric:0.05=runs/geo)")
    print("| schedule | trials | earliest crossing | censored trials | evaluations | training s "
          "| evaluation s | evaluation share | worst placement | S_min [95 % CI] | B_crit [95 % CI] |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for argument in arguments:
        schedule, _, directory = argument.partition("=")
        print(study_row(schedule, directory))


if __name__ == "__main__":
    main(sys.argv[1:])
