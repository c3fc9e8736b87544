/*
 * store_sqlite.c -- the store (store.h) on SQLite: the schema and its
 * migrations, group commit on one writer thread, a pool of read connections.
 *
 * SCHEMA
 *
 * Built by forward-only migrations, applied at open in order, each in its own
 * transaction together with its row in schema_migrations.  A database whose
 * version is newer than this code knows is refused: an older binary must not
 * write into a schema it does not understand.  All tables are STRICT (a value
 * of the wrong type is an error, not a silent conversion).  Migration 1:
 *
 *   schema_migrations(version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)
 *       applied_at is UTC, ISO 8601 with milliseconds.
 *
 *   reports -- one row per accepted report (test submissions are never stored)
 *       id                   INTEGER PRIMARY KEY  internal; indicators refer to it
 *       case_id              TEXT UNIQUE          UUIDv7 text given to the reporter
 *       token_hash           BLOB, 32 bytes       hash of the tracking token; the token
 *                                                 itself is never stored
 *       received_ms          INTEGER              epoch milliseconds
 *       updated_ms           INTEGER              last status change (= received_ms at first)
 *       status               TEXT                 'received', later 'triaged', 'closed'...
 *       channel              TEXT                 'ReportApi' or 'CertPortalV2'
 *       threat_type          TEXT
 *       incident_type        TEXT
 *       attack_method        TEXT, NULL           NULL: the incident type has none
 *       reporter_email       TEXT, NULL
 *       reporter_name        TEXT, NULL
 *       anonymize            INTEGER 0/1
 *       incident_epoch       INTEGER              seconds; the time of receipt if not given
 *       incident_time_given  INTEGER 0/1
 *       report_json          TEXT                 the normalized report
 *       raw_body             BLOB                 the request body exactly as received
 *       raw_content_type     TEXT, NULL           as sent; NULL when there was none
 *       n_indicators         INTEGER              rows in indicators for this report
 *   Every column is NOT NULL unless marked NULL above.
 *
 *   indicators -- one row per IP address or URL a report names
 *       report_id  INTEGER -> reports(id)
 *       kind       INTEGER  1 IP, 2 URL                    (enum store_kind)
 *       role       INTEGER  1 source, 2 destination        (enum store_role)
 *       value      TEXT     canonical IP text or normalized URL
 *       port       INTEGER, NULL   1..65535; NULL: none
 *       host       TEXT, NULL      URL host in ASCII form; NULL for IPs
 *       item       INTEGER, NULL   index in ipAddressList/urlList; NULL: a top-level field
 *
 *   heartbeat(id INTEGER PRIMARY KEY CHECK (id = 1), at_ms INTEGER)
 *       one row, rewritten by store_ready() to prove a write can commit.
 *
 *   Indexes: indicators(kind, value, report_id) -- "every report about this
 *   address" is one index range and is answered from the index alone;
 *   indicators(host) WHERE host IS NOT NULL -- URLs by host, IP rows cost
 *   nothing; indicators(report_id) -- a report's indicators, and the foreign
 *   key's child index; reports(received_ms) -- recent reports.
 *
 * Migration 2 (the portal's evidence files):
 *
 *   attachments -- files given with a report, in the report's transaction
 *       report_id      INTEGER -> reports(id)
 *       file_name      TEXT           the name as given, sanitized for display
 *                                     (no path, no control or bidi characters)
 *       declared_type  TEXT, NULL     the Content-Type the client sent
 *       media_type     TEXT           recognized from the content (libmagic)
 *       size           INTEGER        bytes; equals length(content)
 *       sha256         TEXT           64 lower-case hex digits
 *       raw_offset     INTEGER, NULL  where the bytes were cut out of
 *                                     reports.raw_body (the body as received is
 *                                     raw_body with content put back there);
 *                                     NULL: raw_body was stored whole
 *       content        BLOB           the file's bytes
 *
 *   Indexes: attachments(report_id) -- a report's files, and the foreign
 *   key's child index; attachments(sha256) -- "who else sent this file".
 *
 * Migration 3 (fewer b-trees written per report):
 *
 *   indicators is rebuilt WITHOUT ROWID with PRIMARY KEY (report_id, seq),
 *   seq INTEGER >= 0 being the row's place in the report's list (the order
 *   the rows had).  The table is now itself "a report's indicators", so
 *   indicators_by_report is gone; indicators_by_value and indicators_by_host
 *   are as before.  reports_by_received is dropped: case_id is a UUIDv7
 *   made from received_ms, so its UNIQUE index gives the same order.
 *   Measured (bench/store, callgrind, writer instructions per ~600-byte
 *   report with 4 indicators): 106.9k before, 96.7k after.
 *
 *   The REFERENCES clauses stay as documentation and for
 *   PRAGMA foreign_key_check, but the writer does not enforce them
 *   (foreign_keys=OFF): it writes report_id from the row it has just
 *   inserted in the same transaction, and the check cost 8% of its
 *   instructions (a lookup in reports per indicator row).
 *
 * DURABILITY
 *
 * journal_mode=WAL.  A done callback with STORE_OK (hence a 200) runs only
 * after the WAL holding the report's transaction has been fdatasync'd, so
 * the report is on disk; a crash before that loses the whole transaction,
 * never part of a report.  The fsync is not COMMIT's own but the syncer's
 * (PIPELINE below).  The database is refused if WAL cannot be enabled:
 * readers beside the writer and the pipeline both depend on it.
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
 * runs every job's callback once the WAL is synced (PIPELINE).  While the
 * disk works, new submissions pile up and become the next batch: the busier
 * the store, the larger the batches.
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
 *
 * PIPELINE
 *
 * The writer's connection runs synchronous=NORMAL: COMMIT writes the WAL
 * frames and returns without an fsync.  The writer hands the committed
 * batch (a "stage", STAGES of them used in turn) to the syncer thread and
 * goes on with the next batch at once; the syncer fdatasync()s the WAL
 * through a read-only descriptor of its own (db + "-wal", opened at start)
 * and only then runs the batch's callbacks.  The disk's flush of batch N
 * overlaps the inserts of batch N+1, and one fdatasync covers every stage
 * committed by the time it starts.  Why an acknowledged report is on disk:
 *
 *   - fdatasync applies to the inode, whichever descriptor: every frame
 *     written before the call, batch N's commit frame among them (COMMIT
 *     returned before the hand-over), is durable when it returns.  Frames
 *     of a later batch synced along are harmless: unacknowledged, and
 *     recovery drops a transaction without its commit frame.
 *   - Checkpoints (SQLite's automatic ones, on the writer's connection):
 *     with synchronous=NORMAL SQLite syncs the WAL before copying frames
 *     into the database and syncs the database before it records them as
 *     copied (nBackfill).  The WAL is restarted (written again from its
 *     start, with a new salt, the header synced) only when every frame has
 *     been copied that way.  So a frame overwritten after a restart, even
 *     one whose batch the syncer has not synced yet, is already durable in
 *     the database file.  Truncation (journal_size_limit) keeps the inode.
 *   - The WAL file is the same one all along: SQLite deletes it only when
 *     the last connection closes, and the store's stay open until
 *     store_close().  The syncer checks (stat) that the path still names
 *     the inode it opened, and refuses to acknowledge if not.  The
 *     directory is fsync'd once at open, so the WAL's name is durable too.
 *   - A failed fdatasync is sticky: that batch and every later one fail
 *     (the writer commits nothing more), and store_ready() says not ready.
 *     After a failed writeback Linux may drop or keep the pages as clean,
 *     so a later fdatasync could succeed over frames that never reached
 *     the disk, and recovery stops at the first bad frame: a later
 *     acknowledgement would be a lie.  Reopening the store (restarting the
 *     server) lets SQLite recover from what the disk really holds.  A batch
 *     that failed this way may still be in the database, committed but
 *     never acknowledged, as after a crash between commit and 200.
 *
 * Measured (bench/store, 64 threads store_put, release build, noisy 2-vCPU
 * machine, alternate runs): 30-31k reports/s before, 33-40k after; writer
 * instructions per report 106.9k before, 90.4k after (schema and
 * foreign_keys included).  The price: smaller batches, so more fsyncs per
 * report (0.025-0.03 before, 0.035-0.038 after), whose kernel CPU is on
 * the syncer's thread, off the writer's.
 *
 * READS
 *
 * A pool of read-only connections (readers), each with its statements
 * prepared once; a caller takes one, uses it, resets its statement (so no
 * read transaction is left open to hold back WAL checkpoints) and gives it
 * back.  In WAL mode they never wait for the writer.
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
#include "store.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
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
#define BUSY_TIMEOUT_MS   5000       /* wait for another process's lock */
#define WAL_KEEP_BYTES    "67108864" /* truncate the WAL back to 64 MiB after a checkpoint */
/*
 * The writer's page cache: small every day, large for a batch that names
 * many indicators, whose index pages must all fit (measured, release build,
 * one report of 100 000 IPs: 0.4 s with 16 MiB; 2 MiB costs it about 3x).
 * A steady 16 MiB held 36 MiB of RSS under load against 21 MiB with 2 MiB.
 */
