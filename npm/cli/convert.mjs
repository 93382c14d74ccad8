// `v8-footprints convert <coverage folders or files...>`: every coverage-*.json of NODE_V8_COVERAGE
// folders (and files named directly) added into one converter, so processes and takes are merged
// with their counts summed, source maps applied (Node's `source-map-cache` in a file first), then
// written in one format. A file that cannot be used is named on one line of stderr and the others
// are still converted; the exit code is 1 when anything failed.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { Converter, buildBody } from '../index.mjs';
import { oneOf, parse, UsageError, withUsage } from './args.mjs';
import { table } from './summary.mjs';

const FORMATS = ['footprints', 'istanbul', 'lcov', 'json'];
const VERSION = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;

export const USAGE = `usage: v8-footprints convert <coverage folders or files...> [options]

Converts V8 coverage (the coverage-*.json files Node writes under NODE_V8_COVERAGE, or single
coverage files) into one report: every process and take merged, counts summed, source maps applied.

options:
  --format <name>        footprints (a format 6.0 body, the default), istanbul (coverage-final.json),
                         lcov (an LCOV tracefile) or json (the converter's footprint data)
  --out <file>           where to write it (default: stdout)
  --project-root <dir>   the project's root; paths are relative to it (default: the current folder)
  --include <glob>       only files whose path under the root matches (repeatable; * ** ?)
  --exclude <glob>       leave out files whose path under the root matches (repeatable)
  --line-mode <mode>     default, or compat (v8-to-istanbul's line counts, as c8 reports them)
  --execution-id <id>    the test execution of the footprints body (default: empty)
  --test-name <name>     the test of the footprints body (default: none)
  --quiet                no summary table
The summary table goes to stdout when --out names a file, else to stderr. The footprints body's
meta comes from the layer's settings when set (SL_BUILD_SESSION_ID, SL_LAB_ID, SL_APP_NAME,
SL_BUILD_NAME, SL_BRANCH_NAME).
`;

const OPTIONS = {
  format: { type: 'string', default: 'footprints' },
  out: { type: 'string' },
  'project-root': { type: 'string' },
  include: { type: 'string', multiple: true, default: [] },
  exclude: { type: 'string', multiple: true, default: [] },
  'line-mode': { type: 'string', default: 'default' },
  'execution-id': { type: 'string', default: '' },
  'test-name': { type: 'string' },
  quiet: { type: 'boolean', default: false },
};

const COVERAGE_FILE = /^coverage-.*\.json$/;

export function run(args) {
  return withUsage(USAGE, () => convert(args));
}

/** The coverage files the arguments name: a folder's coverage-*.json (sorted), or a file itself. */
function coverageFiles(inputs, fail) {
  const files = [];
  for (const input of inputs) {
    let stat;
    try {
      stat = fs.statSync(input);
    } catch (error) {
      fail(input, error.code === 'ENOENT' ? 'no such file or folder' : `cannot be read (${error.code || error.message})`);
      continue;
    }
    if (!stat.isDirectory()) {
      files.push({ file: input, size: stat.size });
      continue;
    }
    let names;
    try {
      names = fs.readdirSync(input).filter((name) => COVERAGE_FILE.test(name)).sort();
    } catch (error) {
      fail(input, `the folder cannot be read (${error.code || error.message})`);
      continue;
    }
    if (names.length === 0) fail(input, 'the folder has no coverage-*.json files');
    for (const name of names) {
      const file = path.join(input, name);
      try {
        files.push({ file, size: fs.statSync(file).size });
      } catch (error) {
        fail(file, `cannot be read (${error.code || error.message})`);
      }
    }
  }
  return files;
}

