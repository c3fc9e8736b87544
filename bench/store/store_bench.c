/*
 * store_bench.c -- the store's micro-benchmark: durable submissions through
 * store.h, without HTTP, so that what storing a report costs can be seen
 * alone and compared before and after a change.
 *
 * The record is the one the API builds: the ~600-byte report of bench/post.lua
 * (the JSON below) is validated once with the taxonomy, and every submission
 * gets its own intake (intake_prepare: new case id, token hash, normalized
 * JSON, 4 indicator rows) with the raw body attached, exactly as
 * src/api/abuse.c does.  K threads each submit their share with store_put(),
 * like K connections each waiting for their 200.
 *
 * Printed: reports/s (wall), CPU of the store's own threads (every thread of
 * the process that is not the benchmark's, from /proc/self/task/N/schedstat)
 * in us per report, process CPU per report, fsyncs per report (fsync and
 * fdatasync are interposed below, so both SQLite's and the store's own are
 * counted) and database bytes per report once closed (checkpointed).
 *
 *   store_bench [-n reports] [-k threads] [-b max_batch] [-d dir] [-q]
 *
 * Under callgrind, the measured phase alone is collected:
 *   valgrind --tool=callgrind --collect-atstart=no --separate-threads=yes \
 *       build/store-bench -n 2000 -k 16
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <ftw.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>
#include <valgrind/callgrind.h>

#include "core/report.h"
#include "core/taxonomy.h"
#include "core/validate.h"
#include "core/verrors.h"
#include "ids.h"
#include "intake.h"
#include "store/store.h"

extern const unsigned char embedded_taxonomy[];
extern const size_t embedded_taxonomy_len;

#define MAX_THREADS 1024

/* bench/post.lua's body (/tmp/real.json in the README's recipe). */
static const char body[] =
	"{\"reporterName\":\"Ada Reporter\",\"reporterEmail\":\"ada.reporter@example.com\","
	"\"reporterOrg\":\"Example Networks\",\"threatType\":\"IP Address\","
	"\"incidentType\":\"Brute Force\",\"attackMethod\":\"Password Spray\","
	"\"date\":\"2024-01-15\",\"time\":\"10:30:00\",\"timeZone\":\"UTC\","
	"\"sourceIp\":\"8.8.8.8\",\"sourcePort\":22,\"destinationIp\":\"1.1.1.1\","
	"\"destinationPort\":443,\"ipAddressList\":[{\"sourceIp\":\"9.9.9.9\","
	"\"sourcePort\":2222},{\"sourceIp\":\"8.8.4.4\"}],\"reportNotes\":\"Repeated"
	" SSH logins against our bastion host from the addresses listed, about 400"
	" attempts a minute for an hour, user names from a common list.\"}";

/* ---- fsync counting: these shadow libc's for the whole process --------- */

static atomic_long nsyncs;

int fsync(int fd);
int fdatasync(int fd);

int
fsync(int fd)
{
	static int (*real)(int);

	if (real == NULL)
		real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
	atomic_fetch_add(&nsyncs, 1);
	return real(fd);
}

int
fdatasync(int fd)
{
	static int (*real)(int);

	if (real == NULL)
		real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
	atomic_fetch_add(&nsyncs, 1);
	return real(fd);
}

/* ---- threads' CPU ------------------------------------------------------ */

static pid_t own_tids[MAX_THREADS + 1];
static atomic_int n_own;

static void
mark_own(void)
{
	own_tids[atomic_fetch_add(&n_own, 1)] = gettid();
}

static int
is_own(pid_t tid)
{
	for (int i = 0; i < atomic_load(&n_own); i++)
		if (own_tids[i] == tid)
			return 1;
	return 0;
}

/* CPU ns of every thread that is not the benchmark's: the store's. */
static double
store_cpu_ns(int verbose)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	double sum = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		char path[96], comm[32] = "";
		unsigned long long ns = 0;
		pid_t tid = (pid_t)strtol(e->d_name, NULL, 10);
		FILE *f;

		if (tid <= 0 || is_own(tid))
			continue;
		snprintf(path, sizeof path, "/proc/self/task/%d/schedstat", (int)tid);
		if ((f = fopen(path, "re")) != NULL) {
			if (fscanf(f, "%llu", &ns) != 1)
				ns = 0;
			fclose(f);
		}
		snprintf(path, sizeof path, "/proc/self/task/%d/comm", (int)tid);
		if ((f = fopen(path, "re")) != NULL) {
			if (fgets(comm, sizeof comm, f) == NULL)
				comm[0] = '\0';
			comm[strcspn(comm, "\n")] = '\0';
			fclose(f);
		}
		if (verbose)
			fprintf(stderr, "  thread %d %s: %.3f s\n", (int)tid, comm, (double)ns / 1e9);
		sum += (double)ns;
	}
	closedir(d);
	return sum;
}

