#!/usr/bin/env bash
# The HTTP endpoint under load (docs/HTTP.md): a campaign published with no
# HTTP client, then the same size while 200 clients poll the dashboard and
# /metrics (wrk, 100 connections each, 60 s; each client once a second, or
# as fast as it can with --flat-out), then with none again; the
# publication times side by side, wrk's errors and latencies, and
# inspectd's memory (RSS) sampled each second through the load.
#   bench/http_load.sh [--flat-out] [N]   default 1000000 entities
#   bench/http_load.sh --smoke            20000 entities, 10 s of load
set -eu
cd "$(dirname "$0")/.."
. bench/config.sh
secs=60 delay=1000
[ "${1:-}" = "--flat-out" ] && { delay=0; shift; }
[ "${1:-}" = "--smoke" ] && { set -- 20000; secs=10; }
n=${1:-1000000}
command -v wrk >/dev/null && command -v bc >/dev/null || deploy/install-deps.sh --bench
b=build-bench
[ -d $b ] || meson setup $b -Dbuildtype=release -Dtests=disabled >/dev/null
ninja -C $b >/dev/null
out=$PWD/bench/out
dir=$out/http-$n
rm -rf "$dir" && mkdir -p "$dir"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=$(free_port) http=$(free_port)
redis-server deploy/redis.conf --port "$port" --dir "$dir" --save "" \
	--daemonize yes --logfile "$dir/redis.log" --pidfile "$dir/redis.pid"
trap 'redis-cli -p '"$port"' shutdown nosave >/dev/null 2>&1 || true' EXIT
for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
[ -f "$out/pop$n.csv" ] && [ -f "$out/det$n.csv" ] ||
	$b/bench/gen_population "$n" 1 "$out/pop$n.csv" "$out/det$n.csv"
mkdir -p "$dir/policies" && cp -r policies/. "$dir/policies"
sed -e 's/^name: henan-2021/name: uncapped/' -e '/^caps:/,$d' \
	policies/henan-2021.yaml >"$dir/policies/uncapped.yaml"
token=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
(umask 077 && echo "$token *" >"$dir/tokens")
bench_config "$dir" "$port"
cat >>"$dir/inspectd.yaml" <<YAML
http:
  listen: 127.0.0.1:$http
  tokens_file: $dir/tokens
  refresh_seconds: 2
YAML
ctl=$b/src/cli/inspectctl
$ctl import --config "$dir/inspectd.yaml" --entities "$out/pop$n.csv" 2>/dev/null
$ctl import --config "$dir/inspectd.yaml" --details "$out/det$n.csv" 2>/dev/null
awk 'BEGIN { print "id,name,badge,department,jurisdictions,qualifications,daily_capacity,conflicts,active";
	for (i = 0; i < 4000; i++) printf "b%04d,n%04d,%05d,SAMR-ZZ,1;3;4;5,,15,,1\n", i, i, i }' >"$dir/roster.csv"
$ctl import --config "$dir/inspectd.yaml" --inspectors "$dir/roster.csv" 2>/dev/null

$b/src/daemon/inspectd --config "$dir/inspectd.yaml" 2>"$dir/inspectd.log" &
daemon=$!
trap 'kill $daemon 2>/dev/null; redis-cli -p '"$port"' shutdown nosave >/dev/null 2>&1 || true' EXIT
until python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$http/readyz', timeout=2)" 2>/dev/null; do
	kill -0 $daemon || { cat "$dir/inspectd.log" >&2; exit 1; }
	sleep 0.2
done
# Submits a campaign in a window of its own (so that the roster can staff
# each) and waits until it is published; prints its publish_s and the
# seconds from submission to publication.
campaign() { # id window
	local t0 t1 before
	before=$(grep -c "campaign published" "$dir/inspectd.log" || true)
	t0=$(date +%s.%N)
	$ctl submit --config "$dir/inspectd.yaml" --id "$1" --department SAMR-ZZ \
		--policy uncapped --items SC-001 --date "$(TZ=Asia/Shanghai date +%F)" \
		--window "$2" \
		--entropy 1 >/dev/null
	until [ "$(grep -c "campaign published" "$dir/inspectd.log")" -gt "$before" ]; do
		kill -0 $daemon 2>/dev/null || { cat "$dir/inspectd.log" >&2; exit 1; }
		if grep -q "entry refused" "$dir/inspectd.log"; then grep "entry refused" "$dir/inspectd.log" >&2; exit 1; fi
		sleep 0.05
	done
	t1=$(date +%s.%N)
	grep "campaign published" "$dir/inspectd.log" | tail -1 | tr ' ' '\n' |
		grep '^publish_s=' | cut -d= -f2 | tr '\n' ' '
	printf "%.2f\n" "$(echo "$t1 - $t0" | bc)"
}
rss() { awk '/^VmRSS/ {print $2}' /proc/$daemon/status; }
# Windows of four weeks from 30, 90 and 150 days ahead.
window() { echo "$(date -d "+$1 days" +%F)..$(date -d "+$(($1 + 27)) days" +%F)"; }

quiet1=$(campaign LOAD-A "$(window 30)")
# The load: 100 connections on the dashboard, 100 on /metrics, for secs.
cat >"$dir/poll.lua" <<LUA
function delay() return $delay end
LUA
cat >"$dir/auth.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $token"
function delay() return $delay end
LUA
wrk -t1 -c100 -d"${secs}s" --latency -s "$dir/auth.lua" \
	"http://127.0.0.1:$http/dashboard" >"$dir/wrk-dashboard.txt" 2>&1 &
w1=$!
wrk -t1 -c100 -d"${secs}s" --latency -s "$dir/poll.lua" \
	"http://127.0.0.1:$http/metrics" >"$dir/wrk-metrics.txt" 2>&1 &
w2=$!
( for _ in $(seq "$secs"); do rss; sleep 1; done ) >"$dir/rss.txt" &
sampler=$!
sleep 3
loaded=$(campaign LOAD-B "$(window 90)")
wait $w1 $w2 $sampler
quiet2=$(campaign LOAD-C "$(window 150)")

row() { echo "| $n | $1 | $2 | $3 |"; }
echo "| N | what | publication (s) | submission to published (s) |"
echo "| --- | --- | --- | --- |"
row "no HTTP client" ${quiet1}
row "200 clients polling the dashboard and /metrics ($([ "$delay" = 0 ] && echo "as fast as they can" || echo "each once a second"))" ${loaded}
row "no HTTP client, again" ${quiet2}
a=$(echo "$quiet1" | cut -d' ' -f1) c=$(echo "$quiet2" | cut -d' ' -f1)
l=$(echo "$loaded" | cut -d' ' -f1)
echo
echo "publication under load / mean without: $(echo "scale=3; $l / (($a + $c) / 2)" | bc)"
for f in dashboard metrics; do
	echo "wrk /$f: $(grep -E 'Requests/sec' "$dir/wrk-$f.txt" | tr -s ' ')," \
		"$(grep -E 'requests in' "$dir/wrk-$f.txt" | tr -s ' ')," \
		"p99 $(grep -E '^ +99%' "$dir/wrk-$f.txt" | tr -s ' ' | cut -d' ' -f3)," \
		"errors: $(grep -E 'Non-2xx|Socket errors' "$dir/wrk-$f.txt" | tr -s ' ' | tr '\n' ';' || true)"
done
echo "inspectd RSS during the load (KiB): first $(head -1 "$dir/rss.txt"), max $(sort -n "$dir/rss.txt" | tail -1), last $(tail -1 "$dir/rss.txt")"
