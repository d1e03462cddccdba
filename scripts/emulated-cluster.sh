#!/usr/bin/env bash
# Runs an MPI job across an emulated cluster on this one machine: N network namespaces act as
# hosts, each with its own address on a private bridge (hostfiles/emulated-cluster:
# 10.77.0.1, 10.77.0.2, ...), every link shaped by `tc` tbf to --rate in both directions. The
# ranks talk over TCP only (no shared memory), as on separate machines.
#
# Usage:
#   scripts/emulated-cluster.sh [--hosts N] [--rate RATE] [--slots S] [--np P]
#                               [--loss PERCENT] [--delay MS [--jitter MS]]
#                               [--link-down-after S --link-down-for S|forever]
#                               -- PROGRAM [ARGS...]
#   scripts/emulated-cluster.sh --check     # can this machine create network namespaces?
#
#   --hosts N   emulated hosts (default 2, at most the lines of hostfiles/emulated-cluster)
#   --rate R    link rate per direction, as tc writes it: 100mbit, 1gbit, 10gbit (default 1gbit)
#   --slots S   ranks per host (default 1)
#   --np P      ranks in all (default N × S)
#
# Faults (docs/RELIABILITY.md):
#   --loss P              drop P % of the IP packets each host receives, at random (0-100,
#                         decimals allowed; default 0). Needs iptables (Debian package iptables):
#                         an iptables `statistic` rule on each host's INPUT. At the end, one
#                         line says how many packets were dropped of how many received.
#   --delay MS            hold every IP packet a host sends for MS ms before it leaves (a one-way
#                         delay; a round trip between two hosts takes twice it)...
#   --jitter MS           ...give or take up to MS ms, uniformly (default 0; at most --delay).
#                         Packets held for different times overtake each other, as under
#                         `tc netem delay MS JITTER`. Not netem, which this machine's kernel may
#                         lack: an iptables NFQUEUE rule on each host's OUTPUT and
#                         scripts/netdelay.py in each host's namespace (needs iptables and
#                         python3). At the end, one line per host says how many packets were
#                         held and for how long.
#   --link-down-after S   S seconds after mpirun starts, take the last host's link down (its
#                         port on the switch: the host loses carrier, nothing gets through)...
#   --link-down-for S     ...for S seconds, then up again; `forever`: it never comes back.
#                         The two go together. Each change is a line with the seconds since
#                         mpirun started; so is mpirun's exit.
#
# Example: scripts/emulated-cluster.sh --hosts 2 --rate 1gbit -- .build/release/ddp-train --preset teacher-regression
#
# How: a "switch" namespace holds a bridge; each host namespace gets one end of a veth pair
# (eth0, its address, a tbf qdisc) and the switch the other end (a tbf qdisc too, for the
# other direction). mpirun runs in the first host's namespace and starts its daemons on the
# others through scripts/emulated-cluster-agent.sh, which plays ssh by running the daemon's
# command with `ip netns exec HOST sh -c "$cmd"`. Open MPI is told to use only the bridge's
# subnet for its out-of-band channel and for the TCP transport, and no shared memory
# (--mca btl tcp,self, pml ob1). Rarely (twice in one session, on 4 hosts) one host's daemon
# never starts and mpirun waits for it forever; orte_startup_timeout does not end that wait.
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
loss=0
delay=""
jitter=0
down_after=""
down_for=""

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
        --loss) loss=${2:?--loss needs a percentage such as 1}; shift 2 ;;
        --delay) delay=${2:?--delay needs a number of milliseconds}; shift 2 ;;
        --jitter) jitter=${2:?--jitter needs a number of milliseconds}; shift 2 ;;
        --link-down-after) down_after=${2:?--link-down-after needs a number of seconds}; shift 2 ;;
        --link-down-for) down_for=${2:?--link-down-for needs a number of seconds or forever}; shift 2 ;;
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
seconds='^([0-9]+(\.[0-9]*)?|\.[0-9]+)$'
[[ "$loss" =~ $seconds ]] && awk -v p="$loss" 'BEGIN { exit !(p <= 100) }' \
    || die "--loss '$loss' must be a percentage from 0 to 100, such as 1 or 0.5"
