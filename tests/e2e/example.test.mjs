/**
 * The seed's example service (examples/serverless-example), configured as its serverless.yml says, through the
 * real runtime clients with the layer: the responses are unchanged and the footprints are exactly the example's,
 * relative to SL_PROJECT_ROOT=./src (as `slnodejs scan --workspacepath ./src` names them).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { EXAMPLE, EXECUTION, HANDLER, LAB, exampleEnv, httpApiEvent } from '../../examples/measure.mjs';
import { assertRuntimesInstalled } from '../layer/runtime-api.mjs';
import { assertInvisible, assertNoToken, assertNothingRejected, hitsOf, layerLines, runPaired, startStandin } from './helpers.mjs';

const INDEX = 'test-lambda-1/index.js';
const RESPOND = { [`${INDEX}@9,9`]: [9, 10, 11] };
const EXPECTED = {
  '/default': { ...RESPOND, [`${INDEX}@13,18`]: [14, 15, 16, 17, 22], 'test-lambda-1/lib/greeting.js@3,9': [3, 4, 5] },
  '/sealights': { ...RESPOND, [`${INDEX}@13,18`]: [14, 15, 18, 19, 20, 22], 'test-lambda-1/lib/greeting.js@7,9': [7, 8, 11, 12] },
  '/nowhere': { ...RESPOND, [`${INDEX}@13,18`]: [14, 15, 18, 21, 22] },
};
const INIT = { 'test-lambda-1/lib/config.js@3,9': [3, 4, 5, 6, 7, 8] };

describe('the example service', () => {
  test('serverless.yml names the handler and the settings the tests and the demo use', () => {
    const yml = fs.readFileSync(path.join(EXAMPLE, 'serverless.yml'), 'utf8');
    assert.match(yml, new RegExp(`handler: ${HANDLER.replace(/\./g, '\\.')}\\n`));
    assert.match(yml, /AWS_LAMBDA_EXEC_WRAPPER: \/opt\/sealights-extension\n/);
    assert.match(yml, /SL_PROJECT_ROOT: \.\/src\n/);
    assert.match(yml, /SL_TOKEN: /);
    assert.match(yml, /SL_BUILD_SESSION_ID: /);
    assert.match(yml, /layers:\n\s+- arn:aws:lambda:/);
  });

  for (const runtime of ['ric3', 'ric4']) {
    test(`${runtime}: exact footprints per invocation, init once, responses unchanged`, async () => {
      assertRuntimesInstalled();
      const s = await startStandin({ labs: { [LAB]: EXECUTION } });
      try {
        const calls = [
          ['/default', { 'x-sl-test-name': 'greets the world' }, 'greets the world'],
          ['/sealights', { 'X-SL-TestId': `${EXECUTION.executionId}/says goodbye` }, 'says goodbye'],
          ['/nowhere', {}, null],
        ];
        const run = await runPaired({
          runtime,
          taskRoot: EXAMPLE,
          handler: HANDLER,
          events: calls.map(([p, headers]) => httpApiEvent(p, headers)),
          env: exampleEnv(s, { SL_LOG_LEVEL: 'debug' }),
        });
        assertInvisible(run, 1000);
        assertNothingRejected(s);
        assert.deepEqual(
          hitsOf(s.accepted()).map((h) => [h.executionId, h.init, h.testName, h.methods]),
          [
            [EXECUTION.executionId, true, null, INIT],
            ...calls.map(([p, , name]) => [EXECUTION.executionId, false, name, EXPECTED[p]]),
          ],
        );
        assert.deepEqual(layerLines(run.fn.output).filter((l) => /\t(WARN|ERROR)\t/.test(l)), []);
        assertNoToken(run.fn.output, s.token);
      } finally {
        await s.close();
      }
    });
  }
});
