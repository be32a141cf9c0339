/* inspectd's HTTP endpoint against a real redis-server and inspectd
 * (docs/HTTP.md): health, readiness going false when Redis stops and true
 * when it is back, metrics counting what the test did, 401s, and each
 * department's token seeing its own campaigns only. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

static char body[1 << 18];

/* GET path (with token as a bearer, if given) over a fresh connection;
 * the status, the body in body. -1 if nothing answered. */
static int get(int port, const char *path, const char *token)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons((uint16_t)port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct timeval tv = {5, 0};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	char req[512], auth[200] = "";
	if (token)
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s\r\n",
			 token);
	int n = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: x\r\n%s"
			 "Connection: close\r\n\r\n", path, auth);
	if (write(fd, req, (size_t)n) != n) {
		close(fd);
		return -1;
	}
	static char raw[sizeof(body)];
	size_t len = 0;
	ssize_t k;
	while (len + 1 < sizeof(raw) &&
	       (k = read(fd, raw + len, sizeof(raw) - 1 - len)) > 0)
		len += (size_t)k;
	close(fd);
	raw[len] = '\0';
	int status = -1;
	if (sscanf(raw, "HTTP/1.1 %d", &status) != 1)
		return -1;
	const char *b = strstr(raw, "\r\n\r\n");
	snprintf(body, sizeof(body), "%s", b ? b + 4 : "");
	return status;
}

/* Polls path until it answers status with a body holding text (NULL:
 * any), up to ms. */
static bool await(int port, const char *path, const char *token,
		  int status, const char *text, int ms)
{
	for (int t = 0; t < ms; t += 100) {
		if (get(port, path, token) == status &&
		    (!text || strstr(body, text)))
			return true;
		sleep_ms(100);
	}
	return false;
}

#define SAMR "samr-token-0123456789"
#define MPA "mpa-token-0123456789ab"
#define ALL "all-token-0123456789abcd"

/* Writes the tokens file (text, with mode) in dir, and into extra[size]
 * the http: block listening on port with it and the lines more. */
