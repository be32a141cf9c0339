/* What the publication writes of a visit plan: the campaign's visits,
 * each day's plan for the feeds, the per-day load, the rotation record and
 * the team draw's inputs for audits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "inspect/core/bundle.h"
#include "inspect/core/date.h"
#include "inspect/core/results.h"
#include "inspect/core/seed.h"
#include "inspect/core/sha256.h"
#include "inspect/core/team_inputs.h"
#include "answer.h"
#include "teams.h"

/* The index of day among the plan's working days; n_days if it is not
 * one of them. */
static size_t day_index(const struct visit_plan *p, int32_t day)
{
	size_t d = 0;
	while (d < p->n_days && p->days[d] != day)
		d++;
	return d;
}

int plan_add_load(struct tx *t, const struct visit_plan *p)
{
	uint16_t *add = calloc(p->roster.n * p->n_days + 1, sizeof(*add));
	char (*total)[8] = malloc((p->roster.n + 1) * sizeof(*total));
	if (!add || !total) {
		free(add);
		free(total);
		return -1;
	}
	for (size_t k = 0; k < p->n; k++) {
		size_t d = day_index(p, p->a[k].day);
		for (unsigned m = 0; m < p->a[k].n && d < p->n_days; m++)
			add[p->a[k].member[m] * p->n_days + d]++;
	}
	struct kv *f = malloc((p->roster.n + 1) * sizeof(*f));
	char day[11];
	for (size_t d = 0; f && d < p->n_days; d++) {
		size_t fields = 0;
		date_format(p->days[d], day);
		for (size_t i = 0; i < p->roster.n; i++) {
			size_t at = i * p->n_days + d;
			if (!add[at])
				continue;
			snprintf(total[i], sizeof(total[i]), "%u",
				 (unsigned)add[at] + p->used[at]);
			f[fields++] = (struct kv)KV(p->roster.v[i].id, total[i]);
		}
		if (fields)
			tx_hset(t, KEY_LOAD, day, f, fields);
	}
	int rc = f ? 0 : -1;
	free(f);
	free(add);
	free(total);
	return rc;
}

int plan_keep_calendars(struct worker *w, int32_t from, int32_t to,
			struct audit_refs *ret)
{
	int y0, y1;
	unsigned m, d;
	date_to_civil(from, &y0, &m, &d);
	date_to_civil(to, &y1, &m, &d);
	ret->calendars[0] = ret->provisional[0] = '\0';
	for (int y = y0; y <= y1 && y < y0 + 8; y++) {
		const struct calendar_doc *doc = catalog_calendar_doc(w->cat, y);
		char hex[65];
		if (!doc)
			return -1; /* the window's days were found: cannot be */
		if (answer_keep_copy(w, ARCHIVE_CALENDAR, doc->text, doc->len,
				     hex) < 0)
			return FAIL_LOST;
		size_t n = strlen(ret->calendars);
		snprintf(ret->calendars + n, sizeof(ret->calendars) - n,
			 "%scn-%04d.yaml:%s", n ? "," : "", y, hex);
		n = strlen(ret->provisional);
		if (doc->provisional)
			snprintf(ret->provisional + n,
				 sizeof(ret->provisional) - n, "%s%04d",
				 n ? "," : "", y);
	}
	return 0;
}

/* The calendars of the plan: those a frozen campaign committed to
 * (archived already), or the catalog's for the window's years (and a
 * pledge campaign's approvals' years, whose deadlines decide its window),
 * archived now. */
static int add_calendars(struct worker *w, const struct visit_plan *p,
			 struct audit_refs *ret)
{
	if (!p->frozen_calendars[0])
		return plan_keep_calendars(w, p->calendars_from, p->window_to,
					   ret);
	snprintf(ret->calendars, sizeof(ret->calendars), "%s",
		 p->frozen_calendars);
	ret->provisional[0] = '\0';
	for (unsigned i = 0; i < p->frozen_cal.n_years && i < 8; i++) {
		size_t n = strlen(ret->provisional);
		if (p->frozen_cal.provisional >> i & 1)
			snprintf(ret->provisional + n,
				 sizeof(ret->provisional) - n, "%s%04d",
				 n ? "," : "", p->frozen_cal.first_year + (int)i);
	}
	return 0;
}

/* 32 random bytes in hex, from the kernel. */
static int random_salt(char hex[65])
{
	uint8_t r[32];
	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		return -1;
	seed_hex(r, 32, hex);
	return 0;
}

/* The outcome's commitment (outcome_commitment) over outcome.csv as an
 * audit bundle will carry it: the header, then each visit in canonical
 * order (the draw's order), hashed as it is made. */
