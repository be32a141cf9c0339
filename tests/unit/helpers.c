#define _XOPEN_SOURCE 700 /* nftw */
#include "helpers.h"

#include <criterion/criterion.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/core/date.h"
#include "inspect/shell/file.h"

static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

void make_uscc(uint64_t i, char out[USCC_LEN])
{
	memcpy(out, "91440304", 8);
	for (int k = 16; k >= 8; k--, i /= 31)
		out[k] = alphabet[i % 31];
	out[17] = uscc_check_char(out);
}

struct entity make_entity(uint64_t i, int cls, uint8_t flags)
{
	struct entity e;
	memset(&e, 0, sizeof(e));
	make_uscc(i, e.uscc);
	strcpy(e.industry, "F5211");
	e.region = 440304;
	e.last_inspected = DATE_NONE;
	e.score = SCORE_NONE;
	e.cls = (uint8_t)cls;
	e.flags = flags;
	return e;
}

void make_population(const unsigned counts[CLASS_COUNT], struct population *p)
{
	size_t n = 0;
	for (int c = 0; c < CLASS_COUNT; c++)
		n += counts[c];
	memset(p, 0, sizeof(*p));
	p->v = malloc((n ? n : 1) * sizeof(*p->v));
	p->n = n;
	cr_assert_not_null(p->v);
	size_t i = 0;
	for (int c = 0; c < CLASS_COUNT; c++)
		for (unsigned k = 0; k < counts[c]; k++, i++)
			p->v[i] = make_entity(i, c, 0);
}

void policy_from_text(const char *yaml, struct policy *p)
{
	struct diag err;
	diag_init(&err);
	int r = policy_parse("test.yaml", yaml, strlen(yaml), p, &err);
	cr_assert_eq(r, 0, "policy refused: %s", diag_text(&err));
}

char *read_source_file(const char *relpath, size_t *len)
{
	char path[512], *data;
	snprintf(path, sizeof(path), "%s/%s", SOURCE_ROOT, relpath);
	int r = file_read(path, 1 << 26, &data, len);
	cr_assert_eq(r, 0, "cannot read %s", path);
	return data;
}

void temp_dir_make(char dir[64], const char *name)
{
	snprintf(dir, 64, "/tmp/%s.XXXXXX", name);
	cr_assert_not_null(mkdtemp(dir));
}

static int remove_one(const char *path, const struct stat *st, int flag,
		      struct FTW *f)
{
	return remove(path);
}

void temp_dir_remove(const char *dir)
{
	nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}
