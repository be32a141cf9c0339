#!/usr/bin/env bash
# Moves the audit copies an inspectd before the archive kept in Redis into
# the archive (docs/REDIS.md, "The archive"): each population
# (<p>population:<sha256> = its chunk count, <p>population:<sha256>:<k>
# its chunks, joined in order) and each roster, item list and calendar
# copy (<p>roster:<sha256>, <p>items:<sha256>, <p>calendar:<sha256>),
# written as archive entries through a temporary file, each checked
# against its name before it is renamed into place. An entry there that
# reads back right is kept. With --delete, the keys of a copy are deleted
# once its entry is in place; run again, it finds the entries there.
#
#   tools/archive_legacy.sh ARCHIVE [--prefix '{insp}:'] [--delete] \
#       [-- REDIS-CLI OPTIONS]      (e.g. -- -h 10.0.0.5 -p 6379 --tls)
#
# On a cluster, give the master that holds the prefix's hash tag. Needs
# redis-cli, zstd and sha256sum.
set -euo pipefail
[ $# -ge 1 ] || { sed -n '2,17p' "$0" >&2; exit 2; }
archive=$1
shift
prefix='{insp}:'
delete=false
while [ $# -gt 0 ]; do
	case $1 in
	--prefix) prefix=$2; shift 2 ;;
	--delete) delete=true; shift ;;
	--) shift; break ;;
	*) echo "archive_legacy: unknown option $1" >&2; exit 2 ;;
	esac
done
cli=("$@")
rc() { redis-cli "${cli[@]}" "$@"; }
moved=0 failed=0

# The key's value, byte for byte (redis-cli --raw ends it with a line
# feed of its own, taken off again).
value() { rc --raw GET "$1" | head -c -1; }

# Whether the file decompresses to content whose SHA-256 is $2.
sound() {
	[ -f "$1" ] && [ "$(zstd -dcq "$1" 2>/dev/null | sha256sum | cut -c1-64)" = "$2" ]
}

# The content on stdin archived as KIND's entry HEX, unless it is there.
put() {
	local kind=$1 hex=$2 dir path tmp
	dir="$archive/$kind/${hex:0:2}"
	path="$dir/$hex.zst"
	if sound "$path" "$hex"; then
		cat >/dev/null
		return 0
	fi
	mkdir -p "$dir"
	tmp=$(mktemp "$dir/.$hex.zst.XXXXXX")
	zstd -3 -q -c >"$tmp"
	if ! sound "$tmp" "$hex"; then
		rm -f "$tmp"
		echo "archive_legacy: $kind $hex: the copy in Redis does not match its name: left there" >&2
		return 1
	fi
	chmod 640 "$tmp"
	sync "$tmp"
	mv "$tmp" "$path"
	sync "$dir"
}

# The keys of one kind whose last part is a digest.
digests() { rc --scan --pattern "$prefix$1:*" | grep -E "^.*:[0-9a-f]{64}\$" || true; }

for key in $(digests population); do
	hex=${key##*:}
	n=$(rc GET "$key")
	if { for ((k = 0; k < n; k++)); do value "$key:$k"; done; } | put population "$hex"; then
		moved=$((moved + 1))
		if $delete; then # the count first: a copy without it is no copy
			rc DEL "$key" >/dev/null
			for ((k = 0; k < n; k++)); do rc DEL "$key:$k" >/dev/null; done
		fi
	else
		failed=$((failed + 1))
	fi
done
for kind in roster items calendar; do
	for key in $(digests "$kind"); do
		if value "$key" | put "$kind" "${key##*:}"; then
			moved=$((moved + 1))
			! $delete || rc DEL "$key" >/dev/null
		else
			failed=$((failed + 1))
		fi
	done
done
echo "archive_legacy: $moved copies in $archive, $failed left in Redis"
[ "$failed" -eq 0 ]
