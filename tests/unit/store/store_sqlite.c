/*
 * store_sqlite.c -- tests of the SQLite store (src/store/store_*.c): schema and
 * migrations, reads, group commit, and failure on purpose.
 *
 * Failures are injected from outside the store, without hooks in it: a shim
 * VFS is registered as SQLite's default before any store opens, so every
 * connection the store makes goes through it.  It forwards to the real
 * ("unix") VFS and can
 *   - count fsyncs of the WAL, hold them back or make them fail: fsync and
 *     fdatasync are defined below, shadowing libc's for SQLite and the
 *     store's syncer alike; the store syncs the WAL once per batch
 *     (checkpoints add one each), so the count bounds the number of batches
 *     from above;
 *   - make writes to the database and WAL fail as a full disk (SQLITE_FULL,
 *     the unix VFS's answer to ENOSPC), a failing disk (SQLITE_IOERR_WRITE)
 *     or a read-only filesystem (SQLITE_IOERR_WRITE, and access(2) saying
 *     the file cannot be written);
 *   - open the database file read-only, as the unix VFS does when it cannot
 *     open it for writing; or offer no shared memory, so WAL is impossible.
 * Tests run as root, so chmod cannot make a file read-only.  Where the
 * process may (root with CAP_SYS_ADMIN), main() moves it into a private
 * mount namespace, and two tests use the real thing: a read-only bind mount
 * and a small, filled tmpfs.  The mounts vanish with the process.
 *
 * test_measure prints figures (reports/s, 100 000 indicators); it asserts
 * nothing about speed.  ABUSEDESK_STORE_BENCH_N sets reports per thread.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store/store.h"

/* ---- fsync, shadowed ---------------------------------------------------- */

static atomic_long wal_syncs;
static atomic_int wal_sync_errno;  /* != 0: fsyncs of a WAL fail so */
static atomic_int wal_sync_held;   /* != 0: fsyncs of a WAL wait */

int fsync(int fd);
int fdatasync(int fd);

static int
is_wal(int fd)
{
	char link[64], path[512];
	ssize_t n;

	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof path - 1);
	if (n < 4)
		return 0;
	path[n] = '\0';
	return strcmp(path + n - 4, "-wal") == 0;
}

/* Count, hold back or fail a sync of a WAL; -1 with errno when failed. */
static int
wal_sync_hook(int fd)
{
	int e;

	if (!is_wal(fd))
		return 0;
	while (atomic_load(&wal_sync_held))
		usleep(1000);
	if ((e = atomic_load(&wal_sync_errno)) != 0) {
		errno = e;
		return -1;
	}
	atomic_fetch_add(&wal_syncs, 1);
	return 0;
}

int
fsync(int fd)
{
	static int (*real)(int);

	if (real == NULL)
		real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
	return wal_sync_hook(fd) == 0 ? real(fd) : -1;
}

int
fdatasync(int fd)
{
	static int (*real)(int);

	if (real == NULL)
		real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
	return wal_sync_hook(fd) == 0 ? real(fd) : -1;
}

/* ---- the shim VFS ------------------------------------------------------ */

struct shim_file {
	sqlite3_file base;
	sqlite3_file *real;   /* the unix VFS's file, right after this struct */
	int flags;
};

static sqlite3_vfs *real_vfs;
static sqlite3_vfs shim_vfs;
static atomic_int fault_rc;        /* != 0: writes to the db and WAL fail so */
static atomic_int fault_errno;
static atomic_int open_readonly;
static atomic_int no_shm;

#define REAL(f) (((struct shim_file *)(f))->real)

static int
s_close(sqlite3_file *f)
{
	return REAL(f)->pMethods->xClose(REAL(f));
}

static int
s_read(sqlite3_file *f, void *p, int n, sqlite3_int64 off)
{
	return REAL(f)->pMethods->xRead(REAL(f), p, n, off);
}

static int
s_write(sqlite3_file *f, const void *p, int n, sqlite3_int64 off)
{
	int rc = atomic_load(&fault_rc);

	if (rc != 0 && (((struct shim_file *)f)->flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL))) {
		errno = atomic_load(&fault_errno);
		return rc;
	}
	return REAL(f)->pMethods->xWrite(REAL(f), p, n, off);
}

static int
s_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	return REAL(f)->pMethods->xTruncate(REAL(f), size);
}

static int
s_sync(sqlite3_file *f, int flags)
{
	return REAL(f)->pMethods->xSync(REAL(f), flags);
}

static int
s_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return REAL(f)->pMethods->xFileSize(REAL(f), size);
}

static int
s_lock(sqlite3_file *f, int lock)
{
	return REAL(f)->pMethods->xLock(REAL(f), lock);
}

static int
s_unlock(sqlite3_file *f, int lock)
{
	return REAL(f)->pMethods->xUnlock(REAL(f), lock);
}

static int
s_reserved(sqlite3_file *f, int *out)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int
s_fcntl(sqlite3_file *f, int op, void *arg)
{
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int
s_sector(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int
s_devchar(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int
s_shmmap(sqlite3_file *f, int pg, int pgsz, int extend, void volatile **pp)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), pg, pgsz, extend, pp);
}

static int
s_shmlock(sqlite3_file *f, int offset, int n, int flags)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), offset, n, flags);
}

static void
s_shmbarrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int
s_shmunmap(sqlite3_file *f, int del)
{
	return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}

static int
s_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **pp)
{
	return REAL(f)->pMethods->xFetch(REAL(f), off, n, pp);
}

static int
s_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	return REAL(f)->pMethods->xUnfetch(REAL(f), off, p);
}

static const sqlite3_io_methods shim_methods = {
	3, s_close, s_read, s_write, s_truncate, s_sync, s_size, s_lock,
	s_unlock, s_reserved, s_fcntl, s_sector, s_devchar, s_shmmap,
	s_shmlock, s_shmbarrier, s_shmunmap, s_fetch, s_unfetch,
};

/* Version 1: no shared memory, hence no WAL. */
static const sqlite3_io_methods shim_methods_v1 = {
	1, s_close, s_read, s_write, s_truncate, s_sync, s_size, s_lock,
	s_unlock, s_reserved, s_fcntl, s_sector, s_devchar, NULL, NULL, NULL,
	NULL, NULL, NULL,
};

static int
v_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *f, int flags, int *out)
{
	struct shim_file *sf = (struct shim_file *)f;
	int rc;

	(void)vfs;
	sf->real = (sqlite3_file *)(sf + 1);
	sf->flags = flags;
	if (atomic_load(&open_readonly) && (flags & SQLITE_OPEN_MAIN_DB)
	    && (flags & SQLITE_OPEN_READWRITE))
		flags = (flags & ~(SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE))
		    | SQLITE_OPEN_READONLY;
	rc = real_vfs->xOpen(real_vfs, name, sf->real, flags, out);
	if (rc != SQLITE_OK) {
		f->pMethods = NULL;
		return rc;
	}
	f->pMethods = atomic_load(&no_shm) ? &shim_methods_v1 : &shim_methods;
	return SQLITE_OK;
}

