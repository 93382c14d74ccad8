// Node's default reader of sources and source maps: the file, read from disk as bytes (checked
// for UTF-8 in Rust). Used when a caller passes no `sources` or `sourceMaps`.
function readSourceFromDisk(url) {
  const { readFileSync } = require('node:fs');
  const { fileURLToPath } = require('node:url');
  try {
    return readFileSync(url.startsWith('file:') ? fileURLToPath(url) : url);
  } catch {
    return undefined;
  }
}
