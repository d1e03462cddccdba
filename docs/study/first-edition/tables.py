#!/usr/bin/env python3
"""Prints the Markdown tables of docs/STUDY.md from the sweep directories scripts/study.sh wrote.

Usage: python3 docs/study/tables.py [STUDY_DIR]   (default runs/study)

Reads each point's metrics.jsonl directly (not only summary.csv), so points that stopped on
non-finite values still contribute their step-1 vanishing factor.
"""
import csv
import json
import os
import statistics
import sys

study = sys.argv[1] if len(sys.argv) > 1 else "runs/study"


def g(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def med(values):
    values = [v for v in values if v is not None]
    return "%.2g" % statistics.median(values) if values else "—"


def steps(point_dir):
    path = os.path.join(point_dir, "metrics.jsonl")
    if not os.path.exists(path):
        return []
    records = [json.loads(line) for line in open(path)]
    return [r for r in records if r.get("type") == "step"]


def vanishing_table(sweep, first_layer="model.0.weight"):
    """Median over seeds per setting: factor at step 1 and at the last step, the first layer's
    gradient norm at both, the final loss, and how many seeds finished."""
    rows = list(csv.DictReader(open(os.path.join(study, sweep, "summary.csv"))))
    header = list(rows[0].keys())
    dims = [d for d in header[1:header.index("ranks")] if d != "seed"]
    groups = {}
    for r in rows:
        groups.setdefault(tuple(r[d] for d in dims), []).append(r)
    print("\n### %s\n" % sweep)
    print("| " + " | ".join(dims) + " | factor, step 1 | factor, last step | ‖∇W₀‖ step 1 | ‖∇W₀‖ last | final loss | finished |")
    print("|" + "---|" * (len(dims) + 6))
    for key, rs in groups.items():
        f1, fl, n1, nl, loss = [], [], [], [], []
        for r in rs:
            s = steps(os.path.join(study, sweep, "points", r["point"]))
            if not s:
                continue
            f1.append(s[0].get("vanishing_factor"))
            layer = first_layer or next(iter(s[0]["grad_norms"]))
            n1.append(s[0]["grad_norms"].get(layer))
            if r["status"] == "ok":
                fl.append(s[-1].get("vanishing_factor"))
                nl.append(s[-1]["grad_norms"].get(layer))
                loss.append(g(r["final_train_loss"]))
        ok = sum(r["status"] == "ok" for r in rs)
        print("| " + " | ".join(key) + " | %s | %s | %s | %s | %s | %d/%d |" % (
            med(f1), med(fl), med(n1), med(nl), med(loss), ok, len(rs)))


def batch_lr_table(sweep="batch-lr"):
    """Final validation loss per (activation, scaling, base lr) × effective batch; 'div' where
    the run stopped on non-finite values. Then the best resolved lr per effective batch."""
    rows = list(csv.DictReader(open(os.path.join(study, sweep, "summary.csv"))))
    batches = sorted({(int(r["batchSize"]) * int(r["ranks"]), int(r["batchSize"]), int(r["ranks"])) for r in rows})
    cols = ["%d (%d×%d)" % b for b in batches]
    for act in ("relu", "sigmoid"):
        print("\n### %s: final validation loss after 10 epochs\n" % act)
        print("| lr scaling | base lr | " + " | ".join(cols) + " |")
        print("|---|---|" + "---|" * len(cols))
        for scaling in ("none", "linear"):
            for lr in sorted({g(r["lr"]) for r in rows}):
                cells = []
                for eff, bs, ranks in batches:
                    r = next(x for x in rows if x["activation"] == act and x["lrScaling"] == scaling
                             and g(x["lr"]) == lr and int(x["batchSize"]) == bs and int(x["ranks"]) == ranks)
                    cells.append("%.3f" % g(r["final_val_loss"]) if r["status"] == "ok" and g(r["final_val_loss"]) is not None else "div")
                print("| %s | %g | %s |" % (scaling, lr, " | ".join(cells)))
        print("\nBest point per effective batch (any scaling), with the noise scale B_simple (EMA, last defined):\n")
        print("| effective batch | per-rank × ranks | best resolved lr | val loss | steps | B_simple | samples/s (median) |")
        print("|---|---|---|---|---|---|---|")
        for eff, bs, ranks in batches:
            cand = [x for x in rows if x["activation"] == act and int(x["batchSize"]) == bs
                    and int(x["ranks"]) == ranks and x["status"] == "ok" and g(x["final_val_loss"]) is not None]
            if not cand:
                continue
            best = min(cand, key=lambda x: g(x["final_val_loss"]))
            ns = med([g(x["noise_scale"]) for x in cand])
            sps = med([g(x["samples_per_second"]) for x in cand])
            print("| %d | %d×%d | %s | %.3f | %s | %s | %s |" % (eff, bs, ranks, best["resolved_lr"],
                  g(best["final_val_loss"]), best["steps"], ns, sps))


def batchnorm_ranks_table(sweep="batchnorm-ranks"):
    """Training loss at chosen steps, synced or per-rank BatchNorm, at 1, 2 and 4 ranks."""
    rows = list(csv.DictReader(open(os.path.join(study, sweep, "summary.csv"))))
    marks = (1, 10, 20, 30, 50, 100)
    print("\n### %s\n" % sweep)
    print("| sync | ranks | per-rank batch | factor, step 1 | " + " | ".join("loss @%d" % m for m in marks) + " |")
    print("|" + "---|" * (4 + len(marks)))
    for r in rows:
        s = steps(os.path.join(study, sweep, "points", r["point"]))
        by_step = {x["step"]: x for x in s}
        cells = ["%.7g" % by_step[m]["loss"] if m in by_step and by_step[m]["loss"] is not None else "—" for m in marks]
        print("| %s | %s | %s | %.3g | %s |" % (r["syncBatchNorm"], r["ranks"], r["per_rank_batch"],
              s[0]["vanishing_factor"], " | ".join(cells)))


if __name__ == "__main__":
    if os.path.isdir(os.path.join(study, "batchnorm-ranks")):
        batchnorm_ranks_table()
    for sweep in ("vanishing", "vanishing-bn-residual"):
        if os.path.isdir(os.path.join(study, sweep)):
            vanishing_table(sweep)
    if os.path.isdir(os.path.join(study, "resnet")):
        vanishing_table("resnet", first_layer=None)
    if os.path.isdir(os.path.join(study, "batch-lr")) and os.path.exists(os.path.join(study, "batch-lr", "summary.csv")):
        batch_lr_table()
