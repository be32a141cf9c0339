/* inspectd on a real Redis Cluster (3 masters, a replica each) through
 * faults: kill -9 of the master of inspectd's slot, of another master
 * (grade buckets, the credit platform's events), of inspectd, and a
 * restart of the whole cluster, at moments spread over a campaign's
 * publication and its results. After each: every selected entity
 * published exactly once, every result applied once, every event handed
 * to the credit platform once, every feed delivered once, and the daemon
 * never exits. And through reshardings: slots half moved (ASK) and moved
 * (MOVED) under pipelines that read the slots before, and redis-cli
 * moving thousands of slots while the grade index is read, campaigns
 * are published and inspectctl imports the grade index and details. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "harness.h"
#include "harness_cluster.h"
#include "inspect/shell/config.h"
#include "inspect/store/grades.h"
#include "inspect/store/slot.h"
#include "inspect/store/store.h"

/* Faults in the suite; bench/cluster_soak.sh runs more (CLUSTER_FAULTS). */
static int rounds(void)
{
	const char *e = getenv("CLUSTER_FAULTS");
	return e && atoi(e) > 0 ? atoi(e) : 20;
}
#define VISITS_MAX 4096

static unsigned insp_slot(void)
{
	return key_slot("{insp}", 6);
}

static redisContext *insp_client(struct redis_cluster *cl)
{
	return cluster_client(cl, insp_slot());
}

/* How many times text is in the file at path. */
static int occurrences(const char *path, const char *text)
{
	char *all = slurp(path);
	int n = 0;
	for (const char *at = all ? strstr(all, text) : NULL; at;
	     at = strstr(at + 1, text))
		n++;
	free(all);
	return n;
}

/* Waits (up to 5 s) until a publication is under way, some of its steps
 * applied. */
static void await_steps(struct redis_cluster *cl)
{
	redisContext *c = insp_client(cl);
	for (int t = 0; t < 5000; t++) { /* the steps start at `spread` */
		redisReply *r = cmd(c, "HMGET {insp}:publishing done spread");
		bool under_way = r->element[0]->type == REDIS_REPLY_STRING &&
				 r->element[1]->type == REDIS_REPLY_STRING &&
				 atoll(r->element[0]->str) >
				     atoll(r->element[1]->str);
		freeReplyObject(r);
		if (under_way)
			break;
		sleep_ms(1);
	}
	redisFree(c);
}

/* wait_drained on the master of {insp} as it is at each try: a restart
 * of the whole cluster may have handed the slot to its replica. */
static bool drained(struct redis_cluster *cl, int timeout_ms)
{
	for (int t = 0; t < timeout_ms; t += 1000) {
		redisContext *c = insp_client(cl);
		bool ok = wait_drained(c, 1000);
		redisFree(c);
		if (ok)
			return true;
	}
	return false;
}

/* The intake group as {insp}'s master tells it, and any publication under
 * way: why it did not drain. */
static const char *intake_state(struct redis_cluster *cl)
{
	static char out[512];
	redisContext *c = insp_client(cl);
	redisReply *p = cmd(c, "XPENDING {insp}:intake inspectd");
	redisReply *u = cmd(c, "HGETALL {insp}:publishing");
	snprintf(out, sizeof(out), "pending %lld, publishing: %s",
		 p->type == REDIS_REPLY_ARRAY && p->elements
			 ? p->element[0]->integer
			 : -1,
		 u->type == REDIS_REPLY_ARRAY && u->elements > 3
			 ? u->element[3]->str
			 : "none");
	freeReplyObject(p);
	freeReplyObject(u);
	redisFree(c);
	return out;
}

/* Stream entries' field values, of the entries whose `campaign` is id. */
static size_t campaign_values(redisContext *c, const char *stream,
			      const char *id, const char *field,
			      char (*out)[64], size_t max)
{
	redisReply *r = cmd(c, "XRANGE %s - +", stream);
	size_t n = 0;
	for (size_t i = 0; i < r->elements && n < max; i++) {
		const redisReply *f = r->element[i]->element[1];
		const char *campaign = NULL, *value = NULL;
		for (size_t k = 0; k + 1 < f->elements; k += 2) {
			if (!strcmp(f->element[k]->str, "campaign"))
				campaign = f->element[k + 1]->str;
			if (!strcmp(f->element[k]->str, field))
				value = f->element[k + 1]->str;
		}
		if (campaign && value && !strcmp(campaign, id))
			snprintf(out[n++], 64, "%s", value);
	}
	freeReplyObject(r);
	return n;
}

