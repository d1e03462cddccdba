#!/bin/bash
# The small-batch and optimizer benchmarks of issue 20 at the end of the session: the ddp-bench
# of the session's start (BEFORE) and of its end (AFTER), and PyTorch, alternated round by round,
# one BLAS thread. Run from the repository root; RESULTS is where the JSON files go.
set -eu
export OPENBLAS_NUM_THREADS=1
for round in 1 2 3; do
  $BEFORE small-batch --seconds 1 --json "$RESULTS/before/small-batch-$round.json"
  $AFTER small-batch --seconds 1 --json "$RESULTS/small-batch-$round.json"
  (cd scripts && python3 bench_pytorch.py --small-batch --seconds 1 --json "$RESULTS/pytorch-small-batch-$round.json")
  $BEFORE optimizers --seconds 1 --json "$RESULTS/before/optimizers-$round.json"
  $AFTER optimizers --seconds 1 --json "$RESULTS/optimizers-$round.json"
  (cd scripts && python3 bench_pytorch.py --optimizers --seconds 1 --json "$RESULTS/pytorch-optimizers-$round.json")
done
