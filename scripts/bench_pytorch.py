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


SMALL_BATCH_SAMPLES = 4096


def small_batch_workloads():
    """(name, description, model, inputs, labels or None, targets or None, optimizer factory), the
    networks of ``ddp-bench small-batch``: the same shapes, losses and optimizers."""
    torch.manual_seed(0)
    n = SMALL_BATCH_SAMPLES
    teacher = nn.Sequential(nn.Linear(10, 64), nn.ReLU(), *[m for _ in range(3) for m in (nn.Linear(64, 64), nn.ReLU())],
                            nn.Linear(64, 4))
    for m in teacher:
        if isinstance(m, nn.Linear):
            nn.init.kaiming_normal_(m.weight)
            nn.init.zeros_(m.bias)
    return [
        ("sigmoid_mlp", "MLP 32-8x128 sigmoid-10, CE, SGD m0.9", DeepNet(32, 128, 8, 10),
         torch.randn(n, 32), torch.arange(n) % 10, None,
         lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.9)),
        ("teacher_mlp", "teacher MLP 10-4x64 ReLU-4, CE, Adam", teacher,
         torch.randn(n, 10), torch.arange(n) % 4, None,
         lambda p: torch.optim.Adam(p, lr=1e-3)),
        ("resnet1d", "ResNet1d 10 blocks x64 ch, L10, MSE, Adam", ResNet(3, 64, 10, 1),
         torch.randn(n, 3, 10), None, torch.randn(n, 1, 10),
         lambda p: torch.optim.Adam(p, lr=1e-3)),
    ]


def bench_small_batch(seconds, batches):
    """Each small-batch workload at each batch: the fastest honest loop, indexing the dataset
    tensors by a shuffled permutation (no DataLoader), then zero_grad, forward, loss, backward,
    step."""
    results = []
    for name, description, model, inputs, labels, targets, make_optimizer in small_batch_workloads():
        for batch in batches:
            optimizer = make_optimizer(model.parameters())
            order = torch.randperm(SMALL_BATCH_SAMPLES)
            cursor = [0]
            criterion = nn.CrossEntropyLoss() if labels is not None else nn.MSELoss()
            wanted = labels if labels is not None else targets

            def step():
                if cursor[0] + batch > SMALL_BATCH_SAMPLES:
                    cursor[0] = 0
                index = order[cursor[0]:cursor[0] + batch]
                cursor[0] += batch
                optimizer.zero_grad()
                loss = criterion(model(inputs[index]), wanted[index])
                loss.backward()
                optimizer.step()

            times = time_steps(step, seconds, warmup=20)
            median = statistics.median(times)
            results.append({"name": name, "description": description, "batch": batch,
                            "median_us": median * 1e6, "iterations": len(times)})
    return results


def bench_sgemm(seconds, n=1024):
    a, b = torch.randn(n, n), torch.randn(n, n)
    out = torch.empty(n, n)
    times = time_steps(lambda: torch.mm(a, b, out=out), seconds)
    median = statistics.median(times)
    return {"n": n, "median_ms": median * 1e3, "gflops": 2 * n**3 / median / 1e9, "iterations": len(times)}


def optimizer_rules():
    """The rows of `ddp-bench optimizers`, with the same hyperparameters (PyTorch's defaults)."""
    o = torch.optim
    return [
        ("sgd", lambda p: o.SGD(p, lr=0.01)),
        ("momentum", lambda p: o.SGD(p, lr=0.01, momentum=0.9)),
        ("nesterov", lambda p: o.SGD(p, lr=0.01, momentum=0.9, nesterov=True)),
        ("dampening", lambda p: o.SGD(p, lr=0.01, momentum=0.9, dampening=0.1)),
        ("weight_decay", lambda p: o.SGD(p, lr=0.01, momentum=0.9, weight_decay=1e-4)),
        ("adam", lambda p: o.Adam(p, lr=1e-3)),
        ("adamw", lambda p: o.AdamW(p, lr=1e-3)),
        ("rmsprop", lambda p: o.RMSprop(p, lr=0.01)),
        ("rmsprop_centered", lambda p: o.RMSprop(p, lr=0.01, centered=True)),
        ("rmsprop_momentum", lambda p: o.RMSprop(p, lr=0.01, momentum=0.9)),
    ]


