#!/usr/bin/env python3
"""The tables and figures of docs/STUDY.md, from the committed critical-batch.json files.

Usage: python3 scripts/study_report.py [docs/study]

Reads every docs/study/<run>/critical-batch.json that scripts/study.sh copied there and writes
docs/study/tables.md (every fitted quantity with its interval, steps per batch, the comparisons
the questions need) and docs/study/figures/*.svg. Nothing here is typed by hand: rerun it after
any part of the study changes. Needs matplotlib (figures only; the tables need the standard
library alone).
"""
import json
import math
import os
import random
import sys

import study_ladder

STUDY = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "docs", "study")
FIGURES = os.path.join(STUDY, "figures")


def load_runs():
    """Every run directory with a critical-batch.json, as {run name: parsed json}."""
    runs = {}
    for name in sorted(os.listdir(STUDY)):
        path = os.path.join(STUDY, name, "critical-batch.json")
        # critical-batch-*: earlier single runs that TIME-TO-RESULT.md cites, not parts of the study.
        if os.path.isfile(path) and not name.startswith("critical-batch-"):
            with open(path) as f:
                data = json.load(f)
            # An architecture's "config" holds its grid values only: complete it from the base.
            for arch in data["architectures"]:
                arch["grid"] = arch["config"]
                arch["config"] = {**data["base"], **arch["config"]}
            runs[name] = data
    return runs


def label(run, arch):
    """A readable name for one architecture of one run: the run, then its grid values."""
    config = arch["config"]
    parts = []
    if run.startswith(("architectures", "depth", "ranks", "remedies", "optimizers")):
        parts.append(f"{config['activation']}/{config['initializer']}")
        if config.get("batchNorm"):
            parts.append("BN" + ("-sync" if config.get("syncBatchNorm") else ""))
        if config.get("residual") and config.get("model") == "mlp":
            parts.append("skips")
        if config.get("depth") != 8:
            parts.append(f"depth {config['depth']}")
        parts.append(config["optimizer"] + (f" m{config['momentum']}" if config["optimizer"] == "sgd" else ""))
        if arch.get("ranks", 1) != 1:
            parts.append(f"{arch['ranks']} ranks")
    else:
        parts.append(config.get("preset", run))
        if config.get("model") == "resnet1d":
            parts.append("skips" if config.get("residual") else "no skips")
    return ", ".join(parts)


def fmt(value, digits=3):
    if value is None:
        return "—"
    if isinstance(value, float) and (math.isinf(value) or math.isnan(value)):
        return "∞"
    return f"{value:.{digits}g}"


def interval(ci, digits=3):
    if not ci:
        return "—"
    low, high = (ci + [None, None])[:2]
    return f"[{fmt(low, digits)}, {fmt(high, digits) if high is not None else '∞'}]"


def steps_cell(batch):
    """Median steps and interval, or the censored lower bound, or why there is none."""
    if batch.get("steps_median") is not None:
        return f"{batch['steps_median']:.0f} {interval(batch.get('steps_ci'), 4)}"
    if batch.get("steps_median_lower_bound") is not None:
        reached = sum(1 for s in batch.get("steps") or [] if s is not None)
        return f"censored: > {batch['steps_median_lower_bound']:.0f} ({reached}/{len(batch.get('steps') or [])} seeds reached)"
    if batch.get("verdict") == "noneReached":
        tried = len({t["lr"] for t in batch.get("trials", [])})
        return f"censored: no learning rate reached it ({tried} tried)"
    return batch.get("verdict", "—")


def unfitted_batches(arch):
    """The batches the fit could not use: censored medians and searches where nothing reached."""
    return [b["batch_size"] for b in arch["batches"] if b.get("steps_median") is None]


def every_arch(runs):
    for run, data in runs.items():
        for arch in data["architectures"]:
            yield run, data, arch


def compute_hours(data):
    return data.get("compute_seconds", 0) / 3600


