/*
 * validate_bench.c -- the CPU cost of one test submission, without HTTP.
 *
 *   bench_cpu_validate [BODY_FILE] [N]     (defaults: /tmp/test.json, 20000)
 *
 * Runs what POST /report/v2.0/abuse runs for a JSON body, N times: the
 * strict parse (jsonbody_parse, the server's limits), validate_report with
 * the default configuration's scope and the embedded taxonomy, and the
 * answer printed to text.  A valid test submission gets the 200 of
 * answers_test_text(); an invalid body gets the 400's members
 * (answers_invalid()), so the harness also serves for real submissions'
 * validation.  Nothing is stored.
 *
 * Meant for instruction counts, which a shared, noisy machine does not
 * disturb:
 *
 *   valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out \
 *       build/bench_cpu_validate /tmp/test.json 2000
 *   callgrind_annotate /tmp/cg.out | head -40
 *
 * Run once with N=0 too and divide the difference by N: the set-up
 * (loading the program, the taxonomy) is a fixed ~13 M instructions.
 * Measured for /tmp/test.json (release build, cJSON 1.7.15): 177 600
 * instructions a test submission before the work recorded in the files'
 * comments, 80 000 after.  Prints the answer of the last run and its
 * length, so a change that alters the bytes shows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/answers.h"
#include "bounds.h"
#include "config.h"
#include "core/taxonomy.h"
#include "core/validate.h"
#include "core/verrors.h"
#include "util/buf.h"
#include "util/jsonbody.h"

extern const unsigned char embedded_taxonomy[];
extern const size_t embedded_taxonomy_len;

static char *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	buf b;
	char chunk[8192];
	size_t n;

	if (f == NULL)
		return NULL;
	buf_init(&b, LIMIT_BODY_BYTES);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_append(&b, chunk, n) < 0)
			break;
	fclose(f);
	return buf_detach(&b, len);
}

/* One request's work; the answer's text into out (emptied first). */
static int
one(const vcontext *ctx, const char *body, size_t len, buf *out)
{
	jsonbody_limits jl = {LIMIT_JSON_DEPTH, LIMIT_JSON_PROPS};
	jsonbody_error je;
	cJSON *root;
	verrors *e;
	report r;
	int rc;

	buf_reset(out);
	if (jsonbody_parse(body, len, &jl, &root, &je) < 0)
		return buf_puts(out, je.message) < 0 ? -1 : 1;
	e = verrors_new();
	if (validate_report(ctx, root, &r, e) < 0) {
		char line[ANSWERS_LINE_MAX];
		cJSON *extra = answers_invalid(e, line);
		char *text = cJSON_PrintUnformatted(extra);

		rc = text != NULL ? buf_puts(out, text) : -1;
		free(text);
		cJSON_Delete(extra);
	} else {
		rc = answers_test_text(&r, out);
		report_cleanup(&r);
	}
	verrors_free(e);
	cJSON_Delete(root);
	return rc;
}

int
main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/tmp/test.json";
	long n = argc > 2 ? strtol(argv[2], NULL, 10) : 20000;
	char err[512];
	config c;
	taxonomy *tax = NULL;
	size_t len;
	char *body = read_file(path, &len);
	buf out;
	int rc = 0;

	if (body == NULL) {
		fprintf(stderr, "bench_cpu_validate: cannot read %s\n", path);
		return 1;
	}
	config_init(&c);
	if (config_finish(&c, err, sizeof(err)) < 0 ||
	    taxonomy_parse((const char *)embedded_taxonomy, embedded_taxonomy_len, &tax, err, sizeof(err)) < 0) {
		fprintf(stderr, "bench_cpu_validate: %s\n", err);
		return 1;
	}
	{
		vscope scope = {c.prefixes, c.n_prefixes, (const char *const *)c.domains, c.n_domains, c.operator_name};
		/* a fixed "now" after the sample's date, so the 24-hour rule passes */
		vcontext ctx = {tax, &scope, 1767225600, VALIDATE_CHANNEL_API};

		buf_init(&out, LIMIT_BODY_BYTES * 4);
		for (long i = 0; i < n && rc >= 0; i++)
			rc = one(&ctx, body, len, &out);
		if (n > 0)
			printf("%s\n%zu bytes, rc %d\n", buf_str(&out), out.len, rc);
	}
	buf_cleanup(&out);
	taxonomy_free(tax);
	config_cleanup(&c);
	free(body);
	return rc < 0 ? 1 : 0;
}
