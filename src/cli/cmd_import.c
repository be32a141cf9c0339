/* inspectctl import: writes a population CSV into the grade index as a new
 * generation (readers see the old one or the new one, never half), and
 * entity details from a second CSV. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "inspect/shell/file.h"
#include "inspect/store/keys.h"
#include "inspect/store/grades.h"
#include "inspect/core/roster.h"
#include "inspect/core/details.h"

static void progress(size_t done, size_t total)
{
	fprintf(stderr, "\rimported %zu of %zu entities", done, total);
	if (done == total)
		fputc('\n', stderr);
}

/* The lines after the header (CR LF or LF): with s NULL only checked,
 * else written, HSETs pipelined. Returns the bad lines' count, the first
 * 20 printed with their line numbers. */
static size_t each_detail(const struct mapped_file *f, const char *path,
			  struct store *s, struct args *a, size_t *pending)
{
	size_t pos = 0, line = 0, bad = 0;
	char key[128];
	while (pos < f->len) {
		const char *s0 = f->data + pos;
		const char *nl = memchr(s0, '\n', f->len - pos);
		size_t n = nl ? (size_t)(nl - s0) : f->len - pos;
		struct details_line d;
		char why_buf[160];
		pos += n + 1;
		if (n && s0[n - 1] == '\r')
			n--;
		if (line++ == 0 || n == 0)
			continue; /* header */
		const char *why = details_line_parse(s0, n, &d, why_buf,
						     sizeof(why_buf));
		if (why) {
			if (bad++ < 20)
				fprintf(stderr, "%s:%zu: %s\n", path, line,
					why);
			continue;
		}
		if (!s) /* the checking pass */
			continue;
		char uscc[USCC_LEN + 1];
		snprintf(uscc, sizeof(uscc), "%.18s", s0);
		key_name(key, sizeof(key), s->cfg, KEY_GRADES_ENT, uscc, NULL);
		args_reset(a);
		args_add(a, "HSET");
		args_add(a, key);
		args_add(a, "name");
		args_addn(a, d.name, d.name_len);
		args_add(a, "address");
		args_addn(a, d.address, d.address_len);
		if (store_append(s, a) < 0)
			break;
		if (++*pending == 1000 || pos >= f->len)
			for (; *pending > 0; --*pending) {
				redisReply *rep = store_next_reply(s);
				if (!rep)
					break;
				freeReplyObject(rep);
			}
	}
	return bad;
}

/* uscc,name,address lines: checked whole first (a file with a bad line is
 * refused, nothing written, every problem listed), then one HSET per
 * entity, pipelined. */
static int import_details(struct store *s, const char *path)
{
	struct mapped_file f;
	int r = file_map(path, &f);
	if (r < 0) {
		perror(path);
		return EXIT_INPUT;
	}
	struct args a;
	size_t pending = 0, bad = each_detail(&f, path, NULL, NULL, &pending);
	if (bad) {
		if (bad > 20)
			fprintf(stderr, "... and %zu more\n", bad - 20);
		fprintf(stderr, "%s: %zu lines refused; no details written\n",
			path, bad);
		file_unmap(&f);
		return EXIT_INPUT;
	}
	args_init(&a);
	each_detail(&f, path, s, &a, &pending);
	for (; pending > 0 && store_connected(s); pending--)
		freeReplyObject(store_next_reply(s));
	args_finish(&a);
	file_unmap(&f);
	if (!store_connected(s)) {
		fprintf(stderr, "inspectctl: redis: %s\n", s->err);
		return EXIT_FAIL;
	}
	fprintf(stderr, "details written from %s\n", path);
	return EXIT_OK;
}

/* Appends item to a ';'-separated list in out[size]; once full, stops. */
static void join(char *out, size_t size, size_t *n, const char *item,
		 int len)
{
	if (*n < size)
		*n += (size_t)snprintf(out + *n, size - *n, "%s%.*s",
				       *n ? ";" : "", len, item);
}

#define LIST_BYTES 2400 /* 64 qualifications of 32 bytes and separators */

