/*
 * taxonomy.c -- load the taxonomy data file (format: taxonomy.h) and answer
 * lookups on it.
 *
 * The file is the single source of truth for what a report may name, so it
 * is checked strictly when loaded: unknown or repeated properties, missing
 * or mistyped fields, names that could never match a trimmed client value,
 * clashing names and aliases (ASCII case-insensitively, as lookups compare),
 * and offsets that are not "+HH:MM"/"-HH:MM" within -12:00..+14:00 are all
 * refused with a message naming the place.  The first problem found is the
 * one reported.
 *
 * Everything a taxonomy holds lives in one private arena, so the cJSON tree
 * is dropped after loading and taxonomy_free() is a walk over a few chunks.
 */
#include "taxonomy.h"

#include <stdarg.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "util/utf8.h"
#include "util/xalloc.h"

#define ARENA_CHUNK 8192u    /* bytes; the default file needs about 10 KiB */
#define ZONE_ABBR_MAX 16u    /* letters in a time-zone abbreviation */
#define PATH_MAX_BYTES 160u  /* "threatTypes[12].incidentTypes[34].attackMethods[56].name" */

/* ---- arena ------------------------------------------------------------ */

struct chunk {
	struct chunk *next;
	size_t used;
	size_t cap;
	max_align_t mem[];
};

struct arena {
	struct chunk *head;
};

static void *
arena_alloc(struct arena *a, size_t n)
{
	const size_t align = alignof(max_align_t);
	struct chunk *c = a->head;
	void *p;

	if (n > SIZE_MAX - align - sizeof(struct chunk))
		abort(); /* bounded by the file's length: cannot happen */
	n = (n + align - 1) / align * align;
	if (c == NULL || c->cap - c->used < n) {
		size_t cap = n > ARENA_CHUNK ? n : ARENA_CHUNK;
		c = xmalloc(sizeof(struct chunk) + cap);
		c->used = 0;
		c->cap = cap;
		c->next = a->head;
		a->head = c;
	}
	p = (char *)c->mem + c->used;
	c->used += n;
	memset(p, 0, n);
	return p;
}

static void *
arena_array(struct arena *a, size_t count, size_t size)
{
	if (size != 0 && count > SIZE_MAX / 2 / size)
		abort(); /* bounded by the file's length: cannot happen */
	return arena_alloc(a, count * size);
}

static const char *
arena_strdup(struct arena *a, const char *s)
{
	size_t n = strlen(s);
	char *p = arena_alloc(a, n + 1);

	memcpy(p, s, n + 1);
	return p;
}

