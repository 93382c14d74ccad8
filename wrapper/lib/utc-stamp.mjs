/**
 * The timestamp of the layer's own log lines, without ICU's time-zone names. Both runtime clients stamp each
 * console line with `new Date().toISOString()`, and V8 on Node 20 to 24 looks up the local zone's offset and
 * name before it formats that UTC text: its first call loads ICU's time-zone names, 0.7-1.0 MB of RSS for the
 * life of the process (docs/layer.md, "What it costs"; Node 18's V8 formats it without them). A function that logs pays that itself; one that never
 * does would pay it for the layer's line at init alone. While the layer writes a line, `toISOString` gives the
 * same text from V8's UTC fields, which need no zone, and V8's own is back before the write returns. Owned
 * here: `utcIsoString` (that text) and `withUtcStamp` (the swap around one write).
 */
const proto = Date.prototype;
// V8's own, taken before the function's code loads (the wrapper imports the log before the handler).
const nativeToISOString = proto.toISOString;
const timeOf = proto.getTime;
const utc = {
  year: proto.getUTCFullYear,
  month: proto.getUTCMonth,
  day: proto.getUTCDate,
  hours: proto.getUTCHours,
  minutes: proto.getUTCMinutes,
  seconds: proto.getUTCSeconds,
  ms: proto.getUTCMilliseconds,
};
/** The first time value whose year has five digits (`+010000-...`): from there on, V8 formats it. */
const FIVE_DIGIT_YEARS_FROM = Date.UTC(10000, 0, 1);

const pad = (value, width) => String(value).padStart(width, '0');

/**
 * `Date.prototype.toISOString`'s text for dates from 1970 to 9999, from the UTC fields; any other value (an
 * invalid date, an earlier or later one, a receiver that is not a date) goes to V8's own, which gives the same
 * text or error for it.
 * @this {Date}
 */
export function utcIsoString() {
  let time;
  try {
    time = timeOf.call(this);
  } catch {
    return nativeToISOString.call(this);
  }
  if (!(time >= 0 && time < FIVE_DIGIT_YEARS_FROM)) return nativeToISOString.call(this);
  const field = (getter) => getter.call(this);
  return (
    `${pad(field(utc.year), 4)}-${pad(field(utc.month) + 1, 2)}-${pad(field(utc.day), 2)}` +
    `T${pad(field(utc.hours), 2)}:${pad(field(utc.minutes), 2)}:${pad(field(utc.seconds), 2)}.${pad(field(utc.ms), 3)}Z`
  );
}

/**
 * Runs `write` (one synchronous console call) with `Date.prototype.toISOString` giving `utcIsoString`'s text,
 * and puts V8's own back after, whatever `write` does. A `toISOString` that is not V8's own (the function's,
 * a test library's) is left as it is, and so is a `Date.prototype` that cannot be changed (frozen).
 */
export function withUtcStamp(write) {
  if (proto.toISOString !== nativeToISOString) return write();
  try {
    proto.toISOString = utcIsoString;
  } catch {
    return write(); // frozen: assigning throws in a module
  }
  try {
    return write();
  } finally {
    proto.toISOString = nativeToISOString;
  }
}
