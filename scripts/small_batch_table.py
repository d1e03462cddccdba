"""Prints the small-batch rows of one scripts/bench.sh run: for each workload and batch, our
step (median over rounds of each round's median), its GEMM floor, the step as a multiple of
the floor, PyTorch's step, and ours over PyTorch's. Reads small-batch-*.json and
pytorch-small-batch-*.json from the results directory; PyTorch's columns stay empty without it.
Then, from optimizers-*.json and pytorch-optimizers-*.json, the same for each optimizer's step
beside its memory-traffic floor.

    python3 scripts/small_batch_table.py RESULTS_DIR
    python3 scripts/small_batch_table.py RESULTS_DIR --before BEFORE_DIR
    python3 scripts/small_batch_table.py RESULTS_DIR --targets

With --targets, each of issue 20's targets per workload (the step over its GEMM floor at batches
8 and 128, PyTorch's step over ours at 8 and 32), met or not, with the step over its floor plus
its optimizer update beside the floor's.

With --before, BEFORE_DIR holds small-batch-*.json of the same rounds run by a binary (or on
kernels) before a change, and the table puts both steps and floors side by side, each with
PyTorch's step from RESULTS_DIR.
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


def before_after_table(results, before_dir):
    after = rows(f"{results}/small-batch-*.json", "rows")
    before = rows(f"{before_dir}/small-batch-*.json", "rows")
    torch = rows(f"{results}/pytorch-small-batch-*.json", "small_batch")
    med = lambda rs, key: statistics.median(r[key] for r in rs)
    print("| workload | batch | before µs | after µs | after/before | before floor µs | after floor µs "
          "| before × floor | after × floor | PyTorch µs | before/PyTorch | after/PyTorch | rounds |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for (name, batch), rs in after.items():
        if (name, batch) not in before:
            continue
        b, a = med(before[(name, batch)], "step_us"), med(rs, "step_us")
        bf, af = med(before[(name, batch)], "floor_us"), med(rs, "floor_us")
        t = torch.get((name, batch))
        t_us = statistics.median(r["median_us"] for r in t) if t else None
        tcols = f"{t_us:.1f} | {b / t_us:.2f} | {a / t_us:.2f}" if t_us else "– | – | –"
        print(f"| {name} | {batch} | {b:.1f} | {a:.1f} | {a / b:.2f} | {bf:.1f} | {af:.1f} | {b / bf:.2f} | {a / af:.2f} "
              f"| {tcols} | {len(rs)} |")


# Issue 20's targets: (what, batch, the measured value's name, bound, whether lower is better).
TARGETS = [("step / GEMM floor", 8, "x_floor", 1.3, True), ("step / GEMM floor", 128, "x_floor", 1.1, True),
           ("PyTorch step / ours", 8, "speedup", 8.0, False), ("PyTorch step / ours", 32, "speedup", 3.0, False)]


def targets_table(results):
    ours = rows(f"{results}/small-batch-*.json", "rows")
    torch = rows(f"{results}/pytorch-small-batch-*.json", "small_batch")
    med = lambda rs, key: statistics.median(r[key] for r in rs)
    print("| workload | target | batch | measured | bound | met | step / (floor + update) |")
    print("|---|---|---|---|---|---|---|")
    for name in dict.fromkeys(n for n, _ in ours):
        for what, batch, kind, bound, lower in TARGETS:
            rs = ours.get((name, batch))
            if not rs:
                continue
            step, floor = med(rs, "step_us"), med(rs, "floor_us")
            with_update = step / (floor + med(rs, "optimizer_us")) if "optimizer_us" in rs[0] else None
            if kind == "x_floor":
                value = step / floor
            else:
                t = torch.get((name, batch))
                if not t:
                    continue
                value = statistics.median(r["median_us"] for r in t) / step
            met = value <= bound if lower else value >= bound
            extra = f"{with_update:.2f}" if with_update and kind == "x_floor" else ""
            print(f"| {name} | {what} {'≤' if lower else '≥'} {bound:g} | {batch} | {value:.3f} | {bound:g} "
                  f"| {'yes' if met else '**no**'} | {extra} |")


def main():
    results = sys.argv[1]
    if len(sys.argv) > 2 and sys.argv[2] == "--optimizers":
        return optimizer_table(results)
    if len(sys.argv) > 2 and sys.argv[2] == "--targets":
        return targets_table(results)
    if len(sys.argv) > 3 and sys.argv[2] == "--before":
        return before_after_table(results, sys.argv[3])
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
