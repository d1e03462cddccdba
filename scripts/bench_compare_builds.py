"""Compares two ddp-bench builds (e.g. before and after a compiler-flag change) and PyTorch,
side by side on this machine: the engine workloads, alternated round by round, so that the
machine's load falls on all three alike.

For each workload it prints the median over rounds of the step time (wall and this thread's
CPU time), the new build over the old, each build against PyTorch, and the wide MLP's share
of the 1024^3 sgemm rate. PyTorch is optional (without it, only the two builds are compared).

    python3 scripts/bench_compare_builds.py --old OLD/ddp-bench --new NEW/ddp-bench \
        [--rounds 3] [--seconds 2] [--out DIR]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def run_ours(binary, seconds, path):
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    subprocess.run([binary, "engine", "--seconds", str(seconds), "--json", path], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    with open(path) as f:
        return json.load(f)


def run_torch(seconds, path):
    try:
        subprocess.run([sys.executable, "bench_pytorch.py", "--seconds", str(seconds), "--json", path], check=True,
                       cwd=HERE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except (subprocess.CalledProcessError, FileNotFoundError):
        return None
    with open(path) as f:
        return json.load(f)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--old", required=True, help="the ddp-bench binary before the change")
    parser.add_argument("--new", required=True, help="the ddp-bench binary after the change")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--out", default="bench-compare", help="where the raw JSON of every round goes")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    rounds = []
    for r in range(args.rounds):
        old = run_ours(args.old, args.seconds, os.path.join(args.out, f"old-{r}.json"))
        new = run_ours(args.new, args.seconds, os.path.join(args.out, f"new-{r}.json"))
        torch = run_torch(args.seconds, os.path.join(os.path.abspath(args.out), f"pytorch-{r}.json"))
        rounds.append((old, new, torch))
        print(f"round {r + 1}/{args.rounds} done", file=sys.stderr)

    def median(values):
        values = [v for v in values if v is not None]
        return statistics.median(values) if values else None

    def field(result, name, key):
        if result is None:
            return None
        rows = result.get("workloads") or result.get("training") or []
        for row in rows:
            if row["name"] == name:
                return row.get(key)
        return None

    names = [w["name"] for w in rounds[0][0]["workloads"]]
    print("| workload | old ms (cpu ms) | new ms (cpu ms) | new/old (cpu) | PyTorch ms (cpu ms) | PyTorch/old (cpu) | PyTorch/new (cpu) |")
    print("|---|---|---|---|---|---|---|")
    for name in names:
        ow = median(field(o, name, "median_ms") for o, _, _ in rounds)
        oc = median(field(o, name, "cpu_median_ms") for o, _, _ in rounds)
        nw = median(field(n, name, "median_ms") for _, n, _ in rounds)
        nc = median(field(n, name, "cpu_median_ms") for _, n, _ in rounds)
        pw = median(field(t, name, "median_ms") for _, _, t in rounds)
        pc = median(field(t, name, "cpu_median_ms") for _, _, t in rounds)
        # Per round, so that each ratio compares runs made back to back; by CPU time, which a
        # loaded machine disturbs far less than wall time.
        po = median((field(t, name, "cpu_median_ms") or 0) / field(o, name, "cpu_median_ms") if t else None for o, _, t in rounds)
        pn = median((field(t, name, "cpu_median_ms") or 0) / field(n, name, "cpu_median_ms") if t else None for _, n, t in rounds)
        fmt = lambda v, d=3: "—" if v is None else f"{v:.{d}f}"
        print(f"| {name} | {fmt(ow)} ({fmt(oc)}) | {fmt(nw)} ({fmt(nc)}) | {fmt(nc / oc if oc and nc else None, 3)} "
              f"| {fmt(pw)} ({fmt(pc)}) | {fmt(po, 2)}× | {fmt(pn, 2)}× |")
    old_share = median(o.get("wide_fraction_of_sgemm_cpu") for o, _, _ in rounds)
    new_share = median(n.get("wide_fraction_of_sgemm_cpu") for _, n, _ in rounds)
    if old_share and new_share:
        print(f"\nwide_mlp share of the 1024^3 sgemm rate (by CPU time): old {old_share * 100:.1f} %, new {new_share * 100:.1f} %")


if __name__ == "__main__":
    main()
