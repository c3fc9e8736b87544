/*
 * developer_guide.c -- the prose parts of the developer page (see
 * developer.h): how to call the API, with clients in curl, PowerShell and
 * Python that send the page's first test example to this server; what each
 * status means; the interactive reference; the versioning policy.
 *
 * The clients are built from the example's request (api/examples.h), so
 * what they send is what the Examples section shows; tests/e2e/
 * developer.test.mjs runs the curl and Python ones against the server.
 */
#include "web/developer.h"

#include <stdio.h>
#include <string.h>

#include "api/examples.h"
#include "api/openapi.h"
#include "util/html.h"
#include "util/json_pretty.h"

#define SNIPPET_MAX (256u * 1024)

void
developer_base_url(http_request *req, const app *a, char *out, size_t outlen)
{
	const char *host = http_header(req, "Host");
	const char *proto = http_header(req, "X-Forwarded-Proto");
	size_t n = host != NULL ? strlen(host) : 0;

	for (size_t i = 0; i < n; i++) {
		char c = host[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '-' || c == ':' || c == '[' || c == ']'))
			n = 0;
	}
	if (n == 0 || n > 255) {
		snprintf(out, outlen, "http://%s", a->cfg->listen);
		return;
	}
	snprintf(out, outlen, "%s://%s", proto != NULL && strcmp(proto, "https") == 0 ? "https" : "http", host);
}

/* The example the clients send: the first valid test submission. */
static const examples_item *
client_example(const app *a)
{
	for (size_t i = 0; i < examples_count(a->examples); i++)
		if (examples_at(a->examples, i)->outcome == EXAMPLE_TEST)
			return examples_at(a->examples, i);
	return examples_at(a->examples, 0);
}

static void
snippet(buf *b, const char *id, const char *lang, const buf *text)
{
	(void)buf_printf(b, "<pre class=\"copy client\" id=\"client-%s\" data-lang=\"%s\"><code>", id, lang);
	(void)html_escape(b, buf_str(text));
	(void)buf_puts(b, "</code></pre>");
}

static void
curl_client(buf *b, const char *base, const examples_item *e)
{
	buf s;

	buf_init(&s, SNIPPET_MAX);
	(void)buf_printf(&s, "curl -sS -w '\\nHTTP %%{http_code}\\n' '%s/report/v2.0/abuse' \\\n"
	    "  -H 'Content-Type: application/json' \\\n  --data-binary @- <<'EOF'\n%s\nEOF\n", base,
	    e->request_text);
	snippet(b, "curl", "sh", &s);
	buf_cleanup(&s);
}

static void
powershell_client(buf *b, const char *base, const examples_item *e)
{
	buf s;

	buf_init(&s, SNIPPET_MAX);
	(void)buf_printf(&s, "$uri = '%s/report/v2.0/abuse'\n$body = @'\n%s\n'@\n"
	    "try {\n"
	    "    $answer = Invoke-RestMethod -Method Post -Uri $uri -ContentType 'application/json; charset=utf-8' `\n"
	    "        -Body ([System.Text.Encoding]::UTF8.GetBytes($body))\n"
	    "    \"200: $($answer.message)\"    # the case id, or Test Successful: ...\n"
	    "} catch {\n"
	    "    # 400 and the other errors: the body is problem+json listing every problem\n"
	    "    \"$([int]$_.Exception.Response.StatusCode): $($_.ErrorDetails.Message)\"\n"
	    "}\n", base, e->request_text);
	snippet(b, "powershell", "powershell", &s);
	buf_cleanup(&s);
}

