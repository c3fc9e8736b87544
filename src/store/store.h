/*
 * store.h -- where accepted reports are kept: the storage interface.
 *
 * A report acknowledged is a report kept: store_submit()'s callback reports
 * success only after the report's transaction is committed and the commit
 * is on disk (fsync'd).  Concurrent submissions are committed together
 * (group commit) by one writer thread, so durability costs one fsync per
 * batch, not one per report; a sync thread flushes batch N while the writer
 * inserts batch N+1, and runs the callbacks.  Reads (store_get_status, lookups) run on
 * their own connections, concurrently with the writer.
 *
 * The SQLite implementation documents its design in its files' header
 * comments: store_sqlite.c (the overview, durability, errors),
 * store_schema.c (the schema), store_write.c (group commit), store_sync.c
 * (the WAL sync pipeline) and store_read.c (reads).
 *
 * Ownership: everything passed in is borrowed.  For store_submit() the
 * report (and all it points to) must stay valid until the callback has run.
 */
#ifndef ABUSEDESK_STORE_H
#define ABUSEDESK_STORE_H

#include <stddef.h>
#include <stdint.h>

typedef struct store store;

enum store_rc {
	STORE_OK = 0,
	STORE_NOTFOUND = 1,
	STORE_ERR = -1,       /* anything else; details logged once by the store */
	STORE_FULL = -2,      /* disk or database full */
	STORE_READONLY = -3,  /* the database cannot be written */
	STORE_BUSY = -4,      /* too many submissions waiting; try again shortly */
	STORE_CLOSED = -5,    /* the store is shutting down */
};

typedef struct store_options {
	unsigned max_queue;     /* submissions waiting for the writer; 0 = default 4096 */
	unsigned max_batch;     /* reports in one transaction; 0 = default 256 */
	unsigned readers;       /* read connections; 0 = default 4 */
} store_options;

enum store_kind { STORE_KIND_IP = 1, STORE_KIND_URL = 2 };
enum store_role { STORE_ROLE_SOURCE = 1, STORE_ROLE_DESTINATION = 2 };

typedef struct store_indicator {
	enum store_kind kind;
	enum store_role role;
	const char *value;     /* canonical IP text, or normalized URL */
	int port;              /* 0 = none */
	const char *host;      /* URL host in ASCII form (NULL for IPs) */
	long item;             /* index in ipAddressList/urlList, or -1 for top-level fields */
} store_indicator;

/*
 * A file given as evidence with a report, stored in the report's own
 * transaction.  When the file's bytes were cut out of raw_body (so they are
 * not kept twice), raw_offset says where they were; -1 when not.
 */
typedef struct store_attachment {
	const char *file_name;        /* as given, sanitized for display */
	const char *declared_type;    /* the Content-Type the client sent; NULL if none */
	const char *media_type;       /* as recognized from the content */
	const void *data;
	size_t size;
	const char *sha256;           /* 64 lower-case hex digits */
	long raw_offset;              /* offset in raw_body where data was cut out, or -1 */
} store_attachment;

typedef struct store_report {
	const char *case_id;          /* UUIDv7 text */
	const uint8_t *token_hash;    /* STORE_TOKEN_HASH_BYTES bytes */
	int64_t received_ms;          /* epoch milliseconds */
	const char *channel;          /* "ReportApi" or "CertPortalV2" */
	const char *threat_type;
	const char *incident_type;
	const char *attack_method;    /* NULL if none */
	const char *reporter_email;
	const char *reporter_name;
	int anonymize;
	int test;                     /* never stored; here for completeness of the record */
	int64_t incident_epoch;       /* seconds; the time of receipt when not given */
	int incident_time_given;      /* 0: incident_epoch is the time received */
	const char *report_json;      /* the normalized report */
	const char *raw_body;         /* the request body as received */
	size_t raw_len;
	const char *raw_content_type; /* may be NULL */
	const store_indicator *indicators;
	size_t n_indicators;
	const store_attachment *attachment;  /* NULL: none */
} store_report;

#define STORE_TOKEN_HASH_BYTES 32

typedef struct store_status {
	char case_id[40];
	char status[32];           /* "received", later "triaged", "closed"... */
	int64_t received_ms;
	int64_t updated_ms;
	char threat_type[4 * 200 + 1];   /* names are at most 200 characters of UTF-8 */
	char incident_type[4 * 200 + 1];
	char attack_method[4 * 200 + 1]; /* "" when none */
	size_t n_indicators;
} store_status;

/* Called once per submission, on the store's sync thread, after commit+fsync (rc STORE_OK) or failure. */
typedef void (*store_done_fn)(void *arg, int rc);

/*
 * Open (creating and migrating as needed) the database at path; its
 * directory is created if missing.  0 with *out, or a negative store_rc with
 * a message in err.
 */
int store_open(const char *path, const store_options *opt, store **out, char *err, size_t errlen);
/* Stop the writer after it has committed everything queued; close. NULL ok. */
void store_close(store *st);

/*
 * Queue r for the writer.  STORE_OK: done(arg, rc) will be called exactly
 * once, later, from the store's sync thread.  Negative (STORE_BUSY, STORE_CLOSED):
 * not queued, done is never called.
 */
int store_submit(store *st, const store_report *r, store_done_fn done, void *arg);
/* Submit and wait: returns the callback's rc. */
int store_put(store *st, const store_report *r);

/*
 * The status of a case, if token_hash matches the one stored
 * (constant-time compare).  STORE_OK, STORE_NOTFOUND (unknown id or wrong
 * token: the caller cannot tell which), or negative.
 */
int store_get_status(store *st, const char *case_id, const uint8_t *token_hash, store_status *out);
/* The normalized report JSON of a case (caller frees), for tests and the desk. STORE_OK / STORE_NOTFOUND / negative. */
int store_get_report_json(store *st, const char *case_id, char **json);
/* Number of stored reports that name value (an IP's canonical text or a normalized URL) as an indicator. */
int store_count_by_indicator(store *st, enum store_kind kind, const char *value, long *count);
/* Number of stored reports. */
int store_count_reports(store *st, long *count);
/* Is the database writable now?  Runs a small write through the writer. STORE_OK or negative. */
int store_ready(store *st);
/* Text for an rc, for logs and problem bodies. */
const char *store_strerror(int rc);

#endif
