/**
 * The Node built-ins whose ES-module import costs the function memory, loaded with `require` instead. Importing
 * a built-in as an ES module builds a namespace of all its exports, and reading them runs their lazy getters:
 * on Node 22 and later `node:http` then loads Node's bundled fetch client (undici, ~0.8 MB of source), and
 * `node:fs` loads `fs/promises`, readline and the REPL's history (31 modules). The agent uses none of them;
 * compiled and kept with coverage on, they were about 4 MB of a warm Node 24 function's resident memory
 * (tests/e2e/modules.test.mjs). `require` leaves those exports lazy. Every other built-in is imported as usual.
 *
 * `node:https` is loaded on first use: it loads node:tls and node:crypto (about 30 modules and OpenSSL's tables,
 * 1.9 MB of a warm Node 24 function), which a backend or collector reached over plain HTTP never needs.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** @type {typeof import('node:fs')} */
export const fs = require('node:fs');
/** @type {typeof import('node:http')} */
export const http = require('node:http');

/** @type {typeof import('node:https') | undefined} */
let httpsModule;
/** node:https, loaded the first time it is asked for. @returns {typeof import('node:https')} */
export function https() {
  if (!httpsModule) httpsModule = /** @type {typeof import('node:https')} */ (require('node:https'));
  return httpsModule;
}
