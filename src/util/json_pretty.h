/*
 * json_pretty.h -- JSON text laid out for people to read: two-space
 * indentation and ": " after names, exactly as JavaScript's
 * JSON.stringify(value, null, 2) lays it out (cJSON_Print indents with
 * tabs and puts a tab after every colon).  Used for the documents and
 * examples the developer page shows, so a test can compare them to what a
 * client prints.
 */
#ifndef ABUSEDESK_JSON_PRETTY_H
#define ABUSEDESK_JSON_PRETTY_H

#include <cjson/cJSON.h>

#include "util/buf.h"

/*
 * Append v as indented JSON text to b (no trailing newline).  Empty objects
 * and arrays are written "{}" and "[]".  0, or -1 when b is full or memory
 * runs out (b then holds a partial text).
 */
int json_pretty(buf *b, const cJSON *v);
/*
 * The same layout as a Python literal: true, false and null become True,
 * False and None (JSON's string escapes are valid in Python strings), for
 * copy-paste examples.  0 or -1 as json_pretty().
 */
int json_pretty_python(buf *b, const cJSON *v);

#endif