static void add_hset(struct args *a, const char *key,
		     const struct inspector *in, const struct roster *r,
		     char (*lists)[LIST_BYTES])
{
	size_t n[3] = {0, 0, 0};
	lists[0][0] = lists[1][0] = lists[2][0] = '\0';
	for (unsigned k = 0; k < in->n_jurisdictions; k++)
		join(lists[0], LIST_BYTES, &n[0], in->jurisdictions[k], 6);
	for (unsigned q = 0; q < r->n_qualifications; q++)
		if (in->qualifications >> q & 1)
			join(lists[1], LIST_BYTES, &n[1], r->qualification[q],
			     32);
	for (unsigned k = 0; k < in->n_conflicts; k++)
		join(lists[2], LIST_BYTES, &n[2], in->conflicts[k], USCC_LEN);
	args_reset(a);
	args_add(a, "HSET");
	args_add(a, key);
	const char *kv[][2] = {{"name", in->name}, {"badge", in->badge},
			       {"department", in->department},
			       {"jurisdictions", lists[0]},
			       {"qualifications", lists[1]},
			       {"conflicts", lists[2]},
			       {"active", in->active ? "1" : "0"}};
	for (size_t i = 0; i < sizeof(kv) / sizeof(*kv); i++) {
		args_add(a, kv[i][0]);
		args_add(a, kv[i][1]);
	}
	args_add(a, "daily_capacity");
	args_addu(a, in->daily_capacity);
}

/* The roster: each inspector's hash, the set of ids (inspectors no longer
 * listed leave it), and the CSV itself as <p>roster, the snapshot the
 * team draw reads, all in one transaction. */
static int import_inspectors(struct store *s, const char *path)
{
	char *text;
	size_t len;
	struct roster r;
	struct diag err;
	diag_init(&err);
	if (file_read(path, 64u << 20, &text, &len) < 0) {
		perror(path);
		return EXIT_INPUT;
	}
	if (roster_parse_csv(path, text, len, &r, &err) < 0) {
		fputs(diag_text(&err), stderr);
		free(text);
		return EXIT_INPUT;
	}
	char set[128], key[160], lists[3][LIST_BYTES];
	struct args a;
	args_init(&a);
	key_name(set, sizeof(set), s->cfg, KEY_INSPECTORS, NULL, NULL);
	int ok = 1;
	redisReply *rep = store_runv(s, "MULTI", NULL);
	freeReplyObject(rep);
	ok &= rep != NULL;
	rep = store_runv(s, "DEL", set, NULL);
	freeReplyObject(rep);
	for (size_t i = 0; ok && i < r.n; i++) {
		key_name(key, sizeof(key), s->cfg, KEY_INSPECTOR, r.v[i].id, NULL);
		redisReply *d = store_runv(s, "DEL", key, NULL);
		freeReplyObject(d);
		add_hset(&a, key, &r.v[i], &r, lists);
		redisReply *h = store_run(s, &a);
		redisReply *m = h ? store_runv(s, "SADD", set, r.v[i].id, NULL)
				  : NULL;
		ok = h && m;
		freeReplyObject(h);
		freeReplyObject(m);
	}
	key_name(key, sizeof(key), s->cfg, KEY_ROSTER, NULL, NULL);
	args_reset(&a);
	args_add(&a, "SET");
	args_add(&a, key);
	args_addn(&a, text, len);
	rep = ok ? store_run(s, &a) : NULL;
	freeReplyObject(rep);
	rep = rep ? store_runv(s, "EXEC", NULL) : NULL;
	ok = rep && rep->type == REDIS_REPLY_ARRAY;
	freeReplyObject(rep);
	args_finish(&a);
	free(text);
	if (!ok) {
		fprintf(stderr, "inspectctl: redis: %s\n", s->err);
		roster_finish(&r);
		return EXIT_FAIL;
	}
	fprintf(stderr, "%zu inspectors written\n", r.n);
	roster_finish(&r);
	return EXIT_OK;
}

int cmd_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{"entities", required_argument, 0, 'e'},
		{"details", required_argument, 0, 'd'},
		{"inspectors", required_argument, 0, 'i'},
		CLI_REDIS_OPTIONS,
		{0, 0, 0, 0}};
	const char *entities = NULL, *details = NULL, *inspectors = NULL;
	struct redis_opts ro = {0};
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'e': entities = optarg; break;
		case 'd': details = optarg; break;
		case 'i': inspectors = optarg; break;
		default:
			if (cli_redis_option(c, optarg, &ro))
				break;
			return cli_usage("import");
		}
	}
	if ((!entities && !details && !inspectors) || optind != argc) {
		return cli_usage("import");
	}
	struct config cfg;
	struct store s;
	int r = cli_store_open(&ro, &cfg, &s);
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
	if (r == 0 && inspectors)
		r = import_inspectors(&s, inspectors);
	store_close(&s);
	return r;
}
