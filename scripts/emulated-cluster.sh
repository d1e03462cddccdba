#!/usr/bin/env bash
# Runs an MPI job across an emulated cluster on this one machine: N network namespaces act as
# hosts, each with its own address on a private bridge (hostfiles/emulated-cluster:
# 10.77.0.1, 10.77.0.2, ...), every link shaped by `tc` tbf to --rate in both directions. The
# ranks talk over TCP only (no shared memory), as on separate machines.
#
# Usage:
#   scripts/emulated-cluster.sh [--hosts N] [--rate RATE] [--slots S] [--np P] -- PROGRAM [ARGS...]
#   scripts/emulated-cluster.sh --check     # can this machine create network namespaces?
#
#   --hosts N   emulated hosts (default 2, at most the lines of hostfiles/emulated-cluster)
#   --rate R    link rate per direction, as tc writes it: 100mbit, 1gbit, 10gbit (default 1gbit)
#   --slots S   ranks per host (default 1)
#   --np P      ranks in all (default N × S)
#
# Example: scripts/emulated-cluster.sh --hosts 2 --rate 1gbit -- .build/release/ddp-train --preset teacher-regression
#
# How: a "switch" namespace holds a bridge; each host namespace gets one end of a veth pair
# (eth0, its address, a tbf qdisc) and the switch the other end (a tbf qdisc too, for the
# other direction). mpirun runs in the first host's namespace and starts its daemons on the
# others through scripts/emulated-cluster-agent.sh, which plays ssh by running the daemon's
# command with `ip netns exec HOST sh -c "$cmd"`. Open MPI is told to use only the bridge's
# subnet for its out-of-band channel and for the TCP transport, and no shared memory
# (--mca btl tcp,self, pml ob1).
#
# Needs root (or CAP_NET_ADMIN and CAP_SYS_ADMIN) for `ip netns`. Touches nothing outside the
# namespaces it creates (no address, route or link in the machine's own namespace), and
# removes them, and the processes left in them, on every exit, failures and Ctrl-C included.
# Prints "emulated-cluster: ..." lines on standard error; the job's own output is unchanged.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
hostfile_plan="$repo/hostfiles/emulated-cluster"
agent="$repo/scripts/emulated-cluster-agent.sh"
hosts=2
rate=1gbit
slots=1
np=""

say() { echo "emulated-cluster: $*" >&2; }
die() { say "error: $*"; exit 2; }

# Whether namespaces can be made here; prints why not.
check() {
    if ! command -v ip >/dev/null || ! command -v tc >/dev/null; then
        echo "the 'ip' and 'tc' commands are missing (Debian package iproute2)"; return 1
    fi
    local probe="ddpemu-check-$$" why
    if ! why=$(ip netns add "$probe" 2>&1); then
        echo "cannot create a network namespace (ip netns add: ${why:-failed}); run as root with CAP_SYS_ADMIN and CAP_NET_ADMIN"
        return 1
    fi
    ip netns del "$probe" 2>/dev/null || true
}

while [ $# -gt 0 ]; do
    case "$1" in
        --hosts) hosts=${2:?--hosts needs a number}; shift 2 ;;
        --rate) rate=${2:?--rate needs a rate such as 1gbit}; shift 2 ;;
        --slots) slots=${2:?--slots needs a number}; shift 2 ;;
        --np) np=${2:?--np needs a number}; shift 2 ;;
        --check) if why=$(check); then echo "emulated-cluster: network namespaces work"; exit 0; else echo "$why"; exit 1; fi ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        --) shift; break ;;
        *) die "unknown option '$1' (see --help); put the program after --" ;;
    esac
