/* Writes a synthetic population CSV (see synth.c). Rows come in random
 * order, as an export from a credit platform would.
 * usage: gen_population N SEED [OUT.csv]   (stdout without OUT) */
#include <stdio.h>
#include <stdlib.h>

#include "inspect/date.h"
#include "inspect/population.h"
#include "synth.h"

int main(int argc, char **argv)
{
	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: gen_population N SEED [OUT.csv]\n");
		return 2;
	}
	unsigned long long n = strtoull(argv[1], NULL, 10);
	struct rng r;
	rng_init(&r, strtoull(argv[2], NULL, 10), 0x5851f42d4c957f2dULL);
	FILE *out = argc == 4 ? fopen(argv[3], "w") : stdout;
	if (!out) {
		perror(argv[3]);
		return 1;
	}
	static char buf[1 << 20];
	setvbuf(out, buf, _IOFBF, sizeof(buf));
	int32_t today = date_from_civil(2026, 11, 1);
	fputs(POPULATION_HEADER "\n", out);
	for (unsigned long long i = 0; i < n; i++) {
		struct entity e;
		char rec[RECORD_MAX];
		synth_entity(&r, today, &e);
		fwrite(rec, 1, population_format_record(&e, rec), out);
	}
	if (fclose(out) != 0) {
		perror("gen_population");
		return 1;
	}
	return 0;
}
