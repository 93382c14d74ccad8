// The package's TypeScript types: a program using the whole API, through the package's `exports`
// (require and import, and the web entry), type-checks with the real TypeScript compiler, and a
// program misusing it does not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const ts = require('typescript');
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const pkg = process.env.V8_FOOTPRINTS_PKG ? path.resolve(process.env.V8_FOOTPRINTS_PKG) : path.join(repo, 'pkg');

const GOOD = `
import init, * as web from 'v8-footprints/web';
import { Converter, convert, merge, buildBody, type FootprintData, type FootprintsError } from 'v8-footprints';
import { PendingHits, Converter as AgentConverter, type HitInfo } from 'v8-footprints/agent';
const converter = new Converter({ projectRoot: '/app', cwd: '/', scriptRoot: '/var/task', buildRoot: '/app/dist', exclude: ['test/'], lineMode: 'compat' });
const hits = new PendingHits(converter, { limit: 10 });
const sameClass: AgentConverter = converter;
const data: FootprintData = converter.convert('{"result":[]}', (url: string) => url.length > 0 ? 'x' : undefined);
const ids: string[] = data.methods.map((m) => m.id + m.line + m.column + m.count);
const lines: (number | null)[] = data.files[0].lines;
const info: HitInfo = { start: 1, end: 2, testName: null };
const hit: { methods: number } = hits.addHit({ result: [] }, info);
const opened: boolean = hits.openInvocation(1);
hits.addWindow([], {});
const closed: { methods: number } = hits.closeInvocation(1, { executionId: 'exec', start: 1, end: 2 });
const next = hits.nextBody({ agentId: 'a', labId: 'l', buildSessionId: 'b' }, 'exec', 10);
if (next) hits.confirmSent(next.hits);
hits.assignExecution('exec');
const counts: number = hits.discardTentative() + hits.pendingCount + hits.droppedCount;
hits.free();
const text: string = buildBody([{ footprints: data, executionId: 'e', start: 1, end: 2 }], { agentId: 'a', labId: 'l', buildSessionId: 'b' });
const other: FootprintData = convert(new Uint8Array(), new Map([['u', 's']]), { projectRoot: '/' });
const added: { errors: { url: string }[] } = converter.add(new Uint8Array());
const total: FootprintData = merge(converter.total, data, converter.totalToJson());
converter.clearTotal();
function kind(error: FootprintsError): string { return error.kind + (error.url ?? ''); }
async function page() { await init(); return web.merge(web.convert('[]', {})); }
export { ids, lines, hit, text, other, kind, added, total, sameClass, opened, closed, counts, page };
`;
const BAD = `
import { Converter } from 'v8-footprints';
import { PendingHits } from 'v8-footprints/agent';
const converter = new Converter({ lineMode: 'exact' });
const n: number = converter.convert('[]').methods[0].id;
const m: string = merge(converter.total).files;
converter.addHit([], { start: 1, end: 2 });
new PendingHits(converter, { limit: 'many' });
`;

function check(source, moduleKind) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'v8fp-types-'));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(pkg, path.join(dir, 'node_modules', 'v8-footprints'), 'dir');
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: moduleKind === 'esm' ? 'module' : 'commonjs' }));
  const file = path.join(dir, 'main.ts');
  fs.writeFileSync(file, source);
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    skipLibCheck: false,
  });
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  fs.rmSync(dir, { recursive: true, force: true });
  return diagnostics;
}

for (const moduleKind of ['esm', 'cjs']) {
  test(`the types describe the whole API (${moduleKind} project)`, () => {
    const source = moduleKind === 'esm' ? GOOD : GOOD.replace("import init, * as web from 'v8-footprints/web';", '').replace(/async function page[^\n]*\n/, '').replace(', page }', ' }');
    assert.deepEqual(check(source, moduleKind), []);
  });
}

test('misuse is a type error', () => {
  const diagnostics = check(BAD, 'esm');
  assert.ok(diagnostics.some((d) => /"exact"/.test(d)), diagnostics.join('\n'));
  assert.ok(diagnostics.some((d) => /string.*number|number.*string/.test(d)), diagnostics.join('\n'));
  assert.ok(diagnostics.some((d) => /'addHit' does not exist on type 'Converter'/.test(d)), diagnostics.join('\n'));
  // the result's id and the limit 'many'
  assert.equal(diagnostics.filter((d) => d === "Type 'string' is not assignable to type 'number'.").length, 2, diagnostics.join('\n'));
});
