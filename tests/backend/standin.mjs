#!/usr/bin/env node
/**
 * The backend stand-in, at the path the tests, the demo and the benchmark import it from. It lives in the package
 * (npm/standin/standin.mjs, shipped as pkg/standin/ for `v8-footprints serve`); its header comment documents the
 * endpoints, the control endpoints, the fail modes and the record format.
 *
 *   node tests/backend/standin.mjs [--port 8080] [--token T] [--lab LAB --execution EXEC --test-stage S --bsid B] ...
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../npm/standin/standin.mjs';

export * from '../../npm/standin/standin.mjs';

const invokedAsScript = (() => {
  try {
    return process.argv[1] && fs.realpathSync(process.argv[1]) === fs.realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
})();
if (invokedAsScript) {
  runCli(process.argv.slice(2)).then(
    (code) => {
      if (code !== null) process.exitCode = code;
    },
    (err) => {
      console.error(`stand-in: ${err.message}`);
      process.exitCode = 1;
    },
  );
}
