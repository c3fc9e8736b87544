// Valid reports to start from.  Tests change one thing and check the answer.
//
// Reported addresses are public ones (8.8.8.8, 1.1.1.1): documentation ranges
// (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32) are refused
// as reported addresses.  Reserved domains such as .example are fine in URLs.
// A property given as undefined in the overrides is left out of the JSON.

import { randomBytes } from 'node:crypto';

export const PAST_DATE = '2024-01-15';

/** An IP Address report (Brute Force / Password Spray from 8.8.8.8). */
export function ipReport(overrides = {}) {
  return {
    reporterName: 'Ada Reporter',
    reporterEmail: 'ada.reporter@example.com',
    threatType: 'IP Address',
    incidentType: 'Brute Force',
    attackMethod: 'Password Spray',
    date: PAST_DATE,
    time: '10:30:00',
    timeZone: 'UTC',
    sourceIp: '8.8.8.8',
    reportNotes: 'Repeated SSH logins against our bastion host.',
    ...overrides,
  };
}

/** A URL report (Phishing at https://phish.example/login). */
export function urlReport(overrides = {}) {
  return {
    reporterName: 'Ada Reporter',
    reporterEmail: 'ada.reporter@example.com',
    threatType: 'URL',
    incidentType: 'Phishing',
    date: PAST_DATE,
    sourceUrl: 'https://phish.example/login',
    reportNotes: 'A credential phishing page imitating our sign-in.',
    ...overrides,
  };
}

/** The same report marked as a test submission. */
export function asTest(report) {
  return { ...report, testSubmission: true };
}

/** A copy without the named properties. */
export function without(obj, ...keys) {
  const o = { ...obj };
  for (const k of keys) delete o[k];
  return o;
}

/** A string nobody else uses, to find (or not find) in logs. */
export function unique(prefix = 'x') {
  return `${prefix}${randomBytes(6).toString('hex')}`;
}

/** An email address unique to this run. */
export function uniqueEmail() {
  return `${unique('canary.')}@example.org`;
}

/** RFC 3339 date, time and zone (UTC) of an instant, for future-time tests. */
export function utcParts(ms) {
  const iso = new Date(ms).toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 19), timeZone: 'UTC' };
}
