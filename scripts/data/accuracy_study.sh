#!/usr/bin/env bash
# The real-data accuracy study of docs/study/first-edition/STUDY.md §5: mnist1d-mlp, mnist1d-resnet and digits-mlp
# at 1 and 2 ranks with seeds 0-2, one run at a time; writes docs/study/first-edition/mnist1d-accuracy.csv.
# Needs the data files (python3 scripts/data/make_datasets.py) and a release build in .build-rc
# (swift build -c release --scratch-path .build-rc). About 5 minutes on 2 shared cores.
set -e
cd "$(dirname "$0")/../.."
export OPENBLAS_NUM_THREADS=1 OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl=self,vader,tcp
out=docs/study/first-edition/mnist1d-accuracy.csv
echo "dataset,model,preset,seed,ranks,val_accuracy,val_loss,steps,wall_seconds,command" > $out
for preset in mnist1d-mlp mnist1d-resnet digits-mlp; do
  for ranks in 1 2; do
    for seed in 0 1 2; do
      dir=runs/study/$preset-s$seed-r$ranks
      rm -rf $dir
      cmd="ddp-train --preset $preset --seed $seed --run-dir $dir"
      if [ $ranks = 2 ]; then cmd="mpirun -np 2 $cmd"; fi
      start=$(date +%s.%N)
      if [ $ranks = 2 ]; then
        mpirun -np 2 --oversubscribe .build-rc/release/ddp-train --preset $preset --seed $seed --run-dir $dir --quiet > /dev/null
      else
        .build-rc/release/ddp-train --preset $preset --seed $seed --run-dir $dir --quiet > /dev/null
      fi
      end=$(date +%s.%N)
      python3 - "$dir" "$preset" "$seed" "$ranks" "$cmd" "$start" "$end" >> $out <<'PY'
import json, sys
d, preset, seed, ranks, cmd, start, end = sys.argv[1:]
s = json.load(open(f"{d}/summary.json"))
f = s["final"]
dataset, model = preset.split("-")
print(f"{dataset},{model},{preset},{seed},{ranks},{f['val_accuracy']:.4f},{f['val_loss']:.4f},{s['steps']},{float(end)-float(start):.1f},\"{cmd}\"")
PY
      tail -1 $out
    done
  done
done
