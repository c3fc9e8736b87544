/*
 * multipart.h -- multipart/form-data bodies (RFC 7578, on RFC 2046's
 * multipart syntax) read into a list of parts.
 *
 * Pure and bounded: the parser looks only at the bytes it is given, keeps
 * nothing between calls and allocates nothing.  The caller gives an array
 * of max_parts parts; every pointer in a part is a slice of the body
 * (borrowed: valid as long as the body).  Field names and file names are
 * the bytes between the quotes of Content-Disposition, undecoded (browsers
 * write '"' as %22 and CR LF as %0D%0A there, and do not escape '%', so no
 * decoding is exact; names in this project are plain ASCII paths).
 *
 * Accepted: an optional preamble before the first delimiter; parts whose
 * headers are CRLF-terminated lines with Content-Disposition: form-data
 * and a name; an optional Content-Type; other headers ignored; transport
 * padding (spaces, tabs) after a delimiter; anything after the closing
 * delimiter.  Refused, each with its own message: no boundary in the
 * Content-Type, a body without the delimiter or the closing delimiter, a
 * part without name, header lines that are folded or too long, a delimiter
 * followed by other text, and the bounds below.
 */
#ifndef ABUSEDESK_MULTIPART_H
#define ABUSEDESK_MULTIPART_H

#include <stddef.h>

#define MULTIPART_BOUNDARY_MAX 70    /* RFC 2046: 1 to 70 characters */

typedef struct multipart_part {
	const char *name;          /* never empty */
	size_t name_len;
	const char *filename;      /* NULL when the part is not a file (may be "" for a file input left empty) */
	size_t filename_len;
	const char *type;          /* the part's Content-Type value, or NULL */
	size_t type_len;
	const char *data;
	size_t data_len;
} multipart_part;

typedef struct multipart_limits {
	size_t max_parts;          /* parts in one body: the size of the caller's array */
	size_t max_header_bytes;   /* the header block of one part */
	size_t max_field_bytes;    /* data of one part that is not a file */
	size_t max_fields_bytes;   /* data of all parts that are not files, together */
	size_t max_files;          /* parts with a filename */
} multipart_limits;

enum multipart_error_kind {
	MULTIPART_OK = 0,
	MULTIPART_BOUNDARY,        /* the Content-Type has no usable boundary */
	MULTIPART_SYNTAX,          /* not multipart/form-data; offset says where */
	MULTIPART_TOO_MANY,        /* more than max_parts parts */
	MULTIPART_HEADER_TOO_LARGE,/* a part's headers longer than max_header_bytes */
	MULTIPART_FIELD_TOO_LARGE, /* a field over max_field_bytes, or all over max_fields_bytes; name set */
	MULTIPART_FILES,           /* more file parts than max_files; name set */
};

typedef struct multipart_error {
	enum multipart_error_kind kind;
	size_t offset;             /* byte offset in the body where the problem is */
	char name[128];            /* the field the problem belongs to, or "" */
	char message[256];         /* plain-language message */
} multipart_error;

/*
 * The boundary parameter of a Content-Type value ("multipart/form-data;
 * boundary=xyz", the value quoted or not, the parameter name in any case).
 * 0 with the boundary in out (NUL-terminated; outlen >= MULTIPART_BOUNDARY_MAX + 1),
 * or -1 with err (MULTIPART_BOUNDARY) when the media type is not
 * multipart/form-data or the boundary is missing, empty, too long or has
 * characters RFC 2046 does not allow.
 */
int multipart_boundary(const char *content_type, char *out, size_t outlen, multipart_error *err);

/*
 * Split body[0..len) on boundary into parts[0..*n_parts).  0, or -1 with
 * err filled (*n_parts then undefined).  lim->max_parts parts fit in parts.
 */
int multipart_parse(const char *body, size_t len, const char *boundary,
    const multipart_limits *lim, multipart_part *parts, size_t *n_parts, multipart_error *err);

#endif
