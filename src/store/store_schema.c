/*
 * store_schema.c -- the store's schema and the migrations that build it,
 * applied by store_open() (store_sqlite.c).  This comment is the schema's
 * documentation; the statements that use the schema are in store_write.c
 * and store_read.c.
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
 */
#include "store_int.h"

#include <assert.h>
#include <stddef.h>

#include <sqlite3.h>

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
	int rc = store_exec(db, "BEGIN IMMEDIATE", "cannot begin migration", err, errlen);

	if (rc != 0)
		return rc;
	rc = schema_version(db, &have);
	if (rc == SQLITE_OK && have < m->version
	    && (rc = sqlite3_exec(db, m->sql, NULL, NULL, NULL)) == SQLITE_OK)
		rc = record_migration(db, m->version);
	if (rc == SQLITE_OK)
		return store_exec(db, "COMMIT", "cannot commit migration", err, errlen);
	rc = store_open_fail(db, "migration failed", rc, err, errlen);
	(void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

int
store_migrate(sqlite3 *db, char *err, size_t errlen)
{
	int latest = migrations[N_MIGRATIONS - 1].version;
	int64_t have = 0;
	int rc = store_exec(db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
	    " version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL) STRICT",
	    "cannot create schema_migrations", err, errlen);

	if (rc != 0)
		return rc;
	rc = schema_version(db, &have);
	if (rc != SQLITE_OK)
		return store_open_fail(db, "cannot read schema version", rc, err, errlen);
	if (have > latest) {
		store_errf(err, errlen, "database schema version %lld is newer than this"
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
