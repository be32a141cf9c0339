/* A publication in bounded steps (journal.h). */
#include "inspect/store/journal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/core/number.h"
#include "inspect/shell/clock.h"
#include "inspect/store/ops.h"

/* Recorded bytes go to the archive this many at a time once the journal
 * outgrows a step: the compressor's threads take them while the next are
 * formatted, in a buffer that stays in the cache. */
#define SPILL_BYTES (256u << 10)

void journal_init(struct journal *j, const char *archive, size_t hold)
{
	memset(j, 0, sizeof(*j));
	j->archive = archive;
	j->hold = hold;
}

void journal_finish(struct journal *j)
{
	archive_writer_destroy(j->out);
	free(j->buf);
	journal_init(j, j->archive, j->hold);
}

void journal_mark_spread(struct journal *j)
{
	j->spread = j->size;
}

void journal_mark_final(struct journal *j)
{
	j->final = j->size;
}

void tx_begin_journal(struct tx *t, struct store *s, struct journal *j)
{
	memset(t, 0, sizeof(*t));
	t->s = s;
	t->j = j;
	args_init(&t->a);
}

static int fail(struct journal *j, const char *why)
{
	snprintf(j->why, sizeof(j->why), "%s", why);
	j->failed = true;
	return -1;
}

/* Past hold, what is buffered goes to the archive. */
static int spill(struct journal *j)
{
	if (j->size <= j->hold || (j->out && j->len < SPILL_BYTES))
		return 0;
	struct diag err;
	diag_init(&err);
	if (!j->out && archive_writer_create(j->archive, ARCHIVE_JOURNAL, NULL,
					     &j->out, &err) < 0)
		return fail(j, diag_reason(&err));
	archive_writer_add(j->out, j->buf, j->len);
	j->len = 0;
	return 0;
}

int journal_add(struct journal *j, const struct args *a)
{
	size_t need = args_format_bound(a);
	if (j->failed || a->failed)
		return fail(j, "out of memory");
	if (j->len + need > j->cap) {
		size_t cap = j->cap ? j->cap : 1 << 16;
		while (cap < j->len + need)
			cap *= 2;
		char *b = realloc(j->buf, cap);
		if (!b)
			return fail(j, "out of memory");
		j->buf = b;
		j->cap = cap;
	}
	size_t n = args_format(a, j->buf + j->len);
	j->len += n;
	j->size += n;
	j->commands++;
	return spill(j);
}

int journal_keep(struct journal *j, char hex[65], struct diag *err)
{
	if (!j->failed && !j->out &&
	    archive_writer_create(j->archive, ARCHIVE_JOURNAL, NULL, &j->out,
				  err) < 0)
		return FAIL_LOST;
	if (j->failed)
		return diag_add(err, "%s", j->why), FAIL_LOST;
	archive_writer_add(j->out, j->buf, j->len);
	j->len = 0;
	struct archive_writer *out = j->out;
	j->out = NULL;
	return archive_writer_commit(out, hex, err) < 0 ? FAIL_LOST : 0;
}

static size_t size_field(const redisReply *h, const char *name, bool *ok)
{
	const redisReply *v = reply_field(h, name);
	unsigned long long n = 0;
	if (!v || v->type != REDIS_REPLY_STRING ||
	    !number_parse(v->str, v->len, SIZE_MAX, &n))
		*ok = false;
	return (size_t)n;
}

static bool text_field(const redisReply *h, const char *name, char *out,
		       size_t size)
{
	const redisReply *v = reply_field(h, name);
	if (!v || v->type != REDIS_REPLY_STRING || v->len >= size)
		return false;
	memcpy(out, v->str, v->len + 1);
	return true;
}

int publishing_watch(struct store *s, struct publishing *p)
{
	memset(p, 0, sizeof(*p));
	redisReply *h = store_watch(s, KEY_PUBLISHING, NULL) == 0
				? store_hgetall(s, KEY_PUBLISHING, NULL)
				: NULL;
	if (!h)
		return FAIL_LOST;
	if (h->type != REDIS_REPLY_ARRAY || h->elements == 0) {
		freeReplyObject(h);
		return 0;
	}
	bool ok = text_field(h, "campaign", p->campaign, sizeof(p->campaign)) &&
		  text_field(h, "entry", p->entry, sizeof(p->entry)) &&
		  text_field(h, "journal", p->journal, sizeof(p->journal));
	p->size = size_field(h, "size", &ok);
	p->final = size_field(h, "final", &ok);
	p->done = size_field(h, "done", &ok);
	/* none, in a publication started before spread commands were */
	if (reply_field(h, "spread"))
		p->spread = size_field(h, "spread", &ok);
	freeReplyObject(h);
	if (ok && p->done <= p->size && p->spread <= p->final &&
	    p->final <= p->size)
		return 1;
	diag_set(&s->err, "%s does not read: it needs campaign, entry, "
			  "journal, and size, spread (or none), final and "
			  "done in bytes",
		 key_specs[KEY_PUBLISHING].doc);
	return FAIL_INVALID;
}

