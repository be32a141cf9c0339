/* Writes a synthetic population CSV (see synth.c). Rows come in random
 * order, as an export from a credit platform would.
 * usage: gen_population N SEED [OUT.csv [DETAILS.csv]]
 * (stdout without OUT; DETAILS gets uscc,name,address for inspectctl
 * import --details) */
#include <stdio.h>
#include <stdlib.h>

#include "inspect/core/date.h"
#include "inspect/core/population.h"
#include "synth.h"

static FILE *open_out(const char *path)
{
	FILE *f = path ? fopen(path, "w") : stdout;
	if (!f) {
		perror(path);
		exit(1);
	}
	return f;
}

int main(int argc, char **argv)
{
	if (argc < 3 || argc > 5) {
		fprintf(stderr, "usage: gen_population N SEED [OUT.csv "
			"[DETAILS.csv]]\n");
		return 2;
	}
	unsigned long long n = strtoull(argv[1], NULL, 10);
	struct rng r, names;
	rng_init(&r, strtoull(argv[2], NULL, 10), 0x5851f42d4c957f2dULL);
	/* Names from a stream of their own: the population is the same
	 * with or without them. */
	rng_init(&names, strtoull(argv[2], NULL, 10), 0x14057b7ef767814fULL);
	FILE *out = open_out(argc >= 4 ? argv[3] : NULL);
	FILE *det = argc == 5 ? open_out(argv[4]) : NULL;
	static char buf[1 << 20], dbuf[1 << 20];
	setvbuf(out, buf, _IOFBF, sizeof(buf));
	if (det) {
		setvbuf(det, dbuf, _IOFBF, sizeof(dbuf));
		fputs("uscc,name,address\n", det);
	}
	int32_t today = date_from_civil(2026, 11, 1);
	fputs(POPULATION_HEADER "\n", out);
	for (unsigned long long i = 0; i < n; i++) {
		struct entity e;
		char rec[RECORD_MAX], d[256];
		synth_entity(&r, today, &e);
		fwrite(rec, 1, population_format_record(&e, rec), out);
		if (det) {
			synth_details(&names, &e, d, sizeof(d));
			fprintf(det, "%.18s,%s\n", e.uscc, d);
		}
	}
	if (fclose(out) != 0 || (det && fclose(det) != 0)) {
		perror("gen_population");
		return 1;
	}
	return 0;
}
