"""Summarizes the runs of scripts/bench_communication.sh: step time, communication hidden behind
backward, bytes moved, loss curves, from ddp-train's Chrome traces (--trace) and metrics.jsonl.

    python3 scripts/communication_report.py MANIFEST.tsv [--skip 5]   # tables, as Markdown
    python3 scripts/communication_report.py --describe TRACE.json      # spans per rank and track

A manifest line is: label, ranks, network, bucket MB, overlap (on/off), compression, run
directory, trace file ("-" for none), per-rank batch; tab-separated. Per step and rank, from the trace:

- step time: from the step's first forward to the end of its optimizer step, on the slowest
  rank (as the step ends on every rank only when the slowest gets there);
- communication: the summed durations of the step's bucket allreduces (the communication
  thread's busy time);
- wait: the "wait for allreduce" span, the compute thread blocked at the end of backward;
- hidden share = 1 - wait / communication, over all counted steps: 1 when the allreduces
  finish during backward, 0 when the compute thread waits for all of them (--no-overlap).

The first --skip steps are dropped (allocation, the first step's bucket re-layout, warm caches).
"""

import argparse
import collections
import json
import statistics
import sys


def load_trace(path):
    with open(path) as f:
        return json.load(f)["traceEvents"]


def step_spans(events):
    """{(rank, step): {"start", "end", "comm_us", "wait_us", "wire_bytes", "buckets"}} from a trace.

    Allreduces and waits carry no step number; each belongs to the step whose optimizer span
    follows it on that rank, so they are assigned by time."""
    per_rank = collections.defaultdict(list)
    for e in events:
        if e.get("ph") == "X":
            per_rank[e["pid"]].append(e)
    steps = {}
    for rank, spans in per_rank.items():
        ends = sorted((e["ts"] + e["dur"], int(e["args"]["step"])) for e in spans
                      if e["name"] in ("optimizer step", "skipped step"))
        for e in spans:
            end = e["ts"] + e["dur"]
            owner = next((s for t, s in ends if t >= end - 1e-3), None)
            if e["name"] in ("forward", "backward"):
                owner = int(e["args"]["step"])
            if owner is None:
                continue
            s = steps.setdefault((rank, owner), {"start": e["ts"], "end": end, "comm_us": 0.0, "wait_us": 0.0,
                                                  "wire_bytes": 0, "buckets": 0})
            s["start"] = min(s["start"], e["ts"])
            if e["name"] in ("optimizer step", "skipped step"):
                s["end"] = end
            if e["name"].startswith("allreduce bucket"):
                s["comm_us"] += e["dur"]
                s["wire_bytes"] += int(e["args"].get("wire_bytes", e["args"].get("bytes", 0)))
                s["buckets"] += 1
            if e["name"] == "wait for allreduce":
                s["wait_us"] += e["dur"]
    return steps


def summarize_trace(path, skip):
    steps = step_spans(load_trace(path))
    numbers = sorted({s for _, s in steps})[skip:]
    if not numbers:
        raise SystemExit(f"{path}: no steps left after skipping {skip}; trace more steps")
    ranks = sorted({r for r, _ in steps})
    step_ms = [max(steps[(r, n)]["end"] - steps[(r, n)]["start"] for r in ranks if (r, n) in steps) / 1e3
               for n in numbers]
    comm = sum(steps[(r, n)]["comm_us"] for r in ranks for n in numbers if (r, n) in steps)
    wait = sum(steps[(r, n)]["wait_us"] for r in ranks for n in numbers if (r, n) in steps)
    count = sum(1 for r in ranks for n in numbers if (r, n) in steps)
    first = steps[(ranks[0], numbers[0])]
    return {
        "steps": len(numbers),
        "step_ms": statistics.median(step_ms),
        "comm_ms": comm / count / 1e3,
        "wait_ms": wait / count / 1e3,
        "hidden": 1 - wait / comm if comm > 0 else float("nan"),
        "wire_mb": first["wire_bytes"] / 1e6,
        "buckets": first["buckets"],
    }


def losses(run_dir):
    out = []
    with open(f"{run_dir}/metrics.jsonl") as f:
        for line in f:
            r = json.loads(line)
            if r.get("type") == "step":
                out.append(r["loss"])
    return out


