#!/bin/bash
# Evaluation's share of a critical-batch study under two schedules, same study otherwise.
# Run from an empty directory; DDP_TRAIN names the binary (default: ddp-train on PATH).
set -u
for sched in "geometric --eval-schedule geometric:0.05" "every6 --eval-every 6"; do
  set -- $sched; name=$1; shift
  start=$(date +%s.%N)
  OPENBLAS_NUM_THREADS=1 ${DDP_TRAIN:-ddp-train} critical-batch --preset teacher-classification --samples 32768 \
    --val-fraction 0.0625 --depth 8 --width 128 --activation sigmoid --target 'val_accuracy>=0.75' "$@" \
    --batch-sizes 16,64,256,1024 --seeds 3 --max-steps 3000 --epochs 100000 --jobs 1 --study-dir $name > $name.log 2>&1
  echo "$name exit $? wall $(echo "$(date +%s.%N) - $start" | bc)" >> times.txt
done