static void tokens_config(const char *dir, const char *text, mode_t mode,
			  int port, const char *more, char *extra, size_t size)
{
	char tokens[600];
	snprintf(tokens, sizeof(tokens), "%s/tokens", dir);
	FILE *f = fopen(tokens, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
	chmod(tokens, mode);
	snprintf(extra, size, "http:\n  listen: 127.0.0.1:%d\n  tokens_file: "
		 "%s\n%s", port, tokens, more);
}

static void campaign(redisContext *c, const char *id, const char *dept,
		     const char *items)
{
	submit(c, "type", "campaign", "id", id, "department", dept,
	       "policy", "henan-2021",
	       "items", items, "date", "2026-10-09", "window",
	       "2026-10-12..2026-10-23", "entropy", id, NULL);
	cr_assert(wait_status(c, id, "published", 30000), "%s", id);
}

/* The daemon stopped as an operator would (exit 0), and Redis with it. */
static void stop(struct redis_proc *r, struct daemon_proc *d, redisContext *c)
{
	daemon_signal(d, SIGTERM);
	cr_assert_eq(daemon_wait(d), 0);
	redisFree(c);
	redis_finish(r);
}

Test(http, health_readiness_metrics_and_access, .timeout = 240)
{
	struct redis_proc r;
	struct daemon_proc d;
	redis_start(&r);
	load_population(r.port, 3000, 21, NULL);
	redisContext *c = redis_client(r.port);
	store_roster(c);
	char extra[1200];
	int port = free_port();
	tokens_config(r.dir, "# staff tokens\n" SAMR " SAMR-ZZ\n" MPA " MPA-ZZ\n"
		      ALL " *\n", 0600, port, "  refresh_seconds: 1\n"
		      "  reread_seconds: 0\n", extra, sizeof(extra));
	daemon_start(&d, r.dir, r.port, "web", POLICIES_DIR, extra);

	cr_assert(await(port, "/healthz", NULL, 200, "ok", 10000));
	cr_assert(await(port, "/readyz", NULL, 200, "ready", 20000), "%s",
		  body);

	campaign(c, "S1", "SAMR-ZZ", "SC-001");
	campaign(c, "M1", "MPA-ZZ", "YJ-004");
	/* An entry that is no campaign at all, and a result for nothing. */
	submit(c, "type", "campaign", "id", "J1", "department", "SAMR-ZZ",
	       "size", "ten", NULL);
	redisReply *x = cmd(c, "XADD {insp}:results * campaign S1 uscc "
			    "91000000000000000X result 01");
	freeReplyObject(x);
	/* The board has read both campaigns (it reads every second). */
	if (!await(port, "/metrics", NULL, 200,
		   "inspectd_campaigns{status=\"in_progress\"} 2\n", 20000)) {
		get(port, "/api/dashboard", ALL);
		cr_assert(false, "%s", body);
	}
	cr_assert(await(port, "/metrics", NULL, 200,
			"inspectd_entries_refused_total{class=\"junk\"} 1\n",
			20000), "%s", body);
	cr_assert(await(port, "/metrics", NULL, 200,
			"inspectd_results_total{outcome=\"refused\"} 1\n",
			20000), "%s", body);
	static const char *const counted[] = {
		"inspectd_entries_taken_total 3\n",
		"inspectd_campaigns_answered_total{outcome=\"published\"} 2\n",
		"inspectd_results_total{outcome=\"accepted\"} 0\n",
		"inspectd_publication_seconds_count 2\n",
		"inspectd_fetch_seconds_bucket{le=\"+Inf\"} 2\n",
		"inspectd_redis_up 1\n",
		"inspectd_pending_entries{stream=\"intake\",consumer=\"web\"} "};
	for (size_t i = 0; i < sizeof(counted) / sizeof(*counted); i++)
		cr_assert(strstr(body, counted[i]), "no %s in\n%s", counted[i],
			  body);

	/* No token, a wrong one: 401, and nothing of the campaigns. */
	static const char *const staff[] = {"/dashboard", "/api/dashboard",
					    "/dashboard/campaign/S1",
					    "/api/campaign/S1"};
	for (size_t i = 0; i < 4; i++) {
		cr_assert_eq(get(port, staff[i], NULL), 401, "%s", staff[i]);
		cr_assert(!strstr(body, "S1"), "%s", body);
		cr_assert_eq(get(port, staff[i], "not-a-token-0123456789"), 401);
		cr_assert_eq(get(port, staff[i], SAMR "x"), 401);
	}
	/* Each department its own campaigns; the deployment's token all. */
	cr_assert(await(port, "/api/dashboard", SAMR, 200, "\"id\":\"S1\"",
			10000), "%s", body);
	cr_assert(!strstr(body, "M1") && !strstr(body, "MPA-ZZ"), "%s", body);
	cr_assert_eq(get(port, "/api/dashboard", MPA), 200);
	cr_assert(strstr(body, "\"id\":\"M1\"") && !strstr(body, "S1"), "%s",
		  body);
	cr_assert_eq(get(port, "/dashboard/campaign/M1", SAMR), 404);
	cr_assert(!strstr(body, "M1"));
	cr_assert_eq(get(port, "/api/campaign/NOPE", SAMR), 404);
	cr_assert_str_eq(body, "no such campaign\n", "unknown and another's "
			 "answer alike");
	cr_assert_eq(get(port, "/dashboard/campaign/S1", SAMR), 200);
	cr_assert(strstr(body, "<h1>S1</h1>"), "%s", body);
	cr_assert_eq(get(port, "/dashboard", ALL), 200);
	cr_assert(strstr(body, ">S1</a>") && strstr(body, ">M1</a>") &&
		  strstr(body, "Operations") &&
		  strstr(body, "<dt>entries that were no entry</dt><dd>1</dd>"),
		  "%s", body);
	/* The visits of October 2026 are all past their 20 working days:
	 * every one overdue, first on the page. */
	cr_assert_eq(get(port, "/api/campaign/S1", SAMR), 200);
	cr_assert(strstr(body, "\"overdue\":") && !strstr(body, "\"overdue\":0"),
		  "%s", body);
	/* The junk entry's refusal, to its department only. */
	cr_assert_eq(get(port, "/api/dashboard", SAMR), 200);
	cr_assert(strstr(body, "size"), "%s", body);
	cr_assert_eq(get(port, "/api/dashboard", MPA), 200);
	cr_assert(!strstr(body, "size"), "%s", body);
	/* Probes with a token too. */
	cr_assert_eq(get(port, "/metrics", MPA), 200);
	/* In chromium: the page, its campaign link, the overdue count, with
	 * JavaScript off; the reload script allowed with it on. */
	static char out[1 << 14];
	cr_assert_eq(run(out, sizeof(out), "node %s/../tests/browser/"
			 "dashboard.mjs http://127.0.0.1:%d %s S1 %s/shot.png",
			 POLICIES_DIR, port, ALL, r.dir), 0, "%s", out);
	cr_assert(strstr(out, "ok - the link opens"), "%s", out);

	/* Redis stops: not ready, still healthy; back: ready again. */
	redis_kill(&r, SIGKILL);
	cr_assert(await(port, "/readyz", NULL, 503, "redis: failing", 20000),
		  "%s", body);
	cr_assert_eq(get(port, "/healthz", NULL), 200);
	cr_assert(await(port, "/metrics", NULL, 200, "inspectd_redis_up 0\n",
			10000));
	redis_restart(&r);
	cr_assert(await(port, "/readyz", NULL, 200, "ready", 30000), "%s",
		  body);
	cr_assert(await(port, "/metrics", NULL, 200,
			"inspectd_redis_reconnects_total 1\n", 30000), "%s",
		  body);
	cr_assert_str_eq(daemon_state(&d), "running");
	stop(&r, &d, c);
}

/* With reminder_days, each day's reminders go out once: one entry for
 * each campaign with results overdue, whatever restarts there are. */
Test(http, reminders_go_out_once_a_day, .timeout = 120)
{
	struct redis_proc r;
	struct daemon_proc d;
	redis_start(&r);
	load_population(r.port, 3000, 21, NULL);
	redisContext *c = redis_client(r.port);
	store_roster(c);
	const char *extra = "reminder_days: 5\n";
	daemon_start(&d, r.dir, r.port, "remind", POLICIES_DIR, extra);
	campaign(c, "S1", "SAMR-ZZ", "SC-001");
	campaign(c, "M1", "MPA-ZZ", "YJ-004");
	/* Its first job of the day found nothing published: today is done,
	 * with no reminder. */
	cr_assert_eq(cmd_int(c, "XLEN {insp}:reminders"), 0);
	redisReply *day = cmd(c, "GET {insp}:reminders:day");
	cr_assert(day->type == REDIS_REPLY_STRING, "the day is marked");
	char today[11];
	snprintf(today, sizeof(today), "%s", day->str);
	freeReplyObject(day);
	daemon_signal(&d, SIGTERM);
	cr_assert_eq(daemon_wait(&d), 0);
	/* As if it were the next day: the mark gone, the restart sends. */
	freeReplyObject(cmd(c, "DEL {insp}:reminders:day"));
	daemon_start(&d, r.dir, r.port, "remind", POLICIES_DIR, extra);
	cr_assert(wait_xlen(c, "{insp}:reminders", 2, 10000));
	cr_assert(daemon_await_log(&d, "reminders sent", 5000));
	static char v[8][64];
	cr_assert_eq(stream_values(c, "{insp}:reminders", "campaign", v, 8), 2);
	cr_assert_str_eq(v[0], "M1");
	cr_assert_str_eq(v[1], "S1");
	cr_assert_eq(stream_values(c, "{insp}:reminders", "department", v, 8), 2);
	cr_assert_str_eq(v[0], "MPA-ZZ");
	cr_assert_eq(stream_values(c, "{insp}:reminders", "day", v, 8), 2);
	cr_assert_str_eq(v[1], today);
	cr_assert_eq(stream_values(c, "{insp}:reminders", "overdue", v, 8), 2);
	cr_assert(atoi(v[1]) > 0, "S1's visits of October are overdue: %s",
		  v[1]);
	/* Restarted the same day: nothing more. */
	daemon_signal(&d, SIGTERM);
	cr_assert_eq(daemon_wait(&d), 0);
	daemon_start(&d, r.dir, r.port, "remind", POLICIES_DIR, extra);
	sleep_ms(1500);
	cr_assert_eq(cmd_int(c, "XLEN {insp}:reminders"), 2);
	stop(&r, &d, c);
}

/* With a certificate and key, the endpoint speaks TLS only: a client
 * that checks the certificate against its CA and the host name reaches
 * /healthz; plain HTTP on the same port does not. */
Test(http, tls_when_a_certificate_is_given, .timeout = 60)
{
	struct redis_proc r;
	struct daemon_proc d;
	redis_start(&r);
	static char out[1 << 14];
	cr_assert_eq(run(out, sizeof(out), "cd %s && openssl req -x509 "
			 "-newkey rsa:2048 -nodes -keyout http.key -out "
			 "http.crt -days 2 -subj /CN=localhost -addext "
			 "subjectAltName=DNS:localhost 2>&1 && "
			 "chmod 600 http.key", r.dir), 0, "%s", out);
	int port = free_port();
	char extra[1200];
	snprintf(extra, sizeof(extra), "http:\n  listen: 127.0.0.1:%d\n"
		 "  tls_certificate: %s/http.crt\n  tls_key: %s/http.key\n",
		 port, r.dir, r.dir);
	daemon_start(&d, r.dir, r.port, "tls", POLICIES_DIR, extra);
	/* To 127.0.0.1, the certificate checked for the name given (no
	 * name is looked up: a fresh machine may have no /etc/hosts). */
	const char *py =
		"import socket, ssl, sys\n"
		"c = ssl.create_default_context(cafile=sys.argv[1])\n"
		"s = socket.create_connection(('127.0.0.1', int(sys.argv[2])), 5)\n"
		"t = c.wrap_socket(s, server_hostname=sys.argv[3])\n"
		"t.sendall(b'GET /healthz HTTP/1.1\\r\\nHost: x\\r\\n"
		"Connection: close\\r\\n\\r\\n')\n"
		"r = b''\n"
		"while True:\n"
		"    b = t.recv(4096)\n"
		"    if not b: break\n"
		"    r += b\n"
		"print(r.split(b'\\r\\n\\r\\n', 1)[1].decode(), end='')\n";
	char script[700];
	snprintf(script, sizeof(script), "%s/get.py", r.dir);
	FILE *f = fopen(script, "w");
	fputs(py, f);
	fclose(f);
	bool ok = false;
	for (int t = 0; t < 50 && !ok; t++) {
		ok = run(out, sizeof(out), "python3 %s %s/http.crt %d "
			 "localhost", script, r.dir, port) == 0 &&
		     !strcmp(out, "ok\n");
		if (!ok)
			sleep_ms(100);
	}
	cr_assert(ok, "%s", out);
	/* A name the certificate does not carry: refused by the client. */
	cr_assert_neq(run(out, sizeof(out), "python3 %s %s/http.crt %d "
			  "elsewhere.example", script, r.dir, port), 0);
	cr_assert(strstr(out, "CERTIFICATE_VERIFY_FAILED") ||
		  strstr(out, "match"), "%s", out);
	/* Plain HTTP on the TLS port: no answer. */
	cr_assert_neq(get(port, "/healthz", NULL), 200);
	daemon_signal(&d, SIGTERM);
	cr_assert_eq(daemon_wait(&d), 0);
	redis_finish(&r);
}

/* Probes closed (open_probes: false, as when listening beyond
 * loopback): liveness for any token, readiness and metrics for a token of
 * every department only. */
Test(http, closed_probes_need_a_token, .timeout = 60)
{
	struct redis_proc r;
	struct daemon_proc d;
	redis_start(&r);
	char extra[1200];
	int port = free_port();
	tokens_config(r.dir, SAMR " SAMR-ZZ\n" ALL " *\n", 0600, port,
		      "  open_probes: false\n", extra, sizeof(extra));
	daemon_start(&d, r.dir, r.port, "web", POLICIES_DIR, extra);
	cr_assert(await(port, "/healthz", SAMR, 200, "ok", 10000));
	cr_assert_eq(get(port, "/healthz", NULL), 401);
	cr_assert_eq(get(port, "/metrics", NULL), 401);
	cr_assert_eq(get(port, "/metrics", SAMR), 403);
	cr_assert(!strstr(body, "inspectd_"), "%s", body);
	cr_assert_eq(get(port, "/readyz", SAMR), 403);
	cr_assert_eq(get(port, "/metrics", ALL), 200);
	cr_assert(strstr(body, "inspectd_entries_taken_total"), "%s", body);
	daemon_signal(&d, SIGTERM);
	cr_assert_eq(daemon_wait(&d), 0);
	redis_finish(&r);
}

/* A tokens file others may read, or a bad line: inspectd will not start,
 * and says why. */
Test(http, a_bad_tokens_file_stops_the_start, .timeout = 60)
{
	struct redis_proc r;
	struct daemon_proc d;
	redis_start(&r);
	char extra[1200];
	int port = free_port();
	tokens_config(r.dir, SAMR " SAMR-ZZ\n", 0644, port, "", extra,
		      sizeof(extra));
	daemon_start(&d, r.dir, r.port, "web", POLICIES_DIR, extra);
	cr_assert_eq(daemon_wait(&d), 2);
	cr_assert(daemon_logged(&d, "readable by others"));
	tokens_config(r.dir, "short SAMR-ZZ\n", 0600, port, "", extra,
		      sizeof(extra));
	daemon_start(&d, r.dir, r.port, "web", POLICIES_DIR, extra);
	cr_assert_eq(daemon_wait(&d), 2);
	cr_assert(daemon_logged(&d, "tokens:1: a token has 16 to 128"));
	redis_finish(&r);
}
