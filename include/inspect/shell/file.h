/* Whole files for the shells: mapped read-only, or read into memory. */
#ifndef INSPECT_FILE_H
#define INSPECT_FILE_H

#include <stddef.h>

struct mapped_file {
	const char *data;
	size_t len;
	void *base; /* what to unmap; NULL for an empty file */
};

/* Both take regular files only (a FIFO or a device is -EINVAL, never
 * waited on or read for ever). Returns 0 or -errno. */
int file_map(const char *path, struct mapped_file *ret);
void file_unmap(struct mapped_file *f);
/* Reads up to max bytes (NUL-terminated); -EFBIG if larger. Caller frees. */
int file_read(const char *path, size_t max, char **ret_data,
	      size_t *ret_len);
/* Writes the whole file through a temporary and a rename, so a reader
 * never sees half of it. Returns 0 or -errno. */
int file_write(const char *path, const char *data, size_t len);

#endif
