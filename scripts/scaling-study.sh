#!/usr/bin/env bash
# Strong and weak scaling of ddp-train over a list of rank counts: throughput, efficiency, the
# communication share of step time and the time per phase, as a table and an HTML page with
# predicted (cost model) against measured throughput.
#
# Usage:
#   scripts/scaling-study.sh [options] [-- TRAIN FLAGS...]
#
#   --ranks LIST          rank counts, comma-separated (default 1,2,4)
#   --mode MODE           strong, weak or both (default both)
#   --global-batch N      strong scaling: the global batch split over the ranks (default 256)
#   --per-rank-batch N    weak scaling: each rank's batch (default 64)
#   --hostfile FILE       an Open MPI hostfile (hostfiles/README.md)
#   --oversubscribe       allow more ranks than slots (one machine with few cores)
#   --launcher CMD        instead of mpirun, as `ddp-train sweep --launcher`: a command line with
#                         {ranks}, e.g. 'scripts/emulated-cluster.sh --hosts {ranks} --rate 1gbit --'
#   --alpha-us A --beta-gbps B   allreduce cost for the model (default: measured at 2 ranks
#                         with the same launcher)
#   --out DIR             results (default runs/scaling-<timestamp>)
#   --ddp-train PATH      the binary (default: ddp-train on PATH, else .build/release/ddp-train)
#
# TRAIN FLAGS after -- set the model and data (default: --preset teacher-regression --epochs 3
# --samples 4096). Every rank count is one point of a `ddp-train sweep` (so an interrupted study
# resumes where it stopped), run one at a time so that points do not share cores.
#
# Writes, per mode, DIR/<mode>/summary.csv and report.html (the sweep's), table.txt (below) and
# scaling.html (predicted against measured throughput and efficiency).
#
# Example: scripts/scaling-study.sh --ranks 1,2,4,8 --hostfile hostfiles/cluster -- --preset teacher-regression
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
ranks=1,2,4
mode=both
global_batch=256
per_rank_batch=64
hostfile=""
oversubscribe=""
launcher=""
alpha=""
beta=""
out="runs/scaling-$(date -u +%Y%m%d-%H%M%S)"
ddp_train=""

die() { echo "scaling-study: error: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
    case "$1" in
        --ranks) ranks=${2:?--ranks needs a list like 1,2,4}; shift 2 ;;
        --mode) mode=${2:?--mode needs strong, weak or both}; shift 2 ;;
        --global-batch) global_batch=${2:?--global-batch needs a number}; shift 2 ;;
        --per-rank-batch) per_rank_batch=${2:?--per-rank-batch needs a number}; shift 2 ;;
        --hostfile) hostfile=${2:?--hostfile needs a file}; shift 2 ;;
        --oversubscribe) oversubscribe=1; shift ;;
        --launcher) launcher=${2:?--launcher needs a command line}; shift 2 ;;
        --alpha-us) alpha=${2:?--alpha-us needs a number}; shift 2 ;;
        --beta-gbps) beta=${2:?--beta-gbps needs a number}; shift 2 ;;
        --out) out=${2:?--out needs a directory}; shift 2 ;;
        --ddp-train) ddp_train=${2:?--ddp-train needs a path}; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        --) shift; break ;;
        *) die "unknown option '$1' (see --help); put training flags after --" ;;
    esac
done
train_flags=("$@")
[ ${#train_flags[@]} -gt 0 ] || train_flags=(--preset teacher-regression --epochs 3 --samples 4096)

[[ "$ranks" =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]] || die "--ranks '$ranks' must be whole numbers ≥ 1 separated by commas"
case "$mode" in strong) modes=(strong) ;; weak) modes=(weak) ;; both) modes=(strong weak) ;; *) die "--mode '$mode' is not strong, weak or both" ;; esac
[[ "$global_batch" =~ ^[1-9][0-9]*$ ]] || die "--global-batch '$global_batch' must be a positive whole number"
[[ "$per_rank_batch" =~ ^[1-9][0-9]*$ ]] || die "--per-rank-batch '$per_rank_batch' must be a positive whole number"
if [ -n "$alpha$beta" ] && { [ -z "$alpha" ] || [ -z "$beta" ]; }; then die "give both --alpha-us and --beta-gbps, or neither"; fi
if [ -n "$hostfile" ] && [ ! -f "$hostfile" ]; then die "--hostfile $hostfile: no such file"; fi
if [ -z "$ddp_train" ]; then
    ddp_train=$(command -v ddp-train || true)
    [ -n "$ddp_train" ] || ddp_train="$repo/.build/release/ddp-train"
