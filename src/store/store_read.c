/*
 * store_read.c -- the store's reads (store.h: store_get_status(),
 * store_get_report_json(), the counts) on a pool of read connections,
 * opened by store_open().
 *
 * READS
 *
 * A pool of read-only connections (readers), each with its statements
 * prepared once; a caller takes one, uses it, resets its statement (so no
 * read transaction is left open to hold back WAL checkpoints) and gives it
 * back.  In WAL mode they never wait for the writer.
 */
#include "store_int.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#include "util/xalloc.h"

/* ---- statements -------------------------------------------------------- */

static const char *const rsql[R_COUNT] = {
	[R_STATUS] = "SELECT token_hash, case_id, status, received_ms,"
		" updated_ms, threat_type, incident_type, attack_method,"
		" n_indicators FROM reports WHERE case_id = ?1",
	[R_JSON] = "SELECT report_json FROM reports WHERE case_id = ?1",
	[R_BY_INDICATOR] = "SELECT count(DISTINCT report_id) FROM indicators"
		" WHERE kind = ?1 AND value = ?2",
	[R_COUNT_REPORTS] = "SELECT count(*) FROM reports",
};

/* ---- readers ----------------------------------------------------------- */

static struct reader *
reader_take(struct store *st)
{
	struct reader *rd;

	pthread_mutex_lock(&st->rmu);
	while (st->nidle == 0)
		pthread_cond_wait(&st->rfree, &st->rmu);
	rd = &st->readers[st->idle[--st->nidle]];
	pthread_mutex_unlock(&st->rmu);
	return rd;
}

static void
reader_give(struct store *st, struct reader *rd)
{
	pthread_mutex_lock(&st->rmu);
	st->idle[st->nidle++] = (unsigned)(rd - st->readers);
	pthread_cond_signal(&st->rfree);
	pthread_mutex_unlock(&st->rmu);
}

/* Copy a text column into a fixed field; -1 if it does not fit. */
static int
copy_col(char *dst, size_t size, sqlite3_stmt *s, int col)
{
	const unsigned char *t = sqlite3_column_text(s, col);
	size_t n = (size_t)sqlite3_column_bytes(s, col);

	if (t == NULL)
		n = 0;
	if (n >= size)
		return -1;
	if (n > 0)
		memcpy(dst, t, n);
	dst[n] = '\0';
	return 0;
}

static int
token_matches(sqlite3_stmt *s, const uint8_t *token_hash)
{
	static const uint8_t none[STORE_TOKEN_HASH_BYTES];
	const void *h = sqlite3_column_blob(s, 0);
	int ok = sqlite3_column_bytes(s, 0) == STORE_TOKEN_HASH_BYTES && h != NULL;

	/* Compare even when the stored hash is unusable: same work either way. */
	return (sodium_memcmp(ok ? h : none, token_hash, STORE_TOKEN_HASH_BYTES) == 0) & ok;
}

static int
status_row(sqlite3_stmt *s, const uint8_t *token_hash, store_status *out)
{
	store_status v;
	int bad = 0;

	if (!token_matches(s, token_hash))
		return STORE_NOTFOUND;
	memset(&v, 0, sizeof v);
	bad |= copy_col(v.case_id, sizeof v.case_id, s, 1);
	bad |= copy_col(v.status, sizeof v.status, s, 2);
	v.received_ms = sqlite3_column_int64(s, 3);
	v.updated_ms = sqlite3_column_int64(s, 4);
	bad |= copy_col(v.threat_type, sizeof v.threat_type, s, 5);
	bad |= copy_col(v.incident_type, sizeof v.incident_type, s, 6);
	bad |= copy_col(v.attack_method, sizeof v.attack_method, s, 7);
	v.n_indicators = (size_t)sqlite3_column_int64(s, 8);
	if (bad) {
		fprintf(stderr, "abusedesk: store: read status: a stored value"
		    " is longer than store_status allows\n");
		return STORE_ERR;
	}
	*out = v;
	return STORE_OK;
}