def bench_optimizers(seconds, width=128, depth=8):
    """optimizer.step() over the parameters of the MLP 10 -> depth x width ReLU -> 4, with fixed
    random gradients: PyTorch's default implementation on CPU (foreach where it chooses it)."""
    rows = []
    for name, make in optimizer_rules():
        torch.manual_seed(0)
        layers = [nn.Linear(10, width), nn.ReLU()]
        for _ in range(depth - 1):
            layers += [nn.Linear(width, width), nn.ReLU()]
        model = nn.Sequential(*layers, nn.Linear(width, 4))
        for p in model.parameters():
            p.grad = torch.randn_like(p)
        optimizer = make(model.parameters())
        cpu = []
        times = time_steps(optimizer.step, seconds, warmup=20, cpu_times=cpu)
        count = sum(p.numel() for p in model.parameters())
        rows.append({"name": name, "median_us": statistics.median(times) * 1e6,
                     "cpu_median_us": statistics.median(cpu) * 1e6, "parameters": count, "iterations": len(times)})
    return rows


def write_json(path, **figures):
    """Writes the figures beside PyTorch's version and thread count to `path` (if given)."""
    if not path:
        return
    with open(path, "w") as f:
        json.dump({"torch_version": torch.__version__, "threads": torch.get_num_threads(), **figures}, f, indent=1)
        f.write("\n")
    print(f"wrote {path}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="timed seconds per workload")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON to FILE")
    parser.add_argument("--small-batch", action="store_true",
                        help="only the small-batch workloads of `ddp-bench small-batch`")
    parser.add_argument("--batches", type=int, nargs="+", default=[8, 32, 128], help="with --small-batch")
    parser.add_argument("--optimizers", action="store_true",
                        help="only the optimizer steps of `ddp-bench optimizers`")
    args = parser.parse_args()

    torch.set_num_threads(1)
    if args.optimizers:
        rows = bench_optimizers(args.seconds)
        print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} thread, optimizer.step() over "
              f"{rows[0]['parameters']} parameters")
        print(f"{'optimizer':<17} {'us/step':>9} {'cpu us':>9} {'iters':>6}")
        for r in rows:
            print(f"{r['name']:<17} {r['median_us']:>9.1f} {r['cpu_median_us']:>9.1f} {r['iterations']:>6}")
        write_json(args.json, optimizers=rows)
        return
    if args.small_batch:
        rows = bench_small_batch(args.seconds, args.batches)
        print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} thread, small batches")
        print(f"{'workload':<12} {'batch':>5} {'us/step':>9} {'iters':>6}  description")
        for r in rows:
            print(f"{r['name']:<12} {r['batch']:>5} {r['median_us']:>9.1f} {r['iterations']:>6}  {r['description']}")
        write_json(args.json, small_batch=rows)
        return
    training = bench_training(args.seconds)
    sgemm = bench_sgemm(args.seconds)

    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} thread, {platform.processor() or platform.machine()}")
    print(f"{'workload':<14} {'params':>9} {'batch':>5} {'ms/step':>9} {'samples/s':>11} {'iters':>6}  description")
    for r in training:
        print(f"{r['name']:<14} {r['parameters']:>9} {r['batch']:>5} {r['median_ms']:>9.3f} "
              f"{r['samples_per_s']:>11.0f} {r['iterations']:>6}  {r['description']}")
    print(f"sgemm {sgemm['n']}^3 torch.mm: {sgemm['median_ms']:.2f} ms, {sgemm['gflops']:.1f} GFLOP/s")

    write_json(args.json, training=training, sgemm=sgemm)


if __name__ == "__main__":
    main()
