/* The key schema (src/store/keys.c) against what it describes: the key
 * tables of docs/REDIS.md, row for row, and the source, file for file (a
 * file that names a kind is one the table says writes or reads it). */
#include <criterion/criterion.h>
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "inspect/store/keys.h"
#include "inspect/store/slot.h"

/* "`a`, `b`" of a list "a, b"; "—" for none. */
static void cell_of(const char *list, char *out, size_t size)
{
	char copy[512];
	size_t n = 0;
	snprintf(copy, sizeof(copy), "%s", list);
	out[0] = '\0';
	for (char *save, *f = strtok_r(copy, ", ", &save); f;
	     f = strtok_r(NULL, ", ", &save))
		n += (size_t)snprintf(out + n, size - n, "%s`%s`",
				      n ? ", " : "", f);
	if (!n)
		snprintf(out, size, "—");
}

Test(keys, every_key_is_documented_as_the_schema_says)
{
	size_t len;
	char *doc = read_source_file("docs/REDIS.md", &len);
	for (int k = 0; k < KEY_KINDS; k++) {
		const struct key_spec *s = &key_specs[k];
		char head[128], tail[1200], w[512], r[512];
		snprintf(head, sizeof(head), "\n| `%s` | %s", s->doc, s->type);
		const char *row = strstr(doc, head);
		cr_assert_not_null(row, "docs/REDIS.md has no row %s", head + 1);
		const char *end = strchr(row + 1, '\n');
		cell_of(s->writers, w, sizeof(w));
		cell_of(s->readers, r, sizeof(r));
		snprintf(tail, sizeof(tail), " | %s | %s |", w, r);
		size_t tl = strlen(tail);
		cr_assert((size_t)(end - row) > tl &&
				  !strncmp(end - tl, tail, tl),
			  "%s: docs/REDIS.md's row does not end\n%s", s->name,
			  tail);
	}
	/* ...and every row of a key table is a key of the schema. */
	for (const char *at = strstr(doc, "\n| `<"); at;
	     at = strstr(at + 1, "\n| `<")) {
		const char *tick = strchr(at + 4, '`');
		int k = 0;
		while (k < KEY_KINDS &&
		       (strlen(key_specs[k].doc) != (size_t)(tick - at - 4) ||
			strncmp(key_specs[k].doc, at + 4, (size_t)(tick - at - 4))))
			k++;
		cr_assert_lt(k, KEY_KINDS, "docs/REDIS.md: %.*s is not in "
			     "src/store/keys.c", (int)(tick - at - 4), at + 4);
	}
	free(doc);
}

/* Whether list ("a, b") names file. */
static bool listed(const char *list, const char *file)
{
	size_t n = strlen(file);
	for (const char *at = strstr(list, file); at; at = strstr(at + 1, file))
		if ((at == list || at[-1] == ' ') && (!at[n] || at[n] == ','))
			return true;
	return false;
}

/* Whether text names word as a whole identifier. */
static bool names(const char *text, const char *word)
{
	size_t n = strlen(word);
	for (const char *at = strstr(text, word); at; at = strstr(at + 1, word))
		if ((at == text || !(isalnum((unsigned char)at[-1]) ||
				     at[-1] == '_')) &&
		    !(isalnum((unsigned char)at[n]) || at[n] == '_'))
			return true;
	return false;
}

Test(keys, the_files_that_name_a_key_are_those_the_schema_lists)
{
	static const char *const floors[] = {"cli", "daemon", "shell", "store",
					     "core"};
	for (size_t f = 0; f < sizeof(floors) / sizeof(*floors); f++) {
		char dir[512];
		snprintf(dir, sizeof(dir), "%s/src/%s", SOURCE_ROOT, floors[f]);
		DIR *d = opendir(dir);
		cr_assert_not_null(d, "%s", dir);
		for (struct dirent *e; (e = readdir(d));) {
			size_t n = strlen(e->d_name);
			if (n < 3 || strcmp(e->d_name + n - 2, ".c") ||
			    !strcmp(e->d_name, "keys.c"))
				continue;
			char rel[300], path[600];
			snprintf(rel, sizeof(rel), "%s/%s", floors[f], e->d_name);
			snprintf(path, sizeof(path), "src/%s", rel);
			size_t len;
			char *text = read_source_file(path, &len);
			for (int k = 0; k < KEY_KINDS; k++) {
				const struct key_spec *s = &key_specs[k];
				bool uses = names(text, s->name) ||
					    (k == KEY_GRADES_IDX &&
					     names(text, "idx_key"));
				bool says = listed(s->writers, rel) ||
					    listed(s->readers, rel);
				cr_assert_eq(uses, says, "%s %s %s, the schema "
					     "says it %s", rel,
					     uses ? "names" : "does not name",
					     s->name, says ? "does" : "does not");
			}
			free(text);
		}
		closedir(d);
	}
}

