#!/bin/bash
# A trial's cost outside its own training and evaluation: the same small critical-batch study
# (31 one-rank trials of a few dozen steps) by the binary before (BEFORE, the supervisor polled
# its trials every 20 ms) and after (AFTER, woken when a trial ends), alternated three times.
set -u
for round in 1 2 3; do
  for label in poll wake; do
    bin=$BEFORE; [ $label = wake ] && bin=$AFTER
    rm -rf s-$label-$round
    OPENBLAS_NUM_THREADS=1 $bin critical-batch --preset teacher-classification --samples 32768 --val-fraction 0.0625 \
      --depth 8 --width 128 --activation relu --init kaiming-normal --target 'val_accuracy>=0.75' \
      --eval-schedule geometric:0.1 --batch-sizes 64,256 --seeds 3 --max-steps 300 --epochs 100000 --jobs 1 \
      --study-dir s-$label-$round > s-$label-$round.log 2>&1
  done
done
