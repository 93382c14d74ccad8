// The layer's log lines are stamped without ICU's time-zone names (wrapper/lib/utc-stamp.mjs): the same text as
// V8's `toISOString`, V8's own back after each line, and the 0.8 MB that V8's first stamp loads not loaded.
//
//   node --test tests/layer/utc-stamp.test.mjs
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { log, logMode, logOnce, setLogLevel } from '../../wrapper/lib/log.mjs';
import { utcIsoString, withUtcStamp } from '../../wrapper/lib/utc-stamp.mjs';

const native = Date.prototype.toISOString;
/** The name and message of what `run` throws. */
function thrownBy(run) {
  try {
    run();
  } catch (error) {
    return { name: error.name, message: error.message };
  }
  throw new Error('nothing was thrown');
}
const LOG_MODULE = new URL('../../wrapper/lib/log.mjs', import.meta.url).href;

test("the text is V8's toISOString's for dates from 1970 to 9999", () => {
  const times = [
    0,
    1,
    999,
    Date.UTC(2000, 1, 29, 23, 59, 59, 999),
    Date.UTC(2024, 1, 29, 12, 0, 0, 5),
    Date.UTC(2100, 2, 1),
    Date.UTC(1999, 11, 31, 23, 59, 59, 999),
    Date.UTC(9999, 11, 31, 23, 59, 59, 999),
    Date.now(),
  ];
  // A deterministic spread over the whole range (a linear congruential sequence).
  let seed = 12345;
  for (let i = 0; i < 20000; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    times.push(Math.floor((seed / 2147483648) * Date.UTC(10000, 0, 1)));
  }
  for (const time of times) assert.equal(utcIsoString.call(new Date(time)), native.call(new Date(time)), String(time));
  assert.equal(utcIsoString.call(new Date(Date.UTC(2026, 10, 30, 16, 31, 54, 182))), '2026-11-30T16:31:54.182Z');
});

test("any other value gets V8's own text or error", () => {
  for (const time of [-1, Date.UTC(1969, 11, 31), -62198755200000, Date.UTC(10000, 0, 1), 8.64e15]) {
    assert.equal(utcIsoString.call(new Date(time)), native.call(new Date(time)), String(time));
  }
  assert.equal(utcIsoString.call(new Date(Date.UTC(10000, 0, 1))), '+010000-01-01T00:00:00.000Z');
  assert.throws(() => utcIsoString.call(new Date(NaN)), thrownBy(() => native.call(new Date(NaN))));
  assert.throws(() => utcIsoString.call({}), thrownBy(() => native.call({})));
  assert.deepEqual(thrownBy(() => native.call(new Date(NaN))), { name: 'RangeError', message: 'Invalid time value' });
});

test("each write sees the stamp, and V8's own is back after it, as it was, even when the write throws", () => {
  const before = Object.getOwnPropertyDescriptor(Date.prototype, 'toISOString');
  let seen;
  const result = withUtcStamp(() => {
    seen = [Date.prototype.toISOString, new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)).toISOString()];
    return 'written';
  });
  assert.equal(result, 'written');
  assert.deepEqual(seen, [utcIsoString, '2026-01-02T03:04:05.006Z']);
  assert.deepEqual(Object.getOwnPropertyDescriptor(Date.prototype, 'toISOString'), before);
  assert.throws(
    () =>
      withUtcStamp(() => {
        throw new Error('console failed');
      }),
    { message: 'console failed' },
  );
  assert.equal(Date.prototype.toISOString, native);
  assert.equal(Object.keys(Date.prototype).includes('toISOString'), false);
});

