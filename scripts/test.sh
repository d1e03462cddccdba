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
exec swift test -c release -Xswiftc -enable-testing --explicit-target-dependency-import-check error \
    --disable-swift-testing "$@"
