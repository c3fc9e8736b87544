/*
 * validate.c -- the whole-report check (see validate.h).
 *
 * Two passes over the body.  The first reads every property as a value of
 * its kind (fields.h): type, trimming, length in code points, control
 * characters; unknown properties are reported by name.  The second applies
 * the meaning: the taxonomy chain threatType -> incidentType ->
 * attackMethod, date/time/zone and the 24-hour rule, indicators (what an IP
 * or a URL report needs, special-purpose addresses, the operator's scope),
 * and merges duplicate list items.  Both passes record every problem and go
 * on; nothing is decided by the first error.
 */
#include "core/validate.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/email.h"
#include "core/fields.h"
#include "core/url.h"
#include "bounds.h"
#include "util/buf.h"
#include "util/utf8.h"
#include "util/xalloc.h"

#define WHY 512
#define PATH 300

/*
 * The scalar properties of the report, as trimmed text (NULL = absent),
 * read by position (enum field_report), never by name: looking names up in
 * the field table, 24 times a report, was 10% of a test submission's
 * instructions (measured with callgrind, bench/cpu/).  Values the report
 * keeps as they are move into it (take()) rather than being copied.
 */
typedef struct vfields {
	char *v[FR_COUNT];       /* indexed by enum field_report */
	const cJSON *ip_list;
	const cJSON *url_list;
} vfields;

typedef struct vstate {
	const vcontext *ctx;
	verrors *e;
	report *r;
	const tax_threat *threat;
	const tax_incident *incident;
} vstate;

/*
 * Where a value is: the top-level property name (list NULL), or property
 * name of item i of list.  The text of a list item's path is put together
 * only when a message needs it: formatting every item's paths up front cost
 * 3 800 instructions of a 600-byte report's validation (measured with
 * callgrind, bench/cpu/).
 */
typedef struct vpath {
	const char *list;
	size_t i;
	const char *name;
} vpath;

/* The path of a top-level property. */
#define TOP(name) (&(const vpath){NULL, 0, (name)})

/* p's text; a list item's is put together in out[PATH]. */
static const char *
path_text(const vpath *p, char *out)
{
	if (p->list == NULL)
		return p->name;
	snprintf(out, PATH, "%s[%zu].%s", p->list, p->i, p->name);
	return out;
}

static void fail_at(vstate *st, const vpath *p, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Record a problem at p. */
static void
fail_at(vstate *st, const vpath *p, const char *fmt, ...)
{
	char text[PATH];
	va_list ap;

	va_start(ap, fmt);
	verrors_vadd(st->e, path_text(p, text), fmt, ap);
	va_end(ap);
}

/* ---- reading values -------------------------------------------------- */

static int
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/*
 * Control characters: single-line text refuses all C0, DEL and C1 controls;
 * free text allows tab and newline (CR LF and lone CR become LF).
 */
static int
text_ok(const char *s, size_t n, int free_text)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < n; i++) {
		if (p[i] == 0xC2 && i + 1 < n && p[i + 1] >= 0x80 && p[i + 1] <= 0x9F)
			return 0;
		if (p[i] >= 0x20 && p[i] != 0x7F)
			continue;
		if (free_text && (p[i] == '\n' || p[i] == '\t' || p[i] == '\r'))
			continue;
		return 0;
	}
	return 1;
}

/* Copy s[0..n) turning CR LF and lone CR into LF. */
static char *
copy_text(const char *s, size_t n)
{
	char *out = xmalloc(n + 1);
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\r') {
			out[k++] = '\n';
			if (i + 1 < n && s[i + 1] == '\n')
				i++;
		} else {
			out[k++] = s[i];
		}
	}
	out[k] = '\0';
	return out;
}

static const char *
kind_noun(const field_rule *rule)
{
	if (rule->kind == FK_BOOL)
		return "true or false";
	if (rule->kind == FK_PORT)
		return "a port number from 1 to 65535";
	return "a string";
}

/*
 * A JSON number as port text into out[12], if it is a whole number in int
 * range.  Written by hand: snprintf("%ld") cost ~700 instructions a port.
 */
static int
number_text(const cJSON *v, char *out)
{
	double d = v->valuedouble;
	char digits[12];
	size_t i = sizeof(digits);
	unsigned long u;

	if (!(d >= -1e9 && d <= 1e9) || d != (double)(long)d)
		return -1;
	u = d < 0 ? (unsigned long)-(long)d : (unsigned long)d;
	digits[--i] = '\0';
	do
		digits[--i] = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (d < 0)
		digits[--i] = '-';
	memcpy(out, digits + i, sizeof(digits) - i);
	return 0;
}

