"""Prints the OpenBLAS thread-choice runs of a docs/bench/*-blas-threads directory (written by its
run.sh): for each case (ranks, threads chosen by ddp-train or set by hand), the threads rank 0's
start-up line reported and the training seconds of every round (summary.json), with their median.

    python3 scripts/blas_threads_table.py docs/bench/2026-12-07-blas-threads
"""

import glob
import json
import os
import statistics
import sys

CASES = [
    ("1rank-auto", "1", "ddp-train's choice"),
    ("1rank-1thread", "1", "`OPENBLAS_NUM_THREADS=1`"),
    ("2ranks-auto", "2, `--bind-to none`", "ddp-train's choice"),
    ("2ranks-2threads", "2, `--bind-to none`", "`-x OPENBLAS_NUM_THREADS=2`"),
    ("2ranks-bound-auto", "2, `--bind-to core`", "ddp-train's choice"),
]


def main(directory):
    print("| ranks | threads from | threads per rank (start-up line) | training s per round | median s |")
    print("|---|---|---|---|---|")
    for case, ranks, source in CASES:
        seconds, line = [], ""
        for run in sorted(glob.glob(os.path.join(directory, case + "-*"))):
            with open(os.path.join(run, "summary.json")) as f:
                seconds.append(json.load(f)["seconds"])
            with open(os.path.join(run, "threads.txt")) as f:
                line = f.readline().strip()
        if not seconds:
            continue
        print("| {} | {} | {} | {} | {:.2f} |".format(ranks, source, line.replace("OpenBLAS threads: ", ""),
                                                    ", ".join("{:.2f}".format(s) for s in seconds),
                                                    statistics.median(seconds)))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: blas_threads_table.py RUNS_DIR (e.g. docs/bench/2026-12-07-blas-threads)")
    main(sys.argv[1])
