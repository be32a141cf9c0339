#!/usr/bin/env bash
# The demo: builds inspectctl, generates a population of 100,000 entities,
# and draws a campaign under Henan's 2021 rates, printing the summary and
# the first selected entities.
set -eu
cd "$(dirname "$0")/.."
deploy/install-deps.sh
[ -d build ] || meson setup build >/dev/null
ninja -C build >/dev/null
mkdir -p demo
[ -f demo/population.csv ] || build/bench/gen_population 100000 1 demo/population.csv
build/src/cli/inspectctl draw --policy policies/henan-2021.yaml \
	--population demo/population.csv --campaign DEMO-2026-001 \
	--entropy "$(date +%Y%m%d)" >demo/selection.csv
echo
echo "first selected entities (of $(($(wc -l <demo/selection.csv) - 1)), all in demo/selection.csv):"
head -6 demo/selection.csv