static void
arena_cleanup(struct arena *a)
{
	struct chunk *c = a->head, *next;

	for (; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	a->head = NULL;
}

/* ---- the taxonomy ----------------------------------------------------- */

struct tax_zone {
	const char *abbr;
	const char *text;    /* "+09:00" */
	int offset;          /* minutes east of UTC */
};

struct taxonomy {
	struct arena arena;
	const tax_threat *threats;
	size_t n_threats;
	const char *const *severities;
	size_t n_severities;
	const struct tax_zone *zones;
	size_t n_zones;
	const char *const *ambiguous;
	size_t n_ambiguous;
};

/* State of one load: where messages go and where memory comes from. */
struct load {
	char *err;
	size_t errlen;
	struct arena *arena;
};

/* A name and its aliases, for the uniqueness checks. */
struct spellings {
	const char *name;
	const char *const *aliases;
	size_t n;
};

static void fail(struct load *l, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Record "path: message" (just the message at the top level). */
static void
fail(struct load *l, const char *path, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (l->err == NULL || l->errlen == 0)
		return;
	if (path[0] != '\0')
		n = snprintf(l->err, l->errlen, "%s: ", path);
	if (n < 0 || (size_t)n >= l->errlen)
		return; /* truncated: what is there is still a C string */
	va_start(ap, fmt);
	(void)vsnprintf(l->err + n, l->errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

/* A path snprintf cut short ends in "..." (only a huge file or key does that). */
static void
path_done(char *out, int n)
{
	if (n < 0)
		out[0] = '\0';
	else if ((size_t)n >= PATH_MAX_BYTES)
		memcpy(out + PATH_MAX_BYTES - 4, "...", 4);
}

/* path + ".key" into out[PATH_MAX_BYTES]. */
static void
path_key(char *out, const char *path, const char *key)
{
	path_done(out, snprintf(out, PATH_MAX_BYTES, "%s%s%s", path, path[0] ? "." : "", key));
}

/* path + ".key[i]" into out[PATH_MAX_BYTES]. */
static void
path_index(char *out, const char *path, const char *key, size_t i)
{
	path_done(out, snprintf(out, PATH_MAX_BYTES, "%s%s%s[%zu]", path, path[0] ? "." : "",
	    key, i));
}

/* ---- ASCII helpers ---------------------------------------------------- */

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static int
is_letter(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* s without surrounding ASCII whitespace, as (pointer, *n). */
static const char *
trim(const char *s, size_t *n)
{
	size_t len = strlen(s);

	while (len > 0 && is_space((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len > 0 && is_space((unsigned char)s[len - 1]))
		len--;
	*n = len;
	return s;
}

/* Is [p, p+n) the C string name, ignoring ASCII case? */
static bool
same(const char *p, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++) {
		if (name[i] == '\0' || lower((unsigned char)p[i]) != lower((unsigned char)name[i]))
			return false;
	}
	return name[n] == '\0';
}

static bool
same_str(const char *a, const char *b)
{
	return same(a, strlen(a), b);
}

static bool
matches(const char *p, size_t n, const char *name, const char *const *aliases, size_t n_aliases)
{
	if (same(p, n, name))
		return true;
	for (size_t i = 0; i < n_aliases; i++)
		if (same(p, n, aliases[i]))
			return true;
	return false;
}

/* ---- typed getters ---------------------------------------------------- */

/*
 * Allow-list the properties of obj: an unknown or repeated name is an error
 * (cJSON keeps both copies of a repeated name; the second would be ignored).
 */
static int
check_keys(struct load *l, const cJSON *obj, const char *path, const char *const *allowed)
{
	const cJSON *it, *prev;

	cJSON_ArrayForEach(it, obj) {
		size_t k = 0;

		while (allowed[k] != NULL && strcmp(allowed[k], it->string) != 0)
			k++;
		if (allowed[k] == NULL) {
			fail(l, path, "unknown property \"%s\"", it->string);
			return -1;
		}
		for (prev = obj->child; prev != it; prev = prev->next) {
			if (strcmp(prev->string, it->string) == 0) {
				fail(l, path, "\"%s\" appears twice", it->string);
				return -1;
			}
		}
	}
	return 0;
}

static int
need_object(struct load *l, const cJSON *v, const char *path)
{
	if (!cJSON_IsObject(v)) {
		fail(l, path, "must be an object");
		return -1;
	}
	return 0;
}

/* The array obj[key] into *out; NULL when absent and optional. */
static int
get_array(struct load *l, const cJSON *obj, const char *path, const char *key, bool required,
    const cJSON **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char p[PATH_MAX_BYTES];

	*out = NULL;
	if (v == NULL) {
		if (required)
			fail(l, path, "missing \"%s\"", key);
		return required ? -1 : 0;
	}
	if (!cJSON_IsArray(v)) {
		path_key(p, path, key);
		fail(l, p, "must be an array");
		return -1;
	}
	*out = v;
	return 0;
}

/* A string that is not empty, has no control characters and fits the bound. */
static int
check_text(struct load *l, const char *path, const char *s, size_t max_chars)
{
	size_t n = strlen(s);

	if (n == 0) {
		fail(l, path, "must not be empty");
		return -1;
	}
	if (utf8_valid(s, n, NULL) < 0) {
		fail(l, path, "is not valid UTF-8");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
			fail(l, path, "must not contain control characters");
			return -1;
		}
	}
	if (max_chars != 0 && utf8_count(s, n) > max_chars) {
		fail(l, path, "is longer than %zu characters", max_chars);
		return -1;
	}
	return 0;
}

/*
 * A name clients must be able to send: also no surrounding whitespace,
 * since their values are trimmed before lookup.
 */
static int
check_name(struct load *l, const char *path, const cJSON *v, const char **out)
{
	const char *s;

	if (!cJSON_IsString(v)) {
		fail(l, path, "must be a string");
		return -1;
	}
	s = v->valuestring;
	if (check_text(l, path, s, LIMIT_TAXON_CHARS) < 0)
		return -1;
	if (is_space((unsigned char)s[0]) || is_space((unsigned char)s[strlen(s) - 1])) {
		fail(l, path, "must not start or end with spaces");
		return -1;
	}
	*out = arena_strdup(l->arena, s);
	return 0;
}

/* obj[key]: a name (names = true) or free text; NULL when absent and optional. */
static int
get_string(struct load *l, const cJSON *obj, const char *path, const char *key, bool required,
    bool names, const char **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char p[PATH_MAX_BYTES];

	*out = NULL;
	if (v == NULL) {
		if (required)
			fail(l, path, "missing \"%s\"", key);
		return required ? -1 : 0;
	}
	path_key(p, path, key);
	if (names)
		return check_name(l, p, v, out);
	if (!cJSON_IsString(v)) {
		fail(l, p, "must be a string");
		return -1;
	}
	if (check_text(l, p, v->valuestring, 0) < 0)
		return -1;
	*out = arena_strdup(l->arena, v->valuestring);
	return 0;
}

/* An optional array of names under obj[key] ("aliases", "severities"...). */
static int
get_names(struct load *l, const cJSON *obj, const char *path, const char *key, bool required,
    const char *const **out, size_t *n_out)
{
	const cJSON *arr, *it;
	const char **names;
	char p[PATH_MAX_BYTES];
	size_t i = 0;

	*out = NULL;
	*n_out = 0;
	if (get_array(l, obj, path, key, required, &arr) < 0)
		return -1;
	if (arr == NULL)
		return 0;
	names = arena_array(l->arena, (size_t)cJSON_GetArraySize(arr), sizeof *names);
	cJSON_ArrayForEach(it, arr) {
		path_index(p, path, key, i);
		if (check_name(l, p, it, &names[i]) < 0)
			return -1;
		i++;
	}
	*out = names;
	*n_out = i;
	return 0;
}

/* ---- uniqueness ------------------------------------------------------- */

/* The spelling of a with index k (0 = name, k = aliases[k - 1]). */
static const char *
spelling_at(const struct spellings *a, size_t k)
{
	return k == 0 ? a->name : a->aliases[k - 1];
}

/* The first of b's spellings with index < limit that equals s, or NULL. */
static const char *
spelling_find(const struct spellings *b, size_t limit, const char *s)
{
	for (size_t k = 0; k <= b->n && k < limit; k++)
		if (same_str(s, spelling_at(b, k)))
			return spelling_at(b, k);
	return NULL;
}

/*
 * Refuse when one of a's spellings is also one of b's (b == NULL: when a
 * repeats one of its own).  path is a's place in the file.
 */
static int
check_clash(struct load *l, const char *path, const struct spellings *a, const struct spellings *b)
{
	char p[PATH_MAX_BYTES];

	for (size_t k = 0; k <= a->n; k++) {
		const char *s = spelling_at(a, k);
		const char *hit = b != NULL ? spelling_find(b, SIZE_MAX, s) : spelling_find(a, k, s);

		if (hit == NULL)
			continue;
		if (k == 0)
			path_key(p, path, "name");
		else
			path_index(p, path, "aliases", k - 1);
		fail(l, p, "\"%s\" clashes with \"%s\" (names and aliases must be unique, ignoring case)",
		    s, hit);
		return -1;
	}
	return 0;
}

/* ---- the parts of the file -------------------------------------------- */

static int
load_attack(struct load *l, const cJSON *v, const char *path, tax_attack *a)
{
	static const char *const keys[] = { "name", "description", NULL };

	if (need_object(l, v, path) < 0 || check_keys(l, v, path, keys) < 0)
		return -1;
	if (get_string(l, v, path, "name", true, true, &a->name) < 0 ||
	    get_string(l, v, path, "description", true, false, &a->description) < 0)
		return -1;
	return 0;
}

static int
load_attacks(struct load *l, const cJSON *obj, const char *path, tax_incident *inc)
{
	const cJSON *arr, *it;
	tax_attack *attacks;
	char p[PATH_MAX_BYTES];
	size_t i = 0;

	if (get_array(l, obj, path, "attackMethods", false, &arr) < 0)
		return -1;
	if (arr == NULL)
		return 0;
	attacks = arena_array(l->arena, (size_t)cJSON_GetArraySize(arr), sizeof *attacks);
	cJSON_ArrayForEach(it, arr) {
		struct spellings a = { NULL, NULL, 0 };

		path_index(p, path, "attackMethods", i);
		if (load_attack(l, it, p, &attacks[i]) < 0)
			return -1;
		a.name = attacks[i].name;
		for (size_t j = 0; j < i; j++) {
			struct spellings b = { attacks[j].name, NULL, 0 };

			if (check_clash(l, p, &a, &b) < 0)
				return -1;
		}
		i++;
	}
	inc->attacks = attacks;
	inc->n_attacks = i;
	return 0;
}

static int
get_bool(struct load *l, const cJSON *obj, const char *path, const char *key, bool *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char p[PATH_MAX_BYTES];

	*out = false;
	if (v == NULL)
		return 0;
	if (!cJSON_IsBool(v)) {
		path_key(p, path, key);
		fail(l, p, "must be true or false");
		return -1;
	}
	*out = cJSON_IsTrue(v);
	return 0;
}

static int
load_incident(struct load *l, const cJSON *v, const char *path, tax_incident *inc)
{
	static const char *const keys[] = {
		"name", "description", "label", "aliases", "portalOnly", "attackMethods", NULL
	};
	struct spellings self;

	if (need_object(l, v, path) < 0 || check_keys(l, v, path, keys) < 0)
		return -1;
	if (get_string(l, v, path, "name", true, true, &inc->name) < 0 ||
	    get_string(l, v, path, "description", true, false, &inc->description) < 0 ||
	    get_string(l, v, path, "label", false, true, &inc->label) < 0 ||
	    get_names(l, v, path, "aliases", false, &inc->aliases, &inc->n_aliases) < 0 ||
	    get_bool(l, v, path, "portalOnly", &inc->portal_only) < 0 ||
	    load_attacks(l, v, path, inc) < 0)
		return -1;
	if (inc->label == NULL)
		inc->label = inc->name;
	self = (struct spellings){ inc->name, inc->aliases, inc->n_aliases };
	return check_clash(l, path, &self, NULL);
}

/*
 * Incident i against the ones before it: spellings unique, and its portal
 * label neither another's label nor another's name or alias (the portal's
 * list would show two entries that look alike).
 */
static int
check_incident_unique(struct load *l, const char *path, const tax_incident *incs, size_t i)
{
	struct spellings a = { incs[i].name, incs[i].aliases, incs[i].n_aliases };

	for (size_t j = 0; j < i; j++) {
		struct spellings b = { incs[j].name, incs[j].aliases, incs[j].n_aliases };
		const char *la = incs[i].label, *lb = incs[j].label;

		if (check_clash(l, path, &a, &b) < 0)
			return -1;
		if (same_str(la, lb) || spelling_find(&b, SIZE_MAX, la) != NULL ||
		    spelling_find(&a, SIZE_MAX, lb) != NULL) {
			fail(l, path, "its label \"%s\" clashes with \"%s\" (labels must tell "
			    "incident types apart)", la, incs[j].name);
			return -1;
		}
	}
	return 0;
}

static int
load_incidents(struct load *l, const cJSON *obj, const char *path, tax_threat *t)
{
	const cJSON *arr, *it;
	tax_incident *incs;
	char p[PATH_MAX_BYTES];
	size_t i = 0;

	if (get_array(l, obj, path, "incidentTypes", true, &arr) < 0)
		return -1;
	if (cJSON_GetArraySize(arr) == 0) {
		path_key(p, path, "incidentTypes");
		fail(l, p, "must list at least one incident type");
		return -1;
	}
	incs = arena_array(l->arena, (size_t)cJSON_GetArraySize(arr), sizeof *incs);
	cJSON_ArrayForEach(it, arr) {
		path_index(p, path, "incidentTypes", i);
		if (load_incident(l, it, p, &incs[i]) < 0 ||
		    check_incident_unique(l, p, incs, i) < 0)
			return -1;
		i++;
	}
	t->incidents = incs;
	t->n_incidents = i;
	return 0;
}

static int
load_threat(struct load *l, const cJSON *v, const char *path, tax_threat *t)
{
	static const char *const keys[] = {
		"name", "indicator", "description", "aliases", "incidentTypes", NULL
	};
	struct spellings self;
	const char *ind;
	char p[PATH_MAX_BYTES];

	if (need_object(l, v, path) < 0 || check_keys(l, v, path, keys) < 0)
		return -1;
	if (get_string(l, v, path, "name", true, true, &t->name) < 0 ||
	    get_string(l, v, path, "indicator", true, true, &ind) < 0 ||
	    get_string(l, v, path, "description", true, false, &t->description) < 0 ||
	    get_names(l, v, path, "aliases", false, &t->aliases, &t->n_aliases) < 0)
		return -1;
	if (strcmp(ind, "ip") != 0 && strcmp(ind, "url") != 0) {
		path_key(p, path, "indicator");
		fail(l, p, "must be \"ip\" or \"url\", not \"%s\"", ind);
		return -1;
	}
	t->indicator = ind[0] == 'i' ? TAX_INDICATOR_IP : TAX_INDICATOR_URL;
	self = (struct spellings){ t->name, t->aliases, t->n_aliases };
	if (check_clash(l, path, &self, NULL) < 0)
		return -1;
	return load_incidents(l, v, path, t);
}

static int
load_threats(struct load *l, const cJSON *root, taxonomy *tax)
{
	const cJSON *arr, *it;
	tax_threat *threats;
	char p[PATH_MAX_BYTES];
	size_t i = 0;

	if (get_array(l, root, "", "threatTypes", true, &arr) < 0)
		return -1;
	if (cJSON_GetArraySize(arr) == 0) {
		fail(l, "threatTypes", "must list at least one threat type");
		return -1;
	}
	threats = arena_array(l->arena, (size_t)cJSON_GetArraySize(arr), sizeof *threats);
	cJSON_ArrayForEach(it, arr) {
		struct spellings a;

		path_index(p, "", "threatTypes", i);
		if (load_threat(l, it, p, &threats[i]) < 0)
			return -1;
		a = (struct spellings){ threats[i].name, threats[i].aliases, threats[i].n_aliases };
		for (size_t j = 0; j < i; j++) {
			struct spellings b = { threats[j].name, threats[j].aliases, threats[j].n_aliases };

			if (check_clash(l, p, &a, &b) < 0)
				return -1;
		}
		i++;
	}
	tax->threats = threats;
	tax->n_threats = i;
	return 0;
}

static int
load_severities(struct load *l, const cJSON *root, taxonomy *tax)
{
	char p[PATH_MAX_BYTES];

	if (get_names(l, root, "", "severities", true, &tax->severities, &tax->n_severities) < 0)
		return -1;
	if (tax->n_severities == 0) {
		fail(l, "severities", "must list at least one severity");
		return -1;
	}
	for (size_t i = 1; i < tax->n_severities; i++) {
		for (size_t j = 0; j < i; j++) {
			if (same_str(tax->severities[i], tax->severities[j])) {
				path_index(p, "", "severities", i);
				fail(l, p, "\"%s\" repeats \"%s\" (severities must be unique, ignoring case)",
				    tax->severities[i], tax->severities[j]);
				return -1;
			}
		}
	}
	return 0;
}

/* "+HH:MM" / "-HH:MM" within -12:00..+14:00 into minutes; -1 if not. */
static int
parse_offset(const char *s, int *minutes)
{
	int h, m, total;

	if (strlen(s) != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':')
		return -1;
	for (size_t i = 1; i < 6; i++)
		if (i != 3 && (s[i] < '0' || s[i] > '9'))
			return -1;
	h = (s[1] - '0') * 10 + (s[2] - '0');
	m = (s[4] - '0') * 10 + (s[5] - '0');
	total = h * 60 + m;
	if (m > 59 || (s[0] == '-' && total > 12 * 60) || (s[0] == '+' && total > 14 * 60))
		return -1;
	*minutes = s[0] == '-' ? -total : total;
	return 0;
}

/* A key of timeZones or an entry of ambiguousTimeZones. */
static int
check_abbr(struct load *l, const char *path, const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > ZONE_ABBR_MAX) {
		fail(l, path, "\"%s\" must be 1 to %u letters", s, ZONE_ABBR_MAX);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (!is_letter((unsigned char)s[i])) {
			fail(l, path, "\"%s\" must be letters only (A-Z)", s);
			return -1;
		}
	}
	if (same_str(s, "Z") || same_str(s, "UTC") || same_str(s, "GMT")) {
		fail(l, path, "\"%s\" is built in and cannot be redefined", s);
		return -1;
	}
	return 0;
}

static int
load_zone(struct load *l, const cJSON *v, struct tax_zone *z)
{
	char p[PATH_MAX_BYTES];
	int off;

	path_key(p, "timeZones", v->string);
	if (check_abbr(l, p, v->string) < 0)
		return -1;
	if (!cJSON_IsString(v) || parse_offset(v->valuestring, &off) < 0) {
		fail(l, p, "must be an offset from \"-12:00\" to \"+14:00\" written +HH:MM or -HH:MM");
		return -1;
	}
	z->abbr = arena_strdup(l->arena, v->string);
	z->text = arena_strdup(l->arena, off == 0 ? "+00:00" : v->valuestring); /* not "-00:00" */
	z->offset = off;
	return 0;
}

static int
load_zones(struct load *l, const cJSON *root, taxonomy *tax)
{
	const cJSON *obj = cJSON_GetObjectItemCaseSensitive(root, "timeZones"), *it;
	struct tax_zone *zones;
	char p[PATH_MAX_BYTES];
	size_t i = 0;

	if (obj == NULL)
		return 0;
	if (need_object(l, obj, "timeZones") < 0)
		return -1;
	zones = arena_array(l->arena, (size_t)cJSON_GetArraySize(obj), sizeof *zones);
	cJSON_ArrayForEach(it, obj) {
		if (load_zone(l, it, &zones[i]) < 0)
			return -1;
		for (size_t j = 0; j < i; j++) {
			if (same_str(zones[i].abbr, zones[j].abbr)) {
				path_key(p, "timeZones", zones[i].abbr);
				fail(l, p, "\"%s\" is listed twice (ignoring case)", zones[i].abbr);
				return -1;
			}
		}
		i++;
	}
	tax->zones = zones;
	tax->n_zones = i;
	return 0;
}

static int
load_ambiguous(struct load *l, const cJSON *root, taxonomy *tax)
{
	char p[PATH_MAX_BYTES];

	if (get_names(l, root, "", "ambiguousTimeZones", false, &tax->ambiguous,
	    &tax->n_ambiguous) < 0)
		return -1;
	for (size_t i = 0; i < tax->n_ambiguous; i++) {
		const char *s = tax->ambiguous[i];
		bool twice = false;

		path_index(p, "", "ambiguousTimeZones", i);
		if (check_abbr(l, p, s) < 0)
			return -1;
		for (size_t j = 0; j < i; j++)
			twice = twice || same_str(s, tax->ambiguous[j]);
		for (size_t j = 0; j < tax->n_zones; j++)
			twice = twice || same_str(s, tax->zones[j].abbr);
		if (twice) {
			fail(l, p, "\"%s\" is already listed in timeZones or ambiguousTimeZones", s);
			return -1;
		}
	}
	return 0;
}

static int
load_root(struct load *l, const cJSON *root, taxonomy *tax)
{
	static const char *const keys[] = {
		"version", "threatTypes", "severities", "timeZones", "ambiguousTimeZones", NULL
	};
	const cJSON *version;

	if (!cJSON_IsObject(root)) {
		fail(l, "", "the taxonomy must be a JSON object");
		return -1;
	}
	if (check_keys(l, root, "", keys) < 0)
		return -1;
	version = cJSON_GetObjectItemCaseSensitive(root, "version");
	if (version == NULL) {
		fail(l, "", "missing \"version\" (this format is version 1)");
		return -1;
	}
	if (!cJSON_IsNumber(version) || version->valuedouble != 1.0) {
		fail(l, "version", "must be 1 (the only version of this format)");
		return -1;
	}
	if (load_threats(l, root, tax) < 0 || load_severities(l, root, tax) < 0 ||
	    load_zones(l, root, tax) < 0 || load_ambiguous(l, root, tax) < 0)
		return -1;
	return 0;
}

/* what, at "line L, column C" of offset off in text. */
static void
fail_at(struct load *l, const char *what, const char *text, size_t len, size_t off)
{
	size_t line = 1, col = 1;

	for (size_t i = 0; i < off && i < len; i++) {
		if (text[i] == '\n') {
			line++;
			col = 1;
		} else if (((unsigned char)text[i] & 0xC0) != 0x80) {
			col++;
		}
	}
	fail(l, "", "%s (line %zu, column %zu)", what, line, col);
}

/*
 * The file's text as a cJSON tree, or NULL with the message.  cJSON checks
 * neither UTF-8 nor embedded NULs (which would cut a name short silently),
 * nor what follows the value, so those are checked here.
 */
static cJSON *
parse_json(struct load *l, const char *text, size_t len)
{
	const char *end = NULL, *nul;
	cJSON *root;
	size_t bad;

	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
		text += 3;
		len -= 3;
	}
	if (len == 0) {
		fail(l, "", "the file is empty");
		return NULL;
	}
	if ((nul = memchr(text, '\0', len)) != NULL) {
		fail_at(l, "a NUL byte", text, len, (size_t)(nul - text));
		return NULL;
	}
	if (utf8_valid(text, len, &bad) < 0) {
		fail_at(l, "not valid UTF-8", text, len, bad);
		return NULL;
	}
	root = cJSON_ParseWithLengthOpts(text, len, &end, false);
	if (root == NULL) {
		fail_at(l, "not valid JSON", text, len, end != NULL ? (size_t)(end - text) : 0);
		return NULL;
	}
	while (end < text + len && is_space((unsigned char)*end) && *end != '\v' && *end != '\f')
		end++;
	if (end < text + len) {
		fail_at(l, "unexpected text after the JSON value", text, len, (size_t)(end - text));
		cJSON_Delete(root);
		return NULL;
	}
	return root;
}

int
taxonomy_parse(const char *text, size_t len, taxonomy **out, char *err, size_t errlen)
{
	struct load l = { err, errlen, NULL };
	taxonomy *tax = NULL;
	cJSON *root;
	int rc = -1;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	root = parse_json(&l, text != NULL ? text : "", text != NULL ? len : 0);
	if (root == NULL)
		goto out;
	tax = xcalloc(1, sizeof *tax);
	l.arena = &tax->arena;
	if (load_root(&l, root, tax) < 0)
		goto out;
	*out = tax;
	tax = NULL;
	rc = 0;
out:
	taxonomy_free(tax);
	cJSON_Delete(root);
	return rc;
}

void
taxonomy_free(taxonomy *tax)
{
	if (tax == NULL)
		return;
	arena_cleanup(&tax->arena);
	free(tax);
}

/* ---- queries ---------------------------------------------------------- */

size_t
taxonomy_threat_count(const taxonomy *tax)
{
	return tax != NULL ? tax->n_threats : 0;
}

const tax_threat *
taxonomy_threat_at(const taxonomy *tax, size_t i)
{
	return tax != NULL && i < tax->n_threats ? &tax->threats[i] : NULL;
}

const tax_threat *
taxonomy_find_threat(const taxonomy *tax, const char *name)
{
	size_t n;

	if (tax == NULL || name == NULL)
		return NULL;
	name = trim(name, &n);
	for (size_t i = 0; i < tax->n_threats; i++) {
		const tax_threat *t = &tax->threats[i];

		if (matches(name, n, t->name, t->aliases, t->n_aliases))
			return t;
	}
	return NULL;
}

const tax_incident *
taxonomy_find_incident(const tax_threat *threat, const char *name)
{
	size_t n;

	if (threat == NULL || name == NULL)
		return NULL;
	name = trim(name, &n);
	for (size_t i = 0; i < threat->n_incidents; i++) {
		const tax_incident *inc = &threat->incidents[i];

		if (matches(name, n, inc->name, inc->aliases, inc->n_aliases))
			return inc;
	}
	return NULL;
}

const tax_attack *
taxonomy_find_attack(const tax_incident *incident, const char *name)
{
	size_t n;

	if (incident == NULL || name == NULL)
		return NULL;
	name = trim(name, &n);
	for (size_t i = 0; i < incident->n_attacks; i++)
		if (same(name, n, incident->attacks[i].name))
			return &incident->attacks[i];
	return NULL;
}

const char *
taxonomy_find_severity(const taxonomy *tax, const char *name)
{
	size_t n;

	if (tax == NULL || name == NULL)
		return NULL;
	name = trim(name, &n);
	for (size_t i = 0; i < tax->n_severities; i++)
		if (same(name, n, tax->severities[i]))
			return tax->severities[i];
	return NULL;
}

size_t
taxonomy_severity_count(const taxonomy *tax)
{
	return tax != NULL ? tax->n_severities : 0;
}

const char *
taxonomy_severity_at(const taxonomy *tax, size_t i)
{
	return tax != NULL && i < tax->n_severities ? tax->severities[i] : NULL;
}

int
taxonomy_find_zone(const taxonomy *tax, const char *abbr, int *offset_minutes)
{
	size_t n;

	if (tax == NULL || abbr == NULL)
		return TAX_ZONE_UNKNOWN;
	abbr = trim(abbr, &n);
	for (size_t i = 0; i < tax->n_zones; i++) {
		if (same(abbr, n, tax->zones[i].abbr)) {
			if (offset_minutes != NULL)
				*offset_minutes = tax->zones[i].offset;
			return TAX_ZONE_FOUND;
		}
	}
	for (size_t i = 0; i < tax->n_ambiguous; i++)
		if (same(abbr, n, tax->ambiguous[i]))
			return TAX_ZONE_AMBIGUOUS;
	return TAX_ZONE_UNKNOWN;
}

size_t
taxonomy_zone_count(const taxonomy *tax)
{
	return tax != NULL ? tax->n_zones : 0;
}

const char *
taxonomy_zone_at(const taxonomy *tax, size_t i, int *offset_minutes)
{
	if (tax == NULL || i >= tax->n_zones)
		return NULL;
	if (offset_minutes != NULL)
		*offset_minutes = tax->zones[i].offset;
	return tax->zones[i].abbr;
}

/* ---- as JSON ---------------------------------------------------------- */

static cJSON *
attack_json(const tax_attack *a)
{
	cJSON *o = cJSON_CreateObject();

	if (o == NULL || cJSON_AddStringToObject(o, "name", a->name) == NULL ||
	    cJSON_AddStringToObject(o, "description", a->description) == NULL) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* Append item to arr; on failure free item and answer -1. */
static int
append(cJSON *arr, cJSON *item)
{
	if (item == NULL || !cJSON_AddItemToArray(arr, item)) {
		cJSON_Delete(item);
		return -1;
	}
	return 0;
}

static cJSON *
incident_json(const tax_incident *inc)
{
	cJSON *o = cJSON_CreateObject(), *arr;

	if (o == NULL || cJSON_AddStringToObject(o, "name", inc->name) == NULL ||
	    cJSON_AddStringToObject(o, "label", inc->label) == NULL ||
	    cJSON_AddStringToObject(o, "description", inc->description) == NULL ||
	    cJSON_AddBoolToObject(o, "portalOnly", inc->portal_only) == NULL ||
	    (arr = cJSON_AddArrayToObject(o, "attackMethods")) == NULL)
		goto fail;
	for (size_t i = 0; i < inc->n_attacks; i++)
		if (append(arr, attack_json(&inc->attacks[i])) < 0)
			goto fail;
	return o;
fail:
	cJSON_Delete(o);
	return NULL;
}

static cJSON *
threat_json(const tax_threat *t)
{
	cJSON *o = cJSON_CreateObject(), *arr;
	const char *ind = t->indicator == TAX_INDICATOR_IP ? "ip" : "url";

	if (o == NULL || cJSON_AddStringToObject(o, "name", t->name) == NULL ||
	    cJSON_AddStringToObject(o, "description", t->description) == NULL ||
	    cJSON_AddStringToObject(o, "indicator", ind) == NULL ||
	    (arr = cJSON_AddArrayToObject(o, "incidentTypes")) == NULL)
		goto fail;
	for (size_t i = 0; i < t->n_incidents; i++)
		if (append(arr, incident_json(&t->incidents[i])) < 0)
			goto fail;
	return o;
fail:
	cJSON_Delete(o);
	return NULL;
}

cJSON *
taxonomy_to_json(const taxonomy *tax)
{
	cJSON *o = cJSON_CreateObject(), *threats, *sev, *zones;

	if (o == NULL || tax == NULL ||
	    (threats = cJSON_AddArrayToObject(o, "threatTypes")) == NULL ||
	    (sev = cJSON_AddArrayToObject(o, "severities")) == NULL ||
	    (zones = cJSON_AddObjectToObject(o, "timeZones")) == NULL)
		goto fail;
	for (size_t i = 0; i < tax->n_threats; i++)
		if (append(threats, threat_json(&tax->threats[i])) < 0)
			goto fail;
	for (size_t i = 0; i < tax->n_severities; i++)
		if (append(sev, cJSON_CreateString(tax->severities[i])) < 0)
			goto fail;
	for (size_t i = 0; i < tax->n_zones; i++)
		if (cJSON_AddStringToObject(zones, tax->zones[i].abbr, tax->zones[i].text) == NULL)
			goto fail;
	return o;
fail:
	cJSON_Delete(o);
	return NULL;
}
