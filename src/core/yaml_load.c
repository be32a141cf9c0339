#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "inspect/core/number.h"
#include "inspect/core/yaml_doc.h"

/* libcyaml reports a failure as an error line followed by a backtrace of
 * "in mapping field 'x' (line: L, column: C)" lines; keep the first error as
 * the reason and the innermost position. */
struct capture {
	char reason[256];
	unsigned line, col;
};

static void capture_log(cyaml_log_t level, void *ctx, const char *fmt,
			va_list args)
{
	struct capture *c = ctx;
	char msg[256];
	if (level < CYAML_LOG_ERROR)
		return;
	vsnprintf(msg, sizeof(msg), fmt, args);
	msg[strcspn(msg, "\n")] = '\0';
	const char *at = strstr(msg, "(line: ");
	if (at && c->line == 0) {
		/* libyaml's "(line: L, column: C)" */
		const char *col = strstr(at, ", column: ");
		unsigned long long l, k;
		if (col && number_parse(at + 7, strspn(at + 7, "0123456789"),
					UINT_MAX, &l) &&
		    number_parse(col + 10, strspn(col + 10, "0123456789"),
				 UINT_MAX, &k)) {
			c->line = (unsigned)l;
			c->col = (unsigned)k;
		}
		return;
	}
	if (c->reason[0] || at)
		return;
	const char *m = msg;
	if (strncmp(m, "Load: ", 6) == 0)
		m += 6;
	snprintf(c->reason, sizeof(c->reason), "%s", m);
}

int yaml_doc_load(const char *origin, const char *text, size_t len,
		  const cyaml_schema_value_t *schema, void **ret_data,
		  struct diag *err)
{
	struct capture c = {.reason = "", .line = 0};
	const cyaml_config_t config = {
		.log_fn = capture_log,
		.log_ctx = &c,
		.mem_fn = cyaml_mem,
		.log_level = CYAML_LOG_ERROR,
		.flags = CYAML_CFG_NO_ALIAS,
	};
	cyaml_data_t *data = NULL;
	cyaml_err_t e = cyaml_load_data((const uint8_t *)text, len, &config,
					schema, &data, NULL);
	if (e == CYAML_OK && data) {
		*ret_data = data;
		return 0;
	}
	const char *why = c.reason[0] ? c.reason : cyaml_strerror(e);
	if (e == CYAML_OK)
		why = "the document is empty";
	/* libcyaml places an unknown key at the value before it. */
	const char *unknown = "Unexpected key: ";
	if (strncmp(why, unknown, strlen(unknown)) == 0) {
		char path[80];
		snprintf(path, sizeof(path), "**.%s", why + strlen(unknown));
		yaml_doc_where(text, len, path, &c.line, &c.col);
	}
	if (c.line)
		return diag_add(err, "%s:%u:%u: %s", origin, c.line, c.col,
				why);
	return diag_add(err, "%s: %s", origin, why);
}

void yaml_doc_free(const cyaml_schema_value_t *schema, void *data)
{
	const cyaml_config_t config = {.mem_fn = cyaml_mem,
				       .log_level = CYAML_LOG_ERROR};
	if (data)
		cyaml_free(&config, schema, data, 0);
}

int yaml_doc_error(const struct yaml_doc *d, const char *path,
		   const char *fmt, ...)
{
	char why[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	unsigned line, col;
	if (yaml_doc_where(d->text, d->len, path, &line, &col))
		return diag_add(d->err, "%s:%u:%u: %s: %s", d->origin, line,
				col, path, why);
	return diag_add(d->err, "%s: %s: %s", d->origin, path, why);
}