void tx_publishing(struct tx *t, const struct publishing *p)
{
	char size[24], spread[24], final[24], done[24];
	snprintf(size, sizeof(size), "%zu", p->size);
	snprintf(spread, sizeof(spread), "%zu", p->spread);
	snprintf(final, sizeof(final), "%zu", p->final);
	snprintf(done, sizeof(done), "%zu", p->done);
	const struct kv f[] = {
		KV("campaign", p->campaign), KV("entry", p->entry),
		KV("journal", p->journal),   KV("size", size),
		KV("spread", spread),	     KV("final", final),
		KV("done", done),
	};
	tx_hset(t, KEY_PUBLISHING, NULL, f, sizeof(f) / sizeof(*f));
}

/* A decimal count ended by CRLF at *at (advanced past it): 1; 0 if the
 * bytes end before it does; FAIL_INVALID. */
static int count_at(const char *s, size_t end, size_t *at, char kind,
		    size_t *n)
{
	size_t i = *at;
	if (i >= end)
		return 0;
	if (s[i++] != kind)
		return FAIL_INVALID;
	size_t from = i;
	while (i < end && s[i] >= '0' && s[i] <= '9' && i - from < 12)
		i++;
	if (i + 1 >= end)
		return i - from < 12 ? 0 : FAIL_INVALID;
	unsigned long long v;
	if (s[i] != '\r' || s[i + 1] != '\n' ||
	    !number_parse(s + from, i - from, SIZE_MAX, &v))
		return FAIL_INVALID;
	*n = (size_t)v;
	*at = i + 2;
	return 1;
}

/* The end of the command at s[at], s holding end bytes: > at; 0 if it
 * does not end within them; FAIL_INVALID. */
static long long command_end(const char *s, size_t at, size_t end)
{
	size_t args, len;
	int r = count_at(s, end, &at, '*', &args);
	if (r <= 0)
		return r;
	if (args == 0)
		return FAIL_INVALID;
	for (size_t i = 0; i < args; i++) {
		if ((r = count_at(s, end, &at, '$', &len)) <= 0)
			return r;
		if (len > end - at || end - at - len < 2)
			return 0;
		if (s[at + len] != '\r' || s[at + len + 1] != '\n')
			return FAIL_INVALID;
		at += len + 2;
	}
	return (long long)at;
}

int journal_step(const struct journal_view *v, const struct publishing *p,
		 size_t max, size_t *to, size_t *n)
{
	bool last = p->done >= p->final;
	size_t bound = p->done < p->spread ? p->spread
		       : last		   ? p->size
					   : p->final;
	size_t at = p->done;
	size_t have = v->from + v->len;
	*n = 0;
	if (p->done < v->from || p->done > have)
		return FAIL_INVALID;
	while (at < bound) { /* v->s[i] is byte v->from + i */
		size_t end = (have < bound ? have : bound) - v->from;
		long long next = command_end(v->s, at - v->from, end);
		if (next == 0 && have < bound && !v->end)
			return 1; /* cut by the view: read more */
		if (next <= 0)
			return FAIL_INVALID;
		size_t e = v->from + (size_t)next;
		if (*n > 0 && !last && e - p->done > max)
			break;
		at = e;
		++*n;
	}
	*to = at;
	return *n > 0 ? 0 : FAIL_INVALID;
}

size_t journal_step_size(size_t size, double took_ms, unsigned target_ms,
			 size_t max)
{
	size_t least = max < JOURNAL_STEP_MIN ? max : JOURNAL_STEP_MIN;
	if (!target_ms)
		return max;
	double next = took_ms > 0 ? (double)size * target_ms / took_ms
				  : (double)max;
	if (next > 2.0 * (double)size)
		next = 2.0 * (double)size;
	return next >= (double)max     ? max
	       : next <= (double)least ? least
				       : (size_t)next;
}

int journal_reader_open(struct journal_reader *r, const char *archive,
			const char *hex, struct diag *err)
{
	memset(r, 0, sizeof(*r));
	return archive_reader_open(archive, ARCHIVE_JOURNAL, hex, &r->a, err);
}

