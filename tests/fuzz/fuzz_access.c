/* The tokens file (docs/HTTP.md, "Access"), and a presented token looked
 * up in it: every token read is found again as itself, and nothing else
 * of the input is. */
#include "fuzz.h"
#include "inspect/core/access.h"

/* A sign-in form's body: its token, if any, decoded within bounds. */
static void form(const uint8_t *data, size_t size)
{
	char out[ACCESS_TOKEN_MAX + 2];
	long n = access_form_token((const char *)data, size, out, sizeof(out));
	if (n >= (long)sizeof(out) || (n >= 0 && out[n] != '\0'))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 0 && data[0] == 'F') {
		form(data + 1, size - 1);
		return 0;
	}
	struct access_list l;
	struct diag err;
	diag_init(&err);
	if (access_parse((const char *)data, size, "tokens", &l, &err) < 0)
		return 0;
	for (size_t i = 0; i < l.n; i++) {
		const struct access_entry *e = &l.v[i];
		size_t n = strlen(e->token);
		if (access_find(&l, e->token, n) != e)
			abort();
		if (n > 1 && access_find(&l, e->token, n - 1) == e)
			abort(); /* a prefix is not the token */
		if (!e->all && e->n_departments == 0)
			abort();
	}
	access_free(&l);
	return 0;
}