#define WRITER_CACHE_KIB     "2048"
#define WRITER_BIG_CACHE_KIB "16384"
#define BIG_BATCH_INDICATORS 10000u
/*
 * Batches in the pipeline: one being committed, the rest committed and
 * waiting for (or in) the WAL sync.  Measured (store-bench, 64 threads):
 * 2 and 3 do the same within noise; 3 lets the writer go on while the
 * syncer still runs the previous batch's callbacks.
 */
#define STAGES 3u

/* ---- schema ------------------------------------------------------------ */

struct migration {
	int version;
	const char *sql;
};

static const char migration_1[] =
	"CREATE TABLE reports ("
	" id INTEGER PRIMARY KEY,"
	" case_id TEXT NOT NULL UNIQUE,"
	" token_hash BLOB NOT NULL CHECK (length(token_hash) = 32),"
	" received_ms INTEGER NOT NULL,"
	" updated_ms INTEGER NOT NULL,"
	" status TEXT NOT NULL DEFAULT 'received',"
	" channel TEXT NOT NULL,"
	" threat_type TEXT NOT NULL,"
	" incident_type TEXT NOT NULL,"
	" attack_method TEXT,"
	" reporter_email TEXT,"
	" reporter_name TEXT,"
	" anonymize INTEGER NOT NULL CHECK (anonymize IN (0, 1)),"
	" incident_epoch INTEGER NOT NULL,"
	" incident_time_given INTEGER NOT NULL CHECK (incident_time_given IN (0, 1)),"
	" report_json TEXT NOT NULL,"
	" raw_body BLOB NOT NULL,"
	" raw_content_type TEXT,"
	" n_indicators INTEGER NOT NULL CHECK (n_indicators >= 0)"
	") STRICT;"
	"CREATE TABLE indicators ("
	" report_id INTEGER NOT NULL REFERENCES reports (id),"
	" kind INTEGER NOT NULL CHECK (kind IN (1, 2)),"
	" role INTEGER NOT NULL CHECK (role IN (1, 2)),"
	" value TEXT NOT NULL,"
	" port INTEGER CHECK (port BETWEEN 1 AND 65535),"
	" host TEXT,"
	" item INTEGER CHECK (item >= 0)"
	") STRICT;"
	"CREATE INDEX indicators_by_value ON indicators (kind, value, report_id);"
	"CREATE INDEX indicators_by_host ON indicators (host) WHERE host IS NOT NULL;"
	"CREATE INDEX indicators_by_report ON indicators (report_id);"
	"CREATE INDEX reports_by_received ON reports (received_ms);"
	"CREATE TABLE heartbeat ("
	" id INTEGER PRIMARY KEY CHECK (id = 1),"
	" at_ms INTEGER NOT NULL"
	") STRICT;";