const char *journal_at(const struct journal_reader *r, size_t at)
{
	return r->v.s + (at - r->v.from);
}

/* The bytes before `done` dropped from the view, and at least want more
 * read into it (fewer at the journal's end). */
static int read_more(struct journal_reader *r, size_t done, size_t want,
		     struct diag *err)
{
	size_t drop = done <= r->v.from		     ? 0
		      : done - r->v.from < r->buf.len ? done - r->v.from
						      : r->buf.len;
	if (drop) { /* nothing is held before the first read */
		memmove(r->buf.s, r->buf.s + drop, r->buf.len - drop);
		r->buf.len -= drop;
		r->v.from += drop;
	}
	int rc = archive_reader_read(r->a, &r->buf, want, err);
	r->v.s = r->buf.s;
	r->v.len = r->buf.len;
	r->v.end = rc == 1;
	return rc < 0 ? rc : 0;
}

int journal_read_step(struct journal_reader *r, const struct publishing *p,
		      size_t max, size_t *to, size_t *n, struct diag *err)
{
	for (;;) {
		int rc = p->done > r->v.from + r->v.len || !r->v.s
				 ? 1
				 : journal_step(&r->v, p, max, to, n);
		if (rc == FAIL_INVALID)
			return diag_add(err, "the journal %s does not read as "
				       "commands at byte %zu", p->journal,
				       p->done);
		/* The last step, once the journal has been read whole and
		 * found to be the one its name says. */
		if (rc == 0 && (*to < p->size || r->v.end))
			return 0;
		if (r->v.end)
			return diag_add(err, "the journal %s ends at byte %zu, "
				       "not %zu", p->journal,
				       r->v.from + r->v.len, p->size);
		if ((rc = read_more(r, p->done, max, err)) < 0)
			return rc;
	}
}

struct ahead {
	struct journal_reader *r;
	size_t done, to, max;
};

/* The bytes of the step after `to` read ahead, none from done on
 * dropped: a read that fails here fails again, and is told, when that
 * step is read. */
static void read_ahead(void *ctx)
{
	struct ahead *a = ctx;
	struct journal_reader *r = a->r;
	size_t have = r->v.from + r->v.len;
	struct diag ignored;
	diag_init(&ignored);
	if (!r->v.end && have < a->to + a->max)
		read_more(r, a->done, a->to + a->max - have, &ignored);
}

void journal_reader_close(struct journal_reader *r)
{
	archive_reader_close(r->a);
	sb_finish(&r->buf);
	memset(r, 0, sizeof(*r));
}

int journal_apply(struct store *s, struct publishing *p,
		  struct journal_reader *jr, size_t max, size_t to, size_t n)
{
	struct publishing now;
	int r = publishing_watch(s, &now);
	if (r < 0) /* lost, or unreadable: either way wait and read again */
		return FAIL_LOST;
	if (r == 0 || strcmp(now.entry, p->entry) ||
	    strcmp(now.journal, p->journal) || now.done != p->done) {
		*p = now;
		return store_unwatch(s) == FAIL_LOST ? FAIL_LOST : 1;
	}
	struct tx t;
	tx_begin(&t, s);
	if (n)
		tx_raw(&t, journal_at(jr, p->done), to - p->done, n);
	if (to < p->size) { /* the last step DELs <p>publishing itself */
		char done[24];
		snprintf(done, sizeof(done), "%zu", to);
		const struct kv f[] = {KV("done", done)};
		tx_hset(&t, KEY_PUBLISHING, NULL, f, 1);
	}
	struct ahead a = {jr, p->done, to, max};
	r = tx_commit_while(&t, read_ahead, &a);
	if (r == 0)
		p->done = to;
	if (r < 0 && r != FAIL_CONFLICT)
		diag_set(&s->err, "publication step: %.200s",
			 diag_reason(&t.why));
	return r == 0 ? 0 : r == FAIL_CONFLICT ? 1 : FAIL_LOST;
}

/* How many WAITs of a second each journal_spread makes for a master's
 * replica before it gives up (and the publication is taken up again). */
#define REPLICA_WAITS 30

/* A run of spread commands, each found at its offset. */
struct spread_run {
	const char *s;
	size_t *at; /* n + 1 offsets into s */
	size_t failed;
	char why[200];
};

/* Command i as arguments pointing into the run's bytes (commands of the
 * journal's own making: arrays of bulk strings, checked by journal_step). */
