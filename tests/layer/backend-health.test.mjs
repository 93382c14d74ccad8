/**
 * The agent's log of the backend's state (wrapper/lib/agent/backend-health.mjs), with a clock the test moves:
 * one line per change of state, the counts in between in a summary at most once a minute. The end-to-end view
 * (3,000 invocations with the backend down) is tests/e2e/logs.test.mjs.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SUMMARY_INTERVAL_MS, createHealth } from '../../wrapper/lib/agent/backend-health.mjs';

function tracker() {
  const lines = [];
  let clock = 1000000;
  const health = createHealth({ log: (level, message) => lines.push(`${level} ${message}`), pendingHits: 3, now: () => clock });
  return { health, lines, advance: (ms) => (clock += ms) };
}

test('an outage: one line when it starts, the counts at most once a minute, one line when it ends', () => {
  const { health, lines, advance } = tracker();
  health.answered('footprints'); // reachable: nothing to say
  for (let i = 0; i < 100; i++) {
    health.failed('footprints', i === 0 ? 'ECONNREFUSED' : 'timed out after 1500 ms');
    health.dropped(i);
    advance(1000);
  }
  health.answered('footprints');
  health.answered('footprints');
  assert.deepEqual(lines, [
    'warn the backend cannot be reached for footprints (ECONNREFUSED): hits are kept for later sends, up to SL_PENDING_HITS=3; the log says when it answers again',
    'warn hits are being dropped: more than SL_PENDING_HITS=3 waited to be sent (1 so far; later drops are counted in a summary)',
    // 60 s after the tracker started: the failures and drops since (the first of each said so already).
    'warn in the last 60 s: 60 requests to the backend failed, 58 hits dropped (59 since the start)',
    'warn the backend answers again for footprints, after 100 failed requests in 100 s; 99 hits were dropped meanwhile (SL_PENDING_HITS=3)',
  ]);
  assert.equal(SUMMARY_INTERVAL_MS, 60000);
  assert.equal(health.droppedTotal, 99);
});

test('endpoints are tracked apart; refusals once per status; drops start again after a send went through', () => {
  const { health, lines, advance } = tracker();
  health.failed('the test execution check', 'HTTP 503');
  health.answered('footprints');
  assert.equal(health.reachable('the test execution check'), false);
  assert.equal(health.reachable('footprints'), true);
  health.refused(400, 2);
  health.refused(400, 5);
  health.refused(403, 1);
  health.dropped(4);
  health.caughtUp();
  health.dropped(6);
  advance(61000);
  health.refused(400, 1); // the summary is written by the next event past the minute
  health.answered('the test execution check');
  assert.deepEqual(lines, [
    'warn the backend cannot be reached for the test execution check (HTTP 503): hits are kept for later sends, up to SL_PENDING_HITS=3; the log says when it answers again',
    'warn the backend refused footprints (HTTP 400): 2 hits dropped, not resent; later refusals are counted in a summary',
    'warn the backend refused footprints (HTTP 403): 1 hits dropped, not resent; later refusals are counted in a summary',
    'warn hits are being dropped: more than SL_PENDING_HITS=3 waited to be sent (4 so far; later drops are counted in a summary)',
    'warn hits are being dropped: more than SL_PENDING_HITS=3 waited to be sent (6 so far; later drops are counted in a summary)',
    'warn in the last 61 s: 0 requests to the backend failed, 0 hits dropped (6 since the start), 6 hits refused by the backend',
    'warn the backend answers again for the test execution check, after 1 failed requests in 61 s; 6 hits were dropped meanwhile (SL_PENDING_HITS=3)',
  ]);
});