/* Ordered by version, no gaps; append, never edit an applied one. */
static const char migration_2[] =
	"CREATE TABLE attachments ("
	" report_id INTEGER NOT NULL REFERENCES reports (id),"
	" file_name TEXT NOT NULL,"
	" declared_type TEXT,"
	" media_type TEXT NOT NULL,"
	" size INTEGER NOT NULL CHECK (size >= 0),"
	" sha256 TEXT NOT NULL CHECK (length(sha256) = 64),"
	" raw_offset INTEGER CHECK (raw_offset >= 0),"
	" content BLOB NOT NULL CHECK (length(content) = size)"
	") STRICT;"
	"CREATE INDEX attachments_by_report ON attachments (report_id);"
	"CREATE INDEX attachments_by_sha256 ON attachments (sha256);";

/*
 * Fewer b-trees per report (see the header comment): indicators keyed by
 * (report_id, seq) in a WITHOUT ROWID table, whose key takes the place of
 * indicators_by_report; reports_by_received dropped, the case_id index
 * (UUIDv7) giving the same order.
 */
static const char migration_3[] =
	"CREATE TABLE indicators_v3 ("
	" report_id INTEGER NOT NULL REFERENCES reports (id),"
	" seq INTEGER NOT NULL CHECK (seq >= 0),"
	" kind INTEGER NOT NULL CHECK (kind IN (1, 2)),"
	" role INTEGER NOT NULL CHECK (role IN (1, 2)),"
	" value TEXT NOT NULL,"
	" port INTEGER CHECK (port BETWEEN 1 AND 65535),"
	" host TEXT,"
	" item INTEGER CHECK (item >= 0),"
	" PRIMARY KEY (report_id, seq)"
	") STRICT, WITHOUT ROWID;"
	"INSERT INTO indicators_v3 (report_id, seq, kind, role, value, port, host, item)"
	" SELECT report_id, row_number() OVER (PARTITION BY report_id ORDER BY rowid) - 1,"
	" kind, role, value, port, host, item FROM indicators;"
	"DROP TABLE indicators;"
	"ALTER TABLE indicators_v3 RENAME TO indicators;"
	"CREATE INDEX indicators_by_value ON indicators (kind, value, report_id);"
	"CREATE INDEX indicators_by_host ON indicators (host) WHERE host IS NOT NULL;"
	"DROP INDEX reports_by_received;";

