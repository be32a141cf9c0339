/* The archive of audit copies (src/shell/archive.c): entries named by
 * their content, written whole or not at all, and read back only as
 * what their name says. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"
#include "inspect/core/seed.h"
#include "inspect/core/sha256.h"
#include "inspect/shell/archive.h"

static char dir[64];

static void make_dir(void)
{
	temp_dir_make(dir, "test_archive");
}

static void remove_dir(void)
{
	temp_dir_remove(dir);
}

TestSuite(archive, .init = make_dir, .fini = remove_dir);

static void hex_of(const char *text, size_t len, char hex[65])
{
	uint8_t d[32];
	sha256(text, len, d);
	seed_hex(d, 32, hex);
}

/* A roster-like text of n lines. */
static void sample(struct strbuf *b, unsigned n, unsigned salt)
{
	sb_puts(b, "id,name,badge,department\n");
	for (unsigned i = 0; i < n; i++)
		sb_printf(b, "t%05u,Inspector %u,B-%u,SAMR-%u\n", i, i * salt,
			  i + salt, i % 7);
	cr_assert_not(b->failed);
}

static void path_of(enum archive_kind kind, const char *hex, char *path)
{
	cr_assert_eq(archive_path(path, 4096, dir, kind, hex), 0);
}

/* Flips one bit of the file at offset at (from the end if negative). */
static void flip(const char *path, long at)
{
	FILE *f = fopen(path, "r+b");
	cr_assert_not_null(f);
	fseek(f, at, at < 0 ? SEEK_END : SEEK_SET);
	int c = fgetc(f);
	fseek(f, -1, SEEK_CUR);
	fputc(c ^ 0x10, f);
	fclose(f);
}

Test(archive, round_trip_names_the_entry_by_its_content)
{
	struct strbuf text = {0}, back = {0};
	struct diag err;
	char hex[65], want[65], path[4096];
	struct stat st;
	diag_init(&err);
	sample(&text, 2000, 3);
	hex_of(text.s, text.len, want);
	cr_assert_eq(archive_put(dir, ARCHIVE_ROSTER, text.s, text.len, NULL,
				 hex, &err), 0, "%s", diag_text(&err));
	cr_assert_str_eq(hex, want);
	snprintf(path, sizeof(path), "%s/roster/%.2s/%s.zst", dir, hex, hex);
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_lt((size_t)st.st_size, text.len / 4, "compressed: %lld",
		     (long long)st.st_size);
	cr_assert_eq(st.st_mode & 0777, 0640);
	cr_assert_eq(archive_get(dir, ARCHIVE_ROSTER, hex, &back, &err), 0,
		     "%s", diag_text(&err));
	cr_assert_eq(back.len, text.len);
	cr_assert_eq(memcmp(back.s, text.s, text.len), 0);
	cr_assert_eq(archive_check(dir, ARCHIVE_ROSTER, hex, &err), 0);
	/* The kind is part of the name: the same content elsewhere is not
	 * there. */
	cr_assert_eq(archive_check(dir, ARCHIVE_ITEMS, hex, &err),
		     FAIL_INVALID);
	sb_finish(&text);
	sb_finish(&back);
}

Test(archive, empty_content_round_trips)
{
	struct strbuf back = {0};
	struct diag err;
	char hex[65];
	diag_init(&err);
	cr_assert_eq(archive_put(dir, ARCHIVE_CALENDAR, "", 0, NULL, hex,
				 &err), 0);
	cr_assert_eq(archive_get(dir, ARCHIVE_CALENDAR, hex, &back, &err), 0,
		     "%s", diag_text(&err));
	cr_assert_eq(back.len, 0);
	sb_finish(&back);
}

