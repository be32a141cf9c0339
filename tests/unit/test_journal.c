/* A publication's journal (inspect/store/journal.h): the steps it is cut
 * into are whole commands of at most a step's bytes, the last step whole
 * whatever its size, and bytes that are no commands are refused. */
#include <criterion/criterion.h>
#include <string.h>

#include "inspect/store/journal.h"

/* Records "SET k<i> <value of len bytes>" for i in [0, n). */
static void record(struct journal *j, size_t n, size_t len)
{
	static char value[4096];
	memset(value, 'v', sizeof(value));
	for (size_t i = 0; i < n; i++) {
		struct args a;
		char key[24];
		snprintf(key, sizeof(key), "k%zu", i);
		args_init(&a);
		args_add(&a, "SET");
		args_add(&a, key);
		args_addn(&a, value, len);
		cr_assert_eq(journal_add(j, &a), 0);
		args_finish(&a);
	}
}

/* Cuts the whole journal with steps of max bytes: how many steps, and
 * checks each. */
static size_t cut(const struct journal *j, size_t max, size_t *commands)
{
	struct publishing p = {.size = j->len, .final = j->final};
	size_t steps = 0;
	*commands = 0;
	while (p.done < p.size) {
		size_t to, n;
		cr_assert_eq(journal_step(j->buf, &p, max, &to, &n), 0);
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
	journal_init(&j);
	record(&j, 1000, 100); /* about 130 bytes a command */
	journal_mark_final(&j);
	record(&j, 50, 100);
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
	journal_init(&j);
	record(&j, 3, 4000);
	journal_mark_final(&j);
	record(&j, 1, 10);
	size_t commands;
	cr_assert_eq(cut(&j, 1000, &commands), 4);
	cr_assert_eq(commands, 4);
	journal_finish(&j);
}

Test(journal, bytes_that_are_no_commands_are_refused)
{
	struct journal j;
	journal_init(&j);
	record(&j, 10, 10);
	journal_mark_final(&j);
	struct publishing p = {.size = j.len, .final = j.final};
	size_t to, n;
	/* cut inside a command: a resumed `done` that does not start one */
	p.done = 5;
	cr_assert_eq(journal_step(j.buf, &p, 1 << 20, &to, &n), FAIL_INVALID);
	p.done = 0;
	j.buf[20] = 'x'; /* a length that is no number */
	cr_assert_eq(journal_step(j.buf, &p, 1 << 20, &to, &n), FAIL_INVALID);
	/* a journal cut short */
	journal_finish(&j);
	journal_init(&j);
	record(&j, 2, 10);
	p = (struct publishing){.size = j.len - 3, .final = j.len - 3};
	cr_assert_eq(journal_step(j.buf, &p, 1 << 20, &to, &n), FAIL_INVALID);
	p.final = p.size = j.len;
	cr_assert_eq(journal_step(j.buf, &p, 1 << 20, &to, &n), 0);
	cr_assert_eq(n, 2);
	journal_finish(&j);
}
