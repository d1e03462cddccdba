#!/usr/bin/env bash
# A real one-node Slurm cluster on this machine, for the tests that submit
# scripts/slurm/ddp-train.sbatch (Tests/EndToEndTests/SlurmClusterTests.swift).
#
#   scripts/slurm/local-cluster.sh start   # install slurm-wlm and munge if missing, start the daemons
#   scripts/slurm/local-cluster.sh stop    # stop only the daemons that `start` started
#   scripts/slurm/local-cluster.sh env     # print `export SLURM_CONF=…` for the clients
#
# Needs root (slurmd runs jobs as their user; munged and the daemons' state dirs). No systemd:
# the daemons are started by hand and their PIDs recorded in $DIR/pids, so `stop` never touches
# a munged or slurmd that something else started. Everything lives under DIR
# (SLURM_LOCAL_DIR, default /tmp/ddp-train-slurm): slurm.conf, state, spool, logs. The clients
# (sbatch, sinfo, scontrol) find the cluster through SLURM_CONF=$DIR/slurm.conf, which `start`
# prints; /etc/slurm is left alone.
set -euo pipefail

DIR=${SLURM_LOCAL_DIR:-/tmp/ddp-train-slurm}
CONF=$DIR/slurm.conf
PIDS=$DIR/pids
log() { echo "local-cluster: $*" >&2; }

install_missing() {
    local need=()
    command -v slurmctld > /dev/null && command -v slurmd > /dev/null && command -v sbatch > /dev/null \
        || need+=(slurm-wlm)
    command -v munged > /dev/null || need+=(munge)
    [ ${#need[@]} -eq 0 ] && return 0
    log "installing ${need[*]} with apt-get"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" > /dev/null
}

write_conf() {
    mkdir -p "$DIR/state" "$DIR/spool"
    # CPUs=2 whatever the machine has (config_overrides): the tests ask for 2 tasks, and a
    # 2-core CI machine is the target. linuxproc and task/none need no cgroups, which
    # containers often lack; MpiDefault=none so that the job script chooses (--mpi=pmix).
    cat > "$CONF" <<EOF
ClusterName=ddptrain
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
SlurmctldPort=6817
SlurmdPort=6818
AuthType=auth/munge
# cred_expire is also how long a requeued job waits before it may start again (default 120 s);
# 10 s keeps the pre-emption test short and still covers a step's launch on a loaded machine.
AuthInfo=cred_expire=10
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/slurmctld.log
SlurmdLogFile=$DIR/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
SlurmdParameters=config_overrides
ReturnToService=2
SchedulerType=sched/backfill
# Look at pending jobs (a requeued one) every 2 s rather than every 60 s.
SchedulerParameters=sched_interval=2,bf_interval=2
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
# Finished jobs stay visible to scontrol for 10 minutes (the tests read their exit codes).
MinJobAge=600
KillWait=10
NodeName=localhost CPUs=2 RealMemory=1000 State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
}

munge_works() { munge -n 2> /dev/null | unmunge > /dev/null 2>&1; }

start_munge() {
    if munge_works; then log "munged already running; using it"; return 0; fi
    [ -s /etc/munge/munge.key ] || { mungekey --create 2> /dev/null || create-munge-key -f; }
    chown munge:munge /etc/munge/munge.key 2> /dev/null || true
    chmod 400 /etc/munge/munge.key
    mkdir -p /run/munge /var/lib/munge /var/log/munge
    chown munge:munge /run/munge /var/lib/munge /var/log/munge 2> /dev/null || true
    # munged refuses to run as root without --force: run it as the munge user, which owns the key.
    if id munge > /dev/null 2>&1; then
        runuser -u munge -- munged
    else
        munged --force
    fi
    for _ in $(seq 50); do munge_works && break; sleep 0.1; done
    munge_works || { log "munged did not start"; return 1; }
    echo "munged $(pgrep -n -x munged)" >> "$PIDS"
}

node_idle() { SLURM_CONF=$CONF sinfo -h -n localhost -o %t 2> /dev/null | grep -qx 'idle'; }

# Closes the descriptors above stderr that this script inherited (bash keeps its own script
# on 255). The daemons fork from here and would hold them open for good: a caller that waits for
# its child's end through a pipe of its own (Foundation's Process, which LocalSlurm's tests use
# when they start the cluster themselves) then waits forever.
close_inherited_fds() {
    local fd
    for fd in /proc/$$/fd/*; do
        fd=${fd##*/}
        case $fd in 0|1|2|255) ;; *) eval "exec $fd>&-" 2> /dev/null || true ;; esac
    done
}

start() {
    [ "$(id -u)" -eq 0 ] || { log "needs root"; exit 1; }
    close_inherited_fds
    if [ -f "$PIDS" ] && node_idle; then log "already up ($CONF)"; echo "export SLURM_CONF=$CONF"; return 0; fi
    install_missing
    write_conf
    : > "$PIDS"
    start_munge
    export SLURM_CONF=$CONF
    slurmctld -f "$CONF"
    for _ in $(seq 50); do [ -s "$DIR/slurmctld.pid" ] && break; sleep 0.1; done
    echo "slurmctld $(cat "$DIR/slurmctld.pid")" >> "$PIDS"
    slurmd -f "$CONF" -N localhost
    for _ in $(seq 50); do [ -s "$DIR/slurmd.pid" ] && break; sleep 0.1; done
    echo "slurmd $(cat "$DIR/slurmd.pid")" >> "$PIDS"
    # A node that was down in a previous life comes back with ReturnToService=2; make sure.
    for i in $(seq 300); do
        node_idle && break
        [ "$i" = 50 ] && scontrol update nodename=localhost state=resume 2> /dev/null || true
        sleep 0.1
    done
    if ! node_idle; then
        log "the node did not become idle; sinfo says:"; sinfo >&2 || true
        tail -n 20 "$DIR/slurmctld.log" "$DIR/slurmd.log" >&2 || true
        stop; exit 1
    fi
    log "up: $(sinfo -h -o '%P %D %t %C')"
    echo "export SLURM_CONF=$CONF"
}

stop() {
    [ -f "$PIDS" ] || { log "nothing recorded in $PIDS; nothing to stop"; return 0; }
    # Daemons in reverse order of start; only the PIDs recorded, and only if the name matches.
    tac "$PIDS" | while read -r name pid; do
        [ -n "$pid" ] || continue
        if [ "$(cat "/proc/$pid/comm" 2> /dev/null)" = "$name" ]; then
            kill "$pid"
            for _ in $(seq 50); do kill -0 "$pid" 2> /dev/null || break; sleep 0.1; done
            log "stopped $name ($pid)"
        fi
    done
    rm -f "$PIDS"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    env) echo "export SLURM_CONF=$CONF" ;;
    *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
