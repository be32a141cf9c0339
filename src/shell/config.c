#include "inspect/shell/config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "inspect/shell/clock.h"
#include "inspect/shell/file.h"
#include "inspect/core/number.h"
#include "inspect/core/yaml_doc.h"

struct y_redis {
	char *address;
	char **nodes;
	unsigned nodes_count;
	char *user;
	char *password_file;
	char *password_env;
	unsigned connect_timeout_ms;
	unsigned command_timeout_ms;
	char *tls_ca;
	char *tls_certificate;
	char *tls_key;
	char *tls_server_name;
};

struct y_http {
	char *listen;
	char *tls_certificate;
	char *tls_key;
	char *tokens_file;
	bool *open_probes;
	unsigned refresh_seconds;
	unsigned *reread_seconds;
	unsigned stuck_seconds;
	unsigned within_days;
};

struct y_config {
	struct y_redis *redis;
	struct y_http *http;
	char *prefix;
	char *grades_prefix;
	char *policies;
	char *items;
	char *departments;
	char *calendars;
	char *archive;
	unsigned visit_days;
	unsigned *feed_hour;
	unsigned feed_catch_up_days;
	unsigned *max_backdate_days;
	unsigned dead_letters_kept;
	unsigned publication_step_kib;
	unsigned *publication_step_ms;
	unsigned reminder_days;
	char *consumer;
	char *time_zone;
	unsigned claim_idle_ms;
	unsigned block_ms;
	unsigned max_population;
	char *log_level;
};

#define STR(key, st, member, max)                                           \
	CYAML_FIELD_STRING_PTR(key, CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, \
			       st, member, 0, max)

static const cyaml_schema_value_t node_entry = {
	CYAML_VALUE_STRING(CYAML_FLAG_POINTER, char, 1, 300),
};

static const cyaml_schema_field_t redis_fields[] = {
	STR("address", struct y_redis, address, 255),
	CYAML_FIELD_SEQUENCE("nodes", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
			     struct y_redis, nodes, &node_entry, 0,
			     REDIS_MAX_NODES),
	STR("user", struct y_redis, user, 63),
	STR("password_file", struct y_redis, password_file, 511),
	STR("password_env", struct y_redis, password_env, 63),
	CYAML_FIELD_UINT("connect_timeout_ms", CYAML_FLAG_OPTIONAL,
			 struct y_redis, connect_timeout_ms),
	CYAML_FIELD_UINT("command_timeout_ms", CYAML_FLAG_OPTIONAL,
			 struct y_redis, command_timeout_ms),
	STR("tls_ca", struct y_redis, tls_ca, 511),
	STR("tls_certificate", struct y_redis, tls_certificate, 511),
	STR("tls_key", struct y_redis, tls_key, 511),
	STR("tls_server_name", struct y_redis, tls_server_name, 255),
	CYAML_FIELD_END};

static const cyaml_schema_field_t http_fields[] = {
	STR("listen", struct y_http, listen, 300),
	STR("tls_certificate", struct y_http, tls_certificate, 511),
	STR("tls_key", struct y_http, tls_key, 511),
	STR("tokens_file", struct y_http, tokens_file, 511),
	CYAML_FIELD_BOOL_PTR("open_probes", CYAML_FLAG_POINTER |
			     CYAML_FLAG_OPTIONAL, struct y_http, open_probes),
	CYAML_FIELD_UINT("refresh_seconds", CYAML_FLAG_OPTIONAL,
			 struct y_http, refresh_seconds),
	CYAML_FIELD_UINT_PTR("reread_seconds", CYAML_FLAG_POINTER |
			     CYAML_FLAG_OPTIONAL, struct y_http, reread_seconds),
	CYAML_FIELD_UINT("stuck_seconds", CYAML_FLAG_OPTIONAL, struct y_http,
			 stuck_seconds),
	CYAML_FIELD_UINT("within_days", CYAML_FLAG_OPTIONAL, struct y_http,
			 within_days),
	CYAML_FIELD_END};

