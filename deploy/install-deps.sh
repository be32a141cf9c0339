#!/usr/bin/env bash
# Installs the Debian 12 packages inspectd needs to build, test and run its
# demo. Idempotent: a package already present is not fetched again.
# Usage: deploy/install-deps.sh [--bench]   (--bench adds the reference peers)
set -eu

build=(build-essential pkg-config meson ninja-build clang
       libuv1-dev libhiredis-dev libcyaml-dev libyaml-dev libcriterion-dev
       libssl-dev libsodium-dev redis-server python3
       chromium fonts-noto-cjk)
bench=(python3-numpy python3-pandas r-cran-sampling r-base-core time)

want=("${build[@]}")
[ "${1:-}" = "--bench" ] && want+=("${bench[@]}")
# The browser test drives chromium with npm's playwright-core: Node.js
# from Debian unless the machine has its own.
command -v npm >/dev/null || want+=(nodejs npm)

missing=()
for p in "${want[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "installing: ${missing[*]}" >&2
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -qq
	$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" \
		>/dev/null
fi

# playwright-core at the version package-lock.json pins.
browser="$(dirname "$0")/../tests/browser"
[ -d "$browser/node_modules/playwright-core" ] ||
	(cd "$browser" && npm ci --no-audit --no-fund --loglevel=error >&2)
