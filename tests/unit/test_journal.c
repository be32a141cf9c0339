/* A publication's journal (inspect/store/journal.h): the steps it is cut
 * into are whole commands of at most a step's bytes, the last step whole
 * whatever its size, and bytes that are no commands are refused; a
 * journal larger than a step goes to the archive as it is recorded, is
 * never held whole, and reads back a step at a time as the same steps,
 * the last one only once the whole journal is found to be the one its
 * name says. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "inspect/store/journal.h"

static char dir[64];

static void make_dir(void)
{
	temp_dir_make(dir, "test_journal");
}

static void remove_dir(void)
{
	temp_dir_remove(dir);
}

TestSuite(journal, .init = make_dir, .fini = remove_dir);

/* Records "SET k<i> <value of len bytes>" for i in [from, from + n). */
static void record_from(struct journal *j, size_t from, size_t n,
			size_t len)
{
	static char value[4096];
	memset(value, 'v', sizeof(value));
	for (size_t i = from; i < from + n; i++) {
		struct args a;
		char key[24];
		snprintf(key, sizeof(key), "k%zu", i);
		args_init(&a);
		args_add(&a, "SET");
		args_add(&a, key);
		args_addn(&a, value, len);
		cr_assert_eq(journal_add(j, &a), 0, "%s", j->why);
		args_finish(&a);
	}
}

static void record(struct journal *j, size_t n, size_t len)
{
	record_from(j, 0, n, len);
}

/* A journal held whole (it never outgrows its hold). */
static void held(struct journal *j)
{
	journal_init(j, dir, SIZE_MAX);
}

static struct journal_view whole(const struct journal *j)
{
	return (struct journal_view){j->buf, 0, j->len, true};
}

/* Cuts the whole journal with steps of max bytes: how many steps, and
 * checks each. */
static size_t cut(const struct journal *j, size_t max, size_t *commands)
{
	struct publishing p = {.size = j->size, .final = j->final};
	struct journal_view v = whole(j);
	size_t steps = 0;
	*commands = 0;
	while (p.done < p.size) {
		size_t to, n;
		cr_assert_eq(journal_step(&v, &p, max, &to, &n), 0);
		cr_assert_gt(to, p.done);
		cr_assert(to <= p.final || p.done >= p.final,
			  "a step runs over the last step's start");
		if (p.done < p.final && n > 1)
			cr_assert_leq(to - p.done, max);
		cr_assert_eq(j->buf[p.done], '*', "a step starts a command");
		*commands += n;
		p.done = to;
		steps++;
	}
	return steps;
}

Test(journal, steps_are_whole_commands_within_the_bound)
{
	struct journal j;
	held(&j);
	record(&j, 1000, 100); /* about 130 bytes a command */
	journal_mark_final(&j);
	record(&j, 50, 100);
	cr_assert_null(j.out, "a journal within its hold is not archived");
	size_t commands;
	size_t steps = cut(&j, 4096, &commands);
	cr_assert_eq(commands, 1050);
	/* Each step before the last is full but for less than a command
	 * (at most 134 bytes); the last holds all 50. */
	cr_assert_geq(steps - 1, (j.final + 4095) / 4096);
	cr_assert_leq(steps - 1, j.final / (4096 - 134) + 1);
	journal_finish(&j);
}

Test(journal, a_command_larger_than_a_step_is_a_step_of_its_own)
{
	struct journal j;
	held(&j);
	record(&j, 3, 4000);
	journal_mark_final(&j);
	record(&j, 1, 10);
	size_t commands;
	cr_assert_eq(cut(&j, 1000, &commands), 4);
	cr_assert_eq(commands, 4);
	journal_finish(&j);
}

