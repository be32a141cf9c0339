/* The configuration file inspectd and inspectctl share (YAML). */
#ifndef INSPECT_CONFIG_H
#define INSPECT_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "inspect/core/diag.h"

/* The time zone every program takes "today" in unless configured. */
#define CONFIG_TIME_ZONE "Asia/Shanghai"
/* Where the archive of audit copies is unless configured: the state
 * directory of deploy/inspectd.service. */
#define CONFIG_ARCHIVE "/var/lib/inspectd/archive"

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

#define REDIS_MAX_NODES 8

struct redis_config {
	char host[256];
	int port;
	/* Other nodes of the same cluster, tried in turn when host:port
	 * does not answer at connection (redis.nodes). */
	struct {
		char host[256];
		int port;
	} nodes[REDIS_MAX_NODES];
	int n_nodes;
	char unix_path[256];   /* used instead of host:port when set */
	char user[64];         /* ACL user, "" for the default user */
	char password[256];    /* from password_file or password_env */
	int connect_timeout_ms;
	int command_timeout_ms;
	/* TLS (a rediss:// address): the CA that signs the servers'
	 * certificates (else the system's), this client's certificate and
	 * key when the servers ask for one, and the name the servers'
	 * certificates must carry (else the address's host). */
	bool tls;
	char tls_ca[512];
	char tls_certificate[512], tls_key[512];
	char tls_server_name[256];
};

/* inspectd's HTTP endpoint (docs/HTTP.md): off unless `http:` is given. */
struct http_config {
	bool on;
	char host[256];         /* listen address, 127.0.0.1 unless given */
	int port;
	char tls_certificate[512], tls_key[512]; /* both, or neither */
	char tokens_file[512];  /* bearer tokens and their departments */
	bool open_probes;       /* /healthz, /readyz, /metrics without token
				 * (only while listening on loopback) */
	unsigned refresh_seconds; /* how often the dashboard reads Redis */
	unsigned reread_seconds;  /* a campaign's visits read again at most
				   * this often while results come in */
	unsigned stuck_seconds;   /* a job running longer is not ready */
	unsigned within_days;     /* "at risk": working days to a deadline */
};

struct config {
	struct redis_config redis;
	struct http_config http;
	char prefix[32];        /* inspectd's keys, "{insp}:": a hash tag */
	char grades_prefix[32]; /* the credit platform's keys, "credit:" */
	char policies[512];     /* directory of *.yaml policies */
	char items[512];        /* the item list, <policies>/items/items.yaml */
	/* The agencies' names, <policies>/items/departments.yaml (optional:
	 * without it the public record names departments by code). */
	char departments[512];
	char calendars[512];    /* cn-YYYY.yaml, <policies>/calendars */
	/* The archive of audit copies (archive.h): populations, rosters,
	 * item lists and calendars the plans read, by their digests; one
	 * directory for every instance (a shared mount for several hosts). */
	char archive[512];
	unsigned visit_days;    /* a window's length when none is given */
	unsigned feed_hour;     /* local hour a day's feeds go out, 0-23 */
	unsigned feed_catch_up_days; /* how far back a late start delivers */
	/* A campaign's date may lie this many days before today; further
	 * back it must say backdated=yes (a record of an earlier draw). */
	unsigned max_backdate_days;
	/* About how many refused entries each dead-letter stream keeps. */
	unsigned dead_letters_kept;
	/* A publication's step: at most this many KiB of commands in one
	 * transaction (docs/REDIS.md, "Publication in steps"). */
	unsigned publication_step_kib;
	/* ... and about this many milliseconds: a step that took longer
	 * makes the next smaller (journal_step_size); 0, none. */
	unsigned publication_step_ms;
	/* Reminders of results due within so many working days, and of
	 * those overdue, sent to <p>reminders once a day (0: none). */
	unsigned reminder_days;
	char consumer[64];      /* this instance's name in the intake group */
	char time_zone[64];     /* e.g. Asia/Shanghai */
	int claim_idle_ms;      /* take over another's entry after this */
	int block_ms;           /* how long one intake read waits */
	uint32_t max_population;
	enum log_level log_level;
};

/* Defaults: 127.0.0.1:6379, prefixes "{insp}:" and "credit:", policies in
 * ./policies, the archive in CONFIG_ARCHIVE, consumer
 * "inspectd-<hostname>", Asia/Shanghai. */
/* Whether prefix holds a Redis Cluster hash tag: a '{', then a '}' with
 * something between (what the cluster hashes instead of the whole key). */
bool config_has_hash_tag(const char *prefix);
void config_defaults(struct config *c);
/* Reads the YAML file over the defaults; the password comes from the
 * file named by redis.password_file or the variable named by
 * redis.password_env. Returns 0 or -1 with "file:line:col: reason". */
int config_load(const char *path, struct config *c, struct diag *err);
/* Derives the paths not given (items, calendars) from the policies'. */
void config_finish_paths(struct config *c);
/* What the file alone cannot tell: the time zone is one the tz database
 * knows (else "today" would silently be UTC's). Returns 0 or -1. */
int config_check(const struct config *c, struct diag *err);
/* Applies "redis://[user:password@]host:port[/]" or "unix:///path".
 * Returns 0 or -1 with the reason. */
int config_redis_url(const char *url, struct redis_config *r,
		     struct diag *err);

#endif
