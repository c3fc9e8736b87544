/*
 * bounds.h -- every bound on input, in one place (not "limits.h": that name
 * would shadow the system header on our include path).
 *
 * Each value here is the compiled-in default; the ones marked (config) can be
 * changed at run time through the configuration (see config.h), which copies
 * them into a struct limits.  Code checks a bound before it does arithmetic
 * or allocates, and answers a clear 4xx when one is exceeded.
 */
#ifndef ABUSEDESK_BOUNDS_H
#define ABUSEDESK_BOUNDS_H

/* HTTP */
#define LIMIT_BODY_BYTES          (16u * 1024 * 1024) /* (config) JSON/form body; a 100 000-IP report is ~5 MiB */
#define LIMIT_BODY_BYTES_INFLIGHT (64u * 1024 * 1024) /* (config) all bodies being received at once */
#define LIMIT_CONNECTIONS         1024u               /* (config) open connections overall */
#define LIMIT_CONNECTIONS_PER_IP  64u                 /* (config) open connections from one address */
#define LIMIT_IDLE_SECONDS        15u                 /* (config) idle connection timeout */
#define LIMIT_HEADER_BYTES        (32u * 1024)        /* request line + headers (431 beyond; 414 if the request line alone) */
#define LIMIT_HEADER_FIELDS       100u                /* header fields in one request (431 beyond) */
#define LIMIT_CHUNK_LINE          1024u               /* a chunk-size line with its extensions */
#define LIMIT_LINGER_MS           2000u               /* reading what a refused client still sends before closing */
#define LIMIT_PATH_BYTES          2048u               /* request path */
#define LIMIT_BODY_DISCARD        (1u * 1024 * 1024)  /* body bytes read and dropped after a refusal before the connection is cut */
#define LIMIT_REPLY_HEADERS       16u                 /* extra headers one reply may carry (the portal's pages use 7) */
#define LIMIT_QUERY_VALUES        32u                 /* query arguments one request's handler may look up */
#define LIMIT_HEADER_SECONDS      10u                 /* (config) request line + headers must arrive within this */
#define LIMIT_BODY_MIN_RATE       1024u               /* body bytes a second; half of it must come in every LIMIT_HEADER_SECONDS window */
#define LIMIT_BODY_SECONDS        300u                /* a whole body must arrive within this (16 MiB at 56 KiB/s) */
#define LIMIT_FORWARDED_HOPS      16u                 /* X-Forwarded-For entries looked at */
#define LIMIT_RATE_CLIENTS        65536u              /* client addresses the rate limiter remembers */

/* JSON */
#define LIMIT_JSON_DEPTH          8u     /* nesting: report -> list -> item is 3 */
#define LIMIT_JSON_PROPS          64u    /* properties in one JSON object */
#define LIMIT_KEY_CHARS           128u   /* a property name */

/* Fields (characters = Unicode code points; from taxonomy.md) */
#define LIMIT_NAME_CHARS          200u
#define LIMIT_EMAIL_CHARS         254u
#define LIMIT_EMAIL_LOCAL_CHARS   64u
#define LIMIT_ORG_CHARS           200u
#define LIMIT_PHONE_CHARS         40u
#define LIMIT_REPORTER_NOTES_CHARS 2000u
#define LIMIT_REPORT_NOTES_CHARS  10000u
#define LIMIT_URL_CHARS           8192u
#define LIMIT_IP_CHARS            64u
#define LIMIT_TAXON_CHARS         200u   /* threat/incident/attack names */
#define LIMIT_SHORT_CHARS         64u    /* date, time, timeZone, severity, port as string */
#define LIMIT_SOURCE_CHARS        200u   /* "source", accepted and ignored */

/* Validation answers */
#define LIMIT_ERROR_PATHS         1000u  /* distinct error keys reported in one answer */

/* Portal (POST /report/abuse: multipart/form-data, one evidence file) */
#define LIMIT_ATTACHMENT_BYTES    (10u * 1024 * 1024) /* (config) the evidence file */
#define LIMIT_PORTAL_FORM_BYTES   (1u * 1024 * 1024)  /* the form's fields and multipart framing, beside the file */
#define LIMIT_MULTIPART_PARTS     256u   /* parts of one form (the portal's has about 60 at most) */
#define LIMIT_MULTIPART_HEADER    4096u  /* the header block of one part */
#define LIMIT_MULTIPART_FIELD     (64u * 1024) /* one field: a URL of 8 192 characters is at most 32 KiB */
#define LIMIT_PORTAL_ROWS         10u    /* reported IPs, and URLs, the form offers */
#define LIMIT_FILE_NAME_CHARS     200u   /* an attachment's name, as kept for display */
#define LIMIT_SNIFF_BYTES         (256u * 1024) /* what libmagic looks at to recognize a file */
#define LIMIT_CSRF_SECONDS        (24 * 3600)   /* a portal form's token is good this long */

/* Time */
#define LIMIT_FUTURE_SECONDS      (24 * 3600) /* incident may be at most this far after receipt */

#endif