int
store_get_status(store *st, const char *case_id, const uint8_t *token_hash, store_status *out)
{
	static const uint8_t none[STORE_TOKEN_HASH_BYTES];
	struct reader *rd;
	sqlite3_stmt *s;
	int rc;

	assert(st != NULL && case_id != NULL && token_hash != NULL && out != NULL);
	rd = reader_take(st);
	s = rd->stmt[R_STATUS];
	rc = store_bind_text(s, 1, case_id) ? sqlite3_step(s) : sqlite3_errcode(rd->db);

	if (rc == SQLITE_ROW) {
		rc = status_row(s, token_hash, out);
	} else if (rc == SQLITE_DONE) {
		/* Unknown id: compare anyway, as for a wrong token. */
		int same = sodium_memcmp(none, token_hash, STORE_TOKEN_HASH_BYTES);

		(void)same;
		rc = STORE_NOTFOUND;
	} else {
		rc = store_fail(rd->db, "read status", rc);
	}
	(void)sqlite3_reset(s);
	reader_give(st, rd);
	return rc;
}

static int
json_row(sqlite3_stmt *s, char **json)
{
	const unsigned char *t = sqlite3_column_text(s, 0);
	size_t n = (size_t)sqlite3_column_bytes(s, 0);
	char *p;

	if (t == NULL)
		n = 0;
	p = malloc(n + 1);  /* input-sized (up to the body limit): not xmalloc */
	if (p == NULL) {
		fprintf(stderr, "abusedesk: store: read report: out of memory\n");
		return STORE_ERR;
	}
	if (n > 0)
		memcpy(p, t, n);
	p[n] = '\0';
	*json = p;
	return STORE_OK;
}

int
store_get_report_json(store *st, const char *case_id, char **json)
{
	struct reader *rd;
	sqlite3_stmt *s;
	int rc;

	assert(st != NULL && case_id != NULL && json != NULL);
	rd = reader_take(st);
	s = rd->stmt[R_JSON];
	rc = store_bind_text(s, 1, case_id) ? sqlite3_step(s) : sqlite3_errcode(rd->db);

	if (rc == SQLITE_ROW)
		rc = json_row(s, json);
	else if (rc == SQLITE_DONE)
		rc = STORE_NOTFOUND;
	else
		rc = store_fail(rd->db, "read report", rc);
	(void)sqlite3_reset(s);
	reader_give(st, rd);
	return rc;
}

/* Step a one-row count query and give its value. */
static int
count_row(struct reader *rd, sqlite3_stmt *s, const char *what, long *count)
{
	int rc = sqlite3_step(s);

	if (rc == SQLITE_ROW) {
		*count = (long)sqlite3_column_int64(s, 0);
		rc = STORE_OK;
	} else {
		rc = store_fail(rd->db, what, rc);
	}
	(void)sqlite3_reset(s);
	return rc;
}

int
store_count_by_indicator(store *st, enum store_kind kind, const char *value, long *count)
{
	struct reader *rd;
	sqlite3_stmt *s;
	int rc;

	assert(st != NULL && value != NULL && count != NULL);
	rd = reader_take(st);
	s = rd->stmt[R_BY_INDICATOR];
	if (store_bind_int(s, 1, kind) && store_bind_text(s, 2, value))
		rc = count_row(rd, s, "count by indicator", count);
	else
		rc = store_fail(rd->db, "bind indicator", sqlite3_errcode(rd->db));
	reader_give(st, rd);
	return rc;
}

int
store_count_reports(store *st, long *count)
{
	struct reader *rd;
	int rc;

	assert(st != NULL && count != NULL);
	rd = reader_take(st);
	rc = count_row(rd, rd->stmt[R_COUNT_REPORTS], "count reports", count);
	reader_give(st, rd);
	return rc;
}

int
store_open_readers(struct store *st, const char *path, char *err, size_t errlen)
{
	int flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;

	st->readers = xcalloc(st->nreaders, sizeof *st->readers);
	st->idle = xcalloc(st->nreaders, sizeof *st->idle);
	for (unsigned i = 0; i < st->nreaders; i++) {
		struct reader *rd = &st->readers[i];
		int rc = sqlite3_open_v2(path, &rd->db, flags, NULL);

		if (rc != SQLITE_OK)
			return store_open_fail(rd->db, "cannot open read connection", rc, err, errlen);
		(void)sqlite3_busy_timeout(rd->db, BUSY_TIMEOUT_MS);
		rc = store_prepare_all(rd->db, rsql, rd->stmt, R_COUNT, err, errlen);
		if (rc != 0)
			return rc;
		st->idle[st->nidle++] = i;
	}
	return 0;
}
