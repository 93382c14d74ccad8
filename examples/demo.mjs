// Demo: converts the example coverage kept in the repo (real V8 output of the fixtures under
// tests/fixtures) with the built package and prints a readable summary per file.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Converter } from '../pkg/index.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'tests', 'fixtures');
const index = JSON.parse(readFileSync(join(root, 'coverage', 'index.json'), 'utf8'));
const converter = new Converter({ projectRoot: '/project' });

const rows = [];
let totalMs = 0;
for (const { coverage, sources } of index) {
  const json = readFileSync(join(root, 'coverage', coverage));
  const started = process.hrtime.bigint();
  const data = converter.convert(json, (url) => sources[url] && readFileSync(join(root, sources[url])));
  totalMs += Number(process.hrtime.bigint() - started) / 1e6;
  for (const [f, file] of data.files.entries()) {
    const methods = data.methods.filter((m) => m.file === f);
    const lines = file.lines.filter((c) => c !== null);
    rows.push([
      `${file.path} (${coverage})`,
      `${methods.filter((m) => m.count > 0).length}/${methods.length}`,
      `${lines.filter((c) => c > 0).length}/${lines.length}`,
    ]);
  }
}
const width = Math.max(...rows.map((r) => r[0].length), 4);
console.log(`${'file'.padEnd(width)}  methods hit/total  lines hit/total`);
for (const [file, methods, lines] of rows) {
  console.log(`${file.padEnd(width)}  ${methods.padStart(17)}  ${lines.padStart(15)}`);
}
console.log(`\n${rows.length} files from ${index.length} coverage takes, converted in ${totalMs.toFixed(1)} ms`);
