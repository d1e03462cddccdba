#!/usr/bin/env bash
# Regenerates the study of docs/STUDY.md (second edition): every part is one or more
# `ddp-train critical-batch` runs (steps to a target against batch size, the learning rate tuned
# per batch and architecture, 5 evaluation seeds, the critical batch with bootstrap intervals, the
# noise scale beside it). Resumable: run it again after an interruption and finished trials are
# reused. Each run's critical-batch.json and .csv are copied to docs/study/<run>/, and
# scripts/study_report.py draws the figures and writes docs/study/tables.md from those copies.
#
# Usage:
#   scripts/study.sh [--quick] [--out DIR] [--ddp-train PATH] [--jobs N] [PART...]
#
#   PART        architectures, nodes, remedies, optimizers, lr-rules, digits, ranks, depth, mnist1d,
#               hosts
#               (default: all, in that order)
#   --quick     a smoke run: batches 64 and 1024, 2 seeds, 1000 steps, into DIR-quick; nothing
#               is copied to docs/study
#   --out DIR   where the studies go (default runs/study2)
#   --jobs N    trials side by side (default 2: this machine's cores)
#   --ddp-train PATH   the binary (default .build/release/ddp-train)
#
# The headline task: teacher classification (4 classes from a random ReLU teacher, 10 features),
# 32,768 samples of which 2,048 are held out, so batch 1024 is 3 % of an epoch. Target: validation
# accuracy 0.75, the highest the pilot's depth-8 sigmoid network reached at batches 32 and 512
# within 5,000 steps on most seeds. Evaluated at steps growing by 10 % (the crossing is known
# within 10 %). Every number in docs/STUDY.md comes from these files; the time each run took is
# in its run.log.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
out=runs/study2
ddp_train="$repo/.build/release/ddp-train"
jobs=2
quick=0
parts=()
all=(architectures nodes remedies optimizers lr-rules digits ranks depth mnist1d hosts)
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) quick=1; shift ;;
        --out) out=${2:?--out needs a directory}; shift 2 ;;
        --jobs) jobs=${2:?--jobs needs a number}; shift 2 ;;
        --ddp-train) ddp_train=${2:?--ddp-train needs a path}; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        -*) echo "study: unknown flag '$1' (see --help)" >&2; exit 2 ;;
        *)
            case " ${all[*]} " in *" $1 "*) parts+=("$1"); shift ;;
                *) echo "study: unknown part '$1'; choose from: ${all[*]}" >&2; exit 2 ;; esac ;;
    esac
