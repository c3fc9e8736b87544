/*
 * multipart.c -- fuzz target: multipart/form-data bodies as the portal
 * takes them (src/util/multipart.c), with the portal's limits.
 *
 * Input: the Content-Type value, a '\n', then the body (an input without
 * '\n' is all Content-Type).  multipart_boundary() reads the boundary from
 * the Content-Type; when there is one, multipart_parse() splits the body.
 *
 * Invariants: a boundary is 1-70 bytes without NUL; every slice of every
 * part lies inside the body; names are never empty; the counts and sizes
 * stay within the limits; a refusal has a kind, a NUL-terminated message
 * and name, and an offset inside the body.
 */
#include <string.h>

#include "bounds.h"
#include "fuzz.h"
#include "util/multipart.h"

static int
inside(const char *body, size_t len, const char *p, size_t n)
{
	return p >= body && n <= len && (size_t)(p - body) <= len - n;
}

static void
check_parts(const char *body, size_t len, const multipart_limits *lim, const multipart_part *parts, size_t n)
{
	size_t files = 0, fields = 0;

	FUZZ_CHECK(n <= lim->max_parts);
	for (size_t i = 0; i < n; i++) {
		const multipart_part *p = &parts[i];

		FUZZ_CHECK(p->name_len > 0 && inside(body, len, p->name, p->name_len));
		FUZZ_CHECK(p->filename == NULL || inside(body, len, p->filename, p->filename_len));
		FUZZ_CHECK(p->type == NULL || inside(body, len, p->type, p->type_len));
		FUZZ_CHECK(p->data_len == 0 || inside(body, len, p->data, p->data_len));
		if (p->filename != NULL) {
			files++;
		} else {
			FUZZ_CHECK(p->data_len <= lim->max_field_bytes);
			fields += p->data_len;
		}
	}
	FUZZ_CHECK(files <= lim->max_files);
	FUZZ_CHECK(fields <= lim->max_fields_bytes);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const multipart_limits lim = {LIMIT_MULTIPART_PARTS, LIMIT_MULTIPART_HEADER,
	    LIMIT_MULTIPART_FIELD, LIMIT_PORTAL_FORM_BYTES, 1};
	const uint8_t *nl = memchr(data, '\n', size);
	size_t ct_len = nl != NULL ? (size_t)(nl - data) : size;
	char *ct = fuzz_cstr(data, ct_len <= 1024 ? ct_len : 1024);
	const char *body = nl != NULL ? (const char *)nl + 1 : "";
	size_t len = nl != NULL ? size - ct_len - 1 : 0, n = 0;
	char boundary[MULTIPART_BOUNDARY_MAX + 1];
	multipart_part *parts = calloc(LIMIT_MULTIPART_PARTS, sizeof(*parts));
	multipart_error err;

	FUZZ_CHECK(parts != NULL);
	memset(&err, 0, sizeof(err));
	if (multipart_boundary(ct, boundary, sizeof(boundary), &err) < 0) {
		FUZZ_CHECK(err.kind == MULTIPART_BOUNDARY && err.message[0] != '\0');
		goto out;
	}
	FUZZ_CHECK(strlen(boundary) >= 1 && strlen(boundary) <= MULTIPART_BOUNDARY_MAX);
	memset(&err, 0, sizeof(err));
	if (multipart_parse(body, len, boundary, &lim, parts, &n, &err) < 0) {
		FUZZ_CHECK(err.kind != MULTIPART_OK && err.offset <= len);
		FUZZ_CHECK(strnlen(err.message, sizeof(err.message)) < sizeof(err.message) && err.message[0] != '\0');
		FUZZ_CHECK(strnlen(err.name, sizeof(err.name)) < sizeof(err.name));
		goto out;
	}
	check_parts(body, len, &lim, parts, n);
out:
	free(parts);
	free(ct);
	return 0;
}
