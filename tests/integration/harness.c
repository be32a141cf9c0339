#include "harness.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <criterion/criterion.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "inspect/shell/config.h"
#include "inspect/store/grades.h"
#include "inspect/store/slot.h"
#include "inspect/store/store.h"
#include "../../bench/synth.h"

void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

int free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	cr_assert(fd >= 0);
	cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	close(fd);
	return ntohs(a.sin_port);
}

pid_t spawn(char *const argv[], const char *log)
{
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		int fd = open(log ? log : "/dev/null",
			      O_WRONLY | O_CREAT | O_APPEND, 0644);
		dup2(fd, 1);
		dup2(fd, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	return pid;
}

static bool pings(int port)
{
	struct timeval tv = {0, 200000};
	redisContext *c = redisConnectWithTimeout("127.0.0.1", port, tv);
	bool ok = c && !c->err;
	if (ok) {
		redisReply *r = redisCommand(c, "PING");
		ok = r && r->type == REDIS_REPLY_STATUS;
		freeReplyObject(r);
	}
	if (c)
		redisFree(c);
	return ok;
}

static void redis_spawn(struct redis_proc *r)
{
	char port[16], log[96];
	snprintf(port, sizeof(port), "%d", r->port);
	snprintf(log, sizeof(log), "%s/redis.log", r->dir);
	char *argv[] = {"redis-server", "--port", port, "--bind", "127.0.0.1",
			"--dir", r->dir, "--save", "", "--appendonly", "yes",
			"--appendfsync", "always", "--daemonize", "no", NULL};
	r->pid = spawn(argv, log);
	for (int i = 0; i < 100 && !pings(r->port); i++)
		sleep_ms(50);
	cr_assert(pings(r->port), "redis-server did not start on %d",
		  r->port);
	/* Every command from now on, for slots_check. */
	char mon[128];
	snprintf(mon, sizeof(mon), "%s/monitor.%d.log", r->dir, r->spawns++);
	char *margv[] = {"redis-cli", "-p", port, "MONITOR", NULL};
	r->monitor = spawn(margv, mon);
	redisContext *c = redis_client(r->port);
	bool on = false;
	for (int i = 0; i < 100 && !on; i++) {
		redisReply *l = cmd(c, "CLIENT LIST");
		on = l->type == REDIS_REPLY_STRING && strstr(l->str, "cmd=monitor");
		freeReplyObject(l);
		if (!on)
			sleep_ms(20);
	}
	redisFree(c);
	cr_assert(on, "redis-cli MONITOR did not attach");
}

void redis_reserve(struct redis_proc *r)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->dir, sizeof(r->dir), "/tmp/inspectd-test-XXXXXX");
	cr_assert_not_null(mkdtemp(r->dir));
	r->port = free_port();
}

void redis_start(struct redis_proc *r)
{
	redis_reserve(r);
	redis_spawn(r);
}

void redis_restart(struct redis_proc *r)
{
	redis_spawn(r);
}

void redis_kill(struct redis_proc *r, int sig)
{
	kill(r->pid, sig);
	waitpid(r->pid, NULL, 0);
	if (r->monitor > 0) { /* it ends with the server; never left behind */
		kill(r->monitor, SIGKILL);
		waitpid(r->monitor, NULL, 0);
		r->monitor = 0;
	}
}

void redis_finish(struct redis_proc *r)
{
	char rm[128];
	redis_kill(r, SIGKILL);
	const char *mixed = slots_check(r);
	cr_expect_str_eq(mixed, "", "transactions that mix hash slots:\n%s",
			 mixed);
	/* A child the killed server forked (an AOF rewrite) may still be
	 * writing its temporary file here for a moment: try again. */
	snprintf(rm, sizeof(rm), "rm -rf '%s' 2>/dev/null", r->dir);
	int rc = system(rm);
	for (int i = 0; rc != 0 && i < 50; i++) {
		sleep_ms(100);
		rc = system(rm);
	}
	cr_expect_eq(rc, 0, "%s could not be removed", r->dir);
}

redisContext *redis_client(int port)
{
	redisContext *c = redisConnect("127.0.0.1", port);
	cr_assert(c && !c->err, "cannot connect to redis on %d", port);
	return c;
}

redisReply *cmd(redisContext *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	redisReply *r = redisvCommand(c, fmt, ap);
	va_end(ap);
	cr_assert_not_null(r, "redis: %s", c->errstr);
	return r;
}