/*
 * Read the scalar v of rule at path: 1 with *out (trimmed copy), 0 when
 * absent (null, empty or blank), -1 when invalid (recorded).
 */
static int
scalar(vstate *st, const field_rule *rule, const cJSON *v, const vpath *path, char **out)
{
	char num[12];
	const char *s;
	size_t n, chars;

	if (cJSON_IsNull(v))
		return 0;
	if (cJSON_IsBool(v) && rule->kind == FK_BOOL) {
		*out = xstrdup(cJSON_IsTrue(v) ? "true" : "false");
		return 1;
	}
	if (cJSON_IsNumber(v) && rule->kind == FK_PORT) {
		if (number_text(v, num) < 0) {
			fail_at(st, path, "%s must be a whole number from 1 to 65535", rule->name);
			return -1;
		}
		*out = xstrdup(num);
		return 1;
	}
	if (!cJSON_IsString(v)) {
		fail_at(st, path, "%s must be %s", rule->name, kind_noun(rule));
		return -1;
	}
	s = v->valuestring;
	n = strlen(s);
	while (n > 0 && is_space((unsigned char)s[0]))
		s++, n--;
	while (n > 0 && is_space((unsigned char)s[n - 1]))
		n--;
	if (n == 0)
		return 0;
	if (!text_ok(s, n, rule->kind == FK_FREETEXT)) {
		fail_at(st, path, rule->kind == FK_FREETEXT ?
		    "%s may not contain control characters other than newlines and tabs" :
		    "%s must be a single line without control characters", rule->name);
		return -1;
	}
	chars = utf8_count(s, n);
	if (rule->max_chars > 0 && chars > rule->max_chars) {
		fail_at(st, path, "%s is %zu characters long; at most %u are allowed",
		    rule->name, chars, rule->max_chars);
		return -1;
	}
	*out = rule->kind == FK_FREETEXT ? copy_text(s, n) : xstrndup(s, n);
	return 1;
}

static void
unknown_property(vstate *st, enum field_table t, const char *name, const char *path, const char *where)
{
	const field_rule *near = fields_find_nocase(t, name);

	if (near != NULL)
		verrors_add(st->e, path, "'%s' is not a property of %s (property names are case-sensitive: did you mean '%s'?)",
		    name, where, near->name);
	else
		verrors_add(st->e, path, "'%s' is not a property of %s", name, where);
}

/* Pass one over the top-level object. */
static void
read_fields(vstate *st, const cJSON *body, vfields *f)
{
	size_t n;
	const field_rule *rules = fields_table(FIELDS_REPORT, &n);
	const cJSON *it;

	cJSON_ArrayForEach(it, body) {
		const field_rule *rule = fields_find(FIELDS_REPORT, it->string);
		size_t idx;

		if (rule == NULL) {
			unknown_property(st, FIELDS_REPORT, it->string, it->string, "a v2.0 report");
			continue;
		}
		idx = (size_t)(rule - rules);
		if (rule->kind == FK_IP_LIST || rule->kind == FK_URL_LIST) {
			if (cJSON_IsNull(it))
				continue;
			if (!cJSON_IsArray(it)) {
				verrors_add(st->e, rule->name, "%s must be an array of objects", rule->name);
				continue;
			}
			if (rule->kind == FK_IP_LIST)
				f->ip_list = it;
			else
				f->url_list = it;
			continue;
		}
		(void)scalar(st, rule, it, TOP(rule->name), &f->v[idx]);
	}
	(void)n;
}

static void
fields_cleanup(vfields *f)
{
	for (size_t i = 0; i < sizeof(f->v) / sizeof(f->v[0]); i++)
		free(f->v[i]);
}

/* ---- simple values --------------------------------------------------- */

static int
parse_bool(vstate *st, const char *path, const char *s, int *out)
{
	if (s == NULL) {
		*out = 0;
		return 0;
	}
	if (strcasecmp(s, "true") == 0) {
		*out = 1;
		return 0;
	}
	if (strcasecmp(s, "false") == 0) {
		*out = 0;
		return 0;
	}
	verrors_add(st->e, path, "'%s' is not a boolean: use true or false", s);
	return -1;
}

static int
parse_port(vstate *st, const vpath *path, const char *s, int *out)
{
	long v = 0;
	size_t i;

	*out = 0;
	if (s == NULL)
		return 0;
	for (i = 0; s[i] != '\0' && i < 6; i++) {
		if (!isdigit((unsigned char)s[i]))
			break;
		v = v * 10 + (s[i] - '0');
	}
	if (i == 0 || s[i] != '\0' || v < 1 || v > 65535) {
		fail_at(st, path, "'%s' is not a port: use a whole number from 1 to 65535", s);
		return -1;
	}
	*out = (int)v;
	return 0;
}