static const cyaml_schema_field_t config_fields[] = {
	CYAML_FIELD_MAPPING_PTR("redis", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
				struct y_config, redis, redis_fields),
	CYAML_FIELD_MAPPING_PTR("http", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
				struct y_config, http, http_fields),
	STR("prefix", struct y_config, prefix, 31),
	STR("grades_prefix", struct y_config, grades_prefix, 31),
	STR("policies", struct y_config, policies, 511),
	STR("items", struct y_config, items, 511),
	STR("departments", struct y_config, departments, 511),
	STR("calendars", struct y_config, calendars, 511),
	STR("archive", struct y_config, archive, 511),
	CYAML_FIELD_UINT("visit_days", CYAML_FLAG_OPTIONAL, struct y_config,
			 visit_days),
	CYAML_FIELD_UINT_PTR("feed_hour", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
			     struct y_config, feed_hour),
	CYAML_FIELD_UINT("feed_catch_up_days", CYAML_FLAG_OPTIONAL,
			 struct y_config, feed_catch_up_days),
	CYAML_FIELD_UINT("dead_letters_kept", CYAML_FLAG_OPTIONAL,
			 struct y_config, dead_letters_kept),
	CYAML_FIELD_UINT("publication_step_kib", CYAML_FLAG_OPTIONAL,
			 struct y_config, publication_step_kib),
	CYAML_FIELD_UINT_PTR("publication_step_ms",
			     CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
			     struct y_config, publication_step_ms),
	CYAML_FIELD_UINT("reminder_days", CYAML_FLAG_OPTIONAL,
			 struct y_config, reminder_days),
	CYAML_FIELD_UINT_PTR("max_backdate_days",
			     CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
			     struct y_config, max_backdate_days),
	STR("consumer", struct y_config, consumer, 63),
	STR("time_zone", struct y_config, time_zone, 63),
	CYAML_FIELD_UINT("claim_idle_ms", CYAML_FLAG_OPTIONAL, struct y_config,
			 claim_idle_ms),
	CYAML_FIELD_UINT("block_ms", CYAML_FLAG_OPTIONAL, struct y_config,
			 block_ms),
	CYAML_FIELD_UINT("max_population", CYAML_FLAG_OPTIONAL,
			 struct y_config, max_population),
	STR("log_level", struct y_config, log_level, 15),
	CYAML_FIELD_END};

static const cyaml_schema_value_t config_schema = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, struct y_config, config_fields),
};

void config_defaults(struct config *c)
{
	char host[48] = "local";
	memset(c, 0, sizeof(*c));
	snprintf(c->redis.host, sizeof(c->redis.host), "127.0.0.1");
	c->redis.port = 6379;
	c->redis.connect_timeout_ms = 2000;
	c->redis.command_timeout_ms = 30000;
	snprintf(c->prefix, sizeof(c->prefix), "{insp}:");
	snprintf(c->grades_prefix, sizeof(c->grades_prefix), "credit:");
	snprintf(c->policies, sizeof(c->policies), "policies");
	snprintf(c->archive, sizeof(c->archive), "%s", CONFIG_ARCHIVE);
	c->visit_days = 20;
	c->feed_hour = 7;
	c->feed_catch_up_days = 31;
	c->max_backdate_days = 7;
	c->dead_letters_kept = 10000;
	c->publication_step_kib = 512;
	c->publication_step_ms = 30;
	gethostname(host, sizeof(host) - 1);
	snprintf(c->consumer, sizeof(c->consumer), "inspectd-%s", host);
	snprintf(c->time_zone, sizeof(c->time_zone), "%s", CONFIG_TIME_ZONE);
	c->claim_idle_ms = 60000;
	c->block_ms = 1000;
	c->max_population = 200000000;
	c->log_level = LOG_INFO;
	snprintf(c->http.host, sizeof(c->http.host), "127.0.0.1");
	c->http.port = 9464;
	c->http.open_probes = true;
	c->http.refresh_seconds = 10;
	c->http.reread_seconds = 60;
	c->http.stuck_seconds = 900;
	c->http.within_days = 5;
}

/* HOST:PORT, or [IPv6]:PORT; a host is a name or an address, never
 * holding '[', ']', '/', '@' or, outside brackets, ':'. */