long long cmd_int(redisContext *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	redisReply *r = redisvCommand(c, fmt, ap);
	va_end(ap);
	cr_assert_not_null(r, "redis: %s", c->errstr);
	long long v = r->type == REDIS_REPLY_INTEGER ? r->integer
		      : r->type == REDIS_REPLY_STRING ? atoll(r->str) : -1;
	freeReplyObject(r);
	return v;
}

/* 400 inspectors of SAMR-ZZ (some of MPA-ZZ), covering every region of
 * the synthetic populations, some qualified, capacity 50: room for the
 * repeated large campaigns of the fault tests. */
/* The default roster's CSV (malloc'd). */
static char *roster_csv(size_t *len)
{
	static const char *qual[] = {"", "food-safety", "special-equipment",
				     "pharmacy"};
	size_t cap = 400 * 96 + 128, n = 0;
	char *csv = malloc(cap);
	n += (size_t)snprintf(csv, cap, "%s\n",
			      "id,name,badge,department,jurisdictions,"
			      "qualifications,daily_capacity,conflicts,active");
	for (int i = 0; i < 400; i++)
		n += (size_t)snprintf(csv + n, cap - n,
				      "t%03d,检查员%03d,B%05d,%s,1;3;4;5,%s,50,,1\n",
				      i, i, i, i % 10 == 9 ? "MPA-ZZ" : "SAMR-ZZ",
				      qual[i % 4]);
	*len = n;
	return csv;
}

void store_roster(redisContext *c)
{
	size_t n;
	char *csv = roster_csv(&n);
	redisReply *r = redisCommand(c, "SET {insp}:roster %b", csv, n);
	cr_assert(r && r->type == REDIS_REPLY_STATUS);
	freeReplyObject(r);
	free(csv);
}

void load_population(int port, size_t n, unsigned seed, const char *csv)
{
	struct config cfg;
	config_defaults(&cfg);
	cfg.redis.port = port;
	load_population_on(&cfg, n, seed, csv);
}

void load_population_on(const struct config *cfg, size_t n, unsigned seed,
			const char *csv)
{
	struct population p = {.v = malloc(n * sizeof(struct entity)), .n = n};
	struct rng rr, names;
	rng_init(&rr, seed, 0x5851f42d4c957f2dULL);
	rng_init(&names, seed, 0x14057b7ef767814fULL);
	int32_t today = 20758; /* 2026-11-01 */
	FILE *f = csv ? fopen(csv, "w") : NULL;
	if (f)
		fputs(POPULATION_HEADER "\n", f);
	for (size_t i = 0; i < n; i++) {
		synth_entity(&rr, today, &p.v[i]);
		if (f) {
			char rec[RECORD_MAX];
			fwrite(rec, 1, population_format_record(&p.v[i], rec), f);
		}
	}
	if (f)
		fclose(f);
	struct diag err;
	diag_init(&err);
	cr_assert_eq(population_canonicalize(&p, "test", 0, &err), 0);
	struct store s;
	cr_assert_eq(store_connect(&s, cfg), 0, "%s", s.err.text);
	cr_assert_eq(grades_write(&s, &p, NULL), 0, "%s", s.err.text);
	/* The details through the store, so that on a cluster each goes
	 * to the master of its key. */
	struct args a;
	args_init(&a);
	for (size_t i = 0; i < n; i++) {
		char d[256], key[64];
		synth_details(&names, &p.v[i], d, sizeof(d));
		char *comma = strchr(d, ',');
		*comma = '\0';
		snprintf(key, sizeof(key), "credit:ent:%.*s", USCC_LEN,
			 p.v[i].uscc);
		args_reset(&a);
		args_add(&a, "HSET");
		args_add(&a, key);
		args_add(&a, "name");
		args_add(&a, d);
		args_add(&a, "address");
		args_add(&a, comma + 1);
		cr_assert_eq(store_append(&s, &a), 0, "%s", s.err.text);
	}
	args_finish(&a);
	for (size_t i = 0; i < n; i++) {
		redisReply *r = store_next_reply(&s);
		cr_assert(r, "%s", s.err.text);
		freeReplyObject(r);
	}
	size_t len;
	char *roster = roster_csv(&len);
	redisReply *r = store_runv(&s, "SET", "{insp}:roster", roster, NULL);
	cr_assert(r && r->type != REDIS_REPLY_ERROR, "%s", s.err.text);
	freeReplyObject(r);
	free(roster);
	store_close(&s);
	population_finish(&p);
}

static long log_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (long)st.st_size : 0;
}