static int
v_delete(sqlite3_vfs *vfs, const char *name, int syncdir)
{
	(void)vfs;
	return real_vfs->xDelete(real_vfs, name, syncdir);
}

static int
v_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	(void)vfs;
	if (flags == SQLITE_ACCESS_READWRITE && atomic_load(&fault_rc) != 0
	    && atomic_load(&fault_errno) == EROFS) {
		*out = 0;  /* access(2) says EROFS too */
		return SQLITE_OK;
	}
	return real_vfs->xAccess(real_vfs, name, flags, out);
}

static int
v_fullpath(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	(void)vfs;
	return real_vfs->xFullPathname(real_vfs, name, n, out);
}

static void *
v_dlopen(sqlite3_vfs *vfs, const char *name)
{
	(void)vfs;
	return real_vfs->xDlOpen(real_vfs, name);
}

static void
v_dlerror(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	real_vfs->xDlError(real_vfs, n, out);
}

static void (*v_dlsym(sqlite3_vfs *vfs, void *h, const char *sym))(void)
{
	(void)vfs;
	return real_vfs->xDlSym(real_vfs, h, sym);
}

static void
v_dlclose(sqlite3_vfs *vfs, void *h)
{
	(void)vfs;
	real_vfs->xDlClose(real_vfs, h);
}

static int
v_random(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return real_vfs->xRandomness(real_vfs, n, out);
}

static int
v_sleep(sqlite3_vfs *vfs, int us)
{
	(void)vfs;
	return real_vfs->xSleep(real_vfs, us);
}

static int
v_time(sqlite3_vfs *vfs, double *out)
{
	(void)vfs;
	return real_vfs->xCurrentTime(real_vfs, out);
}

static int
v_lasterr(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return real_vfs->xGetLastError(real_vfs, n, out);
}

static int
v_time64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
	(void)vfs;
	return real_vfs->xCurrentTimeInt64(real_vfs, out);
}

static int
shim_register(void)
{
	real_vfs = sqlite3_vfs_find(NULL);
	if (real_vfs == NULL)
		return -1;
	shim_vfs = (sqlite3_vfs){
		.iVersion = 2,
		.szOsFile = (int)sizeof(struct shim_file) + real_vfs->szOsFile,
		.mxPathname = real_vfs->mxPathname,
		.zName = "abusedesk-test-shim",
		.xOpen = v_open, .xDelete = v_delete, .xAccess = v_access,
		.xFullPathname = v_fullpath, .xDlOpen = v_dlopen,
		.xDlError = v_dlerror, .xDlSym = v_dlsym, .xDlClose = v_dlclose,
		.xRandomness = v_random, .xSleep = v_sleep,
		.xCurrentTime = v_time, .xGetLastError = v_lasterr,
		.xCurrentTimeInt64 = v_time64,
	};
	return sqlite3_vfs_register(&shim_vfs, 1) == SQLITE_OK ? 0 : -1;
}

static void
shim_reset(void)
{
	atomic_store(&fault_rc, 0);
	atomic_store(&fault_errno, 0);
	atomic_store(&open_readonly, 0);
	atomic_store(&no_shm, 0);
	atomic_store(&wal_sync_errno, 0);
	atomic_store(&wal_sync_held, 0);
}

/* ---- fixtures ---------------------------------------------------------- */

static int can_mount;  /* a private mount namespace is ours */

struct ctx {
	char dir[64];       /* mkdtemp */
	char path[160];     /* dir/var/abusedesk.db: the store makes var/ */
	store *st;
};

static int
setup(void **state)
{
	struct ctx *c = calloc(1, sizeof *c);

	assert_non_null(c);
	snprintf(c->dir, sizeof c->dir, "/tmp/abusedesk-store-XXXXXX");
	assert_non_null(mkdtemp(c->dir));
	assert_true((size_t)snprintf(c->path, sizeof c->path, "%s/var/abusedesk.db",
	    c->dir) < sizeof c->path);
	shim_reset();
	*state = c;
	return 0;
}

static int
rm_one(const char *p, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb; (void)type; (void)ftw;
	return remove(p);
}

