/* The archive (archive.h): zstd frames in files named by the SHA-256 of
 * their content. Writes go through a temporary file in the entry's own
 * directory (mkstemp: one of its own for each writer), fsync, rename and
 * an fsync of the directory, so that an entry is whole or absent whatever
 * is killed when, and writers of the same entry on a shared mount each
 * rename a whole copy of the same content. Reads stream: decompressed
 * piece by piece, hashed as they come, never more than the limit of the
 * kind; a population of 10 M entities (700 MB of CSV) is compressed
 * through buffers of zstd's recommended sizes, never held compressed. */
#include "inspect/shell/archive.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "inspect/core/seed.h"
#include "inspect/core/sha256.h"

const char *const archive_kind_names[ARCHIVE_KINDS] = {
	"population", "roster", "items", "calendar", "journal"};

/* What an entry of each kind may decompress to: a damaged or hostile
 * frame cannot take all memory. A population of 200 M entities is about
 * 13 GB of CSV; a roster, an item list or a calendar a few MB. */
static const uint64_t kind_max[ARCHIVE_KINDS] = {
	(uint64_t)32 << 30, 256u << 20, 256u << 20, 256u << 20,
	(uint64_t)64 << 30};

#define PATH_SIZE 4096

/* Compression threads beside the caller's, which formats and hashes: a
 * population of 10 M entities is archived in 1.9 s with two, 4.4 s in the
 * caller's thread alone (bench/RESULTS.md, "The archive"). */
#define COMPRESS_THREADS 2
/* What each thread compresses at a time: zstd's default for level 3 (8
 * MiB) kept 43 MB of buffers, 2 MiB keep 13 at the same ratio, where the
 * daemon's memory peaks (bench/RESULTS.md, "Publication in steps"). */
#define COMPRESS_JOB (2u << 20)

struct archive_writer {
	int fd;
	ZSTD_CCtx *z;
	struct sha256 h;
	char hex[65]; /* empty: named by its content when committed */
	char path[PATH_SIZE], tmp[PATH_SIZE];
	char dir[PATH_SIZE];
	enum archive_kind kind;
	void *out;
	size_t out_cap;
	int error;    /* errno of the first failure, 0 while none */
	bool replace; /* an entry there did not read back right */
};

static bool is_digest(const char *hex)
{
	return hex && strspn(hex, "0123456789abcdef") == 64 && !hex[64];
}

int archive_path(char *out, size_t size, const char *dir,
		 enum archive_kind kind, const char *hex)
{
	if (!is_digest(hex) || (unsigned)kind >= ARCHIVE_KINDS)
		return FAIL_INVALID;
	int n = snprintf(out, size, "%s/%s/%.2s/%s.zst", dir,
			 archive_kind_names[kind], hex, hex);
	return n < 0 || (size_t)n >= size ? FAIL_INVALID : 0;
}

/* Syncs the folder holding path (its entry's or its subfolder's name). */
static int sync_parent(const char *path)
{
	char d[PATH_SIZE];
	snprintf(d, sizeof(d), "%s", path);
	char *slash = strrchr(d, '/');
	if (!slash)
		snprintf(d, sizeof(d), ".");
	else if (slash == d)
		d[1] = '\0';
	else
		*slash = '\0';
	int fd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int r = fsync(fd) < 0 ? -errno : 0;
	close(fd);
	return r;
}

/* mkdir -p; a folder made is synced into its parent, so that a crash
 * cannot lose the folder of an entry renamed into it. 0 or -errno. */
static int make_dir(char *p)
{
	if (mkdir(p, 0750) == 0)
		return sync_parent(p);
	if (errno == EEXIST)
		return 0;
	char *slash = strrchr(p, '/');
	if (errno != ENOENT || !slash || slash == p)
		return -errno;
	*slash = '\0';
	int r = make_dir(p);
	*slash = '/';
	if (r < 0)
		return r;
	if (mkdir(p, 0750) == 0)
		return sync_parent(p);
	return errno == EEXIST ? 0 : -errno;
}

/* Opens a regular file for reading (a FIFO is refused, not waited on). */
static int open_entry(const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	return fd;
}

/* A reading in progress: the entry's file, decompressed piece by piece
 * and hashed as it comes, never more than the limit of its kind. */
struct archive_reader {
	int fd;
	ZSTD_DCtx *z;
	struct sha256 h;
	char hex[65];
	char path[PATH_SIZE];
	uint64_t total, max;
	size_t hint; /* zstd's: 0 once a frame is complete */
	char *in, *buf;
	size_t in_cap, cap;
	ZSTD_inBuffer pending; /* read, not yet decompressed */
	bool full;	       /* zstd filled buf: it may hold more */
	bool end;	       /* the whole content read and checked */
};

