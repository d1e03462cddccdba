#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian machine with Swift, then runs the test suite
# (unit tests, and integration tests that launch the real ddp-train under real mpirun).
# Usage: scripts/test.sh [extra `swift test` arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup-system.sh
# Release mode: the tests train real (small) networks and launch real mpirun jobs; -Onone
# builds would make them several times slower than the extra compile time costs. Release is
# SwiftPM's -O (no -Ounchecked), so preconditions and bounds checks stay on under test.
# -enable-testing keeps @testable imports working in an optimized build.
# The import check fails the build when a target imports a module it does not declare.
# The suite is XCTest; without --disable-swift-testing the log would end on Swift Testing's
# "0 tests" line, which reads as if nothing ran.
# As root, a real one-node Slurm cluster for Tests/EndToEndTests/SlurmClusterTests.swift
# (scripts/slurm/local-cluster.sh installs slurm-wlm and munge when missing). Started here, once,
# and stopped when the tests end; a cluster someone else started is used and left running. If it
# cannot start, the tests say why (a failure under CI=true, a skip otherwise).
slurm_started=0
if [ "$(id -u)" -eq 0 ]; then
    slurm_dir=${SLURM_LOCAL_DIR:-/tmp/ddp-train-slurm}
    [ -f "$slurm_dir/pids" ] || slurm_started=1
    slurm_begin=$SECONDS
    if slurm_env=$(scripts/slurm/local-cluster.sh start); then
        eval "$slurm_env"
        echo "test: local Slurm cluster up in $(( SECONDS - slurm_begin )) s (SLURM_CONF=$SLURM_CONF)" >&2
    else
        slurm_started=0
        echo "test: the local Slurm cluster did not start; the Slurm tests will say why" >&2
    fi
fi
# Headless Chromium for Tests/EndToEndTests/BrowserPagesTests.swift (the HTML pages in a real
# browser); a failure under CI=true when it is missing, a skip otherwise.
if [ "$(id -u)" -eq 0 ] && ! command -v chromium > /dev/null; then
    echo "test: installing chromium with apt-get" >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium > /dev/null; } \
        || echo "test: could not install chromium; the browser tests will say so" >&2
fi
# iptables and python3 for the packet-loss-and-delay test (Tests/EndToEndTests/NetworkFaultTests.swift,
# through scripts/emulated-cluster.sh --loss --delay, which runs scripts/netdelay.py); without
# them that test fails saying so.
if [ "$(id -u)" -eq 0 ] && { ! command -v iptables > /dev/null || ! command -v python3 > /dev/null; }; then
    echo "test: installing iptables and python3 with apt-get" >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends iptables python3 > /dev/null; } \
        || echo "test: could not install iptables and python3; the packet-loss test will say so" >&2
fi
status=0
swift test -c release -Xswiftc -enable-testing --explicit-target-dependency-import-check error \
    --disable-swift-testing "$@" || status=$?
if [ "$slurm_started" = 1 ]; then scripts/slurm/local-cluster.sh stop || true; fi
exit "$status"
