/*
 * watch.h -- deadlines on connections that libmicrohttpd cannot enforce.
 *
 * MHD has only an idle timeout, and every byte received restarts it: a
 * client sending one byte of its headers every few seconds holds a
 * connection for ever, and a thousand such clients hold the server's
 * connection slots ("slowloris").  MHD does not call the application until
 * the headers are complete, so the application cannot time them itself.
 *
 * So each connection is registered here when MHD opens it (with its socket
 * and a deadline) and forgotten when MHD closes it; the server moves the
 * deadline as the request advances.  One thread looks at the deadlines a
 * few times a second and shuts down (shutdown(2), never close) the socket
 * of a connection past its deadline; MHD then sees the end of the stream
 * and closes the connection itself, through its normal path.  A deadline
 * of 0 means none (while a handler works, or a reply is being sent).
 *
 * Thread-safe: deadlines are atomics written by MHD's threads; the list is
 * behind a mutex that the watcher holds while it shuts a socket down, and
 * that watch_remove() takes, so a socket is never touched after MHD has
 * been told it may close it.
 */
#ifndef ABUSEDESK_HTTP_WATCH_H
#define ABUSEDESK_HTTP_WATCH_H

#include <stdint.h>

typedef struct watch watch;
typedef struct watch_conn watch_conn;

/* Start the watcher thread; NULL (with errno) if the thread cannot start. */
watch *watch_start(void);
/* Stop the thread and free; connections still registered are forgotten, not shut down. NULL ok. */
void watch_stop(watch *w);
/* Register a connection's socket with a first deadline (watch_now_ms() based). */
watch_conn *watch_add(watch *w, int fd, int64_t deadline_ms);
/* Forget and free c (MHD is closing it).  NULL ok. */
void watch_remove(watch *w, watch_conn *c);
/* Move c's deadline; 0 = none.  NULL c is ignored. */
void watch_set(watch_conn *c, int64_t deadline_ms);
/* The clock of deadlines: monotonic milliseconds. */
int64_t watch_now_ms(void);
/* Connections shut down so far for missing their deadline. */
uint64_t watch_cut_count(const watch *w);

#endif