/* Whether the log holds text after its first `from` bytes. */
static bool logged_since(const char *path, long from, const char *text)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	bool found = false;
	if (f && fseek(f, from, SEEK_SET) == 0)
		while (!found && fgets(line, sizeof(line), f))
			found = strstr(line, text) != NULL;
	if (f)
		fclose(f);
	return found;
}

void daemon_start(struct daemon_proc *d, const char *dir, int port,
		  const char *consumer, const char *policies,
		  const char *extra)
{
	snprintf(d->config, sizeof(d->config), "%s/%s.yaml", dir, consumer);
	snprintf(d->log, sizeof(d->log), "%s/%s.log", dir, consumer);
	FILE *f = fopen(d->config, "w");
	cr_assert_not_null(f);
	/* Redis on the port, unless the test gives its own redis: block. */
	if (!extra || (strncmp(extra, "redis:", 6) && !strstr(extra, "\nredis:")))
		fprintf(f, "redis:\n  address: redis://127.0.0.1:%d\n"
			"  connect_timeout_ms: 500\n  command_timeout_ms: "
			"5000\n", port);
	fprintf(f, "policies: %s\nconsumer: %s\nblock_ms: 100\n"
		"items: %s/items/items.yaml\ntime_zone: Asia/Shanghai\n%s",
		policies, consumer, POLICIES_DIR, extra ? extra : "");
	/* The suites' campaigns carry fixed dates that age: they may lie any
	 * number of days back, unless the test sets its own limit. */
	if (!extra || !strstr(extra, "max_backdate_days:"))
		fprintf(f, "max_backdate_days: 3660\n");
	/* The shipped calendars, unless the test brings its own. */
	if (!extra || !strstr(extra, "calendars:"))
		fprintf(f, "calendars: %s/calendars\n", POLICIES_DIR);
	/* The archive of audit copies in the test's directory, one for the
	 * daemons of one Redis, unless the test gives its own. */
	if (!extra || !strstr(extra, "archive:"))
		fprintf(f, "archive: %s/archive\n", dir);
	fclose(f);
	char *argv[] = {INSPECTD_PATH, "--config", d->config, NULL};
	long from = log_size(d->log);
	d->pid = spawn(argv, d->log);
	/* Back when it has said "started": its signal handlers are in place
	 * (a SIGTERM before would kill it by the default action). */
	for (int t = 0; t < 500 && !logged_since(d->log, from, "msg=\"started\"");
	     t++)
		sleep_ms(20);
}

void daemon_signal(struct daemon_proc *d, int sig)
{
	kill(d->pid, sig);
}

/* A sanitizer build reports into the log (leaks at exit): a report
 * fails the test. */
static int checked(const struct daemon_proc *d, int status)
{
	if (daemon_logged(d, "Sanitizer") || daemon_logged(d, "runtime error")) {
		/* The report itself: the log goes with the test's directory. */
		char *log = slurp(d->log);
		const char *at = log ? strstr(log, "==ERROR") : NULL;
		if (!at && log)
			at = strstr(log, "runtime error");
		cr_expect(false, "inspectd reported a memory or undefined-"
			  "behaviour error:\n%.6000s", at ? at : d->log);
		free(log);
	}
	return status;
}

const char *daemon_state(const struct daemon_proc *d)
{
	static char text[64];
	siginfo_t info = {0};
	if (waitid(P_PID, (id_t)d->pid, &info, WEXITED | WNOHANG | WNOWAIT) < 0 ||
	    info.si_pid == 0)
		return "running";
	snprintf(text, sizeof(text), "%s %d", info.si_code == CLD_EXITED
		 ? "exited with status" : "killed by signal", info.si_status);
	return text;
}

int daemon_wait(struct daemon_proc *d)
{
	int st = 0;
	for (int i = 0; i < 200; i++) {
		if (waitpid(d->pid, &st, WNOHANG) == d->pid)
			return checked(d, WIFEXITED(st) ? WEXITSTATUS(st)
						       : 128 + WTERMSIG(st));
		sleep_ms(50);
	}
	kill(d->pid, SIGKILL);
	waitpid(d->pid, &st, 0);
	return checked(d, -1); /* did not stop within 10 s */
}

bool daemon_logged(const struct daemon_proc *d, const char *text)
{
	FILE *f = fopen(d->log, "r");
	char line[4096];
	bool found = false;
	while (f && !found && fgets(line, sizeof(line), f))
		found = strstr(line, text) != NULL;
	if (f)
		fclose(f);
	return found;
}

bool daemon_await_log(const struct daemon_proc *d, const char *text,
		      int timeout_ms)
{
	for (int t = 0; t <= timeout_ms; t += 20) {
		if (daemon_logged(d, text))
			return true;
		sleep_ms(20);
	}
	return false;
}

