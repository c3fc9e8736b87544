/*
 * store_write.c -- the store's writes (store.h: store_submit(), store_put(),
 * store_ready()): group commit on one writer thread, which owns the write
 * connection and hands each committed batch to the syncer (store_sync.c).
 *
 * GROUP COMMIT
 *
 * One writer thread owns the write connection.  store_submit() puts a job in
 * a bounded ring (max_queue; full means STORE_BUSY, the caller answers 503)
 * and wakes the writer.  The writer takes everything queued, up to max_batch,
 * and commits it as one transaction:
 *
 *   BEGIN IMMEDIATE
 *     for each report: insert the report row, then its indicators with one
 *     prepared statement re-bound per row
 *   COMMIT                 (no fsync: the syncer makes one for the batch)
 *
 * If a report fails on its own (a constraint, a value too big: STORE_ERR)
 * the transaction is rolled back and the batch redone carefully, each
 * report inside its own SAVEPOINT ... RELEASE, or ROLLBACK TO on failure:
 * that report gets its error and the others still commit (its failure is
 * logged by both passes).  A full disk, a read-only database or a lock
 * held elsewhere fails the whole batch at once.  Savepoints are not the
 * everyday path because they are dear: every page a report touches is
 * first copied into the statement journal.  Measured (SQLite 3.40, 64
 * reports of 1.3 KB + 4 indicators per transaction, one thread): 43 us of
 * CPU per report with a savepoint each, 23-30 us without.
 *
 * then, if store_ready() jobs were in the batch, one small heartbeat
 * transaction for all of them; then the batch goes to the syncer, which
 * runs every job's callback once the WAL is synced (PIPELINE,
 * store_sync.c).  While the disk works, new submissions pile up and become
 * the next batch: the busier the store, the larger the batches.
 * store_ready() waits in the same queue as reports, so a full queue makes it
 * STORE_BUSY too: a store that cannot take a report is not ready.
 *
 * If COMMIT fails (or SQLite rolls the whole transaction back on its own, as
 * it may on a full disk or an I/O error), every report of the batch gets the
 * error.  There is no sticky error state: each batch starts afresh, so once
 * space is freed or the disk is writable again the next batch commits.
 * store_close() refuses new jobs (STORE_CLOSED), lets the writer commit (and
 * the syncer sync and acknowledge) what
 * is queued, joins it and closes the connections.
 *
 * Measured (ext4 on a virtio disk, 2 vCPUs, tests/unit/store): 8 threads
 * each waiting on store_put() for 600-byte reports with 2 indicators commit
 * 6 500-8 300 reports/s at about 4 reports per fsync; one report with
 * 100 000 indicators takes 250-350 ms.
 */
#include "store_int.h"

#include <assert.h>
#include <stdio.h>
#include <time.h>

#include <sqlite3.h>

/* ---- statements -------------------------------------------------------- */

const char *const store_wsql[W_COUNT] = {
	[W_BEGIN] = "BEGIN IMMEDIATE",
	[W_COMMIT] = "COMMIT",
	[W_ROLLBACK] = "ROLLBACK",
	[W_SAVEPOINT] = "SAVEPOINT report",
	[W_RELEASE] = "RELEASE report",
	[W_ROLLBACK_TO] = "ROLLBACK TO report",
	[W_REPORT] = "INSERT INTO reports (case_id, token_hash, received_ms,"
		" updated_ms, channel, threat_type, incident_type, attack_method,"
		" reporter_email, reporter_name, anonymize, incident_epoch,"
		" incident_time_given, report_json, raw_body, raw_content_type,"
		" n_indicators) VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
		" ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
	[W_INDICATOR] = "INSERT INTO indicators (report_id, kind, role, value,"
		" port, host, item, seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[W_ATTACHMENT] = "INSERT INTO attachments (report_id, file_name,"
		" declared_type, media_type, size, sha256, raw_offset, content)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[W_HEARTBEAT] = "INSERT INTO heartbeat (id, at_ms) VALUES (1, ?1)"
		" ON CONFLICT (id) DO UPDATE SET at_ms = excluded.at_ms",
};

/* What failed, for the log line. */
static const char *const wname[W_COUNT] = {
	[W_BEGIN] = "begin", [W_COMMIT] = "commit", [W_ROLLBACK] = "rollback",
	[W_SAVEPOINT] = "savepoint", [W_RELEASE] = "release",
	[W_ROLLBACK_TO] = "rollback to savepoint", [W_REPORT] = "insert report",
	[W_INDICATOR] = "insert indicator", [W_HEARTBEAT] = "heartbeat",
	[W_ATTACHMENT] = "insert attachment",
};

/* ---- the writer -------------------------------------------------------- */

/* Run a writer statement to completion: STORE_OK or the logged error. */
static int
wstep(struct store *st, enum wstmt i)
{
	int rc = sqlite3_step(st->w[i]);
	int src = STORE_OK;

	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		src = store_fail(st->wdb, wname[i], rc);
	(void)sqlite3_reset(st->w[i]);
	return src;
}

int
store_bind_text(sqlite3_stmt *s, int i, const char *v)
{
	return sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC) == SQLITE_OK;
}

