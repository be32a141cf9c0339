#!/usr/bin/env bash
# inspectd on one redis-server against a Redis Cluster of three masters
# without replicas, side by side in one run: the same campaign as the first
# of bench/store.sh (henan-2021, one-shot, item SC-001, entropy 1, a roster
# of 4,000 inspectors, one per 2,500 entities above 10M) at each size,
# on each. Every server has the settings of deploy/redis.conf (AOF,
# appendfsync always) with --save ""; the cluster's nodes each their own
# directory and --cluster-port.
# Per size, both setups are started and imported (inspectctl import of the
# grade index timed); once no node is rewriting its append-only file, the
# fetch alone (bench_fetch's inspectd reader) is timed in alternation, five
# rounds each; then the campaign on each: fetch and publication from
# inspectd's "campaign published" line, submission to publication,
# inspectd's peak RSS (VmHWM), Redis used_memory summed over the nodes,
# and the stall seen by a PING every 5 ms against the master of inspectd's
# own keys ({insp}) while the campaign is published (on the cluster, also
# against another master), and as a peer, redis-benchmark's rate of
# pipelined XADDs of a task's shape on that master. Both setups' data are in memory at once: about
# 5.5 GB of Redis at 10M.
#   bench/cluster.sh [--sizes "N ..."] [N ...]   default 1000000 10000000
#   bench/cluster.sh --smoke                     20000 entities, ~10 s
# For sizes where both setups do not fit in memory at once (Redis holds
# ~250 bytes an entity with the details, ~50 without; inspectd ~50;
# the master of {insp} ~3 KB a drawn entity more during the publication):
#   --cluster-only       the cluster alone, no one-server setup (no ratios)
#   --one-only           the one server alone, no cluster (no ratios)
#   --no-details         the grade index and roster only, no entity
#                        details: the campaign's tasks carry empty names
#                        and addresses (and det<N>.csv is not generated)
#   --node-timeout MS    the cluster nodes' cluster-node-timeout (default
#                        Redis's own, 15000)
# Environment: BENCH_PERF=file records the campaign's profile (perf record
# -g); BENCH_KEEP=dir keeps the servers' directories (append-only files
# included) there instead of removing them; BENCH_STEP_KIB=K publishes in
# steps of K KiB (inspectd's default 512).
# Everything on 127.0.0.1; every process started here is stopped on exit
# and the temporary directory removed. Populations are cached in
# bench/out/pop<N>.csv and det<N>.csv (shared with bench/store.sh), the
# logs of the last run of each size and setup kept in bench/out/cluster-logs/.
set -eu
cd "$(dirname "$0")/.."
. bench/config.sh
sizes="1000000 10000000"
rounds=5
setups="one cluster"
details=1
node_timeout=""
while [ $# -gt 0 ]; do
	case $1 in
	--smoke) sizes=20000 rounds=1; shift ;;
	--sizes) sizes=$2; shift 2 ;;
	--cluster-only) setups=cluster; shift ;;
	--one-only) setups=one; shift ;;
	--no-details) details=0; shift ;;
	--node-timeout) node_timeout=$2; shift 2 ;;
	-h | --help) awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0"; exit 0 ;;
	[0-9]*) sizes=$*; break ;;
	*) echo "usage: $0 [--smoke] [--cluster-only | --one-only] [--no-details] [--node-timeout MS] [--sizes \"N ...\"] [N ...]" >&2; exit 2 ;;
	esac
done
command -v bc >/dev/null && command -v redis-server >/dev/null &&
	command -v python3 >/dev/null || deploy/install-deps.sh --bench
b=build-bench
[ -d $b ] || meson setup $b -Dbuildtype=release -Dtests=disabled >/dev/null
ninja -C $b >/dev/null
out=$PWD/bench/out
mkdir -p "$out"
tmp=$(mktemp -d /tmp/inspect-cluster-bench.XXXXXX)

