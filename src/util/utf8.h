/*
 * utf8.h -- UTF-8 well-formedness and code point counting.
 *
 * cJSON does not check UTF-8, so every body is checked once with
 * utf8_valid() before it is trusted; lengths of fields are counted in code
 * points with utf8_count().
 */
#ifndef ABUSEDESK_UTF8_H
#define ABUSEDESK_UTF8_H

#include <stddef.h>

/*
 * 0 if [s, s+n) is well-formed UTF-8 (RFC 3629: shortest form, no
 * surrogates, nothing above U+10FFFF); else -1 and *bad (if not NULL) is
 * the offset of the first byte of the first bad sequence.
 */
int utf8_valid(const char *s, size_t n, size_t *bad);
/* Number of code points in well-formed UTF-8 text. */
size_t utf8_count(const char *s, size_t n);
/*
 * Cut a NUL-terminated string that snprintf may have cut inside a
 * character back to its last whole character (in place).
 */
void utf8_truncate(char *s);
/* Encode code point cp (<= 0x10FFFF, not a surrogate) into out[4]; returns bytes written. */
size_t utf8_encode(unsigned cp, char out[4]);

#endif
