#!/usr/bin/env node
/**
 * The project's one version: the `version` of Cargo.toml's [package] table. The build stamps it into every
 * artifact from here (the npm package's package.json, which the layer ships and the agent reads).
 *   node tools/version.mjs                   prints the version
 *   node tools/version.mjs stamp FILE.json   writes it as FILE.json's "version" (right after "name")
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The version in the [package] table of a Cargo.toml text; throws naming the file when there is none. */
export function cargoVersion(text, file = 'Cargo.toml') {
  let inPackage = false;
  for (const line of text.split(/\r?\n/)) {
    const table = /^\s*\[([^\]]*)\]/.exec(line);
    if (table) {
      inPackage = table[1].trim() === 'package';
      continue;
    }
    const m = inPackage && /^\s*version\s*=\s*"([^"]+)"/.exec(line);
    if (m) return m[1];
  }
  throw new Error(`${file}: no version in the [package] table`);
}

/** The project's version, read from the repository's Cargo.toml. */
export function projectVersion() {
  const file = path.join(root, 'Cargo.toml');
  return cargoVersion(fs.readFileSync(file, 'utf8'), file);
}

/** A package.json text with `version` set, placed right after `name` as npm writes it. */
export function stampPackageJson(text, version) {
  const { name, version: _old, ...rest } = JSON.parse(text);
  return `${JSON.stringify({ name, version, ...rest }, null, 2)}\n`;
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [command, file] = process.argv.slice(2);
  if (command === undefined) {
    console.log(projectVersion());
  } else if (command === 'stamp' && file) {
    fs.writeFileSync(file, stampPackageJson(fs.readFileSync(file, 'utf8'), projectVersion()));
  } else {
    console.error('usage: node tools/version.mjs [stamp FILE.json]');
    process.exit(2);
  }
}