# Every process started here, stopped on exit whatever happens.
servers=() # pids of redis-server
daemon=""
pings=()
cleanup() {
	set +e
	for p in "${pings[@]}" $daemon; do kill -TERM "$p" 2>/dev/null; done
	for p in "${pings[@]}" $daemon; do wait "$p" 2>/dev/null; done
	for p in "${servers[@]}"; do kill -TERM "$p" 2>/dev/null; done
	for p in "${servers[@]}"; do
		for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	# BENCH_KEEP=dir: the servers' directories (append-only files
	# included) moved there instead of removed, to study a run.
	if [ -n "${BENCH_KEEP:-}" ]; then
		rm -rf "$BENCH_KEEP" && mv "$tmp" "$BENCH_KEEP"
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cli() { redis-cli -h 127.0.0.1 -p "$@"; }
# The peer's command: an XADD of a task's shape (below), and its size in
# the Redis protocol.
PEER=(XADD '{insp}:peer' '*' campaign BENCH uscc 914101020KBFXXMYXQ name 郑州市天成金鼎科技有限公司
	address 郑州市中山路18号 items SC-001 window '' date 2026-11-24)
PEER_BYTES=$(python3 -c 'import sys
a = [x.encode() for x in sys.argv[1:]]
print(len(b"*%d\r\n" % len(a) + b"".join(b"$%d\r\n%s\r\n" % (len(x), x) for x in a)))' "${PEER[@]}")
# n free loopback ports, all distinct.
free_ports() {
	python3 -c 'import socket, sys
s = [socket.socket() for _ in range(int(sys.argv[1]))]
for x in s: x.bind(("127.0.0.1", 0))
print(" ".join(str(x.getsockname()[1]) for x in s))' "$1"
}
# A redis-server in a directory of its own; a cluster node if bus is given.
start_server() { # dir port [bus]
	mkdir -p "$1"
	redis-server deploy/redis.conf --port "$2" --bind 127.0.0.1 \
		--dir "$1" --save "" --appendonly yes --daemonize no \
		--logfile "$1/redis.log" --repl-diskless-sync-delay 0 \
		${3:+--cluster-enabled yes --cluster-port "$3"} \
		${3:+--cluster-config-file nodes.conf} \
		${3:+${node_timeout:+--cluster-node-timeout "$node_timeout"}} &
	servers+=($!)
	for _ in $(seq 100); do cli "$2" ping >/dev/null 2>&1 && return; sleep 0.1; done
	echo "redis-server on $2 did not start" >&2; cat "$1/redis.log" >&2; exit 1
}
stop_servers() {
	for p in "${servers[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	for p in "${servers[@]}"; do wait "$p" 2>/dev/null || true; done
	servers=()
}
# Until every node says cluster_state:ok with all slots and the same map.
wait_cluster() { # port...
	for _ in $(seq 300); do
		local ok=1 maps="" p
		for p in "$@"; do
			cli "$p" cluster info 2>/dev/null | tr -d '\r' |
				grep -qx 'cluster_state:ok' || ok=0
			cli "$p" cluster info 2>/dev/null | tr -d '\r' |
				grep -qx 'cluster_slots_ok:16384' || ok=0
			maps="$maps$(cli "$p" cluster slots 2>/dev/null | md5sum)"$'\n'
		done
		[ $ok = 1 ] && [ "$(echo "$maps" | sort -u | grep -c .)" = 1 ] && return
		sleep 0.1
	done
	echo "the cluster did not come up" >&2
	for p in "$@"; do cli "$p" cluster info >&2; done
	exit 1
}
# The master of a slot, among the nodes given.
master_of_slot() { # slot port...
	local slot=$1 p
	shift
	for p in "$@"; do
		if cli "$p" cluster nodes | tr -d '\r' | awk -v s="$slot" '
			/myself/ { for (i = 9; i <= NF; i++) { n = split($i, r, "-");
				lo = r[1]; hi = n > 1 ? r[2] : r[1];
				if (lo ~ /^[0-9]+$/ && s + 0 >= lo + 0 && s + 0 <= hi + 0) f = 1 } }
			END { exit !f }'; then
			echo "$p"
			return
		fi
	done
	echo "no master for slot $slot" >&2
	exit 1
}
# A PING every 5 ms on one connection: "send_time latency_ms" per reply.
ping_loop() { # port file
	python3 -c 'import signal, socket, sys, time
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
with open(sys.argv[2], "w") as f:
    while True:
        w, t = time.time(), time.perf_counter()
        s.sendall(b"PING\r\n")
        r = b""
        while not r.endswith(b"\r\n"):
            c = s.recv(64)
            if not c:
                sys.exit(1)
            r += c
        f.write("%.6f %.3f\n" % (w, (time.perf_counter() - t) * 1000))
        time.sleep(0.005)' "$1" "$2" &
	pings+=($!)
}
stop_pings() {
	for p in "${pings[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	for p in "${pings[@]}"; do wait "$p" 2>/dev/null || true; done
	pings=()
}
# p99 and max latency (ms) of the pings in flight during [from, to].
ping_stats() { # file from to
	python3 -c 'import sys
f, a, b = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
v = sorted(float(l) for w, l in (x.split() for x in open(f))
           if float(w) <= b and float(w) + float(l) / 1000 >= a)
if not v: print("- - 0"); sys.exit()
print("%.1f %.1f %d" % (v[min(len(v) - 1, int(0.99 * len(v)))], v[-1], len(v)))' "$@"
}

# "command calls usec" for the commands of a publication, from INFO.
cmd_usec() { # port
	cli "$1" info commandstats | tr -d '\r' |
		sed -nE 's/^cmdstat_(exec|xadd|hset|zadd|watch|hgetall):calls=([0-9]+),usec=([0-9]+),.*/\1 \2 \3/p'
}
aof_rewrites() { # port
	cli "$1" info persistence | tr -d '\r' | awk -F: '$1 == "aof_rewrites" { print $2 }'
}

declare -A PORTS MASTER OTHER META IMPORT REWRITES FETCHES DETAILS
# One setup for a size: its servers, the population imported, no node
# rewriting its append-only file. Both setups stay up until the size is
# done, so that the fetch rounds below alternate between them.
prepare() { # n setup(one|cluster)
	local n=$1 setup=$2 dir=$tmp/$2-$1 ports master other="" p
	rm -rf "$dir" && mkdir -p "$dir"
	if [ "$setup" = one ]; then
		ports=$(free_ports 1)
		start_server "$dir/node0" "$ports"
		master=$ports
		META[$setup]=$ports
	else
		local all
		read -ra all <<<"$(free_ports 6)"
		ports="${all[*]:0:3}"
		for i in 0 1 2; do
			start_server "$dir/node$i" "${all[$i]}" "${all[$((i + 3))]}"
		done
		redis-cli --cluster create $(for p in $ports; do echo "127.0.0.1:$p"; done) \
			--cluster-replicas 0 --cluster-yes >"$dir/create.log" 2>&1 ||
			{ cat "$dir/create.log" >&2; exit 1; }
		wait_cluster $ports
		master=$(master_of_slot "$(cli "${all[0]}" cluster keyslot '{insp}:')" $ports)
		for p in $ports; do [ "$p" = "$master" ] || { other=$p; break; }; done
		META[$setup]=$(master_of_slot "$(cli "${all[0]}" cluster keyslot credit:meta)" $ports)
	fi
	PORTS[$setup]=$ports MASTER[$setup]=$master OTHER[$setup]=$other
	local first=${ports%% *}
	mkdir -p "$dir/policies" "$dir/archive" && cp -r policies/. "$dir/policies"
	bench_config "$dir" "$first"
	local t0 t1
	t0=$(date +%s.%N)
	$b/src/cli/inspectctl import --config "$dir/inspectd.yaml" --entities "$out/pop$n.csv" 2>"$dir/import.log" ||
		{ cat "$dir/import.log" >&2; exit 1; }
	t1=$(date +%s.%N)
	IMPORT[$setup]=$(echo "$t1 - $t0" | bc)
	DETAILS[$setup]=none
	if [ $details = 1 ]; then
		$b/src/cli/inspectctl import --config "$dir/inspectd.yaml" --details "$out/det$n.csv" 2>>"$dir/import.log" ||
			{ cat "$dir/import.log" >&2; exit 1; }
		DETAILS[$setup]=$(echo "$(date +%s.%N) - $t1" | bc | xargs printf "%.2f s")
	fi
	# 4,000 inspectors up to 10M entities, then one per 2,500: the
	# window's 20 working days at 15 visits a day must offer the team of
	# two of each visit drawn (~4% of the population).
	awk -v k=$((n > 10000000 ? (n + 2499) / 2500 : 4000)) 'BEGIN { print "id,name,badge,department,jurisdictions,qualifications,daily_capacity,conflicts,active";
		for (i = 0; i < k; i++) printf "b%04d,n%04d,%05d,SAMR-ZZ,1;3;4;5,,15,,1\n", i, i, i }' >"$dir/roster.csv"
	$b/src/cli/inspectctl import --config "$dir/inspectd.yaml" --inspectors "$dir/roster.csv" 2>>"$dir/import.log" ||
		{ cat "$dir/import.log" >&2; exit 1; }

	# The import grows the append-only file enough for Redis to rewrite
	# it in the background (a fork per node writing the whole data set):
	# what follows starts once no node is rewriting, so that it does not
	# share the two cores with three rewrites on the cluster and one on
	# the single server.
	local tw0 rewrites=0 busy
	tw0=$(date +%s.%N)
	for _ in $(seq 6000); do
		busy=0
		for p in $ports; do
			cli "$p" info persistence | tr -d '\r' | grep -qE \
				'^aof_rewrite_(in_progress|scheduled):1' && busy=1
		done
		[ $busy = 0 ] && break
		sleep 0.1
	done
	[ $busy = 0 ] || echo "  [$setup $n] still rewriting its append-only file after the wait" >>"$tmp/odd"
	for p in $ports; do
		rewrites=$((rewrites + $(aof_rewrites "$p")))
	done
	REWRITES[$setup]=$rewrites
	[ "$setup" = one ] ||
		echo "[$setup $n] cluster-node-timeout: $(cli "$first" config get cluster-node-timeout | tail -1) ms" >&2
	echo "[$setup $n] imported in $(printf "%.2f" "${IMPORT[$setup]}") s (details: ${DETAILS[$setup]}); append-only file rewrites: $rewrites, waited $(echo "$(date +%s.%N) - $tw0" | bc | xargs printf "%.1f") s for them" >&2
}

# The fetch alone, in alternation between the setups: bench_fetch's
# inspectd reader (grades_read), one round each, $rounds times.
# (bench_fetch's raw hiredis reader speaks to one node and, on the
# cluster, reads MOVED errors for the other masters' buckets: its figures
# are not used.)
fetch_rounds() { # n
	local setup f
	FETCHES[one]="" FETCHES[cluster]=""
	for _ in $(seq "$rounds"); do
		for setup in $setups; do
			f=$($b/bench/bench_fetch "${META[$setup]}" 1 | tr ' ' '\n' | grep -A1 -x fetch_s | tail -1)
			FETCHES[$setup]="${FETCHES[$setup]} $f"
		done
	done
	for setup in $setups; do
		echo "[$setup $1] fetch rounds (s):${FETCHES[$setup]}" >&2
	done
}
median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : "-" }'; }

