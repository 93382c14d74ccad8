// The JavaScript type check (./build.sh's type_check: tsconfig.json for wrapper/ and npm/, inspector/tsconfig.json
// for the page) is live: the real TypeScript compiler of tests/package.json, given the projects as they are with
// one file changed to hold a type error, reports exactly that error, where it is, and nothing else (so the
// projects as committed check clean, and a config that stopped checking a folder would fail here).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const ts = require('typescript');
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The diagnostics of the project `config` (relative to the repository) with each file of `changes` read with
 * `from` replaced by `to`, as "file:line TScode".
 */
function diagnostics(config, changes) {
  const parsed = ts.getParsedCommandLineOfConfigFile(path.join(repo, config), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => assert.fail(ts.flattenDiagnosticMessageText(d.messageText, '\n')),
  });
  assert.deepEqual(parsed.errors, []);
  const host = ts.createCompilerHost(parsed.options);
  const readFile = host.readFile.bind(host);
  host.readFile = (file) => {
    const text = readFile(file);
    const change = changes.find((c) => path.resolve(repo, c.file) === path.resolve(file));
    if (!change) return text;
    assert.equal(text.split(change.from).length, 2, `${change.file} holds ${change.from} once`);
    return text.replace(change.from, change.to);
  };
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options, host });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? `${path.relative(repo, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}` : '(no file)';
    return `${where} TS${d.code}`;
  });
}

/** The 1-based line of `from` in `file`. */
function lineOf(file, from) {
  const text = ts.sys.readFile(path.join(repo, file));
  return text.slice(0, text.indexOf(from)).split('\n').length;
}

test('the Node side: a wrong argument in wrapper/, a wrong option in npm/cli/ and a wrong parameter in npm/standin/ are the only errors', () => {
  const changes = [
    // setTimeout's delay as a string (Node's declarations)
    { file: 'wrapper/lib/hooks.mjs', from: '      }, limitMs);', to: '      }, String(limitMs));' },
    // a Converter option of the wrong type (the package's index.d.ts, reached through the package's layout)
    { file: 'npm/cli/convert.mjs', from: '      lineMode,\n    });', to: "      lineMode,\n      buildRoot: 10,\n    });" },
    // a documented parameter of the stand-in (its JSDoc)
    { file: 'npm/standin/standin.mjs', from: "(req.url), 'config query',", to: '(req.url), 42,' },
  ];
  assert.deepEqual(diagnostics('tsconfig.json', changes).sort(), [
    `npm/cli/convert.mjs:${lineOf('npm/cli/convert.mjs', 'lineMode,\n    });') + 1} TS2322`,
    `npm/standin/standin.mjs:${lineOf('npm/standin/standin.mjs', "(req.url), 'config query',")} TS2345`,
    `wrapper/lib/hooks.mjs:${lineOf('wrapper/lib/hooks.mjs', '      }, limitMs);')} TS2769`,
  ].sort());
});

test('the page: a number where the DOM wants a string is the only error', () => {
  const from = "  document.body.dataset.state = 'ready';\n  document.body.dataset.opened";
  const changes = [{ file: 'inspector/main.mjs', from, to: from.replace("'ready'", '1') }];
  assert.deepEqual(diagnostics('inspector/tsconfig.json', changes), [`inspector/main.mjs:${lineOf('inspector/main.mjs', from)} TS2322`]);
});