static int
teardown(void **state)
{
	struct ctx *c = *state;

	shim_reset();
	store_close(c->st);
	(void)nftw(c->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(c);
	return 0;
}

static store *
open_ok(struct ctx *c, const store_options *opt)
{
	char err[256] = "";
	int rc = store_open(c->path, opt, &c->st, err, sizeof err);

	if (rc != 0)
		print_message("store_open: %s\n", err);
	assert_int_equal(rc, 0);
	return c->st;
}

static void
reopen(struct ctx *c, const store_options *opt)
{
	store_close(c->st);
	c->st = NULL;
	(void)open_ok(c, opt);
}

/* A 600-byte body, about the size of a one-address report. */
static const char body600[] =
	"{\"reporterInfo\":{\"reporterOrg\":\"Example CERT\",\"reporterEmail\":"
	"\"abuse-desk@example.org\",\"reporterName\":\"Alex Example\"},"
	"\"report\":{\"reportCategory\":\"IP Address\",\"incidentType\":"
	"\"Brute Force\",\"attackMethod\":\"SSH\",\"incidentTime\":"
	"\"2024-05-01T10:11:12Z\",\"reportNotes\":\"Repeated SSH login attempts"
	" against several hosts in our network over the past hour; logs"
	" available on request. Source appears to be part of a botnet.\","
	"\"ipAddressList\":[{\"sourceIp\":\"192.0.2.10\",\"destinationIp\":"
	"\"198.51.100.20\",\"destinationPort\":22}],\"source\":\"fail2ban\"},"
	"\"padding\":\"........................................................\"}";
_Static_assert(sizeof body600 - 1 == 600, "body600 is 600 bytes");

#define SHARED_URL "https://phish.example/login"

/* A report and everything it points to. */
struct fx {
	store_report r;
	char case_id[40];
	uint8_t hash[STORE_TOKEN_HASH_BYTES];
	char ip[48];
	store_indicator ind[2];
};

static void
fx_init(struct fx *f, unsigned seq)
{
	memset(f, 0, sizeof *f);
	snprintf(f->case_id, sizeof f->case_id, "01900000-0000-7000-8000-%012x", seq);
	for (unsigned i = 0; i < sizeof f->hash; i++)
		f->hash[i] = (uint8_t)(seq * 7u + i);
	snprintf(f->ip, sizeof f->ip, "10.%u.%u.%u", (seq >> 16) & 255,
	    (seq >> 8) & 255, seq & 255);
	f->ind[0] = (store_indicator){ STORE_KIND_IP, STORE_ROLE_SOURCE, f->ip, 0, NULL, 0 };
	f->ind[1] = (store_indicator){ STORE_KIND_URL, STORE_ROLE_DESTINATION,
	    SHARED_URL, 443, "phish.example", -1 };
	f->r = (store_report){
		.case_id = f->case_id, .token_hash = f->hash,
		.received_ms = 1714558272000 + seq, .channel = "ReportApi",
		.threat_type = "IP Address", .incident_type = "Brute Force",
		.attack_method = "SSH", .reporter_email = "abuse-desk@example.org",
		.reporter_name = "Alex Example", .anonymize = 0,
		.incident_epoch = 1714558272, .incident_time_given = 1,
		.report_json = body600, .raw_body = body600,
		.raw_len = sizeof body600 - 1, .raw_content_type = "application/json",
		.indicators = f->ind, .n_indicators = 2,
	};
}

/* Callbacks: each submission has a slot; a tally counts completions. */
struct tally {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	unsigned done;
};

struct slot {
	struct tally *t;
	int rc;
	int calls;
};

#define TALLY_INIT { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0 }

static void
slot_done(void *arg, int rc)
{
	struct slot *s = arg;

	pthread_mutex_lock(&s->t->mu);
	s->rc = rc;
	s->calls++;
	s->t->done++;
	pthread_cond_broadcast(&s->t->cv);
	pthread_mutex_unlock(&s->t->mu);
}

static void
tally_wait(struct tally *t, unsigned n)
{
	pthread_mutex_lock(&t->mu);
	while (t->done < n)
		pthread_cond_wait(&t->cv, &t->mu);
	pthread_mutex_unlock(&t->mu);
}

static unsigned
tally_count(struct tally *t)
{
	unsigned n;

	pthread_mutex_lock(&t->mu);
	n = t->done;
	pthread_mutex_unlock(&t->mu);
	return n;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long
count_reports(store *st)
{
	long n = -1;

	assert_int_equal(store_count_reports(st, &n), STORE_OK);
	return n;
}

static long
count_ind(store *st, enum store_kind kind, const char *value)
{
	long n = -1;

	assert_int_equal(store_count_by_indicator(st, kind, value, &n), STORE_OK);
	return n;
}

/* A connection of our own, to look at the file or to hold its lock. */
static sqlite3 *
raw_open(const struct ctx *c)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open_v2(c->path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	return db;
}

static long long
raw_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s = NULL;
	long long v;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

static void
raw_exec(sqlite3 *db, const char *sql)
{
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
}

/* ---- schema and migrations --------------------------------------------- */

static void
test_open_creates_directory_and_schema(void **state)
{
	struct ctx *c = *state;
	char var[96];
	struct stat sb;
	sqlite3 *db;

	open_ok(c, NULL);
	snprintf(var, sizeof var, "%s/var", c->dir);
	assert_int_equal(stat(var, &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_int_equal(sb.st_mode & 0027, 0);  /* 0750 less the umask */
	assert_int_equal(count_reports(c->st), 0);
	db = raw_open(c);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM schema_migrations"), 3);
	assert_int_equal(raw_int(db, "SELECT max(version) FROM schema_migrations"), 3);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM sqlite_schema WHERE"
	    " name IN ('reports', 'indicators', 'heartbeat', 'indicators_by_value',"
	    " 'indicators_by_host', 'attachments', 'attachments_by_report',"
	    " 'attachments_by_sha256')"), 8);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM sqlite_schema WHERE"
	    " name IN ('indicators_by_report', 'reports_by_received')"), 0);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM sqlite_schema WHERE"
	    " type = 'table' AND sql LIKE '%STRICT%'"), 5);
	sqlite3_close(db);
}

static void
test_migrations_are_idempotent_on_reopen(void **state)
{
	struct ctx *c = *state;
	sqlite3 *db;
	char before[64] = "", after[64] = "";
	sqlite3_stmt *s;

	open_ok(c, NULL);
	for (int round = 0; round < 3; round++) {
		db = raw_open(c);
		assert_int_equal(sqlite3_prepare_v2(db, "SELECT applied_at FROM"
		    " schema_migrations WHERE version = 1", -1, &s, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(s), SQLITE_ROW);
		snprintf(round == 0 ? before : after, sizeof before, "%s",
		    (const char *)sqlite3_column_text(s, 0));
		assert_int_equal(sqlite3_step(s), SQLITE_DONE);
		sqlite3_finalize(s);
		assert_int_equal(raw_int(db, "SELECT count(*) FROM schema_migrations"), 3);
		sqlite3_close(db);
		reopen(c, NULL);
	}
	assert_string_equal(before, after);
	assert_int_equal(count_reports(c->st), 0);
}

static void
test_newer_schema_is_refused(void **state)
{
	struct ctx *c = *state;
	char err[256] = "";
	sqlite3 *db;

	open_ok(c, NULL);
	store_close(c->st);
	c->st = NULL;
	db = raw_open(c);
	raw_exec(db, "INSERT INTO schema_migrations VALUES (999, '2999-01-01T00:00:00Z')");
	sqlite3_close(db);
	assert_true(store_open(c->path, NULL, &c->st, err, sizeof err) < 0);
	assert_null(c->st);
	assert_non_null(strstr(err, "newer"));
	assert_non_null(strstr(err, "999"));
}

static void
test_options_out_of_range_are_refused(void **state)
{
	struct ctx *c = *state;
	store_options o = { .max_queue = 1u << 30 };
	char err[256] = "";

	assert_int_equal(store_open(c->path, &o, &c->st, err, sizeof err), STORE_ERR);
	assert_null(c->st);
	assert_non_null(strstr(err, "max_queue"));
}

static void
test_parent_that_is_a_file_fails_with_message(void **state)
{
	struct ctx *c = *state;
	char file[96], path[128], err[256] = "";
	int fd;

	snprintf(file, sizeof file, "%s/plainfile", c->dir);
	fd = open(file, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
	snprintf(path, sizeof path, "%s/sub/abusedesk.db", file);
	assert_true(store_open(path, NULL, &c->st, err, sizeof err) < 0);
	assert_null(c->st);
	assert_non_null(strstr(err, "cannot create directory"));
}

/* ---- reads ------------------------------------------------------------- */

static void
test_put_then_status_with_right_token(void **state)
{
	struct ctx *c = *state;
	struct fx f;
	store_status s;
	long syncs;

	open_ok(c, NULL);
	fx_init(&f, 1);
	syncs = atomic_load(&wal_syncs);
	assert_int_equal(store_put(c->st, &f.r), STORE_OK);
	assert_true(atomic_load(&wal_syncs) > syncs);  /* acknowledged after an fsync */
	memset(&s, 0, sizeof s);
	assert_int_equal(store_get_status(c->st, f.case_id, f.hash, &s), STORE_OK);
	assert_string_equal(s.case_id, f.case_id);
	assert_string_equal(s.status, "received");
	assert_int_equal(s.received_ms, f.r.received_ms);
	assert_int_equal(s.updated_ms, f.r.received_ms);
	assert_string_equal(s.threat_type, "IP Address");
	assert_string_equal(s.incident_type, "Brute Force");
	assert_string_equal(s.attack_method, "SSH");
	assert_int_equal(s.n_indicators, 2);
}

static void
test_wrong_token_and_unknown_id_are_notfound(void **state)
{
	struct ctx *c = *state;
	struct fx f;
	store_status s, untouched;
	uint8_t wrong[STORE_TOKEN_HASH_BYTES];

	open_ok(c, NULL);
	fx_init(&f, 2);
	f.r.attack_method = NULL;
	assert_int_equal(store_put(c->st, &f.r), STORE_OK);
	memcpy(wrong, f.hash, sizeof wrong);
	wrong[31] ^= 1;
	memset(&s, 0x5a, sizeof s);
	untouched = s;
	assert_int_equal(store_get_status(c->st, f.case_id, wrong, &s), STORE_NOTFOUND);
	assert_memory_equal(&s, &untouched, sizeof s);  /* out written only on success */
	assert_int_equal(store_get_status(c->st, "01900000-0000-7000-8000-ffffffffffff",
	    f.hash, &s), STORE_NOTFOUND);
	assert_int_equal(store_get_status(c->st, f.case_id, f.hash, &s), STORE_OK);
	assert_string_equal(s.attack_method, "");
}

static void
test_report_json_round_trips(void **state)
{
	struct ctx *c = *state;
	struct fx f;
	char *json = NULL;

	open_ok(c, NULL);
	fx_init(&f, 3);
	f.r.report_json = "{\"normalized\":true,\"name\":\"\xc3\xa9\"}";
	assert_int_equal(store_put(c->st, &f.r), STORE_OK);
	assert_int_equal(store_get_report_json(c->st, f.case_id, &json), STORE_OK);
	assert_string_equal(json, f.r.report_json);
	free(json);
	json = NULL;
	assert_int_equal(store_get_report_json(c->st, "nope", &json), STORE_NOTFOUND);
	assert_null(json);
}

static void
test_count_by_indicator_counts_reports(void **state)
{
	struct ctx *c = *state;
	struct fx f[3];

	open_ok(c, NULL);
	for (unsigned i = 0; i < 3; i++) {
		fx_init(&f[i], 10 + i);
		if (i == 2)  /* the same address twice in one report counts once */
			f[i].ind[1] = (store_indicator){ STORE_KIND_IP,
			    STORE_ROLE_DESTINATION, f[i].ip, 22, NULL, 0 };
		assert_int_equal(store_put(c->st, &f[i].r), STORE_OK);
	}
	assert_int_equal(count_ind(c->st, STORE_KIND_URL, SHARED_URL), 2);
	assert_int_equal(count_ind(c->st, STORE_KIND_IP, f[0].ip), 1);
	assert_int_equal(count_ind(c->st, STORE_KIND_IP, f[2].ip), 1);
	assert_int_equal(count_ind(c->st, STORE_KIND_IP, SHARED_URL), 0);
	assert_int_equal(count_ind(c->st, STORE_KIND_IP, "203.0.113.1"), 0);
	assert_int_equal(count_reports(c->st), 3);
}

static void
test_reports_survive_close_and_reopen(void **state)
{
	struct ctx *c = *state;
	struct fx f[3];
	store_status s;
	sqlite3 *db;

	open_ok(c, NULL);
	for (unsigned i = 0; i < 3; i++) {
		fx_init(&f[i], 20 + i);
		assert_int_equal(store_put(c->st, &f[i].r), STORE_OK);
	}
	reopen(c, NULL);
	assert_int_equal(count_reports(c->st), 3);
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(store_get_status(c->st, f[i].case_id, f[i].hash, &s), STORE_OK);
	db = raw_open(c);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM reports WHERE"
	    " length(raw_body) = 600 AND updated_ms = received_ms"), 3);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM indicators WHERE"
	    " kind = 2 AND port = 443 AND host = 'phish.example' AND item IS NULL"), 3);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM indicators WHERE"
	    " kind = 1 AND port IS NULL AND host IS NULL AND item = 0"), 3);
	sqlite3_close(db);
}