# The campaign on one setup: prints a row of figures to $tmp/rows.
campaign() { # n setup(one|cluster)
	local n=$1 setup=$2 dir=$tmp/$2-$1 p
	local ports=${PORTS[$setup]} master=${MASTER[$setup]} other=${OTHER[$setup]}
	local rewrites=${REWRITES[$setup]} t0 t1
	: >"$dir/inspectd.log"
	$b/src/daemon/inspectd --config "$dir/inspectd.yaml" 2>"$dir/inspectd.log" &
	daemon=$!
	# BENCH_PERF=file: the campaign's profile (perf record -g) into file.
	[ -z "${BENCH_PERF:-}" ] || { perf record -g -o "$BENCH_PERF" -p $daemon 2>/dev/null & pings+=($!); }
	until grep -q "connected to redis" "$dir/inspectd.log"; do
		kill -0 $daemon 2>/dev/null || { cat "$dir/inspectd.log" >&2; exit 1; }
		sleep 0.02
	done
	sleep 0.2 # the daemon's first steps of the day
	ping_loop "$master" "$dir/ping-master.txt"
	[ -z "$other" ] || ping_loop "$other" "$dir/ping-other.txt"
	sleep 0.2
	cmd_usec "$master" >"$dir/usec-before"
	# Redis's own record of what held it 10 ms or more (LATENCY LATEST).
	cli "$master" config set latency-monitor-threshold 10 >/dev/null
	cli "$master" latency reset >/dev/null
	t0=$(date +%s.%N)
	$b/src/cli/inspectctl submit --config "$dir/inspectd.yaml" --id "BENCH-$n" \
		--department SAMR-ZZ --policy henan-2021 --items SC-001 \
		--date "$(TZ=Asia/Shanghai date +%F)" --entropy 1 >/dev/null
	until grep -q "campaign published" "$dir/inspectd.log"; do
		kill -0 $daemon 2>/dev/null || { cat "$dir/inspectd.log" >&2; exit 1; }
		if grep -q "entry refused" "$dir/inspectd.log"; then grep "entry refused" "$dir/inspectd.log" >&2; exit 1; fi
		sleep 0.01
	done
	t1=$(date +%s.%N)
	local hwm
	hwm=$(awk '/^VmHWM:/ { print $2 }' /proc/$daemon/status)
	sleep 0.1
	stop_pings
	kill -TERM $daemon
	wait $daemon || true
	daemon=""
	# Where the {insp} master's time went during the campaign: Redis's
	# own microseconds for each command.
	echo "[$setup $n] {insp} master's time: $(cmd_usec "$master" | awk '
		NR == FNR { c[$1] = $2; u[$1] = $3; next }
		{ printf "%s %d calls %.2f s; ", $1, $2 - c[$1], ($3 - u[$1]) / 1e6 }' "$dir/usec-before" -)" >&2
	local events
	events=$(cli "$master" latency latest | paste - - - - |
		awk 'NF == 4 { printf "%s %d ms; ", $1, $4 }')
	echo "[$setup $n] {insp} master's latency events of 10 ms or more, max: ${events:-none}" >&2
	local line
	line=$(grep "campaign published" "$dir/inspectd.log")
	g() { echo "$line" | tr ' ' '\n' | grep "^$1=" | cut -d= -f2; }
	# The peer: redis-benchmark pipelining XADDs of a task's shape, no
	# MULTI, to the same master (a key in {insp}'s slot), as many as
	# were published (as bench/store.sh does).
	local peer
	peer=$(redis-benchmark -p "$master" -n "$(g selected)" -P 1024 -q "${PEER[@]}" |
		tr '\r' '\n' | grep -o '[0-9.]* requests per second' | awk '{print $1}')
	cli "$master" del '{insp}:peer' >/dev/null
	# The same in bytes of the Redis protocol: the journal's (its size
	# from "publication steps applied") against the peer's command's.
	local kib
	kib=$(grep -o 'journal_kib=[0-9]*' "$dir/inspectd.log" | tail -1 | cut -d= -f2)
	[ -z "$kib" ] || echo "[$setup $n] the Redis protocol a second: the steps $(echo "$kib * 1024 / $(g steps_s) / 1000000" | bc -l | xargs printf %.1f) MB/s ($((kib / 1024)) MiB of journal), the whole publication $(echo "$kib * 1024 / $(g publish_s) / 1000000" | bc -l | xargs printf %.1f) MB/s; the peer $(echo "$peer * $PEER_BYTES / 1000000" | bc -l | xargs printf %.1f) MB/s ($PEER_BYTES bytes a command)" >&2
	local pub_from mem=0 maxmem=0 m stall other_stall="- - 0" state=""
	pub_from=$(echo "$t1 - $(g publish_s) - $(g details_s)" | bc)
	stall=$(ping_stats "$dir/ping-master.txt" "$pub_from" "$t1")
	[ -z "$other" ] || other_stall=$(ping_stats "$dir/ping-other.txt" "$pub_from" "$t1")
	# The campaign as recorded: the same population digest and seed on
	# both setups (the outcome digest is salted, and differs).
	cli "$master" hget "{insp}:campaign:BENCH-$n" population_digest | cut -c1-16 >"$tmp/digest-$setup-$n"
	cli "$master" hget "{insp}:campaign:BENCH-$n" seed | cut -c1-16 >>"$tmp/digest-$setup-$n"
	local during=0
	for p in $ports; do
		during=$((during + $(aof_rewrites "$p")))
	done
	[ $during = $rewrites ] ||
		echo "  [$setup $n] $((during - rewrites)) append-only file rewrite(s) during the campaign" >>"$tmp/odd"
	for p in $ports; do
		m=$(cli "$p" info memory | tr -d '\r' | awk -F: '$1 == "used_memory" { print $2 }')
		echo "$n $setup $p $([ "$p" = "$master" ] && echo '{insp}' || echo -) $m $(cli "$p" info memory | tr -d '\r' |
			awk -F: '$1 == "used_memory_peak" { print $2 }')" >>"$tmp/nodes"
		mem=$((mem + m))
		[ "$m" -gt "$maxmem" ] && maxmem=$m
		[ "$setup" = one ] || state="$state $(cli "$p" cluster info | tr -d '\r' | awk -F: '$1 == "cluster_state" { print $2 }')"
	done
	# Anything inspectd said above info (less the warning that the
	# official calendars end soon, which depends on the date only), and
	# the cluster's state after.
	echo "[$setup $n] $line" >&2
	grep -v -e "level=info" -e "official calendars end soon" "$dir/inspectd.log" |
		sed "s/^/  [$setup $n] inspectd: /" >>"$tmp/odd" || true
	case "$state" in *fail*) echo "  [$setup $n] cluster_state after publication:$state" >>"$tmp/odd" ;; esac
	printf '%s %s %s %s %s %s %s %s %s %s %s %s %s %s %s\n' "$n" "$setup" "${IMPORT[$setup]}" \
		"$(g fetch_s)" "$(g publish_s)" "$(echo "$t1 - $t0" | bc)" "$(g selected)" \
		"$hwm" "$mem" "$maxmem" "$stall" "$other_stall" \
		"$(echo "${FETCHES[$setup]}" | median)" "$peer" \
		"order=$(g order_s),digest=$(g digest_s),draw=$(g draw_s),teams=$(g teams_s),details=$(g details_s)" \
		>>"$tmp/rows"
}