static int by_text(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Each selected entity once on the department's stream. */
static void assert_published_once(redisContext *c, const char *id)
{
	static char uscc[VISITS_MAX][64];
	long long want = cmd_int(c, "HGET {insp}:campaign:%s selected", id);
	size_t n = campaign_values(c, "{insp}:dept:SAMR-ZZ", id, "uscc", uscc,
				   VISITS_MAX);
	cr_assert_eq((long long)n, want, "%s: %zu tasks for %lld selected",
		     id, n, want);
	qsort(uscc, n, sizeof(*uscc), by_text);
	for (size_t i = 1; i < n; i++)
		cr_assert_neq(strcmp(uscc[i - 1], uscc[i]), 0,
			      "%s: task %s twice", id, uscc[i]);
}

/* The campaign's inspections on record (the only campaign's), spread over
 * the masters: one for each selected entity, and buckets of them on every
 * master. */
static void assert_spread(struct redis_cluster *cl, redisContext *c,
			  const char *id)
{
	long long want = cmd_int(c, "HGET {insp}:campaign:%s selected", id);
	long long total = 0;
	int masters = 0, holding = 0;
	for (int i = 0; i < cl->n; i++) {
		redisContext *m = redis_client(cl->node[i].port);
		redisReply *role = cmd(m, "ROLE");
		bool master = !strcmp(role->element[0]->str, "master");
		freeReplyObject(role);
		redisReply *keys = master ? cmd(m, "KEYS {insp/*}:inspected")
					  : NULL;
		for (size_t k = 0; keys && k < keys->elements; k++)
			total += cmd_int(m, "HLEN %s", keys->element[k]->str);
		masters += master;
		holding += keys && keys->elements > 0;
		freeReplyObject(keys);
		redisFree(m);
	}
	cr_assert_eq(total, want, "%lld inspections on record for %lld "
		     "selected", total, want);
	cr_assert_eq(holding, masters, "%d of %d masters hold some", holding,
		     masters);
}

/* The first `max` visits of a campaign: uscc, date and first member. */
static size_t visits(redisContext *c, const char *id, char (*uscc)[64],
		     char (*date)[64], char (*member)[64], size_t max)
{
	redisReply *h = cmd(c, "HGETALL {insp}:visits:%s", id);
	size_t n = 0;
	for (size_t i = 0; i + 1 < h->elements && n < max; i += 2, n++) {
		const char *v = h->element[i + 1]->str;
		snprintf(uscc[n], 64, "%s", h->element[i]->str);
		snprintf(date[n], 64, "%.10s", v);
		snprintf(member[n], 64, "%.*s", (int)strcspn(v + 11, ";\x1f"),
			 v + 11);
	}
	freeReplyObject(h);
	return n;
}

/* Sends results for up to `max` visits (every third adverse). Returns how
 * many, and how many of them are adverse. */
static size_t send_results(redisContext *c, const char *id, size_t max,
			   size_t *adverse)
{
	static char uscc[64][64], date[64][64], member[64][64];
	size_t n = visits(c, id, uscc, date, member, max < 64 ? max : 64);
	*adverse = 0;
	for (size_t i = 0; i < n; i++) {
		bool bad = i % 3 == 0;
		*adverse += bad;
		redisReply *r = cmd(c, "XADD {insp}:results * campaign %s uscc "
				    "%s inspector %s date %s result %s note x",
				    id, uscc[i], member[i], date[i],
				    bad ? "04" : "01");
		freeReplyObject(r);
	}
	return n;
}

/* Waits up to 2 minutes for n results of the campaign; how many. */
static long long wait_results(struct redis_cluster *cl, const char *id,
			      long long n)
{
	long long done = 0;
	for (int t = 0; t < 1200 && done < n; t++) {
		if (t)
			sleep_ms(100);
		redisContext *c = insp_client(cl);
		done = cmd_int(c, "HGET {insp}:campaign:%s results", id);
		redisFree(c);
	}
	return done;
}

/* Each result once in the record, once on the public stream, and each
 * adverse one once at the credit platform (its own slot, another
 * master's), with nothing left in the outbox. */
static void assert_results_once(struct redis_cluster *cl, const char *id,
				size_t n, size_t adverse, long long *events,
				const struct daemon_proc *d)
{
	static char u[VISITS_MAX][64];
	long long done = wait_results(cl, id, (long long)n);
	cr_assert_eq(done, (long long)n, "%s: %lld results recorded of %zu; "
		     "inspectd %s", id, done, n, daemon_state(d));
	redisContext *c = insp_client(cl);
	cr_assert_eq(cmd_int(c, "HLEN {insp}:results:%s", id), (long long)n);
	cr_assert_eq(cmd_int(c, "XLEN {insp}:results:rejected"), 0);
	size_t m = campaign_values(c, "{insp}:public", id, "result", u,
				   VISITS_MAX);
	cr_assert_eq(m, n, "%s: %zu public results of %zu", id, m, n);
	for (int t = 0; t < 300 && cmd_int(c, "XLEN {insp}:outbox"); t++)
		sleep_ms(100);
	cr_assert_eq(cmd_int(c, "XLEN {insp}:outbox"), 0);
	redisFree(c);
	*events += (long long)adverse;
	redisContext *g = cluster_client(cl, key_slot("credit:events", 13));
	cr_assert_eq(cmd_int(g, "XLEN credit:events"), *events,
		     "%s: events at the credit platform", id);
	redisFree(g);
}

/* Every member of every visit of the campaigns got it once. */
static void assert_feeds_once(redisContext *c, int rounds)
{
	for (int k = 0; k < rounds; k++) {
		char id[16];
		static char team[VISITS_MAX][64];
		snprintf(id, sizeof(id), "C%d", k);
		size_t n = campaign_values(c, "{insp}:dept:SAMR-ZZ", id, "team",
					   team, VISITS_MAX);
		long long members = 0, delivered = 0;
		for (size_t i = 0; i < n; i++)
			members += 1 + (strchr(team[i], ',') != NULL);
		redisReply *keys = cmd(c, "KEYS {insp}:feed:*");
		for (size_t i = 0; i < keys->elements; i++) {
			static char fu[VISITS_MAX][64];
			size_t m = campaign_values(c, keys->element[i]->str,
						   id, "uscc", fu, VISITS_MAX);
			qsort(fu, m, sizeof(*fu), by_text);
			for (size_t a = 1; a < m; a++)
				cr_assert_neq(strcmp(fu[a - 1], fu[a]), 0,
					      "%s: %s has %s twice", id,
					      keys->element[i]->str, fu[a]);
			delivered += (long long)m;
		}
		freeReplyObject(keys);
		cr_assert_eq(delivered, members, "%s: %lld feeds for %lld "
			     "members", id, delivered, members);
	}
}

enum fault { KILL_INSP_MASTER, KILL_OTHER_MASTER, KILL_DAEMON, RESTART_ALL };

static const char *const fault_names[] = {
	"kill -9 of inspectd's master", "kill -9 of another master",
	"kill -9 of inspectd", "restart of the whole cluster"};

static void fault(struct redis_cluster *cl, enum fault f,
		  struct daemon_proc *d, int port, const char *extra)
{
	int insp = cluster_master_for_slot(cl, insp_slot());
	switch (f) {
	case KILL_INSP_MASTER:
	case KILL_OTHER_MASTER: {
		int victim = insp;
		if (f == KILL_OTHER_MASTER) /* the master of another slot */
			for (unsigned s = 0; victim == insp; s += 997)
				victim = cluster_master_for_slot(cl, s);
		cluster_kill_master(cl, victim);
		cluster_restart_node(cl, victim); /* back, as a replica */
		break;
	}
	case KILL_DAEMON:
		daemon_signal(d, SIGKILL);
		daemon_wait(d);
		daemon_start(d, cl->node[0].dir, port, "clustered",
			     POLICIES_DIR, extra);
		break;
	case RESTART_ALL:
		cluster_restart_all(cl);
		break;
	}
}

Test(cluster, campaigns_results_and_feeds_once_through_failovers,
     .timeout = 3600)
{
	struct redis_cluster cl;
	struct daemon_proc d;
	char address[64], extra[256];
	cluster_start(&cl, 3, 1);
	int port = cluster_address(&cl, address, sizeof(address));
	load_population(port, 60000, 31, NULL);
	/* Feeds at hour 0 and visits in the past: each day is delivered as
	 * soon as it is planned. Publications in steps of 64 KiB, some
	 * fifty a campaign, so that faults fall between them. */
	snprintf(extra, sizeof(extra), "feed_hour: 0\nfeed_catch_up_days: "
		 "3660\npublication_step_kib: 64\n");
	daemon_start(&d, cl.node[0].dir, port, "clustered", POLICIES_DIR,
		     extra);
	long long events = 0;
	int faults[4] = {0}, n_rounds = rounds();
	for (int k = 0; k < n_rounds; k++) {
		char id[16], entropy[16], date[16], window[32];
		enum fault f = k % 5 == 4 ? RESTART_ALL : (enum fault)(k % 3);
		snprintf(id, sizeof(id), "C%d", k);
		snprintf(entropy, sizeof(entropy), "e%d", k);
		/* Windows in the past (their feeds go out at once), a month
		 * of 2026 a round in turn: the inspectors' days of one window
		 * fill up after some fifty campaigns. */
		int month = 1 + k % 10;
		snprintf(date, sizeof(date), "2026-%02d-01", month);
		snprintf(window, sizeof(window), "2026-%02d-02..2026-%02d-14",
			 month, month);
		redisContext *c = insp_client(&cl);
		submit(c, "type", "campaign", "id", id, "department", "SAMR-ZZ",
		       "policy", "henan-2021", "items", "SC-001", "date", date,
		       "window", window, "entropy", entropy, NULL);
		redisFree(c);
		bool during_results = k % 2;
		if (!during_results) { /* the fault inside the publication */
			if (k % 4 == 0) /* between two of its steps */
				await_steps(&cl);
			else /* anywhere in it */
				sleep_ms(40 * (k % 7));
			fault(&cl, f, &d, port, extra);
		}
		c = insp_client(&cl);
		if (!wait_status(c, id, "published", 120000)) {
			redisReply *why = cmd(c, "HMGET {insp}:campaign:%s "
					      "status error", id);
			const char *st = reply_str(why, 0), *er = reply_str(why, 1);
			cr_assert_fail("%s not published after %s (status %s: "
				       "%s); inspectd %s", id, fault_names[f],
				       st ? st : "-", er ? er : "-",
				       daemon_state(&d));
		}
		assert_published_once(c, id);
		size_t adverse, n = send_results(c, id, 30, &adverse);
		redisFree(c);
		if (during_results) { /* the fault while results come in */
			sleep_ms(20 * (k % 5));
			fault(&cl, f, &d, port, extra);
		}
		assert_results_once(&cl, id, n, adverse, &events, &d);
		faults[f]++;
		cr_assert_str_eq(daemon_state(&d), "running", "after %s",
				 fault_names[f]);
	}
	cr_assert(drained(&cl, 30000), "intake not drained: %s; inspectd %s",
		  intake_state(&cl), daemon_state(&d));
	redisContext *c = insp_client(&cl);
	/* Deliveries run after publication: give the last day a moment. */
	for (int t = 0; t < 100 && cmd_int(c, "ZCOUNT {insp}:days -inf +inf");
	     t++)
		sleep_ms(100);
	assert_feeds_once(c, n_rounds);
	redisFree(c);
	cr_log_info("faults: %d of inspectd's master, %d of another master, "
		    "%d of inspectd, %d cluster restarts; publications resumed "
		    "from their journal: %d",
		    faults[0], faults[1], faults[2], faults[3],
		    occurrences(d.log, "publication resumed"));
	daemon_signal(&d, SIGTERM);
	cr_assert_eq(daemon_wait(&d), 0);
	cluster_finish(&cl);
}

/* The ACL docs/REDIS.md gives inspectd's user, as written there, on every
 * node ("PASSWORD" replaced): the import, a campaign, results and the
 * relay of their events to the credit platform all work under it. */
static void acl_from_docs(char *out, size_t size)
{
	char *doc = slurp(SOURCE_ROOT "/docs/REDIS.md");
	const char *at = strstr(doc, "ACL SETUSER inspectd");
	cr_assert_not_null(at, "docs/REDIS.md gives no ACL for inspectd");
	size_t n = strcspn(at, "`");
	cr_assert_lt(n, size);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) /* one line: the block's lines */
		out[k++] = at[i] == '\n' ? ' ' : at[i];
	out[k] = '\0';
	free(doc);
	char *pw = strstr(out, ">PASSWORD");
	cr_assert_not_null(pw);
	memcpy(pw, ">s3cretpw", 9); /* as long as ">PASSWORD" */
}