/* ---- attachments (migration 2) ------------------------------------------ */

#define EVIDENCE "Received: from mail.example\r\nSubject: win\r\n\r\nclick here\r\n"
#define EVIDENCE_SHA "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void
test_attachment_is_stored_with_its_report(void **state)
{
	struct ctx *c = *state;
	store_attachment a = { "mail.eml", "message/rfc822", "message/rfc822",
	    EVIDENCE, sizeof EVIDENCE - 1, EVIDENCE_SHA, 123 };
	struct fx f[2];
	sqlite3 *db;

	open_ok(c, NULL);
	fx_init(&f[0], 60);
	fx_init(&f[1], 61);
	f[0].r.attachment = &a;
	assert_int_equal(store_put(c->st, &f[0].r), STORE_OK);
	assert_int_equal(store_put(c->st, &f[1].r), STORE_OK);
	db = raw_open(c);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM attachments"), 1);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM attachments a JOIN reports r"
	    " ON r.id = a.report_id WHERE r.case_id = '01900000-0000-7000-8000-00000000003c'"
	    " AND a.file_name = 'mail.eml' AND a.media_type = 'message/rfc822'"
	    " AND a.declared_type = 'message/rfc822' AND a.raw_offset = 123"
	    " AND a.sha256 = '" EVIDENCE_SHA "' AND a.size = length(a.content)"
	    " AND a.content = CAST('" EVIDENCE "' AS BLOB)"), 1);
	sqlite3_close(db);
}

static void
test_report_with_a_bad_attachment_is_not_stored_at_all(void **state)
{
	struct ctx *c = *state;
	store_attachment bad = { "x.txt", NULL, "text/plain", "x", 1, "not-a-hash", -1 };
	struct fx f;
	sqlite3 *db;

	open_ok(c, NULL);
	fx_init(&f, 62);
	f.r.attachment = &bad;
	assert_int_equal(store_put(c->st, &f.r), STORE_ERR);
	assert_int_equal(count_reports(c->st), 0);
	assert_int_equal(count_ind(c->st, STORE_KIND_IP, f.ip), 0);
	db = raw_open(c);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM attachments"), 0);
	sqlite3_close(db);
}

/* ---- group commit ------------------------------------------------------ */

#define THREADS 8
#define PER_THREAD 200

struct worker {
	store *st;
	struct fx *fx;
	struct slot *slots;
	unsigned n;
	int bad_rc;       /* a submission refused, or 0 */
	int use_put;
	double ms;
};

static void *
submit_worker(void *arg)
{
	struct worker *w = arg;
	double t0 = now_s();

	for (unsigned i = 0; i < w->n; i++) {
		int rc;

		if (w->use_put) {
			rc = store_put(w->st, &w->fx[i].r);
		} else {
			while ((rc = store_submit(w->st, &w->fx[i].r, slot_done,
			    &w->slots[i])) == STORE_BUSY)
				usleep(100);  /* queue full: back off like a client would */
		}
		if (rc != STORE_OK && w->bad_rc == 0)
			w->bad_rc = rc;
	}
	w->ms = (now_s() - t0) * 1000;
	return NULL;
}