static void build_spread(size_t i, struct args *a, void *ctx)
{
	const struct spread_run *run = ctx;
	size_t at = run->at[i], args = 0, len = 0;
	count_at(run->s, run->at[i + 1], &at, '*', &args);
	for (size_t k = 0; k < args; k++) {
		count_at(run->s, run->at[i + 1], &at, '$', &len);
		args_addn(a, run->s + at, len);
		at += len + 2;
	}
}

static void each_spread(size_t i, const redisReply *r, void *ctx)
{
	struct spread_run *run = ctx;
	(void)i;
	if (r->type == REDIS_REPLY_ERROR && !run->failed++)
		snprintf(run->why, sizeof(run->why), "%.190s", r->str);
}

/* Sends the n commands of bytes [0, len) of cmds: on one server as one
 * transaction (one write and fsync of its append-only file, not one a
 * command); on a cluster as a pipeline, each to its key's master (a
 * transaction there takes one slot). 0, or FAIL_LOST (s->err). */
static int send_spread(struct store *s, const char *cmds, size_t len,
		       size_t n)
{
	if (!s->cluster) {
		struct tx t;
		tx_begin(&t, s);
		tx_raw(&t, cmds, len, n);
		if (tx_commit(&t) == 0)
			return 0;
		diag_set(&s->err, "spread commands: %.200s",
			 diag_reason(&t.why));
		return FAIL_LOST;
	}
	struct spread_run run = {cmds, malloc((n + 1) * sizeof(size_t)), 0,
				 ""};
	if (!run.at) {
		diag_set(&s->err, "out of memory");
		return FAIL_LOST;
	}
	run.at[0] = 0;
	for (size_t i = 0; i < n; i++)
		run.at[i + 1] = (size_t)command_end(cmds, run.at[i], len);
	int rc = store_pipeline_each(s, n, build_spread, each_spread, &run);
	free(run.at);
	if (rc == 0 && run.failed) {
		diag_set(&s->err, "%zu spread commands refused: %s",
			 run.failed, run.why);
		rc = FAIL_LOST;
	}
	return rc;
}

int publishing_names(struct store *s, const char *journal)
{
	redisReply *r = store_hget(s, KEY_PUBLISHING, NULL, "journal");
	if (!r)
		return FAIL_LOST;
	int named = r->type == REDIS_REPLY_STRING && !strcmp(r->str, journal);
	if (r->type == REDIS_REPLY_ERROR) { /* a cluster in a failover */
		diag_set(&s->err, "%s: %.200s", key_specs[KEY_PUBLISHING].doc,
			 r->str);
		named = FAIL_LOST;
	}
	freeReplyObject(r);
	return named;
}

int journal_spread(struct store *s, const struct publishing *p,
		   struct journal_reader *r, size_t max, unsigned target_ms,
		   const atomic_bool *stop, struct diag *err)
{
	struct publishing at = *p;
	/* HSETs all, which cost Redis several times a byte of XADD: on one
	 * server the first transaction is small, and the next sized by it. */
	size_t size = !s->cluster && target_ms && JOURNAL_STEP_MIN < max
			      ? JOURNAL_STEP_MIN
			      : max;
	at.done = 0;
	while (at.done < p->spread) {
		size_t to, n;
		int named =
		    atomic_load(stop) ? 0 : publishing_names(s, p->journal);
		if (named <= 0) /* finished, or taken up, elsewhere */
			return named < 0 ? FAIL_LOST : 1;
		if (journal_read_step(r, &at, size, &to, &n, err) < 0)
			return FAIL_INVALID; /* as a step would: err says why */
		double t0 = clock_seconds();
		if (send_spread(s, journal_at(r, at.done), to - at.done, n) < 0)
			return FAIL_LOST;
		/* One server's transactions sized as the steps are. */
		size = journal_step_size(to - at.done,
					 (clock_seconds() - t0) * 1e3,
					 s->cluster ? 0 : target_ms, max);
		at.done = to;
	}
	/* A replica far behind (a large publication) is waited for a while:
	 * sending the commands again would not bring it closer. */
	int rc = 0;
	for (int i = 0; rc == 0 && i < s->n_nodes; i++) {
		store_on_node(s, i);
		rc = FAIL_REFUSED;
		for (int t = 0; rc == FAIL_REFUSED && t < REPLICA_WAITS &&
				!atomic_load(stop);
		     t++)
			rc = store_on_a_replica(s, "a publication's spread "
						   "commands");
	}
	store_on_node(s, -1);
	if (atomic_load(stop))
		return 1;
	return rc < 0 ? FAIL_LOST : 0;
}
