#!/usr/bin/env bash
# Reproduces the runs behind docs/STUDY.md: four small sweeps and a scaling study, each a
# `ddp-train sweep` (resumable: run again after an interruption and only unfinished points run).
#
# Usage:
#   scripts/study.sh [--out DIR] [--ddp-train PATH] [PART...]
#
#   PART       vanishing, resnet, batch-lr, scaling (default: all four, in that order)
#   --out DIR  where the sweeps go (default runs/study); each part's summary.csv is also
#              copied to docs/study/<part>.csv
#   --ddp-train PATH   the binary (default .build/release/ddp-train)
#
# On a 2-core machine the whole study takes about 5 minutes.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
out=runs/study
ddp_train="$repo/.build/release/ddp-train"
parts=()
while [ $# -gt 0 ]; do
    case "$1" in
        --out) out=${2:?--out needs a directory}; shift 2 ;;
        --ddp-train) ddp_train=${2:?--ddp-train needs a path}; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        vanishing|resnet|batch-lr|scaling) parts+=("$1"); shift ;;
        *) echo "study: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
[ ${#parts[@]} -gt 0 ] || parts=(vanishing resnet batch-lr scaling)
[ -x "$ddp_train" ] || { echo "study: no ddp-train at '$ddp_train'; build it or pass --ddp-train" >&2; exit 2; }

if [ "$(id -u)" = 0 ]; then export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1; fi
export OPENBLAS_NUM_THREADS=1 OMPI_MCA_rmaps_base_oversubscribe=1
mkdir -p "$out" "$repo/docs/study"
status=0

for part in "${parts[@]}"; do
    echo "== $part"
    case "$part" in
    vanishing)
        # The seed MLP (10 sigmoid layers of 128, full batch 100, SGD 0.01): the first step's
        # vanishing factor is the network at initialization, the last one after 100 epochs.
        "$ddp_train" sweep --preset seed-sigmoid-mlp --epochs 100 \
            --grid initializer=torch-default,kaiming-normal \
            --grid activation=sigmoid,relu,leaky-relu,elu,tanh \
            --grid seed=0,1,2 --jobs 1 --sweep-dir "$out/vanishing" || status=1
        "$ddp_train" sweep --preset seed-sigmoid-mlp --epochs 100 \
            --grid initializer=torch-default,kaiming-normal \
            --grid batchNorm=false,true --grid residual=false,true \
            --grid seed=0,1,2 --jobs 1 --sweep-dir "$out/vanishing-bn-residual" || status=1
        # BatchNorm at a fixed global batch of 100 over 1, 2, 4 ranks: per-rank statistics
        # (25 samples at 4 ranks) against statistics synced over the global batch.
        "$ddp_train" sweep --preset seed-sigmoid-mlp --epochs 100 --batch-norm \
            --grid syncBatchNorm=false,true --grid ranks=1,2,4 \
            --jobs 1 --sweep-dir "$out/batchnorm-ranks" || status=1
        cp "$out/vanishing-bn-residual/summary.csv" "$repo/docs/study/vanishing-bn-residual.csv"
        cp "$out/batchnorm-ranks/summary.csv" "$repo/docs/study/batchnorm-ranks.csv"
        ;;
    resnet)
        # The seed ResNet1d (10 residual blocks of 64 channels, Adam 1e-3), with and without skips.
        "$ddp_train" sweep --preset seed-resnet1d --epochs 100 \
            --grid residual=true,false --grid seed=0,1,2 --jobs 1 --sweep-dir "$out/resnet" || status=1
        ;;
    batch-lr)
        # A fixed per-rank batch of 16 or 64 at 1, 2 and 4 ranks (effective batch 16 … 256), SGD
        # with momentum 0.9, each learning rate unscaled (none) and scaled by effective batch / 16
        # (linear).
        # Diagnostics every 5 steps give the gradient noise scale at 2 and 4 ranks.
        "$ddp_train" sweep --preset teacher-regression --epochs 10 --optimizer sgd --momentum 0.9 \
            --base-batch-size 16 --diagnostics-every 5 \
            --grid activation=relu,sigmoid --grid lrScaling=none,linear \
            --grid lr=0.001,0.003,0.01,0.03,0.1 --grid batchSize=16,64 --grid ranks=1,2,4 \
            --jobs 1 --sweep-dir "$out/batch-lr" || status=1
        ;;
    scaling)
        # Weak scaling of the seed MLP on shared memory, against the cost model.
        "$repo/scripts/scaling-study.sh" --ranks 1,2,4 --mode weak --per-rank-batch 64 --oversubscribe \
            --ddp-train "$ddp_train" --out "$out/scaling" \
            -- --preset seed-sigmoid-mlp --epochs 3 --samples 2048 || status=1
        ;;
    esac
    for csv in "$out/$part/summary.csv" "$out/$part/weak/summary.csv"; do
        [ -f "$csv" ] && cp "$csv" "$repo/docs/study/$part.csv"
    done
    [ -f "$out/$part/weak/model.txt" ] && cp "$out/$part/weak/model.txt" "$repo/docs/study/scaling-model.txt"
    [ -f "$out/$part/weak/table.txt" ] && cp "$out/$part/weak/table.txt" "$repo/docs/study/scaling-table.txt"
done
python3 "$repo/docs/study/tables.py" "$out" > "$repo/docs/study/tables.md" || status=1
exit $status