static void
python_client(buf *b, const char *base, const examples_item *e)
{
	buf s;

	buf_init(&s, SNIPPET_MAX);
	(void)buf_printf(&s, "import json\nimport urllib.error\nimport urllib.request\n\n"
	    "URL = \"%s/report/v2.0/abuse\"\n\nreport = ", base);
	(void)json_pretty_python(&s, e->request);
	(void)buf_puts(&s, "\n\nrequest = urllib.request.Request(\n"
	    "    URL, data=json.dumps(report).encode(\"utf-8\"), method=\"POST\",\n"
	    "    headers={\"Content-Type\": \"application/json\"})\n"
	    "try:\n"
	    "    with urllib.request.urlopen(request, timeout=30) as response:\n"
	    "        answer = json.load(response)\n"
	    "        print(response.status, answer[\"message\"])  # the case id, or Test Successful: ...\n"
	    "except urllib.error.HTTPError as error:\n"
	    "    problem = json.load(error)  # application/problem+json\n"
	    "    print(error.code, problem[\"message\"])\n"
	    "    for field, messages in problem.get(\"errors\", {}).items():\n"
	    "        print(f\"  {field}: {' '.join(messages)}\")\n"
	    "        if field in problem.get(\"allowed\", {}):\n"
	    "            print(f\"    valid values: {', '.join(problem['allowed'][field])}\")\n");
	snippet(b, "python", "python", &s);
	buf_cleanup(&s);
}

static void
follow_up(buf *b, const app *a, const char *base)
{
	cJSON *st = openapi_status_example(a->examples);
	buf text;

	(void)buf_puts(b, "<h3 id=\"status\">Following up a report</h3><p>The 200 answer to a real report "
	    "carries <code>caseId</code> and <code>trackingToken</code>. The token is given only once (the "
	    "server keeps only a hash of it): keep it. With it, anyone holding it can read the report's "
	    "status at <code>statusUrl</code>; an unknown case id and a wrong token get the same 404.</p>");
	developer_text(b, "<pre class=\"copy\" id=\"client-status\"><code>curl -sS '", base,
	    "/report/v2.0/abuse/&lt;caseId&gt;' -H 'X-Tracking-Token: &lt;trackingToken&gt;'</code></pre>");
	if (st != NULL) {
		buf_init(&text, SNIPPET_MAX);
		(void)json_pretty(&text, st);
		(void)buf_puts(b, "<p>answers, for the stored example below (<code>status</code> is "
		    "<code>received</code>, and later the operator's own steps):</p>");
		developer_text(b, "<pre id=\"status-answer\"><code>", buf_str(&text), "</code></pre>");
		buf_cleanup(&text);
		cJSON_Delete(st);
	}
	(void)buf_puts(b, "<h3 id=\"documents\">Valid values and the OpenAPI document</h3><p>"
	    "<a href=\"/report/v2.0/taxonomy\">GET /report/v2.0/taxonomy</a> lists the threat types, incident "
	    "types, attack methods, severities and time-zone abbreviations as JSON, for clients that build "
	    "their own forms. <a href=\"" OPENAPI_PATH "\">GET " OPENAPI_PATH "</a> is the OpenAPI 3.1 "
	    "document of the API, for code generators; it is generated from the same rules as the validator "
	    "and this page.</p>");
}

void
developer_quick_start(buf *b, const app *a, const char *base)
{
	const examples_item *e = client_example(a);

	(void)buf_puts(b, "<section id=\"quick-start\" aria-labelledby=\"quick-start-h\"><h2 id=\"quick-start-h\">"
	    "Calling the API</h2><dl class=\"summary\"><dt>Endpoint</dt><dd><code>POST ");
	developer_text(b, "", base, "/report/v2.0/abuse</code></dd>");
	(void)buf_puts(b, "<dt>Body</dt><dd>A JSON object, <code>Content-Type: application/json</code> (a body "
	    "starting with <code>{</code> is read as JSON whatever its Content-Type), or the same fields as "
	    "<code>application/x-www-form-urlencoded</code>, list items named by their path "
	    "(<code>ipAddressList[0].sourceIp=8.8.8.8&amp;ipAddressList[0].sourcePort=22</code>) and booleans "
	    "as <code>true</code> or <code>false</code>. UTF-8.</dd>"
	    "<dt>Authentication</dt><dd>None.</dd>"
	    "<dt>Success</dt><dd><code>200</code>, JSON with <code>code: \"OK\"</code>; <code>message</code> "
	    "is the case id, or starts with <code>Test Successful</code> for a test.</dd>"
	    "<dt>Failure</dt><dd><code>400</code>, <code>application/problem+json</code>: "
	    "<code>errors</code> maps each field path to its problems, <code>allowed</code> to the valid values."
	    "</dd></dl>");
	developer_text(b, "<p>Each client below sends <a href=\"#example-", e->id, "\">");
	developer_text(b, "", e->title, "</a>, with <code>testSubmission</code> set so that nothing is stored. "
	    "Change the values, and leave <code>testSubmission</code> out to file a real report.</p>");
	(void)buf_puts(b, "<h3 id=\"curl\">curl</h3>");
	curl_client(b, base, e);
	(void)buf_puts(b, "<h3 id=\"powershell\">PowerShell</h3>");
	powershell_client(b, base, e);
	(void)buf_puts(b, "<h3 id=\"python\">Python 3 (standard library only)</h3>");
	python_client(b, base, e);
	follow_up(b, a, base);
	(void)buf_puts(b, "</section>");
}

