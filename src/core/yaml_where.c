#include "inspect/core/yaml_doc.h"

#include <stdio.h>
#include <string.h>
#include <yaml.h>

#define MAX_DEPTH 16

/* The containers above the current event: for a mapping, whether its next
 * scalar is a key and the last key seen (which names the value below it);
 * for a sequence, the index of its current element (a path names it
 * "tasks.0.batches.1"). */
struct frame {
	bool mapping;
	bool expect_key;
	char key[64];
	unsigned index;
};

struct walk {
	struct frame f[MAX_DEPTH];
	int depth;
	const char *path;
	unsigned line, col;
};

static bool at_path(const struct walk *w)
{
	char buf[MAX_DEPTH * 65] = "";
	for (int i = 0; i < w->depth; i++) {
		if (i)
			strcat(buf, ".");
		if (w->f[i].mapping)
			strcat(buf, w->f[i].key);
		else
			sprintf(buf + strlen(buf), "%u", w->f[i].index);
	}
	return w->depth > 0 && strcmp(buf, w->path) == 0;
}

/* A value starts at mark: report it if its path is the one looked for, and
 * let the enclosing mapping expect a key next. */
static bool value(struct walk *w, const yaml_mark_t *mark)
{
	if (at_path(w)) {
		w->line = (unsigned)mark->line + 1;
		w->col = (unsigned)mark->column + 1;
		return true;
	}
	return false;
}

static void value_done(struct walk *w)
{
	struct frame *top = w->depth > 0 ? &w->f[w->depth - 1] : NULL;
	if (top && top->mapping)
		top->expect_key = true;
	else if (top)
		top->index++;
}

static bool push(struct walk *w, bool mapping)
{
	if (w->depth >= MAX_DEPTH)
		return false;
	struct frame *f = &w->f[w->depth++];
	f->mapping = mapping;
	f->expect_key = mapping;
	f->key[0] = '\0';
	f->index = 0;
	return true;
}

/* Returns 1 when found, -1 when the walk must stop, 0 to go on. */
static int step(struct walk *w, const yaml_event_t *ev)
{
	struct frame *top = w->depth ? &w->f[w->depth - 1] : NULL;
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		if (top && top->mapping && top->expect_key) {
			snprintf(top->key, sizeof(top->key), "%s",
				 (const char *)ev->data.scalar.value);
			top->expect_key = false;
			/* "**.k": the first key named k, at any depth. */
			if (strncmp(w->path, "**.", 3) == 0 &&
			    strcmp(top->key, w->path + 3) == 0) {
				w->line = (unsigned)ev->start_mark.line + 1;
				w->col = (unsigned)ev->start_mark.column + 1;
				return 1;
			}
			return 0;
		}
		if (value(w, &ev->start_mark))
			return 1;
		value_done(w);
		return 0;
	case YAML_MAPPING_START_EVENT:
	case YAML_SEQUENCE_START_EVENT:
		if (value(w, &ev->start_mark))
			return 1;
		return push(w, ev->type == YAML_MAPPING_START_EVENT) ? 0 : -1;
	case YAML_MAPPING_END_EVENT:
	case YAML_SEQUENCE_END_EVENT:
		w->depth--;
		value_done(w);
		return 0;
	case YAML_STREAM_END_EVENT:
		return -1;
	default:
		return 0;
	}
}

bool yaml_doc_where(const char *text, size_t len, const char *path,
		unsigned *ret_line, unsigned *ret_col)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	struct walk w = {.depth = 0, .path = path};
	int r = 0;

	if (!yaml_parser_initialize(&parser))
		return false;
	yaml_parser_set_input_string(&parser, (const unsigned char *)text,
				     len);
	while (r == 0 && yaml_parser_parse(&parser, &ev)) {
		r = step(&w, &ev);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	if (r != 1)
		return false;
	*ret_line = w.line;
	*ret_col = w.col;
	return true;
}