Test(cluster, the_documented_least_privilege_acl_is_enough, .timeout = 300)
{
	struct redis_cluster cl;
	struct daemon_proc d;
	char address[64], acl[1024], block[512], pwfile[128];
	cluster_start(&cl, 3, 0);
	int port = cluster_address(&cl, address, sizeof(address));
	acl_from_docs(acl, sizeof(acl));
	for (int i = 0; i < cl.n; i++) {
		redisContext *c = redis_client(cl.node[i].port);
		redisReply *r = cmd(c, acl);
		cr_assert_eq(r->type, REDIS_REPLY_STATUS, "%s: %s", acl,
			     r->type == REDIS_REPLY_ERROR ? r->str : "?");
		freeReplyObject(r);
		redisFree(c);
	}
	struct config cfg;
	config_defaults(&cfg);
	cfg.redis.port = port;
	snprintf(cfg.redis.user, sizeof(cfg.redis.user), "inspectd");
	snprintf(cfg.redis.password, sizeof(cfg.redis.password), "s3cretpw");
	load_population_on(&cfg, 5000, 51, NULL);
	snprintf(pwfile, sizeof(pwfile), "%s/pw", cl.node[0].dir);
	FILE *f = fopen(pwfile, "w");
	fputs("s3cretpw\n", f);
	fclose(f);
	chmod(pwfile, 0600);
	snprintf(block, sizeof(block), "redis:\n  address: %s\n  user: "
		 "inspectd\n  password_file: %s\n", address, pwfile);
	daemon_start(&d, cl.node[0].dir, port, "least", POLICIES_DIR, block);
	redisContext *c = insp_client(&cl);
	submit(c, "type", "campaign", "id", "A1", "department", "SAMR-ZZ",
	       "policy", "henan-2021", "items", "SC-001", "date", "2026-11-02",
	       "window", "2026-11-03..2026-11-13", "entropy", "acl", NULL);
	cr_assert(wait_status(c, "A1", "published", 60000), "inspectd %s",
		  daemon_state(&d));
	assert_published_once(c, "A1");
	assert_spread(&cl, c, "A1");
	size_t adverse, n = send_results(c, "A1", 9, &adverse);
	redisFree(c);
	long long events = 0;
	assert_results_once(&cl, "A1", n, adverse, &events, &d);
	cr_assert(!daemon_logged(&d, "NOPERM"), "a command was denied");
	daemon_signal(&d, SIGTERM);
	cr_assert_eq(daemon_wait(&d), 0);
	cluster_finish(&cl);
}

