#!/usr/bin/env bash
# Runs every ddp-train benchmark on this machine and prints the comparisons they exist for:
#
#   engine     one training step of four networks on one thread, ours and PyTorch eager,
#              alternated round by round, plus OpenBLAS sgemm
#   small-batch  the small-batch networks at batches 8, 32, 128: each step as a multiple of its
#              GEMM floor (the same sgemms alone) and of PyTorch's step, alternated round by round
#   optimizers   every optimizer's step over the study's MLP beside a pass over the same arrays
#              and PyTorch's optimizer.step(), alternated round by round
#   allreduce  DataParallel's gradient sync vs a raw MPI_Allreduce, at 2 and 4 ranks
#   scaling    data-parallel samples/s at 1, 2 and 4 ranks (with and without overlap),
#              beside PyTorch DDP (gloo) at the same world sizes
#   summary    ratios against their targets (ddp-bench summary)
#
# PyTorch is optional: without it (`python3 -c 'import torch'` fails) only our figures are
# measured. CI never runs this; a benchmark never fails on a number.
#
# Usage: scripts/bench.sh [RESULTS_DIR]
# Environment:
#   BENCH_SECONDS   timed seconds per engine workload (default 2)
#   BENCH_ROUNDS    engine rounds, each ours then PyTorch (default 3)
#   BENCH_STEPS     timed steps per scaling workload (default 50)
#   BENCH_RANKS     world sizes for scaling (default "1 2 4")
#   SCRATCH         SwiftPM scratch path for the release build (default .build-bench)
#   DDP_BENCH       a ddp-bench binary to use instead of building one
#
# Ranks share cores here: each rank gets one BLAS thread (OPENBLAS_NUM_THREADS=1), mpirun gets
# --oversubscribe, and multi-rank figures measure the machine as much as the code when there
# are fewer free cores than ranks.
set -euo pipefail

cd "$(dirname "$0")/.."
scratch=${SCRATCH:-.build-bench}
seconds=${BENCH_SECONDS:-2}
rounds=${BENCH_ROUNDS:-3}
steps=${BENCH_STEPS:-50}
ranks=${BENCH_RANKS:-"1 2 4"}
results=${1:-$scratch/bench-results/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$results"
results=$(cd "$results" && pwd)

export OPENBLAS_NUM_THREADS=1
if [ "$(id -u)" = 0 ]; then
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
mpirun=(mpirun --oversubscribe)

bench=${DDP_BENCH:-}
if [ -z "$bench" ]; then
    echo "== building ddp-bench (release, scratch $scratch)"
    swift build -c release --scratch-path "$scratch" --product ddp-bench
    bench="$scratch/release/ddp-bench"
fi

have_torch=false
if python3 -c 'import torch' 2>/dev/null; then have_torch=true; fi

echo "== machine"
lscpu | grep -E '^(Model name|CPU\(s\)|Thread|Core|Socket)' || true
uptime
echo "results: $results"

echo "== engine, $rounds rounds (ours, then PyTorch when installed)"
for round in $(seq 1 "$rounds"); do
    "$bench" engine --seconds "$seconds" --json "$results/engine-$round.json"
    if $have_torch; then
        (cd scripts && python3 bench_pytorch.py --seconds "$seconds" --json "$results/pytorch-$round.json")
    fi
done

echo "== small batches, $rounds rounds (ours beside the GEMM floor, then PyTorch when installed)"
for round in $(seq 1 "$rounds"); do
    "$bench" small-batch --seconds "$seconds" --json "$results/small-batch-$round.json"
    if $have_torch; then
        (cd scripts && python3 bench_pytorch.py --small-batch --seconds "$seconds" \
            --json "$results/pytorch-small-batch-$round.json")
    fi
done
python3 scripts/small_batch_table.py "$results"
python3 scripts/small_batch_table.py "$results" --targets

echo "== optimizer steps, $rounds rounds (ours beside a pass over the same arrays, then PyTorch when installed)"
for round in $(seq 1 "$rounds"); do
    "$bench" optimizers --seconds "$seconds" --json "$results/optimizers-$round.json"
    if $have_torch; then
        (cd scripts && python3 bench_pytorch.py --optimizers --seconds "$seconds" \
            --json "$results/pytorch-optimizers-$round.json")
    fi
done
python3 scripts/small_batch_table.py "$results" --optimizers

echo "== gradient sync vs raw allreduce"
for n in $ranks; do
    [ "$n" -ge 2 ] || continue
    "${mpirun[@]}" -np "$n" "$bench" allreduce --json "$results/allreduce-$n.json"
done

echo "== data-parallel scaling"
for n in $ranks; do
    if [ "$n" = 1 ]; then
        "$bench" scaling --steps "$steps" --json "$results/scaling-1.json"
    else
        "${mpirun[@]}" -np "$n" "$bench" scaling --steps "$steps" --json "$results/scaling-$n.json"
        "${mpirun[@]}" -np "$n" "$bench" scaling --steps "$steps" --no-overlap --workloads wide_mlp \
            --json "$results/scaling-$n-no-overlap.json"
    fi
done
if $have_torch; then
    with_4=""
    case " $ranks " in *" 4 "*) with_4="--with-4" ;; esac
    (cd scripts && python3 bench_pytorch_ddp.py $with_4 --steps "$steps" --json "$results/pytorch-ddp.json")
fi

echo "== summary"
"$bench" summary --results "$results" --json "$results/summary.json"