def fit_table(runs):
    lines = ["| run | architecture | fit | S_min | E_min | B_crit | B_simple | B_noise | vanishing factor at init | batches left out (censored) |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for run, data, arch in every_arch(runs):
        f = arch["fit"]
        lines.append("| {} | {} | {} | {} {} | {} {} | {} {} | {} {} | {} {} | {} | {} |".format(
            run, label(run, arch), f["status"],
            fmt(f.get("s_min")), interval(f.get("s_min_ci")),
            fmt(f.get("e_min")), interval(f.get("e_min_ci")),
            fmt(f.get("b_crit")), interval(f.get("b_crit_ci")),
            fmt(f["b_simple"].get("value")), interval(f["b_simple"].get("ci")),
            fmt(f["b_noise"].get("value")), interval(f["b_noise"].get("ci")),
            fmt(arch.get("vanishing_factor_at_init")),
            ", ".join(str(b) for b in unfitted_batches(arch)) or "none"))
    return lines


def per_batch_table(runs, cell):
    """One row per architecture, one column per batch, each cell `cell(batch entry)`."""
    batches = sorted({b["batch_size"] for _, _, a in every_arch(runs) for b in a["batches"]})
    lines = ["| run | architecture | " + " | ".join(f"B = {b}" for b in batches) + " |",
             "|---|---|" + "---|" * len(batches)]
    for run, data, arch in every_arch(runs):
        cells = {b["batch_size"]: b for b in arch["batches"]}
        lines.append(f"| {run} | {label(run, arch)} | " + " | ".join(
            cell(cells[b]) if b in cells else "" for b in batches) + " |")
    return lines


def steps_table(runs):
    return per_batch_table(runs, steps_cell)


def lr_table(runs):
    return per_batch_table(runs, lambda b: fmt(b.get("lr")) + ("" if b.get("verdict") == "reached" else f" ({b.get('verdict')})"))


def took_seconds(name):
    """The last `study: NAME took N s` line of docs/study/NAME/run.log (scripts/study.sh's own
    clock for its last, possibly resumed, invocation), or None."""
    import re
    path = os.path.join(STUDY, name, "run.log")
    if not os.path.isfile(path):
        return None
    with open(path) as f:
        found = re.findall(r"^study: \S+ took (\d+) s$", f.read(), re.M)
    return int(found[-1]) if found else None


def compute_table(runs):
    lines = ["| run | trials | trial compute (core-hours) | evaluation share | wall of the last invocation (s) |",
             "|---|---|---|---|---|"]
    total, wall = 0, 0
    for run, data in runs.items():
        total += compute_hours(data)
        share = data.get("evaluation_seconds", 0) / max(data.get("compute_seconds", 0), 1e-9)
        took = took_seconds(run)
        wall += took or 0
        lines.append(f"| {run} | {data.get('trials_run', 0) + data.get('trials_reused', 0)} | {compute_hours(data):.2f} | "
                     f"{100 * share:.0f} % | {took if took is not None else '—'} |")
    for name in sorted(os.listdir(STUDY)):
        if name.startswith("lr-rules-"):
            took = took_seconds(name)
            wall += took or 0
            lines.append(f"| {name} (a sweep) | {max(0, sum(1 for _ in open(os.path.join(STUDY, name, 'points.csv'))) - 1)} | — | — | "
                         f"{took if took is not None else '—'} |")
    lines.append(f"| **all** | | **{total:.2f}** | | **{wall}** ({wall / 60:.0f} min) |")
    return lines


def ratio_interval(a_steps, b_steps, resamples=2000, seed=1):
    """Median steps of a over median steps of b with a percentile bootstrap interval (seeds
    resampled within each); None marks a censored seed (+∞). Returns (ratio, low, high)."""
    def median(xs):
        xs = sorted(math.inf if x is None else x for x in xs)
        n = len(xs)
        return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2
    rng = random.Random(seed)
    point = median(a_steps) / median(b_steps)
    values = []
    for _ in range(resamples):
        ra = median([rng.choice(a_steps) for _ in a_steps])
        rb = median([rng.choice(b_steps) for _ in b_steps])
        values.append(ra / rb if not (math.isinf(ra) and math.isinf(rb)) else math.nan)
    values = sorted(v for v in values if not math.isnan(v))
    if not values:
        return point, None, None
    return point, values[int(0.025 * len(values))], values[min(len(values) - 1, int(0.975 * len(values)))]


def rank_agreement(runs):
    """Median steps per batch at 1 rank (remedies-batchnorm's BatchNorm network, the same
    configuration) and at each rank count of the ranks-* runs, with their intervals."""
    rows = []
    one = find(runs, "remedies-batchnorm", batchNorm=True, residual=False)
    if one is not None:
        rows.append(("1 (`remedies-batchnorm`)", one))
    for run in ("ranks-synced", "ranks-unsynced"):
        for arch in runs.get(run, {}).get("architectures", []):
            rows.append((f"{arch.get('ranks', 1)}, {'synced' if run == 'ranks-synced' else 'per-rank'} BatchNorm (`{run}`)", arch))
    if len(rows) < 2:
        return ["(the ranks part has not run)"]
    batches = sorted({b["batch_size"] for _, a in rows for b in a["batches"]})
    lines = ["| ranks | S_min | B_crit | " + " | ".join(f"B = {b}" for b in batches) + " |",
             "|---|---|---|" + "---|" * len(batches)]
    for title, arch in rows:
        cells = {b["batch_size"]: b for b in arch["batches"]}
        f = arch["fit"]
        lines.append(f"| {title} | {fmt(f.get('s_min'))} {interval(f.get('s_min_ci'))} | {fmt(f.get('b_crit'))} {interval(f.get('b_crit_ci'))} | "
                     + " | ".join(steps_cell(cells[b]) if b in cells else "" for b in batches) + " |")
    return lines


def nodes_table():
    """Ranks worth using (the fewest within 10 % of the fastest predicted time to target) per
    architecture and network, from every <run>/time-to-target.json."""
    lines = []
    for name in sorted(os.listdir(STUDY)):
        path = os.path.join(STUDY, name, "time-to-target.json")
        if not os.path.isfile(path) or name.startswith("critical-batch-"):
            continue
        with open(path) as f:
            data = json.load(f)
        networks = [n["name"] for n in data["networks"]]
        lines.append(f"\n`{name}`, {data['per_rank_batch']} samples per rank, target {data['target']}:\n")
        lines.append("| architecture | S_min | B_crit | " + " | ".join(f"{n}: worth using (fastest)" for n in networks) + " |")
        lines.append("|---|---|---|" + "---|" * len(networks))
        for arch in data["architectures"]:
            curves = {c["network"]: c for c in arch["curves"]}
            lines.append(f"| {arch['name']} | {fmt(arch['s_min'])} | {fmt(arch['b_crit'])} | " + " | ".join(
                f"{curves[n]['ranks_worth_using']} ({curves[n]['fastest_ranks']})" if n in curves else "—" for n in networks) + " |")
        for n in data["networks"]:
            lines.append(f"\n- {n['name']}: α {n['alpha_seconds'] * 1e6:.3g} µs, β {n['beta_seconds_per_byte'] * 1e9:.3g} ns/byte ({n['source']})")
        for skipped in data.get("skipped", []):
            lines.append(f"- not forecast: {skipped}")
    return lines


def find(runs, run, **config):
    """The architecture of `run` whose config has every given value, or None."""
    for arch in runs.get(run, {}).get("architectures", []):
        if all(arch["config"].get(k) == v for k, v in config.items()):
            return arch
    return None


def fit_cells(arch):
    f = arch["fit"]
    return (f"{fmt(f.get('s_min'))} {interval(f.get('s_min_ci'))}", f"{fmt(f.get('b_crit'))} {interval(f.get('b_crit_ci'))}",
            f"{fmt(f['b_simple'].get('value'))} {interval(f['b_simple'].get('ci'))}", f["status"],
            ", ".join(str(b) for b in unfitted_batches(arch)) or "none")


def comparison(runs, rows):
    """A table of S_min, B_crit and B_simple for the named (title, run, config) rows present."""
    lines = ["| architecture | vanishing factor at init | S_min | B_crit | B_simple | fit | batches left out (censored) |",
             "|---|---|---|---|---|---|---|"]
    for title, run, config in rows:
        arch = find(runs, run, **config)
        if arch is None:
            lines.append(f"| {title} | not run | | | | | |")
            continue
        s_min, b_crit, b_simple, status, excluded = fit_cells(arch)
        lines.append(f"| {title} (`{run}`) | {fmt(arch.get('vanishing_factor_at_init'))} | {s_min} | {b_crit} | {b_simple} | {status} | {excluded} |")
    return lines


def spearman(xs, ys):
    """Spearman's rank correlation (no ties expected)."""
    def ranks(v):
        order = sorted(range(len(v)), key=lambda i: v[i])
        r = [0] * len(v)
        for rank, i in enumerate(order):
            r[i] = rank
        return r
    rx, ry = ranks(xs), ranks(ys)
    n = len(xs)
    if n < 3:
        return None
    d2 = sum((a - b) ** 2 for a, b in zip(rx, ry))
    return 1 - 6 * d2 / (n * (n * n - 1))


def permutation_p(xs, ys):
    """Two-sided exact permutation p-value of Spearman's rho (every ordering; n ≤ 9)."""
    import itertools
    rho = spearman(xs, ys)
    if rho is None or len(xs) > 9:
        return None
    count = total = 0
    for perm in itertools.permutations(ys):
        total += 1
        if abs(spearman(xs, list(perm))) >= abs(rho) - 1e-12:
            count += 1
    return count / total


def vanishing_at_target(arch):
    """Per batch: the median over seeds of first-layer / last-hidden-layer gradient norm at the
    crossing (the vanishing factor when the target is reached), from gradient_norms_at_target."""
    out = {}
    for b in arch["batches"]:
        norms = b.get("gradient_norms_at_target") or {}
        weights = [k for k in norms if k.endswith(".weight")]
        if len(weights) >= 3:
            # Parameters in model order: the last is the output head, the one before it the last hidden layer.
            ordered = sorted(weights, key=lambda k: [int(t) if t.isdigit() else t for t in k.replace(".", " ").split()])
            out[b["batch_size"]] = norms[ordered[0]] / norms[ordered[-2]] if norms[ordered[-2]] else None
    return out


def questions(runs):
    sig = dict(activation="sigmoid", initializer="torch-default")
    out = ["### Q1. Does vanishing raise S_min, B_crit, or both?", ""]
    rows = []
    for run, data, arch in every_arch(runs):
        if run in ("architectures", "depth") and arch["fit"].get("s_min") is not None and arch.get("vanishing_factor_at_init"):
            rows.append((arch["vanishing_factor_at_init"], arch["fit"]["s_min"], arch["fit"].get("b_crit"), label(run, arch), run))
    rows.sort()
    out += comparison(runs, [(r[3], r[4], find_config(runs, r[4], r[3])) for r in rows])
    with_b = [r for r in rows if r[2] is not None]
    rho_s = spearman([r[0] for r in rows], [r[1] for r in rows])
    rho_b = spearman([r[0] for r in with_b], [r[2] for r in with_b])
    out.append("")
    p_s = permutation_p([r[0] for r in rows], [r[1] for r in rows])
    p_b = permutation_p([r[0] for r in with_b], [r[2] for r in with_b])
    out.append(f"Spearman rank correlation with the vanishing factor at init (larger factor = less vanishing), "
               f"over the {len(rows)} fitted architectures of `architectures` and `depth`: S_min {fmt(rho_s, 2)} "
               f"(exact permutation p = {fmt(p_s, 2)}), B_crit {fmt(rho_b, 2)} (p = {fmt(p_b, 2)}; n = {len(with_b)}). "
               f"Architectures whose fit failed are not in it; see the fit table.")
    out += ["", "### Q2. Does BatchNorm (or do skips) change B_crit, or only S_min? (sigmoid, PyTorch default init, Adam)", ""]
    out += comparison(runs, [("plain", "architectures", sig),
                             ("BatchNorm", "remedies-batchnorm", dict(sig, batchNorm=True, residual=False)),
                             ("identity skips", "remedies-skips", dict(sig, residual=True)),
                             ("BatchNorm + skips", "remedies-batchnorm", dict(sig, batchNorm=True, residual=True))])
    out += ["", "### Q3. Does Adam's B_crit exceed momentum SGD's?", ""]
    out += comparison(runs, [("ReLU, Kaiming, Adam", "architectures", dict(activation="relu", initializer="kaiming-normal")),
                             ("ReLU, Kaiming, SGD m0.9", "optimizers-sgd-relu", {}),
                             ("sigmoid + BN, Adam", "remedies-batchnorm", dict(sig, batchNorm=True, residual=False)),
                             ("sigmoid + BN, SGD m0.9", "optimizers-sgd-sigmoid-bn", {})])
    out += ["", "### Q4. How well does B_simple predict B_crit?", "",
            "| run | architecture | B_crit | B_simple | B_simple / B_crit | B_noise |", "|---|---|---|---|---|---|"]
    for run, data, arch in every_arch(runs):
        f = arch["fit"]
        if f.get("b_crit") and f["b_simple"].get("value"):
            out.append(f"| {run} | {label(run, arch)} | {fmt(f['b_crit'])} {interval(f.get('b_crit_ci'))} | "
                       f"{fmt(f['b_simple']['value'])} {interval(f['b_simple'].get('ci'))} | {f['b_simple']['value'] / f['b_crit']:.2f} | "
                       f"{fmt(f['b_noise'].get('value'))} {interval(f['b_noise'].get('ci'))} |")
    out += ["", "### Q6. Vanishing at the crossing against batch (the tuned learning rate at each batch)", "",
            "First-layer over last-hidden-layer gradient norm when the target was reached (seed 1's run at the tuned rate).", ""]
    batches = sorted({b["batch_size"] for _, _, a in every_arch(runs) for b in a["batches"]})
    out += ["| run | architecture | at init | " + " | ".join(f"B = {b}" for b in batches) + " |", "|---|---|---|" + "---|" * len(batches)]
    for run, data, arch in every_arch(runs):
        # Plain MLPs only: there the weights in model order are the Linear layers, the last the
        # head (BatchNorm's weights and the residual blocks' names would need a model map).
        if run not in ("architectures", "depth"):
            continue
        v = vanishing_at_target(arch)
        out.append(f"| {run} | {label(run, arch)} | {fmt(arch.get('vanishing_factor_at_init'))} | "
                   + " | ".join(fmt(v.get(b)) if b in v else "—" for b in batches) + " |")
    return out


def find_config(runs, run, title):
    for arch in runs[run]["architectures"]:
        if label(run, arch) == title:
            grid = arch["config"]
            return {k: grid[k] for k in ("activation", "initializer", "depth", "batchNorm", "residual")}
    return {}


def replace_generated(path, blocks):
    """Replaces each `<!-- generated: NAME -->` … `<!-- end generated: NAME -->` block of `path`."""
    if not os.path.isfile(path):
        return
    with open(path) as f:
        text = f.read()
    for name, lines in blocks.items():
        start, end = f"<!-- generated: {name} -->", f"<!-- end generated: {name} -->"
        if start in text and end in text:
            before, rest = text.split(start, 1)
            _, after = rest.split(end, 1)
            text = before + start + "\n" + "\n".join(lines) + "\n" + end + after
    with open(path, "w") as f:
        f.write(text)


def lr_rules_table(runs):
    """Per lr-rules-<activation>/points.csv: median steps per rule and batch beside the tuned
    median (part `architectures`, same seeds), and rule/tuned with a bootstrap interval."""
    import csv
    lines = []
    for name in sorted(os.listdir(STUDY)):
        path = os.path.join(STUDY, name, "points.csv")
        if not name.startswith("lr-rules-") or not os.path.isfile(path):
            continue
        with open(path) as f:
            rows = list(csv.DictReader(f))
        activation = name[len("lr-rules-"):]
        init = "kaiming-normal" if activation == "relu" else "torch-default"
        tuned = find(runs, "architectures", activation=activation, initializer=init)
        tuned_steps = {b["batch_size"]: b.get("steps") or [] for b in (tuned or {}).get("batches", [])}
        tuned_lr = {b["batch_size"]: b.get("lr") for b in (tuned or {}).get("batches", [])}
        base = rows[0]
        lines.append(f"\n`{name}`: {activation}/{init}, rules from lr {float(base['base_lr']):.3g} tuned at batch "
                     f"{base['base_batch']}, {base['warmup_steps']} warmup steps; steps to target, median over seeds "
                     f"(censored seeds count as ∞), and the rule's median over the tuned one.\n")
        lines.append("| batch | rule | lr | steps (median, reached/seeds) | tuned lr | tuned steps | rule / tuned [95 %] |")
        lines.append("|---|---|---|---|---|---|---|")
        for batch in sorted({int(r["batch"]) for r in rows}):
            for rule in ("none", "sqrt", "linear"):
                cell = [r for r in rows if int(r["batch"]) == batch and r["lr_scaling"] == rule]
                if not cell:
                    continue
                steps = [int(r["steps_to_target"]) if r["steps_to_target"] else None for r in cell]
                reached = sum(1 for x in steps if x is not None)
                ordered = sorted(math.inf if x is None else x for x in steps)
                median = ordered[len(ordered) // 2] if len(ordered) % 2 else (ordered[len(ordered) // 2 - 1] + ordered[len(ordered) // 2]) / 2
                ratio = "—"
                if tuned_steps.get(batch):
                    point, low, high = ratio_interval(steps, tuned_steps[batch])
                    ratio = f"{fmt(point, 3)} [{fmt(low, 3)}, {fmt(high, 3)}]"
                tuned_median = next((b.get("steps_median") for b in tuned["batches"] if b["batch_size"] == batch), None) if tuned else None
                lines.append(f"| {batch} | {rule} | {float(cell[0]['lr']):.3g} | {fmt(median, 4)} ({reached}/{len(steps)}) | "
                             f"{fmt(tuned_lr.get(batch))} | {fmt(tuned_median, 4)} | {ratio} |")
    return lines


def ladders(runs):
    """(run, data, arch, {threshold: fit}) for every architecture with a committed ladder.csv."""
    for run, data in runs.items():
        path = study_ladder.ladder_path(STUDY, run)
        if not os.path.isfile(path):
            continue
        ladder = study_ladder.load(path)
        for arch in data["architectures"]:
            rungs = ladder.get(arch["name"])
            if rungs:
                fits = {t: study_ladder.scaling_fit(rungs[t], seed=data["base"].get("seed", 0)) for t in sorted(rungs)}
                yield run, data, arch, fits, {t: study_ladder.kept(rungs[t]) for t in rungs}


def ladder_tables(runs):
    """S_min and B_crit at each rung of the target ladder, one row per architecture."""
    rows = list(ladders(runs))
    if not rows:
        return []
    thresholds = sorted({t for *_, fits, _ in rows for t in fits})
    checks = [study_ladder.check(data, study_ladder.load(study_ladder.ladder_path(STUDY, run)))
              for run, data in runs.items() if os.path.isfile(study_ladder.ladder_path(STUDY, run))]
    same, total = sum(c[0] for c in checks), sum(c[1] for c in checks)
    lines = [f"Read from the evaluation trials' own validation curves (`docs/study/<run>/ladder.csv`, "
             f"scripts/study_collect_ladder.py), at the learning rate tuned for the study's target, and fitted by "
             f"scripts/study_ladder.py's port of `critical-batch`'s fit, which reproduces the study's own fit at its "
             f"target exactly for {same} of {total} architectures (point estimates and intervals, bit for bit). "
             "A rung in *italics* fails the pilot rule (most seeds reach it at both the smallest and the largest batch); "
             "† marks a fit with censored batches left out.", ""]
    for name, key in (("B_crit", "b_crit"), ("S_min", "s_min")):
        lines += [f"**{name}** (95 % bootstrap interval)", "",
                  "| run | architecture | " + " | ".join(f"val_accuracy ≥ {t:g}" for t in thresholds) + " |",
                  "|---|---|" + "---|" * len(thresholds)]
        for run, data, arch, fits, keep in rows:
            cells = []
            for t in thresholds:
                f = fits.get(t)
                if f is None:
                    cells.append("")
                    continue
                text = f"{fmt(f[key])} {interval(f[key + '_ci'])}" + (" †" if f["left_out"] else "")
                cells.append(text if keep[t] else f"*{text}*")
            lines.append(f"| {run} | {label(run, arch)} | " + " | ".join(cells) + " |")
        lines.append("")
    return lines[:-1]


def layers_table(runs):
    """Each weight layer's B_simple at the crossing, median over every batch and seed, from
    docs/study/<run>/layers.csv (scripts/study_collect_layers.py)."""
    import csv
    import statistics
    lines = []
    for run, data in runs.items():
        path = os.path.join(STUDY, run, "layers.csv")
        if not os.path.isfile(path):
            continue
        values, crossings = {}, {}
        with open(path) as f:
            for row in csv.DictReader(f):
                if row["b_simple"]:
                    values.setdefault((row["architecture"], row["layer"]), []).append(float(row["b_simple"]))
                crossings.setdefault(row["architecture"], set()).add((row["batch"], row["seed"]))
        layers = sorted({layer for _, layer in values if layer != "model"}, key=lambda name: int(name.split(".")[1]))
        lines += [f"`{run}`: median over every batch and seed that reached the target, at the chosen rate "
                  "(the last diagnostic step at or before the crossing); layers numbered from the input.", "",
                  "| architecture | crossings | whole model | " + " | ".join(f"layer {i + 1}" for i in range(len(layers)))
                  + " | layer 1 / whole |",
                  "|---|---|---|" + "---|" * len(layers) + "---|"]
        for arch in data["architectures"]:
            name = arch["name"]
            if (name, "model") not in values:
                continue
            model = statistics.median(values[(name, "model")])
            cells = [fmt(statistics.median(values[(name, layer)])) if (name, layer) in values else "—" for layer in layers]
            first = statistics.median(values[(name, layers[0])]) if layers and (name, layers[0]) in values else None
            lines.append(f"| {label(run, arch)} | {len(crossings[name])} | {fmt(model)} | " + " | ".join(cells)
                         + f" | {fmt(first / model) if first and model else '—'} |")
        lines.append("")
    return lines[:-1]


def hosts_tables():
    """The measured-against-forecast tables of scripts/check_time_to_target.py, per link rate."""
    lines = []
    folder = os.path.join(STUDY, "hosts")
    for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
        if name.startswith("check-") and name.endswith(".md"):
            with open(os.path.join(folder, name)) as f:
                lines += ["", f"**Emulated hosts, {name[len('check-'):-3]} links** (`docs/study/hosts/{name}`):", ""]
                lines += [line.rstrip("\n") for line in f if line.strip()]
    return lines


def accuracy_table():
    """MNIST-1D and digits test accuracy beside Greydanus's table, from the committed raw CSV of
    scripts/data/accuracy_study.sh (printed by scripts/data/accuracy_table.py)."""
    import subprocess
    csv_path = os.path.join(STUDY, "first-edition", "mnist1d-accuracy.csv")
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "accuracy_table.py")
    if not os.path.isfile(csv_path):
        return []
    out = subprocess.run([sys.executable, script, csv_path], capture_output=True, text=True, check=True).stdout
    return [line for line in out.splitlines() if line.strip()]


def figures(runs):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("study_report: matplotlib is missing (pip install matplotlib): tables only", file=sys.stderr)
        return []
    os.makedirs(FIGURES, exist_ok=True)
    written = []
    plt.rcParams.update({"font.size": 9, "svg.hashsalt": "ddp-train", "svg.fonttype": "none"})

    def save(fig, name):
        path = os.path.join(FIGURES, name)
        fig.tight_layout()
        fig.savefig(path, metadata={"Date": None})
        plt.close(fig)
        written.append(path)

    # Steps against batch with the fit, one panel per run.
    names = [r for r in runs]
    cols = min(3, len(names))
    rows = math.ceil(len(names) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.4 * rows), squeeze=False)
    for ax, run in zip(axes.flat, names):
        for arch in runs[run]["architectures"]:
            xs, ys, lo, hi, cx, cy = [], [], [], [], [], []
            for b in arch["batches"]:
                if b.get("steps_median") is not None:
                    xs.append(b["batch_size"]); ys.append(b["steps_median"])
                    ci = b.get("steps_ci") or [None, None]
                    lo.append(b["steps_median"] - (ci[0] if ci[0] is not None else b["steps_median"]))
                    hi.append((ci[1] if ci[1] is not None else b["steps_median"]) - b["steps_median"])
                elif b.get("steps_median_lower_bound") is not None:
                    cx.append(b["batch_size"]); cy.append(b["steps_median_lower_bound"])
            line = ax.errorbar(xs, ys, yerr=[lo, hi], marker="o", ms=3, capsize=2, lw=0, elinewidth=0.8,
                               label=label(run, arch))
            color = line[0].get_color()
            if cx:
                ax.scatter(cx, cy, marker="^", facecolors="none", edgecolors=color, s=25)
            f = arch["fit"]
            if f.get("s_min") is not None and f.get("b_crit") is not None:
                grid = [2 ** (k / 4) for k in range(12, 45)]
                ax.plot(grid, [f["s_min"] * (1 + f["b_crit"] / g) for g in grid], color=color, lw=0.8)
        ax.set_xscale("log", base=2); ax.set_yscale("log")
        ax.set_title(run); ax.set_xlabel("global batch B"); ax.set_ylabel("steps to target")
        ax.legend(fontsize=6)
    for ax in list(axes.flat)[len(names):]:
        ax.axis("off")
    fig.suptitle("Median steps to target (95 % bootstrap interval), fit S_min(1 + B_crit/B); ▵ censored medians (lower bounds)", fontsize=9)
    save(fig, "steps-vs-batch.svg")

    # Tuned learning rate against batch.
    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    for run, data, arch in every_arch(runs):
        pts = [(b["batch_size"], b["lr"]) for b in arch["batches"] if b.get("lr") and b.get("verdict") == "reached"]
        if pts:
            ax.plot(*zip(*pts), marker="o", ms=3, lw=0.8, label=f"{run}: {label(run, arch)}")
    ax.set_xscale("log", base=2); ax.set_yscale("log")
    ax.set_xlabel("global batch B"); ax.set_ylabel("tuned learning rate")
    ax.legend(fontsize=5, ncol=2)
    save(fig, "tuned-lr-vs-batch.svg")

    # Learning rate × batch heatmaps: median steps over every trial at that (lr, B); a cell
    # where most trials did not reach the target (censored, diverged, or stopped early because
    # a better rate had already won) is grey and marked ✗; untried cells are blank.
    for run, data in runs.items():
        archs = data["architectures"]
        cols = min(3, len(archs))
        rows_n = math.ceil(len(archs) / cols)
        fig, axes = plt.subplots(rows_n, cols, figsize=(4.2 * cols, 3.4 * rows_n), squeeze=False)
        for ax, arch in zip(axes.flat, archs):
            cells = {}
            for b in arch["batches"]:
                for t in b.get("trials", []):
                    o = t["outcome"]
                    cells.setdefault((t["lr"], b["batch_size"]), []).append(o.get("steps") if o.get("status") == "reached" else None)
            lrs = sorted({k[0] for k in cells}); bs = sorted({k[1] for k in cells})
            grid = []
            for i, lr in enumerate(lrs):
                row = []
                for j, bsz in enumerate(bs):
                    v = cells.get((lr, bsz))
                    if not v:
                        row.append(math.nan)
                        continue
                    reached = sorted(x for x in v if x is not None)
                    if len(reached) * 2 > len(v):
                        median = reached[len(reached) // 2]
                        row.append(math.log10(median))
                        ax.text(j, i, f"{median}", ha="center", va="center", fontsize=5, color="white")
                    else:
                        row.append(math.nan)
                        ax.add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, color="0.85"))
                        ax.text(j, i, "✗", ha="center", va="center", fontsize=6, color="0.3")
                grid.append(row)
            im = ax.imshow(grid, aspect="auto", origin="lower", cmap="viridis_r")
            ax.set_xticks(range(len(bs)), [str(b) for b in bs]); ax.set_yticks(range(len(lrs)), [f"{lr:.2g}" for lr in lrs])
            ax.set_xlabel("B"); ax.set_ylabel("lr"); ax.set_title(label(run, arch), fontsize=7)
            fig.colorbar(im, ax=ax, label="log10 median steps")
        for ax in list(axes.flat)[len(archs):]:
            ax.axis("off")
        fig.suptitle(f"{run}: median steps to target per (lr, B) over all its trials; grey ✗: most did not reach it; blank: not tried",
                     fontsize=8)
        save(fig, f"lr-batch-heatmap-{run}.svg")

    # B_crit against B_simple and B_noise.
    fig, ax = plt.subplots(figsize=(5.5, 4.5))
    for key, marker in (("b_simple", "o"), ("b_noise", "s")):
        xs, ys, xe, ye = [], [], [], []
        for run, data, arch in every_arch(runs):
            f = arch["fit"]
            if f.get("b_crit") and f[key].get("value"):
                xs.append(f[key]["value"]); ys.append(f["b_crit"])
        if xs:
            ax.scatter(xs, ys, marker=marker, label=key.replace("b_", "B_"))
    lims = [1, 1e4]
    ax.plot(lims, lims, "k--", lw=0.8, label="y = x")
    ax.set_xscale("log"); ax.set_yscale("log"); ax.set_xlabel("predictor"); ax.set_ylabel("fitted B_crit")
    ax.legend(fontsize=7)
    save(fig, "bcrit-vs-noise-scale.svg")

    # S_min and B_crit against the vanishing factor at initialization.
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(9, 3.8))
    for run, data, arch in every_arch(runs):
        f = arch["fit"]; v = arch.get("vanishing_factor_at_init")
        if v is None or f.get("s_min") is None:
            continue
        a1.errorbar([v], [f["s_min"]], fmt="o", ms=3)
        a1.annotate(label(run, arch), (v, f["s_min"]), fontsize=5)
        if f.get("b_crit") is not None:
            a2.errorbar([v], [f["b_crit"]], fmt="o", ms=3)
            a2.annotate(label(run, arch), (v, f["b_crit"]), fontsize=5)
    for ax, name in ((a1, "S_min"), (a2, "B_crit")):
        ax.set_xscale("log"); ax.set_yscale("log"); ax.set_xlabel("vanishing factor at init (first/last hidden layer)")
        ax.set_ylabel(name)
    save(fig, "smin-bcrit-vs-vanishing.svg")

    # Time to target against ranks: the forecasts (lines) and the emulated hosts' measurements.
    forecast_path = os.path.join(STUDY, "architectures", "time-to-target.json")
    if os.path.isfile(forecast_path):
        with open(forecast_path) as f:
            forecast = json.load(f)
        networks = [n["name"] for n in forecast["networks"]]
        fig, axes = plt.subplots(1, len(networks), figsize=(4.2 * len(networks), 3.6), squeeze=False)
        for ax, network in zip(axes.flat, networks):
            for arch in forecast["architectures"]:
                curve = next((c for c in arch["curves"] if c["network"] == network), None)
                if curve:
                    ax.plot([r["ranks"] for r in curve["rows"]], [r["seconds"] for r in curve["rows"]], marker=".", lw=0.8,
                            label=arch["name"].replace("activation", "").replace("_initializer", "/"))
            hosts_forecast = os.path.join(STUDY, "hosts", "time-to-target.json")
            if os.path.isfile(hosts_forecast):
                with open(hosts_forecast) as f:
                    for arch in json.load(f)["architectures"]:
                        curve = next((c for c in arch["curves"] if c["network"] == network), None)
                        if curve and "relu_initializerkaiming" in arch["name"]:
                            ax.plot([r["ranks"] for r in curve["rows"]], [r["seconds"] for r in curve["rows"]], "k--", lw=0.8,
                                    label="relu/kaiming forecast, 16/rank")
            check = os.path.join(STUDY, "hosts", f"check-{network}.md")
            if os.path.isfile(check):
                xs, ys = [], []
                with open(check) as f:
                    for line in f:
                        cells = [c.strip() for c in line.strip().strip("|").split("|")]
                        if len(cells) == 10 and cells[1].isdigit() and cells[9] not in ("—", ""):
                            xs.append(int(cells[1])); ys.append(float(cells[9]))
                if xs:
                    ax.scatter(xs, ys, marker="x", color="k", zorder=3, label="measured, 16/rank (hosts)")
            ax.set_xscale("log", base=2); ax.set_yscale("log"); ax.set_title(network)
            ax.set_xlabel("ranks"); ax.set_ylabel("seconds to target")
        axes.flat[0].legend(fontsize=5)
        fig.suptitle(f"Forecast time to target against ranks at {forecast['per_rank_batch']} samples per rank "
                     "(ddp-train time-to-target); × measured on emulated hosts at 16 per rank", fontsize=8)
        save(fig, "time-to-target-vs-ranks.svg")

    # Rank agreement.
    if "ranks-synced" in runs or "ranks-unsynced" in runs:
        fig, ax = plt.subplots(figsize=(5.5, 4))
        for run in ("ranks-synced", "ranks-unsynced"):
            for arch in runs.get(run, {}).get("architectures", []):
                pts = [(b["batch_size"] * (1.03 ** arch.get("ranks", 1)), b["steps_median"], b.get("steps_ci")) for b in arch["batches"]
                       if b.get("steps_median") is not None]
                if pts:
                    x, y, ci = zip(*pts)
                    ax.errorbar(x, y, yerr=[[yy - (c[0] or yy) for yy, c in zip(y, ci)], [(c[1] or yy) - yy for yy, c in zip(y, ci)]],
                                marker="o", ms=3, capsize=2, lw=0.6, label=f"{run}, {arch.get('ranks', 1)} ranks")
        ax.set_xscale("log", base=2); ax.set_yscale("log"); ax.set_xlabel("global batch B"); ax.set_ylabel("steps to target")
        ax.legend(fontsize=6)
        save(fig, "rank-agreement.svg")

    # The target ladder: B_crit and S_min against the threshold, one line per architecture.
    rows = [r for r in ladders(runs) if r[0] == "architectures"]
    if rows:
        fig, axes = plt.subplots(1, 2, figsize=(9, 3.4))
        for run, data, arch, fits, keep in rows:
            for ax, key in zip(axes, ("b_crit", "s_min")):
                pts = [(t, f[key], f[key + "_ci"]) for t, f in sorted(fits.items()) if f[key] and keep[t]]
                if not pts:
                    continue
                x, y, ci = zip(*pts)
                low = [v - (c[0] if c and c[0] is not None else v) for v, c in zip(y, ci)]
                high = [(c[1] if c and c[1] is not None else v) - v for v, c in zip(y, ci)]
                ax.errorbar(x, y, yerr=[low, high], marker="o", ms=3, capsize=2, lw=0.8, label=label(run, arch))
        for ax, name in zip(axes, ("B_crit", "S_min")):
            ax.set_yscale("log"); ax.set_xlabel("target: validation accuracy ≥"); ax.set_ylabel(name)
        axes[0].legend(fontsize=6)
        fig.suptitle("The target ladder (architectures; rungs that pass the pilot rule; 95 % bootstrap intervals)", fontsize=8)
        save(fig, "target-ladder.svg")
    return written


