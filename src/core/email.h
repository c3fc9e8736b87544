/*
 * email.h -- reporter email addresses.  Pure.
 *
 * local@domain: the local part is an ASCII dot-atom (RFC 5322, no quoted
 * forms), at most 64 characters; the domain has a dot, labels of letters,
 * digits and hyphens (IDN allowed: stored in ASCII/punycode form), a TLD
 * that is not all digits; at most 254 characters in all.
 */
#ifndef ABUSEDESK_EMAIL_H
#define ABUSEDESK_EMAIL_H

#include <stddef.h>

/*
 * Check s; 0 with *normalized (local part as given, domain in lower-case
 * ASCII form; caller frees), or -1 with a plain-language reason in why.
 */
int email_check(const char *s, char **normalized, char *why, size_t whylen);

#endif