/* The last step waits until a replica of every master holds the spread
 * commands (docs/REDIS.md, "Publication in steps", 3): with the replica
 * of a master other than {insp}'s stopped, every step but the last is
 * applied, and the campaign is published once the replica goes on. */
Test(cluster, the_last_step_waits_for_a_replica_of_every_master,
     .timeout = 300)
{
	struct redis_cluster cl;
	struct daemon_proc d;
	char address[64];
	cluster_start(&cl, 3, 1);
	int port = cluster_address(&cl, address, sizeof(address));
	load_population(port, 20000, 53, NULL);
	int insp = cluster_master_for_slot(&cl, insp_slot()), stopped = -1;
	for (int i = 0; i < cl.n && stopped < 0; i++)
		if (cluster_master_of(&cl, i) >= 0 &&
		    cluster_master_of(&cl, i) != insp && cl.node[i].port != port)
			stopped = i;
	cr_assert_geq(stopped, 0);
	kill(cl.node[stopped].pid, SIGSTOP);
	daemon_start(&d, cl.node[0].dir, port, "waiter", POLICIES_DIR, NULL);
	redisContext *c = insp_client(&cl);
	submit(c, "type", "campaign", "id", "W1", "department", "SAMR-ZZ",
	       "policy", "henan-2021", "items", "SC-001", "date", "2026-11-02",
	       "window", "2026-11-03..2026-11-13", "entropy", "wait", NULL);
	bool last = false; /* every step applied but the last */
	for (int t = 0; t < 6000 && !last; t++) {
		cr_assert_eq(cmd_int(c, "EXISTS {insp}:campaign:W1"), 0,
			     "published before a replica held the spread "
			     "commands");
		last = cmd_int(c, "EXISTS {insp}:publishing") &&
		       cmd_int(c, "HGET {insp}:publishing done") ==
			   cmd_int(c, "HGET {insp}:publishing final");
		sleep_ms(10);
	}
	cr_assert(last, "no publication reached its last step: inspectd %s",
		  daemon_state(&d));
	sleep_ms(3000);
	cr_assert_eq(cmd_int(c, "EXISTS {insp}:campaign:W1"), 0,
		     "published before a replica held the spread commands");
	kill(cl.node[stopped].pid, SIGCONT);
	cr_assert(wait_status(c, "W1", "published", 60000), "inspectd %s",
		  daemon_state(&d));
	assert_published_once(c, "W1");
	assert_spread(&cl, c, "W1");
	redisFree(c);
	daemon_signal(&d, SIGTERM);
	cr_assert_eq(daemon_wait(&d), 0);
	cluster_finish(&cl);
}

