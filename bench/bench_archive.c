/* The archive of audit copies with a population of N synthetic entities
 * (the generator of bench_draw): its canonical text archived as inspectd
 * archives it (formatted and compressed a MiB at a time), found there
 * again (what a second campaign of the same population costs), and read
 * back whole (what a draw from a frozen population or an audit bundle
 * costs). Prints sizes, the compression ratio, times and peak memory.
 * usage: bench_archive N DIR (DIR: an empty directory of its own) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "inspect/core/date.h"
#include "inspect/core/seed.h"
#include "inspect/shell/archive.h"
#include "inspect/shell/clock.h"
#include "synth.h"

#define PIECE (1u << 20)

static size_t archive_text(struct archive_writer *w,
			   const struct population *pop)
{
	static char text[PIECE + RECORD_MAX];
	size_t used = (size_t)snprintf(text, PIECE, "%s\n", POPULATION_HEADER);
	size_t total = 0;
	for (size_t i = 0; i < pop->n; i++) {
		used += population_format_record(&pop->v[i], text + used);
		if (used >= PIECE) {
			archive_writer_add(w, text, used);
			total += used;
			used = 0;
		}
	}
	archive_writer_add(w, text, used);
	return total + used;
}

static void fail(struct diag *err)
{
	fprintf(stderr, "bench_archive: %s\n", diag_reason(err));
	exit(1);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: bench_archive N DIR\n");
		return 2;
	}
	size_t n = strtoull(argv[1], NULL, 10);
	const char *dir = argv[2];
	struct population pop = {.v = malloc(n * sizeof(struct entity)),
				 .n = n};
	struct rng r;
	struct diag err;
	diag_init(&err);
	rng_init(&r, 1, 0x5851f42d4c957f2dULL);
	int32_t today = date_from_civil(2026, 11, 1);
	for (size_t i = 0; i < n; i++)
		synth_entity(&r, today, &pop.v[i]);
	if (population_canonicalize(&pop, "synthetic", 0, &err) < 0)
		fail(&err);
	uint8_t d[32];
	char hex[65], path[4096];
	population_digest(&pop, d);
	seed_hex(d, 32, hex);
	struct archive_writer *w;
	double t0 = clock_seconds();
	if (archive_writer_create(dir, ARCHIVE_POPULATION, hex, &w, &err) != 0)
		fail(&err);
	size_t text = archive_text(w, &pop);
	if (archive_writer_commit(w, NULL, &err) < 0)
		fail(&err);
	double put = clock_seconds() - t0;
	t0 = clock_seconds();
	if (archive_writer_create(dir, ARCHIVE_POPULATION, hex, &w, &err) != 1)
		fail(&err);
	double found = clock_seconds() - t0;
	struct strbuf back = {0};
	t0 = clock_seconds();
	if (archive_get(dir, ARCHIVE_POPULATION, hex, &back, &err) < 0)
		fail(&err);
	double get = clock_seconds() - t0;
	archive_path(path, sizeof(path), dir, ARCHIVE_POPULATION, hex);
	FILE *f = fopen(path, "rb");
	fseek(f, 0, SEEK_END);
	long packed = ftell(f);
	fclose(f);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("entities %zu level %d text_bytes %zu archive_bytes %ld "
	       "ratio %.2f bytes_per_entity %.1f put_s %.2f found_s %.2f "
	       "get_s %.2f put_mb_s %.0f get_mb_s %.0f max_rss_mb %ld\n",
	       n, ARCHIVE_LEVEL, text, packed, (double)text / (double)packed,
	       (double)packed / (double)n, put, found, get,
	       (double)text / put / 1e6, (double)text / get / 1e6,
	       ru.ru_maxrss / 1024);
	if (back.len != text)
		return 1;
	sb_finish(&back);
	population_finish(&pop);
	return 0;
}
