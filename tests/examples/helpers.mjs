/**
 * What the example checks share: the tools ./build.sh setup installs (cfn-lint in .cache/venv, the CDK in
 * examples/cdk, the Serverless Framework v3 in tests/examples), an environment that keeps them offline and away
 * from any AWS account (no credentials, no instance metadata, no telemetry or notices), and the expectations
 * every example meets: the exec wrapper, SL_* from a secret, arm64.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../layer/helpers.mjs';

export { tempDir };

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The path of an installed tool, or a clear error naming the step that installs it. */
export function tool(relative) {
  const file = path.join(repoRoot, relative);
  if (!fs.existsSync(file)) throw new Error(`${relative} is missing: run ./build.sh setup`);
  return file;
}


/** Runs `command` offline: no AWS credentials or profile, no metadata service, no telemetry or notices. */
export function runOffline(command, args, { cwd = repoRoot, env = {} } = {}) {
  const home = tempDir('v8fp-examples-home-');
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(AWS_|CDK_|SLS_|SERVERLESS_)/.test(k)));
  return spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    timeout: 300000,
    env: {
      ...clean,
      HOME: home,
      AWS_CONFIG_FILE: path.join(home, 'no-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'no-aws-credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
      CDK_DISABLE_CLI_TELEMETRY: 'true',
      SLS_TELEMETRY_DISABLED: '1',
      SLS_NOTIFICATIONS_MODE: 'off',
      ...env,
    },
  });
}

/** The settings every example gives its function (beside the SL_* secret values, which differ in form). */
export const EXEC_WRAPPER = '/opt/sealights-extension';
export const HANDLER = 'src/test-lambda-1/index.handler';