test("a toISOString that is not V8's own is left to run, and a frozen Date.prototype is written through", () => {
  const theirs = function () {
    return 'their stamp';
  };
  Date.prototype.toISOString = theirs;
  try {
    assert.equal(
      withUtcStamp(() => new Date(0).toISOString()),
      'their stamp',
    );
    assert.equal(Date.prototype.toISOString, theirs);
  } finally {
    Date.prototype.toISOString = native;
  }
  // Frozen in a process of its own: the line is written once, with V8's stamp.
  const out = execFileSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `Object.freeze(Date.prototype);
       const { withUtcStamp } = await import(${JSON.stringify(new URL('../../wrapper/lib/utc-stamp.mjs', import.meta.url).href)});
       let writes = 0;
       const stamp = withUtcStamp(() => { writes++; return new Date(0).toISOString(); });
       console.log(writes, stamp);`,
    ],
    { encoding: 'utf8' },
  );
  assert.equal(out, '1 1970-01-01T00:00:00.000Z\n');
});

test("every line of the layer goes to the runtime's console with the stamp, and none of the function's", () => {
  const methods = ['error', 'warn', 'info', 'debug'];
  const saved = methods.map((m) => console[m]);
  const calls = [];
  for (const m of methods) console[m] = (line) => calls.push([m, line, Date.prototype.toISOString === utcIsoString]);
  try {
    setLogLevel('debug');
    logOnce('stamp check: once');
    log('error', 'stamp check: error');
    log('warn', 'stamp check: warn');
    log('info', 'stamp check: info');
    log('debug', 'stamp check: debug');
    logMode('stamp check: mode');
    console.info('the function logs');
  } finally {
    methods.forEach((m, i) => (console[m] = saved[i]));
    setLogLevel('warn');
  }
  assert.deepEqual(calls, [
    ['error', '[v8-footprints] stamp check: once', true],
    ['error', '[v8-footprints] stamp check: error', true],
    ['warn', '[v8-footprints] stamp check: warn', true],
    ['info', '[v8-footprints] stamp check: info', true],
    ['debug', '[v8-footprints] stamp check: debug', true],
    ['info', '[v8-footprints] stamp check: mode', true],
    ['info', 'the function logs', false],
  ]);
});

/**
 * RSS (KB) that one line of the layer adds in a fresh process whose console stamps lines as the runtime
 * clients do (`new Date().toISOString()`), after two forced collections on each side; `how` is 'layer' (the
 * layer's logMode), 'plain' (the same console call without the layer's stamp) or 'bare' (a console that
 * stamps with `Date.now()` instead, formatting no date at all).
 */
function rssOfOneLine(how) {
  const script = `
    const fs = await import('node:fs');
    const rss = () => Number(/VmRSS:\\s+(\\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]);
    const { logMode } = await import(${JSON.stringify(LOG_MODULE)});
    const lines = [];
    const stamp = ${JSON.stringify(how)} === 'bare' ? () => String(Date.now()) : () => new Date().toISOString();
    console.info = (message) => lines.push(stamp() + '\\tINFO\\t' + message);
    gc(); gc();
    const before = rss();
    if (${JSON.stringify(how)} === 'layer') logMode('exact coverage');
    else console.info('[v8-footprints] exact coverage');
    gc(); gc();
    process.stdout.write(JSON.stringify({ kb: rss() - before, lines }));`;
  return JSON.parse(execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8' }));
}

test("the layer's line leaves ICU's time-zone names unloaded (the same line stamped by V8 loads them)", (t) => {
  const bare = rssOfOneLine('bare');
  const plain = rssOfOneLine('plain');
  const layer = rssOfOneLine('layer');
  t.diagnostic(`RSS added by one line: ${bare.kb} KB stamped with Date.now(), ${plain.kb} KB by V8's toISOString, ${layer.kb} KB by the layer`);
  assert.match(layer.lines[0], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\tINFO\t\[v8-footprints\] exact coverage$/);
  // V8's stamp loads 740-910 KB more than a bare one on Node 20, 22 and 24, and 8 KB on Node 18, whose V8
  // formats it without the names: there is nothing to save there.
  if (plain.kb - bare.kb < 400) {
    t.skip(`V8's toISOString loads ${plain.kb - bare.kb} KB here: nothing to save`);
    return;
  }
  // Without the swap the layer's line reads within 40 KB of V8's (five runs each on Node 20 and 24).
  assert.ok(plain.kb - layer.kb >= 400, `the layer's line added ${layer.kb} KB, the same line stamped by V8 ${plain.kb} KB`);
});