static int parse_host_port(const char *s, struct redis_config *r)
{
	const char *host = s, *colon;
	size_t n;
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (!close || close[1] != ':')
			return -1;
		host = s + 1;
		n = (size_t)(close - host);
		colon = close + 1;
	} else {
		colon = strchr(s, ':');
		n = colon ? (size_t)(colon - s) : 0;
	}
	if (!colon || n == 0 || n >= sizeof(r->host) ||
	    strcspn(host, s[0] == '[' ? "[]/@" : "[]/@:") < n)
		return -1;
	const char *digits = colon + 1;
	size_t len = strcspn(digits, "/");
	unsigned long long port;
	if (!number_parse(digits, len, 65535, &port) || port < 1 ||
	    (digits[len] && strcmp(digits + len, "/") != 0))
		return -1;
	memcpy(r->host, host, n);
	r->host[n] = '\0';
	r->port = (int)port;
	r->unix_path[0] = '\0';
	return 0;
}

int config_check(const struct config *c, struct diag *err)
{
	if (!clock_zone_known(c->time_zone))
		return diag_add(err, "time_zone: '%s' is not a zone of the tz "
				"database (such as Asia/Shanghai; Debian's "
				"tzdata has them)", c->time_zone);
	return 0;
}

int config_redis_url(const char *url, struct redis_config *r,
		     struct diag *err)
{
	size_t len = strlen(url);
	if (len > 7 && memcmp(url, "unix://", 7) == 0 &&
	    len - 7 < sizeof(r->unix_path)) {
		snprintf(r->unix_path, sizeof(r->unix_path), "%s", url + 7);
		return 0;
	}
	bool tls = strncmp(url, "rediss://", 9) == 0;
	if (!tls && strncmp(url, "redis://", 8) != 0)
		return diag_add(err, "'%s' is not redis://HOST:PORT, "
				"rediss://HOST:PORT or unix:///PATH", url);
	r->tls = tls;
	const char *hostport = url + 8 + tls, *at = strrchr(hostport, '@');
	if (at) {
		/* user:password@ in a URL is accepted but not advised: it
		 * shows in the process list. */
		const char *colon = memchr(hostport, ':', (size_t)(at - hostport));
		size_t ul = colon ? (size_t)(colon - hostport) : 0;
		size_t pl = colon ? (size_t)(at - colon - 1) : 0;
		if (!colon || ul >= sizeof(r->user) || pl >= sizeof(r->password))
			return diag_add(err, "'%s': give user:password@", url);
		snprintf(r->user, sizeof(r->user), "%.*s", (int)ul, hostport);
		snprintf(r->password, sizeof(r->password), "%.*s", (int)pl,
			 colon + 1);
		hostport = at + 1;
	}
	if (parse_host_port(hostport, r) < 0)
		return diag_add(err, "'%s' is not redis://HOST:PORT", url);
	return 0;
}

static int read_password(const char *origin, const struct y_redis *y,
			 struct redis_config *r, struct diag *err)
{
	if (y->password_file && y->password_file[0]) {
		char *text;
		size_t len;
		struct stat st;
		/* A secret anyone can read is no secret: refused, as ssh
		 * refuses such a key (the service's group may read it). */
		if (stat(y->password_file, &st) == 0 && (st.st_mode & 007))
			return diag_add(err, "%s: redis.password_file %s is "
					"readable by others (mode %04o): chmod "
					"600 it", origin, y->password_file,
					(unsigned)(st.st_mode & 07777));
		int e = file_read(y->password_file, sizeof(r->password) - 1,
				  &text, &len);
		if (e < 0)
			return diag_add(err, "%s: redis.password_file %s: %s",
					origin, y->password_file, strerror(-e));
		while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
			text[--len] = '\0';
		snprintf(r->password, sizeof(r->password), "%s", text);
		free(text);
	} else if (y->password_env && y->password_env[0]) {
		const char *v = getenv(y->password_env);
		if (!v)
			return diag_add(err, "%s: redis.password_env: %s is "
					"not set", origin, y->password_env);
		if (strlen(v) >= sizeof(r->password))
			return diag_add(err, "%s: redis.password_env: too long",
					origin);
		snprintf(r->password, sizeof(r->password), "%s", v);
	}
	return 0;
}

