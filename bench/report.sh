#!/usr/bin/env bash
# The department's report (issue 14): `inspectctl report` over N entities,
# N visits and N results, in text, JSON and HTML, against the Redis limit
# for reading the same keys, on a redis-server of its own with the settings
# of deploy/redis.conf; time and peak memory (max RSS) of each.
#   bench/report.sh [N]         default 1000000
#   bench/report.sh --smoke     20000 entities
#
# The visits are real: inspectd publishes ten pps campaigns of N/10
# entities each (pps-plain: city-capacity-pps without its caps and merges),
# backdated to last year, one a month from February to November, each in
# a window of its own month so that the roster staffs each without the
# others' load. An entity may be drawn by several of them.
# The results are not: feeding N results through the daemon's results
# stream, one transaction and one public event each, would take far longer
# than the report it is here to measure, and measures results intake, not
# the report's reading. So they are written straight into
# `{insp}:results:<id>` in the format of docs/REDIS.md ("Results": uscc ->
# date, code, inspector, entry, day received, note, separated by 0x1f),
# pipelined HSETs through `redis-cli --pipe`: one result for every visit,
# dated its planned day, by the first member of its team, a problem found
# more often the riskier the class (codes 02, 05, 11; 06 and 08 sometimes;
# else 01), one in twenty received two months late.
#
# The peer reads every key the report reads (the grade index's meta and
# buckets, `{insp/<k>}:inspected`, the published set, the campaign records,
# the visits and results hashes) with a minimal pipelined hiredis reader
# compiled by this script (below), which counts each reply and frees it:
# the Redis limit for that data; then it decompresses the archived
# populations the report reads too (`zstd -dc`). (Not
# `redis-cli --pipe`: it reads everything the socket holds before parsing
# any of it, and its reader then moves the rest of the buffer after each
# reply, which made it slower than the report itself.) Each of the four
# is run three times in turn; the table gives the median by time.
set -eu
cd "$(dirname "$0")/.."
. bench/config.sh
[ "${1:-}" = "--smoke" ] && set -- 20000
n=${1:-1000000}
deploy/install-deps.sh --test # /usr/bin/time for the peak memory
b=build-bench
[ -d $b ] || meson setup $b -Dbuildtype=release -Dtests=disabled >/dev/null
ninja -C $b >/dev/null
out=$PWD/bench/out # git-ignored
mkdir -p "$out"
dir=$out/report-$n
rm -rf "$dir" && mkdir -p "$dir"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server deploy/redis.conf --port "$port" --dir "$dir" --save "" \
	--daemonize yes --logfile "$dir/redis.log" --pidfile "$dir/redis.pid"
daemon=
cleanup() {
	[ -z "$daemon" ] || { kill -TERM "$daemon" 2>/dev/null && wait "$daemon"; } || true
	redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
}
trap cleanup EXIT
for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
r() { redis-cli -p "$port" "$@"; }
[ -f "$out/pop$n.csv" ] && [ -f "$out/det$n.csv" ] ||
	$b/bench/gen_population "$n" 1 "$out/pop$n.csv" "$out/det$n.csv"
mkdir -p "$dir/policies" && cp -r policies/. "$dir/policies"
sed -e 's/^name: city-capacity-pps/name: pps-plain/' -e '/^caps:/,$d' \
	policies/city-capacity-pps.yaml >"$dir/policies/pps-plain.yaml"
bench_config "$dir" "$port"
ctl() { $b/src/cli/inspectctl "$1" --config "$dir/inspectd.yaml" "${@:2}"; }
ctl import --entities "$out/pop$n.csv" 2>/dev/null
ctl import --details "$out/det$n.csv" 2>/dev/null
# The roster of bench/store.sh: 4,000 inspectors of the provinces of the
# synthetic population, 15 visits a day each (a month's window offers
# about 1.2 million inspector-days; a campaign of N/10 needs N/5).
awk 'BEGIN { print "id,name,badge,department,jurisdictions,qualifications,daily_capacity,conflicts,active";
	for (i = 0; i < 4000; i++) printf "b%04d,n%04d,%05d,SAMR-ZZ,1;3;4;5,,15,,1\n", i, i, i }' >"$dir/roster.csv"
ctl import --inspectors "$dir/roster.csv" 2>/dev/null

# Ten campaigns, published by inspectd.
y=$(($(TZ=Asia/Shanghai date +%Y) - 1))
ids=
$b/src/daemon/inspectd --config "$dir/inspectd.yaml" 2>"$dir/inspectd.log" &
daemon=$!
sleep 0.3
t0=$(date +%s.%N)
for m in 02 03 04 05 06 07 08 09 10 11; do
	id=REPORT-$n-$m
	ids="$ids $id"
	ctl submit --id "$id" --department SAMR-ZZ --policy pps-plain \
		--items SC-001 --size $((n / 10)) --date "$y-$m-01" --backdated \
		--window "$y-$m-02..$y-$m-28" --entropy "$m" >/dev/null