# The size's servers stopped; their logs kept in bench/out/cluster-logs/
# (the data goes).
finish() { # n
	local setup dir p
	stop_servers
	for setup in $setups; do
		dir=$tmp/$setup-$1
		grep -h -i -e "fail" -e "# WARNING" -e "timeout" "$dir"/node*/redis.log | grep -v "overcommit" |
			sed "s/^/  [$setup $1] redis: /" >>"$tmp/odd" || true
		rm -rf "$out/cluster-logs/$setup-$1" && mkdir -p "$out/cluster-logs/$setup-$1"
		cp "$dir"/*.log "$out/cluster-logs/$setup-$1/"
		for p in "$dir"/node*; do cp "$p/redis.log" "$out/cluster-logs/$setup-$1/${p##*/}.log"; done
		[ -n "${BENCH_KEEP:-}" ] || rm -rf "$dir"
	done
}

: >"$tmp/rows"
: >"$tmp/odd"
: >"$tmp/nodes"
echo "$(date -u +%FT%TZ) $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src include || echo ' (with uncommitted changes in src/ or include/)'); load: $(uptime | sed 's/.*load average: //'); setups: $setups$([ $details = 1 ] || echo ', no details')${node_timeout:+, cluster-node-timeout $node_timeout ms}" >&2
for n in $sizes; do
	if [ $details = 1 ]; then
		[ -f "$out/pop$n.csv" ] && [ -f "$out/det$n.csv" ] ||
			$b/bench/gen_population "$n" 1 "$out/pop$n.csv" "$out/det$n.csv"
	else
		# The same population with or without the details file.
		[ -f "$out/pop$n.csv" ] || $b/bench/gen_population "$n" 1 "$out/pop$n.csv"
	fi
	for setup in $setups; do
		prepare "$n" "$setup"
	done
	fetch_rounds "$n"
	for setup in $setups; do
		campaign "$n" "$setup"
		echo "done: $n on $setup, load $(uptime | sed 's/.*load average: //')" >&2
	done
	finish "$n"
