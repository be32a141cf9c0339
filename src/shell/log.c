#include "inspect/shell/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

static enum log_level threshold = LOG_INFO;

void log_set_level(enum log_level level)
{
	threshold = level;
}

const char *log_quote(const char *s)
{
	static _Thread_local char bufs[4][512];
	static _Thread_local unsigned next;
	char *out = bufs[next++ % 4], *o = out, *end = out + 510;
	*o++ = '"';
	for (; *s && o < end - 4; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			*o++ = '\\', *o++ = (char)c;
		else if (c < 0x20)
			o += snprintf(o, 5, "\\x%02x", c);
		else
			*o++ = (char)c;
	}
	*o++ = '"';
	*o = '\0';
	return out;
}

void log_emit(enum log_level level, const char *msg, const char *fmt, ...)
{
	static const char *names[] = {"debug", "info", "warn", "error"};
	if (level < threshold)
		return;
	char line[2048], ts[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	int n = snprintf(line, sizeof(line), "%s level=%s msg=%s", ts,
			 names[level], log_quote(msg));
	if (fmt && fmt[0] && n > 0 && (size_t)n < sizeof(line) - 2) {
		va_list ap;
		va_start(ap, fmt);
		line[n++] = ' ';
		vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
		va_end(ap);
	}
	fprintf(stderr, "%s\n", line);
}
