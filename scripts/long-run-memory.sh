#!/usr/bin/env bash
# Trains the seed MLP for 100,000 steps and samples the process's resident memory
# (/proc/PID/status: VmRSS, and VmHWM, the peak so far) as it passes steps ~1k, ~10k and ~100k,
# to show whether memory grows with the length of a run (a leak per step would).
#
# Where the run is comes from its metrics.jsonl (one step record every --log-every 1000 steps),
# so a sample is taken within one logging interval after the step named (the "at step" column).
# The last sample is the last one before the process exits (the run ends at step 100,000).
#
# Usage: scripts/long-run-memory.sh [RUN_DIR]
# Environment:
#   DDP_TRAIN   the ddp-train binary (default: .build-int/release/ddp-train, then .build/release/ddp-train)
#   STEPS       epochs of the seed preset, one step each (default 100000)
set -euo pipefail

cd "$(dirname "$0")/.."
steps=${STEPS:-100000}
binary=${DDP_TRAIN:-}
if [[ -z "$binary" ]]; then
    for candidate in .build-int/release/ddp-train .build/release/ddp-train; do
        [[ -x "$candidate" ]] && { binary=$candidate; break; }
    done
fi
[[ -x "${binary:-}" ]] || { echo "long-run-memory.sh: no ddp-train binary; build with swift build -c release" >&2; exit 2; }
run_dir=${1:-$(mktemp -d)/run}
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}

"$binary" --preset seed-sigmoid-mlp --epochs "$steps" --log-every 1000 --quiet --run-dir "$run_dir" &
pid=$!
start=$(date +%s.%N)

# The step of the newest step record in metrics.jsonl, 0 before the first.
current_step() {
    local line
    line=$(grep '"type":"step"' "$run_dir/metrics.jsonl" 2>/dev/null | tail -n 1) || true
    [[ -n "$line" ]] || { echo 0; return; }
    sed -E 's/.*"step":([0-9]+).*/\1/' <<<"$line"
}
field() { awk -v f="$1:" '$1 == f { print $2 }' "/proc/$pid/status" 2>/dev/null; }

targets=(1000 10000 "$steps")
next=0
rows=()
last_row=""
while kill -0 "$pid" 2>/dev/null; do
    step=$(current_step)
    rss=$(field VmRSS); hwm=$(field VmHWM)
    [[ -n "$rss" ]] || break
    elapsed=$(awk -v s="$start" -v n="$(date +%s.%N)" 'BEGIN { printf "%.1f", n - s }')
    last_row="$step $elapsed $rss $hwm"
    # The final target is sampled as late as possible: the last sample before exit (below).
    if (( next < ${#targets[@]} - 1 )) && (( step >= targets[next] )); then
        rows+=("${targets[next]} $last_row")
        next=$((next + 1))
    fi
    sleep 0.2
done
wait "$pid" || { echo "long-run-memory.sh: ddp-train failed" >&2; exit 1; }
rows+=("${targets[-1]} $last_row")

printf '%-12s %-10s %-10s %-12s %-12s\n' "target" "at step" "seconds" "VmRSS kB" "VmHWM kB"
for row in "${rows[@]}"; do
    read -r target step elapsed rss hwm <<<"$row"
    printf '%-12s %-10s %-10s %-12s %-12s\n' "$target" "$step" "$elapsed" "$rss" "$hwm"
done
echo "metrics: $run_dir/metrics.jsonl ($(grep -c '"type":"step"' "$run_dir/metrics.jsonl") step records)"
