// node require.cjs FIXTURES_DIR [fixture...]: the package through require('v8-footprints')
// (the "require" condition of its exports), from a folder whose node_modules/v8-footprints is the build.
'use strict';
require('./core.cjs').run(require('v8-footprints'), 'require', process.argv.slice(2));