done

mib() { echo "$1 / 1048576" | bc; }
echo "| N | setup | import (s) | fetch in the campaign (s) | fetch alone, median of $rounds (s) | publication (s) | end to end (s) | selected | inspectd peak RSS (MiB) | Redis used_memory, sum (largest node) (MiB) | ping on the {insp} master during publication, p99 / max (ms) | tasks published a second, and as a share of redis-benchmark's XADD rate on that master |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
while read -r n setup imp fetch pub e2e sel hwm mem maxmem p99 pmax pn o99 omax on fmed peer phases; do
	[ "$setup" = one ] && what="one redis-server" || what="3 masters"
	extra=""
	[ "$setup" = one ] || extra=" (another master: $o99 / $omax)"
	printf '| %s | %s | %.2f | %s | %s | %s | %.2f | %s | %s | %s (%s) | %s / %s (%s pings)%s | %.0f k/s, %.0f%% of %.0f k/s |\n' "$n" "$what" "$imp" "$fetch" "$fmed" "$pub" \
		"$e2e" "$sel" "$((hwm / 1024))" "$(mib "$mem")" "$(mib "$maxmem")" "$p99" "$pmax" "$pn" "$extra" \
		"$(echo "$sel / $pub / 1000" | bc -l)" "$(echo "100 * $sel / $pub / $peer" | bc -l)" "$(echo "$peer / 1000" | bc -l)"
