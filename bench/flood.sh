#!/usr/bin/env bash
# A flood of junk on the intake stream, then one good campaign: how long the
# good one waits to be published, and what the junk leaves in Redis.
#   bench/flood.sh [JUNK]      default 20000 entries
#   bench/flood.sh --smoke     500 entries
# The junk is three kinds in turn: entries with no type, campaigns that
# name a valid id but miss fields, and entries with a 10 kB value; one
# entry of 1 MB comes first. Redis runs with deploy/redis.conf (AOF,
# appendfsync always), as in production.
set -eu
cd "$(dirname "$0")/.."
junk=${1:-20000}
[ "$junk" = "--smoke" ] && junk=500
deploy/install-deps.sh >/dev/null
b=build-bench
[ -d $b ] || meson setup $b -Dbuildtype=release -Dtests=disabled >/dev/null
ninja -C $b >/dev/null
dir=$PWD/bench/out/flood
rm -rf "$dir" && mkdir -p "$dir"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server deploy/redis.conf --port "$port" --dir "$dir" --save "" \
	--daemonize yes --logfile "$dir/redis.log" --pidfile "$dir/redis.pid"
cli() { redis-cli -p "$port" "$@"; }
cleanup() {
	[ -n "${daemon:-}" ] && kill "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null
	cli shutdown nosave >/dev/null 2>&1 || true
}
trap cleanup EXIT
for _ in $(seq 50); do cli ping >/dev/null 2>&1 && break; sleep 0.1; done
cat >"$dir/inspectd.yaml" <<YAML
redis:
  address: redis://127.0.0.1:$port
policies: $PWD/policies
archive: $dir/archive
consumer: flood
YAML
$b/bench/gen_population 20000 1 "$dir/pop.csv" "$dir/det.csv"
ctl="$b/src/cli/inspectctl"
$ctl import --config "$dir/inspectd.yaml" --entities "$dir/pop.csv" \
	--details "$dir/det.csv" 2>/dev/null
awk 'BEGIN { print "id,name,badge,department,jurisdictions,qualifications,daily_capacity,conflicts,active";
	for (i = 0; i < 400; i++) printf "f%03d,n%03d,%05d,SAMR-ZZ,1;3;4;5,,15,,1\n", i, i, i }' >"$dir/roster.csv"
$ctl import --config "$dir/inspectd.yaml" --inspectors "$dir/roster.csv" 2>/dev/null
$b/src/daemon/inspectd --config "$dir/inspectd.yaml" 2>"$dir/inspectd.log" &
daemon=$!
for _ in $(seq 100); do cli exists {insp}:intake | grep -q 1 && break; sleep 0.05; done
mem0=$(cli info memory | awk -F: '/^used_memory:/ {print $2+0}')

# The junk, written with redis-cli --pipe (RESP from the standard library).
python3 - "$junk" >"$dir/junk.resp" <<'PY'
import sys
def cmd(*args):
    out = ["*%d\r\n" % len(args)]
    for a in args:
        b = a.encode() if isinstance(a, str) else a
        out.append("$%d\r\n" % len(b))
        out.append(b.decode("latin-1") + "\r\n")
    return "".join(out)
n = int(sys.argv[1])
w = sys.stdout
w.write(cmd("XADD", "{insp}:intake", "*", "blob", "x" * (1 << 20)))
for i in range(n):
    k = i % 3
    if k == 0:
        w.write(cmd("XADD", "{insp}:intake", "*", "junk", str(i)))
    elif k == 1:
        w.write(cmd("XADD", "{insp}:intake", "*", "type", "campaign",
                    "id", "JUNK-%d" % i))
    else:
        w.write(cmd("XADD", "{insp}:intake", "*", "type", "campaign",
                    "id", "BIG-%d" % i, "department", "y" * 10240))
PY
t0=$(date +%s.%N)
cli --pipe <"$dir/junk.resp" >/dev/null
t1=$(date +%s.%N)
$ctl submit --config "$dir/inspectd.yaml" --id GOOD-1 --department SAMR-ZZ \
	--policy henan-2021 --items SC-001 --entropy 42 >/dev/null
until [ "$(cli hget {insp}:campaign:GOOD-1 status)" = published ]; do
	sleep 0.02
done
t2=$(date +%s.%N)
until [ "$(cli xinfo groups {insp}:intake | awk 'p {print; exit} /^pending$/ {p=1}')" = 0 ]; do
	sleep 0.05
done
mem1=$(cli info memory | awk -F: '/^used_memory:/ {print $2+0}')
records=$(cli --scan --pattern '{insp}:campaign:*' | wc -l)

echo "| $junk junk intake entries (and one of 1 MB), then one good campaign | $(printf '%.2f' "$(echo "$t2 - $t1" | bc)") s from the good entry to its publication | flood written in $(printf '%.2f' "$(echo "$t1 - $t0" | bc)") s |"
echo "| what the junk left | intake $(cli xlen {insp}:intake) entries, intake:rejected $(cli xlen {insp}:intake:rejected), campaign records $records (GOOD-1 and the junk's) | Redis used_memory $(( (mem1 - mem0) / 1024 )) kB more than before the flood |"
