/**
 * In-process tests of what bounds the agent's memory: the agent's id without node:crypto, and the V8 flags of
 * wrapper/lib/memory-flags.mjs (set in a child process: they are process-wide). What they save is measured by
 * `node bench/memory.mjs`; which modules a layered function loads is checked through the runtime clients in
 * tests/e2e/modules.test.mjs.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { newAgentId, uuidFromBytes } from '../../wrapper/lib/agent/agent-id.mjs';
import { startedWith, startupValue, wasmFlags } from '../../wrapper/lib/memory-flags.mjs';

/**
 * The start of a child process's script for the young-generation tests: the flags module, the young
 * generation's size, and churn that grows a young generation left free.
 */
const YOUNG_PRELUDE = `
    const flags = await import(${JSON.stringify(new URL('../../wrapper/lib/memory-flags.mjs', import.meta.url).href)});
    const v8 = await import('node:v8');
    const young = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
    const churn = () => { let keep = []; for (let i = 0; i < 400000; i++) { keep.push({ i }); if (keep.length > 100000) keep = []; } };`;

/** Runs `script` (an ES module) in a child Node with `args`, with nothing printed to stderr; its JSON answer. */
function childAnswer(script, args = []) {
  const child = spawnSync(process.execPath, [...args, '--input-type=module', '-e', script], { encoding: 'utf8', env: { PATH: process.env.PATH } });
  assert.equal(child.stderr, '');
  return JSON.parse(child.stdout);
}

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('the agent id is a version-4 UUID of the given bytes', () => {
  assert.equal(uuidFromBytes(Buffer.alloc(16, 0xff)), 'ffffffff-ffff-4fff-bfff-ffffffffffff');
  assert.equal(uuidFromBytes(Buffer.alloc(16, 0)), '00000000-0000-4000-8000-000000000000');
  const counting = Buffer.from(Array.from({ length: 16 }, (_, i) => i * 17));
  assert.equal(uuidFromBytes(counting), '00112233-4455-4677-8899-aabbccddeeff');
});

test('each cold start has an id of its own, without loading node:crypto', () => {
  const ids = new Set(Array.from({ length: 1000 }, () => newAgentId()));
  assert.equal(ids.size, 1000);
  for (const id of ids) assert.match(id, UUID_V4);
  const loaded = execFileSync(process.execPath, ['--input-type=module', '-e', `
    const { newAgentId } = await import(${JSON.stringify(new URL('../../wrapper/lib/agent/agent-id.mjs', import.meta.url).href)});
    newAgentId();
    console.log(process.moduleLoadList.filter((m) => /crypto/.test(m)).join(','));`], { encoding: 'utf8' });
  assert.equal(loaded.trim(), '');
});

test('the wrapper-tiering flag is set only where V8 knows it (an unknown flag prints an error to the log)', () => {
  const base = ['--liftoff-only', '--no-wasm-tier-up', '--no-wasm-dynamic-tiering'];
  assert.deepEqual(wasmFlags(10), base);
  assert.deepEqual(wasmFlags(11), base);
  assert.deepEqual(wasmFlags(12), [...base, '--wasm-wrapper-tiering-budget=2147483647']);
  assert.deepEqual(wasmFlags(13), [...base, '--wasm-wrapper-tiering-budget=2147483647']);
});

test('the flags the process was started with: its command line after NODE_OPTIONS, dashes or underscores', () => {
  assert.equal(startedWith('expose-gc', ' --expose-gc'), true);
  assert.equal(startedWith('expose-gc', '--max-old-space-size=116 --expose_gc '), true);
  assert.equal(startedWith('expose-gc', '--no-expose-gc --expose-gc-as=x --exposegc'), false);
  assert.equal(startedWith('allow-natives-syntax', '--expose-gc'), false);
  assert.equal(startupValue('semi-space-growth-factor', '--semi-space-growth-factor=3 --semi_space_growth_factor 4'), '4');
  assert.equal(startupValue('semi-space-growth-factor', '--max-semi-space-size=4 '), undefined);
});

test("a function started with its own young-generation growth factor gets it back after the agent's work", () => {
  const script = `${YOUNG_PRELUDE}
    const answer = flags.withYoungGenerationHeld(() => 7);
    const before = young();
    churn();
    console.log(JSON.stringify({ factor: flags.FUNCTION_GROWTH_FACTOR, answer, grew: young() > 2 * before }));`;
  // On the command line (NODE_OPTIONS refuses this flag), as a runtime's bootstrap or an exec wrapper puts it.
  // Factor 1: the function's own collections never grow it, as it asked.
  assert.deepEqual(childAnswer(script, ['--semi-space-growth-factor=1']), { factor: 1, answer: 7, grew: false });
  assert.deepEqual(childAnswer(script), { factor: 2, answer: 7, grew: true });
});

// V8 lets a held young generation double once (1 to 2 MB on Node 20 and 24); the same churn grows a free one to 16 MB.
test('setting the flags on this Node prints nothing and holds, then releases, the young generation (also around a work that throws)', () => {
  const script = `${YOUNG_PRELUDE}
    flags.holdYoungGeneration();
    flags.boundWasmCompilation();
    const before = young();
    churn();
    const held = young();
    flags.releaseYoungGeneration();
    let threw = false;
    try {
      flags.withYoungGenerationHeld(() => { churn(); throw new Error('in the work'); });
    } catch { threw = true; }
    const answer = flags.withYoungGenerationHeld(() => { churn(); return 7; });
    const heldAround = young() <= 2 * before;
    churn();
    console.log(JSON.stringify({ held: held <= 2 * before, heldAround, threw, answer, released: young() >= 4 * held }));`;
  assert.deepEqual(childAnswer(script), { held: true, heldAround: true, threw: true, answer: 7, released: true });
});
