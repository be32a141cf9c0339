#!/usr/bin/env bash
# Runs every test: the suites in a gcc build, again in a clang build at -O0
# with AddressSanitizer and UndefinedBehaviorSanitizer, and a check that the
# two builds (other compiler, other optimisation) draw bit-identical output.
# Ends with one line "N passed, M failed"; exits 1 if anything failed.
set -u
cd "$(dirname "$0")/.."
deploy/install-deps.sh --test || { echo "0 passed, 1 failed"; exit 1; }

passed=0 failed=0
count() { # tally the TAP lines of a meson test log
	local log=$1/meson-logs/testlog.txt ok notok
	ok=$(grep -c '^ok ' "$log" 2>/dev/null) || true
	notok=$(grep -c '^not ok ' "$log" 2>/dev/null) || true
	passed=$((passed + ${ok:-0})) failed=$((failed + ${notok:-0}))
}

suite() { # suite DIR [meson setup options...]
	local dir=$1
	shift
	# -Werror here, not in users' builds: a newer compiler's new warning
	# must not break theirs. A build/ the demo made is reconfigured.
	if [ -d "$dir" ]; then
		meson configure "$dir" -Dwerror=true "$@" >/dev/null || return 1
	else
		meson setup "$dir" -Dwerror=true "$@" >/dev/null || return 1
	fi
	ninja -C "$dir" >/dev/null || { ninja -C "$dir" | tail -30; return 1; }
	meson test -C "$dir" --print-errorlogs --num-processes 2 >"$dir/test.out" 2>&1
	local rc=$?
	grep -E '^ *[0-9]+/[0-9]+ ' "$dir/test.out" | sed "s|^|$dir: |"
	count "$dir"
	return $rc
}

suite build -Dbuildtype=debugoptimized || failed=$((failed + 1))
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
CC=clang suite build-asan -Dbuildtype=debug -Db_sanitize=address,undefined \
	-Db_lundef=false || failed=$((failed + 1))

# One draw, two builds: gcc -O2 and clang -O0 must agree to the byte.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
build/bench/gen_population 50000 7 "$tmp/pop.csv"
for b in build build-asan; do
	for policy in policies/henan-2021.yaml policies/city-capacity-pps.yaml; do
		$b/src/cli/inspectctl draw --policy "$policy" \
			--population "$tmp/pop.csv" --campaign CI-1 --entropy 314159 \
			--date 2026-11-24 --all 2>/dev/null | sha256sum
	done >"$tmp/$b.sum"
done
if [ -s "$tmp/build.sum" ] && cmp -s "$tmp/build.sum" "$tmp/build-asan.sum"; then
	echo "ok - draw output identical under gcc -O2 and clang -O0"
	passed=$((passed + 1))
else
	echo "not ok - draw output differs between builds"
	failed=$((failed + 1))
fi

# No include runs up a floor (core < shell < store < daemon, CLI).
if bash tools/check_floors.sh >"$tmp/floors.out" 2>&1; then
	echo "ok - every include stays on its floor"
	passed=$((passed + 1))
else
	echo "not ok - includes run up a floor"
	sed 's/^/  /' "$tmp/floors.out"
	failed=$((failed + 1))
fi

# The benchmarks still build and run (a small size; figures are not
# checked here: see bench/RESULTS.md).
if bash bench/run.sh --smoke >"$tmp/smoke.out" 2>&1; then
	echo "ok - benchmark smoke run"
	passed=$((passed + 1))
else
	echo "not ok - benchmark smoke run"
	tail -20 "$tmp/smoke.out" | sed 's/^/  /'
	failed=$((failed + 1))
fi

# Every parser a stranger's input reaches, fuzzed for a few seconds each
# under ASan and UBSan (tests/fuzz; the README says how to run it long).
targets=$(ls tests/fuzz/corpus | wc -l) seen=0
while IFS= read -r line; do
	echo "$line"
	case $line in
	"ok - "*) passed=$((passed + 1)) seen=$((seen + 1)) ;;
	"not ok - "*) failed=$((failed + 1)) seen=$((seen + 1)) ;;
	esac
done < <(bash tests/fuzz/run.sh 3 2>&1)
if [ "$seen" -ne "$targets" ]; then
	echo "not ok - fuzz: $seen of $targets targets ran (see build-fuzz)"
	failed=$((failed + 1))
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
