#!/usr/bin/env python3
"""Reads the HParams dashboard data of a TensorBoard log directory with the real `tensorboard` package.

A manual cross-check that `ddp-train sweep --tensorboard DIR` (or `train --tensorboard DIR`)
writes what TensorBoard's HParams plugin reads; CI does not need Python. Usage:

    pip install tensorboard
    scripts/check_hparams.py runs/my-sweep/tensorboard

Loads every run under the directory with TensorBoard's own event multiplexer, parses each
`_hparams_/…` summary with `tensorboard.plugins.hparams.metadata` (which uses
`plugin_data_pb2`), and prints the experiment's columns, then one session per run: its
hyperparameters, status and the experiment's metric values. Exits with status 1 if there is
no session, or when a session lacks a column's hyperparameter or its end.
"""

import argparse
import os
import sys


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("logdir", help="the directory TensorBoard would be started on (--logdir)")
    args = parser.parse_args()
    if not os.path.isdir(args.logdir):
        print(f"error: {args.logdir} is not a directory", file=sys.stderr)
        return 1
    try:
        from tensorboard.backend.event_processing.plugin_event_multiplexer import EventMultiplexer
        from tensorboard.plugins.hparams import api_pb2, metadata
        from tensorboard.util import tensor_util
    except ImportError:
        print("error: the tensorboard package is missing; install it with `pip install tensorboard`",
              file=sys.stderr)
        return 1

    multiplexer = EventMultiplexer(size_guidance={"scalars": 0, "tensors": 0})
    multiplexer.AddRunsFromDirectory(args.logdir)
    multiplexer.Reload()
    content = multiplexer.PluginRunToTagToContent(metadata.PLUGIN_NAME)

    experiment = None
    sessions = {}
    for run, tags in sorted(content.items()):
        if metadata.EXPERIMENT_TAG in tags:
            experiment = metadata.parse_experiment_plugin_data(tags[metadata.EXPERIMENT_TAG])
        if metadata.SESSION_START_INFO_TAG in tags:
            start = metadata.parse_session_start_info_plugin_data(tags[metadata.SESSION_START_INFO_TAG])
            end = None
            if metadata.SESSION_END_INFO_TAG in tags:
                end = metadata.parse_session_end_info_plugin_data(tags[metadata.SESSION_END_INFO_TAG])
            sessions[run] = (start, end)

    def show(value):
        kind = value.WhichOneof("kind")
        return repr(getattr(value, kind)) if kind else "(unset)"

    problems = 0
    columns, metric_tags = [], []
    if experiment is None:
        print("experiment: none (TensorBoard infers the columns from the sessions)")
    else:
        columns = [info.name for info in experiment.hparam_infos]
        metric_tags = [info.name.tag for info in experiment.metric_infos]
        types = {info.name: api_pb2.DataType.Name(info.type) for info in experiment.hparam_infos}
        print(f"experiment: hparams {[f'{n}:{types[n]}' for n in columns]}")
        print(f"            metrics {metric_tags}")
    print(f"sessions: {len(sessions)}")
    for run, (start, end) in sorted(sessions.items()):
        shown = columns or sorted(start.hparams)
        values = ", ".join(f"{name}={show(start.hparams[name])}" if name in start.hparams else f"{name}=MISSING"
                           for name in shown)
        problems += sum(name not in start.hparams for name in shown)
        status = api_pb2.Status.Name(end.status) if end else "NO END"
        problems += end is None
        print(f"  {run}: {values}; {len(start.hparams)} hparams in all; status {status}")
        # The plugin multiplexer turns simple_value scalars into tensors, as the dashboard reads them.
        scalar_tags = set(multiplexer.GetAccumulator(run).Tags().get("tensors", []))
        metrics = []
        for tag in metric_tags or sorted(t for t in scalar_tags if t.startswith(("final/", "target/"))):
            if tag in scalar_tags:
                last = multiplexer.Tensors(run, tag)[-1]
                value = tensor_util.make_ndarray(last.tensor_proto).item()
                metrics.append(f"{tag}={value:.6g} (step {last.step})")
            else:
                metrics.append(f"{tag}=absent")
        print(f"    {'; '.join(metrics)}")
    if not sessions:
        print("error: no HParams session in the directory", file=sys.stderr)
        return 1
    if problems:
        print(f"error: {problems} missing hyperparameter(s) or session end(s)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
