/*
 * store_sqlite.c -- the store (store.h) on SQLite: opening and closing it,
 * and how its failures are reported.  The rest of it, each part described
 * in its file's header comment:
 *
 *   store_schema.c   the schema and its migrations (SCHEMA: the schema's
 *                    documentation is there, and only there)
 *   store_write.c    group commit on one writer thread (GROUP COMMIT)
 *   store_sync.c     the WAL sync thread, and why an acknowledged report
 *                    is on disk (PIPELINE)
 *   store_read.c     the pool of read connections (READS)
 *   store_int.h      struct store and what the files share
 *
 * DURABILITY
 *
 * journal_mode=WAL.  A done callback with STORE_OK (hence a 200) runs only
 * after the WAL holding the report's transaction has been fdatasync'd, so
 * the report is on disk; a crash before that loses the whole transaction,
 * never part of a report.  The fsync is not COMMIT's own but the syncer's
 * (PIPELINE, store_sync.c).  The database is refused if WAL cannot be
 * enabled: readers beside the writer and the pipeline both depend on it.
 *
 * ERRORS
 *
 * The place that sees an SQLite error logs it once to stderr, one line
 * prefixed "abusedesk: store: ", with SQLite's message (which names tables
 * and columns, never values: no report contents, no token hashes) and maps
 * it to a store_rc; callers only propagate the rc.  store_open() reports in
 * its err buffer instead and does not log.  SQLITE_FULL is STORE_FULL;
 * SQLITE_READONLY, _PERM, _CANTOPEN and an I/O error on a file that can no
 * longer be written are STORE_READONLY; SQLITE_BUSY (another process held the
 * lock past the busy timeout) is STORE_BUSY; the rest STORE_ERR.
 */
#include "store_int.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "util/xalloc.h"

#define DEFAULT_MAX_QUEUE 4096u
#define DEFAULT_MAX_BATCH 256u
#define DEFAULT_READERS   4u
#define LIMIT_MAX_QUEUE   (1u << 20) /* options beyond these are mistakes */
#define LIMIT_MAX_BATCH   65536u
#define LIMIT_READERS     64u
#define WAL_KEEP_BYTES    "67108864" /* truncate the WAL back to 64 MiB after a checkpoint */

/* ---- errors ------------------------------------------------------------ */

int
store_errno_rc(int e)
{
	switch (e) {
	case EROFS: case EACCES: case EPERM:
		return STORE_READONLY;
	case ENOSPC: case EDQUOT:
		return STORE_FULL;
	default:
		return STORE_ERR;
	}
}

/*
 * Can a file be written in the database's directory?  Tried with an unnamed
 * O_TMPFILE that vanishes on close: access(2) cannot tell when ext4 has put
 * itself read-only after an error (Linux 6.x "emergency_ro": W_OK is still
 * granted, every write fails with EIO, every open for writing with EROFS),
 * and opening the database file itself is not an option (closing any
 * descriptor of it would drop SQLite's POSIX locks).  Only a clear "no"
 * counts: where O_TMPFILE is not supported, or the disk is full, say yes.
 */
static int
dir_writable(const char *path)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	int fd, e;

	if (slash != NULL)
		*(slash == dir ? slash + 1 : slash) = '\0';
	fd = open(slash != NULL ? dir : ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	e = errno;
	free(dir);
	if (fd >= 0) {
		close(fd);
		return 1;
	}
	return !(e == EROFS || e == EACCES || e == EPERM);
}

/*
 * Can the database file be written?  Asked of the connection's own VFS, as
 * SQLite would ask it, and of the directory (dir_writable).
 * (sqlite3_system_errno() cannot tell: SQLite does not record errno when a
 * COMMIT fails, and the value it keeps may be stale.)
 */
static int
db_writable(sqlite3 *db)
{
	const char *path = sqlite3_db_filename(db, "main");
	sqlite3_vfs *vfs = NULL;
	int ok = 1;

	if (path == NULL || path[0] == '\0'
	    || sqlite3_file_control(db, "main", SQLITE_FCNTL_VFS_POINTER, &vfs) != SQLITE_OK
	    || vfs == NULL
	    || vfs->xAccess(vfs, path, SQLITE_ACCESS_READWRITE, &ok) != SQLITE_OK)
		return 1;
	return ok && dir_writable(path);
}

