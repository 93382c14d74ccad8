// Shared helpers for the Node tests: where things are, and the fixtures listed in
// tests/fixtures/coverage/index.json with their coverage text and sources.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(HERE, '..', '..');
export const FIXTURES = path.join(REPO, 'tests', 'fixtures');
export const COVERAGE = path.join(FIXTURES, 'coverage');
export const GOLDEN = path.join(FIXTURES, 'golden');
// The built package; V8_FOOTPRINTS_PKG points the tests at another build of it.
export const PKG = process.env.V8_FOOTPRINTS_PKG ? path.resolve(process.env.V8_FOOTPRINTS_PKG) : path.join(REPO, 'pkg');
export const PROJECT_ROOT = '/project';

/**
 * Every fixture of index.json:
 * {name, coverage, file, text, json, sources: {url: text}, scripts: [{url, rel, script, source}]}
 * `scripts` lists the coverage scripts that have a source file (project scripts), in V8 order.
 */
export function loadFixtures() {
  const index = JSON.parse(fs.readFileSync(path.join(COVERAGE, 'index.json'), 'utf8'));
  return index.map((entry) => {
    const file = path.join(COVERAGE, entry.coverage);
    const text = fs.readFileSync(file, 'utf8');
    const json = JSON.parse(text);
    const sources = {};
    for (const [url, rel] of Object.entries(entry.sources)) {
      sources[url] = fs.readFileSync(path.join(FIXTURES, rel), 'utf8');
    }
    const scripts = json.result
      .filter((s) => s.url in entry.sources)
      .map((s) => ({ url: s.url, rel: entry.sources[s.url], script: s, source: sources[s.url] }));
    return { name: entry.coverage.replace(/\.json$/, ''), coverage: entry.coverage, file, text, json, sources, scripts };
  });
}

/** True for scripts a converter with projectRoot /project must keep (no node:, no node_modules). */
export function isProjectScript(url) {
  return url.startsWith('file:///project/') && !url.includes('/node_modules/');
}
