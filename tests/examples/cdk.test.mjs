/**
 * examples/cdk: the TypeScript app compiles (tsc, strict) and `cdk synth` makes its template offline (a dummy
 * account and region, no credentials); the function in it runs the example's handler on arm64 with the layer,
 * the exec wrapper and SL_* as Secrets Manager dynamic references, and its asset holds the example's code.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { EXEC_WRAPPER, HANDLER, repoRoot, runOffline, tempDir, tool } from './helpers.mjs';

const APP = path.join(repoRoot, 'examples/cdk');
const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
let out;
let template;

before(() => {
  const tsc = runOffline(tool('examples/cdk/node_modules/.bin/tsc'), ['-p', APP]);
  assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);
  out = path.join(tempDir('v8fp-cdk-'), 'cdk.out');
  const synth = runOffline(tool('examples/cdk/node_modules/.bin/cdk'), ['synth', '--no-notices', '--output', out, '--quiet'], {
    cwd: APP,
    env: { CDK_DEFAULT_ACCOUNT: ACCOUNT, CDK_DEFAULT_REGION: REGION, AWS_REGION: REGION, AWS_DEFAULT_REGION: REGION },
  });
  assert.equal(synth.status, 0, synth.stdout + synth.stderr);
  template = JSON.parse(fs.readFileSync(path.join(out, 'V8FootprintsExample.template.json'), 'utf8'));
});

describe('the CDK example', () => {
  test('one function, for the dummy account and region', () => {
    const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    assert.equal(functions.length, 1);
    const p = functions[0].Properties;
    assert.deepEqual(p.Code.S3Bucket, `cdk-hnb659fds-assets-${ACCOUNT}-${REGION}`);
    assert.deepEqual([p.Handler, p.Runtime, p.Architectures, p.Layers], [HANDLER, 'nodejs22.x', ['arm64'], [{ Ref: 'LayerArn' }]]);
    const secret = (key) => ({ 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: 'SealightsSettingsName' }, `:SecretString:${key}::}}`]] });
    assert.deepEqual(p.Environment.Variables, {
      AWS_LAMBDA_EXEC_WRAPPER: EXEC_WRAPPER,
      SL_TOKEN: secret('SL_TOKEN'),
      SL_BUILD_SESSION_ID: secret('SL_BUILD_SESSION_ID'),
      SL_PROJECT_ROOT: './src',
    });
  });

  test('the parameters: the layer ARN (checked by pattern) and the secret name', () => {
    const { LayerArn, SealightsSettingsName } = template.Parameters;
    const pattern = new RegExp(LayerArn.AllowedPattern);
    assert.ok(pattern.test('arn:aws:lambda:eu-west-1:111122223333:layer:v8-footprints:3'));
    assert.ok(!pattern.test('arn:aws:lambda:eu-west-1:<ACCOUNT_ID>:layer:v8-footprints:<VERSION>'));
    assert.equal(SealightsSettingsName.Default, 'v8-footprints/sealights');
  });

  test("the asset is the example's code", () => {
    const assets = JSON.parse(fs.readFileSync(path.join(out, 'V8FootprintsExample.assets.json'), 'utf8'));
    const [file] = Object.values(assets.files).filter((f) => f.source.packaging === 'zip');
    const dir = path.join(out, file.source.path);
    const list = (d) => fs.readdirSync(d, { recursive: true }).filter((f) => fs.statSync(path.join(d, f)).isFile()).sort();
    assert.deepEqual(list(dir), ['README.md', 'package.json', 'src/test-lambda-1/index.js', 'src/test-lambda-1/lib/config.js', 'src/test-lambda-1/lib/greeting.js']);
    assert.equal(fs.readFileSync(path.join(dir, 'src/test-lambda-1/index.js'), 'utf8'), fs.readFileSync(path.join(repoRoot, 'examples/serverless-example/src/test-lambda-1/index.js'), 'utf8'));
  });
});
