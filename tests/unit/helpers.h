/* Small builders shared by the unit tests. */
#ifndef TESTS_HELPERS_H
#define TESTS_HELPERS_H

#include <stddef.h>
#include <stdint.h>

#include "inspect/core/policy.h"
#include "inspect/core/population.h"

/* A valid USCC made from i: "91" + region 440304 + base-31 digits of i. */
void make_uscc(uint64_t i, char out[USCC_LEN]);
/* An entity of class cls with the given flags, never inspected. */
struct entity make_entity(uint64_t i, int cls, uint8_t flags);
/* counts[c] entities of class c, codes in canonical order. */
void make_population(const unsigned counts[CLASS_COUNT], struct population *p);
/* Parses YAML policy text; fails the test on error. */
void policy_from_text(const char *yaml, struct policy *p);
/* A new directory /tmp/<name>.XXXXXX into dir; fails the test if not. */
void temp_dir_make(char dir[64], const char *name);
/* Removes it and everything in it. */
void temp_dir_remove(const char *dir);
/* Loads a file under the source tree ("policies/henan-2021.yaml"). */
char *read_source_file(const char *relpath, size_t *len);

#endif