def table(rows, columns):
    lines = ["| " + " | ".join(c for c, _ in columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(fmt(row) for _, fmt in columns) + " |")
    return "\n".join(lines)


def report(manifest, skip):
    runs = []
    with open(manifest) as f:
        for line in f:
            if not line.strip():
                continue
            label, ranks, network, bucket, overlap, compression, run_dir, trace, batch = line.rstrip("\n").split("\t")
            run = {"label": label, "ranks": int(ranks), "network": network, "bucket": bucket, "overlap": overlap,
                   "compression": compression, "run_dir": run_dir, "batch": int(batch)}
            if trace != "-":
                run.update(summarize_trace(trace, skip))
            runs.append(run)

    timed = [r for r in runs if "step_ms" in r]
    print(f"### Step time and hidden communication (median step over {timed[0]['steps'] if timed else 0} steps "
          f"after skipping {skip}; per-rank means of communication and wait)\n")
    print(table(timed, [
        ("run", lambda r: r["label"]), ("ranks", lambda r: str(r["ranks"])), ("network", lambda r: r["network"]),
        ("bucket MB", lambda r: r["bucket"]), ("overlap", lambda r: r["overlap"]),
        ("compression", lambda r: r["compression"]), ("buckets", lambda r: str(r["buckets"])),
        ("MB sent/step", lambda r: f"{r['wire_mb']:.1f}"), ("step ms", lambda r: f"{r['step_ms']:.1f}"),
        ("batch/rank", lambda r: str(r["batch"])),
        ("samples/s", lambda r: f"{r['batch'] * r['ranks'] / r['step_ms'] * 1e3:.0f}"),
        ("allreduce ms", lambda r: f"{r['comm_ms']:.1f}"), ("wait ms", lambda r: f"{r['wait_ms']:.1f}"),
        ("hidden", lambda r: f"{100 * r['hidden']:.0f}%"),
    ]))

    # Hidden share against the --no-overlap run of the same setting (phase-timing view).
    pairs = []
    for r in timed:
        if r["overlap"] != "on":
            continue
        base = next((b for b in timed if b["overlap"] == "off" and
                     (b["ranks"], b["network"], b["bucket"], b["compression"], b["batch"]) ==
                     (r["ranks"], r["network"], r["bucket"], r["compression"], r["batch"])), None)
        if base:
            pairs.append((r, base))
    if pairs:
        print("\n### Overlap against --no-overlap (same ranks, network, bucket size)\n")
        print(table(pairs, [
            ("ranks", lambda p: str(p[0]["ranks"])), ("network", lambda p: p[0]["network"]),
            ("bucket MB", lambda p: p[0]["bucket"]), ("compression", lambda p: p[0]["compression"]),
            ("batch/rank", lambda p: str(p[0]["batch"])),
            ("step ms overlap / no-overlap", lambda p: f"{p[0]['step_ms']:.1f} / {p[1]['step_ms']:.1f}"),
            ("speed-up", lambda p: f"{p[1]['step_ms'] / p[0]['step_ms']:.2f}x"),
            ("wait ms overlap / no-overlap", lambda p: f"{p[0]['wait_ms']:.1f} / {p[1]['wait_ms']:.1f}"),
            ("hidden (1 - wait/allreduce, same run)", lambda p: f"{100 * p[0]['hidden']:.0f}%"),
            ("hidden (1 - wait / no-overlap wait)", lambda p: f"{100 * (1 - p[0]['wait_ms'] / p[1]['wait_ms']):.0f}%"),
        ]))

    curves = [r for r in runs if r["label"].startswith("loss-")]
    if curves:
        reference = next((losses(r["run_dir"]) for r in curves if r["compression"] == "none"), None)
        print("\n### Compression and the loss curve (teacher-regression, 2 ranks)\n")
        rows = []
        for r in curves:
            curve = losses(r["run_dir"])
            diff = max(abs(a - b) / max(abs(b), 1e-12) for a, b in zip(curve, reference)) if reference else float("nan")
            rows.append((r, curve, diff))
        print(table(rows, [
            ("compression", lambda x: x[0]["compression"]), ("steps", lambda x: str(len(x[1]))),
            ("first loss", lambda x: f"{x[1][0]:.6f}"), ("final loss", lambda x: f"{x[1][-1]:.6f}"),
            ("max relative loss difference from none", lambda x: f"{x[2]:.2e}"),
        ]))


def describe(path):
    events = load_trace(path)
    names = {}
    for e in events:
        if e.get("ph") == "M" and e["name"] in ("process_name", "thread_name"):
            names[(e["name"], e["pid"], e["tid"] if e["name"] == "thread_name" else 0)] = e["args"]["name"]
    groups = collections.defaultdict(list)
    for e in events:
        if e.get("ph") == "X":
            kind = "allreduce bucket *" if e["name"].startswith("allreduce bucket") else e["name"]
            groups[(e["pid"], e["tid"], kind)].append(e["dur"])
    spans = [e for e in events if e.get("ph") == "X"]
    print(f"{path}: {len(events)} events, {len(spans)} spans, "
          f"{(max(e['ts'] + e['dur'] for e in spans) - min(e['ts'] for e in spans)) / 1e3:.1f} ms")
    for (pid, tid, kind), durations in sorted(groups.items()):
        print(f"  {names.get(('process_name', pid, 0), pid)} / {names.get(('thread_name', pid, tid), tid)}: "
              f"{kind}: {len(durations)} spans, total {sum(durations) / 1e3:.1f} ms, "
              f"median {statistics.median(durations) / 1e3:.2f} ms")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("manifest", nargs="?", help="the manifest written by bench_communication.sh")
    parser.add_argument("--skip", type=int, default=5, help="steps to drop at the start of each trace")
    parser.add_argument("--describe", metavar="TRACE", help="summarize one trace's spans per rank and track")
    args = parser.parse_args()
    if args.describe:
        describe(args.describe)
    elif args.manifest:
        report(args.manifest, args.skip)
    else:
        parser.error("give a manifest or --describe TRACE")


if __name__ == "__main__":
    sys.exit(main())
