"""Checks `ddp-train time-to-target`'s predictions against real runs on this machine.

For each rank count R given, it trains the study's architecture at the tuned learning rate of
global batch R × b (b = the forecast's per-rank batch) on the study's evaluation seeds, under
`mpirun -np R` (or, with --emulated, on R emulated hosts joined by a shaped link,
scripts/emulated-cluster.sh), and compares the median measured steps to target and seconds per
step (training time from summary.json, evaluation excluded) with the forecast's.

    python3 scripts/check_time_to_target.py --study runs/cb --ranks 1,2 [--network shared-memory]
    python3 scripts/check_time_to_target.py --study runs/cb --ranks 2,4 --emulated 1gbit --network 1gbit \
        [--architecture relu_initializerkaiming]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--study", required=True)
    parser.add_argument("--ranks", default="1,2")
    parser.add_argument("--network", default="shared-memory", help="the forecast's network to compare with")
    parser.add_argument("--emulated", metavar="RATE", help="run on emulated hosts at this link rate (e.g. 1gbit)")
    parser.add_argument("--ddp-train", default=os.path.join(ROOT, ".build/release/ddp-train"))
    parser.add_argument("--architecture", help="only the study's architectures whose name contains this")
    args = parser.parse_args()

    study = json.load(open(os.path.join(args.study, "critical-batch.json")))
    forecast = json.load(open(os.path.join(args.study, "time-to-target.json")))
    per_rank = forecast["per_rank_batch"]
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    print(f"| architecture | ranks | batch | lr | predicted steps | measured steps (median, seeds) | "
          f"predicted ms/step | measured ms/step (median) | predicted s | measured s (median) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for arch in forecast["architectures"]:
        if args.architecture and args.architecture not in arch["name"]:
            continue
        study_arch = next(a for a in study["architectures"] if a["name"] == arch["name"])
        curve = next(c for c in arch["curves"] if c["network"] == args.network)
        for r in [int(x) for x in args.ranks.split(",")]:
            batch = r * per_rank
            measured = next((b for b in study_arch["batches"] if b["batch_size"] == batch), None)
            row = next((x for x in curve["rows"] if x["ranks"] == r), None)
            if measured is None or measured.get("lr") is None or row is None:
                print(f"| {arch['name']} | {r} | {batch} | — | the study has no tuned learning rate at this batch |")
                continue
            steps, per_step, totals = [], [], []
            for seed in sorted({t["seed"] for t in measured["trials"] if t["phase"] == "evaluate"}):
                trial = os.path.join(args.study, "trials", arch["name"], f"b{batch}")
                config = next(os.path.join(trial, d, "trial-config.json") for d in os.listdir(trial)
                              if d.startswith("evaluate-") and d.endswith(f"-seed{seed}")
                              and abs(json.load(open(os.path.join(trial, d, "trial-config.json")))["lr"] - measured["lr"]) < 1e-6 * measured["lr"])
                with tempfile.TemporaryDirectory() as run:
                    train = [args.ddp_train, "train", "--config", config, "--accumulate-steps", "1",
                             "--global-batch-size", str(batch), "--run-dir", run, "--quiet"]
                    if args.emulated:
                        command = [os.path.join(ROOT, "scripts/emulated-cluster.sh"), "--hosts", str(r), "--rate", args.emulated, "--"] + train
                    elif r > 1:
                        command = ["mpirun", "-np", str(r), "--oversubscribe", "-x", "OPENBLAS_NUM_THREADS"] + train
                    else:
                        command = train
                    run_once_more_if_hung(command, env)
                    summary = json.load(open(os.path.join(run, "summary.json")))
                step = summary["targets"][0]["step"]
                if step is not None:
                    steps.append(step)
                    totals.append(summary["targets"][0]["seconds"])
                per_step.append(summary["seconds"] / max(summary["steps"], 1))
            fmt = lambda v, f="{:.3g}": "—" if v is None else f.format(v)
            med = lambda v: statistics.median(v) if v else None
            print(f"| {arch['name']} | {r} | {batch} | {measured['lr']:.4g} | {row['steps']:.1f} | {fmt(med(steps))} ({len(steps)} of "
                  f"{len(per_step)}) | {row['step_seconds'] * 1e3:.3f} | {fmt(med(per_step) * 1e3 if per_step else None)} "
                  f"| {row['seconds']:.3g} | {fmt(med(totals))} |")
            sys.stdout.flush()


def run_once_more_if_hung(command, env, limit=300):
    """Runs `command`; if it has not ended after `limit` seconds, ends it with SIGTERM (so that
    scripts/emulated-cluster.sh's trap removes its namespaces) and runs it once more. Rarely, one
    emulated host's Open MPI daemon never starts and mpirun waits for it forever."""
    for attempt in (1, 2):
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
        try:
            status = process.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            print(f"check_time_to_target: {' '.join(command[:4])} … hung for {limit} s; "
                  + ("running it again" if attempt == 1 else "giving up"), file=sys.stderr)
            continue
        if status != 0:
            raise subprocess.CalledProcessError(status, command)
        return
    raise RuntimeError(f"{' '.join(command)} hung twice")


if __name__ == "__main__":
    main()
