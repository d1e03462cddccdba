"""The target ladder of docs/STUDY.md: S_min and B_crit at each rung, from docs/study/<run>/ladder.csv.

Imported by scripts/study_report.py. The fit is `ddp-train critical-batch`'s own
(Sources/Experiments/CriticalBatch/ScalingFit.swift and the files beside it), ported line for
line: S(B) = S_min + E_min/B by least squares weighted 1/S², under S_min > 0 and E_min >= 0;
censored medians left out; 2,000 bootstrap resamples of the seeds within each batch from the
same SplitMix64 generator and seed, percentile intervals of type 7. At the study's own target
the port must give exactly the numbers critical-batch.json holds; `check` says whether it does.
"""
import csv
import math
import os

MASK = (1 << 64) - 1


class SplitMix64:
    """SeededGenerator.swift: SplitMix64 with Lemire's unbiased index."""

    def __init__(self, seed):
        self.state = seed

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def index(self, n):
        threshold = ((1 << 64) - n) % n
        while True:
            product = self.next() * n
            if product & MASK >= threshold:
                return product >> 64


def median(values):
    v = sorted(values)
    n = len(v)
    if n % 2:
        return v[n // 2]
    lo, hi = v[n // 2 - 1], v[n // 2]
    return math.inf if math.isinf(hi) else (lo + hi) / 2


def line_fit(x, y):
    """ReciprocalLineFit.swift: (a, b, kind) or None with fewer than two distinct x."""
    if len(set(x)) < 2:
        return None
    w = [1 / (v * v) for v in y]
    sw = swx = swy = swxx = swxy = 0.0
    for i in range(len(x)):
        sw += w[i]; swx += w[i] * x[i]; swy += w[i] * y[i]
        swxx += w[i] * x[i] * x[i]; swxy += w[i] * x[i] * y[i]
    mx, my = swx / sw, swy / sw
    sxx = sxy = 0.0
    for i in range(len(x)):
        sxx += w[i] * (x[i] - mx) * (x[i] - mx)
        sxy += w[i] * (x[i] - mx) * (y[i] - my)
    b = sxy / sxx
    a = my - b * mx
    if a > 0 and b >= 0:
        return a, b, "interior"

    def loss(a, b):
        total = 0.0
        for i in range(len(x)):
            total += w[i] * (y[i] - a - b * x[i]) * (y[i] - a - b * x[i])
        return total
    flat, through0 = (swy / sw, 0.0), (0.0, swxy / swxx)
    if loss(*flat) <= loss(*through0):
        return flat[0], flat[1], "flat"
    return through0[0], through0[1], "noIntercept"


def estimate(batches, steps):
    """ScalingFit.estimate: (status, S_min, E_min, B_crit)."""
    line = line_fit([1 / b for b in batches], steps)
    if line is None:
        return "insufficientData", None, None, None
    a, b, kind = line
    if kind == "interior":
        return "fitted", a, b, b / a
    if kind == "flat":
        return "noCriticalBatch", a, 0.0, 0.0
    return "unboundedCriticalBatch", 0.0, b, math.inf


def percentile(values, level=0.95):
    """PercentileInterval.percentile: [low, high], None for +∞."""
    v = sorted(values)
    tail = (1 - level) / 2

    def quantile(p):
        h = p * (len(v) - 1)
        i = int(math.floor(h))
        w = h - i
        lo = v[i]
        if w == 0 or i + 1 >= len(v):
            value = lo
        else:
            hi = v[i + 1]
            value = math.inf if math.isinf(hi) else lo + w * (hi - lo)
        return value if math.isfinite(value) else None
    return [quantile(tail), quantile(1 - tail)]


def scaling_fit(per_batch, resamples=2000, seed=0):
    """ScalingFit.init: per_batch is {batch: [steps or inf per seed, in seed order]}."""
    batches = sorted(per_batch)
    medians = {b: median(per_batch[b]) for b in batches}
    fitted = [b for b in batches if math.isfinite(medians[b])]
    status, s_min, e_min, b_crit = estimate(fitted, [medians[b] for b in fitted])
    rng = SplitMix64(seed)
    s_mins, b_crits = [], []
    for _ in range(resamples):
        xs, ys = [], []
        for b in batches:
            values = per_batch[b]
            m = median([values[rng.index(len(values))] for _ in values])
            if math.isfinite(m):
                xs.append(b); ys.append(m)
        e = estimate(xs, ys)
        if e[0] == "insufficientData" or e[1] is None or e[3] is None:
            continue
        s_mins.append(e[1]); b_crits.append(e[3])
    return {
        "status": status,
        "s_min": None if status in ("unboundedCriticalBatch", "insufficientData") else s_min,
        "b_crit": b_crit if b_crit is not None and math.isfinite(b_crit) else None,
        "s_min_ci": percentile(s_mins) if s_mins else None,
        "b_crit_ci": percentile(b_crits) if b_crits else None,
        "left_out": [b for b in batches if b not in fitted],
        "medians": medians,
    }


def load(path):
    """ladder.csv as {architecture: {threshold: {batch: [steps or inf, by seed]}}}."""
    ladder = {}
    with open(path) as f:
        for row in csv.DictReader(f):
            steps = float(row["steps_to_threshold"]) if row["steps_to_threshold"] else math.inf
            cell = ladder.setdefault(row["architecture"], {}).setdefault(float(row["threshold"]), {})
            cell.setdefault(int(row["batch"]), []).append((int(row["seed"]), steps))
    for thresholds in ladder.values():
        for per_batch in thresholds.values():
            for batch, pairs in per_batch.items():
                per_batch[batch] = [s for _, s in sorted(pairs)]
    return ladder


def check(study, ladder):
    """Architectures whose fit at the study's own target the port reproduces exactly, of all."""
    own = float(study["target"].split(">=")[1])
    same = total = 0
    for arch in study["architectures"]:
        rungs = ladder.get(arch["name"], {})
        if own not in rungs:
            continue
        total += 1
        ours, theirs = scaling_fit(rungs[own], seed=study["base"].get("seed", 0)), arch["fit"]
        if (ours["s_min"], ours["b_crit"], ours["s_min_ci"], ours["b_crit_ci"]) == \
                (theirs.get("s_min"), theirs.get("b_crit"), theirs.get("s_min_ci"), theirs.get("b_crit_ci")):
            same += 1
    return same, total


def kept(per_batch):
    """The pilot rule: most seeds reach the rung at both the smallest and the largest batch
    that had a tuned learning rate."""
    batches = sorted(per_batch)
    def most(b):
        return sum(math.isfinite(s) for s in per_batch[b]) * 2 > len(per_batch[b])
    return most(batches[0]) and most(batches[-1])


def ladder_path(study_dir, run):
    return os.path.join(study_dir, run, "ladder.csv")
