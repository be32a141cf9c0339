/* inspectctl import: writes a population CSV into the grade index as a new
 * generation (readers see the old one or the new one, never half),
 * entity details from a second CSV, the inspector roster, and approvals
 * granted on a pledge. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "inspect/shell/file.h"
#include "inspect/store/keys.h"
#include "inspect/store/ops.h"
#include "inspect/store/approvals.h"
#include "inspect/store/grades.h"
#include "inspect/shell/catalog.h"
#include "inspect/core/date.h"
#include "inspect/core/roster.h"
#include "inspect/core/details.h"

static void progress(size_t done, size_t total)
{
	fprintf(stderr, "\rimported %zu of %zu entities", done, total);
	if (done == total)
		fputc('\n', stderr);
}

/* The lines of a details file, one after the other; `valid` counts the
 * valid lines read. */
struct detail_lines {
	const struct mapped_file *f;
	const char *path;
	size_t pos, line, bad, valid;
	char uscc[USCC_LEN + 1];
};

/* The next valid line into d (false at the end); the bad ones counted
 * and the first 20 printed with their line numbers. */
static bool next_detail(struct detail_lines *l, struct details_line *d)
{
	while (l->pos < l->f->len) {
		const char *s0 = l->f->data + l->pos;
		const char *nl = memchr(s0, '\n', l->f->len - l->pos);
		size_t n = nl ? (size_t)(nl - s0) : l->f->len - l->pos;
		struct diag why;
		l->pos += n + 1;
		if (n && s0[n - 1] == '\r')
			n--;
		if (l->line++ == 0 || n == 0)
			continue; /* header */
		diag_init(&why);
		if (details_line_parse(s0, n, d, &why) == 0) {
			snprintf(l->uscc, sizeof(l->uscc), "%.18s", s0);
			l->valid++;
			return true;
		}
		if (l->bad++ < 20)
			fprintf(stderr, "%s:%zu: %s\n", l->path, l->line,
				diag_reason(&why));
	}
	return false;
}

/* The i-th valid line as the HSET of its entity's details. Called in
 * order, but for the lines a resharding sends again (in order too): for
 * those the file is read again from its start. */
static size_t detail_hset(size_t i, const char **arg, struct kv *f,
			  void *ctx)
{
	struct detail_lines *l = ctx;
	struct details_line d;
	if (i < l->valid)
		l->pos = l->line = l->valid = 0;
	do {
		if (!next_detail(l, &d))
			return 0; /* cannot be: as many as the check counted */
	} while (l->valid <= i);
	*arg = l->uscc;
	/* Not NUL-terminated: by length, and "" when empty (a length of 0
	 * reads the value as a string). */
	f[0] = (struct kv)KVN("name", d.name_len ? d.name : "", d.name_len);
	f[1] = (struct kv)KVN("address", d.address_len ? d.address : "",
			      d.address_len);
	return 2;
}

/* uscc,name,address lines: checked whole first (a file with a bad line is
 * refused, nothing written, every problem listed), then one HSET per
 * entity, pipelined. */