/* Run THREADS workers over n reports each; returns the seconds taken. */
static double
run_workers(store *st, struct tally *t, unsigned base, unsigned n, int use_put,
    struct fx **fxp, struct slot **slotsp)
{
	struct worker w[THREADS];
	pthread_t th[THREADS];
	struct fx *fx = calloc((size_t)THREADS * n, sizeof *fx);
	struct slot *slots = calloc((size_t)THREADS * n, sizeof *slots);
	double t0;

	assert_non_null(fx);
	assert_non_null(slots);
	for (unsigned i = 0; i < THREADS * n; i++) {
		fx_init(&fx[i], base + i);
		slots[i].t = t;
	}
	t0 = now_s();
	for (unsigned k = 0; k < THREADS; k++) {
		w[k] = (struct worker){ st, fx + k * n, slots + k * n, n, 0, use_put, 0 };
		assert_int_equal(pthread_create(&th[k], NULL, submit_worker, &w[k]), 0);
	}
	for (unsigned k = 0; k < THREADS; k++)
		assert_int_equal(pthread_join(th[k], NULL), 0);
	if (!use_put)
		tally_wait(t, THREADS * n);
	for (unsigned k = 0; k < THREADS; k++)
		assert_int_equal(w[k].bad_rc, 0);
	*fxp = fx;
	*slotsp = slots;
	return now_s() - t0;
}

static void
test_concurrent_submits_commit_in_batches(void **state)
{
	struct ctx *c = *state;
	struct tally t = TALLY_INIT;
	struct fx *fx;
	struct slot *slots;
	long syncs0, syncs;
	store_status s;
	sqlite3 *db;

	open_ok(c, NULL);
	syncs0 = atomic_load(&wal_syncs);
	(void)run_workers(c->st, &t, 1000, PER_THREAD, 0, &fx, &slots);
	syncs = atomic_load(&wal_syncs) - syncs0;
	for (unsigned i = 0; i < THREADS * PER_THREAD; i++) {
		assert_int_equal(slots[i].calls, 1);
		assert_int_equal(slots[i].rc, STORE_OK);
	}
	assert_int_equal(count_reports(c->st), THREADS * PER_THREAD);
	assert_int_equal(count_ind(c->st, STORE_KIND_URL, SHARED_URL), THREADS * PER_THREAD);
	assert_int_equal(store_get_status(c->st, fx[777].case_id, fx[777].hash, &s), STORE_OK);
	/* WAL fsyncs >= commits: fewer fsyncs than reports means batches. */
	print_message("  %d reports, %ld WAL fsyncs\n", THREADS * PER_THREAD, syncs);
	assert_true(syncs > 0);
	assert_true(syncs < THREADS * PER_THREAD);
	free(fx);
	free(slots);
	db = raw_open(c);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM pragma_integrity_check"
	    " WHERE integrity_check = 'ok'"), 1);
	sqlite3_close(db);
}

/* A report is committed before its WAL is synced, but acknowledged only after. */
static void
test_callback_waits_for_wal_sync(void **state)
{
	struct ctx *c = *state;
	struct tally t = TALLY_INIT;
	struct slot slot = { &t, 99, 0 };
	struct fx f;
	long syncs;

	open_ok(c, NULL);
	fx_init(&f, 7);
	syncs = atomic_load(&wal_syncs);
	atomic_store(&wal_sync_held, 1);
	assert_int_equal(store_submit(c->st, &f.r, slot_done, &slot), STORE_OK);
	for (int i = 0; i < 200 && count_reports(c->st) == 0; i++)
		usleep(1000);
	assert_int_equal(count_reports(c->st), 1);  /* committed, visible */
	usleep(100 * 1000);
	assert_int_equal(tally_count(&t), 0);       /* not acknowledged */
	atomic_store(&wal_sync_held, 0);
	tally_wait(&t, 1);
	assert_int_equal(slot.rc, STORE_OK);
	assert_int_equal(slot.calls, 1);
	assert_true(atomic_load(&wal_syncs) > syncs);
}

/* A failed WAL sync: nothing is acknowledged until the store is reopened. */
static void
test_failed_wal_sync_fails_until_reopened(void **state)
{
	struct ctx *c = *state;
	struct fx f[3];

	open_ok(c, NULL);
	for (unsigned i = 0; i < 3; i++)
		fx_init(&f[i], 60 + i);
	assert_int_equal(store_put(c->st, &f[0].r), STORE_OK);
	atomic_store(&wal_sync_errno, EIO);
	assert_int_equal(store_put(c->st, &f[1].r), STORE_ERR);
	atomic_store(&wal_sync_errno, 0);
	/* The page cache may have lost what the failed sync did not write. */
	assert_int_equal(store_put(c->st, &f[2].r), STORE_ERR);
	assert_int_equal(store_ready(c->st), STORE_ERR);
	reopen(c, NULL);
	assert_int_equal(store_ready(c->st), STORE_OK);
	assert_int_equal(store_put(c->st, &f[2].r), STORE_OK);
}

/* A database made by migrations 1 and 2, as an older abusedesk left it. */
static const char schema_v2[] =
	"CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY,"
	" applied_at TEXT NOT NULL) STRICT;"
	"INSERT INTO schema_migrations VALUES (1, '2024-01-01T00:00:00.000Z'),"
	" (2, '2024-01-01T00:00:00.000Z');"
	"CREATE TABLE reports (id INTEGER PRIMARY KEY, case_id TEXT NOT NULL UNIQUE,"
	" token_hash BLOB NOT NULL CHECK (length(token_hash) = 32),"
	" received_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL,"
	" status TEXT NOT NULL DEFAULT 'received', channel TEXT NOT NULL,"
	" threat_type TEXT NOT NULL, incident_type TEXT NOT NULL, attack_method TEXT,"
	" reporter_email TEXT, reporter_name TEXT, anonymize INTEGER NOT NULL"
	" CHECK (anonymize IN (0, 1)), incident_epoch INTEGER NOT NULL,"
	" incident_time_given INTEGER NOT NULL CHECK (incident_time_given IN (0, 1)),"
	" report_json TEXT NOT NULL, raw_body BLOB NOT NULL, raw_content_type TEXT,"
	" n_indicators INTEGER NOT NULL CHECK (n_indicators >= 0)) STRICT;"
	"CREATE TABLE indicators (report_id INTEGER NOT NULL REFERENCES reports (id),"
	" kind INTEGER NOT NULL CHECK (kind IN (1, 2)), role INTEGER NOT NULL"
	" CHECK (role IN (1, 2)), value TEXT NOT NULL, port INTEGER"
	" CHECK (port BETWEEN 1 AND 65535), host TEXT, item INTEGER CHECK (item >= 0)) STRICT;"
	"CREATE INDEX indicators_by_value ON indicators (kind, value, report_id);"
	"CREATE INDEX indicators_by_host ON indicators (host) WHERE host IS NOT NULL;"
	"CREATE INDEX indicators_by_report ON indicators (report_id);"
	"CREATE INDEX reports_by_received ON reports (received_ms);"
	"CREATE TABLE heartbeat (id INTEGER PRIMARY KEY CHECK (id = 1),"
	" at_ms INTEGER NOT NULL) STRICT;"
	"CREATE TABLE attachments (report_id INTEGER NOT NULL REFERENCES reports (id),"
	" file_name TEXT NOT NULL, declared_type TEXT, media_type TEXT NOT NULL,"
	" size INTEGER NOT NULL CHECK (size >= 0), sha256 TEXT NOT NULL"
	" CHECK (length(sha256) = 64), raw_offset INTEGER CHECK (raw_offset >= 0),"
	" content BLOB NOT NULL CHECK (length(content) = size)) STRICT;"
	"CREATE INDEX attachments_by_report ON attachments (report_id);"
	"CREATE INDEX attachments_by_sha256 ON attachments (sha256);"
	"INSERT INTO reports VALUES (1, '01900000-0000-7000-8000-000000000001',"
	" zeroblob(32), 1, 1, 'received', 'ReportApi', 'IP Address', 'Brute Force',"
	" NULL, NULL, NULL, 0, 1, 1, '{}', x'7b7d', NULL, 3),"
	" (2, '01900000-0000-7000-8000-000000000002', zeroblob(32), 2, 2, 'received',"
	" 'ReportApi', 'IP Address', 'Brute Force', NULL, NULL, NULL, 0, 1, 1, '{}',"
	" x'7b7d', NULL, 1);"
	"INSERT INTO indicators VALUES (1, 1, 1, '192.0.2.1', 22, NULL, NULL),"
	" (2, 1, 1, '192.0.2.1', NULL, NULL, 0), (1, 1, 2, '192.0.2.2', NULL, NULL, 0),"
	" (1, 2, 2, 'https://x.example/', NULL, 'x.example', 1);";

