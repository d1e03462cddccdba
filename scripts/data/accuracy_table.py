"""Prints the accuracy table of docs/study/first-edition/STUDY.md §5 from its raw file, docs/study/first-edition/mnist1d-accuracy.csv
(one row per run, with the command that made it): per data set, preset and rank count, the median
and range of the final validation (test-split) accuracy over seeds, beside Greydanus (2020).

    python3 scripts/data/accuracy_table.py [docs/study/first-edition/mnist1d-accuracy.csv]
"""

import csv
import statistics
import sys
from collections import defaultdict

MODELS = {
    "mnist1d-mlp": "MLP 40–100–100–10 (`mnist1d-mlp`)",
    "mnist1d-resnet": "Conv1d ResNet, 3 blocks of 32 (`mnist1d-resnet`)",
    "digits-mlp": "MLP 64–64–64–10 (`digits-mlp`)",
}
PAPER = {"mnist1d-mlp": "MLP 68 %", "mnist1d-resnet": "CNN 94 %", "digits-mlp": "—"}
DATA = {"mnist1d": "MNIST-1D", "digits": "digits"}


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "docs/study/first-edition/mnist1d-accuracy.csv"
    groups = defaultdict(list)
    order = []
    with open(path) as f:
        for row in csv.DictReader(f):
            key = (row["dataset"], row["preset"], int(row["ranks"]))
            if key not in groups:
                order.append(key)
            groups[key].append(float(row["val_accuracy"]))
    seeds = {len(v) for v in groups.values()}
    print(f"| data | model (preset) | ranks | test accuracy, median over {'/'.join(map(str, sorted(seeds)))} seeds | range | paper |")
    print("| --- | --- | --- | --- | --- | --- |")
    shown = set()
    for dataset, preset, ranks in order:
        values = groups[(dataset, preset, ranks)]
        paper = PAPER.get(preset, "") if preset not in shown else ""
        shown.add(preset)
        print(f"| {DATA.get(dataset, dataset)} | {MODELS.get(preset, preset)} | {ranks} | {statistics.median(values) * 100:.1f} % "
              f"| {min(values) * 100:.1f}–{max(values) * 100:.1f} % | {paper} |")


if __name__ == "__main__":
    main()
