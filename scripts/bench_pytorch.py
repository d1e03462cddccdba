"""Times one training step of the seed networks in PyTorch on one CPU thread, for comparison.

A step is zero_grad, forward, loss, backward, optimizer step, on a fixed random batch:

- ``seed_mlp``: seed Example 1, DeepNet(10, 128, 10, 1) sigmoid, batch 100, MSE, SGD lr 0.01.
- ``seed_resnet``: seed Example 2, ResNet(3, 64, 10 blocks, 1), length 10, batch 100, MSE, Adam 1e-3.
- ``seed_shallow``: seed Example 3, ShallowNet(10, 128, 1), batch 16, MSE, Adam lr 0.05.
- ``wide_mlp``: 1024 -> 4 x 1024 ReLU -> 10, batch 256, MSE, SGD lr 0.01.

Each is warmed up, then run for about ``--seconds`` (default 2); the median ms/step is
reported. Also reports a 1024^3 float32 ``torch.mm`` in GFLOP/s (2 n^3 flops per product).
The numbers depend on the machine and its load; rerun from the repository root with

    pip install torch
    python3 scripts/bench_pytorch.py [--seconds 2] [--json results.json]
"""

import argparse
import json
import platform
import statistics
import time

import torch
import torch.nn as nn

from seed_models import DeepNet, ResNet, ShallowNet, wide_mlp


def workloads():
    """(name, description, model, inputs, targets, optimizer factory) for each benchmark."""
    torch.manual_seed(0)
    return [
        ("seed_mlp", "seed Ex.1 MLP 10-10x128 sigmoid-1, b100, SGD",
         DeepNet(10, 128, 10, 1), torch.randn(100, 10), torch.randn(100, 1),
         lambda p: torch.optim.SGD(p, lr=0.01)),
        ("seed_resnet", "seed Ex.2 ResNet1d 10 blocks x64 ch, L10, b100, Adam",
         ResNet(3, 64, 10, 1), torch.randn(100, 3, 10), torch.randn(100, 1, 10),
         lambda p: torch.optim.Adam(p, lr=1e-3)),
        ("seed_shallow", "seed Ex.3 MLP 10-128-1 ReLU, b16, Adam",
         ShallowNet(10, 128, 1), torch.randn(16, 10), torch.randn(16, 1),
         lambda p: torch.optim.Adam(p, lr=0.05)),
        ("wide_mlp", "MLP 1024-4x1024 ReLU-10, b256, SGD",
         wide_mlp(), torch.randn(256, 1024), torch.randn(256, 10),
         lambda p: torch.optim.SGD(p, lr=0.01)),
    ]


def time_steps(step, seconds, warmup=5, cpu_times=None):
    """Runs ``step`` ``warmup`` times, then for about ``seconds``; returns per-call times in s.

    With ``cpu_times`` (a list), also appends each call's CPU time of this thread: on a shared,
    loaded machine it leaves out the time other processes held the core, as ddp-bench's does."""
    for _ in range(warmup):
        step()
    times = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(times) < 10:
        start, cpu_start = time.perf_counter(), time.thread_time()
        step()
        times.append(time.perf_counter() - start)
        if cpu_times is not None:
            cpu_times.append(time.thread_time() - cpu_start)
    return times


def bench_training(seconds):
    results = []
    criterion = nn.MSELoss()
    for name, description, model, inputs, targets, make_optimizer in workloads():
        optimizer = make_optimizer(model.parameters())

        def step():
            optimizer.zero_grad()
            loss = criterion(model(inputs), targets)
            loss.backward()
            optimizer.step()

        cpu_times = []
        times = time_steps(step, seconds, cpu_times=cpu_times)
        median = statistics.median(times)
        results.append({
            "cpu_median_ms": statistics.median(cpu_times) * 1e3,
            "name": name,
            "description": description,
            "batch": inputs.shape[0],
            "parameters": sum(p.numel() for p in model.parameters()),
            "median_ms": median * 1e3,
            "samples_per_s": inputs.shape[0] / median,
            "iterations": len(times),
        })
    return results


def bench_sgemm(seconds, n=1024):
    a, b = torch.randn(n, n), torch.randn(n, n)
    out = torch.empty(n, n)
    times = time_steps(lambda: torch.mm(a, b, out=out), seconds)
    median = statistics.median(times)
    return {"n": n, "median_ms": median * 1e3, "gflops": 2 * n**3 / median / 1e9, "iterations": len(times)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="timed seconds per workload")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON to FILE")
    args = parser.parse_args()

    torch.set_num_threads(1)
    training = bench_training(args.seconds)
    sgemm = bench_sgemm(args.seconds)

    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} thread, {platform.processor() or platform.machine()}")
    print(f"{'workload':<14} {'params':>9} {'batch':>5} {'ms/step':>9} {'samples/s':>11} {'iters':>6}  description")
    for r in training:
        print(f"{r['name']:<14} {r['parameters']:>9} {r['batch']:>5} {r['median_ms']:>9.3f} "
              f"{r['samples_per_s']:>11.0f} {r['iterations']:>6}  {r['description']}")
    print(f"sgemm {sgemm['n']}^3 torch.mm: {sgemm['median_ms']:.2f} ms, {sgemm['gflops']:.1f} GFLOP/s")

    if args.json:
        with open(args.json, "w") as f:
            json.dump({
                "torch_version": torch.__version__,
                "threads": torch.get_num_threads(),
                "training": training,
                "sgemm": sgemm,
            }, f, indent=1)
            f.write("\n")
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