static int import_details(struct store *s, const char *path)
{
	struct mapped_file f;
	struct details_line d;
	int r = file_map(path, &f);
	if (r < 0) {
		perror(path);
		return EXIT_INPUT;
	}
	struct detail_lines check = {&f, path, 0, 0, 0, 0, ""};
	while (next_detail(&check, &d))
		continue;
	if (check.bad) {
		if (check.bad > 20)
			fprintf(stderr, "... and %zu more\n", check.bad - 20);
		fprintf(stderr, "%s: %zu lines refused; no details written\n",
			path, check.bad);
		file_unmap(&f);
		return EXIT_INPUT;
	}
	struct detail_lines write = {&f, path, 0, 0, 0, 0, ""};
	r = store_hset_each(s, KEY_GRADES_ENT, check.valid, detail_hset,
			    &write);
	file_unmap(&f);
	if (r < 0) {
		fprintf(stderr, "inspectctl: redis: %s\n",
			diag_reason(&s->err));
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

/* An inspector's hash; its texts in lists and num until it is sent. */
static void inspector_fields(struct kv_list *l, const struct inspector *in,
			     const struct roster *r,
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
	kv_init(l);
	kv_add(l, "name", in->name);
	kv_add(l, "badge", in->badge);
	kv_add(l, "department", in->department);
	kv_add(l, "jurisdictions", lists[0]);
	kv_add(l, "qualifications", lists[1]);
	kv_add(l, "conflicts", lists[2]);
	kv_add(l, "active", in->active ? "1" : "0");
	kv_addu(l, "daily_capacity", in->daily_capacity);
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
	char lists[3][LIST_BYTES];
	struct tx t;
	tx_begin(&t, s);
	tx_del(&t, KEY_INSPECTORS, NULL);
	for (size_t i = 0; i < r.n; i++) {
		struct kv_list l;
		tx_del(&t, KEY_INSPECTOR, r.v[i].id);
		inspector_fields(&l, &r.v[i], &r, lists);
		tx_hset_list(&t, KEY_INSPECTOR, r.v[i].id, &l);
		kv_finish(&l);
		tx_sadd(&t, KEY_INSPECTORS, r.v[i].id);
	}
	tx_set(&t, KEY_ROSTER, NULL, text, len);
	int ok = tx_commit(&t) == 0;
	free(text);
	if (!ok) {
		fprintf(stderr, "inspectctl: redis: %s\n", diag_reason(&t.why));
		roster_finish(&r);
		return EXIT_FAIL;
	}
	fprintf(stderr, "%zu inspectors written\n", r.n);
	roster_finish(&r);
	return EXIT_OK;
}

/* The grade index from a population CSV: read whole and checked, then
 * written as a new generation. */
static int import_entities(struct store *s, const char *path)
{
	struct population pop = {0};
	struct mapped_file f;
	struct diag err;
	diag_init(&err);
	int r = file_map(path, &f);
	if (r < 0) {
		perror(path);
		return EXIT_INPUT;
	}
	r = population_parse_csv(path, f.data, f.len, &pop, &err);
	file_unmap(&f);
	if (r == 0 && population_canonicalize(&pop, path, 2, &err) < 0) {
		population_finish(&pop);
		r = -1;
	}
	if (r < 0) {
		fputs(diag_text(&err), stderr);
		return EXIT_INPUT;
	}
	r = grades_write(s, &pop, progress) < 0 ? EXIT_FAIL : EXIT_OK;
	if (r)
		fprintf(stderr, "inspectctl: redis: %s\n",
			diag_reason(&s->err));
	population_finish(&pop);
	return r;
}

/* Every approval's deadline within the calendars (a mistyped year would
 * otherwise wait, never planned): line k + 2 holds approval k. */
static int deadlines_known(const char *path, const struct catalog *cat,
			   const struct approval_list *l, struct diag *err)
{
	unsigned errors = err->count;
	for (size_t i = 0; i < l->n; i++)
		if (pledge_deadline(&cat->calendar,
				    item_find(&cat->items, l->v[i].item),
				    l->v[i].date) == DATE_NONE)
			diag_add(err, "%s:%zu: field date: no working-day "
				 "calendar reaches the deadline of approval %s",
				 path, i + 2, l->v[i].number);
	if (err->count == errors)
		return 0;
	approval_list_finish((struct approval_list *)l);
	return FAIL_INVALID;
}

/* Approvals granted on a pledge: the file checked whole against the
 * item list's pledge items (a bad line refuses it, nothing written),
 * then each approval not recorded yet recorded, to be planned by
 * inspectd's next daily planning. */
static int import_pledges(struct store *s, const struct config *cfg,
			  const char *path)
{
	char *text;
	size_t len;
	struct catalog cat;
	struct approval_list l = {0};
	struct diag err;
	diag_init(&err);
	if (catalog_load(cfg, &cat, &err) < 0) {
		fputs(diag_text(&err), stderr);
		return EXIT_INPUT;
	}
	int r = file_read(path, 256u << 20, &text, &len);
	if (r < 0)
		perror(path);
	else if (approvals_parse_csv(path, text, len, &cat.items, &l,
				     &err) < 0 ||
		 deadlines_known(path, &cat, &l, &err) < 0)
		fputs(diag_text(&err), stderr);
	if (r == 0)
		free(text);
	catalog_finish(&cat);
	if (r < 0 || err.count) {
		approval_list_finish(&l);
		return EXIT_INPUT;
	}
	long n = approvals_record(s, &l, &err);
	if (n == FAIL_INVALID)
		fputs(diag_text(&err), stderr);
	else if (n < 0)
		fprintf(stderr, "inspectctl: redis: %s\n", diag_reason(&s->err));
	else
		fprintf(stderr, "%ld approvals recorded (%zu in the file)\n", n,
			l.n);
	approval_list_finish(&l);
	return n == FAIL_INVALID ? EXIT_INPUT : n < 0 ? EXIT_FAIL : EXIT_OK;
}

int cmd_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{"entities", required_argument, 0, 'e'},
		{"details", required_argument, 0, 'd'},
		{"inspectors", required_argument, 0, 'i'},
		{"pledges", required_argument, 0, 'p'},
		CLI_REDIS_OPTIONS,
		{0, 0, 0, 0}};
	const char *entities = NULL, *details = NULL, *inspectors = NULL,
		   *pledges = NULL;
	struct redis_opts ro = {0};
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'e': entities = optarg; break;
		case 'd': details = optarg; break;
		case 'i': inspectors = optarg; break;
		case 'p': pledges = optarg; break;
		default:
			if (cli_redis_option(c, optarg, &ro))
				break;
			return cli_usage("import");
		}
	}
	if ((!entities && !details && !inspectors && !pledges) ||
	    optind != argc)
		return cli_usage("import");
	struct config cfg;
	struct store s;
	int r = cli_store_open(&ro, &cfg, &s);
	if (r)
		return r;
	if (entities)
		r = import_entities(&s, entities);
	if (r == 0 && details)
		r = import_details(&s, details);
	if (r == 0 && inspectors)
		r = import_inspectors(&s, inspectors);
	if (r == 0 && pledges)
		r = import_pledges(&s, &cfg, pledges);
	store_close(&s);
	return r;
}
