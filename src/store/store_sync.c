/*
 * store_sync.c -- the store's WAL sync thread (the syncer) and the stages
 * that carry each batch from the writer (store_write.c) to it: the syncer
 * makes every batch committed so far durable with one fdatasync of the WAL,
 * then runs their callbacks.  Here is the argument that an acknowledged
 * report is on disk, next to the code it depends on.
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
 */
#include "store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "util/xalloc.h"

/* ---- the stages -------------------------------------------------------- */

/* The next stage to fill, once the syncer has given it back. */
struct stage *
store_stage_free(struct store *st)
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
void
store_stage_commit(struct store *st, int done)
{
	pthread_mutex_lock(&st->smu);
	if (done)
		st->writer_done = 1;
	else
		st->committed++;
	pthread_cond_signal(&st->committed_cv);
	pthread_mutex_unlock(&st->smu);
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
		rc = store_errno_rc(e);               /* never STORE_OK */
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
void *
store_syncer_main(void *arg)
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

/* ---- the WAL ----------------------------------------------------------- */

/*
 * Open the WAL for the syncer (PIPELINE) and make its name durable, then
 * let commits go without their own fsync.  The WAL exists by now: setting
 * journal_mode=WAL and reading the schema made it.  Closing this descriptor
 * drops no lock of SQLite's: it takes none on the WAL file itself (WAL
 * locks are on the -shm file and the database).
 */
int
store_open_wal(struct store *st, char *err, size_t errlen)
{
	const char *db = sqlite3_db_filename(st->wdb, "main");
	size_t n = db != NULL ? strlen(db) : 0;
	struct stat sb;
	int e;

	if (n == 0) {
		store_errf(err, errlen, "the database has no file name");
		return STORE_ERR;
	}
	st->walpath = xmalloc(n + sizeof "-wal");
	memcpy(st->walpath, db, n);
	memcpy(st->walpath + n, "-wal", sizeof "-wal");
	st->walfd = open(st->walpath, O_RDONLY | O_CLOEXEC);
	if (st->walfd < 0 || fstat(st->walfd, &sb) != 0 || store_sync_parent(st->walpath) != 0) {
		e = errno;
		store_errf(err, errlen, "cannot open and sync the WAL %s: %s", st->walpath, strerror(e));
		return store_errno_rc(e);
	}
	st->waldev = sb.st_dev;
	st->walino = sb.st_ino;
	return store_exec(st->wdb, "PRAGMA synchronous = NORMAL", "cannot set synchronous",
	    err, errlen);
}