done
[ ${#parts[@]} -gt 0 ] || parts=("${all[@]}")
[ -x "$ddp_train" ] || { echo "study: no ddp-train at '$ddp_train'; build it (swift build -c release) or pass --ddp-train" >&2; exit 2; }

if [ "$(id -u)" = 0 ]; then export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1; fi
export OPENBLAS_NUM_THREADS=1 OMPI_MCA_rmaps_base_oversubscribe=1

# The headline part (architectures) runs every power of two from 8 to 1024; the parts that change
# one thing against it run the powers of four, which is what the compute budget allowed.
headline_batches=8,16,32,64,128,256,512,1024
batches=16,64,256,1024
# The target ladder's rungs (validation accuracy; chance is 0.25, the study's target the top).
ladder=0.55,0.6,0.65,0.7,0.75
seeds=5
max_steps=3000
if [ "$quick" = 1 ]; then
    batches=64,1024
    headline_batches=$batches
    seeds=2
    max_steps=1000
    out="$out-quick"
fi
mkdir -p "$out"
status=0
for part in "${parts[@]}"; do
    if [[ $part == mnist1d || $part == digits ]] && [ ! -f "${DDP_TRAIN_DATA:-data}/digits_train_x.npy" ]; then
        echo "study: writing the real data sets (scripts/data/make_datasets.py; needs pip install mnist1d scikit-learn)"
        python3 "$repo/scripts/data/make_datasets.py" || { echo "study: no data for part $part" >&2; exit 2; }
        break
    fi
done

# One critical-batch run into $out/NAME, its log beside it, its results copied to docs/study/NAME.
study() {
    local name=$1
    shift
    echo "== $name"
    local begin=$SECONDS
    # --epochs far past --max-steps: the presets' epoch counts would otherwise end a large-batch
    # trial first (20 epochs of 30,720 samples at batch 1024 are 600 steps) and censor it early.
    if "$ddp_train" critical-batch --study-dir "$out/$name" --jobs "$jobs" --seeds "$seeds" \
            --epochs 100000 --max-steps "$max_steps" "$@" 2>&1 | tee -a "$out/$name.log"; then
        echo "study: $name took $(( SECONDS - begin )) s" | tee -a "$out/$name.log"
        if [ "$quick" = 0 ]; then
            mkdir -p "$repo/docs/study/$name"
            cp "$out/$name/critical-batch.json" "$out/$name/critical-batch.csv" "$repo/docs/study/$name/"
            cp "$out/$name.log" "$repo/docs/study/$name/run.log"
            # The target ladder, read from the evaluation trials' validation curves (teacher
            # parts: their target is the top rung).
            if [[ " $* " == *" val_accuracy>=0.75 "* ]] && [[ $name != ranks-* ]]; then
                python3 "$repo/scripts/study_collect_ladder.py" "$out/$name" "$ladder" > "$repo/docs/study/$name/ladder.csv"
            fi
            # Each layer's noise scale at the crossing, for the headline part.
            if [ "$name" = architectures ]; then
                python3 "$repo/scripts/study_collect_layers.py" "$out/$name" > "$repo/docs/study/$name/layers.csv"
            fi
        fi
    else
        echo "study: $name failed; rerun the same command to resume it" >&2
        status=1
    fi
}

# The headline task and network; each part changes one thing.
teacher=(--preset teacher-classification --samples 32768 --val-fraction 0.0625 --depth 8 --width 128
         --target 'val_accuracy>=0.75' --eval-schedule geometric:0.1 --batch-sizes "$batches")

for part in "${parts[@]}"; do
    case "$part" in
    architectures)
        # Activation × initialization at depth 8, width 128, Adam.
        study architectures "${teacher[@]:0:${#teacher[@]}-2}" --batch-sizes "$headline_batches" \
            --grid activation=sigmoid,tanh,relu --grid initializer=torch-default,kaiming-normal ;;
    nodes)
        # How many ranks are worth it per architecture: `ddp-train time-to-target` on the
        # architectures' fits, at 32 samples per rank, up to 64 ranks; compute measured here, the
        # shared-memory α and β measured under mpirun -np 2, the networks' assumed.
        echo "== nodes"
        if mpirun -np 2 "$ddp_train" time-to-target --study "$out/architectures" --per-rank-batch 32 \
                > "$out/nodes.log" 2>&1; then
            cat "$out/nodes.log"
            if [ "$quick" = 0 ]; then
                cp "$out/architectures/time-to-target.json" "$out/nodes.log" "$repo/docs/study/architectures/"
            fi
        else
            cat "$out/nodes.log" >&2
            echo "study: nodes failed (it needs the architectures part first)" >&2
            status=1
        fi ;;
    hosts)
        # Wall time to target on 1, 2 and 4 emulated hosts (network namespaces joined by a shaped
        # link, scripts/emulated-cluster.sh; needs root) at 1 and 10 Gbit/s, against
        # time-to-target's forecast, for ReLU/Kaiming at 16 samples per rank (batches 16, 32 and
        # 64, all measured by `architectures`).
        echo "== hosts"
        mkdir -p "$out/hosts"
        ln -sfn "$(cd "$out/architectures" && pwd)/trials" "$out/hosts/trials"
        cp "$out/architectures/critical-batch.json" "$out/hosts/"
        if mpirun -np 2 "$ddp_train" time-to-target --study "$out/hosts" --per-rank-batch 16 > "$out/hosts.log" 2>&1; then
            checked=1
            for rate in 1gbit 10gbit; do
                python3 "$repo/scripts/check_time_to_target.py" --study "$out/hosts" --ranks "$([ "$quick" = 1 ] && echo 1,4 || echo 1,2,4)" --emulated "$rate" \
                    --network "$rate" --architecture relu_initializerkaiming --ddp-train "$ddp_train" \
                    > "$out/hosts/check-$rate.md" || checked=0
                cat "$out/hosts/check-$rate.md"
            done
            # A failed check leaves a partial table: keep the committed one.
            [ "$checked" = 1 ] || { status=1; echo "study: hosts: a check failed; docs/study/hosts is left as it was" >&2; }
            if [ "$quick" = 0 ] && [ "$checked" = 1 ]; then
                mkdir -p "$repo/docs/study/hosts"
                cp "$out/hosts/time-to-target.json" "$out/hosts"/check-*.md "$out/hosts.log" "$repo/docs/study/hosts/"
            fi
        else
            cat "$out/hosts.log" >&2
            echo "study: hosts failed (it needs the architectures part first)" >&2
            status=1
        fi ;;
    remedies)
        # The seed's remedies for the sigmoid network at PyTorch's default init: BatchNorm, identity
        # skips, both. (The plain network is in `architectures`.)
        study remedies-batchnorm "${teacher[@]}" --activation sigmoid --init torch-default \
            --batch-norm --grid residual=false,true
        study remedies-skips "${teacher[@]}" --activation sigmoid --init torch-default --residual ;;
    depth)
        # Depth's effect at one activation: tanh at PyTorch's default init, depths 4 and 16 (8 is
        # in `architectures`).
        study depth "${teacher[@]}" --activation tanh --init torch-default --grid depth=4,16 ;;
    optimizers)
        # Momentum SGD (0.9) against Adam (in `architectures`, `remedies`) on two architectures.
        study optimizers-sgd-relu "${teacher[@]}" --activation relu --init kaiming-normal \
            --optimizer sgd --momentum 0.9 --lr 0.03
        study optimizers-sgd-sigmoid-bn "${teacher[@]}" --activation sigmoid --init torch-default \
            --batch-norm --optimizer sgd --momentum 0.9 --lr 0.1 ;;
    lr-rules)
        # The learning-rate scaling rules against the tuned rate: from the rate tuned at the
        # smallest batch that reached the target (part `architectures`), no / square-root /
        # linear scaling with 10 warmup steps (the ReLU network reaches the target in 17-100 steps)
        # at every larger batch, seeds 1-5 (the tuned
        # medians use the same seeds). One `ddp-train sweep` per architecture; each point's
        # summary.json is collected into docs/study/lr-rules-<arch>/points.csv.
        for arch in relu:kaiming-normal sigmoid:torch-default; do
            activation=${arch%%:*} init=${arch#*:}
            name="lr-rules-$activation"
            # Over the powers of four only, like the other parts (the headline's extra batches
            # would multiply this sweep's points).
            read -r base_batch base_lr larger < <(python3 - "$out/architectures/critical-batch.json" "$activation" "$init" "$batches" <<'PY'
import json, sys
study, activation, init, batches = sys.argv[1:]
batches = {int(b) for b in batches.split(",")}
for a in json.load(open(study))["architectures"]:
    if a["config"]["activation"] == activation and a["config"]["initializer"] == init:
        a["batches"] = [b for b in a["batches"] if b["batch_size"] in batches]
        tuned = [b for b in a["batches"] if b.get("lr") and b.get("verdict") == "reached"]
        base = min(tuned, key=lambda b: b["batch_size"])
        larger = [str(b["batch_size"]) for b in a["batches"] if b["batch_size"] > base["batch_size"]]
        print(base["batch_size"], base["lr"], ",".join(larger))
PY
)
            [ -n "${larger:-}" ] || { echo "study: $name needs the architectures part first" >&2; status=1; continue; }
            echo "== $name (tuned at batch $base_batch: lr $base_lr; rules at batches $larger)"
            begin=$SECONDS
            if "$ddp_train" sweep "${teacher[@]:0:${#teacher[@]}-2}" --activation "$activation" --init "$init" \
                    --lr "$base_lr" --base-batch-size "$base_batch" --warmup-steps 10 --epochs 100000 \
                    --max-steps "$max_steps" --grid lrScaling=none,sqrt,linear --grid globalBatchSize="$larger" \
                    --grid seed=$(seq -s, 1 "$seeds") --jobs "$jobs" --sweep-dir "$out/$name" 2>&1 | tee -a "$out/$name.log"; then
                echo "study: $name took $(( SECONDS - begin )) s" | tee -a "$out/$name.log"
                if [ "$quick" = 0 ]; then
                    mkdir -p "$repo/docs/study/$name"
                    python3 "$repo/scripts/study_collect_points.py" "$out/$name" "$base_batch" "$base_lr" \
                        > "$repo/docs/study/$name/points.csv"
                    cp "$out/$name.log" "$repo/docs/study/$name/run.log"
                fi
            else
                echo "study: $name failed; rerun the same command to resume it" >&2
                status=1
            fi
        done ;;
    ranks)
        # The same global batch as 2 and 4 ranks (one rank is remedies-batchnorm's BatchNorm
        # network), with synced BatchNorm (must agree) and without (per-rank statistics over a
        # quarter of the batch at 4 ranks). One trial at a time: 4 ranks already oversubscribe
        # 2 cores.
        study ranks-synced "${teacher[@]}" --activation sigmoid --init torch-default --batch-norm \
            --sync-batch-norm --grid ranks=2,4 --jobs 1
        study ranks-unsynced "${teacher[@]}" --activation sigmoid --init torch-default --batch-norm \
            --grid ranks=4 --jobs 1 ;;
    mnist1d)
        # The seed's Conv1d ResNet as a classifier on MNIST-1D (4,000 train, the official 1,000
        # test as validation), with and without skips. Batches to 256 only, capped at 1,500
        # steps: a step at 1024 costs about 0.3 s here. Needs scripts/data/make_datasets.py's files.
        study mnist1d-resnet --preset mnist1d-resnet --target 'val_accuracy>=0.7' --eval-schedule geometric:0.1 \
            --batch-sizes "$([ "$quick" = 1 ] && echo 16,256 || echo 16,64,256)" --max-steps 1500 --grid residual=true,false ;;
    digits)
        # Replication on scikit-learn's digits (1,437 train / 360 test), ReLU MLP, Adam.
        study digits-mlp --preset digits-mlp --target 'val_accuracy>=0.9' --eval-schedule geometric:0.1 \
            --batch-sizes "$batches" ;;
    esac
done

if [ "$quick" = 0 ] && [ -f "$repo/scripts/study_report.py" ]; then
    python3 "$repo/scripts/study_report.py" "$repo/docs/study" || status=1
fi
exit $status