/* A process that starts while its configured node is down finds the
 * cluster through the other nodes configured (redis.nodes). */
Test(cluster, a_process_starts_on_another_node_when_its_own_is_down,
     .timeout = 300)
{
	struct redis_cluster cl;
	struct daemon_proc d;
	char address[64], block[256];
	cluster_start(&cl, 3, 0);
	int port = cluster_address(&cl, address, sizeof(address));
	load_population(port, 3000, 52, NULL);
	int down = free_port(); /* nothing listens there */
	snprintf(block, sizeof(block), "redis:\n  address: "
		 "redis://127.0.0.1:%d\n  nodes: [\"127.0.0.1:%d\"]\n",
		 down, port);
	daemon_start(&d, cl.node[0].dir, port, "seeded", POLICIES_DIR, block);
	redisContext *c = insp_client(&cl);
	submit(c, "type", "campaign", "id", "N1", "department", "SAMR-ZZ",
	       "policy", "henan-2021", "items", "SC-001", "date", "2026-11-02",
	       "entropy", "nodes", NULL);
	cr_assert(wait_status(c, "N1", "published", 60000), "inspectd %s",
		  daemon_state(&d));
	assert_published_once(c, "N1");
	redisFree(c);
	daemon_signal(&d, SIGTERM);
	cr_assert_eq(daemon_wait(&d), 0);
	cluster_finish(&cl);
}

/* A resharding under pipelines: slot moving (ASK) and slot moved
 * (MOVED) while a client holds the slot map from before. */

static void node_id(struct redis_cluster *cl, int i, char out[64])
{
	redisContext *c = redis_client(cl->node[i].port);
	redisReply *r = cmd(c, "CLUSTER MYID");
	cr_assert_eq(r->type, REDIS_REPLY_STRING);
	snprintf(out, 64, "%s", r->str);
	freeReplyObject(r);
	redisFree(c);
}

