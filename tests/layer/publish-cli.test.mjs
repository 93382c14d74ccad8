/**
 * layer/publish.sh without --dry-run, through the real AWS CLI (installed by ./build.sh setup into .cache/venv)
 * against a loopback stand-in of Lambda's layer API (layers-api.mjs): the zip, runtimes, architectures and
 * license arrive in each region, the permissions name the version Lambda gave in that region, and the table
 * lists the ARNs Lambda answered.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { projectVersion } from '../../tools/version.mjs';
import { tempDir } from './helpers.mjs';
import { startLayersApi } from './layers-api.mjs';
import { repoRoot } from './runtime-api.mjs';

const PUBLISH = path.join(repoRoot, 'layer/publish.sh');
const tmp = tempDir('v8fp-publish-cli-');
const version = projectVersion();

describe('layer/publish.sh through the AWS CLI', () => {
  const cli = path.join(repoRoot, '.cache/venv/bin/aws');

  test('publishes, grants, and writes the ARNs it was given', async (t) => {
    if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: run ./build.sh setup`);
    const api = await startLayersApi();
    t.after(() => api.close());
    // The CLI checks that --zip-file is a zip: a small real one.
    const dir = fs.mkdtempSync(path.join(tmp, 'real-'));
    const layerZip = path.join(dir, 'layer.zip');
    execFileSync('python3', ['-c', 'import sys, zipfile; zipfile.ZipFile(sys.argv[1], "w").writestr("v8-footprints/LICENSE", "MIT")', layerZip]);
    const zipSha = createHash('sha256').update(fs.readFileSync(layerZip)).digest('hex');
    const doc = path.join(dir, 'regions.md');
    const home = fs.mkdtempSync(path.join(tmp, 'home-'));
    const env = {
      PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`,
      HOME: home,
      V8FP_AWS_CLI: cli,
      AWS_ENDPOINT_URL_LAMBDA: api.url,
      AWS_ACCESS_KEY_ID: 'AKIDSTANDIN',
      AWS_SECRET_ACCESS_KEY: 'stand-in-secret',
      AWS_CONFIG_FILE: path.join(home, 'none'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'none'),
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_MAX_ATTEMPTS: '1',
    };
    const run = (args) => new Promise((resolve) => {
      const child = spawn(PUBLISH, args, { cwd: tmp, env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('exit', (status) => resolve({ status, stdout, stderr }));
    });
    // Twice in eu-west-1 (version 2 the second time), once in us-east-1.
    let r = await run(['--zip', layerZip, '--doc', doc, '--regions', 'eu-west-1']);
    assert.equal(r.status, 0, r.stderr);
    r = await run(['--zip', layerZip, '--doc', doc, '--regions', 'eu-west-1,us-east-1', '--grant-account', '444455556666', '--grant-organization', 'o-a1b2c3d4e5']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, `publish: 2 regions; ARNs in ${doc}\n`);

    const content = fs.readFileSync(layerZip).toString('base64');
    const published = {
      Description: `v8-footprints ${version} (sha256 ${zipSha})`,
      Content: { ZipFile: content },
      CompatibleRuntimes: ['nodejs18.x', 'nodejs20.x', 'nodejs22.x', 'nodejs24.x'],
      LicenseInfo: 'MIT',
      CompatibleArchitectures: ['x86_64', 'arm64'],
    };
    const grants = (region, n) => [
      { region, op: 'permission', layer: 'v8-footprints', version: n, body: { StatementId: 'account-444455556666', Action: 'lambda:GetLayerVersion', Principal: '444455556666' } },
      { region, op: 'permission', layer: 'v8-footprints', version: n, body: { StatementId: 'organization-o-a1b2c3d4e5', Action: 'lambda:GetLayerVersion', Principal: '*', OrganizationId: 'o-a1b2c3d4e5' } },
    ];
    assert.deepEqual(api.requests, [
      { region: 'eu-west-1', op: 'publish', layer: 'v8-footprints', body: published },
      { region: 'eu-west-1', op: 'publish', layer: 'v8-footprints', body: published },
      ...grants('eu-west-1', 2),
      { region: 'us-east-1', op: 'publish', layer: 'v8-footprints', body: published },
      ...grants('us-east-1', 1),
    ]);
    const table = fs.readFileSync(doc, 'utf8');
    assert.match(table, new RegExp(`^Written by \`./build.sh publish\`: v8-footprints ${version.replace(/\./g, '\\.')}, zip sha256 \`${zipSha}\`\\.`, 'm'));
    assert.deepEqual(table.split('\n').filter((l) => /^\| [a-z]+-/.test(l)), [
      '| eu-west-1 | `arn:aws:lambda:eu-west-1:111122223333:layer:v8-footprints:2` |',
      '| us-east-1 | `arn:aws:lambda:us-east-1:111122223333:layer:v8-footprints:1` |',
    ]);
  });
});
