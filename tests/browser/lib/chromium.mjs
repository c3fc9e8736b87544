// Launching Debian's Chromium through playwright-core for the browser tests.
// The machine has no internet: without these flags Chromium stalls on
// refused connections (background networking, component updates, sync).
// Never `npx playwright install`: the browser is Debian's /usr/bin/chromium.

import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
/** Screenshots and other artifacts go under build/ (never committed). */
export const ARTIFACTS = join(REPO_ROOT, 'build', 'test-artifacts');

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/**
 * Launch Chromium with a fresh profile; returns { browser, close }.
 * `javaScriptEnabled` and other context options are per context (browser.newContext).
 */
export async function launchChromium() {
  const profile = mkdtempSync(join(tmpdir(), 'abusedesk-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 30_000,
  });
  return {
    context,
    async close() {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * A fresh browser whose contexts may differ (JavaScript on or off).
 * Playwright gives chromium.launch() a new empty profile directory of its
 * own (it refuses --user-data-dir in args), removed when the browser closes.
 */
export async function launchBrowser() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 30_000,
  });
  return {
    browser,
    async close() {
      await browser.close().catch(() => {});
    },
  };
}

export function artifactPath(name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, name);
}