/* Decompresses what is pending into out (if not NULL) until *got reaches
 * want or nothing is pending. 0, or FAIL_INVALID (corrupt). */
static int unpack_some(struct archive_reader *r, struct strbuf *out,
		       size_t want, size_t *got, struct diag *err)
{
	while (*got < want &&
	       (r->pending.pos < r->pending.size || r->full)) {
		ZSTD_outBuffer ob = {r->buf, r->cap, 0};
		r->hint = ZSTD_decompressStream(r->z, &ob, &r->pending);
		if (ZSTD_isError(r->hint))
			return diag_add(err, "archive entry %s is corrupt: "
				       "decompression failed: %s", r->path,
				       ZSTD_getErrorName(r->hint));
		if ((r->total += ob.pos) > r->max)
			return diag_add(err, "archive entry %s is corrupt: it "
				       "decompresses to more than %llu bytes",
				       r->path, (unsigned long long)r->max);
		sha256_update(&r->h, r->buf, ob.pos);
		if (out)
			sb_add(out, r->buf, ob.pos);
		*got += ob.pos;
		r->full = ob.pos == ob.size;
	}
	return 0;
}

/* The content has all been read: whole, and the one its name says? */
static int check_end(struct archive_reader *r, struct diag *err)
{
	uint8_t d[32];
	char got[65];
	if (r->hint != 0)
		return diag_add(err, "archive entry %s is corrupt: "
			       "decompression failed: the data end inside a "
			       "frame", r->path);
	sha256_final(&r->h, d);
	seed_hex(d, 32, got);
	if (strcmp(got, r->hex))
		return diag_add(err, "archive entry %s does not match its "
			       "digest (its content's is %s)", r->path, got);
	r->end = true;
	return 0;
}

int archive_reader_open(const char *dir, enum archive_kind kind,
			const char *hex, struct archive_reader **ret,
			struct diag *err)
{
	*ret = NULL;
	struct archive_reader *r = calloc(1, sizeof(*r));
	if (!r) {
		diag_add(err, "archive: out of memory");
		return FAIL_LOST;
	}
	r->fd = -1;
	if (archive_path(r->path, sizeof(r->path), dir, kind, hex) < 0) {
		free(r);
		return diag_add(err, "archive: '%.80s' is no SHA-256 digest",
				hex ? hex : "");
	}
	memcpy(r->hex, hex, 65);
	r->fd = open_entry(r->path);
	if (r->fd < 0) {
		int e = -r->fd;
		if (e == ENOENT)
			diag_add(err, "archive entry %s is missing", r->path);
		else
			diag_add(err, "archive entry %s: %s", r->path,
				 strerror(e));
		archive_reader_close(r);
		return e == ENOENT || e == EINVAL ? FAIL_INVALID : FAIL_LOST;
	}
	r->z = ZSTD_createDCtx();
	r->max = kind_max[kind];
	r->hint = 1;
	r->in_cap = ZSTD_DStreamInSize();
	r->cap = ZSTD_DStreamOutSize();
	r->in = malloc(r->in_cap);
	r->buf = malloc(r->cap);
	sha256_init(&r->h);
	if (!r->z || !r->in || !r->buf) {
		diag_add(err, "archive entry %s: out of memory", r->path);
		archive_reader_close(r);
		return FAIL_LOST;
	}
	*ret = r;
	return 0;
}

int archive_reader_read(struct archive_reader *r, struct strbuf *out,
			size_t want, struct diag *err)
{
	size_t got = 0;
	while (!r->end && got < want) {
		int rc = unpack_some(r, out, want, &got, err);
		if (rc < 0)
			return rc;
		if (got >= want || r->pending.pos < r->pending.size || r->full)
			continue;
		ssize_t n = read(r->fd, r->in, r->in_cap);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			diag_add(err, "archive entry %s: %s", r->path,
				 strerror(errno));
			return FAIL_LOST;
		}
		r->pending = (ZSTD_inBuffer){r->in, (size_t)n, 0};
		if (n == 0 && (rc = check_end(r, err)) < 0)
			return rc;
	}
	if (out && out->failed) {
		diag_add(err, "archive entry %s: out of memory", r->path);
		return FAIL_LOST;
	}
	return r->end ? 1 : 0;
}

void archive_reader_close(struct archive_reader *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	ZSTD_freeDCtx(r->z);
	free(r->in);
	free(r->buf);
	free(r);
}

static int read_entry(const char *dir, enum archive_kind kind,
		      const char *hex, struct strbuf *out, struct diag *err)
{
	struct archive_reader *r;
	int rc = archive_reader_open(dir, kind, hex, &r, err);
	if (rc < 0)
		return rc;
	size_t before = out ? out->len : 0;
	rc = archive_reader_read(r, out, SIZE_MAX, err);
	archive_reader_close(r);
	if (rc < 0 && out && out->len > before) { /* nothing of a bad entry */
		out->len = before;
		if (out->s)
			out->s[before] = '\0';
	}
	return rc < 0 ? rc : 0;
}

