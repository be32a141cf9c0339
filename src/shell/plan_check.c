#include "inspect/shell/plan_check.h"

#include <stdio.h>
#include <string.h>

#include "inspect/core/yaml_doc.h"

static bool joins(const struct plan *p, const char *department)
{
	if (!strcmp(p->department, department))
		return true;
	for (unsigned i = 0; i < p->n_joining; i++)
		if (!strcmp(p->joining[i], department))
			return true;
	return false;
}

static int items_check(const struct plan *p, unsigned ti,
		       const struct yaml_doc *d, const struct catalog *cat)
{
	const struct campaign *c = &p->tasks[ti].entry;
	char at[64];
	snprintf(at, sizeof(at), "tasks.%u.items", ti);
	for (unsigned i = 0; i < c->n_items; i++) {
		const struct item *it = item_find(&cat->items, c->items[i]);
		if (!it)
			return yaml_doc_error(d, at, "%s is not on the item "
					      "list", c->items[i]);
		if (it->pledge.on)
			return yaml_doc_error(d, at, "%s is a pledge item: "
					      "inspectd plans its verification "
					      "from the approvals", it->code);
		if (!joins(p, it->department))
			return yaml_doc_error(d, at, "%s is %s's: add %s to "
					      "joining for a joint task",
					      it->code, it->department,
					      it->department);
	}
	return 0;
}

/* Whether a refusal is of the task's fields (the same for every batch:
 * said once, where the task names them) rather than of the batch's. */
static const char *task_field(const char *reason)
{
	static const char *const fields[][2] = {
		{"field items:", "items"},     {"field policy:", "policy"},
		{"field regions:", "regions"}, {"field industries:", "industries"},
		{"field flags:", "flags"},     {"field task_type:", "type"}};
	for (size_t i = 0; i < sizeof(fields) / sizeof(*fields); i++)
		if (!strncmp(reason, fields[i][0], strlen(fields[i][0])))
			return fields[i][1];
	return NULL;
}

int plan_check(const struct plan *p, const struct yaml_doc *d,
	       const struct catalog *cat, unsigned max_backdate_days,
	       unsigned visit_days)
{
	int r = 0;
	for (unsigned t = 0; t < p->n_tasks; t++) {
		const struct plan_task *task = &p->tasks[t];
		if (items_check(p, t, d, cat) < 0) {
			r = -1;
			continue;
		}
		for (unsigned b = 0; b < task->n_batches; b++) {
			const struct plan_batch *batch = &task->batches[b];
			struct plan_entry e;
			struct campaign c;
			struct diag why;
			char at[64];
			diag_init(&why);
			plan_batch_entry(p, task, batch, &e);
			const struct campaign_dates on = {
				batch->freeze, batch->freeze,
				max_backdate_days, visit_days};
			plan_batch_path(t, b, at, sizeof(at));
			if (campaign_parse(e.f, e.n, &c, &why) == 0 &&
			    campaign_check(&c, cat, &on, &why) == 0)
				continue;
			r = -1;
			const char *reason = diag_reason(&why);
			const char *field = task_field(reason);
			if (!field) {
				yaml_doc_error(d, at, "campaign %s, frozen on "
					       "its day: %s", batch->id, reason);
				continue;
			}
			snprintf(at, sizeof(at), "tasks.%u.%s", t, field);
			yaml_doc_error(d, at, "%s", strchr(reason, ':') + 2);
			break; /* the same for every batch of the task */
		}
	}
	return r ? -1 : 0;
}
