// The built package through `require('<repo>/pkg')` (or $V8_FOOTPRINTS_PKG). Needs ./build.sh (pkg/) and `cd tests && npm ci`.
//
//   node --test tests/node/package.test.cjs
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { test } = require('node:test');

// V8_FOOTPRINTS_PKG points the tests at another build of the package.
const PKG = process.env.V8_FOOTPRINTS_PKG
  ? path.resolve(process.env.V8_FOOTPRINTS_PKG)
  : path.resolve(__dirname, '..', '..', 'pkg');

test('v8-footprints through require', async (t) => {
  if (!fs.existsSync(path.join(PKG, 'package.json'))) {
    throw new Error(`the package is not built: ${path.join(PKG, 'package.json')} is missing (run ./build.sh)`);
  }
  const fp = require(PKG);
  const { runPackageSuite } = await import('./package-suite.mjs');
  await runPackageSuite(t, fp, 'require');
});
