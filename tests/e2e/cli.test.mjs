// The command line: --help documents every setting, check-config accepts a
// good configuration and names what is wrong in a bad one, and the sources
// stack as defaults < config file < environment < flags.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, after } from 'node:test';

import { BIN, makeTempDir, removeTempDir } from './lib/server.mjs';

const dir = makeTempDir();
after(() => removeTempDir(dir));

/** Run the binary with args and extra environment; ABUSEDESK_* from outside is dropped. */
function run(args, env = {}) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ABUSEDESK_')));
  const r = spawnSync(BIN, args, { env: { ...clean, ...env }, encoding: 'utf8', timeout: 10_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('help_documents_every_setting_with_its_environment_variable_and_flag', () => {
  const r = run(['--help']);
  assert.equal(r.code, 0);
  for (const key of ['listen', 'database', 'max_body_bytes', 'scope_prefixes', 'taxonomy_file', 'access_log']) {
    assert.match(r.out, new RegExp(`\\b${key}\\b`), `--help should list ${key}`);
    assert.match(r.out, new RegExp(`ABUSEDESK_${key.toUpperCase()}\\b`));
    assert.match(r.out, new RegExp(`--${key.replaceAll('_', '-')}\\b`));
  }
  assert.match(r.out, /check-config/);
});

test('check_config_prints_the_effective_configuration_and_exits_0', () => {
  const r = run(['check-config']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^listen = "127\.0\.0\.1:8080"$/m);
  assert.match(r.out, /^database = "\.\/var\/abusedesk\.db"$/m);
  assert.match(r.out, /configuration is valid/);
});

test('file_then_environment_then_flags_each_win_over_the_one_before', () => {
  const conf = join(dir, 'a.conf');
  writeFileSync(conf, '# test\nlisten = 127.0.0.1:9001\ndatabase = /tmp/from-file.db\nthreads = 3\n');
  let r = run(['check-config', '--config', conf]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^listen = "127\.0\.0\.1:9001"$/m);
  assert.match(r.out, /^threads = 3$/m);
  r = run(['check-config', '--config', conf], { ABUSEDESK_LISTEN: '127.0.0.1:9002' });
  assert.match(r.out, /^listen = "127\.0\.0\.1:9002"$/m);
  assert.match(r.out, /^database = "\/tmp\/from-file\.db"$/m);
  r = run(['check-config', '--config', conf, '--listen', '127.0.0.1:9003', '--threads=4'],
    { ABUSEDESK_LISTEN: '127.0.0.1:9002' });
  assert.match(r.out, /^listen = "127\.0\.0\.1:9003"$/m);
  assert.match(r.out, /^threads = 4$/m);
  r = run(['check-config'], { ABUSEDESK_CONFIG: conf, ABUSEDESK_DATABASE: '/tmp/from-env.db' });
  assert.match(r.out, /^listen = "127\.0\.0\.1:9001"$/m);
  assert.match(r.out, /^database = "\/tmp\/from-env\.db"$/m);
});

test('check_config_names_the_file_line_and_setting_that_is_wrong', () => {
  const conf = join(dir, 'bad.conf');
  writeFileSync(conf, 'listen = 127.0.0.1:9001\n\nlisen = 127.0.0.1:9002\n');
  let r = run(['check-config', '--config', conf]);
  assert.equal(r.code, 2);
  assert.match(r.err, /bad\.conf:3: unknown setting 'lisen'/);
  r = run(['check-config', '--listen', 'nowhere']);
  assert.equal(r.code, 2);
  assert.match(r.err, /listen address 'nowhere'/);
  r = run(['check-config'], { ABUSEDESK_MAX_BODY_BYTES: 'lots' });
  assert.equal(r.code, 2);
  assert.match(r.err, /ABUSEDESK_MAX_BODY_BYTES: max_body_bytes: 'lots' is not a size/);
  r = run(['check-config', '--scope-prefixes', '10.0.0.1/8']);
  assert.equal(r.code, 2);
  assert.match(r.err, /scope_prefixes: '10\.0\.0\.1\/8'/);
  r = run(['check-config', '--taxonomy-file', join(dir, 'missing.json')]);
  assert.equal(r.code, 2);
  assert.match(r.err, /taxonomy_file .*missing\.json/);
  r = run(['serve', '--no-such-flag', 'x']);
  assert.equal(r.code, 2);
  assert.match(r.err, /unknown setting 'no-such-flag'/);
});

test('a_bad_taxonomy_file_is_refused_with_the_place_of_the_mistake', () => {
  const tax = join(dir, 'tax.json');
  writeFileSync(tax, '{"version":1,"threatTypes":[{"name":"IP Address","indicator":"carrier-pigeon","description":"x","incidentTypes":[]}],"severities":["High"]}');
  const r = run(['check-config', '--taxonomy-file', tax]);
  assert.equal(r.code, 2);
  assert.match(r.err, /threatTypes\[0\]/);
});
