/**
 * One-line diagnostics of the layer, prefixed `[v8-footprints]`, on stderr through console.error.
 * The same message is written once per process, so a hook that fails on every invocation does not flood the logs.
 */
const seen = new Set();

/** Writes `message` (one line) unless the same line was already written. */
export function logOnce(message) {
  const line = `[v8-footprints] ${String(message).replace(/\s*\n\s*/g, ' ')}`;
  if (seen.has(line)) return;
  seen.add(line);
  try {
    console.error(line);
  } catch {
    // Logging must never reach the function.
  }
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
