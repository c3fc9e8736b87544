/*
 * store_int.h -- what the store's files share: struct store and its parts,
 * the statement indexes, the constants more than one file needs, and the
 * few functions one file calls in another.  Private to src/store/: callers
 * use store.h.  Everything not declared here stays static in its file.
 *
 *   store_sqlite.c   open and close, errors; the overview (DURABILITY, ERRORS)
 *   store_schema.c   the schema and its migrations; its header comment is
 *                    the schema's documentation (SCHEMA)
 *   store_write.c    group commit on the writer thread (GROUP COMMIT)
 *   store_sync.c     the WAL sync thread and the stages (PIPELINE)
 *   store_read.c     the read connections (READS)
 */
#ifndef ABUSEDESK_STORE_INT_H
#define ABUSEDESK_STORE_INT_H

#include "store.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <sqlite3.h>

#define BUSY_TIMEOUT_MS   5000       /* wait for another process's lock */
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

/* ---- statements -------------------------------------------------------- */

enum wstmt {
	W_BEGIN, W_COMMIT, W_ROLLBACK, W_SAVEPOINT, W_RELEASE, W_ROLLBACK_TO,
	W_REPORT, W_INDICATOR, W_HEARTBEAT, W_ATTACHMENT, W_COUNT
};

/* The writer's statements (store_write.c), prepared by store_open(). */
extern const char *const store_wsql[W_COUNT];

enum rstmt { R_STATUS, R_JSON, R_BY_INDICATOR, R_COUNT_REPORTS, R_COUNT };

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

/* ---- store_sqlite.c: errors, and the pieces of store_open() ----------- */

/* An errno value as a store_rc. */
int store_errno_rc(int e);

/* Log an SQLite failure once (stderr) and give its store_rc. */
int store_fail(sqlite3 *db, const char *what, int rc);

/* Write a message for store_open()'s caller into err (NULL or 0: none). */
void store_errf(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* store_open() failed: the message into err, nothing logged; the store_rc. */
int store_open_fail(sqlite3 *db, const char *what, int rc, char *err, size_t errlen);

/* Run sql while opening: 0, or store_open_fail()'s store_rc. */
int store_exec(sqlite3 *db, const char *sql, const char *what, char *err,
    size_t errlen);

/* Prepare n persistent statements: 0, or store_open_fail()'s store_rc. */
int store_prepare_all(sqlite3 *db, const char *const *sql, sqlite3_stmt **stmt, int n,
    char *err, size_t errlen);

/* fsync the directory holding dir (dir is restored): 0, or -1 and errno. */
int store_sync_parent(char *dir);

/* ---- store_schema.c ---------------------------------------------------- */

/* Apply the migrations db lacks; refuse a newer schema.  0 or a store_rc. */
int store_migrate(sqlite3 *db, char *err, size_t errlen);

/* ---- store_write.c ----------------------------------------------------- */

/* Bind a parameter, SQLITE_STATIC for text: 1 if bound, 0 if not. */
int store_bind_text(sqlite3_stmt *s, int i, const char *v);
int store_bind_int(sqlite3_stmt *s, int i, int64_t v);

/* The writer thread; arg is the store. */
void *store_writer_main(void *arg);

/* ---- store_sync.c ------------------------------------------------------ */

/* Open the WAL for the syncer, then let COMMIT skip fsync: 0 or a store_rc. */
int store_open_wal(struct store *st, char *err, size_t errlen);

/*
 * The writer's side of the stages: the next one to fill (waits until the
 * syncer gives it back), and the hand-over of the one just committed
 * (done: the writer is stopping).
 */
struct stage *store_stage_free(struct store *st);
void store_stage_commit(struct store *st, int done);

/* The syncer thread; arg is the store. */
void *store_syncer_main(void *arg);

/* ---- store_read.c ------------------------------------------------------ */

/* Open the read connections, their statements prepared: 0 or a store_rc. */
int store_open_readers(struct store *st, const char *path, char *err, size_t errlen);

#endif
