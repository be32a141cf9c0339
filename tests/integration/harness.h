/* The integration tests' harness: real redis-server and inspectd processes
 * on free loopback ports, in a temporary directory each. Children die with
 * the test process (PR_SET_PDEATHSIG), so a failed test leaves nothing. */
#ifndef TESTS_HARNESS_H
#define TESTS_HARNESS_H

#include <hiredis/hiredis.h>
#include <stdbool.h>
#include <sys/types.h>

#include "inspect/core/population.h"

struct redis_proc {
	pid_t pid;
	int port;
	char dir[64];
	pid_t monitor; /* redis-cli MONITOR, for slots_check */
	int spawns;
};

struct daemon_proc {
	pid_t pid;
	char config[128];
	char log[128];
};

/* A free loopback TCP port (bound, read, closed). */
int free_port(void);
/* fork + exec with the child bound to our life (PR_SET_PDEATHSIG); its
 * output appended to log (or /dev/null). */
pid_t spawn(char *const argv[], const char *log);

/* Starts redis-server with AOF (appendfsync always) on a free port. */
void redis_start(struct redis_proc *r);
/* Reserves a directory and a free port without starting anything. */
void redis_reserve(struct redis_proc *r);
/* Starts it again on the same port and directory (after a kill). */
void redis_restart(struct redis_proc *r);
void redis_kill(struct redis_proc *r, int sig);
/* Kills it and removes its directory (and the daemons' files there),
 * after slots_check: the test fails if a transaction mixed slots. */
void redis_finish(struct redis_proc *r);
/* Every transaction (WATCH ... MULTI ... EXEC) any client sent the server
 * while it ran, as redis-cli MONITOR logged it: the hash slots of its keys
 * (Redis Cluster's CRC16, slot.h). Returns "" if each touched one slot,
 * else the first few transactions that did not, with their keys. */
const char *slots_check(const struct redis_proc *r);
/* A fresh client connection; fails the test if none. */
redisContext *redis_client(int port);
/* Runs a command (printf-style, hiredis format); fails on no reply. */
redisReply *cmd(redisContext *c, const char *fmt, ...);
long long cmd_int(redisContext *c, const char *fmt, ...);

/* The default roster of the tests, as <p>roster. */
void store_roster(redisContext *c);
/* A population of n synthetic entities (seed s), written to the grade
 * index with details, and also to csv_path if not NULL. */
void load_population(int port, size_t n, unsigned seed, const char *csv_path);
/* The same through a connection configured as given (TLS, a user). */
struct config;
void load_population_on(const struct config *cfg, size_t n, unsigned seed,
			const char *csv_path);

/* Writes a config for port into dir and starts inspectd on it. extra is
 * appended to the YAML (e.g. "claim_idle_ms: 500\n"). */
void daemon_start(struct daemon_proc *d, const char *dir, int port,
		  const char *consumer, const char *policies,
		  const char *extra);
void daemon_signal(struct daemon_proc *d, int sig);
/* "running", or how it ended (without reaping it). */
const char *daemon_state(const struct daemon_proc *d);
/* Waits for exit; returns the exit status, or 128 + signal. */
int daemon_wait(struct daemon_proc *d);
/* true if the daemon's log holds text. */
bool daemon_logged(const struct daemon_proc *d, const char *text);
/* Polls the log for text for up to timeout_ms. */
bool daemon_await_log(const struct daemon_proc *d, const char *text,
		      int timeout_ms);

/* XADD to {insp}:intake; fields as "name", "value", ..., NULL. */
void submit(redisContext *c, ...) __attribute__((sentinel));
/* Polls the campaign's status until it is `status` or timeout_ms pass. */
bool wait_status(redisContext *c, const char *id, const char *status,
		 int timeout_ms);
/* Waits up to 30 s for campaign id to be published; fails the test with
 * the campaign's error if it is not. */
void assert_published(redisContext *c, const char *id);
/* Polls until XPENDING of the intake group is 0 and the stream has been
 * read up to its end, or timeout. */
bool wait_drained(redisContext *c, int timeout_ms);
/* Waits until the stream key holds n entries (the relay of the outbox to
 * the credit platform's events runs after the result's transaction). */
bool wait_xlen(redisContext *c, const char *key, long long n,
	       int timeout_ms);
/* Field value of a stream's entries: every value of `field` in order. */
size_t stream_values(redisContext *c, const char *stream, const char *field,
		     char (*out)[64], size_t max);
void sleep_ms(int ms);
/* Runs a shell command (printf-style); its stdout and stderr into out.
 * Returns its exit status (128 if it did not exit). */
int run(char *out, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A whole file, NUL-terminated (malloc'd); fails the test if unreadable. */
char *slurp(const char *path);

#endif