static void
test_migration_3_keeps_every_indicator_in_order(void **state)
{
	struct ctx *c = *state;
	char dir[96];
	sqlite3 *db;

	snprintf(dir, sizeof dir, "%s/var", c->dir);
	assert_int_equal(mkdir(dir, 0750), 0);
	assert_int_equal(sqlite3_open_v2(c->path, &db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL), SQLITE_OK);
	raw_exec(db, "PRAGMA journal_mode = WAL");
	raw_exec(db, schema_v2);
	sqlite3_close(db);
	open_ok(c, NULL);
	assert_int_equal(count_reports(c->st), 2);
	assert_int_equal(count_ind(c->st, STORE_KIND_IP, "192.0.2.1"), 2);
	assert_int_equal(count_ind(c->st, STORE_KIND_URL, "https://x.example/"), 1);
	db = raw_open(c);
	assert_int_equal(raw_int(db, "SELECT max(version) FROM schema_migrations"), 3);
	assert_int_equal(raw_int(db, "SELECT group_concat(seq || ':' || value, ' ')"
	    " = '0:192.0.2.1 1:192.0.2.2 2:https://x.example/' FROM indicators"
	    " WHERE report_id = 1"), 1);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM indicators WHERE"
	    " report_id = 1 AND seq = 0 AND port = 22 AND item IS NULL"), 1);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM sqlite_schema WHERE"
	    " name IN ('indicators_by_report', 'reports_by_received', 'indicators_v3')"), 0);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM pragma_integrity_check"
	    " WHERE integrity_check = 'ok'"), 1);
	sqlite3_close(db);
}

/* Hold the database's write lock from outside; the writer waits (busy_timeout). */
static sqlite3 *
hold_write_lock(const struct ctx *c)
{
	sqlite3 *db = raw_open(c);

	raw_exec(db, "BEGIN EXCLUSIVE");
	return db;
}

static void
release_write_lock(sqlite3 *db)
{
	raw_exec(db, "COMMIT");
	sqlite3_close(db);
}

static void
test_failing_report_fails_alone(void **state)
{
	struct ctx *c = *state;
	struct tally t = TALLY_INIT;
	struct fx f[5];
	struct slot slot[5];
	char *json = NULL;
	sqlite3 *lock;

	open_ok(c, NULL);
	for (unsigned i = 0; i < 5; i++) {
		fx_init(&f[i], 30 + i);
		slot[i] = (struct slot){ &t, 99, 0 };
	}
	assert_int_equal(store_put(c->st, &f[0].r), STORE_OK);
	/* f[2] repeats f[0]'s case id; f[3]'s indicator breaks a CHECK after its row is in. */
	f[2].r.case_id = f[0].case_id;
	f[3].ind[1].port = 70000;
	/* The writer blocks on the lock with at most f[1]: f[1..4] share a batch with a good one. */
	lock = hold_write_lock(c);
	for (unsigned i = 1; i < 5; i++)
		assert_int_equal(store_submit(c->st, &f[i].r, slot_done, &slot[i]), STORE_OK);
	release_write_lock(lock);
	tally_wait(&t, 4);
	assert_int_equal(slot[1].rc, STORE_OK);
	assert_int_equal(slot[2].rc, STORE_ERR);
	assert_int_equal(slot[3].rc, STORE_ERR);
	assert_int_equal(slot[4].rc, STORE_OK);
	assert_int_equal(count_reports(c->st), 3);
	/* Nothing of the failed ones is left behind. */
	assert_int_equal(count_ind(c->st, STORE_KIND_IP, f[2].ip), 0);
	assert_int_equal(count_ind(c->st, STORE_KIND_IP, f[3].ip), 0);
	assert_int_equal(store_get_report_json(c->st, f[3].case_id, &json), STORE_NOTFOUND);
	assert_int_equal(count_ind(c->st, STORE_KIND_URL, SHARED_URL), 3);
}

static void
test_queue_full_is_busy(void **state)
{
	struct ctx *c = *state;
	store_options o = { .max_queue = 2, .max_batch = 1 };
	struct tally t = TALLY_INIT;
	struct fx f[5];
	struct slot slot[5];
	unsigned accepted = 0;
	int rc = STORE_OK;
	sqlite3 *lock;

	open_ok(c, &o);
	lock = hold_write_lock(c);
	/* At most one job in the writer's hands and two queued: the 4th cannot fit. */
	for (unsigned i = 0; i < 4 && rc == STORE_OK; i++) {
		fx_init(&f[i], 40 + i);
		slot[i] = (struct slot){ &t, 99, 0 };
		rc = store_submit(c->st, &f[i].r, slot_done, &slot[i]);
		accepted += rc == STORE_OK;
	}
	assert_int_equal(rc, STORE_BUSY);
	assert_true(accepted >= 2 && accepted <= 3);
	assert_int_equal(tally_count(&t), 0);
	release_write_lock(lock);
	tally_wait(&t, accepted);
	for (unsigned i = 0; i < accepted; i++)
		assert_int_equal(slot[i].rc, STORE_OK);
	fx_init(&f[4], 49);
	assert_int_equal(store_put(c->st, &f[4].r), STORE_OK);
	assert_int_equal(count_reports(c->st), accepted + 1);
}

struct closer {
	store *st;
	atomic_int returned;
};

static void *
close_thread(void *arg)
{
	struct closer *cl = arg;

	store_close(cl->st);
	atomic_store(&cl->returned, 1);
	return NULL;
}

