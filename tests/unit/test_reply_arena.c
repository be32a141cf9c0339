/* Replies built in an arena (inspect/store/reply_arena.h) are the replies
 * hiredis' own functions build, whatever their shape and size and however
 * the bytes arrive, and a protocol error is survived. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/store/reply_arena.h"

static void same(const redisReply *a, const redisReply *b)
{
	cr_assert_eq(a->type, b->type);
	switch (a->type) {
	case REDIS_REPLY_STRING:
	case REDIS_REPLY_STATUS:
	case REDIS_REPLY_ERROR:
		cr_assert_eq(a->len, b->len);
		cr_assert(memcmp(a->str, b->str, a->len) == 0);
		cr_assert_eq(b->str[b->len], '\0');
		break;
	case REDIS_REPLY_INTEGER:
		cr_assert_eq(a->integer, b->integer);
		break;
	case REDIS_REPLY_ARRAY:
		cr_assert_eq(a->elements, b->elements);
		for (size_t i = 0; i < a->elements; i++)
			same(a->element[i], b->element[i]);
		break;
	default:
		break;
	}
}

/* Replies of every shape: nested arrays, nil string and array, an
 * integer, status, error, empty string and array, and a string larger
 * than the arena's chunks. */
static char *replies(size_t *len, int *n)
{
	size_t big = 3u << 20;
	char *s = malloc(big + 4096);
	int k = sprintf(s, "*3\r\n$4\r\nname\r\n*2\r\n:7\r\n$-1\r\n*0\r\n"
			   "+OK\r\n-ERR wrong\r\n$0\r\n\r\n*-1\r\n:-42\r\n"
			   "*2\r\n$3\r\nabc\r\n$%zu\r\n", big);
	memset(s + k, 'x', big);
	k += (int)big;
	k += sprintf(s + k, "\r\n");
	*len = (size_t)k;
	*n = 7;
	return s;
}

/* Every reply of bytes fed step bytes at a time, read in the arena, as
 * the plain reader reads it. */
static void read_both(const char *bytes, size_t len, int n, size_t step)
{
	redisReader *plain = redisReaderCreate(), *in = redisReaderCreate();
	struct reply_arena *a = reply_arena_new();
	cr_assert(plain && in && a);
	cr_assert_eq(redisReaderFeed(plain, bytes, len), REDIS_OK);
	size_t fed = 0;
	for (int i = 0; i < n; i++) {
		void *want = NULL, *got = NULL;
		cr_assert_eq(redisReaderGetReply(plain, &want), REDIS_OK);
		cr_assert_not_null(want);
		reply_arena_begin(a, in);
		for (;;) {
			cr_assert_eq(redisReaderGetReply(in, &got), REDIS_OK);
			if (got)
				break;
			cr_assert(fed < len, "reply %d never came", i);
			size_t k = len - fed < step ? len - fed : step;
			cr_assert_eq(redisReaderFeed(in, bytes + fed, k),
				     REDIS_OK);
			fed += k;
		}
		reply_arena_end(a, in);
		same(want, got);
		freeReplyObject(want);
	}
	redisReaderFree(plain);
	redisReaderFree(in);
	reply_arena_free(a);
}

Test(reply_arena, every_shape_as_hiredis_builds_it)
{
	size_t len;
	int n;
	char *bytes = replies(&len, &n);
	read_both(bytes, len, n, len);
	free(bytes);
}

Test(reply_arena, the_same_fed_a_few_bytes_at_a_time)
{
	size_t len;
	int n;
	char *bytes = replies(&len, &n);
	read_both(bytes, len, n, 7);
	free(bytes);
}

/* Many replies, each in place of the one before, some larger than a
 * chunk, some smaller: the chunks kept are reused. */
Test(reply_arena, replies_in_place_of_one_another)
{
	char *s = malloc(64u << 20);
	size_t len = 0;
	int n = 0;
	for (int r = 0; r < 40; r++, n++) {
		int fields = r % 5 == 0 ? 40000 : 300;
		len += (size_t)sprintf(s + len, "*%d\r\n", fields);
		for (int f = 0; f < fields; f++)
			len += (size_t)sprintf(s + len, "$9\r\nf%08d\r\n", f);
	}
	read_both(s, len, n, 1u << 16);
	free(s);
}

/* Bytes that are no reply, halfway through one: an error, and the
 * reader and arena freed cleanly (the sanitizers' build checks it). */
Test(reply_arena, a_protocol_error_is_survived)
{
	redisReader *in = redisReaderCreate();
	struct reply_arena *a = reply_arena_new();
	static const char bad[] = "*3\r\n$1\r\nx\r\n?what\r\n";
	void *got = NULL;
	reply_arena_begin(a, in);
	cr_assert_eq(redisReaderFeed(in, bad, sizeof(bad) - 1), REDIS_OK);
	cr_assert_eq(redisReaderGetReply(in, &got), REDIS_ERR);
	cr_assert_null(got);
	redisReaderFree(in);
	reply_arena_free(a);
}
