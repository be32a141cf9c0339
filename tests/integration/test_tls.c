/* TLS to Redis: a real redis-server speaking TLS only, with certificates
 * the test makes. inspectd and inspectctl work through it with the CA,
 * client certificate and key of their configuration; a server whose
 * certificate another CA signed, a name the certificate does not carry
 * and a missing client certificate are each refused with the reason,
 * and the daemon stays up. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "harness_tls.h"
#include "inspect/shell/config.h"

struct tls_case {
	char dir[64];
	struct tls_files f;
	struct redis_proc r;
};

static void tls_case_start(struct tls_case *t, int flags)
{
	snprintf(t->dir, sizeof(t->dir), "/tmp/itest-tls-XXXXXX");
	cr_assert_not_null(mkdtemp(t->dir));
	tls_make_certs(t->dir, &t->f);
	redis_start_tls(&t->r, &t->f, flags);
}

static void tls_case_finish(struct tls_case *t)
{
	char out[256];
	redis_finish(&t->r);
	run(out, sizeof(out), "rm -rf %s", t->dir);
}

/* A config file's redis: block for the TLS server; `more` adds lines. */
static void write_redis_block(const struct tls_case *t, const char *ca,
			      bool client_cert, const char *more, char *out,
			      size_t size)
{
	snprintf(out, size,
		 "redis:\n  address: rediss://127.0.0.1:%d\n"
		 "  connect_timeout_ms: 2000\n  command_timeout_ms: 5000\n"
		 "  tls_ca: %s\n%s%s%s%s%s",
		 t->r.port, ca, client_cert ? "  tls_certificate: " : "",
		 client_cert ? t->f.client_cert : "",
		 client_cert ? "\n  tls_key: " : "",
		 client_cert ? t->f.client_key : "", client_cert ? "\n" : "");
	strncat(out, more ? more : "", size - strlen(out) - 1);
}

/* inspectctl status over a config holding block; its exit status, and
 * what it printed into out. */
static int status_with(const struct tls_case *t, const char *block,
		       char *out, size_t size)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/ctl.yaml", t->dir);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fprintf(f, "%spolicies: %s\n", block, POLICIES_DIR);
	fclose(f);
	return run(out, size, "%s status T1 --config %s 2>&1", INSPECTCTL_PATH,
		   path);
}

Test(tls, a_campaign_is_published_over_tls_with_a_client_certificate,
     .timeout = 120)
{
	struct tls_case t;
	struct daemon_proc d;
	char block[1024], out[4096];
	tls_case_start(&t, 0);
	struct config cfg;
	config_defaults(&cfg);
	struct diag err;
	diag_init(&err);
	char url[64];
	snprintf(url, sizeof(url), "rediss://127.0.0.1:%d", t.r.port);
	cr_assert_eq(config_redis_url(url, &cfg.redis, &err), 0);
	snprintf(cfg.redis.tls_ca, sizeof(cfg.redis.tls_ca), "%s", t.f.ca);
	snprintf(cfg.redis.tls_certificate, sizeof(cfg.redis.tls_certificate),
		 "%s", t.f.client_cert);
	snprintf(cfg.redis.tls_key, sizeof(cfg.redis.tls_key), "%s",
		 t.f.client_key);
	load_population_on(&cfg, 20000, 41, NULL);
	write_redis_block(&t, t.f.ca, true, NULL, block, sizeof(block));
	daemon_start(&d, t.dir, t.r.port, "tls", POLICIES_DIR, block);
	cr_assert_eq(tls_cli(&t.r, &t.f, out, sizeof(out),
			     "XADD '{insp}:intake' '*' type campaign id T1 "
			     "department SAMR-ZZ policy henan-2021 items "
			     "SC-001 date 2026-11-02 entropy 7"), 0, "%s", out);
	bool published = false;
	for (int i = 0; i < 300 && !published; i++) {
		tls_cli(&t.r, &t.f, out, sizeof(out),
			"HGET '{insp}:campaign:T1' status");
		published = strstr(out, "published") != NULL;
		if (!published)
			sleep_ms(100);
	}
	cr_assert(published, "T1: %s; inspectd %s", out, daemon_state(&d));
	tls_cli(&t.r, &t.f, out, sizeof(out),
		"HGET '{insp}:campaign:T1' selected");
	long long selected = atoll(out);
	tls_cli(&t.r, &t.f, out, sizeof(out), "XLEN '{insp}:dept:SAMR-ZZ'");
	cr_assert_gt(selected, 0);
	cr_assert_eq(atoll(out), selected);
	/* inspectctl over the same TLS: the address, CA, certificate and
	 * key from its config. */
	cr_assert_eq(status_with(&t, block, out, sizeof(out)), 0, "%s", out);
	cr_assert(strstr(out, "published"), "%s", out);
	daemon_signal(&d, SIGTERM);
	cr_assert_eq(daemon_wait(&d), 0);
	tls_case_finish(&t);
}

Test(tls, a_wrong_certificate_name_or_missing_client_key_is_refused,
     .timeout = 120)
{
	struct tls_case t;
	char block[1024], out[4096];
	tls_case_start(&t, 0);
	/* Trusting another CA: the chain does not verify. */
	write_redis_block(&t, t.f.rogue_ca, true, NULL, block, sizeof(block));
	cr_assert_eq(status_with(&t, block, out, sizeof(out)), 1, "%s", out);
	cr_assert(strstr(out, "the server's certificate for 127.0.0.1"), "%s",
		  out);
	/* The right CA, but a name the certificate does not carry. */
	write_redis_block(&t, t.f.ca, true,
			  "  tls_server_name: elsewhere.test\n", block,
			  sizeof(block));
	cr_assert_eq(status_with(&t, block, out, sizeof(out)), 1, "%s", out);
	cr_assert(strstr(out, "elsewhere.test"), "%s", out);
	/* The name it does carry: accepted (T1 is unknown: exit 2 or 1 is
	 * not a TLS failure, so check what it said). */
	write_redis_block(&t, t.f.ca, true, "  tls_server_name: redis.test\n",
			  block, sizeof(block));
	status_with(&t, block, out, sizeof(out));
	cr_assert_null(strstr(out, "TLS"), "%s", out);
	/* No client certificate where the server asks for one. */
	write_redis_block(&t, t.f.ca, false, NULL, block, sizeof(block));
	cr_assert_eq(status_with(&t, block, out, sizeof(out)), 1, "%s", out);
	cr_assert(strstr(out, "127.0.0.1"), "the failure names the server: %s",
		  out);
	/* A daemon trusting the wrong CA keeps trying, and says why. */
	struct daemon_proc d;
	write_redis_block(&t, t.f.rogue_ca, true, NULL, block, sizeof(block));
	daemon_start(&d, t.dir, t.r.port, "rogue", POLICIES_DIR, block);
	cr_assert(daemon_await_log(&d, "the server's certificate", 10000));
	sleep_ms(1000);
	cr_assert_str_eq(daemon_state(&d), "running");
	daemon_signal(&d, SIGTERM);
	cr_assert_eq(daemon_wait(&d), 0);
	tls_case_finish(&t);
}
