/* Who may read the dashboard and its API (docs/HTTP.md, "Access"): the
 * tokens file, one token a line with the departments it may see. */
#ifndef INSPECT_ACCESS_H
#define INSPECT_ACCESS_H

#include <stdbool.h>
#include <stddef.h>

#include "inspect/core/campaign.h"
#include "inspect/core/diag.h"

#define ACCESS_TOKEN_MIN 16
#define ACCESS_TOKEN_MAX 128
#define ACCESS_MAX_DEPARTMENTS 16

struct access_entry {
	char token[ACCESS_TOKEN_MAX + 1];
	bool all; /* "*": every department, and the operations section */
	char department[ACCESS_MAX_DEPARTMENTS][CAMPAIGN_MAX_NAME + 1];
	const char *departments[ACCESS_MAX_DEPARTMENTS]; /* -> department */
	size_t n_departments;
};

struct access_list {
	struct access_entry *v;
	size_t n;
};

/* Reads "TOKEN DEPARTMENT[,DEPARTMENT...]" or "TOKEN *" lines (blank
 * lines and '#' comments aside). A token is 16 to 128 characters of
 * A-Z a-z 0-9 - _ . ~ + / =; each token once. Returns 0, or -1 with
 * "origin:line: reason" in err. */
int access_parse(const char *text, size_t len, const char *origin,
		 struct access_list *out, struct diag *err);
void access_free(struct access_list *l);

/* The value of field token in a form body (application/x-www-form-
 * urlencoded: fields separated by '&', '+' a space, %XX a byte), into
 * out[size]. Returns its length, or -1 if absent, malformed or too long. */
long access_form_token(const char *body, size_t len, char *out, size_t size);

/* The entry whose token is the len bytes at token, or NULL; every entry
 * is compared in full, in time independent of where they differ. */
const struct access_entry *access_find(const struct access_list *l,
				       const char *token, size_t len);

#endif
