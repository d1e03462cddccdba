#!/usr/bin/env python3
"""Loads a TensorBoard log directory with the real `tensorboard` package and summarizes it.

A manual cross-check that the event files ddp-train writes are readable by TensorBoard
itself; CI does not need Python. Usage:

    pip install tensorboard
    scripts/check_tensorboard.py runs/my-run/tensorboard

Prints every scalar tag with its count and first/last (step, value), and every histogram tag
with its count and the last histogram's statistics. Exits with status 1 if nothing loads.
"""

import argparse
import os
import sys


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("logdir", help="directory holding events.out.tfevents.* files")
    args = parser.parse_args()

    if not os.path.isdir(args.logdir):
        print(f"error: {args.logdir} is not a directory", file=sys.stderr)
        return 1
    try:
        from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    except ImportError:
        print("error: the tensorboard package is missing; install it with `pip install tensorboard`",
              file=sys.stderr)
        return 1

    # Size guidance 0 keeps every event instead of TensorBoard's default reservoir sample.
    guidance = {"scalars": 0, "histograms": 0, "compressedHistograms": 0, "images": 0,
                "audio": 0, "tensors": 0}
    accumulator = EventAccumulator(args.logdir, size_guidance=guidance)
    accumulator.Reload()
    tags = accumulator.Tags()

    scalar_tags = sorted(tags.get("scalars", []))
    histogram_tags = sorted(tags.get("histograms", []))
    print(f"log directory: {args.logdir}")
    print(f"scalar tags: {len(scalar_tags)}")
    for tag in scalar_tags:
        events = accumulator.Scalars(tag)
        first, last = events[0], events[-1]
        print(f"  {tag}: {len(events)} points, first (step {first.step}) = {first.value:.6g}, "
              f"last (step {last.step}) = {last.value:.6g}")
    print(f"histogram tags: {len(histogram_tags)}")
    for tag in histogram_tags:
        events = accumulator.Histograms(tag)
        last = events[-1].histogram_value
        print(f"  {tag}: {len(events)} histograms, last (step {events[-1].step}): "
              f"min {last.min:.6g}, max {last.max:.6g}, num {last.num:.6g}, "
              f"buckets {len(last.bucket_limit)}")

    if not scalar_tags and not histogram_tags:
        print("error: TensorBoard loaded no scalars and no histograms", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