int archive_get(const char *dir, enum archive_kind kind, const char *hex,
		struct strbuf *out, struct diag *err)
{
	return read_entry(dir, kind, hex, out, err);
}

int archive_remove(const char *dir, enum archive_kind kind, const char *hex,
		   struct diag *err)
{
	char path[PATH_SIZE];
	if (archive_path(path, sizeof(path), dir, kind, hex) < 0 ||
	    (unlink(path) < 0 && errno != ENOENT))
		return diag_add(err, "cannot remove archive entry %s: %s", path,
				strerror(errno)),
		       FAIL_LOST;
	return 0;
}

int archive_check(const char *dir, enum archive_kind kind, const char *hex,
		  struct diag *err)
{
	return read_entry(dir, kind, hex, NULL, err);
}

/* Whether the entry is there and reads back right: 1; 0 if it is not
 * there or does not read right (w->replace set for the latter); or
 * FAIL_LOST if it could not be read. */
static int entry_sound(struct archive_writer *w, const char *dir,
		       enum archive_kind kind, struct diag *err)
{
	struct diag why;
	diag_init(&why);
	int r = archive_check(dir, kind, w->hex, &why);
	if (r == 0)
		return 1;
	if (r == FAIL_LOST) {
		diag_add(err, "%s", diag_reason(&why));
		return FAIL_LOST;
	}
	w->replace = access(w->path, F_OK) == 0;
	return 0;
}

static int writer_fail(struct archive_writer *w, struct diag *err,
		       const char *what, int e)
{
	diag_add(err, "archive entry %s: %s: %s", w->path, what, strerror(e));
	archive_writer_destroy(w);
	return FAIL_LOST;
}

/* The temporary file beside the entry (in its kind's folder if it is
 * named when committed), and the compressor. */
static int writer_open(struct archive_writer *w, enum archive_kind kind,
		       struct diag *err)
{
	if (!w->hex[0] &&
	    snprintf(w->path, sizeof(w->path), "%s/%s/(unnamed)", w->dir,
		     archive_kind_names[kind]) >= (int)sizeof(w->path))
		return writer_fail(w, err, "its path is too long",
				   ENAMETOOLONG);
	char folder[PATH_SIZE];
	char *slash = strrchr(w->path, '/');
	snprintf(folder, sizeof(folder), "%.*s", (int)(slash - w->path),
		 w->path);
	int e = make_dir(folder);
	if (e < 0)
		return writer_fail(w, err, "cannot make its folder", -e);
	snprintf(w->tmp, sizeof(w->tmp), "%.*s/.%s.zst.XXXXXX",
		 (int)(slash - w->path), w->path,
		 w->hex[0] ? w->hex : "unnamed");
	w->fd = mkstemp(w->tmp);
	if (w->fd < 0) {
		w->tmp[0] = '\0';
		return writer_fail(w, err, "cannot create a temporary file",
				   errno);
	}
	fchmod(w->fd, 0640);
	w->z = ZSTD_createCCtx();
	w->out_cap = ZSTD_CStreamOutSize();
	w->out = malloc(w->out_cap);
	if (!w->z || !w->out ||
	    ZSTD_isError(ZSTD_CCtx_setParameter(
		w->z, ZSTD_c_compressionLevel,
		kind == ARCHIVE_JOURNAL ? JOURNAL_LEVEL : ARCHIVE_LEVEL)) ||
	    ZSTD_isError(ZSTD_CCtx_setParameter(w->z, ZSTD_c_checksumFlag,
						1)))
		return writer_fail(w, err, "cannot start compressing", ENOMEM);
	/* Threads of their own if the library has them (else one). */
	ZSTD_CCtx_setParameter(w->z, ZSTD_c_nbWorkers, COMPRESS_THREADS);
	ZSTD_CCtx_setParameter(w->z, ZSTD_c_jobSize, COMPRESS_JOB);
	sha256_init(&w->h);
	return 0;
}

int archive_writer_create(const char *dir, enum archive_kind kind,
			  const char *hex, struct archive_writer **ret,
			  struct diag *err)
{
	*ret = NULL;
	struct archive_writer *w = calloc(1, sizeof(*w));
	if (!w) {
		diag_add(err, "archive: out of memory");
		return FAIL_LOST;
	}
	w->fd = -1;
	w->kind = kind;
	snprintf(w->dir, sizeof(w->dir), "%s", dir);
	if (hex && archive_path(w->path, sizeof(w->path), dir, kind, hex) < 0) {
		free(w);
		return diag_add(err, "archive: '%.80s' is no SHA-256 digest",
				hex);
	}
	if (hex) {
		memcpy(w->hex, hex, 65);
		int r = entry_sound(w, dir, kind, err);
		if (r != 0) {
			free(w);
			return r;
		}
	}
	int r = writer_open(w, kind, err);
	if (r == 0)
		*ret = w;
	return r;
}

