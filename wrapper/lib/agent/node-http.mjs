/**
 * Node's `http` module, loaded with `require` instead of `import`. On Node 22 and later, importing `node:http`
 * as an ES module builds a namespace of all its exports, and reading them loads Node's bundled fetch client
 * (undici: about 0.8 MB of source, compiled and kept with coverage on) that the agent never uses; measured on
 * Node 24 as about 4 MB of a warm function's resident memory. `require` leaves those exports lazy.
 */
import { createRequire } from 'node:module';

/** @type {typeof import('node:http')} */
export const http = createRequire(import.meta.url)('node:http');