/* A slot of master m holding a bucket of the grade index and at least
 * one key more; the bucket's key into key. */
static unsigned slot_to_move(struct redis_cluster *cl, int m, char *key,
			     size_t size)
{
	redisContext *c = redis_client(cl->node[m].port);
	char cursor[32] = "0";
	do {
		redisReply *r = cmd(c, "SCAN %s MATCH credit:idx:* COUNT 1000",
				    cursor);
		snprintf(cursor, sizeof(cursor), "%s", r->element[0]->str);
		const redisReply *keys = r->element[1];
		for (size_t i = 0; i < keys->elements; i++) {
			const char *k = keys->element[i]->str;
			long long slot = cmd_int(c, "CLUSTER KEYSLOT %s", k);
			if (cmd_int(c, "CLUSTER COUNTKEYSINSLOT %lld", slot) <
			    2)
				continue;
			snprintf(key, size, "%s", k);
			freeReplyObject(r);
			redisFree(c);
			return (unsigned)slot;
		}
		freeReplyObject(r);
	} while (strcmp(cursor, "0"));
	cr_assert_fail("no slot of node %d holds a bucket and a key more", m);
	return 0;
}

static void expect_ok(redisContext *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	redisReply *r = redisvCommand(c, fmt, ap);
	va_end(ap);
	cr_assert(r && r->type == REDIS_REPLY_STATUS, "%s: %s", fmt,
		  r && r->type == REDIS_REPLY_ERROR ? r->str : "no status");
	freeReplyObject(r);
}

/* Moves slot from node `from` to node `to`: all its keys, the slot then
 * given to `to` on every master (whole), or only the key `first` (the
 * slot half moved: `from` answers ASK for that key). */
static void move_slot(struct redis_cluster *cl, unsigned slot, int from,
		      int to, const char *first, bool whole)
{
	char id_from[64], id_to[64];
	node_id(cl, from, id_from);
	node_id(cl, to, id_to);
	redisContext *a = redis_client(cl->node[from].port);
	redisContext *b = redis_client(cl->node[to].port);
	expect_ok(b, "CLUSTER SETSLOT %u IMPORTING %s", slot, id_from);
	expect_ok(a, "CLUSTER SETSLOT %u MIGRATING %s", slot, id_to);
	redisReply *keys = cmd(a, "CLUSTER GETKEYSINSLOT %u 1000", slot);
	if (!whole)
		expect_ok(a, "MIGRATE 127.0.0.1 %d %s 0 5000",
			  cl->node[to].port, first);
	for (size_t i = 0; whole && i < keys->elements; i++)
		expect_ok(a, "MIGRATE 127.0.0.1 %d %s 0 5000",
			  cl->node[to].port, keys->element[i]->str);
	freeReplyObject(keys);
	for (int i = 0; whole && i < cl->n; i++) {
		/* The target first, as the specification says. */
		int n = i == 0 ? to : i == to ? 0 : i;
		redisContext *c = redis_client(cl->node[n].port);
		expect_ok(c, "CLUSTER SETSLOT %u NODE %s", slot, id_to);
		redisFree(c);
	}
	redisFree(a);
	redisFree(b);
}

struct named {
	size_t n;
};

static void count_named(size_t k, const redisReply *hash, void *ctx)
{
	struct named *nm = ctx;
	(void)k;
	nm->n += reply_field(hash, "name") != NULL;
}

/* 0 .. n-1: every entity of a population, for grades_details. */
static uint32_t *every_entity(size_t n)
{
	uint32_t *all = malloc((n ? n : 1) * sizeof(*all));
	cr_assert_not_null(all);
	for (size_t i = 0; i < n; i++)
		all[i] = (uint32_t)i;
	return all;
}

/* The store's reads of the grade index (every bucket, every entity's
 * details) through a store whose slot map predates the move: the same
 * population, every name there. */
static void expect_same_reads(struct store *s, const struct population *want,
			      const char *when)
{
	struct population p;
	uint64_t gen;
	struct diag err;
	diag_init(&err);
	cr_assert_eq(grades_read(s, &p, &gen, NULL, &err), 0, "%s: %s %s",
		     when, diag_reason(&err), s->err.text);
	uint8_t d0[32], d1[32];
	population_digest(want, d0);
	population_digest(&p, d1);
	cr_assert_eq(p.n, want->n, "%s", when);
	cr_assert_arr_eq(d0, d1, 32, "%s: another population", when);
	uint32_t *all = every_entity(p.n);
	struct named nm = {0};
	cr_assert_eq(grades_details(s, &p, all, p.n, count_named, &nm), 0,
		     "%s: %s", when, s->err.text);
	cr_assert_eq(nm.n, p.n, "%s: %zu names of %zu", when, nm.n, p.n);
	free(all);
	population_finish(&p);
}