static void
test_close_drains_queue_and_refuses_new(void **state)
{
	struct ctx *c = *state;
	struct tally t = TALLY_INIT;
	enum { MAXF = 2000 };
	struct fx *f = calloc(MAXF, sizeof *f);
	struct slot *slot = calloc(MAXF, sizeof *slot);
	struct closer cl = { .returned = 0 };
	unsigned n = 0;
	int rc = STORE_OK;
	pthread_t th;
	sqlite3 *lock;

	assert_non_null(f);
	assert_non_null(slot);
	open_ok(c, NULL);
	lock = hold_write_lock(c);
	fx_init(&f[0], 50);
	slot[0] = (struct slot){ &t, 99, 0 };
	assert_int_equal(store_submit(c->st, &f[0].r, slot_done, &slot[0]), STORE_OK);
	cl.st = c->st;
	assert_int_equal(pthread_create(&th, NULL, close_thread, &cl), 0);
	/* store_close cannot finish before f[0] commits, and the lock stops
	 * that: st stays valid meanwhile. */
	for (n = 1; n < MAXF && rc == STORE_OK; n++) {
		fx_init(&f[n], 50 + n);
		slot[n] = (struct slot){ &t, 99, 0 };
		rc = store_submit(c->st, &f[n].r, slot_done, &slot[n]);
		if (rc == STORE_OK)
			usleep(500);
	}
	assert_int_equal(rc, STORE_CLOSED);
	n--;  /* the refused one */
	assert_int_equal(atomic_load(&cl.returned), 0);
	release_write_lock(lock);
	assert_int_equal(pthread_join(th, NULL), 0);
	c->st = NULL;
	assert_int_equal(tally_count(&t), n);
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(slot[i].rc, STORE_OK);
	open_ok(c, NULL);
	assert_int_equal(count_reports(c->st), n);
	free(f);
	free(slot);
}

static void
test_test_submission_is_not_stored(void **state)
{
	struct ctx *c = *state;
	struct fx f;

	open_ok(c, NULL);
	fx_init(&f, 60);
	f.r.test = 1;
	assert_int_equal(store_put(c->st, &f.r), STORE_ERR);
	assert_int_equal(count_reports(c->st), 0);
}

/* ---- big reports and figures ------------------------------------------- */

#define BIG 100000u

static double
put_big(store *st, unsigned seq)
{
	char (*ips)[16] = calloc(BIG, sizeof *ips);
	store_indicator *ind = calloc(BIG, sizeof *ind);
	struct fx f;
	double t0;

	assert_non_null(ips);
	assert_non_null(ind);
	fx_init(&f, seq);
	for (unsigned i = 0; i < BIG; i++) {
		snprintf(ips[i], sizeof ips[i], "10.%u.%u.%u", seq & 255, (i >> 8) & 255, i & 255);
		ind[i] = (store_indicator){ STORE_KIND_IP, i % 2 ? STORE_ROLE_DESTINATION
		    : STORE_ROLE_SOURCE, ips[i], i % 3 ? 0 : 443, NULL, (long)i };
	}
	ind[BIG - 1].value = "192.0.2.200";
	ind[0].value = "192.0.2.200";
	f.r.indicators = ind;
	f.r.n_indicators = BIG;
	t0 = now_s();
	assert_int_equal(store_put(st, &f.r), STORE_OK);
	t0 = now_s() - t0;
	free(ind);
	free(ips);
	return t0;
}

static void
test_hundred_thousand_indicators(void **state)
{
	struct ctx *c = *state;
	struct fx f;
	store_status s;
	double secs;

	open_ok(c, NULL);
	secs = put_big(c->st, 70);
	print_message("  one report with %u indicators: %.0f ms\n", BIG, secs * 1000);
	fx_init(&f, 70);
	assert_int_equal(store_get_status(c->st, f.case_id, f.hash, &s), STORE_OK);
	assert_int_equal(s.n_indicators, BIG);
	assert_int_equal(count_ind(c->st, STORE_KIND_IP, "192.0.2.200"), 1);
	assert_int_equal(count_ind(c->st, STORE_KIND_IP, "10.70.1.1"), 1);
	assert_true(secs < 30);  /* a guard against quadratic work, not a benchmark */
}

/* Reports per thread: ABUSEDESK_STORE_BENCH_N, default 250. */
static unsigned
bench_n(void)
{
	const char *env = getenv("ABUSEDESK_STORE_BENCH_N");
	char *end;
	unsigned long v;

	if (env == NULL)
		return 250;
	errno = 0;
	v = strtoul(env, &end, 10);
	if (errno != 0 || end == env || *end != '\0' || v == 0 || v > 100000)
		return 250;
	return (unsigned)v;
}

static void
test_measure(void **state)
{
	struct ctx *c = *state;
	unsigned n = bench_n();
	struct tally t = TALLY_INIT;
	struct fx *fx;
	struct slot *slots;
	long syncs;
	double secs;

	open_ok(c, NULL);
	syncs = atomic_load(&wal_syncs);
	secs = run_workers(c->st, &t, 100000, n, 1, &fx, &slots);
	syncs = atomic_load(&wal_syncs) - syncs;
	print_message("  store_put, %d threads x %u reports of 600 B + 2 indicators:"
	    " %.0f reports/s, %.2f reports per WAL fsync\n",
	    THREADS, n, THREADS * n / secs, (double)(THREADS * n) / (double)syncs);
	free(fx);
	free(slots);
	t.done = 0;
	syncs = atomic_load(&wal_syncs);
	secs = run_workers(c->st, &t, 200000, n, 0, &fx, &slots);
	syncs = atomic_load(&wal_syncs) - syncs;
	print_message("  store_submit, %d threads x %u: %.0f reports/s,"
	    " %.2f reports per WAL fsync\n",
	    THREADS, n, THREADS * n / secs, (double)(THREADS * n) / (double)syncs);
	free(fx);
	free(slots);
	assert_int_equal(count_reports(c->st), 2 * THREADS * n);
	secs = put_big(c->st, 71);
	print_message("  one report with %u indicators (table not empty): %.0f ms\n",
	    BIG, secs * 1000);
}

/* ---- failure on purpose ------------------------------------------------ */

static void
test_ready_ok_writes_heartbeat(void **state)
{
	struct ctx *c = *state;
	sqlite3 *db;

	open_ok(c, NULL);
	assert_int_equal(store_ready(c->st), STORE_OK);
	assert_int_equal(store_ready(c->st), STORE_OK);
	db = raw_open(c);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM heartbeat WHERE id = 1"
	    " AND at_ms > 1700000000000"), 1);
	sqlite3_close(db);
}

