#!/usr/bin/env bash
# Builds and runs one libFuzzer target for SECONDS, then keeps what it found.
#
#   scripts/fuzz.sh NAME SECONDS
#   NAME: npy | safetensors | csv | config | hostfile | checkpoint | grid
#
# The target (Fuzz/NAME.swift) is compiled with `swiftc -sanitize=fuzzer` into .build-fuzz/
# (git-ignored), so libFuzzer's coverage reaches the parser: for the DataFormats parsers,
# together with that module's sources; for config, hostfile and checkpoint (Training) and grid
# (Experiments), against the package's library modules built by SwiftPM with the same flag in
# .build-fuzz/spm (libraries only: no executable is linked there). Nothing here touches the
# normal build. The run starts from the committed corpus, and at the end new inputs are
# minimized (-merge=1) and copied, with every crash input, into the corpus folder that the
# unit tests replay. The last lines printed are libFuzzer's figures: executions and `cov:`.
set -euo pipefail
cd "$(dirname "$0")/.."

name=${1:?usage: scripts/fuzz.sh NAME SECONDS (NAME: npy, safetensors, csv, config, hostfile, checkpoint, grid)}
seconds=${2:?usage: scripts/fuzz.sh NAME SECONDS}
case "$name" in
    npy|safetensors|csv) module=DataFormats; corpus=Tests/DataFormatsTests/Fixtures/corpus/$name; ext=$name ;;
    config) module=Training; corpus=Tests/TrainingTests/Fixtures/corpus/config; ext=json ;;
    hostfile) module=Training; corpus=Tests/TrainingTests/Fixtures/corpus/hostfile; ext=txt ;;
    checkpoint) module=Training; corpus=Tests/TrainingTests/Fixtures/corpus/checkpoint; ext=json ;;
    # Each input is both a grid file and, line by line, --grid flags (Fuzz/grid.swift).
    grid) module=Experiments; corpus=Tests/ExperimentsTests/Fixtures/corpus/grid; ext=txt ;;
    *) echo "fuzz.sh: unknown target '$name' (npy, safetensors, csv, config, hostfile, checkpoint, grid)" >&2; exit 2 ;;
esac

work=.build-fuzz/$name
# Artifacts of earlier runs were copied to the corpus then; count only this run's.
rm -rf "$work/artifacts"
mkdir -p "$work/corpus" "$work/artifacts" "$work/merged"
binary=.build-fuzz/fuzz-$name
# -Onone would be easier to debug, but -O finds more per second; bounds checks stay on.
if [ "$module" = DataFormats ]; then
    swiftc -sanitize=fuzzer -parse-as-library -O -module-name "$module" -package-name ddp_train \
        Sources/$module/*.swift Fuzz/FuzzCheck.swift "Fuzz/$name.swift" -o "$binary"
else
    spm=.build-fuzz/spm
    swift build -c release --scratch-path "$spm" --target "$module" -Xswiftc -sanitize=fuzzer >&2
    products=$spm/release
    objects=()
    deps=(Autograd NN Collectives DataParallelism DataFormats Reporting Training CKernels Logging)
    # Experiments and what it adds to Training's dependencies (Package.swift).
    if [ "$module" = Experiments ]; then deps+=(RunReports Experiments); fi
    for dep in "${deps[@]}"; do
        objects+=("$products/$dep.build"/*.o)
    done
    mpi_include=$(pkg-config --cflags-only-I ompi-c | sed 's/-I/-Xcc -I/g')
    # shellcheck disable=SC2086  # word splitting of the include flags is wanted
    swiftc -sanitize=fuzzer -parse-as-library -O "Fuzz/$name.swift" -o "$binary" -I "$products/Modules" \
        -Xcc -fmodule-map-file=Sources/CMPI/module.modulemap -Xcc -fmodule-map-file=Sources/CBLAS/module.modulemap \
        -Xcc -fmodule-map-file="$products/CKernels.build/module.modulemap" -Xcc -I -Xcc Sources/CKernels/include \
        $mpi_include "${objects[@]}" $(pkg-config --libs ompi-c openblas)
fi

cp -n "$corpus"/* "$work/corpus/" 2>/dev/null || true
log=$work/run.log
set +e
# Let libFuzzer, not the Swift runtime's backtracer, handle a trap, so it saves the input.
export SWIFT_BACKTRACE=enable=no
"$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/" "$work/corpus" >"$log" 2>&1
status=$?
set -e

# Minimize: merge into a copy of the committed corpus, so only inputs that add coverage to
# it are new; inputs over 4 KiB are left out of the repository (the seeds cover large files).
rm -rf "$work/merged" "$work/seed" "$work/merge.ctl" && mkdir -p "$work/merged" "$work/seed"
cp "$corpus"/* "$work/seed/" 2>/dev/null || true
cp "$corpus"/* "$work/merged/" 2>/dev/null || true
"$binary" -merge=1 -max_len=4096 -merge_control_file="$work/merge.ctl" "$work/merged" "$work/corpus" >"$work/merge.log" 2>&1 || true
added=0
for input in "$work/merged"/*; do
    [ -f "$input" ] || continue
    base=$(basename "$input")
    [ -e "$work/seed/$base" ] && continue
    cp "$input" "$corpus/fuzz-${base:0:16}.$ext"; added=$((added + 1))
done
crashes=0
for input in "$work/artifacts"/*; do
    [ -f "$input" ] || continue
    base=$(basename "$input")
    cp "$input" "$corpus/crash-$(date -u +%Y-%m-%d)-fuzz-${base#*-}.$ext"; crashes=$((crashes + 1))
done

grep -E '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE|INITED)' "$log" | tail -1 || true
grep -E '^stat::number_of_executed_units|^Done [0-9]+ runs' "$log" || true
echo "fuzz.sh: $name: libFuzzer exit $status; $added new minimized input(s) and $crashes crash input(s) copied to $corpus; log $log"
