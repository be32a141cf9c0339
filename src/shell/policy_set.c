#include "inspect/shell/policy_set.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/shell/file.h"

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct policy_entry *)a)->policy.name,
		      ((const struct policy_entry *)b)->policy.name);
}

static bool is_yaml(const char *name)
{
	size_t n = strlen(name);
	return n > 5 && strcmp(name + n - 5, ".yaml") == 0;
}

int policy_set_load(const char *dir, struct policy_set *ret,
		    struct diag *err)
{
	struct policy_set s = {calloc(POLICY_SET_MAX, sizeof(*s.v)), 0};
	DIR *d = opendir(dir);
	unsigned errors = err->count;
	if (!d || !s.v) {
		free(s.v);
		if (d)
			closedir(d);
		return diag_add(err, "%s: cannot read the policy directory",
				dir);
	}
	for (struct dirent *de; (de = readdir(d));) {
		char path[1024];
		if (!is_yaml(de->d_name))
			continue;
		if (s.n == POLICY_SET_MAX) {
			diag_add(err, "%s: more than %d policies", dir,
				 POLICY_SET_MAX);
			break;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		struct policy_entry *e = &s.v[s.n];
		if (file_read(path, 1 << 20, &e->text, &e->len) < 0) {
			diag_add(err, "%s: cannot read", path);
			continue;
		}
		if (policy_parse(path, e->text, e->len, &e->policy, err) < 0) {
			free(e->text);
			continue;
		}
		s.n++;
	}
	closedir(d);
	qsort(s.v, s.n, sizeof(*s.v), by_name);
	for (size_t i = 1; i < s.n; i++)
		if (strcmp(s.v[i].policy.name, s.v[i - 1].policy.name) == 0)
			diag_add(err, "%s: two policies are named %s", dir,
				 s.v[i].policy.name);
	if (err->count != errors) {
		policy_set_finish(&s);
		return -1;
	}
	*ret = s;
	return 0;
}

void policy_set_finish(struct policy_set *s)
{
	for (size_t i = 0; s->v && i < s->n; i++)
		free(s->v[i].text);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

const struct policy_entry *policy_set_find(const struct policy_set *s,
					   const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].policy.name, name) == 0)
			return &s->v[i];
	return NULL;
}
