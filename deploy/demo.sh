#!/usr/bin/env bash
# The demo: installs what is missing, builds, starts a redis-server of its
# own on a free loopback port (data in demo/), imports a generated
# population of 100,000 entities and a roster of 60 inspectors, starts
# inspectd, submits a campaign under Henan's 2021 rates, prints the campaign
# record, a second department's campaign (caps and merged visits), the
# verification of approvals granted on a pledge, and the first published
# tasks (each with its team and day); then
# closes the loop on a campaign of last month: inspectors' results come
# back (one reviewed before publication, one corrected, one objected to),
# the disclosure and the national record are exported (demo/public/) with
# its audit bundle,
# and both verifiers re-run the draw. Stops what it started.
# With --cluster, the same on a Redis Cluster of its own: 3 masters with a
# replica each (demo/node*), inspectd given the address of one node.
set -eu
cd "$(dirname "$0")/.."
cluster=no
case "${1:-}" in
--cluster) cluster=yes ;;
"") ;;
*) echo "usage: deploy/demo.sh [--cluster]" >&2; exit 2 ;;
esac
deploy/install-deps.sh
[ -d build ] || meson setup build >/dev/null
ninja -C build >/dev/null

rm -rf demo && mkdir -p demo
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
rcli() { redis-cli -c -p "$port" "$@"; } # -c: follows a cluster's MOVED
nodes=()
start_redis() { # start_redis DIR PORT [ARGS]: a server of deploy/redis.conf
	local dir=$1 p=$2
	shift 2
	mkdir -p "$dir"
	redis-server deploy/redis.conf --port "$p" --bind 127.0.0.1 --dir "$dir" \
		--daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" "$@"
	nodes+=("$p")
	for _ in $(seq 50); do redis-cli -p "$p" ping >/dev/null 2>&1 && break; sleep 0.1; done
}
cleanup() {
	[ -n "${daemon:-}" ] && kill "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null
	for p in "${nodes[@]}"; do redis-cli -p "$p" shutdown nosave >/dev/null 2>&1 || true; done
}
trap cleanup EXIT
if [ "$cluster" = yes ]; then
	for i in 0 1 2 3 4 5; do
		# Its own bus port: the default, port + 10000, may pass 65535.
		start_redis "$PWD/demo/node$i" "$(free_port)" --cluster-enabled yes \
			--cluster-config-file nodes.conf --cluster-port "$(free_port)" \
			--repl-diskless-sync-delay 0
	done
	redis-cli --cluster create $(printf '127.0.0.1:%s ' "${nodes[@]}") \
		--cluster-replicas 1 --cluster-yes >demo/cluster.log
	for p in "${nodes[@]}"; do
		for _ in $(seq 100); do
			redis-cli -p "$p" cluster info | grep -q '^cluster_state:ok' && break
			sleep 0.1
		done
	done
	# inspectd's keys share the hash tag {insp}: one master serves them,
	# the one redis-cli is pointed at (-c follows redirects for the rest).
	for p in "${nodes[@]}"; do
		[[ $(redis-cli -p "$p" exists '{insp}:intake') =~ ^[0-9]+$ ]] && port=$p
	done
	for _ in $(seq 100); do # until every node sees the replicas
		[ "$(redis-cli -p "$port" cluster nodes | grep -c slave)" = 3 ] && break
		sleep 0.1
	done
	echo "== a Redis Cluster of its own (demo/node*): 3 masters, a replica each"
	redis-cli -p "$port" cluster nodes | sort -k3 | awk '{ sub(/@.*/, "", $2); f = $3;
		sub(/myself,/, "", f); print "  " $2 "  " f (f == "master" ? "  slots " $9 : "") }' | sort -k2
else
	port=$(free_port)
	start_redis "$PWD/demo" "$port"
fi

# The shipped policies, and one for a department whose results are
# reviewed before they go public (docs/RESULTS.md).
rm -rf demo/policies && mkdir -p demo/policies && cp -r policies/. demo/policies/
sed -e 's/^name: national-default/name: national-reviewed/' \
	policies/national-default.yaml >demo/policies/national-reviewed.yaml
printf 'results:\n  review_by: result-review\n' >>demo/policies/national-reviewed.yaml
# The staff dashboard (docs/HTTP.md): one token that sees every
# department, one SAMR-ZZ's; the file is the operator's, mode 600.
http_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
token_all=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
token_samr=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
(umask 077 && printf '%s *\n%s SAMR-ZZ\n' "$token_all" "$token_samr" >demo/tokens)
cat >demo/inspectd.yaml <<YAML
redis:
  address: redis://127.0.0.1:$port
