// The browser side of tests/browser/browser.test.mjs: loads the package's web entry the way a page
// does (`import init, {...} from '.../web.js'; await init()`), then exposes window.footprintsTest
// for the test to drive: fixtures are fetched over HTTP, converted here, and returned as JSON text.
import init, { Converter, convert, buildBody } from '/pkg/web.js';

const status = document.getElementById('status');
const OPTIONS = { projectRoot: '/project', lineMode: 'default', exclude: [] };

async function fetchBytes(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

// Like Node's readFileSync(file, 'utf8'): a leading BOM is kept (response.text() would drop it).
const decode = (bytes) => new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);

/**
 * entries: [{name, coverage: url, sources: {scriptUrl: fileUrl}}]. Each fixture is converted from
 * JSON text (sources as strings), from bytes (sources as UTF-8 bytes, through one kept Converter)
 * and from the parsed object (sources as a Map); every result comes back as JSON text.
 */
async function runFixtures(entries) {
  const out = [];
  const tbody = document.querySelector('#results tbody');
  for (const entry of entries) {
    const coverageBytes = await fetchBytes(entry.coverage);
    const text = decode(coverageBytes);
    const sourceBytes = {};
    const sourceText = {};
    for (const [url, file] of Object.entries(entry.sources)) {
      sourceBytes[url] = await fetchBytes(file);
      sourceText[url] = decode(sourceBytes[url]);
    }
    const t0 = performance.now();
    const fromText = convert(text, sourceText, OPTIONS);
    const ms = performance.now() - t0;
    const converter = new Converter(OPTIONS);
    let fromBytes, fromBytesAgain;
    try {
      fromBytes = converter.convertToJson(coverageBytes, sourceBytes);
      fromBytesAgain = converter.convertToJson(coverageBytes.slice().buffer, sourceBytes); // warm converter, ArrayBuffer
    } finally {
      converter.free();
    }
    const fromObject = convert(JSON.parse(text), new Map(Object.entries(sourceText)), OPTIONS);
    out.push({
      name: entry.name,
      text: JSON.stringify(fromText),
      bytes: fromBytes,
      bytesAgain: fromBytesAgain,
      object: JSON.stringify(fromObject),
      ms,
    });
    const lines = fromText.files.flatMap((f) => f.lines).filter((c) => c !== null);
    const row = document.createElement('tr');
    for (const cell of [
      entry.name,
      fromText.files.length,
      `${fromText.hitMethods.length} / ${fromText.methods.length}`,
      `${lines.filter((c) => c > 0).length} / ${lines.length}`,
      ms.toFixed(1),
    ]) {
      const td = document.createElement('td');
      td.textContent = String(cell);
      row.append(td);
    }
    tbody.append(row);
  }
  document.getElementById('results').hidden = false;
  status.textContent = `converted ${entries.length} fixtures in the browser`;
  return out;
}

/** What bad input gives in a page: for each case, the thrown error (or the result's errors) as plain data. */
async function badInput(classes) {
  const source = decode(await fetchBytes(classes.source));
  const coverage = decode(await fetchBytes(classes.coverage));
  const described = (error) => ({
    threw: true,
    isError: error instanceof Error,
    isTrap: error instanceof WebAssembly.RuntimeError,
    name: error && error.name,
    kind: error && error.kind,
    message: String(error && error.message),
    line: error && error.line,
    column: error && error.column,
    option: error && error.option,
  });
  const cases = {
    'not JSON': () => convert('not json', {}, OPTIONS),
    'truncated JSON': () => convert('{"result": [', {}, OPTIONS),
    'wrong shape': () => convert({ result: 'x' }, {}, OPTIONS),
    'not UTF-8': () => convert(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), {}, OPTIONS),
    'bad option': () => new Converter({ lineMode: 'nope' }),
    'source shorter than the coverage': () => convert(coverage, { [classes.url]: source.slice(0, 100) }, OPTIONS),
    // the browser has no default file reader: no sources means every script is reported missing
    'no sources': () => convert(coverage, undefined, OPTIONS),
  };
  const out = {};
  for (const [label, run] of Object.entries(cases)) {
    try {
      const result = run();
      out[label] = { threw: false, errors: result && result.errors, files: result && result.files && result.files.length };
    } catch (error) {
      out[label] = described(error);
    }
  }
  return out;
}

try {
  await init();
  window.footprintsTest = { runFixtures, badInput, buildBody };
  status.textContent = 'ready';
} catch (error) {
  window.footprintsInitError = String((error && error.stack) || error);
  status.textContent = `init failed: ${error}`;
  status.className = 'error';
}
