/* inspectctl import: writes a population CSV into the grade index as a new
 * generation (readers see the old one or the new one, never half), and
 * entity details from a second CSV. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "inspect/file.h"
#include "inspect/grades.h"

static const char import_usage[] =
	"usage: inspectctl import --entities FILE.csv [--details FILE.csv]\n"
	"                         [--config FILE] [--redis URL]\n"
	"details: header uscc,name,address (the address is the rest of the "
	"line)\n";

static void progress(size_t done, size_t total)
{
	fprintf(stderr, "\rimported %zu of %zu entities", done, total);
	if (done == total)
		fputc('\n', stderr);
}

/* uscc,name,address lines: one HSET per entity, pipelined. */
static int import_details(struct store *s, const char *path)
{
	struct mapped_file f;
	int r = file_map(path, &f);
	if (r < 0) {
		perror(path);
		return EXIT_INPUT;
	}
	struct args a;
	args_init(&a);
	size_t pos = 0, line = 0, pending = 0, done = 0, bad = 0;
	char key[128];
	while (pos < f.len) {
		const char *s0 = f.data + pos;
		const char *nl = memchr(s0, '\n', f.len - pos);
		size_t n = nl ? (size_t)(nl - s0) : f.len - pos;
		pos += n + 1;
		if (n && s0[n - 1] == '\r')
			n--;
		if (line++ == 0 || n == 0)
			continue; /* header */
		const char *c1 = memchr(s0, ',', n);
		const char *c2 = c1 ? memchr(c1 + 1, ',', n - (size_t)(c1 + 1 - s0)) : NULL;
		if (!c2 || c1 - s0 != USCC_LEN || uscc_invalid(s0, USCC_LEN)) {
			if (bad++ < 20)
				fprintf(stderr, "%s:%zu: expected uscc,name,"
					"address with a valid uscc\n", path,
					line);
			continue;
		}
		store_key(key, sizeof(key), s->cfg->grades_prefix, "ent:%.18s",
			  s0);
		args_reset(&a);
		args_add(&a, "HSET");
		args_add(&a, key);
		args_add(&a, "name");
		args_addn(&a, c1 + 1, (size_t)(c2 - c1 - 1));
		args_add(&a, "address");
		args_addn(&a, c2 + 1, (size_t)(s0 + n - c2 - 1));
		if (store_append(s, &a) < 0)
			break;
		if (++pending == 1000 || pos >= f.len) {
			for (; pending > 0; pending--) {
				redisReply *rep = store_next_reply(s);
				if (!rep)
					break;
				freeReplyObject(rep);
			}
		}
		done++;
	}
	for (; pending > 0 && store_connected(s); pending--)
		freeReplyObject(store_next_reply(s));
	args_finish(&a);
	file_unmap(&f);
	if (!store_connected(s)) {
		fprintf(stderr, "inspectctl: redis: %s\n", s->err);
		return EXIT_FAIL;
	}
	fprintf(stderr, "details of %zu entities written, %zu lines refused\n",
		done, bad);
	return bad ? EXIT_INPUT : EXIT_OK;
}

int cmd_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{"entities", required_argument, 0, 'e'},
		{"details", required_argument, 0, 'd'},
		{"config", required_argument, 0, 'c'},
		{"redis", required_argument, 0, 'r'},
		{0, 0, 0, 0}};
	const char *entities = NULL, *details = NULL, *config = NULL,
		   *redis = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'e': entities = optarg; break;
		case 'd': details = optarg; break;
		case 'c': config = optarg; break;
		case 'r': redis = optarg; break;
		default: fputs(import_usage, stderr); return EXIT_INPUT;
		}
	}
	if ((!entities && !details) || optind != argc) {
		fputs(import_usage, stderr);
		return EXIT_INPUT;
	}
	struct config cfg;
	struct store s;
	int r = cli_store_open(config, redis, &cfg, &s);
	if (r)
		return r;
	if (entities) {
		struct inputs in;
		struct mapped_file f;
		struct diag err;
		diag_init(&err);
		memset(&in, 0, sizeof(in));
		r = file_map(entities, &f);
		if (r < 0) {
			perror(entities);
			store_close(&s);
			return EXIT_INPUT;
		}
		r = population_parse_csv(entities, f.data, f.len, &in.pop, &err);
		file_unmap(&f);
		if (r == 0 && population_canonicalize(&in.pop, entities, 2,
						      &err) < 0)
			population_finish(&in.pop), r = -1;
		if (r < 0) {
			fputs(diag_text(&err), stderr);
			store_close(&s);
			return EXIT_INPUT;
		}
		r = grades_write(&s, &in.pop, progress) < 0 ? EXIT_FAIL : 0;
		if (r)
			fprintf(stderr, "inspectctl: redis: %s\n", s.err);
		population_finish(&in.pop);
	}
	if (r == 0 && details)
		r = import_details(&s, details);
	store_close(&s);
	return r;
}
