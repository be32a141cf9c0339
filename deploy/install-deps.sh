#!/usr/bin/env bash
# Installs the Debian 12 packages inspectd needs to build, test and run its
# demo. Idempotent: a package already present is not fetched again.
# Usage: deploy/install-deps.sh [--bench]   (--bench adds the reference peers)
set -eu

build=(build-essential pkg-config meson ninja-build clang
       libuv1-dev libhiredis-dev libcyaml-dev libyaml-dev libcriterion-dev
       libssl-dev libsodium-dev libjansson-dev redis-server python3)
bench=(python3-numpy python3-pandas r-cran-sampling r-base-core time)

want=("${build[@]}")
[ "${1:-}" = "--bench" ] && want+=("${bench[@]}")

missing=()
for p in "${want[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
