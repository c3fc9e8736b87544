/*
 * runner.c -- replay files through a fuzz target without libFuzzer.
 *
 *   fuzz-run-<name> PATH...
 *
 * Each PATH is a file or a directory (its regular files, not recursive,
 * in name order).  Every file is read whole and given once to
 * LLVMFuzzerTestOneInput().  A crash, a sanitizer report or a failed
 * invariant fails the run; otherwise it prints how many inputs ran.  This
 * is how the corpora and the crash reproducers are regression tests in
 * `make test` with any compiler.  A missing directory counts as empty (a
 * target may have no regressions yet).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

#define RUNNER_MAX_INPUT (64u * 1024 * 1024)

/* Read path whole; 0 with *out (caller frees) and *len, or -1. */
static int
read_whole(const char *path, unsigned char **out, size_t *len)
{
	FILE *f = fopen(path, "rbe");
	unsigned char *p = NULL;
	size_t n = 0, cap = 0, got;

	if (f == NULL)
		return -1;
	for (;;) {
		if (n == cap) {
			if (cap >= RUNNER_MAX_INPUT)
				break;
			cap = cap ? cap * 2 : 4096;
			p = realloc(p, cap);
			if (p == NULL)
				abort();
		}
		got = fread(p + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	fclose(f);
	*out = p;
	*len = n;
	return 0;
}

static int
run_file(const char *path)
{
	unsigned char *data;
	size_t len;

	fprintf(stderr, "fuzz-run: %s\n", path);    /* names the input if it crashes */
	if (read_whole(path, &data, &len) < 0) {
		fprintf(stderr, "fuzz-run: %s: %s\n", path, strerror(errno));
		return -1;
	}
	(void)LLVMFuzzerTestOneInput(data, len);
	free(data);
	return 0;
}

static int
by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Run every regular file in dir; the count through *ran.  0 or -1. */
static int
run_dir(const char *dir, size_t *ran)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, by_name), rc = 0;

	if (n < 0)
		return errno == ENOENT ? 0 : -1;
	for (int i = 0; i < n; i++) {
		char path[4096];
		struct stat st;

		if (rc == 0 && names[i]->d_name[0] != '.' &&
		    (size_t)snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name) < sizeof(path) &&
		    stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			rc = run_file(path);
			(*ran)++;
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int
main(int argc, char **argv)
{
	size_t ran = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;
		int rc;

		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			rc = run_dir(argv[i], &ran);
		else if (stat(argv[i], &st) == 0) {
			rc = run_file(argv[i]);
			ran++;
		} else
			rc = errno == ENOENT ? 0 : -1;
		if (rc < 0) {
			fprintf(stderr, "fuzz-run: %s: cannot read\n", argv[i]);
			return 1;
		}
	}
	printf("fuzz-run: %zu inputs, no crash\n", ran);
	return 0;
}