fi
[ -x "$ddp_train" ] || die "no ddp-train binary at '$ddp_train'; build it (swift build -c release) or pass --ddp-train"

# The same launch options for the sweep points and for the α/β measurement.
launch=()
if [ -n "$launcher" ]; then
    launch+=(--launcher "$launcher")
else
    [ -n "$hostfile" ] && launch+=(--hostfile "$hostfile")
    [ -n "$oversubscribe" ] && launch+=(--oversubscribe)
fi
if [ "$(id -u)" = 0 ]; then export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1; fi
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}

# Runs `ddp-train scaling-model ARGS` on 2 ranks with the study's launcher, to measure α and β.
scaling_model_on_two_ranks() {
    if [ -n "$launcher" ]; then
        # shellcheck disable=SC2086  # the template is a command line, split on purpose
        ${launcher//\{ranks\}/2} "$ddp_train" scaling-model "$@"
    else
        local mpi=(mpirun -np 2 -x OPENBLAS_NUM_THREADS)
        [ -n "$hostfile" ] && mpi+=(--hostfile "$hostfile")
        [ -n "$oversubscribe" ] && mpi+=(--oversubscribe)
        "${mpi[@]}" "$ddp_train" scaling-model "$@"
    fi
}

# Prints the study table from a sweep's summary.csv: efficiency is throughput(P) / (P ×
# throughput(1)); comm share is gradient_sync over the step's phases.
table() {
    awk -F, '
        NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
        $col["status"] != "ok" { failed = failed " " $1; next }
        { n++; p[n] = $col["ranks"]; b[n] = $col["effective_batch"]; r[n] = $col["per_rank_batch"]
          x[n] = $col["samples_per_second"]; s[n] = $col["comm_share"]
          f[n] = $col["forward_ms"]; k[n] = $col["backward_ms"]; g[n] = $col["gradient_sync_ms"]; o[n] = $col["optimizer_ms"]
          if (p[n] == 1) one = x[n] }
        END {
          printf "%5s %13s %14s %11s %10s %10s %10s %10s %10s %12s\n", "ranks", "global batch", "per-rank batch",
                 "samples/s", "efficiency", "comm share", "fwd ms", "bwd ms", "sync ms", "optimizer ms"
          for (i = 1; i <= n; i++) {
            eff = one > 0 ? sprintf("%.1f%%", 100 * x[i] / (p[i] * one)) : "n/a"
            printf "%5d %13d %14d %11.0f %10s %9.1f%% %10.3f %10.3f %10.3f %12.3f\n", p[i], b[i], r[i], x[i], eff,
                   100 * s[i], f[i], k[i], g[i], o[i]
          }
          if (failed != "") printf "failed points:%s (see their failed.json)\n", failed
        }' "$1"
}

mkdir -p "$out"
status=0
for m in "${modes[@]}"; do
    dir="$out/$m"
    if [ "$m" = strong ]; then batch=(--global-batch-size "$global_batch"); else batch=(--batch-size "$per_rank_batch"); fi
    echo "== $m scaling over ranks $ranks: ${batch[*]} ${train_flags[*]}"
    "$ddp_train" sweep "${train_flags[@]}" "${batch[@]}" --grid "ranks=$ranks" --jobs 1 "${launch[@]}" --sweep-dir "$dir" || status=1
    table "$dir/summary.csv" | tee "$dir/table.txt"

    model=(--scaling "$m" "${train_flags[@]}" "${batch[@]}" --ranks "$ranks,8,16,32,64" --measured "$dir/summary.csv"
           --report "$dir/scaling.html")
    if [ -n "$alpha" ]; then
        "$ddp_train" scaling-model "${model[@]}" --alpha-us "$alpha" --beta-gbps "$beta" | tee "$dir/model.txt" || status=1
    else
        scaling_model_on_two_ranks "${model[@]}" | tee "$dir/model.txt" || status=1
    fi
    echo
done
echo "scaling-study: results in $out (per mode: table.txt, model.txt, report.html, scaling.html)"
exit $status
