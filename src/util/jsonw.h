/*
 * jsonw.h -- a small streaming JSON writer into the bounded buffer, whose
 * output is byte for byte what cJSON_PrintUnformatted() (cJSON 1.7.15)
 * prints for the same tree: the same string escapes (\" \\ \b \f \n \r \t,
 * other bytes below 0x20 as \u00xx in lower-case hex, everything else as
 * is) and the same numbers.
 *
 * Why it exists: the answer to a test submission was built as a cJSON tree
 * (a node and a string copy per value) and printed by cJSON, which prints
 * every number through snprintf("%1.15g") and checks it with sscanf:
 * 59 000 of the 178 000 instructions of a whole test submission (measured
 * with callgrind, bench/cpu/).  Writing the text directly costs 11 900.
 *
 * Errors are sticky: once an append fails (the buffer's maximum, or memory)
 * every later call does nothing and jsonw_finish() says -1, so a writer of
 * many members checks once, at the end.  Nesting beyond JSONW_DEPTH_MAX is
 * a programmer error (asserted); the writer is for our own answers, never
 * for echoing a client's structure.
 *
 * Ownership: the buffer is the caller's; the writer only appends to it.
 */
#ifndef ABUSEDESK_JSONW_H
#define ABUSEDESK_JSONW_H

#include <stdint.h>

#include "util/buf.h"

#define JSONW_DEPTH_MAX 32

typedef struct jsonw {
	buf *b;
	unsigned depth;          /* open objects and arrays */
	uint32_t has_member;     /* bit d: the container at depth d has a member already */
	int failed;
} jsonw;

/* Start writing one JSON value at the end of b. */
void jsonw_init(jsonw *w, buf *b);

/*
 * Each value-writing call takes the member's name as key when the value
 * goes into an object, and NULL when it goes into an array or is the
 * top-level value.  The name is escaped as a string.
 */
void jsonw_object_begin(jsonw *w, const char *key);
void jsonw_object_end(jsonw *w);
void jsonw_array_begin(jsonw *w, const char *key);
void jsonw_array_end(jsonw *w);
/* A string value; s must be NUL-terminated (as a cJSON string is). */
void jsonw_string(jsonw *w, const char *key, const char *s);
/* A number holding an integer, printed as cJSON prints the double (double)v. */
void jsonw_int(jsonw *w, const char *key, long long v);
void jsonw_bool(jsonw *w, const char *key, int v);
/* JSON text written as is (as cJSON_CreateRaw); the caller vouches it is valid. */
void jsonw_raw(jsonw *w, const char *key, const char *json);

/* 0 when everything was written and every container closed, else -1. */
int jsonw_finish(const jsonw *w);

#endif
