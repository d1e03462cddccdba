"""Prints `ddp-bench engine` rounds of two binaries or two settings side by side, with
PyTorch's step from the same rounds: per workload the median over rounds of each round's
median step (wall), the ratio after/before and each against PyTorch; then the 1024³ sgemm rate.

    python3 scripts/engine_before_after.py AFTER_DIR BEFORE_DIR

AFTER_DIR holds engine-*.json and pytorch-engine-*.json (scripts/bench_pytorch.py --json);
BEFORE_DIR holds engine-*.json.
"""

import glob
import json
import statistics
import sys


def load(pattern):
    runs = []
    for path in sorted(glob.glob(pattern)):
        with open(path) as f:
            runs.append(json.load(f))
    return runs


def per_workload(runs, key, field):
    by = {}
    for run in runs:
        for w in run[key]:
            by.setdefault(w["name"], []).append(w[field])
    return {name: statistics.median(values) for name, values in by.items()}


def main():
    after_dir, before_dir = sys.argv[1], sys.argv[2]
    after, before = load(f"{after_dir}/engine-*.json"), load(f"{before_dir}/engine-*.json")
    torch = load(f"{after_dir}/pytorch-engine-*.json")
    a, b = per_workload(after, "workloads", "median_ms"), per_workload(before, "workloads", "median_ms")
    t = per_workload(torch, "training", "median_ms") if torch else {}
    print("| workload | before ms | after ms | after/before | PyTorch ms | PyTorch/before | PyTorch/after | rounds |")
    print("|---|---|---|---|---|---|---|---|")
    for name in a:
        if name not in b:
            continue
        tcols = f"{t[name]:.3f} | {t[name] / b[name]:.2f}× | {t[name] / a[name]:.2f}×" if name in t else "– | – | –"
        print(f"| {name} | {b[name]:.3f} | {a[name]:.3f} | {a[name] / b[name]:.2f} | {tcols} | {len(after)} |")
    rate = lambda runs: statistics.median(s["gflops"] for r in runs for s in r["sgemm"] if s["m"] == 1024)
    line = f"\n1024³ sgemm, median over rounds: before {rate(before):.1f} GFLOP/s, after {rate(after):.1f} GFLOP/s"
    if torch:
        line += f", torch.mm {statistics.median(r['sgemm']['gflops'] for r in torch):.1f} GFLOP/s"
    print(line)


if __name__ == "__main__":
    main()
