#include "inspect/shell/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Opens a regular file for reading without blocking on a FIFO (or any
 * special file: a device such as /dev/zero is refused, not read for ever).
 * Returns the descriptor, or -errno (-EINVAL for a file not regular). */
static int open_regular(const char *path, struct stat *st)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
		int r = S_ISREG(st->st_mode) ? -errno : -EINVAL;
		close(fd);
		return r;
	}
	return fd;
}

int file_map(const char *path, struct mapped_file *ret)
{
	struct stat st;
	int fd = open_regular(path, &st);
	if (fd < 0)
		return fd;
	ret->len = (size_t)st.st_size;
	ret->base = NULL;
	ret->data = "";
	if (ret->len > 0) {
		void *p = mmap(NULL, ret->len, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED) {
			int r = -errno;
			close(fd);
			return r;
		}
		ret->base = p;
		ret->data = p;
	}
	close(fd);
	return 0;
}

void file_unmap(struct mapped_file *f)
{
	if (f->base)
		munmap(f->base, f->len);
	f->base = NULL;
}

int file_read(const char *path, size_t max, char **ret_data, size_t *ret_len)
{
	struct stat st;
	int fd = open_regular(path, &st);
	if (fd < 0)
		return fd;
	FILE *fp = fdopen(fd, "rb");
	if (!fp) {
		int r = -errno;
		close(fd);
		return r;
	}
	/* Room for the file as stat saw it (one byte more, to see that it is
	 * at its end), grown while it keeps coming, up to max + 1: not max
	 * bytes for every file. */
	size_t cap = (st.st_size >= 0 && (uint64_t)st.st_size < max
			      ? (size_t)st.st_size
			      : max) + 1;
	char *buf = malloc(cap + 1);
	size_t n = buf ? fread(buf, 1, cap, fp) : 0;
	while (buf && n == cap && cap <= max) {
		size_t more = cap > max / 2 ? max + 1 : 2 * cap;
		char *g = realloc(buf, more + 1);
		if (!g) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = g;
		n += fread(buf + n, 1, more - n, fp);
		cap = more;
	}
	if (!buf) {
		fclose(fp);
		return -ENOMEM;
	}
	int r = ferror(fp) ? -EIO : n > max ? -EFBIG : 0;
	fclose(fp);
	if (r < 0) {
		free(buf);
		return r;
	}
	buf[n] = '\0';
	*ret_data = buf;
	*ret_len = n;
	return 0;
}

int file_write(const char *path, const char *data, size_t len)
{
	char tmp[4096];
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	for (size_t done = 0; done < len;) {
		ssize_t n = write(fd, data + done, len - done);
		if (n < 0) {
			int e = errno;
			close(fd);
			unlink(tmp);
			return -e;
		}
		done += (size_t)n;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		int e = errno;
		unlink(tmp);
		return -e;
	}
	return 0;
}