done
until [ "$(grep -c "campaign published" "$dir/inspectd.log")" -ge 10 ]; do
	kill -0 "$daemon" 2>/dev/null || { cat "$dir/inspectd.log" >&2; exit 1; }
	if grep -q "entry refused" "$dir/inspectd.log"; then grep "entry refused" "$dir/inspectd.log" >&2; exit 1; fi
	sleep 0.2
done
t1=$(date +%s.%N)
kill -TERM "$daemon" && wait "$daemon" || true
daemon=
visits=0
for id in $ids; do visits=$((visits + $(r hlen "{insp}:visits:$id"))); done
echo "10 campaigns published in $(printf "%.1f" "$(echo "$t1 - $t0" | bc)") s: $visits visits" >&2

# The results, one a visit (see the top of this file for why not through
# the daemon). The class of each entity comes from the population file.
for id in $ids; do
	printf '#campaign %s\n' "$id"
	r --raw hgetall "{insp}:visits:$id"
done >"$dir/visits.txt"
t0=$(date +%s.%N)
LC_ALL=C awk -v seed=14 '
	function bulk(s) { return "$" length(s) "\r\n" s "\r\n" }
	function cmd4(a, b, c, d) { printf "*4\r\n%s%s%s%s", bulk(a), bulk(b), bulk(c), bulk(d) }
	BEGIN { srand(seed); adverse["A"] = 0.04; adverse["B"] = 0.08; adverse["C"] = 0.20; adverse["D"] = 0.35 }
	FNR == NR { if (FNR > 1) { split($0, f, ","); cls[f[1]] = f[2] } next }
	/^#campaign / { id = $2; field = 1; next }
	field { uscc = $0; field = 0; next }
	{
		field = 1
		split($0, v, "\037") # day, ids, team, name
		if (v[2] == "") next  # left to another campaign: no result owed
		split(v[2], team, ";")
		u = rand(); a = adverse[cls[uscc]]
		if (u < a * 0.5) code = "05"; else if (u < a * 0.8) code = "02"
		else if (u < a) code = "11"; else if (u < a + 0.03) code = "06"
		else if (u < a + 0.05) code = "08"; else code = "01"
		got = v[1]; mo = substr(got, 6, 2) + 0
		if (rand() < 0.05 && mo <= 10)
			got = sprintf("%s-%02d-%s", substr(got, 1, 4), mo + 2, substr(got, 9, 2))
		cmd4("HSET", "{insp}:results:" id, uscc,
		     v[1] "\037" code "\037" team[1] "\037" sprintf("%d-0", 1700000000000 + nr) "\037" got "\037")
		count[id]++; nr++
	}
	END { for (id in count) cmd4("HSET", "{insp}:campaign:" id, "results", count[id]) }
' "$out/pop$n.csv" "$dir/visits.txt" | r --pipe >"$dir/pipe.txt"
t1=$(date +%s.%N)
results=0
for id in $ids; do results=$((results + $(r hlen "{insp}:results:$id"))); done
echo "$results results written in $(printf "%.1f" "$(echo "$t1 - $t0" | bc)") s ($(tail -1 "$dir/pipe.txt"))" >&2

# The peer: a minimal pipelined reader (as bench/bench_fetch.c's raw
# reader: a round of 512 commands in flight ahead of the one being read),
# built here from this file, that sends the commands of a file, one a
# line, and counts what comes back. Sections (lines "#name") are drained
# one by one and timed apart.
cat >"$dir/read_peer.c" <<'C'
#include <hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static void append(redisContext *c, char *line)
{
	const char *argv[4];
	int argc = 0;
	for (char *save, *a = strtok_r(line, " ", &save); a && argc < 4;
	     a = strtok_r(NULL, " ", &save))
		argv[argc++] = a;
	redisAppendCommandArgv(c, argc, argv, NULL);
}

