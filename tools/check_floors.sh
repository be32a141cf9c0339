#!/usr/bin/env bash
# The floors of the code base, checked by their includes: the pure core
# includes only the core; the shell the core and the shell; the store
# (the only floor that speaks Redis) those and itself; the daemon and the
# CLI any floor below, never each other. An include that runs up a floor
# is printed and fails the check.
#   bash tools/check_floors.sh [SOURCE_ROOT]
set -u
cd "${1:-$(dirname "$0")/..}" || exit 2
bad=0
# check DIR... -- ALLOWED-REGEX: every quoted include of the files must
# match the regex.
check() {
	local files=() allowed d
	while [ "$1" != -- ]; do
		for d in "$1"/*.[ch]; do [ -e "$d" ] && files+=("$d"); done
		shift
	done
	allowed=$2
	while IFS= read -r hit; do
		echo "floors: $hit"
		bad=1
	done < <(grep -Hn '^#include "' "${files[@]}" |
		 grep -Ev "#include \"($allowed)\"")
}
check src/core include/inspect/core -- 'inspect/core/[a-z_0-9]+\.h|assign_work\.h'
check src/shell include/inspect/shell -- 'inspect/(core|shell)/[a-z_0-9]+\.h'
check src/store include/inspect/store -- 'inspect/(core|shell|store)/[a-z_0-9]+\.h|cluster\.h'
check src/daemon -- 'inspect/(core|shell|store)/[a-z_0-9]+\.h|answer\.h|http\.h|metrics\.h|result_answer\.h|spreader\.h|teams\.h|tx\.h|worker\.h'
check src/cli -- 'inspect/(core|shell|store)/[a-z_0-9]+\.h|cli\.h|report\.h'
# Redis's own headers: the store, and (until they are moved down) the
# daemon's and the CLI's files; never the core or the shell.
if grep -Hn '#include <hiredis' src/core/* src/shell/* include/inspect/core/* \
	include/inspect/shell/* 2>/dev/null; then
	bad=1
fi
[ $bad = 0 ] && echo "floors: every include stays on its floor or below"
exit $bad
