/**
 * The agent's version (`agentVersion` in what it sends): the version of the wasm package it ships with, which
 * the build stamps from Cargo.toml, the project's one version source (tools/version.mjs). The package sits at
 * the same place relative to this file in the layer (`v8-footprints/pkg/`) and in the repository (`pkg/`).
 */
import fs from 'node:fs';

const MANIFEST = new URL('../../pkg/package.json', import.meta.url);

/** The `version` of the package.json at `url`; throws naming the file when it cannot be read or has none. */
export function packageVersion(url = MANIFEST) {
  let manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(url, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the package's version from ${url.pathname ?? url}: ${error.message}`);
  }
  if (typeof manifest?.version !== 'string' || manifest.version === '') {
    throw new Error(`${url.pathname ?? url} has no "version" (build the package with ./build.sh pkg)`);
  }
  return manifest.version;
}

export const VERSION = packageVersion();
