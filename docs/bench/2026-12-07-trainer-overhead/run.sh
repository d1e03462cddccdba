#!/bin/bash
# The trainer's own step at small batches: teacher-classification (10 -> 4 x 64 ReLU -> 4, Adam)
# at global batches 8, 32 and 128, about 4,100 steps each (20 epochs at batch 8), one process, one BLAS thread,
# the binary before and after, alternated round by round. BEFORE and AFTER name the binaries.
set -u
for round in 1 2 3 4 5; do
  for batch in 8 32 128; do
    epochs=$((20 * batch / 8))
    for label in before after; do
      bin=$BEFORE; [ $label = after ] && bin=$AFTER
      out=b$batch-$label-$round; rm -rf $out
      OPENBLAS_NUM_THREADS=1 $bin --preset teacher-classification --global-batch-size $batch --epochs $epochs \
        --run-dir $out > $out.log 2>&1 || echo "$out failed"
    done
  done
done
