#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan and UBSan) and runs each for
# SECONDS from its seed corpus in tests/fuzz/corpus/ (read only: what the
# run finds goes to a scratch corpus). One line per target, "ok - ..." or
# "not ok - ..." with the crash's input kept under bench/out/fuzz/.
#   bash tests/fuzz/run.sh [SECONDS] [TARGET ...]     default 3 s, all
#   bash tests/fuzz/run.sh 3600 bundle                a long run of one
set -u
cd "$(dirname "$0")/../.."
secs=${1:-3}
shift || true
b=build-fuzz
if [ ! -d $b ]; then
	CC=clang meson setup $b -Dfuzz=true -Db_sanitize=address,undefined \
		-Db_lundef=false -Dtests=disabled -Dbuildtype=debugoptimized \
		-Dwerror=true >/dev/null || exit 1
fi
ninja -C $b >/dev/null || { ninja -C $b | tail -20; exit 1; }
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(ls tests/fuzz/corpus)
out=$PWD/bench/out/fuzz
mkdir -p "$out"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
failed=0
for t in "${targets[@]}"; do
	scratch=$(mktemp -d)
	log=$out/$t.log
	$b/tests/fuzz/fuzz_$t -max_total_time="$secs" -timeout=20 \
		-rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$out/$t-" "$scratch" "tests/fuzz/corpus/$t" \
		>"$log" 2>&1
	rc=$?
	runs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log")
	if [ $rc -eq 0 ]; then
		echo "ok - fuzz $t: ${runs:-?} inputs in $secs s"
	else
		echo "not ok - fuzz $t (exit $rc): see $log"
		grep -E "ERROR|SUMMARY|runtime error" "$log" | head -5 | sed 's/^/  /'
		failed=1
	fi
	rm -rf "$scratch"
done
exit $failed
