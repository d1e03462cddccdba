"""Prints the small-batch rows of one scripts/bench.sh run: for each workload and batch, our
step (median over rounds of each round's median), its GEMM floor, the step as a multiple of
the floor, PyTorch's step, and ours over PyTorch's. Reads small-batch-*.json and
pytorch-small-batch-*.json from the results directory; PyTorch's columns stay empty without it.
Then, from optimizers-*.json and pytorch-optimizers-*.json, the same for each optimizer's step
beside its memory-traffic floor.

    python3 scripts/small_batch_table.py RESULTS_DIR
"""

import glob
import json
import statistics
import sys


def rows(pattern, key):
    by = {}
    for path in sorted(glob.glob(pattern)):
        with open(path) as f:
            data = json.load(f)
        for r in data[key]:
            by.setdefault((r["name"], r["batch"]), []).append(r)
    return by


def optimizer_table(results):
    ours = {}
    for path in sorted(glob.glob(f"{results}/optimizers-*.json")):
        with open(path) as f:
            for r in json.load(f)["rows"]:
                ours.setdefault(r["name"], []).append(r)
    if not ours:
        return
    torch = {}
    for path in sorted(glob.glob(f"{results}/pytorch-optimizers-*.json")):
        with open(path) as f:
            for r in json.load(f)["optimizers"]:
                torch.setdefault(r["name"], []).append(r["median_us"])
    print(f"{'optimizer':<17} {'us/step':>9} {'floor us':>9} {'x floor':>8} {'torch us':>9} {'ours/torch':>10}  rounds")
    for name, rs in ours.items():
        step = statistics.median(r["step_us"] for r in rs)
        floor = statistics.median(r["floor_us"] for r in rs)
        t = statistics.median(torch[name]) if name in torch else None
        cols = f"{t:>9.1f} {step / t:>10.2f}" if t else f"{'-':>9} {'-':>10}"
        print(f"{name:<17} {step:>9.1f} {floor:>9.1f} {step / floor:>8.2f} {cols}  {len(rs)}")


def main():
    results = sys.argv[1]
    if len(sys.argv) > 2 and sys.argv[2] == "--optimizers":
        return optimizer_table(results)
    ours = rows(f"{results}/small-batch-*.json", "rows")
    torch = rows(f"{results}/pytorch-small-batch-*.json", "small_batch")
    print(f"{'workload':<12} {'batch':>5} {'us/step':>9} {'floor us':>9} {'x floor':>8} {'torch us':>9} "
          f"{'torch x floor':>13} {'ours/torch':>10}  rounds")
    for (name, batch), rs in ours.items():
        step = statistics.median(r["step_us"] for r in rs)
        floor = statistics.median(r["floor_us"] for r in rs)
        t = torch.get((name, batch))
        t_us = statistics.median(r["median_us"] for r in t) if t else None
        cols = f"{t_us:>9.1f} {t_us / floor:>13.2f} {step / t_us:>10.2f}" if t_us else f"{'-':>9} {'-':>13} {'-':>10}"
        print(f"{name:<12} {batch:>5} {step:>9.1f} {floor:>9.1f} {step / floor:>8.2f} {cols}  {len(rs)}")


if __name__ == "__main__":
    main()
