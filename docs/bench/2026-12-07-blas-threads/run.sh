#!/bin/bash
# The wide MLP (1024 → 4 × 1024 ReLU → 10) at global batch 64, 20 epochs of 1,024 samples
# (320 steps), with the thread count ddp-train picks and with the other choice, alternated.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
args=(--model mlp --input-features 1024 --depth 4 --width 1024 --activation relu --outputs 10
      --task classification --dataset seed-random --samples 1024 --global-batch-size 64 --epochs 20)
bin=${DDP_TRAIN:-ddp-train}
for round in 1 2 3; do
  for case in "1rank-auto" "1rank-1thread" "2ranks-auto" "2ranks-2threads" "2ranks-bound-auto"; do
    out=$case-$round; rm -rf $out
    case $case in
      1rank-auto) env -u OPENBLAS_NUM_THREADS $bin "${args[@]}" --run-dir $out ;;
      1rank-1thread) OPENBLAS_NUM_THREADS=1 $bin "${args[@]}" --run-dir $out ;;
      2ranks-auto) env -u OPENBLAS_NUM_THREADS mpirun -np 2 --bind-to none $bin "${args[@]}" --run-dir $out ;;
      2ranks-2threads) mpirun -np 2 --bind-to none -x OPENBLAS_NUM_THREADS=2 $bin "${args[@]}" --run-dir $out ;;
      2ranks-bound-auto) env -u OPENBLAS_NUM_THREADS mpirun -np 2 --bind-to core $bin "${args[@]}" --run-dir $out ;;
    esac > $out.log 2>&1
    echo "$case round $round exit $? $(grep -o 'OpenBLAS threads: [0-9]* ([^)]*)' $out.log | head -1)"
  done
done