/* A store on the cluster (cfg filled for port, and kept as long as the
 * store) and the grade index as it reads it now. */
static void store_and_read(struct config *cfg, int port, struct store *s,
			   struct population *p)
{
	uint64_t gen;
	struct diag err;
	config_defaults(cfg);
	cfg->redis.port = port;
	cr_assert_eq(store_connect(s, cfg), 0, "%s", s->err.text);
	diag_init(&err);
	cr_assert_eq(grades_read(s, p, &gen, NULL, &err), 0, "%s",
		     diag_reason(&err));
}

/* Campaign id, drawn with entropy while slots move, published once. */
static void publish_moving(redisContext *c, const struct daemon_proc *d,
			   const char *id, const char *entropy)
{
	submit(c, "type", "campaign", "id", id, "department", "SAMR-ZZ",
	       "policy", "henan-2021", "items", "SC-001", "date", "2026-11-02",
	       "entropy", entropy, NULL);
	cr_assert(wait_status(c, id, "published", 60000), "%s: inspectd %s",
		  id, daemon_state(d));
	assert_published_once(c, id);
}

/* The daemon followed the moves, never losing its connection, and stops
 * well; the rest is put away. */
static void end_followed(struct daemon_proc *d, struct redis_cluster *cl,
			 struct store *s, struct population *p)
{
	cr_assert(!daemon_logged(d, "cluster changed"));
	cr_assert(!daemon_logged(d, "cluster is changing"));
	population_finish(p);
	store_close(s);
	daemon_signal(d, SIGTERM);
	cr_assert_eq(daemon_wait(d), 0);
	cluster_finish(cl);
}

Test(cluster, pipelines_follow_a_resharding, .timeout = 300)
{
	struct redis_cluster cl;
	struct daemon_proc d;
	char address[64], bucket[128], more[128];
	cluster_start(&cl, 3, 0);
	int port = cluster_address(&cl, address, sizeof(address));
	load_population(port, 20000, 53, NULL);
	struct config cfg, cfg_now;
	struct store s, now;
	struct population before, after;
	store_and_read(&cfg, port, &s, &before);
	daemon_start(&d, cl.node[0].dir, port, "reshard", POLICIES_DIR, NULL);

	/* Half moved: node 0 answers its keys, ASK for the bucket. */
	unsigned half = slot_to_move(&cl, 0, bucket, sizeof(bucket));
	move_slot(&cl, half, 0, 1, bucket, false);
	expect_same_reads(&s, &before, "a slot half moved");
	redisContext *c = insp_client(&cl);
	publish_moving(c, &d, "H1", "half");

	/* Moved: that slot and another, MOVED to a store that has not read
	 * the slots since. */
	move_slot(&cl, half, 0, 1, bucket, true);
	unsigned whole = slot_to_move(&cl, 2, more, sizeof(more));
	move_slot(&cl, whole, 2, 1, more, true);
	/* H1's inspections changed the population: as a store connected
	 * now reads it, on the slots as they are. */
	store_and_read(&cfg_now, port, &now, &after);
	store_close(&now);
	expect_same_reads(&s, &after, "two slots moved");
	population_finish(&after);
	publish_moving(c, &d, "H2", "moved");
	redisFree(c);
	end_followed(&d, &cl, &s, &before);
}

/* redis-cli --cluster reshard moving `slots` slots from node `from` to
 * node `to`, in the background (the slots redis-cli picks: never {insp}'s
 * when `from` is not its master). */
static pid_t reshard(struct redis_cluster *cl, int from, int to, int slots,
		     char *log, size_t size)
{
	char id_from[64], id_to[64], address[32], n[16];
	node_id(cl, from, id_from);
	node_id(cl, to, id_to);
	snprintf(address, sizeof(address), "127.0.0.1:%d", cl->node[from].port);
	snprintf(n, sizeof(n), "%d", slots);
	snprintf(log, size, "%s/reshard.log", cl->node[from].dir);
	char *argv[] = {"redis-cli", "--cluster", "reshard", address,
			"--cluster-from", id_from, "--cluster-to", id_to,
			"--cluster-slots", n, "--cluster-yes", NULL};
	return spawn(argv, log);
}

/* Whether the resharding still runs; once it has ended, that it ended
 * well. */
static bool resharding(pid_t pid, const char *log)
{
	int status;
	pid_t r = waitpid(pid, &status, WNOHANG);
	if (r == 0)
		return true;
	char *text = slurp(log);
	cr_assert(r == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "redis-cli --cluster reshard failed:\n%s", text);
	free(text);
	return false;
}

/* A resharding as an operator runs it (redis-cli moving 2,000 slots and
 * their keys, slot by slot), under a store reading the grade index over
 * and over, then under a daemon publishing campaigns: every read the same
 * population, every campaign published once, no connection lost. */