int
store_bind_int(sqlite3_stmt *s, int i, int64_t v)
{
	return sqlite3_bind_int64(s, i, v) == SQLITE_OK;
}

static int
bind_blob(sqlite3_stmt *s, int i, const void *p, size_t n)
{
	if (n == 0)  /* a NULL pointer would bind SQL NULL */
		return sqlite3_bind_zeroblob(s, i, 0) == SQLITE_OK;
	return sqlite3_bind_blob64(s, i, p, n, SQLITE_STATIC) == SQLITE_OK;
}

static int
bind_report(sqlite3_stmt *s, const store_report *r)
{
	int ok = store_bind_text(s, 1, r->case_id);

	ok &= bind_blob(s, 2, r->token_hash, STORE_TOKEN_HASH_BYTES);
	ok &= store_bind_int(s, 3, r->received_ms);
	ok &= store_bind_text(s, 4, r->channel);
	ok &= store_bind_text(s, 5, r->threat_type);
	ok &= store_bind_text(s, 6, r->incident_type);
	ok &= store_bind_text(s, 7, r->attack_method);
	ok &= store_bind_text(s, 8, r->reporter_email);
	ok &= store_bind_text(s, 9, r->reporter_name);
	ok &= store_bind_int(s, 10, r->anonymize != 0);
	ok &= store_bind_int(s, 11, r->incident_epoch);
	ok &= store_bind_int(s, 12, r->incident_time_given != 0);
	ok &= store_bind_text(s, 13, r->report_json);
	ok &= bind_blob(s, 14, r->raw_body, r->raw_len);
	ok &= store_bind_text(s, 15, r->raw_content_type);
	ok &= store_bind_int(s, 16, (int64_t)r->n_indicators);
	return ok;
}

static int
bind_indicator(sqlite3_stmt *s, const store_indicator *in)
{
	int ok = store_bind_int(s, 2, in->kind);

	ok &= store_bind_int(s, 3, in->role);
	ok &= store_bind_text(s, 4, in->value);
	if (in->port != 0)
		ok &= store_bind_int(s, 5, in->port);
	else
		ok &= sqlite3_bind_null(s, 5) == SQLITE_OK;
	ok &= store_bind_text(s, 6, in->host);
	if (in->item != -1)
		ok &= store_bind_int(s, 7, in->item);
	else
		ok &= sqlite3_bind_null(s, 7) == SQLITE_OK;
	return ok;
}

/* Insert a report's attachment (migration 2) under the report's row id. */
static int
insert_attachment(struct store *st, int64_t report_id, const store_attachment *a)
{
	sqlite3_stmt *s = st->w[W_ATTACHMENT];
	int ok = store_bind_int(s, 1, report_id);

	ok &= store_bind_text(s, 2, a->file_name);
	ok &= store_bind_text(s, 3, a->declared_type);
	ok &= store_bind_text(s, 4, a->media_type);
	ok &= store_bind_int(s, 5, (int64_t)a->size);
	ok &= store_bind_text(s, 6, a->sha256);
	if (a->raw_offset >= 0)
		ok &= store_bind_int(s, 7, a->raw_offset);
	else
		ok &= sqlite3_bind_null(s, 7) == SQLITE_OK;
	ok &= bind_blob(s, 8, a->data, a->size);
	if (!ok)
		return store_fail(st->wdb, "bind attachment", sqlite3_errcode(st->wdb));
	return wstep(st, W_ATTACHMENT);
}

/* Insert a report's row, its indicators and its attachment (inside the batch transaction). */
static int
insert_report(struct store *st, const store_report *r)
{
	sqlite3_stmt *ind = st->w[W_INDICATOR];
	int64_t id;
	int rc;

	if (!bind_report(st->w[W_REPORT], r))
		return store_fail(st->wdb, "bind report", sqlite3_errcode(st->wdb));
	rc = wstep(st, W_REPORT);
	if (rc != STORE_OK)
		return rc;
	id = sqlite3_last_insert_rowid(st->wdb);
	if (!store_bind_int(ind, 1, id))
		return store_fail(st->wdb, "bind indicator", sqlite3_errcode(st->wdb));
	for (size_t i = 0; i < r->n_indicators; i++) {
		if (!bind_indicator(ind, &r->indicators[i]) || !store_bind_int(ind, 8, (int64_t)i))
			return store_fail(st->wdb, "bind indicator", sqlite3_errcode(st->wdb));
		rc = wstep(st, W_INDICATOR);
		if (rc != STORE_OK)
			return rc;
	}
	if (r->attachment != NULL)
		return insert_attachment(st, id, r->attachment);
	return STORE_OK;
}