done <"$tmp/rows"
echo
if [ "$setups" = "one cluster" ]; then
echo "| N | cluster / one node: import | fetch in the campaign | fetch alone | publication | end to end | Redis memory |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
for n in $sizes; do
	o=$(awk -v n="$n" '$1 == n && $2 == "one"' "$tmp/rows")
	c=$(awk -v n="$n" '$1 == n && $2 == "cluster"' "$tmp/rows")
	r() { echo "$c $o" | awk -v i="$1" -v k=19 '{ printf "%.2f", $i / $(i + k) }'; }
	echo "| $n | $(r 3) | $(r 4) | $(r 17) | $(r 5) | $(r 6) | $(r 9) |"
done
echo
fi
for n in $sizes; do
	if [ "$setups" != "one cluster" ]; then
		echo "$n: population digest and seed on $setups: $(tr '\n' ' ' <"$tmp/digest-$setups-$n" | sed 's/ $//; s/ /… and /')…"
	elif cmp -s "$tmp/digest-one-$n" "$tmp/digest-cluster-$n" && [ "$(grep -c . "$tmp/digest-one-$n")" = 2 ]; then
		echo "$n: the same population digest and seed on both ($(tr '\n' ' ' <"$tmp/digest-one-$n"| sed 's/ $//; s/ /… and /')…)"
	else
		echo "$n: the population digests or seeds differ or are missing: one node $(tr '\n' ' ' <"$tmp/digest-one-$n"), cluster $(tr '\n' ' ' <"$tmp/digest-cluster-$n")"
	fi
done
echo
echo "Phases (s):"
awk '{ print "  " $1 " " $2 ": " $NF }' "$tmp/rows"
echo "Redis per node after the campaign, used_memory / used_memory_peak (MiB):"
awk '{ printf "  %s %s: port %s%s %d / %d\n", $1, $2, $3, $4 == "-" ? "" : " " $4, $5 / 1048576, $6 / 1048576 }' "$tmp/nodes"
if [ -s "$tmp/odd" ]; then
	echo "Odd:"
	cat "$tmp/odd"
fi