Test(archive, an_entry_there_is_shared_not_written_again)
{
	struct strbuf text = {0};
	struct diag err;
	char hex[65], path[4096];
	struct stat a, b;
	diag_init(&err);
	sample(&text, 100, 5);
	cr_assert_eq(archive_put(dir, ARCHIVE_ITEMS, text.s, text.len, NULL,
				 hex, &err), 0);
	path_of(ARCHIVE_ITEMS, hex, path);
	cr_assert_eq(stat(path, &a), 0);
	cr_assert_eq(archive_put(dir, ARCHIVE_ITEMS, text.s, text.len, hex,
				 NULL, &err), 1, "%s", diag_text(&err));
	struct archive_writer *w;
	cr_assert_eq(archive_writer_create(dir, ARCHIVE_ITEMS, hex, &w, &err),
		     1);
	cr_assert_null(w);
	cr_assert_eq(stat(path, &b), 0);
	cr_assert_eq(a.st_ino, b.st_ino); /* the same file, untouched */
	sb_finish(&text);
}

Test(archive, a_missing_entry_is_named)
{
	struct strbuf back = {0};
	struct diag err;
	char hex[65], path[4096], want[4200];
	diag_init(&err);
	hex_of("nothing", 7, hex);
	path_of(ARCHIVE_POPULATION, hex, path);
	cr_assert_eq(archive_get(dir, ARCHIVE_POPULATION, hex, &back, &err),
		     FAIL_INVALID);
	snprintf(want, sizeof(want), "archive entry %s is missing", path);
	cr_assert_str_eq(diag_reason(&err), want);
	cr_assert_eq(back.len, 0);
}

Test(archive, a_name_that_is_no_digest_is_no_path)
{
	struct diag err;
	char path[4096];
	diag_init(&err);
	cr_assert_eq(archive_path(path, sizeof(path), dir, ARCHIVE_ROSTER,
				  "../../etc/passwd"), FAIL_INVALID);
	cr_assert_eq(archive_path(path, sizeof(path), dir, ARCHIVE_ROSTER,
				  "ABCDEF0000000000000000000000000000000000"
				  "000000000000000000000000"), FAIL_INVALID);
	cr_assert_eq(archive_check(dir, ARCHIVE_ROSTER, "abc", &err),
		     FAIL_INVALID);
	cr_assert(strstr(diag_reason(&err), "no SHA-256 digest"));
}

/* The reason archive_get gives for the entry of text after damage(). */
static const char *damaged(void (*damage)(const char *path), char *path)
{
	static struct diag err;
	static unsigned calls; /* a content of its own each time */
	struct strbuf text = {0}, back = {0};
	char hex[65];
	diag_init(&err);
	sample(&text, 3000, 7 + calls++);
	cr_assert_eq(archive_put(dir, ARCHIVE_POPULATION, text.s, text.len,
				 NULL, hex, &err), 0);
	path_of(ARCHIVE_POPULATION, hex, path);
	damage(path);
	sb_puts(&back, "kept");
	cr_assert_eq(archive_get(dir, ARCHIVE_POPULATION, hex, &back, &err),
		     FAIL_INVALID);
	cr_assert_str_eq(back.s, "kept"); /* nothing of a bad entry */
	cr_assert_eq(back.len, 4);
	/* Archiving the content again repairs it. */
	cr_assert_eq(archive_put(dir, ARCHIVE_POPULATION, text.s, text.len,
				 hex, NULL, &err), 2);
	struct diag again;
	diag_init(&again);
	cr_assert_eq(archive_check(dir, ARCHIVE_POPULATION, hex, &again), 0,
		     "%s", diag_text(&again));
	sb_finish(&text);
	sb_finish(&back);
	return diag_reason(&err);
}

static void cut_in_half(const char *path)
{
	struct stat st;
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(truncate(path, st.st_size / 2), 0);
}

static void flip_middle(const char *path)
{
	struct stat st;
	cr_assert_eq(stat(path, &st), 0);
	flip(path, st.st_size / 2);
}

static void flip_checksum(const char *path)
{
	flip(path, -2); /* in the frame's content checksum */
}

static void empty(const char *path)
{
	cr_assert_eq(truncate(path, 0), 0);
}

static void expect_corrupt(const char *why, const char *path)
{
	char want[4200];
	snprintf(want, sizeof(want),
		 "archive entry %s is corrupt: decompression failed: ", path);
	cr_assert(!strncmp(why, want, strlen(want)), "%s", why);
}

Test(archive, a_truncated_entry_is_corrupt)
{
	char path[4096];
	const char *why = damaged(cut_in_half, path);
	expect_corrupt(why, path);
	expect_corrupt(damaged(empty, path), path);
}