/*
 * Undo a failed report, keeping its batch-mates.  If that cannot be done
 * cleanly, give up the whole transaction: better every report of the batch
 * fails than half a report is committed.
 */
static void
undo_report(struct store *st)
{
	if (sqlite3_get_autocommit(st->wdb))
		return;  /* SQLite has already rolled the whole transaction back */
	if (wstep(st, W_ROLLBACK_TO) == STORE_OK && wstep(st, W_RELEASE) == STORE_OK)
		return;
	(void)wstep(st, W_ROLLBACK);
}

static int
add_report(struct store *st, const store_report *r)
{
	int rc = wstep(st, W_SAVEPOINT);

	if (rc == STORE_OK)
		rc = insert_report(st, r);
	if (rc == STORE_OK)
		rc = wstep(st, W_RELEASE);
	if (rc != STORE_OK)
		undo_report(st);
	return rc;
}

/* The batch's transaction is lost: every report not already failed gets rc. */
static void
fail_reports(struct job *jobs, unsigned n, int rc)
{
	for (unsigned i = 0; i < n; i++)
		if (jobs[i].op == OP_REPORT && jobs[i].rc == STORE_OK)
			jobs[i].rc = rc;
}

/* Grow the writer's cache for a big batch; shrink it at the next small one. */
static void
size_cache(struct store *st, int big)
{
	if (big == st->big_cache)
		return;
	if (sqlite3_exec(st->wdb, big ? "PRAGMA cache_size = -" WRITER_BIG_CACHE_KIB
	    : "PRAGMA cache_size = -" WRITER_CACHE_KIB, NULL, NULL, NULL) == SQLITE_OK)
		st->big_cache = big;
}

/* COMMIT the batch's transaction; if that fails, every report fails. */
static void
commit_batch(struct store *st, struct job *jobs, unsigned n)
{
	int rc = wstep(st, W_COMMIT);

	if (rc != STORE_OK) {
		if (!sqlite3_get_autocommit(st->wdb))
			(void)wstep(st, W_ROLLBACK);
		fail_reports(jobs, n, rc);
	}
}

/* The careful pass: a savepoint per report, so that one report's failure is its own. */
static void
commit_careful(struct store *st, struct job *jobs, unsigned n)
{
	int rc = wstep(st, W_BEGIN);

	if (rc != STORE_OK) {
		fail_reports(jobs, n, rc);
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		if (jobs[i].op != OP_REPORT)
			continue;
		jobs[i].rc = add_report(st, jobs[i].r);
		if (sqlite3_get_autocommit(st->wdb)) {
			fail_reports(jobs, n, jobs[i].rc);
			return;
		}
	}
	commit_batch(st, jobs, n);
}

/*
 * The fast pass: the whole batch in one transaction without savepoints.
 * 0: committed, or failed as a whole (every rc set); 1: one report failed
 * on its own (STORE_ERR: a constraint, a value too big), the transaction is
 * rolled back and the batch must be redone carefully.
 */
static int
commit_fast(struct store *st, struct job *jobs, unsigned n)
{
	int rc = wstep(st, W_BEGIN);

	if (rc != STORE_OK) {
		fail_reports(jobs, n, rc);
		return 0;
	}
	for (unsigned i = 0; i < n; i++) {
		if (jobs[i].op != OP_REPORT)
			continue;
		rc = insert_report(st, jobs[i].r);
		if (rc == STORE_OK)
			continue;
		if (!sqlite3_get_autocommit(st->wdb))
			(void)wstep(st, W_ROLLBACK);
		if (rc == STORE_ERR)
			return 1;
		fail_reports(jobs, n, rc);  /* full, read-only, busy: the batch's fate */
		return 0;
	}
	commit_batch(st, jobs, n);
	return 0;
}