done
[ $# -ge 1 ] || die "no program given: scripts/emulated-cluster.sh [options] -- PROGRAM [ARGS...]"
[[ "$hosts" =~ ^[1-9][0-9]*$ ]] || die "--hosts '$hosts' must be a positive whole number"
[[ "$slots" =~ ^[1-9][0-9]*$ ]] || die "--slots '$slots' must be a positive whole number"
[ -z "$np" ] && np=$((hosts * slots))
[[ "$np" =~ ^[1-9][0-9]*$ ]] || die "--np '$np' must be a positive whole number"
[[ "$rate" =~ ^([0-9]+(\.[0-9]+)?)(bit|kbit|mbit|gbit)$ ]] || die "--rate '$rate' must look like 100mbit, 1gbit or 2.5gbit"
rate_number=${BASH_REMATCH[1]}
rate_unit=${BASH_REMATCH[3]}
why=$(check) || die "$why"

mapfile -t addresses < <(grep -v '^[[:space:]]*#' "$hostfile_plan" | awk 'NF { print $1 }')
[ "$hosts" -le "${#addresses[@]}" ] || die "--hosts $hosts: $hostfile_plan lists only ${#addresses[@]} hosts; add lines there"
subnet="${addresses[0]%.*}.0/24"

program=$1
shift
if [[ "$program" != */* ]]; then
    found=$(command -v "$program" || true)
    program=${found:-$repo/.build/release/$program}
fi
[ -x "$program" ] || die "'$program' is not an executable program"
program=$(cd "$(dirname "$program")" && pwd)/$(basename "$program")

# Token bucket: 1 ms of traffic at the line rate (at least 16 kB), so bursts stay short.
burst=$(awk -v r="$rate_number" -v u="$rate_unit" 'BEGIN {
    m = (u == "gbit") ? 1e9 : (u == "mbit") ? 1e6 : (u == "kbit") ? 1e3 : 1
    b = r * m / 8 / 1000; if (b < 16000) b = 16000; printf "%d", b }')

prefix="ddpemu$$"
switch="$prefix-sw"
namespaces=()
workdir=$(mktemp -d "${TMPDIR:-/tmp}/emulated-cluster.XXXXXX")

cleanup() {
    local status=$? ns pids
    trap - EXIT INT TERM
    # End what still runs inside our namespaces (daemons, ranks), by pid, then remove them.
    for signal in TERM KILL; do
        for ns in "${namespaces[@]}"; do
            pids=$(ip netns pids "$ns" 2>/dev/null || true)
            [ -n "$pids" ] && kill "-$signal" $pids 2>/dev/null || true
        done
        [ "$signal" = TERM ] && sleep 0.3
    done
    for ns in "${namespaces[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
    rm -rf "$workdir"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

make_namespace() {
    namespaces+=("$1")
    ip netns add "$1"
    ip -n "$1" link set lo up
}

make_namespace "$switch"
ip -n "$switch" link add br0 type bridge
ip -n "$switch" link set br0 up
pairs=""
: > "$workdir/hostfile"
for ((i = 0; i < hosts; i++)); do
    host="$prefix-h$i"
    make_namespace "$host"
    # Created directly inside the two namespaces: no interface ever appears in ours.
    ip link add eth0 netns "$host" type veth peer name "h$i" netns "$switch"
    ip -n "$switch" link set "h$i" master br0 up
    ip -n "$host" addr add "${addresses[$i]}/24" dev eth0
    ip -n "$host" link set eth0 up
    ip netns exec "$host" tc qdisc replace dev eth0 root tbf rate "$rate" burst "$burst" latency 50ms
    ip netns exec "$switch" tc qdisc replace dev "h$i" root tbf rate "$rate" burst "$burst" latency 50ms
    pairs+="${addresses[$i]}=$host "
    echo "${addresses[$i]} slots=$slots" >> "$workdir/hostfile"
done
say "$hosts hosts (${addresses[*]:0:$hosts}) on $subnet, links $rate each way, $np rank(s), namespaces $prefix-*"

export EMULATED_CLUSTER_NAMESPACES="$pairs"
if [ "$(id -u)" -eq 0 ]; then export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1; fi
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
# Hosts have `slots` cores each; ranks beyond that share them, as on an oversubscribed node.
set +e
ip netns exec "$prefix-h0" mpirun --hostfile "$workdir/hostfile" -np "$np" --oversubscribe \
    --mca plm_rsh_agent "$agent" --mca plm_rsh_no_tree_spawn 1 \
    --mca oob_tcp_if_include "$subnet" --mca btl_tcp_if_include "$subnet" \
    --mca btl tcp,self --mca pml ob1 \
    "$program" "$@"
status=$?
set -e
[ "$status" -eq 0 ] || say "mpirun exited with status $status"
exit "$status"