static const struct migration migrations[] = {
	{ 1, migration_1 },
	{ 2, migration_2 },
	{ 3, migration_3 },
};
#define N_MIGRATIONS (sizeof migrations / sizeof migrations[0])

/* ---- statements -------------------------------------------------------- */

enum wstmt {
	W_BEGIN, W_COMMIT, W_ROLLBACK, W_SAVEPOINT, W_RELEASE, W_ROLLBACK_TO,
	W_REPORT, W_INDICATOR, W_HEARTBEAT, W_ATTACHMENT, W_COUNT
};

static const char *const wsql[W_COUNT] = {
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

enum rstmt { R_STATUS, R_JSON, R_BY_INDICATOR, R_COUNT_REPORTS, R_COUNT };

static const char *const rsql[R_COUNT] = {
	[R_STATUS] = "SELECT token_hash, case_id, status, received_ms,"
		" updated_ms, threat_type, incident_type, attack_method,"
		" n_indicators FROM reports WHERE case_id = ?1",
	[R_JSON] = "SELECT report_json FROM reports WHERE case_id = ?1",
	[R_BY_INDICATOR] = "SELECT count(DISTINCT report_id) FROM indicators"
		" WHERE kind = ?1 AND value = ?2",
	[R_COUNT_REPORTS] = "SELECT count(*) FROM reports",
};

/* ---- the store --------------------------------------------------------- */

enum op { OP_REPORT, OP_READY };

struct job {
	enum op op;
	const store_report *r;  /* OP_REPORT; borrowed until done runs */
	store_done_fn done;
	void *arg;
	int rc;                 /* set by the writer */
};

/* A batch: committed by the writer, then synced and acknowledged by the syncer. */
struct stage {
	struct job *jobs;               /* max_batch of them */
	unsigned n;
};

struct reader {
	sqlite3 *db;
	sqlite3_stmt *stmt[R_COUNT];
};

struct store {
	sqlite3 *wdb;                   /* the writer thread's alone once started */
	sqlite3_stmt *w[W_COUNT];
	pthread_t writer;
	int writer_started;

	pthread_mutex_t mu;             /* guards ring, head, len, closing */
	pthread_cond_t wake;            /* the writer waits here for jobs */
	struct job *ring;
	unsigned cap, head, len;
	int closing;

	struct stage stage[STAGES];     /* batch buffers, filled in turn (PIPELINE) */
	unsigned max_batch;
	int big_cache;                  /* the writer's cache is WRITER_BIG_CACHE_KIB now */

	pthread_mutex_t rmu;            /* guards idle, nidle */
	pthread_cond_t rfree;           /* a reader was given back */
	struct reader *readers;
	unsigned nreaders;
	unsigned *idle;                 /* indexes of readers not in use */
	unsigned nidle;

	pthread_t syncer;               /* syncs the WAL, then runs callbacks */
	int syncer_started;
	pthread_mutex_t smu;            /* guards committed, synced, writer_done */
	pthread_cond_t committed_cv;    /* the writer handed a stage over, or stopped */
	pthread_cond_t synced_cv;       /* the syncer gave a stage back */
	uint64_t committed, synced;     /* stages handed over, stages given back */
	int writer_done;
	int walfd;                      /* the WAL, read-only, for fdatasync; -1 */
	char *walpath;
	dev_t waldev;                   /* the WAL's identity when opened */
	ino_t walino;
	atomic_int sync_rc;             /* sticky: a failed WAL sync's store_rc */
};

/* ---- errors ------------------------------------------------------------ */

static int
errno_rc(int e)
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
static int
fail(sqlite3 *db, const char *what, int rc)
{
	fprintf(stderr, "abusedesk: store: %s: %s (sqlite %d)\n",
	    what, sqlite3_errmsg(db), rc);
	return sqlite_rc(db, rc);
}

static void
errf(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A message for store_open's caller; a truncated message is still useful. */
static void
errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static int
open_fail(sqlite3 *db, const char *what, int rc, char *err, size_t errlen)
{
	errf(err, errlen, "%s: %s", what, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
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

/* ---- the writer -------------------------------------------------------- */

/* Run a writer statement to completion: STORE_OK or the logged error. */
static int
wstep(struct store *st, enum wstmt i)
{
	int rc = sqlite3_step(st->w[i]);
	int src = STORE_OK;

	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		src = fail(st->wdb, wname[i], rc);
	(void)sqlite3_reset(st->w[i]);
	return src;
}

static int
bind_text(sqlite3_stmt *s, int i, const char *v)
{
	return sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC) == SQLITE_OK;
}

static int
bind_int(sqlite3_stmt *s, int i, int64_t v)
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
	int ok = bind_text(s, 1, r->case_id);

	ok &= bind_blob(s, 2, r->token_hash, STORE_TOKEN_HASH_BYTES);
	ok &= bind_int(s, 3, r->received_ms);
	ok &= bind_text(s, 4, r->channel);
	ok &= bind_text(s, 5, r->threat_type);
	ok &= bind_text(s, 6, r->incident_type);
	ok &= bind_text(s, 7, r->attack_method);
	ok &= bind_text(s, 8, r->reporter_email);
	ok &= bind_text(s, 9, r->reporter_name);
	ok &= bind_int(s, 10, r->anonymize != 0);
	ok &= bind_int(s, 11, r->incident_epoch);
	ok &= bind_int(s, 12, r->incident_time_given != 0);
	ok &= bind_text(s, 13, r->report_json);
	ok &= bind_blob(s, 14, r->raw_body, r->raw_len);
	ok &= bind_text(s, 15, r->raw_content_type);
	ok &= bind_int(s, 16, (int64_t)r->n_indicators);
	return ok;
}

static int
bind_indicator(sqlite3_stmt *s, const store_indicator *in)
{
	int ok = bind_int(s, 2, in->kind);

	ok &= bind_int(s, 3, in->role);
	ok &= bind_text(s, 4, in->value);
	if (in->port != 0)
		ok &= bind_int(s, 5, in->port);
	else
		ok &= sqlite3_bind_null(s, 5) == SQLITE_OK;
	ok &= bind_text(s, 6, in->host);
	if (in->item != -1)
		ok &= bind_int(s, 7, in->item);
	else
		ok &= sqlite3_bind_null(s, 7) == SQLITE_OK;
	return ok;
}

/* Insert a report's attachment (migration 2) under the report's row id. */
static int
insert_attachment(struct store *st, int64_t report_id, const store_attachment *a)
{
	sqlite3_stmt *s = st->w[W_ATTACHMENT];
	int ok = bind_int(s, 1, report_id);

	ok &= bind_text(s, 2, a->file_name);
	ok &= bind_text(s, 3, a->declared_type);
	ok &= bind_text(s, 4, a->media_type);
	ok &= bind_int(s, 5, (int64_t)a->size);
	ok &= bind_text(s, 6, a->sha256);
	if (a->raw_offset >= 0)
		ok &= bind_int(s, 7, a->raw_offset);
	else
		ok &= sqlite3_bind_null(s, 7) == SQLITE_OK;
	ok &= bind_blob(s, 8, a->data, a->size);
	if (!ok)
		return fail(st->wdb, "bind attachment", sqlite3_errcode(st->wdb));
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
		return fail(st->wdb, "bind report", sqlite3_errcode(st->wdb));
	rc = wstep(st, W_REPORT);
	if (rc != STORE_OK)
		return rc;
	id = sqlite3_last_insert_rowid(st->wdb);
	if (!bind_int(ind, 1, id))
		return fail(st->wdb, "bind indicator", sqlite3_errcode(st->wdb));
	for (size_t i = 0; i < r->n_indicators; i++) {
		if (!bind_indicator(ind, &r->indicators[i]) || !bind_int(ind, 8, (int64_t)i))
			return fail(st->wdb, "bind indicator", sqlite3_errcode(st->wdb));
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
	for (unsigned i = 0; i < n; i++)
		jobs[i].rc = STORE_OK;
	commit_careful(st, jobs, n);
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
	if (!bind_int(st->w[W_HEARTBEAT], 1, now_ms()))
		return fail(st->wdb, "bind heartbeat", sqlite3_errcode(st->wdb));
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

/* The next stage to fill, once the syncer has given it back. */
static struct stage *
stage_free(struct store *st)
{
	struct stage *s;

	pthread_mutex_lock(&st->smu);
	while (st->committed - st->synced == STAGES)
		pthread_cond_wait(&st->synced_cv, &st->smu);
	s = &st->stage[st->committed % STAGES];
	pthread_mutex_unlock(&st->smu);
	return s;
}

/* Hand the stage just committed to the syncer; done: the writer is stopping. */
static void
stage_commit(struct store *st, int done)
{
	pthread_mutex_lock(&st->smu);
	if (done)
		st->writer_done = 1;
	else
		st->committed++;
	pthread_cond_signal(&st->committed_cv);
	pthread_mutex_unlock(&st->smu);
}

static void *
writer_main(void *arg)
{
	struct store *st = arg;
	struct stage *s;

	(void)pthread_setname_np(pthread_self(), "store-writer");
	for (;;) {
		s = stage_free(st);
		s->n = take_batch(st, s->jobs);
		if (s->n == 0)
			break;
		run_batch(st, s->jobs, s->n);
		stage_commit(st, 0);
	}
	stage_commit(st, 1);
	return NULL;
}

/* ---- the syncer -------------------------------------------------------- */

/*
 * Make every WAL frame written so far durable.  A failure is sticky
 * (PIPELINE): the store acknowledges nothing more until it is reopened.
 */
static int
sync_wal(struct store *st)
{
	struct stat sb;
	int rc = atomic_load(&st->sync_rc), e;

	if (rc != STORE_OK)
		return rc;
	if (stat(st->walpath, &sb) != 0 || sb.st_dev != st->waldev || sb.st_ino != st->walino) {
		fprintf(stderr, "abusedesk: store: the WAL %s is not the file opened"
		    " at start: refusing to acknowledge; restart to recover\n", st->walpath);
		rc = STORE_ERR;
	} else if (fdatasync(st->walfd) != 0) {
		e = errno;
		fprintf(stderr, "abusedesk: store: fdatasync %s: %s; nothing more is"
		    " acknowledged; restart to recover\n", st->walpath, strerror(e));
		rc = errno_rc(e);
		if (rc == STORE_OK)
			rc = STORE_ERR;
	}
	atomic_store(&st->sync_rc, rc);
	return rc;
}

/* Wait for committed stages: [*from, *to).  0: the writer has stopped and all are done. */
static int
stage_wait(struct store *st, uint64_t *from, uint64_t *to)
{
	int more;

	pthread_mutex_lock(&st->smu);
	while (st->synced == st->committed && !st->writer_done)
		pthread_cond_wait(&st->committed_cv, &st->smu);
	*from = st->synced;
	*to = st->committed;
	more = *from != *to;
	pthread_mutex_unlock(&st->smu);
	return more;
}

static void
stage_synced(struct store *st, uint64_t to)
{
	pthread_mutex_lock(&st->smu);
	st->synced = to;
	pthread_cond_signal(&st->synced_cv);
	pthread_mutex_unlock(&st->smu);
}

/* One sync for every stage committed so far, then their callbacks. */
static void *
syncer_main(void *arg)
{
	struct store *st = arg;
	uint64_t from, to;

	(void)pthread_setname_np(pthread_self(), "store-sync");
	while (stage_wait(st, &from, &to)) {
		int rc = sync_wal(st);

		for (uint64_t i = from; i < to; i++) {
			struct stage *s = &st->stage[i % STAGES];

			for (unsigned j = 0; j < s->n; j++)
				s->jobs[j].done(s->jobs[j].arg,
				    s->jobs[j].rc == STORE_OK ? rc : s->jobs[j].rc);
		}
		stage_synced(st, to);
	}
	return NULL;
}

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
	rc = bind_text(s, 1, case_id) ? sqlite3_step(s) : sqlite3_errcode(rd->db);

	if (rc == SQLITE_ROW) {
		rc = status_row(s, token_hash, out);
	} else if (rc == SQLITE_DONE) {
		/* Unknown id: compare anyway, as for a wrong token. */
		int same = sodium_memcmp(none, token_hash, STORE_TOKEN_HASH_BYTES);

		(void)same;
		rc = STORE_NOTFOUND;
	} else {
		rc = fail(rd->db, "read status", rc);
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
	rc = bind_text(s, 1, case_id) ? sqlite3_step(s) : sqlite3_errcode(rd->db);

	if (rc == SQLITE_ROW)
		rc = json_row(s, json);
	else if (rc == SQLITE_DONE)
		rc = STORE_NOTFOUND;
	else
		rc = fail(rd->db, "read report", rc);
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
		rc = fail(rd->db, what, rc);
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
	if (bind_int(s, 1, kind) && bind_text(s, 2, value))
		rc = count_row(rd, s, "count by indicator", count);
	else
		rc = fail(rd->db, "bind indicator", sqlite3_errcode(rd->db));
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

/* ---- open and close ---------------------------------------------------- */

/* Make a new directory's name durable: fsync the directory holding it. */
static int
sync_parent(char *dir)
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
		if (sync_parent(dir) == 0)
			return 0;
	} else if (errno == EEXIST) {
		return 0;
	}
	e = errno;
	errf(err, errlen, "cannot create directory %s: %s", dir, strerror(e));
	return errno_rc(e);
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

static int
exec(sqlite3 *db, const char *sql, const char *what, char *err, size_t errlen)
{
	int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : open_fail(db, what, rc, err, errlen);
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
		rc = open_fail(db, "cannot set journal_mode=WAL", rc, err, errlen);
	} else if ((mode = sqlite3_column_text(s, 0)) == NULL
	    || strcmp((const char *)mode, "wal") != 0) {
		errf(err, errlen, "journal_mode is %s, not WAL (does the filesystem"
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
		return open_fail(st->wdb, "cannot open database", rc, err, errlen);
	if (sqlite3_db_readonly(st->wdb, "main") == 1) {
		errf(err, errlen, "database %s is read-only", path);
		return STORE_READONLY;
	}
	(void)sqlite3_busy_timeout(st->wdb, BUSY_TIMEOUT_MS);
	rc = set_wal(st->wdb, err, errlen);
	if (rc == 0)
		rc = exec(st->wdb, "PRAGMA synchronous = FULL;"
		    " PRAGMA foreign_keys = OFF;"
		    " PRAGMA trusted_schema = OFF;"
		    " PRAGMA journal_size_limit = " WAL_KEEP_BYTES ";"
		    " PRAGMA cache_size = -" WRITER_CACHE_KIB ";",
		    "cannot set pragmas", err, errlen);
	return rc;
}

/* The highest migration applied; 0 for a new database. */
static int
schema_version(sqlite3 *db, int64_t *version)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(db, "SELECT coalesce(max(version), 0)"
	    " FROM schema_migrations", -1, &s, NULL);

	if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		*version = sqlite3_column_int64(s, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(s);
	return rc;
}

static int
record_migration(sqlite3 *db, int version)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(db, "INSERT INTO schema_migrations"
	    " (version, applied_at) VALUES"
	    " (?1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))", -1, &s, NULL);

	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(s, 1, version);
	if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_DONE)
		rc = SQLITE_OK;
	sqlite3_finalize(s);
	return rc;
}

/* Apply one migration in its own transaction, unless another process just did. */
static int
apply(sqlite3 *db, const struct migration *m, char *err, size_t errlen)
{
	int64_t have = 0;
	int rc = exec(db, "BEGIN IMMEDIATE", "cannot begin migration", err, errlen);

	if (rc != 0)
		return rc;
	rc = schema_version(db, &have);
	if (rc == SQLITE_OK && have < m->version
	    && (rc = sqlite3_exec(db, m->sql, NULL, NULL, NULL)) == SQLITE_OK)
		rc = record_migration(db, m->version);
	if (rc == SQLITE_OK)
		return exec(db, "COMMIT", "cannot commit migration", err, errlen);
	rc = open_fail(db, "migration failed", rc, err, errlen);
	(void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

static int
migrate(sqlite3 *db, char *err, size_t errlen)
{
	int latest = migrations[N_MIGRATIONS - 1].version;
	int64_t have = 0;
	int rc = exec(db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
	    " version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL) STRICT",
	    "cannot create schema_migrations", err, errlen);

	if (rc != 0)
		return rc;
	rc = schema_version(db, &have);
	if (rc != SQLITE_OK)
		return open_fail(db, "cannot read schema version", rc, err, errlen);
	if (have > latest) {
		errf(err, errlen, "database schema version %lld is newer than this"
		    " abusedesk knows (%d): refusing to open it", (long long)have, latest);
		return STORE_ERR;
	}
	for (size_t i = 0; rc == 0 && i < N_MIGRATIONS; i++) {
		assert(migrations[i].version == (int)i + 1);
		if (migrations[i].version > have)
			rc = apply(db, &migrations[i], err, errlen);
	}
	return rc;
}

static int
prepare_all(sqlite3 *db, const char *const *sql, sqlite3_stmt **stmt, int n,
    char *err, size_t errlen)
{
	for (int i = 0; i < n; i++) {
		int rc = sqlite3_prepare_v3(db, sql[i], -1, SQLITE_PREPARE_PERSISTENT,
		    &stmt[i], NULL);

		if (rc != SQLITE_OK)
			return open_fail(db, "cannot prepare statement", rc, err, errlen);
	}
	return 0;
}

static int
open_readers(struct store *st, const char *path, char *err, size_t errlen)
{
	int flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;

	st->readers = xcalloc(st->nreaders, sizeof *st->readers);
	st->idle = xcalloc(st->nreaders, sizeof *st->idle);
	for (unsigned i = 0; i < st->nreaders; i++) {
		struct reader *rd = &st->readers[i];
		int rc = sqlite3_open_v2(path, &rd->db, flags, NULL);

		if (rc != SQLITE_OK)
			return open_fail(rd->db, "cannot open read connection", rc, err, errlen);
		(void)sqlite3_busy_timeout(rd->db, BUSY_TIMEOUT_MS);
		rc = prepare_all(rd->db, rsql, rd->stmt, R_COUNT, err, errlen);
		if (rc != 0)
			return rc;
		st->idle[st->nidle++] = i;
	}
	return 0;
}

/*
 * Open the WAL for the syncer (PIPELINE) and make its name durable, then
 * let commits go without their own fsync.  The WAL exists by now: setting
 * journal_mode=WAL and reading the schema made it.  Closing this descriptor
 * drops no lock of SQLite's: it takes none on the WAL file itself (WAL
 * locks are on the -shm file and the database).
 */
static int
open_wal(struct store *st, char *err, size_t errlen)
{
	const char *db = sqlite3_db_filename(st->wdb, "main");
	size_t n = db != NULL ? strlen(db) : 0;
	struct stat sb;
	int e;

	if (n == 0) {
		errf(err, errlen, "the database has no file name");
		return STORE_ERR;
	}
	st->walpath = xmalloc(n + sizeof "-wal");
	memcpy(st->walpath, db, n);
	memcpy(st->walpath + n, "-wal", sizeof "-wal");
	st->walfd = open(st->walpath, O_RDONLY | O_CLOEXEC);
	if (st->walfd < 0 || fstat(st->walfd, &sb) != 0 || sync_parent(st->walpath) != 0) {
		e = errno;
		errf(err, errlen, "cannot open and sync the WAL %s: %s", st->walpath, strerror(e));
		return errno_rc(e);
	}
	st->waldev = sb.st_dev;
	st->walino = sb.st_ino;
	return exec(st->wdb, "PRAGMA synchronous = NORMAL", "cannot set synchronous",
	    err, errlen);
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
		errf(err, errlen, "cannot start the %s thread: %s", what, strerror(e));
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
	rc = start_thread(&st->syncer, syncer_main, st, "sync", err, errlen);
	if (rc != 0)
		return rc;
	st->syncer_started = 1;
	rc = start_thread(&st->writer, writer_main, st, "writer", err, errlen);
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
	errf(err, errlen, "cannot initialise locks");
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
		stage_commit(st, 1);
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
		errf(err, errlen, "store options out of range (max_queue <= %u,"
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
		errf(err, errlen, "SQLite was built without thread support");
		return STORE_ERR;
	}
	if (sodium_init() < 0) {
		errf(err, errlen, "cannot initialise libsodium");
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
		rc = migrate(st->wdb, err, errlen);
	if (rc == 0)
		rc = prepare_all(st->wdb, wsql, st->w, W_COUNT, err, errlen);
	if (rc == 0)
		rc = open_readers(st, path, err, errlen);
	if (rc == 0)
		rc = open_wal(st, err, errlen);
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