Test(journal, a_step_is_sized_to_take_its_time)
{
	const size_t max = 1024u << 10, k = 1024;
	/* Twice as slow as the target: half the size; as fast: the same. */
	cr_assert_eq(journal_step_size(512 * k, 60, 30, max), 256 * k);
	cr_assert_eq(journal_step_size(512 * k, 30, 30, max), 512 * k);
	/* Faster: larger in proportion, but at most twice, and at most max. */
	cr_assert_eq(journal_step_size(200 * k, 20, 30, max), 300 * k);
	cr_assert_eq(journal_step_size(100 * k, 1, 30, max), 200 * k);
	cr_assert_eq(journal_step_size(800 * k, 1, 30, max), max);
	cr_assert_eq(journal_step_size(100 * k, 0, 30, max), 200 * k,
		     "a step too fast to time");
	/* Much slower: never below the least step, nor above a small max. */
	cr_assert_eq(journal_step_size(100 * k, 1000, 30, max),
		     JOURNAL_STEP_MIN);
	cr_assert_eq(journal_step_size(4 * k, 1000, 30, 4 * k), 4 * k);
	/* No target: steps of max. */
	cr_assert_eq(journal_step_size(100 * k, 1000, 0, max), max);
}

Test(journal, bytes_that_are_no_commands_are_refused)
{
	struct journal j;
	held(&j);
	record(&j, 10, 10);
	journal_mark_final(&j);
	struct publishing p = {.size = j.len, .final = j.final};
	struct journal_view v = whole(&j);
	size_t to, n;
	/* cut inside a command: a resumed `done` that does not start one */
	p.done = 5;
	cr_assert_eq(journal_step(&v, &p, 1 << 20, &to, &n), FAIL_INVALID);
	p.done = 0;
	j.buf[20] = 'x'; /* a length that is no number */
	cr_assert_eq(journal_step(&v, &p, 1 << 20, &to, &n), FAIL_INVALID);
	/* a journal cut short */
	journal_finish(&j);
	held(&j);
	record(&j, 2, 10);
	v = whole(&j);
	v.len -= 3;
	p = (struct publishing){.size = v.len, .final = v.len};
	cr_assert_eq(journal_step(&v, &p, 1 << 20, &to, &n), FAIL_INVALID);
	v = whole(&j);
	p.final = p.size = j.len;
	cr_assert_eq(journal_step(&v, &p, 1 << 20, &to, &n), 0);
	cr_assert_eq(n, 2);
	journal_finish(&j);
}

Test(journal, a_view_that_ends_inside_a_step_asks_for_more)
{
	struct journal j;
	held(&j);
	record(&j, 100, 100);
	journal_mark_final(&j);
	struct publishing p = {.size = j.len, .final = j.final};
	struct journal_view v = whole(&j);
	size_t to, n;
	v.end = false;
	v.len = 1000; /* inside the eighth command */
	cr_assert_eq(journal_step(&v, &p, 4096, &to, &n), 1);
	/* from byte 1 of a view that starts later: done is not in it */
	v.from = 1;
	v.s = j.buf + 1;
	cr_assert_eq(journal_step(&v, &p, 4096, &to, &n), FAIL_INVALID);
	/* the step fits in the view: no more needed */
	v = whole(&j);
	v.end = false;
	v.len = 5000;
	cr_assert_eq(journal_step(&v, &p, 4096, &to, &n), 0);
	cr_assert_leq(to, 4096);
	journal_finish(&j);
}

/* A journal of about 2.6 MB, archived past hold bytes, and the same
 * commands held whole to compare with. */
static void streamed(struct journal *j, struct journal *same, size_t hold,
		     char hex[65])
{
	journal_init(j, dir, hold);
	held(same);
	size_t peak = 0;
	for (size_t i = 0; i < 20000; i += 100) {
		record_from(j, i, 100, 100);
		record_from(same, i, 100, 100);
		peak = j->cap > peak ? j->cap : peak;
	}
	journal_mark_final(j);
	journal_mark_final(same);
	record_from(j, 50000, 20, 100);
	record_from(same, 50000, 20, 100);
	cr_assert_not_null(j->out, "a journal past its hold is archived");
	cr_assert_eq(j->size, same->len);
	cr_assert_eq(j->final, same->final);
	struct diag err;
	diag_init(&err);
	cr_assert_eq(journal_keep(j, hex, &err), 0, "%s", diag_reason(&err));
}

