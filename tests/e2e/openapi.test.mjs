// GET /report/v2.0/openapi.json: a valid OpenAPI 3.1 document that tells
// the truth about the server.
//
// Two validators from npm check it.  @apidevtools/swagger-parser validates
// the document against the official OpenAPI 3.1 schema (paths, operations,
// parameters, responses, components) and resolves every $ref; it does not
// look inside Schema Objects (it swaps their dialect schema out to dodge an
// Ajv $dynamicRef bug), so Ajv's JSON Schema 2020-12 compiler, in strict
// mode, checks every schema of components.schemas, and then the documented
// examples and the server's real answers against them.  A test breaks the
// document on purpose to show that each check fails when it should.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv2020 from 'ajv/dist/2020.js';

import { ABUSE, OPENAPI_PATH, documentedExamples, fetchDocument, ordered, stable } from './lib/apidoc.mjs';
import { serverForFile } from './lib/fixture.mjs';
import { get, postJson, request } from './lib/http.mjs';

const srv = serverForFile({ args: ['--max-body-bytes', '4096'] });
const T = { timeout: 30_000 };

/** An Ajv holding every component schema under its own name (refs rewritten to match). */
function compileSchemas(doc) {
  // strictRequired is off: "required" beside no "properties" is how anyOf says "one of these is
  // needed", valid JSON Schema that Ajv only lints.
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true, validateFormats: false, allowUnionTypes: true });
  const fix = (v) => {
    if (Array.isArray(v)) return v.map(fix);
    if (v === null || typeof v !== 'object') return v;
    const o = {};
    for (const [k, x] of Object.entries(v)) {
      o[k] = k === '$ref' && typeof x === 'string' ? x.replace('#/components/schemas/', '') : fix(x);
    }
    return o;
  };
  for (const [name, schema] of Object.entries(doc.components.schemas)) {
    ajv.addSchema({ ...fix(schema), $id: name });
  }
  for (const name of Object.keys(doc.components.schemas)) ajv.getSchema(name); // compile now: throws if invalid
  return ajv;
}

function schemaRef(schema) {
  return schema.$ref?.replace('#/components/schemas/', '');
}

function assertValid(ajv, name, value, what) {
  const ok = ajv.validate(name, value);
  assert.ok(ok, `${what} should conform to ${name}: ${ajv.errorsText(ajv.errors)}\n${JSON.stringify(value).slice(0, 800)}`);
}

test('openapi_json_is_served_as_json_cacheable_and_readable_from_other_origins', T, async () => {
  const res = await get(srv.base, OPENAPI_PATH);
  assert.equal(res.status, 200);
  assert.match(res.headers['content-type'], /^application\/json/);
  assert.equal(res.headers['access-control-allow-origin'], '*');
  assert.match(res.headers['cache-control'] ?? '', /max-age/);
  assert.equal(res.json.openapi, '3.1.0');
});

test('openapi_document_passes_swagger_parser_validation_as_openapi_3_1', T, async () => {
  const doc = await fetchDocument(srv.base);
  const api = await SwaggerParser.validate(structuredClone(doc));
  assert.equal(api.openapi, '3.1.0');
  assert.deepEqual(Object.keys(doc.paths).sort(),
    [ABUSE, `${ABUSE}/{caseId}`, OPENAPI_PATH, '/report/v2.0/taxonomy'].sort());
});

test('every_component_schema_compiles_as_strict_json_schema_2020_12', T, async () => {
  const doc = await fetchDocument(srv.base);
  const ajv = compileSchemas(doc);
  for (const name of ['AbuseReport', 'IpAddressItem', 'UrlItem', 'AbuseReportForm', 'NormalizedReport',
    'TestAccepted', 'ReportAccepted', 'Problem', 'ValidationProblem', 'ReportStatus', 'Taxonomy']) {
    assert.equal(typeof ajv.getSchema(name), 'function', `schema ${name}`);
  }
});

test('a_broken_document_fails_each_validator', T, async () => {
  const doc = await fetchDocument(srv.base);
  const noVersion = structuredClone(doc);
  delete noVersion.info.version;
  await assert.rejects(SwaggerParser.validate(noVersion), /version/);
  const badResponse = structuredClone(doc);
  badResponse.paths[ABUSE].post.responses['200'] = { content: {} }; // a response needs a description
  await assert.rejects(SwaggerParser.validate(badResponse));
  const danglingRef = structuredClone(doc);
  danglingRef.paths[ABUSE].post.requestBody.content['application/json'].schema.$ref = '#/components/schemas/Nope';
  await assert.rejects(SwaggerParser.validate(danglingRef));
  const badType = structuredClone(doc);
  badType.components.schemas.AbuseReport.properties.reporterName.type = 'text';
  assert.throws(() => compileSchemas(badType));
  const unknownKeyword = structuredClone(doc);
  unknownKeyword.components.schemas.UrlItem.maxLenght = 3;
  assert.throws(() => compileSchemas(unknownKeyword), /unknown keyword/);
});