Test(keys, names_are_the_prefix_and_the_pattern)
{
	struct config cfg;
	char out[64];
	config_defaults(&cfg);
	cr_assert_eq(key_name(out, sizeof(out), &cfg, KEY_CAMPAIGN, "C-1",
			      NULL), 19);
	cr_assert_str_eq(out, "{insp}:campaign:C-1");
	key_name(out, sizeof(out), &cfg, KEY_PUBLIC, NULL, NULL);
	cr_assert_str_eq(out, "{insp}:public");
	key_name(out, sizeof(out), &cfg, KEY_GRADES_IDX, "12", "7");
	cr_assert_str_eq(out, "credit:idx:12:7");
	key_name_u(out, sizeof(out), &cfg, KEY_LASTTEAM, 1023);
	cr_assert_str_eq(out, "{insp/1023}:lastteam");
	key_name_u(out, sizeof(out), &cfg, KEY_HISTORY, 17);
	cr_assert_str_eq(out, "{insp/17}:history");
	snprintf(cfg.prefix, sizeof(cfg.prefix), "city:{insp}:");
	key_name_u(out, sizeof(out), &cfg, KEY_INSPECTED, 5);
	cr_assert_str_eq(out, "city:{insp/5}:inspected");
	config_defaults(&cfg);
	idx_key(out, sizeof(out), &cfg, 12, 7);
	cr_assert_str_eq(out, "credit:idx:12:7");
	key_name(out, sizeof(out), &cfg, KEY_GRADES_EVENTS, NULL, NULL);
	cr_assert_str_eq(out, "credit:events");
	/* Too long: nothing, not a cut key. */
	cr_assert_eq(key_name(out, 12, &cfg, KEY_CAMPAIGN, "C-1", NULL), 0);
	cr_assert_str_eq(out, "");
	for (int k = 0; k < KEY_KINDS; k++) {
		const char *p = key_specs[k].pattern;
		unsigned n = 0;
		for (const char *at = strchr(p, '%'); at; at = strchr(at + 1, '%'))
			n += at[1] == 's';
		/* "<p/k>": the bucket is in the hash tag, not the pattern. */
		n += !strncmp(key_specs[k].doc, "<p/k>", 5);
		cr_assert_eq(n, key_specs[k].args, "%s", key_specs[k].name);
		cr_assert_eq(strchr(p, '%') && !strstr(p, "%s"), 0);
	}
}

/* The cluster specification's vectors: CRC16 of "123456789" is 0x31C3;
 * hash tags as its examples read them. */
Test(keys, slots_as_the_cluster_specification_computes_them)
{
	cr_assert_eq(crc16_xmodem("123456789", 9), 0x31C3);
	cr_assert_eq(key_slot("123456789", 9), 0x31C3 & 16383);
#define SLOT(s) key_slot(s, strlen(s))
	cr_assert_eq(SLOT("{user1000}.following"), SLOT("{user1000}.followers"));
	cr_assert_eq(SLOT("{user1000}.following"), SLOT("user1000"));
	cr_assert_eq(SLOT("foo{}{bar}"), crc16_xmodem("foo{}{bar}", 10) & 16383);
	cr_assert_eq(SLOT("foo{{bar}}zap"), SLOT("{bar"));
	cr_assert_eq(SLOT("foo{bar}{zap}"), SLOT("bar"));
	/* Known slots (as redis-cli --cluster and CLUSTER KEYSLOT give). */
	cr_assert_eq(SLOT("foo"), 12182);
	cr_assert_eq(SLOT("bar"), 5061);
	cr_assert_eq(SLOT("hello"), 866);
	/* inspectd's keys share the slot of their tag; the grade index's
	 * buckets do not. */
	struct config cfg;
	char a[64], b[64];
	config_defaults(&cfg);
	key_name(a, sizeof(a), &cfg, KEY_CAMPAIGN, "C-1", NULL);
	key_name(b, sizeof(b), &cfg, KEY_PUBLIC, NULL, NULL);
	cr_assert_eq(SLOT(a), SLOT(b), "%s %s", a, b);
	idx_key(a, sizeof(a), &cfg, 1, 0);
	idx_key(b, sizeof(b), &cfg, 1, 1);
	cr_assert_neq(SLOT(a), SLOT(b), "%s %s", a, b);
	/* A bucket's inspections on record and history share its own slot;
	 * the 1,024 buckets cover all three masters of an even cluster. */
	key_name_u(a, sizeof(a), &cfg, KEY_INSPECTED, 9);
	key_name_u(b, sizeof(b), &cfg, KEY_HISTORY, 9);
	cr_assert_eq(SLOT(a), SLOT(b), "%s %s", a, b);
	unsigned thirds[3] = {0};
	for (unsigned k = 0; k < 1024; k++) {
		key_name_u(a, sizeof(a), &cfg, KEY_HISTORY, k);
		thirds[SLOT(a) * 3 / 16384]++;
	}
	for (int i = 0; i < 3; i++)
		cr_assert_gt(thirds[i], 300, "%u buckets in third %d",
			     thirds[i], i);
#undef SLOT
}