Test(archive, a_flipped_bit_is_corrupt)
{
	char path[4096];
	expect_corrupt(damaged(flip_middle, path), path);
	expect_corrupt(damaged(flip_checksum, path), path);
}

/* A whole, valid entry of another content under the name. */
Test(archive, another_content_under_the_name_does_not_match)
{
	struct strbuf a = {0}, b = {0}, back = {0};
	struct diag err;
	char ha[65], hb[65], pa[4096], pb[4096], want[4300];
	diag_init(&err);
	sample(&a, 50, 1);
	sample(&b, 50, 2);
	cr_assert_eq(archive_put(dir, ARCHIVE_ROSTER, a.s, a.len, NULL, ha,
				 &err), 0);
	cr_assert_eq(archive_put(dir, ARCHIVE_ROSTER, b.s, b.len, NULL, hb,
				 &err), 0);
	path_of(ARCHIVE_ROSTER, ha, pa);
	path_of(ARCHIVE_ROSTER, hb, pb);
	cr_assert_eq(rename(pb, pa), 0);
	cr_assert_eq(archive_get(dir, ARCHIVE_ROSTER, ha, &back, &err),
		     FAIL_INVALID);
	snprintf(want, sizeof(want), "archive entry %s does not match its "
		 "digest (its content's is %s)", pa, hb);
	cr_assert_str_eq(diag_reason(&err), want);
	cr_assert_eq(back.len, 0);
	sb_finish(&a);
	sb_finish(&b);
	sb_finish(&back);
}

Test(archive, content_that_is_not_its_digest_is_not_written)
{
	struct diag err;
	char hex[65], path[4096];
	diag_init(&err);
	hex_of("one", 3, hex);
	cr_assert_eq(archive_put(dir, ARCHIVE_ITEMS, "two", 3, hex, NULL,
				 &err), FAIL_INVALID);
	cr_assert(strstr(diag_reason(&err), "does not match the digest"),
		  "%s", diag_reason(&err));
	path_of(ARCHIVE_ITEMS, hex, path);
	cr_assert_neq(access(path, F_OK), 0);
	/* Nor its temporary file. */
	*strrchr(path, '/') = '\0';
	cr_assert_eq(rmdir(path), 0, "the folder holds nothing");
}

/* A writer killed before its rename leaves a temporary file: readers
 * never take it for the entry, and writers write beside it. */
Test(archive, a_temporary_file_left_behind_is_ignored)
{
	struct strbuf text = {0}, back = {0};
	struct diag err;
	char hex[65], path[4096], tmp[4200];
	diag_init(&err);
	sample(&text, 500, 9);
	hex_of(text.s, text.len, hex);
	path_of(ARCHIVE_ROSTER, hex, path);
	struct archive_writer *w;
	cr_assert_eq(archive_writer_create(dir, ARCHIVE_ROSTER, hex, &w, &err),
		     0);
	archive_writer_add(w, text.s, text.len / 2);
	/* Left as a crash would leave it: a partial temporary file. */
	snprintf(tmp, sizeof(tmp), "%.*s/.%s.zst.abc123",
		 (int)(strrchr(path, '/') - path), path, hex);
	FILE *f = fopen(tmp, "wb");
	cr_assert_not_null(f);
	fputs("(\xb5/\xfd partial", f);
	fclose(f);
	cr_assert_eq(archive_get(dir, ARCHIVE_ROSTER, hex, &back, &err),
		     FAIL_INVALID);
	cr_assert(strstr(diag_reason(&err), "is missing"));
	/* Another writer meanwhile, then the first one finishing. */
	cr_assert_eq(archive_put(dir, ARCHIVE_ROSTER, text.s, text.len, hex,
				 NULL, &err), 0, "%s", diag_text(&err));
	archive_writer_add(w, text.s + text.len / 2,
			   text.len - text.len / 2);
	cr_assert_eq(archive_writer_commit(w, NULL, &err), 0, "%s",
		     diag_text(&err));
	cr_assert_eq(archive_get(dir, ARCHIVE_ROSTER, hex, &back, &err), 0,
		     "%s", diag_text(&err));
	cr_assert_eq(back.len, text.len);
	cr_assert_eq(access(tmp, F_OK), 0); /* left as it was */
	sb_finish(&text);
	sb_finish(&back);
}