static void
check_phone(vstate *st, const char *s)
{
	int digits = 0;

	for (const char *p = s; *p != '\0'; p++) {
		if (isdigit((unsigned char)*p))
			digits++;
		else if (strchr(" +-().", *p) == NULL) {
			verrors_add(st->e, "phoneNumber",
			    "'%s' is not a phone number: use digits, spaces and + - ( ) . only", s);
			return;
		}
	}
	if (digits < 3)
		verrors_add(st->e, "phoneNumber", "'%s' is not a phone number: it has too few digits", s);
	else
		st->r->phone_number = xstrdup(s);
}

/* The value of id, handed over (to the report): nothing is left in f to free. */
static char *
take(vfields *f, enum field_report id)
{
	char *s = f->v[id];

	f->v[id] = NULL;
	return s;
}

static void
check_contact(vstate *st, vfields *f)
{
	const char *name = f->v[FR_REPORTER_NAME], *email = f->v[FR_REPORTER_EMAIL];
	const char *phone = f->v[FR_PHONE_NUMBER], *alias = f->v[FR_REPORTER_PHONE];
	char why[WHY];

	if (name == NULL && !verrors_has(st->e, "reporterName"))
		verrors_add(st->e, "reporterName", "reporterName is required");
	else if (name != NULL)
		st->r->reporter_name = take(f, FR_REPORTER_NAME);
	if (email == NULL && !verrors_has(st->e, "reporterEmail"))
		verrors_add(st->e, "reporterEmail", "reporterEmail is required");
	else if (email != NULL && email_check(email, &st->r->reporter_email, why, sizeof(why)) < 0)
		verrors_add(st->e, "reporterEmail", "%s", why);
	if (phone != NULL && alias != NULL && strcmp(phone, alias) != 0)
		verrors_add(st->e, "reporterPhone",
		    "reporterPhone is another name for phoneNumber; the two differ ('%s' and '%s'): give one", alias, phone);
	else if (phone != NULL || alias != NULL)
		check_phone(st, phone != NULL ? phone : alias);
	st->r->reporter_org = take(f, FR_REPORTER_ORG);
	st->r->reporter_notes = take(f, FR_REPORTER_NOTES);
	st->r->report_notes = take(f, FR_REPORT_NOTES);
	(void)parse_bool(st, "anonymizeReport", f->v[FR_ANONYMIZE_REPORT], &st->r->anonymize);
	(void)parse_bool(st, "testSubmission", f->v[FR_TEST_SUBMISSION], &st->r->test);
}

/* ---- the taxonomy chain ---------------------------------------------- */

/* Names of a list, for "allowed" and messages; caller frees the array. */
static const char **
threat_names(const taxonomy *tax, size_t *n)
{
	const char **v;

	*n = taxonomy_threat_count(tax);
	v = xcalloc(*n ? *n : 1, sizeof(char *));
	for (size_t i = 0; i < *n; i++)
		v[i] = taxonomy_threat_at(tax, i)->name;
	return v;
}

static const char **
incident_names(const tax_threat *t, int portal, size_t *n)
{
	const char **v = xcalloc(t->n_incidents ? t->n_incidents : 1, sizeof(char *));

	*n = 0;
	for (size_t i = 0; i < t->n_incidents; i++)
		if (portal || !t->incidents[i].portal_only)
			v[(*n)++] = t->incidents[i].name;
	return v;
}

static const char **
attack_names(const tax_incident *inc, size_t *n)
{
	const char **v = xcalloc(inc->n_attacks ? inc->n_attacks : 1, sizeof(char *));

	*n = inc->n_attacks;
	for (size_t i = 0; i < *n; i++)
		v[i] = inc->attacks[i].name;
	return v;
}

/* "A, B or C" into b. */
static void
join(buf *b, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		(void)buf_printf(b, "%s'%s'", i == 0 ? "" : (i + 1 == n ? " or " : ", "), v[i]);
}

static void
refuse_listed(vstate *st, const char *path, const char *lead, const char **v, size_t n)
{
	buf b;

	buf_init(&b, 8192);
	(void)buf_puts(&b, lead);
	(void)buf_puts(&b, n == 1 ? ": the only valid value is " : ": valid values are ");
	join(&b, v, n);
	verrors_add(st->e, path, "%s", buf_str(&b));
	verrors_allow(st->e, path, v, n);
	buf_cleanup(&b);
	free(v);
}

