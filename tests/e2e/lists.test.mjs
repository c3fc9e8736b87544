// Indicator lists: bounded only by the body limit, duplicates merged.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { assertAccepted, assertProblem } from './lib/expect.mjs';
import { serverForFile } from './lib/fixture.mjs';
import { get, postJson } from './lib/http.mjs';
import { ipReport, urlReport } from './lib/reports.mjs';

const srv = serverForFile();

async function lookup(body) {
  const res = await get(srv.base, body.statusUrl, { 'X-Tracking-Token': body.trackingToken });
  assert.equal(res.status, 200, `status lookup of ${body.statusUrl}: ${res.status} ${res.text}`);
  return res.json;
}

test('report_with_20000_ip_address_list_items_is_stored', { timeout: 120_000 }, async () => {
  // 11.0.0.0/8 is global unicast; every item distinct.
  const list = Array.from({ length: 20_000 }, (_, i) => ({ sourceIp: `11.${i >> 8}.${i & 255}.1`, sourcePort: 1024 + (i % 1000) }));
  const body = assertAccepted(await postJson(srv.base, ipReport({ sourceIp: undefined, ipAddressList: list })));
  assert.equal(body.duplicatesMerged, 0);
  assert.equal(body.report.ipAddressList.length, 20_000);
  assert.deepEqual(body.report.ipAddressList[19_999], list[19_999]);
  const status = await lookup(body);
  assert.equal(status.indicatorCount, 20_000);
});

test('report_with_5000_url_list_items_is_stored', { timeout: 120_000 }, async () => {
  const list = Array.from({ length: 5_000 }, (_, i) => ({ sourceUrl: `https://site${i}.phish.example/login?id=${i}` }));
  const body = assertAccepted(await postJson(srv.base, urlReport({ sourceUrl: undefined, urlList: list })));
  assert.equal(body.duplicatesMerged, 0);
  assert.equal(body.report.urlList.length, 5_000);
  const status = await lookup(body);
  assert.equal(status.indicatorCount, 5_000);
});

test('duplicate_ip_indicators_are_kept_once_and_counted_as_merged', { timeout: 30_000 }, async () => {
  const body = assertAccepted(await postJson(srv.base, ipReport({
    sourceIp: undefined,
    ipAddressList: [{ sourceIp: '8.8.8.8' }, { sourceIp: '1.1.1.1' }, { sourceIp: '8.8.8.8' }, { sourceIp: '8.8.4.4' }, { sourceIp: '8.8.8.8' }],
  })));
  assert.equal(body.duplicatesMerged, 2);
  assert.deepEqual(body.report.ipAddressList, [{ sourceIp: '8.8.8.8' }, { sourceIp: '1.1.1.1' }, { sourceIp: '8.8.4.4' }]);
  assert.equal((await lookup(body)).indicatorCount, 3);
});

test('duplicate_url_indicators_are_kept_once_and_counted_as_merged', { timeout: 30_000 }, async () => {
  const body = assertAccepted(await postJson(srv.base, urlReport({
    sourceUrl: undefined,
    urlList: [{ sourceUrl: 'https://phish.example/a' }, { sourceUrl: 'https://phish.example/a' }, { sourceUrl: 'https://phish.example/b' }],
  })));
  assert.equal(body.duplicatesMerged, 1);
  assert.equal(body.report.urlList.length, 2);
  assert.equal((await lookup(body)).indicatorCount, 2);
});

test('duplicate_indicators_are_compared_after_normalization', { timeout: 30_000 }, async () => {
  const body = assertAccepted(await postJson(srv.base, ipReport({
    sourceIp: undefined,
    ipAddressList: [{ sourceIp: '2001:4860:4860::8888' }, { sourceIp: '2001:4860:4860:0:0:0:0:8888' }, { sourceIp: ' 2001:4860:4860::8888 ' }, { sourceIp: '1.1.1.1' }],
  })));
  assert.equal(body.duplicatesMerged, 2);
  assert.deepEqual(body.report.ipAddressList, [{ sourceIp: '2001:4860:4860::8888' }, { sourceIp: '1.1.1.1' }]);
});

test('report_with_5000_invalid_list_items_yields_one_bounded_400', { timeout: 60_000 }, async () => {
  const list = Array.from({ length: 5_000 }, (_, i) => ({ sourceIp: `10.0.${i >> 8}.${i & 255}` }));
  const res = await postJson(srv.base, ipReport({ ipAddressList: list, testSubmission: true }));
  const body = assertProblem(res, 400, { keysInclude: ['ipAddressList[0].sourceIp'] });
  assert.ok(Object.keys(body.errors).every((k) => /^ipAddressList\[\d+\]\.sourceIp$/.test(k)), 'only the list items are wrong');
  assert.ok(!/[\r\n]/.test(body.message));
  // The server still answers afterwards.
  assertAccepted(await postJson(srv.base, ipReport()));
});