static int apply_redis(const struct yaml_doc *doc, const struct y_redis *y,
		       struct redis_config *r)
{
	struct diag *err = doc->err;
	if (y->address && config_redis_url(y->address, r, err) < 0)
		return yaml_doc_error(doc, "redis.address",
				      "use redis://HOST:PORT, rediss://HOST:PORT "
				      "(TLS) or unix:///PATH");
	const struct {
		const char *name, *value;
		char *into;
		size_t size;
	} tls[] = {
		{"redis.tls_ca", y->tls_ca, r->tls_ca, sizeof(r->tls_ca)},
		{"redis.tls_certificate", y->tls_certificate,
		 r->tls_certificate, sizeof(r->tls_certificate)},
		{"redis.tls_key", y->tls_key, r->tls_key, sizeof(r->tls_key)},
		{"redis.tls_server_name", y->tls_server_name,
		 r->tls_server_name, sizeof(r->tls_server_name)},
	};
	for (size_t i = 0; i < sizeof(tls) / sizeof(*tls); i++) {
		if (!tls[i].value)
			continue;
		if (!r->tls)
			return yaml_doc_error(doc, tls[i].name,
					      "is for TLS: give the address "
					      "as rediss://HOST:PORT");
		snprintf(tls[i].into, tls[i].size, "%s", tls[i].value);
	}
	if (!r->tls_certificate[0] != !r->tls_key[0])
		return yaml_doc_error(doc, r->tls_key[0] ? "redis.tls_key"
							 : "redis.tls_certificate",
				      "give both redis.tls_certificate and "
				      "redis.tls_key, or neither");
	r->n_nodes = 0;
	for (unsigned i = 0; i < y->nodes_count; i++) {
		char at[32];
		snprintf(at, sizeof(at), "redis.nodes.%u", i);
		if (r->unix_path[0])
			return yaml_doc_error(doc, at, "is for a cluster: give "
					      "redis.address as "
					      "redis://HOST:PORT");
		struct redis_config node;
		if (parse_host_port(y->nodes[i], &node) < 0)
			return yaml_doc_error(doc, at, "use HOST:PORT (the "
					      "address's scheme, TLS and user "
					      "are the nodes' too)");
		memcpy(r->nodes[r->n_nodes].host, node.host, sizeof(node.host));
		r->nodes[r->n_nodes++].port = node.port;
	}
	if (y->user)
		snprintf(r->user, sizeof(r->user), "%s", y->user);
	if (y->connect_timeout_ms)
		r->connect_timeout_ms = (int)y->connect_timeout_ms;
	if (y->command_timeout_ms)
		r->command_timeout_ms = (int)y->command_timeout_ms;
	return read_password(doc->origin, y, r, err);
}

static int apply_http(const struct yaml_doc *doc, const struct y_http *y,
		      struct http_config *h)
{
	h->on = true;
	if (y->listen) {
		struct redis_config at;
		if (parse_host_port(y->listen, &at) < 0)
			return yaml_doc_error(doc, "http.listen",
					      "'%s' is not HOST:PORT",
					      y->listen);
		snprintf(h->host, sizeof(h->host), "%s", at.host);
		h->port = at.port;
	}
	if (!y->tls_certificate != !y->tls_key)
		return yaml_doc_error(doc, y->tls_key ? "http.tls_key"
						      : "http.tls_certificate",
				      "TLS needs both tls_certificate and "
				      "tls_key");
#define COPY(f)                                                  \
	if (y->f)                                                \
		snprintf(h->f, sizeof(h->f), "%s", y->f);
	COPY(tls_certificate) COPY(tls_key) COPY(tokens_file)
#undef COPY
	if (y->open_probes)
		h->open_probes = *y->open_probes;
	if (y->refresh_seconds)
		h->refresh_seconds = y->refresh_seconds > 3600
					     ? 3600 : y->refresh_seconds;
	if (y->reread_seconds)
		h->reread_seconds = *y->reread_seconds > 86400
					    ? 86400 : *y->reread_seconds;
	if (y->stuck_seconds)
		h->stuck_seconds = y->stuck_seconds;
	if (y->within_days)
		h->within_days = y->within_days > 60 ? 60 : y->within_days;
	return 0;
}

