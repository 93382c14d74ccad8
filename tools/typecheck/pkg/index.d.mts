// pkg/index.mjs, the package's ESM entry that build.sh generates, as the command line (npm/cli/) imports it.
// With tsconfig.json's rootDirs, npm/ and this folder are one: npm/cli/../index.mjs is this file.
export * from '../../../npm/index.js';