/* Map an SQLite result to a store_rc; call right after the failure. */
static int
sqlite_rc(sqlite3 *db, int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK: case SQLITE_ROW: case SQLITE_DONE:
		return STORE_OK;
	case SQLITE_FULL:  /* the unix VFS's answer to ENOSPC */
		return STORE_FULL;
	case SQLITE_READONLY: case SQLITE_PERM: case SQLITE_CANTOPEN:
	case SQLITE_AUTH:
		return STORE_READONLY;
	case SQLITE_BUSY: case SQLITE_LOCKED:
		return STORE_BUSY;  /* another process holds the lock: try again shortly */
	case SQLITE_IOERR:  /* write(2) failed: EROFS, EIO... */
		return db_writable(db) ? STORE_ERR : STORE_READONLY;
	default:
		return STORE_ERR;
	}
}

/* Log a failure once and give its store_rc. */
int
store_fail(sqlite3 *db, const char *what, int rc)
{
	fprintf(stderr, "abusedesk: store: %s: %s (sqlite %d)\n",
	    what, sqlite3_errmsg(db), rc);
	return sqlite_rc(db, rc);
}

/* A message for store_open's caller; a truncated message is still useful. */
void
store_errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

int
store_open_fail(sqlite3 *db, const char *what, int rc, char *err, size_t errlen)
{
	store_errf(err, errlen, "%s: %s", what, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
	return db ? sqlite_rc(db, rc) : STORE_ERR;
}

const char *
store_strerror(int rc)
{
	switch (rc) {
	case STORE_OK: return "ok";
	case STORE_NOTFOUND: return "not found";
	case STORE_ERR: return "storage error";
	case STORE_FULL: return "storage full";
	case STORE_READONLY: return "storage is read-only";
	case STORE_BUSY: return "storage busy, try again shortly";
	case STORE_CLOSED: return "storage is shutting down";
	default: return "unknown storage error";
	}
}

/* ---- open and close ---------------------------------------------------- */

/* Make a new directory's name durable: fsync the directory holding it. */
int
store_sync_parent(char *dir)
{
	char *slash = strrchr(dir, '/');
	const char *parent = slash == NULL ? "." : slash == dir ? "/" : dir;
	int fd, rc, e;

	if (parent == dir)
		*slash = '\0';
	fd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (parent == dir)
		*slash = '/';
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	e = errno;
	close(fd);
	errno = e;
	return rc;
}

static int
mkdir_one(char *dir, char *err, size_t errlen)
{
	int e;

	if (mkdir(dir, 0750) == 0) {
		if (store_sync_parent(dir) == 0)
			return 0;
	} else if (errno == EEXIST) {
		return 0;
	}
	e = errno;
	store_errf(err, errlen, "cannot create directory %s: %s", dir, strerror(e));
	return store_errno_rc(e);
}

/* mkdir -p the directory part of path, mode 0750 for what it creates. */
static int
make_parent(const char *path, char *err, size_t errlen)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	int rc = 0;

	if (slash != NULL && slash != dir) {
		*slash = '\0';
		for (char *p = strchr(dir + 1, '/'); rc == 0 && p != NULL;
		    p = strchr(p + 1, '/')) {
			*p = '\0';
			rc = mkdir_one(dir, err, errlen);
			*p = '/';
		}
		if (rc == 0)
			rc = mkdir_one(dir, err, errlen);
	}
	free(dir);
	return rc;
}

int
store_exec(sqlite3 *db, const char *sql, const char *what, char *err, size_t errlen)
{
	int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : store_open_fail(db, what, rc, err, errlen);
}