Test(cluster, reads_and_campaigns_during_a_resharding, .timeout = 300)
{
	struct redis_cluster cl;
	struct daemon_proc d;
	char address[64], log[128];
	cluster_start(&cl, 3, 0);
	int port = cluster_address(&cl, address, sizeof(address));
	load_population(port, 20000, 54, NULL);
	int insp = cluster_master_for_slot(&cl, insp_slot());
	int a = (insp + 1) % 3, b = (insp + 2) % 3;
	daemon_start(&d, cl.node[0].dir, port, "moving", POLICIES_DIR, NULL);
	struct config cfg;
	struct store s;
	struct population want;
	store_and_read(&cfg, port, &s, &want);

	pid_t pid = reshard(&cl, a, b, 2000, log, sizeof(log));
	int reads = 0;
	while (resharding(pid, log)) {
		expect_same_reads(&s, &want, "during a resharding");
		reads++;
	}
	expect_same_reads(&s, &want, "after a resharding");
	cr_assert_geq(reads, 2, "the resharding was over in %d reads", reads);

	/* Back again, under campaigns of a daemon that read the slots
	 * before either resharding. */
	redisContext *c = insp_client(&cl);
	pid = reshard(&cl, b, a, 2000, log, sizeof(log));
	int campaigns = 0;
	for (bool moving = true; moving || campaigns < 2; campaigns++) {
		char id[16], entropy[32];
		snprintf(id, sizeof(id), "M%d", campaigns);
		snprintf(entropy, sizeof(entropy), "moving-%d", campaigns);
		publish_moving(c, &d, id, entropy);
		moving = resharding(pid, log);
	}
	cr_log_info("%d reads and %d campaigns during two reshardings", reads,
		    campaigns);
	redisFree(c);
	end_followed(&d, &cl, &s, &want);
}

struct renamed {
	const struct population *p;
	size_t n;
};

/* Whether entity k's name is the one the details file gave it. */
static void count_renamed(size_t k, const redisReply *hash, void *ctx)
{
	struct renamed *rn = ctx;
	const redisReply *name = reply_field(hash, "name");
	char want[64];
	snprintf(want, sizeof(want), "Imported %.18s", rn->p->v[k].uscc);
	rn->n += name && !strcmp(name->str, want);
}

/* inspectctl import of the grade index and of every entity's details
 * (each a name of the file's), over and over while redis-cli moves 2,000
 * slots: every import ends well, and what they wrote reads back whole. */
Test(cluster, imports_during_a_resharding, .timeout = 300)
{
	struct redis_cluster cl;
	char address[64], log[128], pop_csv[128], det_csv[128], yaml[128];
	char out[4096];
	cluster_start(&cl, 3, 0);
	int port = cluster_address(&cl, address, sizeof(address));
	snprintf(pop_csv, sizeof(pop_csv), "%s/pop.csv", cl.node[0].dir);
	snprintf(det_csv, sizeof(det_csv), "%s/details.csv", cl.node[0].dir);
	snprintf(yaml, sizeof(yaml), "%s/ctl.yaml", cl.node[0].dir);
	load_population(port, 20000, 55, pop_csv);
	FILE *f = fopen(yaml, "w");
	cr_assert_not_null(f);
	fprintf(f, "redis:\n  address: redis://127.0.0.1:%d\npolicies: %s\n", port,
		POLICIES_DIR);
	fclose(f);
	struct config cfg;
	struct store s;
	struct population want;
	store_and_read(&cfg, port, &s, &want);
	f = fopen(det_csv, "w");
	cr_assert_not_null(f);
	fputs("uscc,name,address\n", f);
	for (size_t i = 0; i < want.n; i++)
		fprintf(f, "%.18s,Imported %.18s,Road %zu\n", want.v[i].uscc,
			want.v[i].uscc, i);
	fclose(f);

	int insp = cluster_master_for_slot(&cl, insp_slot());
	pid_t pid = reshard(&cl, (insp + 1) % 3, (insp + 2) % 3, 2000, log,
			    sizeof(log));
	int imports = 0;
	for (bool moving = true; moving || imports < 2; imports++) {
		cr_assert_eq(run(out, sizeof(out),
				 "%s import --entities %s --details %s "
				 "--config %s 2>&1",
				 INSPECTCTL_PATH, pop_csv, det_csv, yaml),
			     0, "import %d during a resharding:\n%s", imports,
			     out);
		moving = resharding(pid, log);
	}
	cr_log_info("%d imports during a resharding", imports);
	expect_same_reads(&s, &want, "after imports during a resharding");
	uint32_t *all = every_entity(want.n);
	struct renamed rn = {&want, 0};
	cr_assert_eq(grades_details(&s, &want, all, want.n, count_renamed, &rn),
		     0, "%s", s.err.text);
	cr_assert_eq(rn.n, want.n, "%zu of %zu names imported", rn.n, want.n);
	free(all);
	population_finish(&want);
	store_close(&s);
	cluster_finish(&cl);
}