def main():
    runs = load_runs()
    if not runs:
        sys.exit(f"study_report: no <run>/critical-batch.json under {STUDY}; run scripts/study.sh first")
    out = ["# Study tables (generated by scripts/study_report.py from docs/study/*/critical-batch.json; do not edit)", ""]
    out += ["## Fitted quantities (95 % bootstrap intervals; an open upper end is ∞)", ""] + fit_table(runs)
    out += ["", "## Median steps to target per batch (95 % bootstrap interval over seeds)", ""] + steps_table(runs)
    out += ["", "## Tuned learning rate per batch", ""] + lr_table(runs)
    out += ["", "## Rank agreement (the same global batch as 1, 2 and 4 ranks)", ""] + rank_agreement(runs)
    out += ["", "## Learning-rate scaling rules against the tuned rate"] + lr_rules_table(runs)
    out += ["", "## Ranks worth using (ddp-train time-to-target)"] + nodes_table()
    out += ["", "## The target ladder", ""] + ladder_tables(runs)
    out += ["", "## B_simple per layer", ""] + layers_table(runs)
    out += ["", "## Compute", ""] + compute_table(runs)
    for run, data in runs.items():
        out.append(f"\n`{run}`: target {data['target']}, {data['seeds']} seeds, cap {data['max_steps']} steps.")
    out += ["", "## The questions", ""] + questions(runs)
    path = os.path.join(STUDY, "tables.md")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
    replace_generated(os.path.join(STUDY, "..", "STUDY.md"), {
        "fits": fit_table(runs), "steps": steps_table(runs), "lrs": lr_table(runs), "questions": questions(runs),
        "ranks": rank_agreement(runs), "lr-rules": lr_rules_table(runs), "hosts": hosts_tables(), "accuracy": accuracy_table(), "nodes": nodes_table(), "compute": compute_table(runs),
        "ladder": ladder_tables(runs), "layers": layers_table(runs)})
    written = figures(runs)
    print(f"study_report: wrote {path} and {len(written)} figure(s) in {FIGURES}")


if __name__ == "__main__":
    main()