static int
is_portal(const vstate *st)
{
	return strcmp(st->ctx->channel, VALIDATE_CHANNEL_PORTAL) == 0;
}

static void
check_threat(vstate *st, const vfields *f)
{
	const char *s = f->v[FR_THREAT_TYPE];
	size_t n;
	char lead[WHY];

	if (s == NULL) {
		if (verrors_has(st->e, "threatType"))
			return;
		{
		const char **names = threat_names(st->ctx->tax, &n);

		refuse_listed(st, "threatType", "threatType is required", names, n);
	}
		return;
	}
	st->threat = taxonomy_find_threat(st->ctx->tax, s);
	if (st->threat == NULL) {
		snprintf(lead, sizeof(lead), "'%s' is not a threat type", s);
		{
		const char **names = threat_names(st->ctx->tax, &n);

		refuse_listed(st, "threatType", lead, names, n);
	}
		return;
	}
	st->r->threat_type = st->threat->name;
	st->r->indicator = st->threat->indicator;
}

static void
check_incident(vstate *st, const vfields *f)
{
	const char *s = f->v[FR_INCIDENT_TYPE];
	const tax_incident *inc;
	size_t n;
	char lead[WHY];

	if (s == NULL && !verrors_has(st->e, "incidentType")) {
		if (st->threat == NULL)
			verrors_add(st->e, "incidentType", "incidentType is required");
		else
			{
		const char **names = incident_names(st->threat, is_portal(st), &n);

		refuse_listed(st, "incidentType", "incidentType is required", names, n);
	}
		return;
	}
	if (s == NULL || st->threat == NULL)
		return;
	inc = taxonomy_find_incident(st->threat, s);
	if (inc != NULL && inc->portal_only && !is_portal(st)) {
		snprintf(lead, sizeof(lead), "%s can be reported through the Report Abuse Portal only, "
		    "not through the API; through the API", inc->name);
		{
		const char **names = incident_names(st->threat, 0, &n);

		refuse_listed(st, "incidentType", lead, names, n);
	}
		return;
	}
	if (inc == NULL) {
		snprintf(lead, sizeof(lead), "'%s' is not an incident type of threat type %s", s, st->threat->name);
		{
		const char **names = incident_names(st->threat, is_portal(st), &n);

		refuse_listed(st, "incidentType", lead, names, n);
	}
		return;
	}
	st->incident = inc;
	st->r->incident_type = inc->name;
}

static void
check_attack(vstate *st, const vfields *f)
{
	const char *s = f->v[FR_ATTACK_METHOD];
	const tax_attack *a;
	size_t n;
	char lead[WHY];

	if (s == NULL || st->incident == NULL)
		return;
	if (st->incident->n_attacks == 0) {
		verrors_add(st->e, "attackMethod",
		    "%s under %s has no attack methods: leave attackMethod out",
		    st->incident->name, st->threat->name);
		return;
	}
	a = taxonomy_find_attack(st->incident, s);
	if (a == NULL) {
		snprintf(lead, sizeof(lead), "'%s' is not an attack method of %s under %s",
		    s, st->incident->name, st->threat->name);
		{
		const char **names = attack_names(st->incident, &n);

		refuse_listed(st, "attackMethod", lead, names, n);
	}
		return;
	}
	st->r->attack_method = a->name;
}

