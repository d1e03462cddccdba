"""Measures PyTorch DistributedDataParallel weak scaling on this machine (gloo, CPU), for comparison.

Trains the benchmarks' wide MLP (1024 -> 4 x 1024 ReLU -> 10, MSE, SGD lr 0.01) with DDP,
per-rank batch 64 (a fixed random batch per rank), one intra-op thread per rank, at world
sizes 1 and 2 (and 4 with ``--with-4``), each a ``torch.multiprocessing.spawn`` of that many
processes rendezvousing on MASTER_ADDR=127.0.0.1. After ``--warmup`` steps, rank 0 times
``--steps`` steps between two barriers and reports global samples/s and weak-scaling
efficiency = samples/s at N / (N x samples/s at 1).

With more ranks than free cores the ranks share cores, so efficiency then measures the
machine, not DDP. Rerun from the repository root with

    pip install torch
    python3 scripts/bench_pytorch_ddp.py [--with-4] [--steps 50] [--json results.json]
"""

import argparse
import json
import os
import pathlib
import socket
import statistics
import tempfile
import time

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn as nn

from seed_models import wide_mlp

PER_RANK_BATCH = 64


def free_port():
    """A TCP port on 127.0.0.1 that was free a moment ago, for the rendezvous."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def worker(rank, world, port, warmup, steps, result_path):
    """One DDP rank: trains ``warmup + steps`` steps; rank 0 writes its timing to ``result_path``."""
    torch.set_num_threads(1)
    os.environ["MASTER_ADDR"] = "127.0.0.1"
    os.environ["MASTER_PORT"] = str(port)
    dist.init_process_group("gloo", rank=rank, world_size=world)
    try:
        torch.manual_seed(0)  # DDP broadcasts rank 0's weights anyway; this keeps ranks equal.
        model = nn.parallel.DistributedDataParallel(wide_mlp())
        optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
        criterion = nn.MSELoss()
        generator = torch.Generator().manual_seed(1 + rank)
        inputs = torch.randn(PER_RANK_BATCH, 1024, generator=generator)
        targets = torch.randn(PER_RANK_BATCH, 10, generator=generator)

        def step():
            optimizer.zero_grad()
            criterion(model(inputs), targets).backward()
            optimizer.step()

        for _ in range(warmup):
            step()
        dist.barrier()
        step_times = []
        start = time.perf_counter()
        for _ in range(steps):
            t = time.perf_counter()
            step()
            step_times.append(time.perf_counter() - t)
        dist.barrier()
        elapsed = time.perf_counter() - start
        if rank == 0:
            pathlib.Path(result_path).write_text(json.dumps({
                "world": world,
                "steps": steps,
                "elapsed_s": elapsed,
                "median_step_ms": statistics.median(step_times) * 1e3,
                "samples_per_s": steps * PER_RANK_BATCH * world / elapsed,
            }))
    finally:
        dist.destroy_process_group()


def run_world(world, warmup, steps):
    with tempfile.TemporaryDirectory() as tmp:
        result_path = os.path.join(tmp, "result.json")
        mp.spawn(worker, args=(world, free_port(), warmup, steps, result_path), nprocs=world, join=True)
        return json.loads(pathlib.Path(result_path).read_text())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--with-4", action="store_true", help="also run world size 4")
    parser.add_argument("--warmup", type=int, default=5, help="untimed steps per run")
    parser.add_argument("--steps", type=int, default=50, help="timed steps per run")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON to FILE")
    args = parser.parse_args()

    # Loopback keeps gloo off whatever interface the hostname resolves to.
    os.environ.setdefault("GLOO_SOCKET_IFNAME", "lo")
    worlds = [1, 2, 4] if args.with_4 else [1, 2]
    results = [run_world(world, args.warmup, args.steps) for world in worlds]
    base = results[0]["samples_per_s"]
    for r in results:
        r["efficiency"] = r["samples_per_s"] / (r["world"] * base)

    print(f"PyTorch {torch.__version__} DDP gloo, wide MLP 1024-4x1024-10, per-rank batch {PER_RANK_BATCH}, "
          f"1 thread/rank, {os.cpu_count()} CPUs visible")
    print(f"{'world':>5} {'global batch':>12} {'samples/s':>10} {'step ms':>8} {'efficiency':>10}")
    for r in results:
        print(f"{r['world']:>5} {r['world'] * PER_RANK_BATCH:>12} {r['samples_per_s']:>10.0f} "
              f"{r['median_step_ms']:>8.2f} {r['efficiency']:>10.2f}")

    if args.json:
        with open(args.json, "w") as f:
            json.dump({"torch_version": torch.__version__, "per_rank_batch": PER_RANK_BATCH,
                       "results": results}, f, indent=1)
            f.write("\n")
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