/* Lines first..last-1, a round of 512 in flight ahead. */
static size_t section(redisContext *c, char **lines, size_t first, size_t last)
{
	size_t elements = 0, sent = first;
	for (size_t got = first; got < last;) {
		size_t round = got + 512 < last ? got + 512 : last;
		while (sent < last && sent < round + 512)
			append(c, lines[sent++]);
		for (; got < round; got++) {
			redisReply *r;
			if (redisGetReply(c, (void **)&r) != REDIS_OK ||
			    r->type == REDIS_REPLY_ERROR) {
				fprintf(stderr, "read_peer: %s\n", c->errstr);
				exit(1);
			}
			elements += r->type == REDIS_REPLY_ARRAY ? r->elements : 1;
			freeReplyObject(r);
		}
	}
	return elements;
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return fprintf(stderr, "usage: read_peer PORT FILE\n"), 2;
	FILE *f = fopen(argv[2], "r");
	char buf[512], **lines = NULL;
	size_t n = 0, cap = 0;
	while (f && fgets(buf, sizeof(buf), f)) {
		buf[strcspn(buf, "\n")] = 0;
		if (n == cap)
			lines = realloc(lines, (cap = cap ? 2 * cap : 4096) * sizeof(*lines));
		lines[n++] = strdup(buf);
	}
	redisContext *c = redisConnect("127.0.0.1", atoi(argv[1]));
	if (!f || !c || c->err)
		return fprintf(stderr, "read_peer: cannot start\n"), 1;
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && lines[j][0] != '#')
			j++;
		double t0 = now();
		size_t e = section(c, lines, i + 1, j);
		printf("%s %zu %zu %.3f\n", lines[i] + 1, j - i - 1, e, now() - t0);
		i = j;
	}
	return 0;
}
C
cc -O2 -o "$dir/read_peer" "$dir/read_peer.c" $(pkg-config --cflags --libs hiredis)
gen=$(r hget credit:meta generation)
buckets=$(r hget credit:meta buckets)
{
	echo "#grade_index"
	echo "HGETALL credit:meta"
	for ((k = 0; k < buckets; k++)); do echo "HGETALL credit:idx:$gen:$k"; done
	echo "HGETALL credit:meta"
	for ((k = 0; k < 1024; k++)); do echo "HGETALL {insp/$k}:inspected"; done
	echo "#records"
	echo "SMEMBERS {insp}:published"
	for id in $ids; do echo "HGETALL {insp}:campaign:$id"; done
	echo "#visits_and_results"
	for id in $ids; do echo "HGETALL {insp}:visits:$id"; echo "HGETALL {insp}:results:$id"; done
} >"$dir/peer.txt"
digests=$(for id in $ids; do r hget "{insp}:campaign:$id" population_digest; done | sort -u | wc -l)

# time_it NAME COMMAND...: elapsed seconds and peak KiB, appended to
# $dir/NAME.times.
time_it() {
	local name=$1 t0 t1
	shift
	t0=$(date +%s.%N)
	/usr/bin/time -f "%M" -o "$dir/time.txt" "$@"
	t1=$(date +%s.%N)
	echo "$(echo "$t1 - $t0" | bc) $(cat "$dir/time.txt")" >>"$dir/$name.times"
}
# The review on the national policy (stratified: the size of pps-plain
# is below the entities its certain classes must inspect, so that it has
# no review to suggest).
period=(--from "$y-01-01" --to "$y-12-31" --department SAMR-ZZ --policy national-default)
for round in 1 2 3; do
	for f in text json html; do
		time_it "$f" $b/src/cli/inspectctl report --config "$dir/inspectd.yaml" \
			"${period[@]}" --format "$f" --out "$dir/report.$f" 2>"$dir/report.$f.err"
	done
	time_it peer sh -c '"$1" "$2" "$3" && zstd -dcq "$4"/population/*/*.zst >/dev/null' \
		peer "$dir/read_peer" "$port" "$dir/peer.txt" "$dir/archive" >"$dir/peer.out"
done
for f in text json html; do
	[ ! -s "$dir/report.$f.err" ] || { echo "report --format $f said:" >&2; cat "$dir/report.$f.err" >&2; }
done
med() { sort -g "$dir/$1.times" | sed -n 2p; }
peer=$(med peer | cut -d' ' -f1)
row() { # name what
	local t m
	read -r t m <<<"$(med "$1")"
	echo "| $n | $2 | $(printf "%.3f" "$t") | $(echo "$m / 1024" | bc) | $(echo "$t / $peer" | bc -l | xargs printf "%.1f")× |"
}
echo
echo "$visits visits of 10 campaigns, $results results, $digests kept population(s) of $n"
echo
echo "| N | what | time (s) | peak MB | ratio to the peer |"
echo "| --- | --- | --- | --- | --- |"
row text "inspectctl report --format text, median of 3"
row json "inspectctl report --format json, median of 3"
row html "inspectctl report --format html, median of 3"
row peer "peer: a minimal pipelined hiredis reader of every key the report reads, then zstd -dc of the archived populations (last round: $(awk '{printf "%s%s %s s", (NR > 1 ? ", " : ""), $1, $4}' "$dir/peer.out"))"
