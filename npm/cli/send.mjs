// `v8-footprints send <footprints file>`: sends a saved format 6.0 body (as `convert --format
// footprints` writes it, or as a layer would have sent it; gzipped or not) with the layer's own
// settings (SL_* variables) and the layer's own sender (wrapper/lib/agent/backend.mjs, shipped in
// the package as layer-lib/), to replay what a function could not send. As the layer does, it
// first asks whether the body's test execution is open, to send to that execution's build session
// and test stage.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import process from 'node:process';
import zlib from 'node:zlib';
import { createBackend } from '../layer-lib/agent/backend.mjs';
import { readSettings } from '../layer-lib/agent/settings.mjs';
import { parse, UsageError, withUsage } from './args.mjs';

export const USAGE = `usage: v8-footprints send <footprints file> [options]

Sends a footprints body (format 6.0, JSON or gzipped JSON) with the layer's settings and sender:
SL_TOKEN (or SL_TOKEN_FILE), SL_BUILD_SESSION_ID (or SL_BUILD_SESSION_ID_FILE), SL_LAB_ID,
SL_COLLECTOR_URL, SL_TEST_STAGE, SL_APP_NAME, SL_BUILD_NAME, SL_BRANCH_NAME, SL_HTTP_TIMEOUT_MS.

options:
  --timeout-ms <ms>   how long the send may take in all, retry included (default: 30000)
`;

const OPTIONS = { 'timeout-ms': { type: 'string', default: '30000' } };

export function run(args) {
  return withUsage(USAGE, () => send(args));
}

/** The body's JSON (gunzipped when it is gzip) and its one test execution, or an error message. */
function readBody(file) {
  let bytes;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    return { error: error.code === 'ENOENT' ? 'no such file' : `cannot be read (${error.code || error.message})` };
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = zlib.gunzipSync(bytes);
    } catch (error) {
      return { error: `is not valid gzip (${error.code || error.message})` };
    }
  }
  let body;
  try {
    body = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    return { error: `is not JSON (${error.message})` };
  }
  if (!body || body.formatVersion !== '6.0' || !Array.isArray(body.executions)) {
    return { error: 'is not a footprints body of format 6.0 (formatVersion "6.0" and an executions array)' };
  }
  if (body.executions.length !== 1) {
    return { error: `holds ${body.executions.length} test executions; a body is sent for one (as the layer sends them)` };
  }
  const hits = Array.isArray(body.executions[0].hits) ? body.executions[0].hits.length : 0;
  return { text: JSON.stringify(body), body, hits };
}

async function send(args) {
  const { values, positionals } = parse('send', args, OPTIONS);
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('v8-footprints send: name one footprints file');
  const timeoutMs = Number(values['timeout-ms']);
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new UsageError(`v8-footprints send: --timeout-ms must be a positive number of ms, not '${values['timeout-ms']}'`);
  const [file] = positionals;

  const settings = readSettings(process.env);
  if (settings.problems.length > 0) {
    for (const problem of settings.problems) process.stderr.write(`v8-footprints send: ${problem}\n`);
    return 1;
  }
  const read = readBody(file);
  if (read.error) {
    process.stderr.write(`v8-footprints: ${file}: ${read.error}\n`);
    return 1;
  }
  const { body, text, hits } = read;
  const meta = body.meta && typeof body.meta === 'object' ? body.meta : {};
  const config = meta.agentConfig && typeof meta.agentConfig === 'object' ? meta.agentConfig : {};
  const executionId = typeof body.executions[0].executionId === 'string' ? body.executions[0].executionId : '';
  const agentId = typeof meta.agentId === 'string' && meta.agentId ? meta.agentId : randomUUID();
  const deadline = Date.now() + timeoutMs;
  const backend = createBackend(settings);

  // As the layer: an open (or closing) execution's own build session and test stage.
  let execution = {};
  const known = await backend.getExecution(settings.labId, deadline);
  if ((known.status === 'open' || known.status === 'closing') && known.execution.executionId === executionId) {
    execution = known.execution;
  }
  const ids = {
    buildSessionId: settings.buildSessionId,
    executionBuildSessionId: execution.buildSessionId || settings.buildSessionId,
    testStage: execution.testStage || settings.testStage || 'Lambda',
    labId: settings.labId,
    executionId,
    agentId,
    metadata: {
      labId: settings.labId,
      appName: settings.appName,
      branchName: settings.branchName,
      buildName: settings.buildName,
      agentId,
      buildSessionId: settings.buildSessionId,
      agentType: config.agentType,
      agentTechnology: 'nodejs',
      agentVersion: config.agentVersion,
      executionId: executionId || undefined,
    },
  };
  const result = await backend.sendFootprints(text, ids, deadline);
  if (!result.ok) {
    process.stderr.write(`v8-footprints: ${file}: not sent (${result.error})\n`);
    return 1;
  }
  process.stdout.write(`sent ${file}: ${hits} hit${hits === 1 ? '' : 's'} of test execution '${executionId}' (HTTP ${result.status})\n`);
  return 0;
}