static void outcome_digest(const struct visit_plan *p, const char *salt,
			   char hex[65])
{
	struct sha256 h;
	uint8_t digest[32];
	sha256_init(&h);
	sha256_update(&h, "salt ", 5);
	sha256_update(&h, salt, 64);
	sha256_update(&h, "\n", 1);
	sha256_update(&h, OUTCOME_HEADER "\n", strlen(OUTCOME_HEADER) + 1);
	for (size_t k = 0; k < p->n; k++) {
		char ids[TEAM_MAX * 34], line[sizeof(ids) + 64];
		assignment_ids(&p->roster, &p->a[k], ids, sizeof(ids));
		sha256_update(&h, line,
			      bundle_outcome_line(line, sizeof(line),
						  p->v[k].uscc, p->a[k].day,
						  ids));
	}
	sha256_final(&h, digest);
	seed_hex(digest, 32, hex);
}

int plan_archive_copies(struct worker *w, const struct visit_plan *p,
			struct audit_refs *ret)
{
	/* The roster as the draw read it, under its digest: a later import
	 * leaves it, and campaigns of one roster share it; likewise the item
	 * list the departments and qualifications came from. */
	if (answer_keep_copy(w, ARCHIVE_ROSTER, p->roster_text, p->roster_len,
			     ret->roster_hex) < 0 ||
	    answer_keep_copy(w, ARCHIVE_ITEMS, p->items_text, p->items_len,
			     ret->items_hex) < 0)
		return FAIL_LOST;
	int r = add_calendars(w, p, ret);
	if (r == -1)
		diag_set(&w->store.err, "a calendar document of the plan's "
			 "years is missing");
	return r < 0 ? FAIL_LOST : 0;
}

/* teams.txt (<p>audit:<campaign>) with the salt line if salt is not
 * NULL. */
static int add_inputs(struct tx *t, const char *campaign,
		      const struct visit_plan *p, const char *salt,
		      struct audit_refs *ret)
{
	struct strbuf b = {0};
	uint8_t digest[32];
	const struct team_draw in = {&p->roster, &p->rules, p->days, p->n_days,
				     p->used,	  p->md.v,   p->md.n};
	team_inputs_format(&b, &in, p->window_from, p->window_to,
			   &(struct merge_list){p->md.entries,
						p->md.n_entries});
	for (unsigned i = 0; i < p->c->n_items; i++) {
		char share[24];
		item_share_text(p->c->item_share[i], ' ', share,
				sizeof(share));
		sb_printf(&b, "item %s%s\n", p->c->items[i], share);
	}
	if (salt)
		sb_printf(&b, "salt %s\n", salt);
	if (b.failed) {
		sb_finish(&b);
		return -1;
	}
	tx_set(t, KEY_AUDIT, campaign, b.s, b.len);
	sha256(b.s, b.len, digest);
	seed_hex(digest, 32, ret->team_inputs_hex);
	sb_finish(&b);
	return 0;
}

int plan_add_audit(struct tx *t, const char *campaign,
		   const struct visit_plan *p, struct audit_refs *ret)
{
	char salt[65];
	if (random_salt(salt) < 0 ||
	    add_inputs(t, campaign, p, salt, ret) < 0)
		return -1;
	outcome_digest(p, salt, ret->outcome_hex);
	return 0;
}

int plan_add_refusal_audit(struct tx *t, const char *campaign,
			   const struct visit_plan *p, struct audit_refs *ret)
{
	ret->outcome_hex[0] = '\0';
	return add_inputs(t, campaign, p, NULL, ret);
}

void plan_team_text(const struct visit_plan *p, size_t k, char *out,
		    size_t size)
{
	size_t n = 0;
	const char *with, *items;
	out[0] = '\0';
	if (plan_merge_of(p, k, &with, &items) == MERGE_SKIP) {
		n = buf_put(out, size, 0, RESULT_MERGED_TEAM,
			    strlen(RESULT_MERGED_TEAM));
		buf_put(out, size, n, with, strlen(with));
		return;
	}
	for (unsigned m = 0; m < p->a[k].n && n < size; m++) {
		const struct inspector *in = &p->roster.v[p->a[k].member[m]];
		if (m)
			n = buf_put(out, size, n, ", ", 2);
		n = buf_put(out, size, n, in->name, strlen(in->name));
		n = buf_put(out, size, n, " ", 1);
		n = buf_put(out, size, n, in->badge, strlen(in->badge));
	}
}

/* Whether visit k has a team of this campaign (a skipped one has not:
 * its previous team stays on record). */