/** A progress line on stderr, only when it is a terminal: files done / total, MB read. */
function progress(total, totalBytes) {
  if (!process.stderr.isTTY) return { step() {}, done() {} };
  let shown = 0;
  const mb = (bytes) => (bytes / 1e6).toFixed(1);
  return {
    step(done, bytes) {
      const now = Date.now();
      if (now - shown < 100 && done < total) return;
      shown = now;
      process.stderr.write(`\r\x1b[Kconverting: ${done}/${total} files, ${mb(bytes)}/${mb(totalBytes)} MB read`);
    },
    done() {
      if (shown) process.stderr.write('\r\x1b[K');
    },
  };
}

/** The footprints body of the total: one hit, its times the coverage files' modification times. */
function footprintsBody(converter, values, times) {
  const meta = {
    agentId: randomUUID(),
    labId: (process.env.SL_LAB_ID || '').trim() || (process.env.SL_BUILD_SESSION_ID || '').trim(),
    buildSessionId: (process.env.SL_BUILD_SESSION_ID || '').trim(),
    appName: (process.env.SL_APP_NAME || '').trim() || undefined,
    buildName: (process.env.SL_BUILD_NAME || '').trim() || undefined,
    branchName: (process.env.SL_BRANCH_NAME || '').trim() || undefined,
    // The layer's identity: a body replayed with `send` is what the function would have sent.
    agentType: 'nodejs-lambda',
    agentVersion: VERSION,
  };
  const hit = {
    footprints: converter.total,
    executionId: values['execution-id'],
    testName: values['test-name'] ?? null,
    start: Math.floor(times.first / 1000),
    end: Math.floor(times.last / 1000),
  };
  return buildBody([hit], meta);
}

async function convert(args) {
  const { values, positionals } = parse('convert', args, OPTIONS);
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const format = oneOf('convert', 'format', values.format, FORMATS);
  const lineMode = oneOf('convert', 'line-mode', values['line-mode'], ['default', 'compat']);
  if (positionals.length === 0) throw new UsageError('v8-footprints convert: name at least one coverage folder or file');

  let failed = false;
  const reported = new Set();
  const fail = (where, message) => {
    failed = true;
    const text = `v8-footprints: ${where}: ${message}`;
    if (reported.has(text)) return;
    reported.add(text);
    process.stderr.write(`${text}\n`);
  };

  let converter;
  try {
    converter = new Converter({
      projectRoot: values['project-root'] ? path.resolve(values['project-root']) : process.cwd(),
      exclude: values.exclude,
      include: values.include,
      lineMode,
    });
  } catch (error) {
    throw new UsageError(`v8-footprints convert: ${error.message}`);
  }
  try {
    const files = coverageFiles(positionals, fail);
    const totalBytes = files.reduce((sum, f) => sum + f.size, 0);
    const shown = progress(files.length, totalBytes);
    const times = { first: Infinity, last: 0 };
    let bytes = 0;
    files.forEach(({ file, size }, i) => {
      let json;
      try {
        json = fs.readFileSync(file);
        const mtime = fs.statSync(file).mtimeMs;
        times.first = Math.min(times.first, mtime);
        times.last = Math.max(times.last, mtime);
      } catch (error) {
        fail(file, `cannot be read (${error.code || error.message})`);
        return;
      }
      try {
        const { errors } = converter.add(json);
        for (const error of errors) fail(file, error.message);
      } catch (error) {
        fail(file, error.message);
      }
      bytes += size;
      shown.step(i + 1, bytes);
    });
    shown.done();
    if (times.first === Infinity) times.first = times.last = Date.now();

    const text = format === 'footprints' ? footprintsBody(converter, values, times) : converter.report(format);
    if (values.out) {
      try {
        fs.writeFileSync(values.out, text);
      } catch (error) {
        fail(values.out, `cannot be written (${error.code || error.message})`);
      }
    } else {
      await new Promise((resolve) => process.stdout.write(text, resolve));
    }
    if (!values.quiet) {
      const summary = table(JSON.parse(converter.report('summary')));
      (values.out ? process.stdout : process.stderr).write(summary);
    }
  } finally {
    converter.free();
  }
  return failed ? 1 : 0;
}
