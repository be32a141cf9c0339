#!/usr/bin/env bash
# The cluster fault test as a soak: FAULTS rounds (default 100) of a
# campaign, its results and feeds on a 3-master Redis Cluster with a
# replica each, with one fault a round: kill -9 of the master of inspectd's
# slot, of another master, of inspectd, and every fifth round a restart of
# the whole cluster, during the publication or while results come in.
# After each round: every task, result, event to the credit platform and
# feed exactly once, and the daemon still running (the checks of
# tests/integration/test_cluster.c, which runs 20 rounds in the suite).
#   bench/cluster_soak.sh [FAULTS]
set -eu
cd "$(dirname "$0")/.."
faults=${1:-100}
deploy/install-deps.sh --test >/dev/null
# A build of its own: a rebuild of build/ meanwhile would pull inspectd
# from under the daemon restarts.
b=build-soak
[ -d $b ] || meson setup $b -Dbuildtype=debugoptimized >/dev/null
ninja -C $b tests/itest_cluster src/daemon/inspectd src/cli/inspectctl >/dev/null
start=$(date +%s)
set +e
CLUSTER_FAULTS=$faults $b/tests/itest_cluster --verbose -j1 \
	--filter 'cluster/campaigns_results_and_feeds_once_through_failovers' \
	>"$b/cluster_soak.log" 2>&1
status=$?
set -e
grep -E 'faults:|PASS|FAIL|Assertion|Synthesis|^\[----\]   [^ ]' "$b/cluster_soak.log"
echo "$faults faults in $(($(date +%s) - start)) s (log: $b/cluster_soak.log)"
exit $status
