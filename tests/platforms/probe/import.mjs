// node import.mjs FIXTURES_DIR [fixture...]: the package through `import` of 'v8-footprints'
// (the "import" condition of its exports). The named imports fail to link if the ESM entry lacks them.
import { createRequire } from 'node:module';
import * as fp from 'v8-footprints';
import { Converter, buildBody, convert } from 'v8-footprints';

if (fp.Converter !== Converter || fp.convert !== convert || fp.buildBody !== buildBody) throw new Error('namespace mismatch');
createRequire(import.meta.url)('./core.cjs').run(fp, 'import', process.argv.slice(2));
