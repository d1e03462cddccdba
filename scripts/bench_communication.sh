#!/usr/bin/env bash
# Measures, side by side in one run, how ddp-train's gradient communication hides behind
# compute: overlap against --no-overlap, bucket sizes, 16-bit compression, over shared memory
# at 2 and 4 ranks and over an emulated 1 Gbit/s network (scripts/emulated-cluster.sh), plus
# PyTorch DDP (gloo) at 2 ranks for reference. A benchmark: it reports, it never fails on a
# number. The figures in docs/COMMUNICATION.md come from this script.
#
# Usage: scripts/bench_communication.sh [--out DIR] [--steps N] [--rate RATE] [--only REGEX] [--no-network] [--no-pytorch]
#
#   --out DIR     where runs, traces and report.md go (default: a new folder under /tmp)
#   --steps N     optimizer steps per timing run, all traced (default 30; the first 5 are dropped)
#   --rate RATE   emulated link rate (default 1gbit)
#   --only REGEX  run only the runs whose label matches (e.g. '^net-'); the report covers those
#   --no-network  skip the emulated-network runs (they need root for network namespaces)
#   --no-pytorch  skip the PyTorch DDP reference
#
# Model: the wide MLP (1024 inputs, 4 hidden ReLU layers of 1024, 10 outputs: 4.21 M
# parameters, 16.8 MB of Float32 gradients), per-rank batch 64 (256 in the runs labelled
# batch256), SGD, MSE on teacher data.
# Step time, communication time, the wait at the end of backward and bytes sent come from
# each run's Chrome trace (--trace); see scripts/communication_report.py for the definitions.
# The loss-curve runs train teacher-regression for 4 epochs (52 steps) at 2 ranks per
# compression mode.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
source scripts/setup-system.sh

out=""
steps=30
rate=1gbit
network=1
pytorch=1
only=.
while [ $# -gt 0 ]; do
    case "$1" in
        --out) out=$2; shift 2 ;;
        --steps) steps=$2; shift 2 ;;
        --rate) rate=$2; shift 2 ;;
        --only) only=$2; shift 2 ;;
        --no-network) network=0; shift ;;
        --no-pytorch) pytorch=0; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench_communication: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
done
[[ "$steps" =~ ^[0-9]+$ ]] && [ "$steps" -gt 5 ] || { echo "bench_communication: --steps must be more than 5" >&2; exit 2; }
out=${out:-${TMPDIR:-/tmp}/bench-communication-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"
out=$(cd "$out" && pwd)

bin=${DDP_TRAIN:-$repo/.build/release/ddp-train}
if [ ! -x "$bin" ]; then
    echo "bench_communication: building ddp-train (release)" >&2
    swift build -c release --product ddp-train >&2
fi
manifest="$out/manifest.tsv"
: > "$manifest"

wide=(--model mlp --input-features 1024 --depth 4 --width 1024 --activation relu --outputs 10
      --dataset teacher --loss mse --optimizer sgd --lr 0.01 --val-fraction 0 --no-shuffle
      --epochs 1 --log-every 1 --quiet)

# run LABEL RANKS NETWORK BUCKET_MB OVERLAP(on|off) COMPRESSION [PER_RANK_BATCH]
run() {
    local label=$1 ranks=$2 where=$3 bucket=$4 overlap=$5 compression=$6 batch=${7:-64}
    [[ "$label" =~ $only ]] || return 0
    local args=("${wide[@]}" --batch-size "$batch" --samples $((ranks * batch * steps)) --bucket-mb "$bucket"
                --grad-compression "$compression" --run-dir "$out/$label" --trace "$out/$label.json" --trace-steps "$steps")
    [ "$overlap" = off ] && args+=(--no-overlap)
    echo "bench_communication: $label" >&2
    if [ "$where" = shm ]; then
        mpirun -np "$ranks" "$bin" "${args[@]}" > "$out/$label.log" 2>&1
    else
        scripts/emulated-cluster.sh --hosts "$ranks" --rate "$rate" -- "$bin" "${args[@]}" > "$out/$label.log" 2>&1
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$ranks" "$where" "$bucket" "$overlap" "$compression" \
        "$out/$label" "$out/$label.json" "$batch" >> "$manifest"
}

for ranks in 2 4; do
    for bucket in 1 4 25 100; do run "shm-np$ranks-bucket$bucket" "$ranks" shm "$bucket" on none; done
    run "shm-np$ranks-bucket4-nooverlap" "$ranks" shm 4 off none
    run "shm-np$ranks-bucket25-nooverlap" "$ranks" shm 25 off none
    for compression in fp16 bf16; do run "shm-np$ranks-bucket4-$compression" "$ranks" shm 4 on "$compression"; done
done

if [ "$network" = 1 ]; then
    if why=$(scripts/emulated-cluster.sh --check 2>&1); then
        for bucket in 1 4 25; do
            run "net-np2-bucket$bucket" 2 "net-$rate" "$bucket" on none
            run "net-np2-bucket$bucket-nooverlap" 2 "net-$rate" "$bucket" off none
        done
        # 5 MB holds a 4 MiB weight and its bias: 5 buckets instead of 9 (fewer small messages).
        run "net-np2-bucket5" 2 "net-$rate" 5 on none
        run "net-np2-bucket5-nooverlap" 2 "net-$rate" 5 off none
        # More compute per byte: four times the per-rank batch.
        run "net-np2-batch256-bucket5" 2 "net-$rate" 5 on none 256
        run "net-np2-batch256-bucket5-nooverlap" 2 "net-$rate" 5 off none 256
        run "net-np2-bucket4-fp16" 2 "net-$rate" 4 on fp16
        run "net-np2-bucket4-fp16-nooverlap" 2 "net-$rate" 4 off fp16
        run "net-np4-bucket4" 4 "net-$rate" 4 on none
        run "net-np4-bucket4-nooverlap" 4 "net-$rate" 4 off none
    else
        echo "bench_communication: skipping the emulated network: $why" >&2
    fi
fi

for compression in none fp16 bf16; do
    label="loss-$compression"
    [[ "$label" =~ $only ]] || continue
    echo "bench_communication: $label" >&2
    mpirun -np 2 "$bin" --preset teacher-regression --epochs 4 --log-every 1 --quiet --grad-compression "$compression" \
        --run-dir "$out/$label" > "$out/$label.log" 2>&1
    printf '%s\t2\tshm\t25\ton\t%s\t%s\t-\t16\n' "$label" "$compression" "$out/$label" >> "$manifest"
done

{
    echo "# Communication benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, $steps steps per timing run"
    echo
    python3 scripts/communication_report.py "$manifest"
    if [ "$pytorch" = 1 ] && [[ pytorch =~ $only ]]; then
        echo
        echo "### PyTorch DDP (gloo) reference"
        echo
        echo '```'
        python3 scripts/bench_pytorch_ddp.py --warmup 5 --steps $((steps - 5)) --json "$out/pytorch.json" 2>&1 | grep -v '^wrote '
        echo '```'
    fi
    echo
    if [ -f "$out/shm-np2-bucket4.json" ]; then
        echo "### One trace, spans per rank and track"
        echo
        echo '```'
        python3 scripts/communication_report.py --describe "$out/shm-np2-bucket4.json"
        echo '```'
    fi
} | tee "$out/report.md"
echo "bench_communication: results in $out (report.md, manifest.tsv, one run directory, trace and log per run)" >&2