/* Reads journal hex back a step at a time from `from` (a step's start),
 * checking each step against same: the number of steps, or the first
 * failure. */
static int read_back(const char *hex, const struct journal *same,
		     size_t from, size_t max, struct diag *err)
{
	struct publishing p = {.size = same->len, .final = same->final,
			       .done = from};
	struct journal_view v = whole(same);
	snprintf(p.journal, sizeof(p.journal), "%s", hex);
	struct journal_reader r;
	int rc = journal_reader_open(&r, dir, hex, err), steps = 0;
	while (rc == 0 && p.done < p.size) {
		size_t to, n, to_same, n_same;
		rc = journal_read_step(&r, &p, max, &to, &n, err);
		if (rc < 0)
			break;
		cr_assert_eq(journal_step(&v, &p, max, &to_same, &n_same), 0);
		cr_assert_eq(to, to_same);
		cr_assert_eq(n, n_same);
		cr_assert_eq(memcmp(journal_at(&r, p.done), same->buf + p.done,
				    to - p.done),
			     0, "step %d reads back other bytes", steps);
		cr_assert_leq(r.buf.len, 2 * max + (128u << 10),
			      "a reader holds a step, not the journal");
		p.done = to;
		steps++;
	}
	journal_reader_close(&r);
	return rc < 0 ? rc : steps;
}

Test(journal, a_journal_past_its_hold_is_archived_and_read_back_in_steps)
{
	struct journal j, same;
	char hex[65];
	streamed(&j, &same, 8192, hex);
	cr_assert_lt(j.cap, same.len / 4, "the journal was held whole");
	struct diag err;
	diag_init(&err);
	int steps = read_back(hex, &same, 0, 4096, &err);
	cr_assert_gt(steps, 600, "%s", diag_reason(&err));
	/* resumed from a step's start, and with another step's size */
	struct publishing p = {.size = same.len, .final = same.final};
	struct journal_view v = whole(&same);
	size_t to, n;
	for (int i = 0; i < 30; i++, p.done = to)
		cr_assert_eq(journal_step(&v, &p, 4096, &to, &n), 0);
	cr_assert_eq(read_back(hex, &same, p.done, 4096, &err), steps - 30,
		     "%s", diag_reason(&err));
	cr_assert_gt(read_back(hex, &same, 0, 1 << 20, &err), 0, "%s",
		     diag_reason(&err));
	journal_finish(&j);
	journal_finish(&same);
}

Test(journal, a_damaged_journal_never_gives_its_last_step)
{
	struct journal j, same;
	char hex[65], path[256];
	streamed(&j, &same, 8192, hex);
	cr_assert_eq(archive_path(path, sizeof(path), dir, ARCHIVE_JOURNAL,
				  hex),
		     0);
	/* a byte of the compressed file changed near its end */
	FILE *f = fopen(path, "r+b");
	cr_assert_not_null(f);
	fseek(f, -8, SEEK_END);
	int c = fgetc(f);
	fseek(f, -8, SEEK_END);
	fputc(c ^ 0x55, f);
	fclose(f);
	struct diag err;
	diag_init(&err);
	cr_assert_eq(read_back(hex, &same, 0, 4096, &err), FAIL_INVALID);
	cr_assert(strstr(diag_reason(&err), path), "%s", diag_reason(&err));
	/* and one that is not there */
	remove(path);
	diag_init(&err);
	struct journal_reader r;
	cr_assert_eq(journal_reader_open(&r, dir, hex, &err), FAIL_INVALID);
	cr_assert(strstr(diag_reason(&err), "is missing"), "%s",
		  diag_reason(&err));
	journal_finish(&j);
	journal_finish(&same);
}
