#!/usr/bin/env bash
# The Redis side: import rate, population fetch against a minimal pipelined
# reader (the Redis limit), and a whole campaign through inspectd (phases,
# publication rate, peak memory), on a redis-server of its own with the
# settings of deploy/redis.conf (AOF, appendfsync always).
#   bench/store.sh [N ...]          default 1000000 10000000
#   bench/store.sh --smoke          20000 entities
set -eu
cd "$(dirname "$0")/.."
. bench/config.sh
[ "${1:-}" = "--smoke" ] && set -- 20000
[ $# -gt 0 ] || set -- 1000000 10000000
deploy/install-deps.sh --test # /usr/bin/time for the peak memory
b=build-bench
[ -d $b ] || meson setup $b -Dbuildtype=release -Dtests=disabled >/dev/null
ninja -C $b >/dev/null
out=$PWD/bench/out
mkdir -p "$out"

echo "| N | what | time (s) | rate or ratio |"
echo "| --- | --- | --- | --- |"
for n in "$@"; do
	dir=$out/redis-$n
	rm -rf "$dir" && mkdir -p "$dir"
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	redis-server deploy/redis.conf --port "$port" --dir "$dir" --save "" \
		--daemonize yes --logfile "$dir/redis.log" --pidfile "$dir/redis.pid"
	trap 'redis-cli -p '"$port"' shutdown nosave >/dev/null 2>&1 || true' EXIT
	for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
	[ -f "$out/pop$n.csv" ] && [ -f "$out/det$n.csv" ] ||
		$b/bench/gen_population "$n" 1 "$out/pop$n.csv" "$out/det$n.csv"
	mkdir -p "$dir/policies" && cp -r policies/. "$dir/policies"
	sed -e 's/^name: henan-2021/name: uncapped/' -e '/^caps:/,$d' \
		policies/henan-2021.yaml >"$dir/policies/uncapped.yaml"
	sed -e 's/^name: city-capacity-pps/name: pps-plain/' -e '/^caps:/,$d' \
		policies/city-capacity-pps.yaml >"$dir/policies/pps-plain.yaml"
	bench_config "$dir" "$port"
	t0=$(date +%s.%N)
	$b/src/cli/inspectctl import --config "$dir/inspectd.yaml" --entities "$out/pop$n.csv" 2>/dev/null
	t1=$(date +%s.%N)
	echo "| $n | inspectctl import of the grade index | $(printf "%.2f" "$(echo "$t1 - $t0" | bc)") | $(echo "$n / ($t1 - $t0) / 1000" | bc) k entities/s |"
	$b/src/cli/inspectctl import --config "$dir/inspectd.yaml" --details "$out/det$n.csv" 2>/dev/null
	# A roster that can staff the campaign: 4,000 inspectors of the
	# provinces of the synthetic population, 15 visits a day each.
	awk 'BEGIN { print "id,name,badge,department,jurisdictions,qualifications,daily_capacity,conflicts,active";
		for (i = 0; i < 4000; i++) printf "b%04d,n%04d,%05d,SAMR-ZZ,1;3;4;5,,15,,1\n", i, i, i }' >"$dir/roster.csv"
	$b/src/cli/inspectctl import --config "$dir/inspectd.yaml" --inspectors "$dir/roster.csv" 2>/dev/null

	fetch=$($b/bench/bench_fetch "$port" 5 | sort -t' ' -k12 -g | sed -n 3p) # median round by ratio
	f() { echo "$fetch" | tr ' ' '\n' | grep -A1 -x "$1" | tail -1; }
	echo "| $n | raw pipelined HGETALL reader, a round in flight ahead (the Redis limit), same keys | $(f raw_s) | $(f raw_per_s | awk '{printf "%.2f M entities/s", $1/1e6}') |"
	echo "| $n | inspectd fetch and parse (grades_read), median round of 5 | $(f fetch_s) | $(f fetch_per_s | awk '{printf "%.2f M entities/s", $1/1e6}'), $(f ratio | awk '{printf "%.0f%%", $1*100}') of raw |"

	/usr/bin/time -f "peak_kb %M" -o "$dir/time.txt" \
		$b/src/daemon/inspectd --config "$dir/inspectd.yaml" 2>"$dir/inspectd.log" &
	daemon=$!
	sleep 0.3
	# Submits a campaign and waits until the log says k were published.
	campaign() { # id policy k log [window [size]]
		$b/src/cli/inspectctl submit --config "$dir/inspectd.yaml" --id "$1" \
			--department SAMR-ZZ --policy "$2" --items SC-001 \
			--date "$(TZ=Asia/Shanghai date +%F)" ${5:+--window "$5"} \
			${6:+--size "$6"} \
			--entropy 1 >/dev/null
		until [ "$(grep -c "campaign published" "$4")" -ge "$3" ]; do
			kill -0 $daemon 2>/dev/null || { cat "$4" >&2; exit 1; }
			if grep -q "entry refused" "$4"; then grep "entry refused" "$4" >&2; exit 1; fi
			sleep 0.05
		done
	}
	# Windows of four weeks from so many days ahead (any day of the year).
	window() { echo "$(date -d "+$1 days" +%F)..$(date -d "+$(($1 + 27)) days" +%F)"; }
	stop() { kill -TERM $(pgrep -P $daemon inspectd || echo $daemon) 2>/dev/null || true; wait $daemon || true; }
	t0=$(date +%s.%N)
	campaign BENCH-$n henan-2021 1 "$dir/inspectd.log"
	t1=$(date +%s.%N)
	stop
	# On the visits the first planned, the same campaign with henan-2021's
	# caps and without them (issue 13: what caps cost), on a daemon of
	# their own so that the peak memory above is the first campaign's, in
	# windows of their own so that the roster can staff each.
	$b/src/daemon/inspectd --config "$dir/inspectd.yaml" 2>"$dir/caps.log" &
	daemon=$!
	tc0=$(date +%s.%N)
	campaign CAPS-$n henan-2021 1 "$dir/caps.log" "$(window 40)"
	tc1=$(date +%s.%N)
	tp0=$(date +%s.%N)
	campaign PLAIN-$n uncapped 2 "$dir/caps.log" "$(window 100)"
	tp1=$(date +%s.%N)
	# Merged visits: a pps campaign of N/200 in the first's window, whose
	# entities the first visits there join those visits (city-capacity-pps
	# merges with join), against the same without caps or merges.
	w=$(redis-cli -p "$port" hget "{insp}:campaign:BENCH-$n" visit_window)
	tj0=$(date +%s.%N)
	campaign JOIN-$n city-capacity-pps 3 "$dir/caps.log" "$w" $((n / 200))
	tj1=$(date +%s.%N)
	tq0=$(date +%s.%N)
	campaign PPS-$n pps-plain 4 "$dir/caps.log" "$w" $((n / 200))
	tq1=$(date +%s.%N)
	stop
	# Pledge verification (issue 13): 1,000 approvals of a pledge item
	# (PL-PROD-01: verify all, no qualification) dated today, planned by
	# the daemon itself; a pledge campaign reads its entities one by one
	# from the grade index, not the whole index.
	awk -F, -v d="$(TZ=Asia/Shanghai date +%F)" 'NR > 1 && NR % 997 == 0 && n < 1000 {
		print $1 ",PL-PROD-01," d ",B-" n++ }
		BEGIN { print "uscc,item,date,number" }' "$out/pop$n.csv" >"$dir/approvals.csv"
	$b/src/cli/inspectctl import --config "$dir/inspectd.yaml" --pledges "$dir/approvals.csv" 2>/dev/null
	ts0=$(date +%s.%N)
	$b/src/daemon/inspectd --config "$dir/inspectd.yaml" 2>"$dir/pledges.log" &
	daemon=$!
	until grep -q "campaign published" "$dir/pledges.log"; do
		kill -0 $daemon 2>/dev/null || { cat "$dir/pledges.log" >&2; exit 1; }
		if grep -q "entry refused" "$dir/pledges.log"; then grep "entry refused" "$dir/pledges.log" >&2; exit 1; fi
		sleep 0.05
	done
	ts1=$(date +%s.%N)
	stop
	l=$(grep "campaign published" "$dir/pledges.log")
	h() { echo "$l" | tr ' ' '\n' | grep "^$1=" | cut -d= -f2; }
	line=$(grep "campaign published" "$dir/inspectd.log")
	g() { echo "$line" | tr ' ' '\n' | grep "^$1=" | cut -d= -f2; }
	echo "| $n | pledge verification of $(h population) approvals, daemon start to published (fetch of their entities $(h fetch_s) against $(g fetch_s) for the whole index, digest $(h digest_s), draw $(h draw_s), teams $(h teams_s), publication $(h publish_s)) | $(printf "%.2f" "$(echo "$ts1 - $ts0" | bc)") | $(h selected) selected |"
	g() { echo "$line" | tr ' ' '\n' | grep "^$1=" | cut -d= -f2; }
	sel=$(g selected)
	entries=$((2 * sel + 1))
	peak=$(awk '{print $2}' "$dir/time.txt")
	echo "| $n | campaign end to end, submit to published (fetch $(g fetch_s), order $(g order_s), merge $(g merge_s), digest $(g digest_s), draw $(g draw_s), teams $(g teams_s), details $(g details_s), publication $(g publish_s)) | $(printf "%.2f" "$(echo "$t1 - $t0" | bc)") | $sel selected |"
	echo "| $n | publication: $entries stream entries in one transaction | $(g publish_s) | $(echo "$entries / $(g publish_s) / 1000" | bc) k entries/s |"
	echo "| $n | inspectd peak memory (max RSS) | | $((peak / 1024)) MiB, $(echo "$peak * 1024 / $n" | bc) bytes/entity |"
	for k in 1 2 3 4; do
		l=$(grep "campaign published" "$dir/caps.log" | sed -n ${k}p)
		h() { echo "$l" | tr ' ' '\n' | grep "^$1=" | cut -d= -f2; }
		case $k in
		1) what="with henan-2021's caps on the first's $sel visits, $(redis-cli -p "$port" hget "{insp}:campaign:CAPS-$n" capped) held back"
		   t=$(echo "$tc1 - $tc0" | bc) ;;
		2) what="the same without caps (henan-2021 less its caps and merges)"
		   t=$(echo "$tp1 - $tp0" | bc) ;;
		3) what="pps of $((n / 200)) in the first's window, with caps and merges (city-capacity-pps): $(redis-cli -p "$port" hget "{insp}:campaign:JOIN-$n" capped) held back, $(redis-cli -p "$port" hget "{insp}:campaign:JOIN-$n" joined) visits joined the first's"
		   t=$(echo "$tj1 - $tj0" | bc) ;;
		4) what="the same pps without caps or merges"
		   t=$(echo "$tq1 - $tq0" | bc) ;;
		esac
		echo "| $n | a second campaign $what (fetch $(h fetch_s), merge $(h merge_s), history $(h history_s), digest $(h digest_s), draw $(h draw_s), teams $(h teams_s), publication $(h publish_s)) | $(printf "%.2f" "$t") | $(h selected) selected |"
	done
	# The peer: redis-benchmark pipelining XADDs of a task's shape, no
	# MULTI, on the same server and persistence, as many as were published.
	rps=$(redis-benchmark -p "$port" -n "$entries" -P 1024 -q XADD peer '*' \
		campaign BENCH uscc 914101020KBFXXMYXQ name 郑州市天成金鼎科技有限公司 \
		address 郑州市中山路18号 items SC-001 window '' date 2026-11-24 |
		tr '\r' '\n' | grep -o '[0-9.]* requests per second' | awk '{print $1}')
	echo "| $n | peer: redis-benchmark -P 1024 XADD of a task's shape, same server | $(echo "$entries / $rps" | bc -l | xargs printf "%.3f") | $(echo "$rps / 1000" | bc) k entries/s; inspectd at $(echo "100 * $entries / $(g publish_s) / $rps" | bc)% of it |"
	redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
	trap - EXIT
	rm -rf "$dir"
done
