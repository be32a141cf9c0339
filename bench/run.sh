#!/usr/bin/env bash
# Runs the draw benchmarks beside their reference peers, in one run, and
# prints the figures as Markdown rows for bench/RESULTS.md.
#   bench/run.sh                 1M and 10M entities (needs about 6 GB free)
#   bench/run.sh --smoke         100k entities, C side only (what CI runs)
#   bench/run.sh 2000000 ...     other sizes
set -eu
cd "$(dirname "$0")/.."
smoke=0
if [ "${1:-}" = "--smoke" ]; then
	smoke=1
	shift
	set -- 100000
fi
[ $# -gt 0 ] || set -- 1000000 10000000
if [ $smoke -eq 0 ]; then deploy/install-deps.sh --bench; else deploy/install-deps.sh --test; fi
b=build-bench
[ -d $b ] || meson setup $b -Dbuildtype=release -Dtests=disabled >/dev/null
ninja -C $b >/dev/null
out=bench/out
mkdir -p $out
py=/usr/bin/python3 # Debian's, with Debian's numpy and pandas

field() { # field NAME LINE: the value after NAME in "NAME value" pairs
	echo "$2" | tr ' ' '\n' | grep -A1 -x "$1" | tail -1
}

echo "| N | what | time (s) | rate or ratio |"
echo "| --- | --- | --- | --- |"
for n in "$@"; do
	pop=$out/pop$n.csv
	[ -f "$pop" ] || $b/bench/gen_population "$n" 1 "$pop"

	# The machine is shared and noisy: alternate our draw and numpy's over
	# three rounds and take the median of each, and of the ratios.
	times=() nps=() ratios=()
	for round in 1 2 3; do
		core=$($b/bench/bench_draw policies/henan-2021.yaml "$n" 11 0 $out/w$n.f64)
		times+=("$(field median_s "$core")")
		if [ $smoke -eq 0 ]; then
			size=$(echo "$core" | awk '/^weights/ {print $4}')
			np=$($py bench/numpy_draw.py $out/w$n.f64 "$size" 3)
			nps+=("$(field median_s "$np")")
			ratios+=("$(awk -v a="${nps[-1]}" -v b="${times[-1]}" 'BEGIN{printf "%.1f", a/b}')")
		fi
	done
	median() { printf '%s\n' "$@" | sort -g | sed -n 2p; }
	t_core=$(median "${times[@]}")
	echo "| $n | core draw, stratified (henan-2021): median of 3 rounds of 11 | $t_core | $(awk -v n="$n" -v t="$t_core" 'BEGIN{printf "%.0f M entities/s", n/t/1e6}') |"
	pps=$($b/bench/bench_draw policies/city-capacity-pps.yaml "$n" 11 $((n / 50)))
	echo "| $n | core draw, pps, size N/50, median of 11 | $(field median_s "$pps") | $(field entities_per_s "$pps" | awk '{printf "%.0f M entities/s", $1/1e6}') |"
	# Caps (issue 13): a tenth of the entities visited in the past year,
	# held back by henan-2021's caps, against the same policy without caps
	# on the same entities without visits (what inspectd reads for it).
	sed '/^caps:/,$d' policies/henan-2021.yaml >$out/uncapped.yaml
	plain=$($b/bench/bench_draw $out/uncapped.yaml "$n" 11 0 - 0)
	caps=$($b/bench/bench_draw policies/henan-2021.yaml "$n" 11 0 - 0.1)
	t_plain=$(awk -v a="$(field median_s "$plain")" -v b="$(field digest_s "$plain")" 'BEGIN{printf "%.4f", a+b}')
	t_caps=$(awk -v a="$(field median_s "$caps")" -v b="$(field digest_s "$caps")" 'BEGIN{printf "%.4f", a+b}')
	echo "| $n | digest and core draw without caps (henan-2021 less its caps), median of 11 | $t_plain | |"
	echo "| $n | the same with caps, $(field visits "$caps") visits on record, $(field capped "$caps") held back | $t_caps | $(awk -v a="$t_caps" -v b="$t_plain" 'BEGIN{printf "%.2f", a/b}')× the time without caps |"
	if [ $smoke -eq 0 ]; then
		echo "| $n | numpy $(field numpy "$np") Generator.choice(p=π, replace=False), same weights: median of 3 rounds of 3 | $(median "${nps[@]}") | inspectd $(median "${ratios[@]}")× faster (rounds: ${ratios[*]}) |"
	fi

	cli=$( { /usr/bin/time -f "peak_kb %M" $b/src/cli/inspectctl draw \
		--policy policies/henan-2021.yaml --population "$pop" --campaign B-1 \
		--entropy 1 --date 2026-11-24 >$out/sel$n.csv; } 2>&1 | grep -E "^seconds|^peak_kb")
	phases=$(echo "$cli" | grep ^seconds | sed 's/^seconds *//')
	total=$(echo "$phases" | awk '{s=0; for (i=2; i<=NF; i+=2) s+=$i; printf "%.3f", s}')
	peak=$(echo "$cli" | awk '/^peak_kb/ {printf "%.0f", $2/1024}')
	echo "| $n | inspectctl draw of the CSV ($phases; peak ${peak} MiB) | $total | |"
	if [ $smoke -eq 0 ]; then
		pd=$($py bench/pandas_draw.py "$pop" $out/pandas$n.csv)
		t_pd=$(field total "$pd")
		echo "| $n | pandas $(field pandas "$pd") + numpy script (parse $(field parse "$pd") order $(field order "$pd") draw $(field draw "$pd") write $(field write "$pd")) | $t_pd | inspectd $(awk -v a="$t_pd" -v b="$total" 'BEGIN{printf "%.1f", a/b}')× faster |"
	fi
done

# The team draw (issue 4): 5,000 inspectors, 20 working days, teams of 2.
echo
echo "| visits | team draw and schedule | time (s) | visits/s |"
echo "| --- | --- | --- | --- |"
if [ $smoke -eq 1 ]; then sizes=("10000"); else
	sizes=("10000" "100000" "170000" "180000" "1000000 5000 20 6" "1000000"); fi
for args in "${sizes[@]}"; do
	line=$($b/bench/bench_assign $args 2>/dev/null)
	echo "| $(field visits "$line") | capacity ×$(field capacity_scale "$line"), assigned: $(field assigned "$line") | $(field seconds "$line") | $(field visits_per_s "$line") |"
done
