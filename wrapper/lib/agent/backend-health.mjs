/**
 * What the log says about the backend and the hits waiting for it: one line per change of state, never one
 * per invocation while nothing changes (a backend down for 3,000 invocations gives a handful of lines).
 *
 * - Each endpoint (the execution check, footprints, the cold-start calls) is reachable or not: a request that
 *   fails (network error, timeout, an answer over the size limit, 5xx) makes it unreachable, any other answer
 *   reachable again; each change is one line, the return saying how long it lasted and what was dropped.
 * - Hits dropped because more than SL_PENDING_HITS waited: one line when it starts.
 * - Footprints the backend refused (a final 4xx): one line per status.
 * Between changes, the counts (failed requests, dropped and refused hits) go in a summary line at most once per
 * SUMMARY_INTERVAL_MS, written when something happens (no timer: nothing keeps the process alive).
 */

/** The shortest time between two summary lines. */
export const SUMMARY_INTERVAL_MS = 60000;

/** A tracker writing through `log(level, message)`; `pendingHits` is SL_PENDING_HITS, named in its lines. */
export function createHealth({ log, pendingHits, now = Date.now }) {
  const endpoints = new Map(); // name -> {since, failures} while unreachable
  let dropping = false;
  let droppedTotal = 0;
  const refusedStatuses = new Set();
  let counts = { failed: 0, dropped: 0, refused: 0 };
  let lastSummary = now();

  function summarize() {
    if (counts.failed + counts.dropped + counts.refused === 0 || now() - lastSummary < SUMMARY_INTERVAL_MS) return;
    const seconds = Math.round((now() - lastSummary) / 1000);
    const parts = [`${counts.failed} requests to the backend failed`, `${counts.dropped} hits dropped (${droppedTotal} since the start)`];
    if (counts.refused > 0) parts.push(`${counts.refused} hits refused by the backend`);
    log('warn', `in the last ${seconds} s: ${parts.join(', ')}`);
    counts = { failed: 0, dropped: 0, refused: 0 };
    lastSummary = now();
  }

  return {
    /** A request to `endpoint` failed with `error` (a short reason). */
    failed(endpoint, error) {
      const down = endpoints.get(endpoint);
      if (down) {
        down.failures++;
        counts.failed++;
        summarize();
        return;
      }
      endpoints.set(endpoint, { since: now(), failures: 1, droppedBefore: droppedTotal });
      log('warn', `the backend cannot be reached for ${endpoint} (${error}): hits are kept for later sends, up to SL_PENDING_HITS=${pendingHits}; the log says when it answers again`);
    },
    /** `endpoint` answered (whatever the answer's meaning). */
    answered(endpoint) {
      const down = endpoints.get(endpoint);
      if (!down) return;
      endpoints.delete(endpoint);
      const seconds = Math.round((now() - down.since) / 1000);
      const dropped = droppedTotal - down.droppedBefore;
      log('warn', `the backend answers again for ${endpoint}, after ${down.failures} failed requests in ${seconds} s${dropped > 0 ? `; ${dropped} hits were dropped meanwhile (SL_PENDING_HITS=${pendingHits})` : ''}`);
    },
    /** True unless `endpoint`'s last request failed. */
    reachable(endpoint) {
      return !endpoints.has(endpoint);
    },
    /** The converter has dropped `total` hits since the start. */
    dropped(total) {
      if (total <= droppedTotal) return;
      const added = total - droppedTotal;
      droppedTotal = total;
      if (!dropping) {
        dropping = true;
        log('warn', `hits are being dropped: more than SL_PENDING_HITS=${pendingHits} waited to be sent (${total} so far; later drops are counted in a summary)`);
        return;
      }
      counts.dropped += added;
      summarize();
    },
    /** The pending hits fit again (a send went through): a later drop is a new change of state. */
    caughtUp() {
      dropping = false;
    },
    /** The backend refused `hits` hits with `status` (final: they are dropped). */
    refused(status, hits) {
      if (!refusedStatuses.has(status)) {
        refusedStatuses.add(status);
        log('warn', `the backend refused footprints (HTTP ${status}): ${hits} hits dropped, not resent; later refusals are counted in a summary`);
        return;
      }
      counts.refused += hits;
      summarize();
    },
    /** Hits dropped since the start. */
    get droppedTotal() {
      return droppedTotal;
    },
  };
}