loss_probability=$(awk -v p="$loss" 'BEGIN { printf "%.6f", p / 100 }')
if awk -v p="$loss" 'BEGIN { exit !(p > 0) }'; then
    command -v iptables >/dev/null || die "--loss needs iptables, which is not installed (Debian package iptables)"
else
    loss=0
fi
if [ -n "$delay" ]; then
    [[ "$delay" =~ $seconds ]] || die "--delay '$delay' must be a number of milliseconds, such as 20"
    [[ "$jitter" =~ $seconds ]] && awk -v j="$jitter" -v d="$delay" 'BEGIN { exit !(j <= d) }' \
        || die "--jitter '$jitter' must be a number of milliseconds no larger than --delay ($delay)"
    command -v iptables >/dev/null || die "--delay needs iptables, which is not installed (Debian package iptables)"
    command -v python3 >/dev/null || die "--delay needs python3 (scripts/netdelay.py), which is not installed"
elif [ "$jitter" != 0 ]; then
    die "--jitter goes with --delay (a delay of --delay ms, give or take --jitter)"
fi
if [ -n "$down_after" ] || [ -n "$down_for" ]; then
    [ -n "$down_after" ] && [ -n "$down_for" ] || die "--link-down-after and --link-down-for go together (the link goes down after S seconds, for S seconds or forever)"
    [[ "$down_after" =~ $seconds ]] || die "--link-down-after '$down_after' must be a number of seconds"
    if [ "$down_for" != forever ]; then
        [[ "$down_for" =~ $seconds ]] && awk -v s="$down_for" 'BEGIN { exit !(s > 0) }' \
            || die "--link-down-for '$down_for' must be a positive number of seconds, or forever"
    fi
    [ "$hosts" -ge 2 ] || die "--link-down-after needs --hosts 2 or more (the last host's link goes down)"
fi
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

lossy=()          # host namespaces with the --loss rules
delayers=()       # the --delay programs' pids, one per host
faults_pid=""     # the background job that takes the link down and up
started=""        # $EPOCHREALTIME when mpirun started