void submit(redisContext *c, ...)
{
	const char *argv[64];
	int n = 0;
	va_list ap;
	argv[n++] = "XADD";
	argv[n++] = "{insp}:intake";
	argv[n++] = "*";
	va_start(ap, c);
	for (const char *s; (s = va_arg(ap, const char *)) && n < 64;)
		argv[n++] = s;
	va_end(ap);
	redisReply *r = redisCommandArgv(c, n, argv, NULL);
	cr_assert(r && r->type == REDIS_REPLY_STRING, "XADD failed");
	freeReplyObject(r);
}

bool wait_status(redisContext *c, const char *id, const char *status,
		 int timeout_ms)
{
	for (int t = 0; t <= timeout_ms; t += 20) {
		redisReply *r = cmd(c, "HGET {insp}:campaign:%s status", id);
		bool ok = r->type == REDIS_REPLY_STRING &&
			  strcmp(r->str, status) == 0;
		freeReplyObject(r);
		if (ok)
			return true;
		sleep_ms(20);
	}
	return false;
}

bool wait_drained(redisContext *c, int timeout_ms)
{
	for (int t = 0; t <= timeout_ms; t += 20) {
		redisReply *r = cmd(c, "XINFO GROUPS {insp}:intake");
		bool done = false;
		if (r->type == REDIS_REPLY_ARRAY && r->elements == 1) {
			redisReply *g = r->element[0];
			long long pending = -1;
			const char *last = NULL;
			for (size_t i = 0; i + 1 < g->elements; i += 2) {
				if (!strcmp(g->element[i]->str, "pending"))
					pending = g->element[i + 1]->integer;
				if (!strcmp(g->element[i]->str,
					    "last-delivered-id"))
					last = g->element[i + 1]->str;
			}
			/* Nothing pending, and no entry after the last one
			 * delivered. (Not XINFO's lag: Redis 7.0 counts it
			 * wrong after a restart replays the append-only
			 * file, 19 for a stream with none left.) */
			if (pending == 0 && last) {
				redisReply *x = cmd(c, "XRANGE {insp}:intake (%s + "
						    "COUNT 1", last);
				done = x->type == REDIS_REPLY_ARRAY &&
				       x->elements == 0;
				freeReplyObject(x);
			}
		}
		freeReplyObject(r);
		if (done)
			return true;
		sleep_ms(20);
	}
	return false;
}

size_t stream_values(redisContext *c, const char *stream, const char *field,
		     char (*out)[64], size_t max)
{
	redisReply *r = cmd(c, "XRANGE %s - +", stream);
	size_t n = 0;
	for (size_t i = 0; i < r->elements; i++) {
		redisReply *f = r->element[i]->element[1];
		for (size_t k = 0; k + 1 < f->elements; k += 2)
			if (!strcmp(f->element[k]->str, field) && n < max)
				snprintf(out[n++], 64, "%s",
					 f->element[k + 1]->str);
	}
	freeReplyObject(r);
	return n;
}

int run(char *out, size_t size, const char *fmt, ...)
{
	char line[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	strncat(line, " 2>&1", sizeof(line) - strlen(line) - 1);
	FILE *p = popen(line, "r");
	size_t n = p ? fread(out, 1, size - 1, p) : 0;
	out[n] = '\0';
	int st = p ? pclose(p) : -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	cr_assert_not_null(f, "%s", path);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *s = malloc((size_t)n + 1);
	cr_assert_eq(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = '\0';
	fclose(f);
	return s;
}

/* ---- slots_check ---- */

/* The next argument of a MONITOR line (a quoted string with C-like
 * escapes) into out; the position after it, or NULL at the end. */
static const char *monitor_arg(const char *at, char *out, size_t size)
{
	while (*at == ' ')
		at++;
	if (*at != '"')
		return NULL;
	size_t n = 0;
	for (at++; *at && *at != '"'; at++) {
		char ch = *at;
		if (ch == '\\' && at[1]) {
			at++;
			switch (*at) {
			case 'n': ch = '\n'; break;
			case 'r': ch = '\r'; break;
			case 't': ch = '\t'; break;
			case 'a': ch = '\a'; break;
			case 'b': ch = '\b'; break;
			case 'x': {
				char hex[3] = {at[1], at[1] ? at[2] : 0, 0};
				ch = (char)strtol(hex, NULL, 16);
				at += 2;
				break;
			}
			default: ch = *at;
			}
		}
		if (n + 1 < size)
			out[n++] = ch;
	}
	out[n] = '\0';
	return *at == '"' ? at + 1 : NULL;
}

/* One client's transaction being built: its first key's slot, and the
 * first key of another slot. */
struct client_tx {
	char addr[48];
	int slot;
	bool multi;
	char first[160], other[160];
};

static struct client_tx *client_of(struct client_tx *c, size_t *n,
				   const char *addr)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp(c[i].addr, addr))
			return &c[i];
	if (*n == 256)
		return &c[0]; /* a test never has that many connections */
	memset(&c[*n], 0, sizeof(c[*n]));
	snprintf(c[*n].addr, sizeof(c[*n].addr), "%s", addr);
	c[*n].slot = -1;
	return &c[(*n)++];
}

