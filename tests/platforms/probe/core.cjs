// The probe shared by require.cjs and import.mjs: converts fixtures with the package it is given and
// prints two lines: the runtime ({node, arch, platform, how}) as JSON, then the results as JSON text.
// Plain CommonJS without newer syntax: it runs on every Node the package supports (18+) and under qemu.
'use strict';
const fs = require('fs');
const path = require('path');

const OPTIONS = { projectRoot: '/project', lineMode: 'default', exclude: [] };
const COMPAT = { projectRoot: '/project', lineMode: 'compat', exclude: [] };

function errorOf(run) {
  try {
    run();
    return { threw: false };
  } catch (error) {
    return {
      threw: true,
      isError: error instanceof Error,
      isTrap: error instanceof WebAssembly.RuntimeError,
      name: error.name,
      kind: error.kind,
    };
  }
}

/**
 * fp: the loaded package; how: 'require' or 'import'; argv: [fixturesDir, name...] (no names: every
 * fixture of coverage/index.json). Results hold, per fixture, the footprint data as JSON text from
 * text, bytes and object input and in compat mode; a buildBody text; and what bad input throws.
 */
function run(fp, how, argv) {
  const fixtures = path.resolve(argv[0]);
  const only = argv.slice(1);
  const index = JSON.parse(fs.readFileSync(path.join(fixtures, 'coverage', 'index.json'), 'utf8'));
  const results = { exports: Object.keys(fp).sort(), fixtures: {} };
  let classes;
  for (const entry of index) {
    const name = entry.coverage.replace(/\.json$/, '');
    if (only.length && only.indexOf(name) < 0) continue;
    const file = path.join(fixtures, 'coverage', entry.coverage);
    const text = fs.readFileSync(file, 'utf8');
    const sources = {};
    for (const url of Object.keys(entry.sources)) {
      sources[url] = fs.readFileSync(path.join(fixtures, entry.sources[url]), 'utf8');
    }
    const converter = new fp.Converter(OPTIONS);
    let fromText, fromBytes;
    try {
      fromText = converter.convertToJson(text, sources);
      fromBytes = converter.convertToJson(fs.readFileSync(file), sources); // a Buffer, on a warm converter
    } finally {
      converter.free();
    }
    const data = fp.convert(JSON.parse(text), sources, OPTIONS);
    if (name === 'classes') classes = data;
    results.fixtures[name] = {
      text: fromText,
      bytes: fromBytes,
      object: JSON.stringify(data),
      compat: JSON.stringify(fp.convert(text, sources, COMPAT)),
    };
  }
  if (only.length && Object.keys(results.fixtures).length !== only.length) {
    throw new Error(`unknown fixture among ${only.join(', ')}`);
  }
  if (classes) {
    const hit = (start, init) => ({
      footprints: classes, executionId: 'exec-1', testName: null, start: start, end: start + 1,
      isInitFootprints: init, isFinalFootprints: false,
    });
    results.body = fp.buildBody([hit(1795432752, true), hit(1795432760, false)], {
      agentId: '00000000-0000-4000-8000-000000000001', labId: 'lab-1', buildSessionId: 'bsid-1',
    });
  }
  results.errors = {
    'not JSON': errorOf(() => fp.convert('not json', {}, OPTIONS)),
    'wrong shape': errorOf(() => fp.convert({ result: 'x' }, {}, OPTIONS)),
    'not UTF-8': errorOf(() => fp.convert(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), {}, OPTIONS)),
    'bad option': errorOf(() => new fp.Converter({ lineMode: 'nope' })),
  };
  process.stdout.write(JSON.stringify({ node: process.version, arch: process.arch, platform: process.platform, how: how }) + '\n');
  process.stdout.write(JSON.stringify(results) + '\n');
}

module.exports = { run };
