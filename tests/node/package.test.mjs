// The built package through `import` (the ESM entry named by pkg/package.json "exports").
// Needs ./build.sh (pkg/) and `cd tests && npm ci`.
//
//   node --test tests/node/package.test.mjs
import { test } from 'node:test';
import { importPackage, runPackageSuite } from './package-suite.mjs';

test('v8-footprints through import', async (t) => {
  const fp = await importPackage();
  await runPackageSuite(t, fp, 'import');
});
