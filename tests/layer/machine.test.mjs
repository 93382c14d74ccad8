// The start event's machine facts (wrapper/lib/agent/machine.mjs): CPUs online from the kernel's list, not node:os.
//
//   node --test tests/layer/machine.test.mjs
import assert from 'node:assert/strict';
import os from 'node:os';
import { test } from 'node:test';
import { countCpuList, onlineCpus } from '../../wrapper/lib/agent/machine.mjs';

test('a kernel CPU list is counted range by range', () => {
  assert.equal(countCpuList('0\n'), 1);
  assert.equal(countCpuList('0-1\n'), 2);
  assert.equal(countCpuList('0,2-3,8-11'), 7);
  assert.equal(countCpuList('5-5'), 1);
});

test('text that is not a CPU list gives no count', () => {
  for (const text of ['', '\n', 'cpu0', '0-', '-1', '0,,1', '3-1', '0 1']) assert.equal(countCpuList(text), undefined, JSON.stringify(text));
});

test('the count is the kernel\'s on this machine, and none where the list cannot be read', () => {
  assert.equal(onlineCpus(), os.cpus().length);
  assert.equal(onlineCpus(() => '0-3\n'), 4);
  assert.equal(
    onlineCpus(() => {
      throw Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
    }),
    undefined,
  );
});