static int
set_wal(sqlite3 *db, char *err, size_t errlen)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(db, "PRAGMA journal_mode = WAL", -1, &s, NULL);
	const unsigned char *mode;

	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		rc = store_open_fail(db, "cannot set journal_mode=WAL", rc, err, errlen);
	} else if ((mode = sqlite3_column_text(s, 0)) == NULL
	    || strcmp((const char *)mode, "wal") != 0) {
		store_errf(err, errlen, "journal_mode is %s, not WAL (does the filesystem"
		    " support shared memory and locks?): refusing",
		    mode ? (const char *)mode : "unknown");
		rc = STORE_ERR;
	} else {
		rc = 0;
	}
	sqlite3_finalize(s);
	return rc;
}

static int
open_writer(struct store *st, const char *path, char *err, size_t errlen)
{
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
	    | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
	int rc = sqlite3_open_v2(path, &st->wdb, flags, NULL);

	if (rc != SQLITE_OK)
		return store_open_fail(st->wdb, "cannot open database", rc, err, errlen);
	if (sqlite3_db_readonly(st->wdb, "main") == 1) {
		store_errf(err, errlen, "database %s is read-only", path);
		return STORE_READONLY;
	}
	(void)sqlite3_busy_timeout(st->wdb, BUSY_TIMEOUT_MS);
	rc = set_wal(st->wdb, err, errlen);
	if (rc == 0)
		rc = store_exec(st->wdb, "PRAGMA synchronous = FULL;"
		    " PRAGMA foreign_keys = OFF;"
		    " PRAGMA trusted_schema = OFF;"
		    " PRAGMA journal_size_limit = " WAL_KEEP_BYTES ";"
		    " PRAGMA cache_size = -" WRITER_CACHE_KIB ";",
		    "cannot set pragmas", err, errlen);
	return rc;
}

int
store_prepare_all(sqlite3 *db, const char *const *sql, sqlite3_stmt **stmt, int n,
    char *err, size_t errlen)
{
	for (int i = 0; i < n; i++) {
		int rc = sqlite3_prepare_v3(db, sql[i], -1, SQLITE_PREPARE_PERSISTENT,
		    &stmt[i], NULL);

		if (rc != SQLITE_OK)
			return store_open_fail(db, "cannot prepare statement", rc, err, errlen);
	}
	return 0;
}

/* The store's threads get no signals: they belong to the main thread. */
static int
start_thread(pthread_t *th, void *(*fn)(void *), struct store *st, const char *what,
    char *err, size_t errlen)
{
	sigset_t all, old;
	int e;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	e = pthread_create(th, NULL, fn, st);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e != 0) {
		store_errf(err, errlen, "cannot start the %s thread: %s", what, strerror(e));
		return STORE_ERR;
	}
	return 0;
}

/* The syncer first: the writer hands it every batch. */
static int
start_threads(struct store *st, char *err, size_t errlen)
{
	int rc;

	st->ring = xcalloc(st->cap, sizeof *st->ring);
	for (unsigned i = 0; i < STAGES; i++)
		st->stage[i].jobs = xcalloc(st->max_batch, sizeof *st->stage[i].jobs);
	rc = start_thread(&st->syncer, store_syncer_main, st, "sync", err, errlen);
	if (rc != 0)
		return rc;
	st->syncer_started = 1;
	rc = start_thread(&st->writer, store_writer_main, st, "writer", err, errlen);
	if (rc != 0)
		return rc;
	st->writer_started = 1;
	return 0;
}

/* Default attributes on Linux: these cannot fail, but say so if they do. */
static int
init_sync(struct store *st, char *err, size_t errlen)
{
	int e = pthread_mutex_init(&st->mu, NULL);

	e |= pthread_cond_init(&st->wake, NULL);
	e |= pthread_mutex_init(&st->rmu, NULL);
	e |= pthread_cond_init(&st->rfree, NULL);
	e |= pthread_mutex_init(&st->smu, NULL);
	e |= pthread_cond_init(&st->committed_cv, NULL);
	e |= pthread_cond_init(&st->synced_cv, NULL);
	if (e == 0)
		return 0;
	store_errf(err, errlen, "cannot initialise locks");
	return STORE_ERR;
}