/* The slot add_key counts a key in: its own, but for the buckets with
 * hash tags of their own ("{insp/17}:history"), which inspectd sends one
 * server in a transaction of many buckets, and a cluster as a pipeline
 * (docs/REDIS.md, "Publication in steps"): one slot of their own, apart
 * from every other key's. */
static int slot_of(const char *key)
{
	return !strncmp(key, "{insp/", 6) ? 16384
					  : (int)key_slot(key, strlen(key));
}

static void add_key(struct client_tx *t, const char *key)
{
	int s = slot_of(key);
	if (t->slot < 0) {
		t->slot = s;
		snprintf(t->first, sizeof(t->first), "%s", key);
	} else if (s != t->slot && !t->other[0]) {
		snprintf(t->other, sizeof(t->other), "%s", key);
	}
}

static void check_log(const char *path, char *out, size_t size,
		      size_t *found)
{
	FILE *f = fopen(path, "r");
	static struct client_tx clients[256];
	size_t n = 0;
	char line[1 << 16], cmd_name[32], key[512];
	while (f && fgets(line, sizeof(line), f)) {
		char *open = strchr(line, '['), *close = strchr(line, ']');
		char *sp = open ? strchr(open, ' ') : NULL;
		if (!open || !close || !sp || sp > close)
			continue;
		*close = '\0';
		struct client_tx *t = client_of(clients, &n, sp + 1);
		const char *at = monitor_arg(close + 1, cmd_name,
					     sizeof(cmd_name));
		if (!at)
			continue;
		for (char *c = cmd_name; *c; c++)
			*c = (char)toupper((unsigned char)*c);
		if (!strcmp(cmd_name, "WATCH")) {
			while ((at = monitor_arg(at, key, sizeof(key))))
				add_key(t, key);
		} else if (!strcmp(cmd_name, "MULTI")) {
			t->multi = true;
		} else if (!strcmp(cmd_name, "EXEC") ||
			   !strcmp(cmd_name, "DISCARD") ||
			   (!strcmp(cmd_name, "UNWATCH") && !t->multi)) {
			if (!strcmp(cmd_name, "EXEC") && t->other[0] &&
			    (*found)++ < 5) {
				size_t used = strlen(out);
				snprintf(out + used, size - used,
					 "%s: %s (slot %d) with %s (slot %d)\n",
					 t->addr, t->first, t->slot, t->other,
					 slot_of(t->other));
			}
			t->slot = -1;
			t->multi = false;
			t->first[0] = t->other[0] = '\0';
		} else if (t->multi &&
			   monitor_arg(at, key, sizeof(key))) {
			add_key(t, key); /* every command we queue: key first */
		}
	}
	if (f)
		fclose(f);
}

bool wait_xlen(redisContext *c, const char *key, long long n,
	       int timeout_ms)
{
	for (int t = 0; t < timeout_ms; t += 20) {
		if (cmd_int(c, "XLEN %s", key) == n)
			return true;
		sleep_ms(20);
	}
	return cmd_int(c, "XLEN %s", key) == n;
}

const char *slots_check(const struct redis_proc *r)
{
	static char out[4096];
	size_t found = 0;
	out[0] = '\0';
	for (int k = 0; k < r->spawns; k++) {
		char path[128];
		snprintf(path, sizeof(path), "%s/monitor.%d.log", r->dir, k);
		check_log(path, out, sizeof(out), &found);
	}
	return out;
}

void assert_published(redisContext *c, const char *id)
{
	bool ok = wait_status(c, id, "published", 30000);
	redisReply *e = ok ? NULL : cmd(c, "HGET {insp}:campaign:%s error", id);
	cr_assert(ok, "%s: %s", id, e && e->str ? e->str : "no answer");
	freeReplyObject(e);
}
