/**
 * One-line diagnostics of the layer, prefixed `[v8-footprints]`, through the console the runtime client set up
 * (its line format and log levels), stamped without ICU's time-zone names (./utc-stamp.mjs).
 * The same message is written once per process, so a hook that fails on every invocation does not flood the logs.
 */
import { withUtcStamp } from './utc-stamp.mjs';

const seen = new Set();

/** The line written for `message`: prefixed, and on one line. */
const lineOf = (message) => `[v8-footprints] ${String(message).replace(/\s*\n\s*/g, ' ')}`;

/** Writes `line` through the runtime's console method `method`, stamped by ./utc-stamp.mjs; never throws. */
function write(method, line) {
  try {
    withUtcStamp(() => console[method](line));
  } catch {
    // Logging must never reach the function.
  }
}

/** Writes `message` (one line) unless the same line was already written. */
export function logOnce(message) {
  const line = lineOf(message);
  if (seen.has(line)) return;
  seen.add(line);
  write('error', line);
}

/** The first line of an error or thrown value, for a log line. */
export function describe(value) {
  if (value instanceof Error) return `${value.name}: ${value.message}`.split('\n')[0];
  try {
    return String(value).split('\n')[0];
  } catch {
    return typeof value;
  }
}

const LEVELS = { error: 0, warn: 1, info: 2, debug: 3 };
let threshold = LEVELS.warn;

/** Sets the level below which `log` stays quiet (`SL_LOG_LEVEL`: error, warn, info, debug). */
export function setLogLevel(level) {
  threshold = LEVELS[level] ?? LEVELS.warn;
}

/**
 * Writes `message` at `level` when the level is on, through the console method of that level (which the
 * Lambda runtime tags ERROR, WARN, INFO, DEBUG); warnings and errors once per process.
 */
export function log(level, message) {
  if ((LEVELS[level] ?? LEVELS.error) > threshold) return;
  if (level === 'error') {
    logOnce(message);
    return;
  }
  const line = lineOf(message);
  if (level === 'warn') {
    if (seen.has(line)) return;
    seen.add(line);
  }
  write(level === 'warn' || level === 'info' ? level : 'debug', line);
}

/** The one line of each cold start that says which mode the agent runs in: written unless SL_LOG_LEVEL=error. */
export function logMode(message) {
  if (threshold < LEVELS.warn) return;
  write('info', lineOf(message));
}
