#!/bin/bash
# What the per-step metrics line costs: the same runs as run.sh at global batch 8, with a
# metrics line every step (the default) and every 100 steps, by both binaries, three rounds.
set -u
for round in 1 2 3; do
  for every in 1 100; do
    for label in before after; do
      bin=$BEFORE; [ $label = after ] && bin=$AFTER
      out=le$every-$label-$round; rm -rf $out
      OPENBLAS_NUM_THREADS=1 $bin --preset teacher-classification --global-batch-size 8 --epochs 20 \
        --log-every $every --run-dir $out > $out.log 2>&1 || echo "$out failed"
    done
  done
done