void
developer_responses(buf *b)
{
	size_t n;
	const openapi_status *s = openapi_statuses(&n);

	(void)buf_puts(b, "<section id=\"responses\" aria-labelledby=\"responses-h\"><h2 id=\"responses-h\">"
	    "Responses</h2><p>Every answer carries <code>X-Request-Id</code>; every error is "
	    "<code>application/problem+json</code> (RFC 9457) with <code>title</code>, <code>status</code>, a "
	    "one-line <code>message</code> and <code>instance</code>, which names the request: quote it when "
	    "asking about one.</p><div class=\"table-wrap\"><table id=\"statuses\"><thead><tr><th scope=\"col\">"
	    "Status</th><th scope=\"col\">Body</th><th scope=\"col\">Meaning</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		(void)buf_printf(b, "<tr data-status=\"%u\"><th scope=\"row\"><code>%u</code></th>", s[i].code, s[i].code);
		developer_text(b, "<td><code>", s[i].type, "</code></td>");
		developer_text(b, "<td>", s[i].when, "</td></tr>");
	}
	(void)buf_puts(b, "</tbody></table></div><h3 id=\"validation-errors\">Validation errors</h3><p>A 400 for "
	    "an invalid report has <code>type</code> <code>/report/developer#validation-errors</code> and lists "
	    "every problem at once in <code>errors</code>: an object whose keys are field paths "
	    "(<code>reporterEmail</code>, <code>ipAddressList[3].sourceIp</code>, <code>body</code> when the "
	    "body itself cannot be read) and whose values are arrays of plain-language messages. Where a list "
	    "of valid values exists, <code>allowed</code> gives it under the same key. Show the messages to "
	    "whoever wrote the report, or log them; do not parse their wording, which may improve. See the "
	    "<a href=\"#examples\">examples</a>.</p></section>");
}

void
developer_reference(buf *b)
{
	(void)buf_puts(b, "<section id=\"reference\" aria-labelledby=\"reference-h\"><h2 id=\"reference-h\">"
	    "Interactive reference</h2><p>The OpenAPI document rendered by Swagger UI. Requests are sent to "
	    "this server: open an operation, pick an example (the first one is a test submission, so nothing "
	    "is stored) and press <strong>Execute</strong>. The schemas are at the end.</p>"
	    "<link rel=\"stylesheet\" href=\"/static/swagger-ui.css\">"
	    "<div id=\"swagger-ui\" data-url=\"" OPENAPI_PATH "\"></div>"
	    "<noscript><p>The interactive reference needs JavaScript. The same content is in the "
	    "<a href=\"" OPENAPI_PATH "\">OpenAPI document</a> and on this page.</p></noscript></section>");
}

void
developer_versioning(buf *b)
{
	size_t n;
	const char *const *v = openapi_versioning(&n);

	(void)buf_puts(b, "<section id=\"versioning\" aria-labelledby=\"versioning-h\"><h2 id=\"versioning-h\">"
	    "Versioning and deprecation</h2>");
	for (size_t i = 0; i < n; i++)
		developer_text(b, "<p>", v[i], "</p>");
	(void)buf_puts(b, "</section>");
}

