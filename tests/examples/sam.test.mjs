/**
 * examples/sam/template.yaml: valid for cfn-lint (which applies the SAM transform), and the function it
 * declares runs the example's handler on arm64 with the layer, the exec wrapper and SL_* from Secrets Manager.
 * A copy with a broken reference fails cfn-lint: the check is live.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { EXEC_WRAPPER, HANDLER, repoRoot, runOffline, tempDir, tool } from './helpers.mjs';

const TEMPLATE = path.join(repoRoot, 'examples/sam/template.yaml');
const cfnLint = () => tool('.cache/venv/bin/cfn-lint');
const python = () => tool('.cache/venv/bin/python');

describe('the SAM example', () => {
  test('cfn-lint finds nothing', () => {
    const r = runOffline(cfnLint(), [TEMPLATE]);
    assert.equal(r.stdout + r.stderr, '');
    assert.equal(r.status, 0);
  });

  test('cfn-lint fails a copy with a broken reference (the check is live)', () => {
    const dir = tempDir('v8fp-sam-');
    fs.cpSync(path.join(repoRoot, 'examples'), path.join(dir, 'examples'), { recursive: true, filter: (src) => !src.includes('node_modules') });
    const copy = path.join(dir, 'examples/sam/template.yaml');
    fs.writeFileSync(copy, fs.readFileSync(copy, 'utf8').replace('- !Ref LayerArn', '- !Ref LayerArns'));
    const r = runOffline(cfnLint(), [copy]);
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stdout, /^E1020 'LayerArns' is not valid under any of the given schemas\n.*template\.yaml:\d+:\d+\n/);
  });

  test('the function: arm64, the layer, the exec wrapper, SL_* from the secret', () => {
    const script = `import json, sys
from cfnlint.decode import decode
template, matches = decode(sys.argv[1])
assert not matches, matches
print(json.dumps({"transform": template["Transform"], "parameters": template["Parameters"], "function": template["Resources"]["ApiFunction"]}))`;
    const r = runOffline(python(), ['-c', script, TEMPLATE]);
    assert.equal(r.status, 0, r.stderr);
    const { transform, parameters, function: fn } = JSON.parse(r.stdout);
    assert.equal(transform, 'AWS::Serverless-2016-10-31');
    assert.equal(fn.Type, 'AWS::Serverless::Function');
    assert.deepEqual(Object.keys(parameters), ['LayerArn', 'SealightsSettingsName']);
    assert.equal(parameters.SealightsSettingsName.Default, 'v8-footprints/sealights');
    const p = fn.Properties;
    assert.deepEqual([p.CodeUri, p.Handler, p.Runtime, p.Architectures, p.Layers], ['../serverless-example/', HANDLER, 'nodejs22.x', ['arm64'], [{ Ref: 'LayerArn' }]]);
    assert.deepEqual(p.Environment.Variables, {
      AWS_LAMBDA_EXEC_WRAPPER: EXEC_WRAPPER,
      SL_TOKEN: { 'Fn::Sub': '{{resolve:secretsmanager:${SealightsSettingsName}:SecretString:SL_TOKEN}}' },
      SL_BUILD_SESSION_ID: { 'Fn::Sub': '{{resolve:secretsmanager:${SealightsSettingsName}:SecretString:SL_BUILD_SESSION_ID}}' },
      SL_PROJECT_ROOT: './src',
    });
  });
});
