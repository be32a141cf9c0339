# Sourced by the benchmarks: the inspectd configuration they share.
# bench_config DIR PORT: DIR/inspectd.yaml for a Redis (or a cluster's
# node) on 127.0.0.1:PORT, with the policies and the archive in DIR and
# room for the largest populations; append to it for more (http:).
bench_config() {
	cat >"$1/inspectd.yaml" <<YAML
redis:
  address: redis://127.0.0.1:$2
  command_timeout_ms: 600000
policies: $1/policies
archive: $1/archive
consumer: bench
max_population: 200000000
YAML
	# BENCH_STEP_KIB: a publication's steps of that many KiB (default 512).
	[ -z "${BENCH_STEP_KIB:-}" ] ||
		echo "publication_step_kib: $BENCH_STEP_KIB" >>"$1/inspectd.yaml"
}