/* A fault on every write, then cleared: failures then recovery, no sticky state. */
static void
fault_then_recover(struct ctx *c, int rc, int e, int want)
{
	struct fx f[3];
	store_status s;

	open_ok(c, NULL);
	for (unsigned i = 0; i < 3; i++)
		fx_init(&f[i], 80 + i);
	assert_int_equal(store_put(c->st, &f[0].r), STORE_OK);
	atomic_store(&fault_errno, e);
	atomic_store(&fault_rc, rc);
	assert_int_equal(store_put(c->st, &f[1].r), want);
	assert_int_equal(store_ready(c->st), want);
	shim_reset();
	assert_int_equal(store_ready(c->st), STORE_OK);
	assert_int_equal(store_put(c->st, &f[2].r), STORE_OK);
	assert_int_equal(count_reports(c->st), 2);
	assert_int_equal(store_get_status(c->st, f[1].case_id, f[1].hash, &s), STORE_NOTFOUND);
	/* and the failed one can be retried */
	assert_int_equal(store_put(c->st, &f[1].r), STORE_OK);
	reopen(c, NULL);
	assert_int_equal(count_reports(c->st), 3);
}

static void
test_disk_full_fails_then_recovers(void **state)
{
	fault_then_recover(*state, SQLITE_FULL, ENOSPC, STORE_FULL);
}

static void
test_readonly_filesystem_fails_then_recovers(void **state)
{
	fault_then_recover(*state, SQLITE_IOERR_WRITE, EROFS, STORE_READONLY);
}

static void
test_io_error_fails_then_recovers(void **state)
{
	fault_then_recover(*state, SQLITE_IOERR_WRITE, EIO, STORE_ERR);
}

static void
test_database_opened_readonly_is_refused(void **state)
{
	struct ctx *c = *state;
	char err[256] = "";

	open_ok(c, NULL);
	store_close(c->st);
	c->st = NULL;
	atomic_store(&open_readonly, 1);
	assert_int_equal(store_open(c->path, NULL, &c->st, err, sizeof err), STORE_READONLY);
	assert_null(c->st);
	assert_non_null(strstr(err, "read-only"));
}

static void
test_no_wal_is_refused(void **state)
{
	struct ctx *c = *state;
	char err[256] = "";

	atomic_store(&no_shm, 1);
	assert_true(store_open(c->path, NULL, &c->st, err, sizeof err) < 0);
	assert_null(c->st);
	assert_non_null(strstr(err, "WAL"));
}

/* The real thing: the database's directory made read-only under the store. */
static void
test_real_readonly_directory_is_refused(void **state)
{
	struct ctx *c = *state;
	char var[96], err[256] = "";

	open_ok(c, NULL);
	store_close(c->st);
	c->st = NULL;
	snprintf(var, sizeof var, "%s/var", c->dir);
	if (geteuid() != 0) {
		assert_int_equal(chmod(c->path, 0444), 0);
		assert_int_equal(chmod(var, 0555), 0);
	} else if (can_mount) {
		assert_int_equal(mount(var, var, NULL, MS_BIND, NULL), 0);
		assert_int_equal(mount(NULL, var, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL), 0);
	} else {
		print_message("  root without a mount namespace: cannot make a file read-only\n");
		skip();
	}
	assert_int_equal(store_open(c->path, NULL, &c->st, err, sizeof err), STORE_READONLY);
	assert_null(c->st);
	print_message("  %s\n", err);
	if (geteuid() != 0)
		assert_int_equal(chmod(var, 0750), 0);
	else
		assert_int_equal(umount2(var, 0), 0);
}

/* Fill a file with zeros until the filesystem is full. */
static void
fill_disk(const char *file)
{
	static char chunk[65536];
	int fd = open(file, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	ssize_t w;

	assert_true(fd >= 0);
	while ((w = write(fd, chunk, sizeof chunk)) > 0)
		;
	assert_int_equal(errno, ENOSPC);
	while ((w = write(fd, chunk, 512)) > 0)
		;
	close(fd);
}

/* The real thing: a tiny tmpfs, filled up, then space freed. */
static void
test_real_disk_full_then_space_freed(void **state)
{
	struct ctx *c = *state;
	char mnt[96], filler[128];
	struct fx f[3];
	char *big = calloc(1, 1 << 20);

	assert_non_null(big);
	if (!can_mount) {
		free(big);
		print_message("  no mount namespace: cannot make a small filesystem\n");
		skip();
	}
	snprintf(mnt, sizeof mnt, "%s/var", c->dir);
	snprintf(filler, sizeof filler, "%s/filler", mnt);
	assert_int_equal(mkdir(mnt, 0750), 0);
	assert_int_equal(mount("tmpfs", mnt, "tmpfs", 0, "size=4m"), 0);
	open_ok(c, NULL);
	for (unsigned i = 0; i < 3; i++)
		fx_init(&f[i], 90 + i);
	assert_int_equal(store_put(c->st, &f[0].r), STORE_OK);
	fill_disk(filler);
	f[1].r.raw_body = big;
	f[1].r.raw_len = 1 << 20;
	assert_int_equal(store_put(c->st, &f[1].r), STORE_FULL);
	assert_int_equal(unlink(filler), 0);
	assert_int_equal(store_ready(c->st), STORE_OK);
	assert_int_equal(store_put(c->st, &f[1].r), STORE_OK);
	assert_int_equal(store_put(c->st, &f[2].r), STORE_OK);
	reopen(c, NULL);
	assert_int_equal(count_reports(c->st), 3);
	store_close(c->st);
	c->st = NULL;
	free(big);
	assert_int_equal(umount2(mnt, 0), 0);
}

/* A private mount namespace, if we may: mounts made in it die with us. */
static void
try_mount_namespace(void)
{
	if (geteuid() != 0)
		return;
	if (unshare(CLONE_NEWNS) != 0)
		return;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		return;
	can_mount = 1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_creates_directory_and_schema, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrations_are_idempotent_on_reopen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_newer_schema_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_options_out_of_range_are_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parent_that_is_a_file_fails_with_message, setup, teardown),
		cmocka_unit_test_setup_teardown(test_put_then_status_with_right_token, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_token_and_unknown_id_are_notfound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_report_json_round_trips, setup, teardown),
		cmocka_unit_test_setup_teardown(test_count_by_indicator_counts_reports, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reports_survive_close_and_reopen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attachment_is_stored_with_its_report, setup, teardown),
		cmocka_unit_test_setup_teardown(test_report_with_a_bad_attachment_is_not_stored_at_all, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_submits_commit_in_batches, setup, teardown),
		cmocka_unit_test_setup_teardown(test_callback_waits_for_wal_sync, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_wal_sync_fails_until_reopened, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migration_3_keeps_every_indicator_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failing_report_fails_alone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_full_is_busy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_drains_queue_and_refuses_new, setup, teardown),
		cmocka_unit_test_setup_teardown(test_test_submission_is_not_stored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hundred_thousand_indicators, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ready_ok_writes_heartbeat, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disk_full_fails_then_recovers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_readonly_filesystem_fails_then_recovers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_io_error_fails_then_recovers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_database_opened_readonly_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_wal_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_real_readonly_directory_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_real_disk_full_then_space_freed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_measure, setup, teardown),
	};

	try_mount_namespace();
	if (shim_register() != 0) {
		fprintf(stderr, "cannot register the shim VFS\n");
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
