/**
 * examples/serverless-example/serverless.yml through `serverless package` (the Serverless Framework v3, from
 * npm: v4 asks for a login even to package, so it cannot run offline). v3's schema predates nodejs22.x, so
 * its one allowed warning is about provider.runtime; any other configuration it does not know is a warning
 * too, and fails the test. The CloudFormation template it writes gives the function arm64, the layer, the exec
 * wrapper and SL_* as Secrets Manager dynamic references, and the package holds the example's code.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { EXEC_WRAPPER, repoRoot, runOffline, tempDir, tool } from './helpers.mjs';

const SERVICE = path.join(repoRoot, 'examples/serverless-example');
let out;
let run;

before(() => {
  out = path.join(tempDir('v8fp-sls-'), 'package');
  run = runOffline(tool('tests/examples/node_modules/.bin/serverless'), ['package', '--package', out], { cwd: SERVICE });
});

describe('the Serverless example', () => {
  test('packages offline, warning only that v3 does not know nodejs22.x', () => {
    assert.equal(run.status, 0, run.stdout + run.stderr);
    const problems = (run.stdout + run.stderr).split('\n').filter((l) => /^\s+at '/.test(l));
    assert.equal(problems.length, 1, problems.join('\n'));
    assert.match(problems[0], /^ {2}at 'provider\.runtime': must be equal to one of the allowed values \[.*nodejs20\.x.*\]$/);
    assert.match(run.stdout + run.stderr, /Service packaged/);
    assert.ok(!fs.existsSync(path.join(SERVICE, '.serverless')), 'nothing written into the example');
  });

  test('the function: arm64, the layer, the exec wrapper, SL_* from the secret', () => {
    const template = JSON.parse(fs.readFileSync(path.join(out, 'cloudformation-template-update-stack.json'), 'utf8'));
    const p = template.Resources.ApiDashnormalLambdaFunction.Properties;
    assert.deepEqual([p.Handler, p.Runtime, p.Architectures], ['./src/test-lambda-1/index.handler', 'nodejs22.x', ['arm64']]);
    assert.deepEqual(p.Layers, ['arn:aws:lambda:eu-west-1:<ACCOUNT_ID>:layer:v8-footprints:<VERSION>']);
    assert.deepEqual(p.Environment.Variables, {
      AWS_LAMBDA_EXEC_WRAPPER: EXEC_WRAPPER,
      SL_TOKEN: '{{resolve:secretsmanager:v8-footprints/sealights:SecretString:SL_TOKEN}}',
      SL_BUILD_SESSION_ID: '{{resolve:secretsmanager:v8-footprints/sealights:SecretString:SL_BUILD_SESSION_ID}}',
      SL_PROJECT_ROOT: './src',
    });
  });

  test("the package holds the example's code", () => {
    const names = execFileSync('python3', ['-c', 'import sys, zipfile; print("\\n".join(sorted(zipfile.ZipFile(sys.argv[1]).namelist())))', path.join(out, 'aws-node-http-api-project.zip')], { encoding: 'utf8' });
    assert.deepEqual(names.trim().split('\n'), ['README.md', 'package.json', 'src/test-lambda-1/index.js', 'src/test-lambda-1/lib/config.js', 'src/test-lambda-1/lib/greeting.js']);
  });
});