static double
proc_cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6
	    + (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the run ----------------------------------------------------------- */

struct worker {
	pthread_t th;
	store *st;
	intake *in;
	unsigned first, step, n;
	int bad;
};

static void *
worker_main(void *arg)
{
	struct worker *w = arg;

	mark_own();
	for (unsigned i = w->first; i < w->n; i += w->step)
		if (store_put(w->st, &w->in[i].sr) != STORE_OK)
			w->bad++;
	return NULL;
}

static int
rm_one(const char *p, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb; (void)type; (void)ftw;
	return remove(p);
}

/* One validated report; every intake borrows its strings. */
static int
make_report(report *r)
{
	taxonomy *tax = NULL;
	char err[256];
	cJSON *json = cJSON_Parse(body);
	verrors *e = verrors_new();
	vcontext ctx;
	int rc;

	if (json == NULL || taxonomy_parse((const char *)embedded_taxonomy,
	    embedded_taxonomy_len, &tax, err, sizeof err) < 0) {
		fprintf(stderr, "store_bench: cannot load the taxonomy\n");
		return -1;
	}
	ctx = (vcontext){ tax, NULL, 1705314600 + 86400, VALIDATE_CHANNEL_API };
	rc = validate_report(&ctx, json, r, e);
	if (rc < 0)
		fprintf(stderr, "store_bench: the report does not validate\n");
	verrors_free(e);
	cJSON_Delete(json);
	/* tax is kept: the report may point into it */
	return rc;
}

static void
usage(void)
{
	fprintf(stderr, "usage: store_bench [-n reports] [-k threads] [-b max_batch] [-d dir] [-v]\n");
	exit(2);
}

static unsigned
arg_uint(const char *s, unsigned max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v == 0 || v > max)
		usage();
	return (unsigned)v;
}

int
main(int argc, char **argv)
{
	unsigned n = 20000, k = 64, batch = 0;
	const char *base = "/tmp";
	int verbose = 0, opt, bad = 0;
	char dir[256], path[300], err[256];
	store_options so = { 0 };
	struct worker *w;
	report r;
	intake *in;
	store *st;
	double t0, c0, s0, secs, cpu, scpu;
	long syncs;
	struct stat sb;
	int64_t t_ms = 1705314600000;

	while ((opt = getopt(argc, argv, "n:k:b:d:v")) != -1) {
		switch (opt) {
		case 'n': n = arg_uint(optarg, 10000000); break;
		case 'k': k = arg_uint(optarg, MAX_THREADS); break;
		case 'b': batch = arg_uint(optarg, 65536); break;
		case 'd': base = optarg; break;
		case 'v': verbose = 1; break;
		default: usage();
		}
	}
	mark_own();
	if (ids_init() < 0 || make_report(&r) < 0)
		return 1;
	in = calloc(n, sizeof *in);
	w = calloc(k, sizeof *w);
	if (in == NULL || w == NULL)
		return 1;
	for (unsigned i = 0; i < n; i++) {
		if (intake_prepare(&in[i], &r, t_ms + i) < 0)
			return 1;
		in[i].sr.raw_body = body;
		in[i].sr.raw_len = sizeof body - 1;
		in[i].sr.raw_content_type = "application/json";
	}
	snprintf(dir, sizeof dir, "%s/store-bench-XXXXXX", base);
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof path, "%s/db.sqlite", dir);
	so.max_batch = batch;
	if (store_open(path, &so, &st, err, sizeof err) != 0) {
		fprintf(stderr, "store_open: %s\n", err);
		return 1;
	}
	syncs = atomic_load(&nsyncs);
	s0 = store_cpu_ns(0);
	c0 = proc_cpu_s();
	t0 = now_s();
	CALLGRIND_START_INSTRUMENTATION;
	for (unsigned i = 0; i < k; i++) {
		w[i] = (struct worker){ .st = st, .in = in, .first = i, .step = k, .n = n };
		if (pthread_create(&w[i].th, NULL, worker_main, &w[i]) != 0)
			return 1;
	}
	for (unsigned i = 0; i < k; i++) {
		pthread_join(w[i].th, NULL);
		bad += w[i].bad;
	}
	CALLGRIND_STOP_INSTRUMENTATION;
	secs = now_s() - t0;
	cpu = proc_cpu_s() - c0;
	scpu = (store_cpu_ns(verbose) - s0) / 1e9;
	syncs = atomic_load(&nsyncs) - syncs;
	store_close(st);
	if (stat(path, &sb) != 0)
		sb.st_size = 0;
	printf("reports %u threads %u failed %d: %.0f reports/s, store threads"
	    " %.1f us/report, process %.1f us/report, %.4f fsyncs/report,"
	    " %.0f bytes/report\n",
	    n, k, bad, n / secs, scpu * 1e6 / n, cpu * 1e6 / n,
	    (double)syncs / n, (double)sb.st_size / n);
	(void)nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	for (unsigned i = 0; i < n; i++)
		intake_cleanup(&in[i]);
	free(in);
	free(w);
	report_cleanup(&r);
	return bad != 0;
}
