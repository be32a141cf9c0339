/* Structured log lines on stderr for the daemon:
 *   2026-11-24T10:00:00Z level=info msg="campaign published" id=HN-1 ... */
#ifndef INSPECT_LOG_H
#define INSPECT_LOG_H

#include "inspect/shell/config.h"

void log_set_level(enum log_level level);
/* fmt gives the message's key=value pairs after msg; values with spaces
 * must be quoted by the caller (%s of log_quote()). */
void log_emit(enum log_level level, const char *msg, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A double-quoted copy of s, with " and \ and control characters escaped,
 * in one of a few rotating buffers (valid for the next few calls). */
const char *log_quote(const char *s);

#define log_debug(msg, ...) log_emit(LOG_DEBUG, msg, __VA_ARGS__)
#define log_info(msg, ...) log_emit(LOG_INFO, msg, __VA_ARGS__)
#define log_warn(msg, ...) log_emit(LOG_WARN, msg, __VA_ARGS__)
#define log_error(msg, ...) log_emit(LOG_ERROR, msg, __VA_ARGS__)

#endif
