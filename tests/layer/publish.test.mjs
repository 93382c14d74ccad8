/**
 * layer/publish.sh --dry-run (./build.sh publish --dry-run): the exact AWS CLI calls for every commercial
 * region, nodejs18.x-24.x on x86_64 and arm64, the permissions for accounts, organizations and everyone, the
 * table of ARN patterns it writes (the committed docs/regions.md is that table), and the arguments it refuses
 * before any call. Without --dry-run, through the AWS CLI: publish-cli.test.mjs.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { projectVersion } from '../../tools/version.mjs';
import { tempDir } from './helpers.mjs';
import { repoRoot } from './runtime-api.mjs';

const PUBLISH = path.join(repoRoot, 'layer/publish.sh');
const COMMERCIAL = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'af-south-1',
  'ap-east-1', 'ap-east-2', 'ap-south-1', 'ap-south-2', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3',
  'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-6', 'ap-southeast-7',
  'ca-central-1', 'ca-west-1',
  'eu-central-1', 'eu-central-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-south-1', 'eu-south-2', 'eu-north-1',
  'il-central-1', 'me-south-1', 'me-central-1', 'mx-central-1', 'sa-east-1',
];
const tmp = tempDir('v8fp-publish-');
const zip = path.join(tmp, 'layer.zip');
fs.writeFileSync(zip, 'a stand-in for the layer zip: the dry run only hashes it');
const sha256 = createHash('sha256').update(fs.readFileSync(zip)).digest('hex');
const version = projectVersion();

/** Runs the dry run with `args`, without the AWS CLI on PATH; returns {status, calls, stderr, doc}. */
function dryRun(args) {
  const doc = path.join(fs.mkdtempSync(path.join(tmp, 'doc-')), 'regions.md');
  const nodeDir = path.dirname(process.execPath);
  const r = spawnSync(PUBLISH, ['--dry-run', '--zip', zip, '--doc', doc, ...args], {
    cwd: tmp,
    env: { PATH: `${nodeDir}:/usr/bin:/bin` },
    encoding: 'utf8',
  });
  return { status: r.status, calls: r.stdout.split('\n').filter(Boolean), stderr: r.stderr, docPath: doc, doc: fs.existsSync(doc) ? fs.readFileSync(doc, 'utf8') : null };
}

const publishCall = (region, name = 'v8-footprints') =>
  `aws lambda publish-layer-version --region ${region} --layer-name ${name} --description 'v8-footprints ${version} (sha256 ${sha256})' ` +
  `--license-info MIT --compatible-runtimes nodejs18.x nodejs20.x nodejs22.x nodejs24.x --compatible-architectures x86_64 arm64 ` +
  `--zip-file fileb://${zip} --query LayerVersionArn --output text`;
const grantCall = (region, statement, principal) =>
  `aws lambda add-layer-version-permission --region ${region} --layer-name v8-footprints --version-number '<VERSION>' ` +
  `--statement-id ${statement} --action lambda:GetLayerVersion ${principal} --output text`;

