/* Replies built in an arena: hiredis' reader, given its functions,
 * takes each reply's objects from a few large chunks instead of two
 * allocations a string. A fetch of the grade index reads some 20 million
 * strings, and allocating and freeing them one by one cost it more than
 * parsing them. Each reply read in the arena takes the place of the one
 * before: it is valid until the next, and never given to
 * freeReplyObject. */
#ifndef INSPECT_REPLY_ARENA_H
#define INSPECT_REPLY_ARENA_H

#include <hiredis/hiredis.h>

struct reply_arena;

/* NULL if out of memory. */
struct reply_arena *reply_arena_new(void);
/* The reader builds the next reply in the arena, in place of the
 * arena's last (whose chunks are kept): call around the reads of one
 * whole reply. */
void reply_arena_begin(struct reply_arena *a, redisReader *reader);
/* The reader builds replies as before. */
void reply_arena_end(struct reply_arena *a, redisReader *reader);
/* Frees the arena and every reply in it (NULL: nothing). */
void reply_arena_free(struct reply_arena *a);

#endif