static void
check_severity(vstate *st, const vfields *f)
{
	const char *s = f->v[FR_SEVERITY];
	const char **v;
	size_t n;
	char lead[WHY];

	if (s == NULL)
		return;
	st->r->severity = taxonomy_find_severity(st->ctx->tax, s);
	if (st->r->severity != NULL)
		return;
	n = taxonomy_severity_count(st->ctx->tax);
	v = xcalloc(n ? n : 1, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		v[i] = taxonomy_severity_at(st->ctx->tax, i);
	snprintf(lead, sizeof(lead), "'%s' is not a severity", s);
	refuse_listed(st, "severity", lead, v, n);
}

/* ---- date, time, zone -------------------------------------------------- */

static void
zone_forms(vstate *st)
{
	static const char *const fixed[] = {"±HH:MM", "±HHMM", "±HH", "HHMM", "Z", "UTC", "GMT"};
	size_t nfixed = sizeof(fixed) / sizeof(fixed[0]);
	size_t nz = taxonomy_zone_count(st->ctx->tax);
	const char **v = xcalloc(nfixed + nz, sizeof(char *));
	int off;

	for (size_t i = 0; i < nfixed; i++)
		v[i] = fixed[i];
	for (size_t i = 0; i < nz; i++)
		v[nfixed + i] = taxonomy_zone_at(st->ctx->tax, i, &off);
	verrors_allow(st->e, "timeZone", v, nfixed + nz);
	free(v);
}

static void
check_when(vstate *st, const vfields *f)
{
	const char *d = f->v[FR_DATE], *t = f->v[FR_TIME], *z = f->v[FR_TIME_ZONE];
	report *r = st->r;
	char why[WHY];
	int ok = 1;

	r->incident_epoch = st->ctx->now;
	if (d == NULL) {
		if ((t != NULL || z != NULL) && !verrors_has(st->e, "date"))
			verrors_add(st->e, "date", "date is required when %s given (format yyyy-MM-dd)",
			    t != NULL && z != NULL ? "time and timeZone are" : t != NULL ? "time is" : "timeZone is");
		return;
	}
	if (dt_parse_date(d, &r->date, why, sizeof(why)) < 0) {
		verrors_add(st->e, "date", "%s", why);
		ok = 0;
	}
	if (t != NULL && dt_parse_time(t, &r->time, why, sizeof(why)) < 0) {
		verrors_add(st->e, "time", "%s", why);
		ok = 0;
	}
	if (z != NULL && dt_parse_zone(st->ctx->tax, z, &r->zone_minutes, why, sizeof(why)) != DT_ZONE_OK) {
		verrors_add(st->e, "timeZone", "%s", why);
		zone_forms(st);
		ok = 0;
	}
	if (!ok)
		return;
	r->has_date = 1;
	r->has_time = t != NULL;
	r->has_zone = z != NULL;
	r->incident_epoch = dt_to_epoch(&r->date, &r->time, r->zone_minutes);
	r->incident_time_given = 1;
	if (r->incident_epoch > st->ctx->now + LIMIT_FUTURE_SECONDS) {
		char when[32], now[32];

		dt_format_epoch(r->incident_epoch, when, sizeof(when));
		dt_format_epoch(st->ctx->now, now, sizeof(now));
		verrors_add(st->e, "date", "the incident time %s is more than 24 hours after the report was received (%s)",
		    when, now);
	}
}

/* ---- indicators ------------------------------------------------------ */

static const char *
operator_name(const vstate *st)
{
	const vscope *sc = st->ctx->scope;

	return sc != NULL && sc->operator_name != NULL && sc->operator_name[0] != '\0' ?
	    sc->operator_name : "this operator";
}

static int
ip_in_scope(const vstate *st, const ipaddr *a)
{
	const vscope *sc = st->ctx->scope;

	if (sc == NULL || sc->n_prefixes == 0)
		return 1;
	for (size_t i = 0; i < sc->n_prefixes; i++)
		if (ipprefix_contains(&sc->prefixes[i], a))
			return 1;
	return 0;
}

static int
domain_in_scope(const vstate *st, const char *host)
{
	const vscope *sc = st->ctx->scope;
	size_t hl = strlen(host);

	if (sc == NULL || sc->n_domains == 0)
		return 1;
	for (size_t i = 0; i < sc->n_domains; i++) {
		size_t dl = strlen(sc->domains[i]);

		if (hl == dl && strcasecmp(host, sc->domains[i]) == 0)
			return 1;
		if (hl > dl && host[hl - dl - 1] == '.' && strcasecmp(host + hl - dl, sc->domains[i]) == 0)
			return 1;
	}
	return 0;
}

/* Parse an IP at path; reported ones must be global and (when in_scope_check) ours. */
static char *
check_ip(vstate *st, const vpath *path, const char *s, int reported, int scope_check)
{
	ipaddr a;
	char why[WHY], text[IPADDR_TEXT_MAX];
	const char *kind;

	if (ipaddr_parse(s, &a, why, sizeof(why)) < 0) {
		fail_at(st, path, "%s", why);
		return NULL;
	}
	ipaddr_format(&a, text, sizeof(text));
	if (reported && (kind = ipaddr_special(&a)) != NULL) {
		fail_at(st, path, "%s is %s and cannot be the source of abuse on the internet", text, kind);
		return NULL;
	}
	if (reported && scope_check && !ip_in_scope(st, &a)) {
		fail_at(st, path, "%s is not in %s's networks; report it to its owner", text, operator_name(st));
		return NULL;
	}
	return xstrdup(text);
}

/* Check a URL at path; *host gets its ASCII host.  Reported URLs: special hosts and scope. */
static char *
check_url(vstate *st, const vpath *path, const char *s, int reported, char **host)
{
	url_info u;
	char why[WHY];
	const char *kind;
	int in_scope;

	if (url_check(s, &u, why, sizeof(why)) < 0) {
		fail_at(st, path, "%s", why);
		return NULL;
	}
	if (reported && u.host_is_ip && (kind = ipaddr_special(&u.host_ip)) != NULL) {
		fail_at(st, path, "the host of %s is %s, %s, which cannot be the source of abuse on the internet",
		    u.url, u.host, kind);
		url_info_cleanup(&u);
		return NULL;
	}
	in_scope = u.host_is_ip ? ip_in_scope(st, &u.host_ip) : domain_in_scope(st, u.host);
	if (reported && !in_scope) {
		fail_at(st, path, "%s is not in %s's %s; report it to its owner",
		    u.host, operator_name(st), u.host_is_ip ? "networks" : "domains");
		url_info_cleanup(&u);
		return NULL;
	}
	*host = u.host;
	u.host = NULL;
	{
		char *url = u.url;

		u.url = NULL;
		url_info_cleanup(&u);
		return url;
	}
}

/* Read one list item's scalars (pass one for items) into v[], indexed by the item table. */
static int
read_item(vstate *st, enum field_table t, const char *list, size_t i, const cJSON *item, char **v)
{
	size_t n;
	const field_rule *rules = fields_table(t, &n);
	const cJSON *it;
	char path[PATH];
	int ok = 1;

	if (!cJSON_IsObject(item)) {
		snprintf(path, sizeof(path), "%s[%zu]", list, i);
		verrors_add(st->e, path, "%s[%zu] must be an object", list, i);
		return -1;
	}
	cJSON_ArrayForEach(it, item) {
		const field_rule *rule = fields_find(t, it->string);
		vpath at = {list, i, it->string};

		if (rule == NULL) {
			unknown_property(st, t, it->string, path_text(&at, path),
			    t == FIELDS_IP_ITEM ? "an ipAddressList item" : "a urlList item");
			ok = 0;
			continue;
		}
		if (scalar(st, rule, it, &at, &v[rule - rules]) < 0)
			ok = 0;
	}
	return ok ? 0 : -1;
}

static void
free_vals(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
}

/* One ipAddressList item; 0 when it was added to the report. */
static int
check_ip_item(vstate *st, size_t i, const cJSON *item)
{
	char *v[FI_COUNT] = {0}, path[PATH];
	report_ip_item out = {0};
	int ip_report = st->r->indicator == TAX_INDICATOR_IP, bad = 0;
	vpath at = {"ipAddressList", i, "sourceIp"};

	if (read_item(st, FIELDS_IP_ITEM, "ipAddressList", i, item, v) < 0)
		bad = 1;
	if (v[FI_SOURCE_IP] != NULL)
		bad |= (out.source_ip = check_ip(st, &at, v[FI_SOURCE_IP], 1, ip_report)) == NULL;
	else if (ip_report && !bad && !verrors_has(st->e, path_text(&at, path))) {
		fail_at(st, &at, "each ipAddressList item of an IP Address report needs its sourceIp");
		bad = 1;
	}
	at.name = "sourcePort";
	bad |= parse_port(st, &at, v[FI_SOURCE_PORT], &out.source_port) < 0;
	at.name = "destinationIp";
	if (v[FI_DESTINATION_IP] != NULL)
		bad |= (out.destination_ip = check_ip(st, &at, v[FI_DESTINATION_IP], 0, 0)) == NULL;
	at.name = "destinationPort";
	bad |= parse_port(st, &at, v[FI_DESTINATION_PORT], &out.destination_port) < 0;
	free_vals(v, FI_COUNT);
	if (bad || (out.source_ip == NULL && out.destination_ip == NULL)) {
		free(out.source_ip);
		free(out.destination_ip);
		return -1;
	}
	st->r->ips[st->r->n_ips++] = out;
	return 0;
}

/* One urlList item; reported: whether its URLs are the reported indicators. */
static int
check_url_item(vstate *st, size_t i, const cJSON *item, int dest_reported)
{
	char *v[FU_COUNT] = {0};
	report_url_item out = {0};
	int bad = 0;
	vpath at = {"urlList", i, "sourceUrl"};

	if (read_item(st, FIELDS_URL_ITEM, "urlList", i, item, v) < 0)
		bad = 1;
	if (v[FU_SOURCE_URL] == NULL && v[FU_DESTINATION_URL] == NULL && !bad) {
		fail_at(st, &at, "each urlList item needs a sourceUrl or a destinationUrl");
		bad = 1;
	}
	if (v[FU_SOURCE_URL] != NULL)
		bad |= (out.source_url = check_url(st, &at, v[FU_SOURCE_URL], 1, &out.source_host)) == NULL;
	at.name = "destinationUrl";
	if (v[FU_DESTINATION_URL] != NULL)
		bad |= (out.destination_url = check_url(st, &at, v[FU_DESTINATION_URL], dest_reported,
		    &out.destination_host)) == NULL;
	free_vals(v, FU_COUNT);
	if (bad) {
		free(out.source_url);
		free(out.source_host);
		free(out.destination_url);
		free(out.destination_host);
		return -1;
	}
	st->r->urls[st->r->n_urls++] = out;
	return 0;
}

/* Is any source URL given, top-level or in urlList? */
static int
has_source_url(const vfields *f)
{
	const cJSON *it;

	if (f->v[FR_SOURCE_URL] != NULL)
		return 1;
	cJSON_ArrayForEach(it, f->url_list) {
		const cJSON *s = cJSON_GetObjectItemCaseSensitive(it, "sourceUrl");

		if (cJSON_IsString(s) && s->valuestring[strspn(s->valuestring, " \t\r\n")] != '\0')
			return 1;
	}
	return 0;
}

static void
check_lists(vstate *st, const vfields *f, int dest_reported)
{
	size_t n;
	const cJSON *it;

	n = (size_t)cJSON_GetArraySize(f->ip_list);
	st->r->ips = xcalloc(n ? n : 1, sizeof(report_ip_item));
	n = 0;
	cJSON_ArrayForEach(it, f->ip_list)
		(void)check_ip_item(st, n++, it);
	n = (size_t)cJSON_GetArraySize(f->url_list);
	st->r->urls = xcalloc(n ? n : 1, sizeof(report_url_item));
	n = 0;
	cJSON_ArrayForEach(it, f->url_list)
		(void)check_url_item(st, n++, it, dest_reported);
}

static void
check_indicators(vstate *st, const vfields *f)
{
	report *r = st->r;
	const char *sip = f->v[FR_SOURCE_IP], *dip = f->v[FR_DESTINATION_IP];
	const char *surl = f->v[FR_SOURCE_URL], *durl = f->v[FR_DESTINATION_URL];
	int ip_report = r->indicator == TAX_INDICATOR_IP;
	int url_report = r->indicator == TAX_INDICATOR_URL;
	int dest_reported = url_report && !has_source_url(f);

	if (sip != NULL)
		r->source_ip = check_ip(st, TOP("sourceIp"), sip, 1, ip_report);
	if (dip != NULL)
		r->destination_ip = check_ip(st, TOP("destinationIp"), dip, 0, 0);
	(void)parse_port(st, TOP("sourcePort"), f->v[FR_SOURCE_PORT], &r->source_port);
	(void)parse_port(st, TOP("destinationPort"), f->v[FR_DESTINATION_PORT], &r->destination_port);
	if (surl != NULL)
		r->source_url = check_url(st, TOP("sourceUrl"), surl, 1, &r->source_host);
	if (durl != NULL)
		r->destination_url = check_url(st, TOP("destinationUrl"), durl, dest_reported, &r->destination_host);
	check_lists(st, f, dest_reported);
	if (ip_report && sip == NULL && cJSON_GetArraySize(f->ip_list) == 0 && !verrors_has(st->e, "sourceIp"))
		verrors_add(st->e, "sourceIp", "an IP Address report needs at least one reported IP address: "
		    "give sourceIp or ipAddressList items with sourceIp");
	if (url_report && surl == NULL && durl == NULL && cJSON_GetArraySize(f->url_list) == 0 &&
	    !verrors_has(st->e, "sourceUrl"))
		verrors_add(st->e, "sourceUrl", "a URL report needs at least one URL: "
		    "give sourceUrl, destinationUrl or urlList items");
}

/* ---- duplicates -------------------------------------------------------- */

/*
 * Duplicates are found by sorting indices, not by hashing: the items are
 * the client's, and a fixed hash lets a client choose 65 535 items that
 * share one bucket (measured: 18 s of CPU for one 6 MB body).  A sort is
 * O(n log n) whatever is sent.  Ties sort by index, so the first of equal
 * items is the one kept, and the kept items stay in the order sent.
 */

static int
cmp_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int
cmp_ip(const void *pa, const void *pb, void *arg)
{
	const report_ip_item *v = arg;
	size_t ia = *(const size_t *)pa, ib = *(const size_t *)pb;
	const report_ip_item *a = &v[ia], *b = &v[ib];
	int c;

	if ((c = cmp_str(a->source_ip, b->source_ip)) != 0 || (c = cmp_str(a->destination_ip, b->destination_ip)) != 0)
		return c;
	if (a->source_port != b->source_port)
		return a->source_port < b->source_port ? -1 : 1;
	if (a->destination_port != b->destination_port)
		return a->destination_port < b->destination_port ? -1 : 1;
	return ia < ib ? -1 : ia > ib;
}

static int
cmp_url(const void *pa, const void *pb, void *arg)
{
	const report_url_item *v = arg;
	size_t ia = *(const size_t *)pa, ib = *(const size_t *)pb;
	int c;

	if ((c = cmp_str(v[ia].source_url, v[ib].source_url)) != 0 ||
	    (c = cmp_str(v[ia].destination_url, v[ib].destination_url)) != 0)
		return c;
	return ia < ib ? -1 : ia > ib;
}

static size_t *
sorted_order(size_t n, int (*cmp)(const void *, const void *, void *), void *items)
{
	size_t *order = xmalloc((n ? n : 1) * sizeof(size_t));

	for (size_t i = 0; i < n; i++)
		order[i] = i;
	qsort_r(order, n, sizeof(size_t), cmp, items);
	return order;
}

static int
ip_equal(const report_ip_item *a, const report_ip_item *b)
{
	return cmp_str(a->source_ip, b->source_ip) == 0 && cmp_str(a->destination_ip, b->destination_ip) == 0 &&
	    a->source_port == b->source_port && a->destination_port == b->destination_port;
}

static int
url_equal(const report_url_item *a, const report_url_item *b)
{
	return cmp_str(a->source_url, b->source_url) == 0 && cmp_str(a->destination_url, b->destination_url) == 0;
}

static void
merge_ips(report *r)
{
	size_t n = r->n_ips, kept = 0;
	size_t *order = sorted_order(n, cmp_ip, r->ips);
	unsigned char *keep = xcalloc(n ? n : 1, 1);

	for (size_t k = 0; k < n; k++)
		keep[order[k]] = k == 0 || !ip_equal(&r->ips[order[k - 1]], &r->ips[order[k]]);
	for (size_t i = 0; i < n; i++) {
		if (!keep[i]) {
			free(r->ips[i].source_ip);
			free(r->ips[i].destination_ip);
			continue;
		}
		r->ips[kept++] = r->ips[i];
	}
	r->duplicates_merged += n - kept;
	r->n_ips = kept;
	free(order);
	free(keep);
}

static void
merge_urls(report *r)
{
	size_t n = r->n_urls, kept = 0;
	size_t *order = sorted_order(n, cmp_url, r->urls);
	unsigned char *keep = xcalloc(n ? n : 1, 1);

	for (size_t k = 0; k < n; k++)
		keep[order[k]] = k == 0 || !url_equal(&r->urls[order[k - 1]], &r->urls[order[k]]);
	for (size_t i = 0; i < n; i++) {
		if (!keep[i]) {
			free(r->urls[i].source_url);
			free(r->urls[i].source_host);
			free(r->urls[i].destination_url);
			free(r->urls[i].destination_host);
			continue;
		}
		r->urls[kept++] = r->urls[i];
	}
	r->duplicates_merged += n - kept;
	r->n_urls = kept;
	free(order);
	free(keep);
}

/* ---- the whole report -------------------------------------------------- */

int
validate_is_test(const cJSON *body)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(body, "testSubmission");

	if (cJSON_IsTrue(t))
		return 1;
	if (cJSON_IsString(t)) {
		const char *s = t->valuestring;
		size_t n;

		s += strspn(s, " \t\r\n");
		n = strlen(s);
		while (n > 0 && is_space((unsigned char)s[n - 1]))
			n--;
		return n == 4 && strncasecmp(s, "true", 4) == 0;
	}
	return 0;
}

int
validate_report(const vcontext *ctx, const cJSON *body, report *out, verrors *errs)
{
	vstate st = {ctx, errs, out, NULL, NULL};
	vfields f;

	report_init(out);
	memset(&f, 0, sizeof(f));
	out->channel = ctx->channel;
	if (!cJSON_IsObject(body)) {
		verrors_add(errs, "body", "the body must be a JSON object holding the report's properties");
		return -1;
	}
	read_fields(&st, body, &f);
	check_contact(&st, &f);
	check_threat(&st, &f);
	check_incident(&st, &f);
	check_attack(&st, &f);
	check_severity(&st, &f);
	check_when(&st, &f);
	check_indicators(&st, &f);
	fields_cleanup(&f);
	if (verrors_count(errs) > 0) {
		report_cleanup(out);
		return -1;
	}
	merge_ips(out);
	merge_urls(out);
	return 0;
}