/* Writes what the compressor gave: all of it, or w->error. */
static void write_out(struct archive_writer *w, size_t len)
{
	for (size_t done = 0; !w->error && done < len;) {
		ssize_t n = write(w->fd, (char *)w->out + done, len - done);
		if (n < 0 && errno != EINTR)
			w->error = errno;
		else if (n > 0)
			done += (size_t)n;
	}
}

/* Feeds data to the compressor (mode ZSTD_e_continue), or ends the frame
 * (ZSTD_e_end, data empty). */
static void compress(struct archive_writer *w, const void *data, size_t len,
		     ZSTD_EndDirective mode)
{
	ZSTD_inBuffer in = {data, len, 0};
	size_t left;
	do {
		ZSTD_outBuffer out = {w->out, w->out_cap, 0};
		left = ZSTD_compressStream2(w->z, &out, &in, mode);
		if (ZSTD_isError(left)) {
			w->error = EIO;
			return;
		}
		write_out(w, out.pos);
	} while (!w->error &&
		 (mode == ZSTD_e_end ? left != 0 : in.pos < in.size));
}

void archive_writer_add(struct archive_writer *w, const void *data,
			size_t len)
{
	if (w->error || !len)
		return;
	sha256_update(&w->h, data, len);
	compress(w, data, len, ZSTD_e_continue);
}

/* An unnamed entry's name, now that its content is known, and its
 * folder made. */
static int name_entry(struct archive_writer *w, const char *got,
		      struct diag *err)
{
	char folder[PATH_SIZE];
	memcpy(w->hex, got, 65);
	if (archive_path(w->path, sizeof(w->path), w->dir, w->kind, got) < 0)
		return writer_fail(w, err, "its path is too long",
				   ENAMETOOLONG);
	snprintf(folder, sizeof(folder), "%s", w->path);
	*strrchr(folder, '/') = '\0';
	int e = make_dir(folder);
	return e < 0 ? writer_fail(w, err, "cannot make its folder", -e) : 0;
}

int archive_writer_commit(struct archive_writer *w, char ret_hex[65],
			  struct diag *err)
{
	uint8_t d[32];
	char got[65];
	compress(w, "", 0, ZSTD_e_end);
	sha256_final(&w->h, d);
	seed_hex(d, 32, got);
	if (!w->error && w->hex[0] && strcmp(got, w->hex)) {
		diag_add(err, "archive entry %s: the content given does not "
			 "match the digest (its own is %s): not written",
			 w->path, got);
		archive_writer_destroy(w);
		return FAIL_INVALID;
	}
	if (w->error)
		return writer_fail(w, err, "cannot write", w->error);
	if (!w->hex[0] && name_entry(w, got, err) < 0)
		return FAIL_LOST;
	if (fsync(w->fd) < 0)
		return writer_fail(w, err, "cannot sync", errno);
	int fd = w->fd;
	w->fd = -1;
	if (close(fd) < 0)
		return writer_fail(w, err, "cannot close", errno);
	if (rename(w->tmp, w->path) < 0)
		return writer_fail(w, err, "cannot rename into place", errno);
	w->tmp[0] = '\0';
	int e = sync_parent(w->path);
	bool replaced = w->replace;
	if (e < 0)
		return writer_fail(w, err, "cannot sync its folder", -e);
	if (ret_hex)
		memcpy(ret_hex, got, 65);
	archive_writer_destroy(w);
	return replaced ? 2 : 0;
}

void archive_writer_destroy(struct archive_writer *w)
{
	if (!w)
		return;
	if (w->fd >= 0)
		close(w->fd);
	if (w->tmp[0])
		unlink(w->tmp);
	ZSTD_freeCCtx(w->z);
	free(w->out);
	free(w);
}

int archive_put(const char *dir, enum archive_kind kind, const void *data,
		size_t len, const char *hex, char ret_hex[65],
		struct diag *err)
{
	char own[65];
	uint8_t d[32];
	if (!hex) {
		sha256(data, len, d);
		seed_hex(d, 32, own);
		hex = own;
	}
	if (ret_hex)
		snprintf(ret_hex, 65, "%s", is_digest(hex) ? hex : "");
	struct archive_writer *w;
	int r = archive_writer_create(dir, kind, hex, &w, err);
	if (r != 0)
		return r;
	ZSTD_CCtx_setPledgedSrcSize(w->z, len); /* the size in the frame */
	archive_writer_add(w, data, len);
	return archive_writer_commit(w, NULL, err);
}