test('request_schema_lists_every_property_with_type_limits_and_description', T, async () => {
  const doc = await fetchDocument(srv.base);
  const s = doc.components.schemas.AbuseReport;
  assert.equal(s.additionalProperties, false, 'unknown properties are refused, so the schema closes the object');
  assert.deepEqual(s.required, ['reporterName', 'reporterEmail', 'threatType', 'incidentType']);
  assert.deepEqual(s.dependentRequired, { time: ['date'], timeZone: ['date'] });
  for (const name of ['reporterName', 'reporterEmail', 'reporterOrg', 'phoneNumber', 'reporterPhone', 'reporterNotes',
    'anonymizeReport', 'threatType', 'incidentType', 'attackMethod', 'date', 'time', 'timeZone', 'sourceIp',
    'sourcePort', 'sourceUrl', 'destinationIp', 'destinationPort', 'destinationUrl', 'ipAddressList', 'urlList',
    'reportNotes', 'severity', 'testSubmission', 'source']) {
    const p = s.properties[name];
    assert.ok(p, `property ${name}`);
    assert.ok(p.type, `${name} has a type`);
    assert.ok(typeof p.description === 'string' && p.description.includes('Rule ('), `${name} has its rule in words`);
    if (p.type === 'string') assert.ok(p.maxLength > 0, `${name} has maxLength`);
  }
  assert.equal(s.properties.reporterName.maxLength, 200);
  assert.equal(s.properties.reportNotes.maxLength, 10000);
  assert.equal(s.properties.reporterEmail.format, 'email');
  assert.equal(s.properties.date.format, 'date');
  assert.deepEqual(s.properties.sourcePort.type, ['string', 'integer']);
  assert.equal(s.properties.sourcePort.maximum, 65535);
  assert.equal(s.properties.testSubmission.default, false);
  assert.match(s.properties.timeZone.description, /PST \(-08:00\)/);
  assert.match(s.description, /needs at least one reported address/);
});

test('enums_come_from_the_taxonomy_and_leave_out_portal_only_incident_types', T, async () => {
  const doc = await fetchDocument(srv.base);
  const tax = (await get(srv.base, '/report/v2.0/taxonomy')).json;
  const p = doc.components.schemas.AbuseReport.properties;
  const incidents = [];
  const attacks = [];
  for (const t of tax.threatTypes) {
    for (const i of t.incidentTypes) {
      if (i.portalOnly) continue;
      if (!incidents.includes(i.name)) incidents.push(i.name);
      for (const a of i.attackMethods) if (!attacks.includes(a.name)) attacks.push(a.name);
    }
  }
  assert.deepEqual(p.threatType.enum, tax.threatTypes.map((t) => t.name));
  assert.deepEqual(p.incidentType.enum, incidents);
  assert.ok(!p.incidentType.enum.includes('Responsible AI'), 'portal-only values are not API values');
  assert.match(p.incidentType.description, /Responsible AI \(URL\) is reported through the portal only/);
  assert.deepEqual(p.attackMethod.enum, attacks);
  assert.deepEqual(p.severity.enum, tax.severities);
  // The per-threat rules: one if/then per threat type, naming its incident types and their attack methods.
  const rules = doc.components.schemas.AbuseReport.allOf;
  assert.equal(rules.length, tax.threatTypes.length);
  for (const [i, t] of tax.threatTypes.entries()) {
    assert.equal(rules[i].if.properties.threatType.const, t.name);
    const api = t.incidentTypes.filter((x) => !x.portalOnly);
    assert.deepEqual(rules[i].then.properties.incidentType.enum, api.map((x) => x.name));
    for (const [k, inc] of api.entries()) {
      const am = rules[i].then.allOf[k].then.properties.attackMethod;
      assert.deepEqual(inc.attackMethods.length ? am.enum : am, inc.attackMethods.length ? inc.attackMethods.map((a) => a.name) : false,
        `attack methods of ${inc.name} under ${t.name}`);
    }
  }
});