static int apply(const struct yaml_doc *doc, const struct y_config *y,
		 struct config *c)
{
	static const char *levels[] = {"debug", "info", "warn", "error"};
	if (y->redis && apply_redis(doc, y->redis, &c->redis) < 0)
		return -1;
	if (y->http && apply_http(doc, y->http, &c->http) < 0)
		return -1;
#define COPY(f)                                                  \
	if (y->f)                                                \
		snprintf(c->f, sizeof(c->f), "%s", y->f);
	COPY(prefix) COPY(grades_prefix) COPY(policies) COPY(consumer)
	COPY(time_zone) COPY(items) COPY(departments) COPY(calendars)
	COPY(archive)
#undef COPY
	if (!c->archive[0])
		return yaml_doc_error(doc, "archive",
				      "is empty: give the directory of the "
				      "archive of audit copies (default %s)",
				      CONFIG_ARCHIVE);
	if (!config_has_hash_tag(c->prefix))
		return yaml_doc_error(doc, "prefix",
				      "'%s' has no hash tag: inspectd's keys "
				      "share one, so that each transaction "
				      "touches one Redis Cluster slot, e.g. "
				      "'{insp}:' (docs/REDIS.md; keys of an "
				      "older layout move with inspectctl "
				      "migrate --from '%s')", c->prefix,
				      c->prefix);
	if (y->visit_days)
		c->visit_days = y->visit_days > 366 ? 366 : y->visit_days;
	if (y->feed_hour && *y->feed_hour > 23)
		return yaml_doc_error(doc, "feed_hour",
				      "%u is not an hour from 0 to 23",
				      *y->feed_hour);
	if (y->feed_hour)
		c->feed_hour = *y->feed_hour;
	if (y->feed_catch_up_days)
		c->feed_catch_up_days = y->feed_catch_up_days > 3660
						? 3660 : y->feed_catch_up_days;
	if (y->dead_letters_kept)
		c->dead_letters_kept = y->dead_letters_kept;
	if (y->publication_step_kib) /* at most 1 GiB a transaction */
		c->publication_step_kib = y->publication_step_kib > 1048576
						  ? 1048576
						  : y->publication_step_kib;
	if (y->publication_step_ms) /* 0: steps of publication_step_kib */
		c->publication_step_ms = *y->publication_step_ms > 10000
						 ? 10000
						 : *y->publication_step_ms;
	if (y->reminder_days)
		c->reminder_days = y->reminder_days > 60 ? 60 : y->reminder_days;
	if (y->max_backdate_days)
		c->max_backdate_days = *y->max_backdate_days > 3660
					       ? 3660 : *y->max_backdate_days;
	if (y->claim_idle_ms)
		c->claim_idle_ms = (int)y->claim_idle_ms;
	if (y->block_ms)
		c->block_ms = (int)y->block_ms;
	if (y->max_population)
		c->max_population = y->max_population;
	if (y->log_level) {
		int l = -1;
		for (int i = 0; i < 4; i++)
			if (strcmp(y->log_level, levels[i]) == 0)
				l = i;
		if (l < 0)
			return yaml_doc_error(doc, "log_level", "'%s' is not debug, info, "
					      "warn or error", y->log_level);
		c->log_level = (enum log_level)l;
	}
	return 0;
}

bool config_has_hash_tag(const char *prefix)
{
	const char *open = strchr(prefix, '{');
	const char *close = open ? strchr(open + 1, '}') : NULL;
	return close && close > open + 1;
}

/* The item list and calendars live under the policies unless the
 * configuration puts them elsewhere. */
void config_finish_paths(struct config *c)
{
	if (!c->items[0])
		snprintf(c->items, sizeof(c->items), "%.490s/items/items.yaml",
			 c->policies);
	if (!c->departments[0])
		snprintf(c->departments, sizeof(c->departments),
			 "%.480s/items/departments.yaml", c->policies);
	if (!c->calendars[0])
		snprintf(c->calendars, sizeof(c->calendars), "%.490s/calendars",
			 c->policies);
}

int config_load(const char *path, struct config *c, struct diag *err)
{
	char *text;
	size_t len;
	struct y_config *y = NULL;
	int e = file_read(path, 1 << 16, &text, &len);
	if (e < 0)
		return diag_add(err, "%s: %s", path, strerror(-e));
	int r = yaml_doc_load(path, text, len, &config_schema, (void **)&y,
			      err);
	if (r == 0) {
		r = apply(&(struct yaml_doc){path, text, len, err}, y, c);
		yaml_doc_free(&config_schema, y);
	}
	free(text);
	return r;
}
