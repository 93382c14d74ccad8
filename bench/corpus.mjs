/**
 * Builds the benchmark's corpus under .cache/bench/corpus (skipped when its stamp matches the inputs):
 *   small/index.js                the hand-written handler
 *   project/src/handler.js        the bundled handler's source; project/vendor -> bench/node_modules, so that
 *                                 the map's sources are the project's (a path through node_modules is not)
 *   bundle/index.js (+ .map)      esbuild bundle of lodash, moment + locales, @aws-sdk/client-dynamodb
 *   bundle-nomap/index.js         the same bundle, no map
 *   bundle-min/index.js (+ .map)  the same bundle minified
 *   bundle-min-nomap/index.js     minified, no map
 *   ts/driver.js, typescript.js   TypeScript's compiler (copied out of node_modules) driven on a small file
 * Prints the corpus as JSON lines: {name, dir, script, bytes, map}.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
export const corpusDir = path.join(root, '.cache/bench/corpus');
const require = createRequire(import.meta.url);

const inputs = ['package-lock.json', 'corpus.mjs', 'corpus/small-handler.js', 'corpus/bundle-handler.js', 'corpus/ts-driver.js'];

/** The corpus entries (what the conversion benchmark runs). */
export function entries() {
  const c = corpusDir;
  const project = path.join(c, 'project');
  return [
    { name: 'small', dir: path.join(c, 'small'), projectRoot: path.join(c, 'small'), map: false },
    { name: 'bundle+map', dir: path.join(c, 'bundle'), projectRoot: project, map: true },
    { name: 'bundle', dir: path.join(c, 'bundle-nomap'), projectRoot: path.join(c, 'bundle-nomap'), map: false },
    { name: 'bundle.min+map', dir: path.join(c, 'bundle-min'), projectRoot: project, map: true },
    { name: 'bundle.min', dir: path.join(c, 'bundle-min-nomap'), projectRoot: path.join(c, 'bundle-min-nomap'), map: false },
    { name: 'typescript', dir: path.join(c, 'ts'), projectRoot: path.join(c, 'ts'), map: false, script: 'driver.js' },
  ].map((e) => ({ script: 'index.js', ...e, scriptPath: path.join(e.dir, e.script || 'index.js') }));
}

function stamp() {
  const h = crypto.createHash('sha256');
  for (const f of inputs) h.update(f).update(fs.readFileSync(path.join(here, f)));
  return h.digest('hex');
}

export async function buildCorpus({ quiet = false } = {}) {
  const want = stamp();
  const stampFile = path.join(corpusDir, '.stamp');
  if (fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === want) return entries();
  const t0 = Date.now();
  fs.rmSync(corpusDir, { recursive: true, force: true });
  const c = corpusDir;
  const mk = (d) => fs.mkdirSync(path.join(c, d), { recursive: true });
  for (const d of ['small', 'project/src', 'bundle', 'bundle-nomap', 'bundle-min', 'bundle-min-nomap', 'ts']) mk(d);
  fs.copyFileSync(path.join(here, 'corpus/small-handler.js'), path.join(c, 'small/index.js'));
  fs.copyFileSync(path.join(here, 'corpus/bundle-handler.js'), path.join(c, 'project/src/handler.js'));
  fs.symlinkSync(path.join(here, 'node_modules'), path.join(c, 'project/vendor'));

  const esbuild = require('esbuild');
  const common = {
    entryPoints: [path.join(c, 'project/src/handler.js')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    preserveSymlinks: true,
    nodePaths: [path.join(c, 'project/vendor')],
    logLevel: 'error',
  };
  await esbuild.build({ ...common, outfile: path.join(c, 'bundle/index.js'), sourcemap: true });
  await esbuild.build({ ...common, outfile: path.join(c, 'bundle-nomap/index.js') });
  await esbuild.build({ ...common, outfile: path.join(c, 'bundle-min/index.js'), sourcemap: true, minify: true });
  await esbuild.build({ ...common, outfile: path.join(c, 'bundle-min-nomap/index.js'), minify: true });

  const tsLib = path.dirname(require.resolve('typescript/lib/typescript.js'));
  // Its `//# sourceMappingURL=typescript.js.map` names a map the package does not ship: dropped.
  const tsText = fs.readFileSync(path.join(tsLib, 'typescript.js'), 'utf8').replace(/\n\/\/# sourceMappingURL=typescript\.js\.map\s*$/, '\n');
  fs.writeFileSync(path.join(c, 'ts/typescript.js'), tsText);
  for (const f of ['lib.es5.d.ts', 'lib.decorators.d.ts', 'lib.decorators.legacy.d.ts']) fs.copyFileSync(path.join(tsLib, f), path.join(c, 'ts', f));
  fs.copyFileSync(path.join(here, 'corpus/ts-driver.js'), path.join(c, 'ts/driver.js'));
  fs.writeFileSync(stampFile, want);
  if (!quiet) console.error(`corpus built in ${Date.now() - t0} ms under ${path.relative(root, c)}`);
  return entries();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const e of await buildCorpus()) {
    const map = fs.existsSync(e.scriptPath + '.map') ? JSON.parse(fs.readFileSync(e.scriptPath + '.map', 'utf8')) : null;
    console.log(JSON.stringify({ name: e.name, bytes: fs.statSync(e.scriptPath).size, sources: map ? map.sources.length : 0 }));
  }
}
