#!/usr/bin/env bash
# Installs the Debian 12 packages inspectd needs. Idempotent: a package
# already present is not fetched again.
# Usage: deploy/install-deps.sh [--test] [--bench]
#   (none)   what building inspectd and running the demo need
#   --test   adds what the tests need: Criterion, clang with its sanitizer
#            runtime, libsodium (an independent SHA-256), the lunar-calendar
#            and ephemeris oracles, chromium, Node.js and playwright-core
#   --bench  adds the benchmarks' reference peers
set -eu

want=(build-essential pkg-config meson ninja-build
      libuv1-dev libhiredis-dev libcyaml-dev libyaml-dev libssl-dev libh2o-dev
      libzstd-dev zstd redis-server python3 tzdata)
test_only=(libcriterion-dev libsodium-dev clang libclang-rt-14-dev
	   python3-lunardate python3-ephem chromium fonts-noto-cjk time openssl)
bench=(python3-numpy python3-pandas r-cran-sampling r-base-core time wrk bc)

tests=false
for a in "$@"; do
	case $a in
	--test) tests=true want+=("${test_only[@]}") ;;
	--bench) want+=("${bench[@]}") ;;
	*) echo "usage: $0 [--test] [--bench]" >&2; exit 2 ;;
	esac
done
# The browser test drives chromium with npm's playwright-core: Node.js
# from Debian (18 on Debian 12) unless the machine has its own.
$tests && ! command -v npm >/dev/null && want+=(nodejs npm)

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

# playwright-core at the version package-lock.json pins (one whose
# engines accept Debian 12's Node.js 18).
browser="$(dirname "$0")/../tests/browser"
! $tests || [ -d "$browser/node_modules/playwright-core" ] ||
	(cd "$browser" && npm ci --no-audit --no-fund --loglevel=error >&2)