static void
commit_reports(struct store *st, struct job *jobs, unsigned n)
{
	size_t indicators = 0;

	for (unsigned i = 0; i < n; i++)
		if (jobs[i].op == OP_REPORT)
			indicators += jobs[i].r->n_indicators;
	size_cache(st, indicators > BIG_BATCH_INDICATORS);
	if (commit_fast(st, jobs, n) == 0)
		return;
	commit_careful(st, jobs, n);          /* commit_fast set no job's rc when it gives up */
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* store_ready()'s write: its own transaction (autocommit), fsync'd. */
static int
heartbeat(struct store *st)
{
	if (!store_bind_int(st->w[W_HEARTBEAT], 1, now_ms()))
		return store_fail(st->wdb, "bind heartbeat", sqlite3_errcode(st->wdb));
	return wstep(st, W_HEARTBEAT);
}

/* Commit a batch; each job's rc is set, its callback is the syncer's to run. */
static void
run_batch(struct store *st, struct job *jobs, unsigned n)
{
	unsigned nreports = 0;
	int rc = atomic_load(&st->sync_rc);

	if (rc != STORE_OK) {  /* the WAL could not be synced: commit nothing more */
		for (unsigned i = 0; i < n; i++)
			jobs[i].rc = rc;
		return;
	}
	if (!sqlite3_get_autocommit(st->wdb))  /* a failed ROLLBACK left one open */
		(void)wstep(st, W_ROLLBACK);
	for (unsigned i = 0; i < n; i++)
		nreports += jobs[i].op == OP_REPORT;
	if (nreports > 0)
		commit_reports(st, jobs, n);
	if (nreports < n) {
		rc = heartbeat(st);
		for (unsigned i = 0; i < n; i++)
			if (jobs[i].op == OP_READY)
				jobs[i].rc = rc;
	}
}

/* Wait for jobs; move up to max_batch into batch.  0: closing and drained. */
static unsigned
take_batch(struct store *st, struct job *batch)
{
	unsigned n;

	pthread_mutex_lock(&st->mu);
	while (st->len == 0 && !st->closing)
		pthread_cond_wait(&st->wake, &st->mu);
	n = st->len < st->max_batch ? st->len : st->max_batch;
	for (unsigned i = 0; i < n; i++) {
		batch[i] = st->ring[(st->head + i) % st->cap];
		batch[i].rc = STORE_OK;
	}
	st->head = (st->head + n) % st->cap;
	st->len -= n;
	pthread_mutex_unlock(&st->mu);
	return n;
}

void *
store_writer_main(void *arg)
{
	struct store *st = arg;
	struct stage *s;

	(void)pthread_setname_np(pthread_self(), "store-writer");
	for (;;) {
		s = store_stage_free(st);
		s->n = take_batch(st, s->jobs);
		if (s->n == 0)
			break;
		run_batch(st, s->jobs, s->n);
		store_stage_commit(st, 0);
	}
	store_stage_commit(st, 1);
	return NULL;
}

/* ---- the queue --------------------------------------------------------- */

static int
enqueue(struct store *st, enum op op, const store_report *r, store_done_fn done, void *arg)
{
	int rc = STORE_OK;

	pthread_mutex_lock(&st->mu);
	if (st->closing) {
		rc = STORE_CLOSED;
	} else if (st->len == st->cap) {
		rc = STORE_BUSY;
	} else {
		st->ring[(st->head + st->len) % st->cap] =
		    (struct job){ .op = op, .r = r, .done = done, .arg = arg };
		if (st->len++ == 0)  /* the writer only waits on an empty ring */
			pthread_cond_signal(&st->wake);
	}
	pthread_mutex_unlock(&st->mu);
	return rc;
}

/* A test submission stores nothing (DESIGN.md section 4): a caller's bug. */
static int
refuse_test(void)
{
	fprintf(stderr, "abusedesk: store: refusing to store a test submission\n");
	return STORE_ERR;
}

int
store_submit(store *st, const store_report *r, store_done_fn done, void *arg)
{
	assert(st != NULL && r != NULL && done != NULL);
	assert(r->n_indicators == 0 || r->indicators != NULL);
	if (r->test)
		return refuse_test();
	return enqueue(st, OP_REPORT, r, done, arg);
}

/* A caller waiting for its job's callback. */
struct waiter {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int done;
	int rc;
};

static void
waiter_done(void *arg, int rc)
{
	struct waiter *w = arg;

	pthread_mutex_lock(&w->mu);
	w->rc = rc;
	w->done = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

static int
enqueue_and_wait(struct store *st, enum op op, const store_report *r)
{
	struct waiter w = { .done = 0 };
	int rc;

	if (pthread_mutex_init(&w.mu, NULL) != 0)
		return STORE_ERR;
	if (pthread_cond_init(&w.cv, NULL) != 0) {
		pthread_mutex_destroy(&w.mu);
		return STORE_ERR;
	}
	rc = enqueue(st, op, r, waiter_done, &w);
	if (rc == STORE_OK) {
		pthread_mutex_lock(&w.mu);
		while (!w.done)
			pthread_cond_wait(&w.cv, &w.mu);
		rc = w.rc;
		pthread_mutex_unlock(&w.mu);
	}
	pthread_cond_destroy(&w.cv);
	pthread_mutex_destroy(&w.mu);
	return rc;
}

int
store_put(store *st, const store_report *r)
{
	assert(st != NULL && r != NULL);
	assert(r->n_indicators == 0 || r->indicators != NULL);
	if (r->test)
		return refuse_test();
	return enqueue_and_wait(st, OP_REPORT, r);
}

int
store_ready(store *st)
{
	assert(st != NULL);
	return enqueue_and_wait(st, OP_READY, NULL);
}
