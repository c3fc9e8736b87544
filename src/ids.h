/*
 * ids.h -- case ids and tracking tokens.
 *
 * A case id is a UUID version 7 (RFC 9562): 48 bits of Unix milliseconds
 * then random bits, so ids sort by time.  A tracking token is 128 random
 * bits in base64url (22 characters); it is given to the reporter once and
 * only its BLAKE2b-256 hash is stored (a token has full entropy, so a fast
 * hash is enough: there is nothing to guess).
 */
#ifndef ABUSEDESK_IDS_H
#define ABUSEDESK_IDS_H

#include <stddef.h>
#include <stdint.h>

#define IDS_UUID_TEXT 37       /* 36 + NUL */
#define IDS_TOKEN_TEXT 23      /* 22 + NUL */
#define IDS_HASH_BYTES 32

/* Call once at start-up (sodium_init); 0 or -1. */
int ids_init(void);
/* A new UUIDv7 for the given time, lower-case text. */
void ids_uuid7(int64_t unix_ms, char out[IDS_UUID_TEXT]);
/* 1 if s is a well-formed UUID text (any version, lower or upper case hex). */
int ids_uuid_valid(const char *s);
/* A new tracking token and its hash. */
void ids_token(char out[IDS_TOKEN_TEXT], uint8_t hash[IDS_HASH_BYTES]);
/* The hash of a token as presented by a client (any text; bounded length). */
void ids_token_hash(const char *token, uint8_t hash[IDS_HASH_BYTES]);

#endif