static bool visited(size_t k, void *ctx)
{
	return ((const struct visit_plan *)ctx)->a[k].n != 0;
}

static void team_ids(size_t k, struct strbuf *out, void *ctx)
{
	const struct visit_plan *p = ctx;
	char ids[TEAM_MAX * 34];
	assignment_ids(&p->roster, &p->a[k], ids, sizeof(ids));
	sb_puts(out, ids);
}

/* The rotation record: per bucket, uscc -> "id;id" of its team. */
int plan_add_rotation(struct tx *t,
		      const struct population *pop, const struct draw *d,
		      const struct visit_plan *p)
{
	return add_bucketed_hset(t, KEY_LASTTEAM, pop, d,
				 &(struct bucketed_fields){
					 NULL, team_ids, (void *)p, visited});
}

/* The items of visit k as its feed shows them: its own (the campaign's,
 * or those drawn for it), and for a visit that joined another (one door),
 * that visit's too. */
static void visit_items_text(const struct plan_out *o, size_t k, char *out,
			     size_t size)
{
	const char *with, *theirs;
	plan_visit_items(o->p, k, ',', out, size);
	size_t ours = strlen(out);
	if (plan_merge_of(o->p, k, &with, &theirs) != MERGE_JOIN)
		return;
	snprintf(out + ours, size - ours, ",%s", theirs);
	for (char *c = out + ours; *c; c++)
		if (*c == '+') /* their items are '+'-joined */
			*c = ',';
}

/* A stored visit's or day plan's five fields, SEP-joined (0x1f) and
 * NUL-terminated. */
static void add_fields(struct strbuf *b, const char *const part[5])
{
	for (size_t i = 0; i < 5; i++) {
		if (i)
			sb_add(b, "\x1f", 1);
		sb_puts(b, part[i]);
	}
	sb_add(b, "", 1);
}

/* How many visits each working day has, into count[]; a skipped visit
 * (the other campaign's team's to make) is on no day. The busiest day's
 * count. */
static size_t visits_a_day(const struct visit_plan *p, size_t n,
			   size_t *count)
{
	size_t most = 0;
	memset(count, 0, p->n_days * sizeof(*count));
	for (size_t k = 0; k < n; k++) {
		size_t d = p->a[k].n ? day_index(p, p->a[k].day) : p->n_days;
		if (d < p->n_days && ++count[d] > most)
			most = count[d];
	}
	return most;
}

/* Visit k as a field of its day's plan, "<campaign>|<uscc>" -> "name SEP
 * address SEP items SEP ids SEP team" (SEP 0x1f), appended to b, each
 * NUL-terminated, their offsets at at[0] and at[1]. */
static void day_field(const struct plan_out *o, size_t k, struct strbuf *b,
		      size_t *at)
{
	const struct visit_plan *p = o->p;
	char team[TEAM_MAX * 140], ids[TEAM_MAX * 34];
	char items[2 * CAMPAIGN_MAX_ITEMS * (CAMPAIGN_MAX_NAME + 1)];
	visit_items_text(o, k, items, sizeof(items));
	plan_team_text(p, k, team, sizeof(team));
	assignment_ids(&p->roster, &p->a[k], ids, sizeof(ids));
	at[0] = b->len;
	sb_puts(b, o->campaign);
	sb_add(b, "|", 1);
	sb_add(b, o->pop->v[o->d->chosen[k]].uscc, USCC_LEN);
	sb_add(b, "", 1);
	at[1] = b->len;
	const char *part[] = {o->name(k, o->ctx), o->address(k, o->ctx),
			      items, ids, team};
	add_fields(b, part);
}

#define DAY_FIELDS 1024

