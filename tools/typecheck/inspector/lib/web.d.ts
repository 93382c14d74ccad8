// dist/inspector/lib/web.js, the package's web entry that build.sh copies beside the page, as the page
// (inspector/main.mjs) imports it. With inspector/tsconfig.json's rootDirs, inspector/ and this folder are one.
export * from '../../../../npm/web.js';
export { default } from '../../../../npm/web.js';
