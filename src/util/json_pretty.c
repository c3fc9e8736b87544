/*
 * json_pretty.c -- indented JSON text (see json_pretty.h).
 *
 * Scalars are printed by cJSON itself (its string escaping and number
 * formatting); only the layout is ours.  Depth is bounded by the tree the
 * caller built, which is our own data (documents and examples), never a
 * client's body.
 */
#include "util/json_pretty.h"

#include <stdlib.h>

static int
indent(buf *b, int depth)
{
	if (buf_putc(b, '\n') < 0)
		return -1;
	for (int i = 0; i < depth; i++)
		if (buf_puts(b, "  ") < 0)
			return -1;
	return 0;
}

/* A scalar (or the name of a member, as a string) through cJSON's printer. */
static int
scalar(buf *b, const cJSON *v, int python)
{
	char *text;

	if (python && (cJSON_IsBool(v) || cJSON_IsNull(v)))
		return buf_puts(b, cJSON_IsTrue(v) ? "True" : cJSON_IsFalse(v) ? "False" : "None");
	text = cJSON_PrintUnformatted(v);
	int rc;

	if (text == NULL)
		return -1;
	rc = buf_puts(b, text);
	free(text);
	return rc;
}

static int
member_name(buf *b, const char *name)
{
	cJSON *s = cJSON_CreateString(name);
	int rc = s != NULL ? scalar(b, s, 0) : -1;

	cJSON_Delete(s);
	return rc < 0 ? -1 : buf_puts(b, ": ");
}

static int
value(buf *b, const cJSON *v, int depth, int python)
{
	int is_obj = cJSON_IsObject(v);
	const cJSON *it;

	if (!is_obj && !cJSON_IsArray(v))
		return scalar(b, v, python);
	if (v->child == NULL)
		return buf_puts(b, is_obj ? "{}" : "[]");
	if (buf_putc(b, is_obj ? '{' : '[') < 0)
		return -1;
	for (it = v->child; it != NULL; it = it->next) {
		if (indent(b, depth + 1) < 0)
			return -1;
		if (is_obj && member_name(b, it->string != NULL ? it->string : "") < 0)
			return -1;
		if (value(b, it, depth + 1, python) < 0)
			return -1;
		if (it->next != NULL && buf_putc(b, ',') < 0)
			return -1;
	}
	if (indent(b, depth) < 0)
		return -1;
	return buf_putc(b, is_obj ? '}' : ']');
}

int
json_pretty(buf *b, const cJSON *v)
{
	if (v == NULL)
		return -1;
	return value(b, v, 0, 0);
}

int
json_pretty_python(buf *b, const cJSON *v)
{
	if (v == NULL)
		return -1;
	return value(b, v, 0, 1);
}