int plan_add_days(struct worker *w, struct tx *t, const struct plan_out *o)
{
	const struct visit_plan *p = o->p;
	size_t count[PLAN_MAX_DAYS];
	size_t most = visits_a_day(p, o->d->n_chosen, count);
	/* One buffer a day's fields are written to: the command is sent
	 * (copied out) before the next day reuses it; room for the busiest
	 * day's visits, not for all. */
	struct strbuf b = {0};
	size_t *at = malloc((most + 1) * 2 * sizeof(*at));
	struct kv *f = malloc((most + 1) * sizeof(*f));
	char day[11];
	for (size_t dd = 0; at && f && !b.failed && dd < p->n_days; dd++) {
		/* A back-dated record's days already past are on record,
		 * never in today's feeds. */
		if (count[dd] == 0 || (p->backdated && p->days[dd] < w->today))
			continue;
		size_t n = 0;
		b.len = 0;
		for (size_t k = 0; k < o->d->n_chosen; k++)
			if (p->a[k].n && p->a[k].day == p->days[dd])
				day_field(o, k, &b, at + 2 * n++);
		if (b.failed)
			break;
		date_format(p->days[dd], day);
		for (size_t i = 0; i < n; i++)
			f[i] = (struct kv)KV(b.s + at[2 * i],
					     b.s + at[2 * i + 1]);
		/* In HSETs of DAY_FIELDS: a country-wide campaign has some
		 * 350,000 visits a day, and one command is never split over
		 * a publication's steps (docs/REDIS.md). */
		for (size_t i = 0; i < n; i += DAY_FIELDS)
			tx_hset(t, KEY_DAY, day, f + i,
				n - i < DAY_FIELDS ? n - i : DAY_FIELDS);
		/* The days with visits not yet delivered, by day number. */
		tx_zadd(t, KEY_DAYS, (unsigned long long)p->days[dd], day);
	}
	int rc = at && f && !b.failed ? 0 : -1;
	sb_finish(&b);
	free(at);
	free(f);
	return rc;
}

int plan_add_visits(struct tx *t, const struct plan_out *o)
{
	const struct draw *d = o->d;
	const struct visit_plan *p = o->p;
	/* HSETs of 512 visits from one buffer: each is copied out when sent,
	 * so the buffer never holds more than one of them. */
	struct strbuf b = {0};
	size_t at[512];
	struct kv f[512];
	for (size_t first = 0; first < d->n_chosen; first += 512) {
		size_t last = first + 512 < d->n_chosen ? first + 512
							 : d->n_chosen;
		b.len = 0;
		for (size_t k = first; k < last; k++) {
			char day[11], team[TEAM_MAX * 140], ids[TEAM_MAX * 34];
			char items[CAMPAIGN_MAX_ITEMS * (CAMPAIGN_MAX_NAME + 1)];
			at[k - first] = b.len;
			date_format(p->a[k].day, day);
			plan_team_text(p, k, team, sizeof(team));
			assignment_ids(&p->roster, &p->a[k], ids, sizeof(ids));
			plan_visit_items(p, k, ',', items, sizeof(items));
			const char *part[] = {day, ids, team,
					      o->name(k, o->ctx), items};
			add_fields(&b, part);
		}
		if (b.failed)
			break;
		for (size_t k = first; k < last; k++)
			f[k - first] = (struct kv){o->pop->v[d->chosen[k]].uscc,
						   b.s + at[k - first], 0,
						   USCC_LEN};
		tx_hset(t, KEY_VISITS, o->campaign, f, last - first);
	}
	int rc = b.failed ? -1 : 0;
	sb_finish(&b);
	return rc;
}

static int by_code(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The items of mask (bit i: c->items[i]), ascending by bytes, joined by
 * '+'. */
static void sorted_items(const struct campaign *c, uint32_t mask,
			 struct strbuf *out)
{
	const char *code[CAMPAIGN_MAX_ITEMS];
	unsigned n = 0;
	for (unsigned i = 0; i < c->n_items; i++)
		if (mask >> i & 1)
			code[n++] = c->items[i];
	qsort(code, n, sizeof(*code), by_code);
	for (unsigned i = 0; i < n; i++) {
		if (i)
			sb_add(out, "+", 1);
		sb_puts(out, code[i]);
	}
}

struct history_ctx {
	const struct plan_out *o;
	const struct campaign *c;
};

/* The history's field of visit k: "<uscc>:<campaign>". */
static void history_field(size_t k, struct strbuf *out, void *ctx)
{
	const struct plan_out *o = ((const struct history_ctx *)ctx)->o;
	sb_add(out, o->pop->v[o->d->chosen[k]].uscc, USCC_LEN);
	sb_add(out, ":", 1);
	sb_puts(out, o->campaign);
}

/* Its value: "<day>,<items>", the items this visit checks (a cap by item
 * counts them). */
static void history_value(size_t k, struct strbuf *out, void *ctx)
{
	const struct history_ctx *h = ctx;
	char day[11];
	date_format(h->o->p->a[k].day, day);
	sb_add(out, day, 10);
	sb_add(out, ",", 1);
	sorted_items(h->c, h->o->p->item_mask[k], out);
}

int plan_add_history(struct tx *t, const struct plan_out *o,
		     const struct campaign *c)
{
	struct history_ctx h = {o, c};
	return add_bucketed_hset(t, KEY_HISTORY, o->pop, o->d,
				 &(struct bucketed_fields){
					 history_field, history_value, &h, NULL});
}
