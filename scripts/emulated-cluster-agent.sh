#!/bin/sh
# Open MPI's "remote shell" for the emulated cluster (see scripts/emulated-cluster.sh): mpirun
# calls it as ssh, `AGENT [options] HOST COMMAND...`, to start its daemon on HOST. Here HOST
# is an address on the emulated bridge, and "logging in" means entering that host's network
# namespace. Like ssh, it joins the command words with spaces and hands them to a shell.
#
# EMULATED_CLUSTER_NAMESPACES holds "ADDRESS=NAMESPACE" pairs separated by spaces.
set -eu
while [ $# -gt 0 ]; do
    case "$1" in
        -*) shift ;;  # ssh-style options (plm_rsh_args): nothing to do for a namespace
        *) break ;;
    esac
done
if [ $# -lt 2 ]; then
    echo "emulated-cluster-agent: usage: $0 HOST COMMAND..." >&2
    exit 255
fi
host=$1
shift
namespace=""
for pair in ${EMULATED_CLUSTER_NAMESPACES:-}; do
    if [ "${pair%%=*}" = "$host" ]; then namespace=${pair#*=}; fi
done
if [ -z "$namespace" ]; then
    echo "emulated-cluster-agent: '$host' is not a host of this emulated cluster (${EMULATED_CLUSTER_NAMESPACES:-none set})" >&2
    exit 255
fi
exec ip netns exec "$namespace" sh -c "$*"