/* Writers in processes of their own (daemons sharing the directory)
 * archiving the same content at once: each succeeds, one whole entry is
 * there, and no temporary file is left. */
Test(archive, several_writers_at_once_leave_one_whole_entry)
{
	struct strbuf text = {0}, back = {0};
	struct diag err;
	char hex[65], path[4096];
	diag_init(&err);
	sample(&text, 200000, 13); /* about 7 MB: the writes overlap */
	hex_of(text.s, text.len, hex);
	pid_t pid[4];
	for (int i = 0; i < 4; i++) {
		pid[i] = fork();
		cr_assert_geq(pid[i], 0);
		if (pid[i] == 0)
			_exit(archive_put(dir, ARCHIVE_POPULATION, text.s,
					  text.len, hex, NULL, &err) < 0);
	}
	for (int i = 0; i < 4; i++) {
		int status;
		cr_assert_eq(waitpid(pid[i], &status, 0), pid[i]);
		cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	cr_assert_eq(archive_get(dir, ARCHIVE_POPULATION, hex, &back, &err),
		     0, "%s", diag_text(&err));
	cr_assert_eq(back.len, text.len);
	path_of(ARCHIVE_POPULATION, hex, path);
	*strrchr(path, '/') = '\0';
	char cmd[4200];
	snprintf(cmd, sizeof(cmd), "test $(ls -A %s | wc -l) -eq 1", path);
	cr_assert_eq(system(cmd), 0, "one file in %s", path);
	sb_finish(&text);
	sb_finish(&back);
}

Test(archive, an_abandoned_writer_leaves_nothing)
{
	struct diag err;
	char hex[65], path[4096];
	diag_init(&err);
	hex_of("x", 1, hex);
	struct archive_writer *w;
	cr_assert_eq(archive_writer_create(dir, ARCHIVE_CALENDAR, hex, &w,
					   &err), 0);
	archive_writer_add(w, "x", 1);
	archive_writer_destroy(w);
	archive_writer_destroy(NULL);
	path_of(ARCHIVE_CALENDAR, hex, path);
	*strrchr(path, '/') = '\0';
	cr_assert_eq(rmdir(path), 0, "the folder holds nothing");
}

/* A population-sized content written piece by piece, as the daemon
 * writes one: several frames' worth of zstd blocks, read back whole. */
Test(archive, a_large_content_streams_in_pieces)
{
	struct strbuf text = {0}, back = {0};
	struct diag err;
	char hex[65];
	diag_init(&err);
	sample(&text, 400000, 11); /* about 14 MB */
	hex_of(text.s, text.len, hex);
	struct archive_writer *w;
	cr_assert_eq(archive_writer_create(dir, ARCHIVE_POPULATION, hex, &w,
					   &err), 0);
	for (size_t at = 0; at < text.len; at += 65536)
		archive_writer_add(w, text.s + at, text.len - at < 65536
							   ? text.len - at
							   : 65536);
	cr_assert_eq(archive_writer_commit(w, NULL, &err), 0, "%s",
		     diag_text(&err));
	cr_assert_eq(archive_get(dir, ARCHIVE_POPULATION, hex, &back, &err),
		     0, "%s", diag_text(&err));
	cr_assert_eq(back.len, text.len);
	cr_assert_eq(memcmp(back.s, text.s, text.len), 0);
	sb_finish(&text);
	sb_finish(&back);
}

Test(archive, an_unwritable_archive_is_an_error_named)
{
	struct diag err;
	char file[128];
	diag_init(&err);
	/* The archive's directory is a file: nothing can go under it. */
	snprintf(file, sizeof(file), "%s/plain", dir);
	FILE *f = fopen(file, "w");
	cr_assert_not_null(f);
	fclose(f);
	cr_assert_eq(archive_put(file, ARCHIVE_ROSTER, "r", 1, NULL, NULL,
				 &err), FAIL_LOST);
	cr_assert(strstr(diag_reason(&err), file), "%s", diag_reason(&err));
}