static void
close_db(sqlite3 *db, sqlite3_stmt **stmt, int n)
{
	for (int i = 0; i < n; i++)
		sqlite3_finalize(stmt[i]);
	if (db != NULL && sqlite3_close(db) != SQLITE_OK)
		fprintf(stderr, "abusedesk: store: close: %s\n", sqlite3_errmsg(db));
}

/* Stop the writer (after it drains the ring), close everything, free. */
static void
destroy(struct store *st)
{
	if (st->writer_started) {
		pthread_mutex_lock(&st->mu);
		st->closing = 1;
		pthread_cond_signal(&st->wake);
		pthread_mutex_unlock(&st->mu);
		pthread_join(st->writer, NULL);  /* it tells the syncer it stopped */
	} else {
		store_stage_commit(st, 1);
	}
	if (st->syncer_started)
		pthread_join(st->syncer, NULL);
	if (st->walfd >= 0)
		close(st->walfd);
	free(st->walpath);
	for (unsigned i = 0; st->readers != NULL && i < st->nreaders; i++)
		close_db(st->readers[i].db, st->readers[i].stmt, R_COUNT);
	/* Last connection closed: SQLite checkpoints and removes the WAL. */
	close_db(st->wdb, st->w, W_COUNT);
	free(st->readers);
	free(st->idle);
	free(st->ring);
	for (unsigned i = 0; i < STAGES; i++)
		free(st->stage[i].jobs);
	pthread_cond_destroy(&st->synced_cv);
	pthread_cond_destroy(&st->committed_cv);
	pthread_mutex_destroy(&st->smu);
	pthread_cond_destroy(&st->rfree);
	pthread_mutex_destroy(&st->rmu);
	pthread_cond_destroy(&st->wake);
	pthread_mutex_destroy(&st->mu);
	free(st);
}

static int
set_options(struct store *st, const store_options *opt, char *err, size_t errlen)
{
	store_options o = opt ? *opt : (store_options){ 0 };

	st->cap = o.max_queue ? o.max_queue : DEFAULT_MAX_QUEUE;
	st->max_batch = o.max_batch ? o.max_batch : DEFAULT_MAX_BATCH;
	st->nreaders = o.readers ? o.readers : DEFAULT_READERS;
	if (st->cap > LIMIT_MAX_QUEUE || st->max_batch > LIMIT_MAX_BATCH
	    || st->nreaders > LIMIT_READERS) {
		store_errf(err, errlen, "store options out of range (max_queue <= %u,"
		    " max_batch <= %u, readers <= %u)",
		    LIMIT_MAX_QUEUE, LIMIT_MAX_BATCH, LIMIT_READERS);
		return STORE_ERR;
	}
	return 0;
}

int
store_open(const char *path, const store_options *opt, store **out, char *err, size_t errlen)
{
	struct store *st;
	int rc;

	assert(path != NULL && out != NULL);
	if (sqlite3_threadsafe() == 0) {  /* one connection per thread needs 1 or 2 */
		store_errf(err, errlen, "SQLite was built without thread support");
		return STORE_ERR;
	}
	if (sodium_init() < 0) {
		store_errf(err, errlen, "cannot initialise libsodium");
		return STORE_ERR;
	}
	st = xcalloc(1, sizeof *st);
	st->walfd = -1;
	if (init_sync(st, err, errlen) != 0) {
		free(st);
		return STORE_ERR;
	}
	rc = set_options(st, opt, err, errlen);
	if (rc == 0)
		rc = make_parent(path, err, errlen);
	if (rc == 0)
		rc = open_writer(st, path, err, errlen);
	if (rc == 0)
		rc = store_migrate(st->wdb, err, errlen);
	if (rc == 0)
		rc = store_prepare_all(st->wdb, store_wsql, st->w, W_COUNT, err, errlen);
	if (rc == 0)
		rc = store_open_readers(st, path, err, errlen);
	if (rc == 0)
		rc = store_open_wal(st, err, errlen);
	if (rc == 0)
		rc = start_threads(st, err, errlen);
	if (rc != 0) {
		destroy(st);
		return rc;
	}
	*out = st;
	return 0;
}

void
store_close(store *st)
{
	if (st != NULL)
		destroy(st);
}
