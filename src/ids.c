/*
 * ids.c -- UUIDv7 case ids and tracking tokens (see ids.h), on libsodium.
 */
#include "ids.h"

#include <string.h>

#include <sodium.h>

int
ids_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

void
ids_uuid7(int64_t unix_ms, char out[IDS_UUID_TEXT])
{
	static const char hex[] = "0123456789abcdef";
	uint8_t b[16];
	size_t k = 0;

	randombytes_buf(b + 6, 10);
	for (int i = 0; i < 6; i++)
		b[i] = (uint8_t)((uint64_t)unix_ms >> (40 - 8 * i));
	b[6] = (uint8_t)(0x70 | (b[6] & 0x0f));     /* version 7 */
	b[8] = (uint8_t)(0x80 | (b[8] & 0x3f));     /* variant 10 */
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[k++] = '-';
		out[k++] = hex[b[i] >> 4];
		out[k++] = hex[b[i] & 15];
	}
	out[k] = '\0';
}

int
ids_uuid_valid(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i < 36; i++) {
		int dash = i == 8 || i == 13 || i == 18 || i == 23;
		char c = s[i];

		if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
			return 0;
	}
	return i == 36 && s[36] == '\0';
}

void
ids_token(char out[IDS_TOKEN_TEXT], uint8_t hash[IDS_HASH_BYTES])
{
	uint8_t raw[16];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, IDS_TOKEN_TEXT, raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
	ids_token_hash(out, hash);
}

void
ids_token_hash(const char *token, uint8_t hash[IDS_HASH_BYTES])
{
	size_t n = strnlen(token, 256);

	crypto_generichash(hash, IDS_HASH_BYTES, (const unsigned char *)token, n, NULL, 0);
}