policies: $PWD/demo/policies
archive: $PWD/demo/archive
consumer: demo
reminder_days: 5
http:
  listen: 127.0.0.1:$http_port
  tokens_file: $PWD/demo/tokens
  refresh_seconds: 2
  reread_seconds: 0
YAML
ctl="build/src/cli/inspectctl"
build/bench/gen_population 100000 1 demo/population.csv demo/details.csv
# The roster: Zhengzhou's market supervision inspectors, a few of them
# qualified for food safety.
{
	echo "id,name,badge,department,jurisdictions,qualifications,daily_capacity,conflicts,active"
	surnames=(王 李 张 刘 陈 杨 赵 黄 周 吴)
	for i in $(seq -w 1 60); do
		q=""; [ $((10#$i % 4)) -eq 0 ] && q=food-safety
		echo "zz$i,${surnames[$((10#$i % 10))]}检$i,41010$i,SAMR-ZZ,4101,$q,4,,1"
	done
	# Two of the office's reviewers of results (审核), not sent on visits
	# (jurisdiction 4199 has no entities).
	echo "zz91,郑审91,4101091,SAMR-ZZ,4199,result-review,1,,1"
	echo "zz92,王审92,4101092,SAMR-ZZ,4199,result-review,1,,1"
	# And the drug administration's (MPA-ZZ), pharmacists.
	for i in $(seq -w 1 12); do
		echo "yj$i,${surnames[$((10#$i % 10))]}药$i,42010$i,MPA-ZZ,4101,pharmacy,4,,1"
	done
} >demo/roster.csv
$ctl import --config demo/inspectd.yaml --entities demo/population.csv \
	--details demo/details.csv --inspectors demo/roster.csv
build/src/daemon/inspectd --config demo/inspectd.yaml 2>demo/inspectd.log &
daemon=$!
id="DEMO-$(date +%Y%m%d-%H%M%S)"
$ctl submit --config demo/inspectd.yaml --id "$id" --department SAMR-ZZ \
	--policy henan-2021 --items SC-001,SC-017 --regions 4101 \
	--window "$(date -d '+7 days' +%F)..$(date -d '+37 days' +%F)" \
	--entropy "$(date +%s)" >/dev/null
published() { # waits up to 10 s for campaign $1 to be published
	for _ in $(seq 100); do
		[ "$($ctl status "$1" --config demo/inspectd.yaml 2>/dev/null |
			awk '$1=="status"{print $2}')" = published ] && return
		sleep 0.1
	done
}
published "$id"
echo
echo "== campaign record ($ctl status $id)"
$ctl status "$id" --config demo/inspectd.yaml
echo
echo "== another department's campaign on the same firms: the policy's caps"
echo "   hold back the low-risk ones $id will already visit this year, and"
echo "   a drawn firm $id visits in the window is visited the same day, one"
echo "   door for both departments' items (joined)"
mpa="$id-MPA"
$ctl submit --config demo/inspectd.yaml --id "$mpa" --department MPA-ZZ \
	--policy city-capacity-pps --size 80 --items YJ-004 --regions 4101 \
	--window "$(date -d '+7 days' +%F)..$(date -d '+37 days' +%F)" \
	--entropy "$(date +%s)" >/dev/null
published "$mpa"
$ctl status "$mpa" --config demo/inspectd.yaml |
	grep -E '^(department|status|population|selected|capped|joined) '
echo
echo "== pledge verification: approvals granted on a pledge (告知承诺) this"
echo "   week, and one of two months ago; inspectd plans their verification"
echo "   itself (all food and drug ones, a fifth of the address pledges),"
echo "   by each deadline (the late one within 10 working days), with a"
echo "   team qualified for the item"
{
	echo "uscc,item,date,number"
	awk -F, 'NR > 1 && $4 ~ /^4101/ { print $1 }' demo/population.csv |
		head -24 | awk -v d0="$(date +%F)" '
		BEGIN { split("PL-FOOD-01 PL-ADDR-01 PL-DRUG-01", item, " ") }
		{ print $1 "," item[NR % 3 + 1] ",DAY" (NR % 5) ",FT-" 1000 + NR }' |
		sed -e "s/DAY0/$(date +%F)/" -e "s/DAY1/$(date -d '-1 day' +%F)/" \
			-e "s/DAY2/$(date -d '-2 days' +%F)/" \
			-e "s/DAY3/$(date -d '-4 days' +%F)/" \
			-e "s/DAY4/$(date -d '-60 days' +%F)/"
} >demo/approvals.csv
$ctl import --config demo/inspectd.yaml --pledges demo/approvals.csv
for _ in $(seq 100); do
	[ "$(rcli HLEN {insp}:approvals:pending)" = 0 ] && break
	sleep 0.1
done
for pv in $(rcli --raw HVALS {insp}:approvals:campaign | sort -u); do
	published "$pv"
done
$ctl pledges --config demo/inspectd.yaml | tail -9
# One of them re-run from its audit bundle, the pledge rules checked.
$ctl export --config demo/inspectd.yaml --campaign "$pv" --bundle \
	--out "demo/bundle-$pv" >/dev/null
$ctl verify "demo/bundle-$pv" | grep -E '^(verified|DIFFERENCE)'
python3 tools/verify.py "demo/bundle-$pv" | tail -1
echo
echo "== first tasks on {insp}:dept:SAMR-ZZ (of $(rcli XLEN {insp}:dept:SAMR-ZZ))"
# Entries come as an id line, then field and value lines.
rcli --raw XRANGE {insp}:dept:SAMR-ZZ - + COUNT 5 | awk '
	/^[0-9]+-[0-9]+$/ { if (line) print line; line = $0; key = ""; next }
	key == "" { key = $0; next }
	{ line = line "  " key "=" $0; key = "" }
	END { if (line) print line }'

# Last month's campaign, entered as the record of a draw made then (a
# back-dated record: its past days stay out of today's feeds); its visits
# are past, so results can come back.
past="$id-PAST"
$ctl submit --config demo/inspectd.yaml --id "$past" --department SAMR-ZZ \
	--policy national-default --items SC-001 --regions 410102 \
	--date "$(date -d '-40 days' +%F)" --backdated \
	--window "$(date -d '-35 days' +%F)..$(date -d '-12 days' +%F)" \
	--entropy "$(date +%s)" >/dev/null
published "$past"
# Three results from the inspectors' side: the visit's day, its first
# member, and a result code (01 no problem, 02 information not published,
# 05 corrected on order).
codes=(01 02 05)
rcli --raw HGETALL "{insp}:visits:$past" | paste - - | head -3 |
	tr '\037' '\t' | while IFS=$'\t' read -r uscc day ids _; do
		rcli XADD {insp}:results '*' campaign "$past" \
			uscc "$uscc" inspector "${ids%%;*}" date "$day" \
			result "${codes[0]}" >/dev/null
		codes=("${codes[@]:1}")
	done
for _ in $(seq 100); do
	[ "$(rcli HLEN "{insp}:results:$past")" = 3 ] && break
	sleep 0.1
done
# The rest of its results, as a year of them would read: problems found
# more often the riskier the class (a fixed rule, the same every run).
rcli --raw HGETALL "{insp}:visits:$past" | paste - - | tail -n +4 |
	tr '\037' '\t' | cut -f1-3 | sort >demo/past-visits.tsv
cut -d, -f1,2 demo/population.csv | tr ',' '\t' | sort |
	join -t $'\t' demo/past-visits.tsv - |
	awk -F'\t' -v c="$past" 'BEGIN { srand(7); p["A"] = .02; p["B"] = .06
		p["C"] = .15; p["D"] = .35 }
	{ split($3, ids, ";"); u = rand()
	  r = u < p[$4] / 2 ? "02" : u < p[$4] ? "05" : u > .97 ? "08" : "01"
	  print "XADD {insp}:results * campaign " c " uscc " $1 " inspector " \
		ids[1] " date " $2 " result " r }' >demo/results.txt
rcli <demo/results.txt >/dev/null
all=$(($(wc -l <demo/results.txt) + 3))
for _ in $(seq 300); do
	[ "$(rcli HLEN "{insp}:results:$past")" = "$all" ] && break
	sleep 0.1
done
echo
echo "== results due ($ctl overdue --campaign $past)"
$ctl overdue --config demo/inspectd.yaml --campaign "$past" | tail -4
echo
echo "== results after entry (docs/RESULTS.md): reviewed, corrected, objected to"
xadd() { rcli XADD {insp}:results '*' "$@" >/dev/null; }
field() { # the value after field $1 in redis-cli's output on stdin
	awk -v f="$1" 'p { print; exit } $0 == f { p = 1 }'
}
settle() { # waits until inspectd was given and answered every results entry
	for _ in $(seq 100); do
		# Given out first, then none pending (the other way round, an
		# entry given out between the two would seem answered).
		[ "$(rcli XINFO STREAM {insp}:results | field last-generated-id)" = \
			"$(rcli XINFO GROUPS {insp}:results | field last-delivered-id)" ] &&
			[ "$(rcli XPENDING {insp}:results inspectd | head -1)" = 0 ] &&
			break
		sleep 0.1
	done
}
# A campaign of a department that reviews its results before they go public.
rev="$id-REVIEWED"
$ctl submit --config demo/inspectd.yaml --id "$rev" --department SAMR-ZZ \
	--policy national-reviewed --items SC-017 --regions 410105 \
	--date "$(date -d '-40 days' +%F)" --backdated \
	--window "$(date -d '-35 days' +%F)..$(date -d '-12 days' +%F)" \
	--entropy "$(date +%s) reviewed" >/dev/null
published "$rev"
rcli --raw HGETALL "{insp}:visits:$rev" | paste - - | head -2 |
	tr '\037' '\t' >demo/reviewed-visits.tsv
while IFS=$'\t' read -r uscc day ids _; do
	xadd campaign "$rev" uscc "$uscc" inspector "${ids%%;*}" date "$day" result 01
done <demo/reviewed-visits.tsv
settle
$ctl overdue --config demo/inspectd.yaml --campaign "$rev" | tail -1
first=$(head -1 demo/reviewed-visits.tsv | cut -f1)
xadd action approve campaign "$rev" uscc "$first" reviewer zz91
settle
echo "approved by reviewer zz91: $first (public now); the other still waits:"
$ctl overdue --config demo/inspectd.yaml --campaign "$rev" | tail -1
# Last month's first result (01) corrected by its department: the record
# keeps the old version, the public record shows the correction.
read -r fixed _ < <(rcli --raw HGETALL "{insp}:visits:$past" | paste - - | head -1)
xadd action correct campaign "$past" uscc "$fixed" department SAMR-ZZ \
	result 05 note "录入错误：检查中发现问题，已责令改正"
# Its second entity objects (异议); the department answers: upheld.
read -r objector _ < <(rcli --raw HGETALL "{insp}:visits:$past" | paste - - | sed -n 2p)
xadd action object campaign "$past" uscc "$objector" statement "我公司已按时公示年度报告"
xadd action answer campaign "$past" uscc "$objector" department SAMR-ZZ \
	outcome upheld note "经核查，年度报告逾期公示，结果维持"
# A step that does not fit is refused with its reason.
xadd action correct campaign "$past" uscc "$fixed" department MPA-ZZ \
	result 01 note "not theirs"
settle
rcli --raw XREVRANGE {insp}:results:rejected + - COUNT 1 |
	awk 'p { print "refused: " $0; exit } $0 == "reason" { p = 1 }'
echo "public events: $(rcli --raw XRANGE {insp}:public - + |
	grep -cx 'result_corrected') correction, $(rcli --raw \
	XRANGE {insp}:public - + | grep -cx 'objection_answered') objection answered"
echo "the log of $fixed's result:"
rcli --raw XRANGE "{insp}:result-log:$past" - + |
	awk -v u="$fixed" 'k == "action" { a = $0 } k == "uscc" { w = $0 }
		k == "version" && w == u { print "  " a ", version " $0 } { k = $0 }'
echo
echo "== the public disclosure and the audit bundle"
for f in csv json html national-csv; do
	$ctl export --config demo/inspectd.yaml --campaign "$past" --format $f \
		--out demo/public
done
echo "the national record (国家企业信用信息公示系统's columns), first lines:"
head -3 "demo/public/$past.national.csv"
$ctl export --config demo/inspectd.yaml --campaign "$past" --bundle \
	--out "demo/bundle-$past"
$ctl verify "demo/bundle-$past"
python3 tools/verify.py "demo/bundle-$past"
echo
echo "== the department's annual plan (年度抽查计划): filed and public, then"
echo "   its first batches: inspectd freezes them on their day (today), the"
echo "   department gives the entropy the plan names (here at once), and"
echo "   they are drawn and published"
plan="ZZ$(date +%Y)-$(date +%H%M%S)"
{
	echo "plan: $plan"
	echo "department: SAMR-ZZ"
	echo "year: $(date +%Y)"
	echo "title: 郑州市市场监督管理局$(date +%Y)年度双随机抽查工作计划（演示）"
	echo "tasks:"
	echo "  - {id: LIC, name: 营业执照规范使用检查, type: undirected,"
	echo "     items: [SC-001], policy: henan-2021, regions: ['410102'],"
	echo "     quantity: 400, batches: ["
	echo "       {freeze: $(date +%F), window: $(date -d '+2 days' +%F)..$(date -d '+40 days' +%F),"
	echo "        entropy: {date: $(date -d '+1 day' +%F), source: 上证综指收盘点位}}]}"
	echo "  - {id: RETAIL, name: 批发零售业食品安全定向检查, type: directed,"
	echo "     items: [SC-017, 'SC-001:0.3'], policy: national-default, regions: ['410102'],"
	echo "     industries: [F], quantity: 100, batches: ["
	echo "       {freeze: $(date +%F), window: $(date -d '+2 days' +%F)..$(date -d '+40 days' +%F),"
	echo "        entropy: {date: $(date -d '+1 day' +%F), source: 公开摇号}}]}"
} >demo/plan.yaml
$ctl plan submit demo/plan.yaml --config demo/inspectd.yaml
for batch in "$plan-LIC-1" "$plan-RETAIL-1"; do
	for _ in $(seq 100); do
		[ "$($ctl status "$batch" --config demo/inspectd.yaml 2>/dev/null |
			awk '$1=="status"{print $2}')" = frozen ] && break
		sleep 0.1
	done
	$ctl submit --config demo/inspectd.yaml --entropy-for "$batch" \
		--entropy "$(date +%s) $batch" >/dev/null
	published "$batch"
done
$ctl plan show "$plan" --config demo/inspectd.yaml
echo
echo "== items per visit: the retail batch checks SC-017 at every visit and"
echo "   SC-001 at 30% of them, drawn from its seed (its first tasks)"
rcli --raw xrange "{insp}:dept:SAMR-ZZ" - + |
	awk -v c="$plan-RETAIL-1" 'k == "campaign" { cur = $0 }
		k == "uscc" { u = $0 }
		k == "items" && cur == c && n++ < 6 { print "  " u "  " $0 }
		{ k = $0 }'
$ctl plan show "$plan" --config demo/inspectd.yaml --format html \
	--out demo/public/plan.html
echo
echo "== the department's numbers ($ctl report --department SAMR-ZZ; HTML in"
echo "   demo/public/report.html)"
span=(--from "$(date -d '-60 days' +%F)" --to "$(date -d '+60 days' +%F)")
$ctl report --config demo/inspectd.yaml --department SAMR-ZZ "${span[@]}" \
	--policy henan-2021 --min-results 10
$ctl report --config demo/inspectd.yaml --department SAMR-ZZ "${span[@]}" \
	--policy henan-2021 --min-results 10 --format html \
	--out demo/public/report.html
echo
echo "== this month's campaign re-run from its bundle (a window into next"
echo "   year is planned on a provisional calendar until the State Council's"
echo "   notice is added: $ctl calendar says which)"
$ctl export --config demo/inspectd.yaml --campaign "$id" --bundle \
	--out "demo/bundle-$id" >/dev/null
$ctl verify "demo/bundle-$id" | grep -E '^(verified|calendars|DIFFERENCE)'
python3 tools/verify.py "demo/bundle-$id" | tail -1
$ctl calendar --config demo/inspectd.yaml 2>&1 | tail -3 || true
echo
echo "== the staff dashboard (智能看板) and the operators' probes (docs/HTTP.md)"
get() { # get PATH [TOKEN]: the answer's body
	python3 - "http://127.0.0.1:$http_port$1" "${2:-}" <<'PY'
import sys, urllib.request, urllib.error
req = urllib.request.Request(sys.argv[1])
if sys.argv[2]:
    req.add_header("Authorization", "Bearer " + sys.argv[2])
try:
    print(urllib.request.urlopen(req, timeout=5).read().decode(), end="")
except urllib.error.HTTPError as e:
    print(e.code, e.read().decode(), end="")
PY
}
sleep 3 # the dashboard reads Redis every 2 s here
get /readyz
get /metrics | grep -E '^inspectd_(campaigns|results_overdue|entries_taken)'
echo "reminders on {insp}:reminders: $(rcli xlen '{insp}:reminders')" \
	"(sent on the daemon's first job of each day: today's went out" \
	"before these campaigns existed)"
echo "without a token: $(get /dashboard | head -1)"
echo
echo "dashboard:  http://127.0.0.1:$http_port/dashboard"
echo "token (every department): $token_all"
echo "token (SAMR-ZZ only):     $token_samr"
echo "  (in a browser, sign in at http://127.0.0.1:$http_port/login with a"
echo "   token; a program sends it as Authorization: Bearer TOKEN, as in"
echo "   curl -H 'Authorization: Bearer $token_samr' http://127.0.0.1:$http_port/api/dashboard)"
if [ -t 0 ] && [ -t 1 ]; then
	read -r -p "The demo stays up for you to look; press Enter to stop it. "
fi
echo
echo "== inspectd log"
cat demo/inspectd.log