# Seconds since mpirun started, one decimal.
elapsed() { awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

# The --loss rules' counters, summed over the hosts: "dropped D of R packets received".
report_loss() {
    local ns received=0 dropped=0 retransmitted=0 counts
    for ns in "${lossy[@]}"; do
        # Rule 1 counts every packet in on eth0, rule 2 is the DROP (iptables -L -v -x: pkts first).
        counts=$(ip netns exec "$ns" iptables -L INPUT -v -n -x 2>/dev/null | awk 'NR > 2 { printf "%s ", $1 }') || continue
        set -- $counts
        received=$((received + ${1:-0}))
        dropped=$((dropped + ${2:-0}))
        # TCP's own count of segments it sent again (the namespace's /proc/net/snmp).
        counts=$(ip netns exec "$ns" awk '$1 == "Tcp:" { if (!n) { for (i = 1; i <= NF; i++) if ($i == "RetransSegs") c = i; n = 1 } else print $c }' /proc/net/snmp 2>/dev/null) || continue
        retransmitted=$((retransmitted + ${counts:-0}))
    done
    say "loss $loss %: dropped $dropped of $received packets the hosts received ($(awk -v d="$dropped" -v r="$received" \
        'BEGIN { printf "%.2f", r ? 100 * d / r : 0 }') %); TCP retransmitted $retransmitted segments"
}

# Stops the --delay programs; each writes its figures, which are said host by host.
report_delay() {
    local i
    [ "${#delayers[@]}" -gt 0 ] || return 0
    kill -TERM "${delayers[@]}" 2>/dev/null || true
    for i in "${!delayers[@]}"; do
        wait "${delayers[$i]}" 2>/dev/null || true
        say "delay $delay ± $jitter ms, host $i: $(cat "$workdir/delay-$i" 2>/dev/null || echo 'no figures (netdelay.py ended early)')"
    done
    delayers=()
}

cleanup() {
    local status=$? ns pids
    trap - EXIT INT TERM
    if [ -n "$faults_pid" ]; then kill "$faults_pid" 2>/dev/null || true; wait "$faults_pid" 2>/dev/null || true; fi
    [ "${#lossy[@]}" -eq 0 ] || report_loss || true
    report_delay || true
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
    if [ "$loss" != 0 ]; then
        # Every IP packet in on eth0: counted by the first rule, dropped at random by the second.
        lossy+=("$host")
        ip netns exec "$host" iptables -A INPUT -i eth0
        ip netns exec "$host" iptables -A INPUT -i eth0 -m statistic --mode random --probability "$loss_probability" -j DROP
    fi
    if [ -n "$delay" ]; then
        # The program first, then the rule: a packet queued with no program reading is lost.
        ip netns exec "$host" python3 "$repo/scripts/netdelay.py" --delay "$delay" --jitter "$jitter" --seed "$i" \
            --report "$workdir/delay-$i" > "$workdir/delay-$i.ready" 2>&1 &
        delayers+=($!)
        for _ in $(seq 100); do grep -q ready "$workdir/delay-$i.ready" 2>/dev/null && break; sleep 0.05; done
        grep -q ready "$workdir/delay-$i.ready" || die "scripts/netdelay.py did not start on host $i: $(cat "$workdir/delay-$i.ready")"
        ip netns exec "$host" iptables -A OUTPUT -o eth0 -j NFQUEUE --queue-num 0
    fi
    pairs+="${addresses[$i]}=$host "
    echo "${addresses[$i]} slots=$slots" >> "$workdir/hostfile"
done
say "$hosts hosts (${addresses[*]:0:$hosts}) on $subnet, links $rate each way, $np rank(s), namespaces $prefix-*"
[ "$loss" = 0 ] || say "loss: each host drops $loss % of the IP packets it receives, at random (iptables statistic)"
[ -z "$delay" ] || say "delay: each host holds the IP packets it sends for $delay ± $jitter ms (NFQUEUE, scripts/netdelay.py)"

# --link-down-after/--link-down-for: the last host's port on the switch goes down (its eth0
# loses carrier) and, unless forever, up again. A background job; cleanup ends it.
link_faults() {
    local last=$((hosts - 1)) sleeper
    local port="h$last" name="host $last (${addresses[$last]})"
    trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
    sleep "$down_after" & sleeper=$!
    wait "$sleeper"
    ip -n "$switch" link set "$port" down
    say "$(elapsed) s: link of $name down$([ "$down_for" = forever ] && echo ' for good' || echo " for $down_for s")"
    [ "$down_for" != forever ] || exit 0
    sleep "$down_for" & sleeper=$!
    wait "$sleeper"
    ip -n "$switch" link set "$port" up
    say "$(elapsed) s: link of $name up again"
}

export EMULATED_CLUSTER_NAMESPACES="$pairs"
if [ "$(id -u)" -eq 0 ]; then export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1; fi
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
# Hosts have `slots` cores each; ranks beyond that share them, as on an oversubscribed node.
started=$EPOCHREALTIME
if [ -n "$down_after" ]; then link_faults & faults_pid=$!; fi
# In the background, waited for: a SIGTERM or Ctrl-C to this script then runs its trap at
# once (bash runs traps only after a foreground command ends, and mpirun may never end: see
# --link-down-for forever). stdin stays the script's (not /dev/null, as for `&` alone).
set +e
ip netns exec "$prefix-h0" mpirun --hostfile "$workdir/hostfile" -np "$np" --oversubscribe \
    --mca plm_rsh_agent "$agent" --mca plm_rsh_no_tree_spawn 1 \
    --mca oob_tcp_if_include "$subnet" --mca btl_tcp_if_include "$subnet" \
    --mca btl tcp,self --mca pml ob1 \
    "$program" "$@" <&0 &
wait $!
status=$?
set -e
if [ "$status" -ne 0 ] || [ -n "$down_after" ] || [ "$loss" != 0 ] || [ -n "$delay" ]; then
    say "mpirun exited with status $status after $(elapsed) s"
fi
exit "$status"