describe('layer/publish.sh --dry-run', () => {
  test('one publish call per commercial region, and the table of ARN patterns (docs/regions.md)', () => {
    const r = dryRun([]);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.calls, COMMERCIAL.map((region) => publishCall(region)));
    assert.equal(r.stderr, `publish: ${COMMERCIAL.length} regions (dry run); ARNs in ${r.docPath}\n`);
    const rows = COMMERCIAL.map((region) => `| ${region} | \`arn:aws:lambda:${region}:<ACCOUNT_ID>:layer:v8-footprints:<VERSION>\` |`);
    assert.deepEqual(r.doc.split('\n').filter((l) => l.startsWith('| ')), ['| region | layer version ARN |', '| --- | --- |', ...rows]);
    assert.match(r.doc, new RegExp(`the ARN pattern of version ${version.replace(/\./g, '\\.')} in each region`));
    assert.match(r.doc, /Compatible runtimes: nodejs18\.x nodejs20\.x nodejs22\.x nodejs24\.x; architectures: x86_64 arm64\./);
    assert.equal(fs.readFileSync(path.join(repoRoot, 'docs/regions.md'), 'utf8'), r.doc, 'docs/regions.md is the dry run\'s table: rerun ./build.sh publish --dry-run');
  });

  test('permissions for accounts, an organization and everyone, after each region\'s publish', () => {
    const r = dryRun(['--regions', 'eu-west-1,us-east-1', '--grant-account', '111122223333', '--grant-account', '444455556666',
      '--grant-organization', 'o-a1b2c3d4e5', '--public']);
    assert.equal(r.status, 0, r.stderr);
    const forRegion = (region) => [
      publishCall(region),
      grantCall(region, 'account-111122223333', '--principal 111122223333'),
      grantCall(region, 'account-444455556666', '--principal 444455556666'),
      grantCall(region, 'organization-o-a1b2c3d4e5', "--principal '*' --organization-id o-a1b2c3d4e5"),
      grantCall(region, 'public', "--principal '*'"),
    ];
    assert.deepEqual(r.calls, [...forRegion('eu-west-1'), ...forRegion('us-east-1')]);
    assert.equal(r.stderr, `publish: 2 regions (dry run); ARNs in ${r.docPath}\n`);
    assert.deepEqual(r.doc.split('\n').filter((l) => /^\| [a-z]/.test(l)).map((l) => l.split(' | ')[0]), ['| region', '| eu-west-1', '| us-east-1']);
  });

  test('another layer name goes into every call and ARN', () => {
    const r = dryRun(['--regions', 'sa-east-1', '--layer-name', 'v8fp_test-2']);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.calls, [publishCall('sa-east-1', 'v8fp_test-2')]);
    assert.match(r.doc, /\| sa-east-1 \| `arn:aws:lambda:sa-east-1:<ACCOUNT_ID>:layer:v8fp_test-2:<VERSION>` \|/);
  });

  test('without --dry-run and without the AWS CLI, it says so before any call', () => {
    const nodeDir = path.dirname(process.execPath);
    const missing = path.join(tmp, 'no-such-dir/aws');
    const env = { PATH: `${nodeDir}:/usr/bin:/bin`, V8FP_AWS_CLI: missing };
    const r = spawnSync(PUBLISH, ['--zip', zip, '--doc', path.join(tmp, 'never.md')], { cwd: tmp, env, encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `publish: the AWS CLI (${missing}) is not installed; --dry-run prints the calls without it\n`);
    assert.ok(!fs.existsSync(path.join(tmp, 'never.md')));
  });

  const refused = [
    [['--regions', 'us-east-1,cn-north-1'], /^publish: --regions: 'cn-north-1' is not a commercial region this script publishes to \(us-east-1 /],
    [['--regions', 'us-gov-west-1'], /'us-gov-west-1' is not a commercial region/],
    [['--grant-account', '12345'], /^publish: --grant-account '12345' is not a 12-digit account id\n/],
    [['--grant-organization', 'org-1'], /^publish: --grant-organization 'org-1' is not an organization id/],
    [['--layer-name', 'a b'], /^publish: --layer-name 'a b' is not a layer name/],
    [['--zip', path.join(tmp, 'none.zip')], /^publish: the layer zip '.*none\.zip' is missing \(build it with \.\/build\.sh pkg\)\n$/],
    [['--bogus'], /^publish: unknown argument '--bogus'\nusage: /],
  ];
  for (const [args, message] of refused) {
    test(`refuses ${args.join(' ')} before any call`, () => {
      const r = dryRun(args);
      assert.notEqual(r.status, 0);
      assert.deepEqual(r.calls, []);
      assert.match(r.stderr, message);
      assert.equal(r.doc, null);
    });
  }
});