test('responses_cover_200_400_404_405_413_415_429_with_schemas', T, async () => {
  const doc = await fetchDocument(srv.base);
  const post = doc.paths[ABUSE].post;
  for (const code of ['200', '400', '405', '413', '415', '429', '500', '503']) assert.ok(post.responses[code], `POST answers ${code}`);
  assert.ok(doc.paths[`${ABUSE}/{caseId}`].get.responses['404'], 'the status endpoint answers 404');
  assert.deepEqual(post.responses['200'].content['application/json'].schema.oneOf.map(schemaRef), ['ReportAccepted', 'TestAccepted']);
  assert.equal(schemaRef(post.responses['400'].content['application/problem+json'].schema), 'ValidationProblem');
  const vp = doc.components.schemas.ValidationProblem.properties;
  assert.equal(vp.errors.additionalProperties.items.type, 'string', 'errors: field path -> array of strings');
  assert.equal(vp.allowed.additionalProperties.type, 'array');
  assert.ok(doc.components.responses.TooManyRequests.headers['Retry-After']);
  assert.ok(post.responses['405'].headers.Allow);
});

test('documented_examples_conform_to_the_documented_schemas', T, async () => {
  const doc = await fetchDocument(srv.base);
  const ajv = compileSchemas(doc);
  const examples = documentedExamples(doc);
  assert.ok(examples.length >= 5);
  for (const ex of examples) {
    if (ex.status === 200) assertValid(ajv, 'AbuseReport', ex.request, `accepted request ${ex.id}`);
    assertValid(ajv, ex.status === 200 ? (ex.response.testSubmission ? 'TestAccepted' : 'ReportAccepted') : 'ValidationProblem',
      ex.response, `answer of ${ex.id}`);
  }
  // The schema's per-threat rule refuses the announcement's example 2 as the validator does.
  const wrong = examples.find((e) => e.id === 'phishing-website-under-ip-address');
  assert.equal(ajv.validate('AbuseReport', wrong.request), false);
  const taxonomy = doc.paths['/report/v2.0/taxonomy'].get.responses['200'].content['application/json'].example;
  assertValid(ajv, 'Taxonomy', taxonomy, 'the taxonomy example');
  const status = doc.paths[`${ABUSE}/{caseId}`].get.responses['200'].content['application/json'].example;
  assertValid(ajv, 'ReportStatus', status, 'the status example');
});

test('real_answers_of_the_server_conform_to_the_documented_schemas', T, async () => {
  const doc = await fetchDocument(srv.base);
  const ajv = compileSchemas(doc);
  const ex = documentedExamples(doc);
  for (const e of ex) {
    const res = await postJson(srv.base, e.request);
    const name = res.status === 400 ? 'ValidationProblem' : res.json.testSubmission ? 'TestAccepted' : 'ReportAccepted';
    assertValid(ajv, name, res.json, `the server's answer to ${e.id}`);
    if (name === 'ReportAccepted') {
      const st = await get(srv.base, res.json.statusUrl, { 'X-Tracking-Token': res.json.trackingToken });
      assert.equal(st.status, 200);
      assertValid(ajv, 'ReportStatus', st.json, 'the status of the stored example');
      const documented = doc.paths[`${ABUSE}/{caseId}`].get.responses['200'].content['application/json'].example;
      const strip = ({ caseId, receivedAt, updatedAt, ...rest }) => rest;
      assert.deepEqual(strip(st.json), strip(documented), 'the documented status example is what the server says');
    }
  }
  assertValid(ajv, 'Taxonomy', (await get(srv.base, '/report/v2.0/taxonomy')).json, 'GET /report/v2.0/taxonomy');
  const bad = await postJson(srv.base, {});
  assertValid(ajv, 'ValidationProblem', bad.json, 'an empty report\'s answer');
});

test('documented_error_answers_are_what_the_server_answers', T, async () => {
  const doc = await fetchDocument(srv.base);
  const post = doc.paths[ABUSE].post.responses;
  const example = (r) => r.content['application/problem+json'].example;
  const cases = [
    ['405', await get(srv.base, ABUSE)],
    ['413', await request(srv.base, { method: 'POST', path: ABUSE, headers: { 'Content-Type': 'application/json' }, body: '{"reportNotes":"' + 'x'.repeat(5000) + '"}' })],
    ['415', await request(srv.base, { method: 'POST', path: ABUSE, headers: { 'Content-Type': 'text/plain' }, body: 'hello' })],
  ];
  for (const [code, res] of cases) {
    assert.equal(res.status, Number(code));
    assert.equal(ordered(stable(res.json)), ordered(stable(example(post[code]))), `documented ${code}`);
  }
  assert.equal(cases[0][1].headers.allow, 'POST');
  const nf = await get(srv.base, `${ABUSE}/01234567-89ab-7cde-8f01-23456789abcd`, { 'X-Tracking-Token': 'nope' });
  assert.equal(ordered(stable(nf.json)), ordered(stable(example(doc.paths[`${ABUSE}/{caseId}`].get.responses['404']))));
});
