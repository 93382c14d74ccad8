/**
 * In-process tests of the wrapper's modules: configuration, the handler's shape, and the guarded hooks
 * (budget, logging, handles left behind). The behaviour through the real runtimes is in the other suites.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readConfig, runtimeGeneration } from '../../wrapper/lib/config.mjs';
import { guardHooks } from '../../wrapper/lib/hooks.mjs';
import { HANDLER_HIGHWATERMARK, HANDLER_STREAMING, isAsyncFunction, shapedLike } from '../../wrapper/lib/shape.mjs';

describe('config', () => {
  test('the runtime generation comes from AWS_EXECUTION_ENV, else the Node major', () => {
    assert.equal(runtimeGeneration({ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x' }, '20.1.0'), 4);
    assert.equal(runtimeGeneration({ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' }, '24.1.0'), 3);
    assert.equal(runtimeGeneration({ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs18.x' }, '24.1.0'), 3);
    assert.equal(runtimeGeneration({}, '24.0.0'), 4);
    assert.equal(runtimeGeneration({ AWS_EXECUTION_ENV: 'AWS_Lambda_rapid' }, '20.0.0'), 3);
  });
  test('ORIG_NAME wins over SL_ORIGINAL_HANDLER, but never names the wrapper itself', () => {
    assert.equal(readConfig({ ORIG_NAME: 'a.b', SL_ORIGINAL_HANDLER: 'c.d' }).originalHandler, 'a.b');
    assert.equal(readConfig({ SL_ORIGINAL_HANDLER: 'c.d' }).originalHandler, 'c.d');
    const env = { ORIG_NAME: '/opt/wrapper.handleExecution', SL_ORIGINAL_HANDLER: 'c.d' };
    assert.equal(readConfig(env, '/opt/wrapper.mjs').originalHandler, 'c.d');
  });
  test('either name of the layer entry is the wrapper itself, from either file; another layer\'s is not', () => {
    const names = ['/opt/wrapper.handleExecution', '/opt/v8-footprints/handler.handleExecution'];
    for (const file of ['/opt/wrapper.mjs', '/opt/v8-footprints/handler.mjs']) {
      for (const name of names) {
        assert.equal(readConfig({ ORIG_NAME: name, SL_ORIGINAL_HANDLER: 'c.d' }, file).originalHandler, 'c.d', `${name} from ${file}`);
        assert.equal(readConfig({ SL_ORIGINAL_HANDLER: name }, file).originalHandler, '', `${name} from ${file}`);
      }
      // Relative to the task root, as the runtime resolves it.
      const task = { LAMBDA_TASK_ROOT: '/var/task', ORIG_NAME: '../../opt/v8-footprints/handler.handleExecution', SL_ORIGINAL_HANDLER: 'c.d' };
      assert.equal(readConfig(task, file).originalHandler, 'c.d');
      for (const other of ['/opt/other/wrapper.handleExecution', '/opt/other/v8-footprints/handler.handleExecution', '/var/task/handler.handleExecution']) {
        assert.equal(readConfig({ ORIG_NAME: other }, file).originalHandler, other, `${other} from ${file}`);
      }
    }
  });
  test('budget, disable and agent settings', () => {
    assert.equal(readConfig({}).flushBudgetMs, 2000);
    assert.equal(readConfig({ SL_FLUSH_BUDGET_MS: '200' }).flushBudgetMs, 200);
    assert.equal(readConfig({ SL_FLUSH_BUDGET_MS: ' 900000 ' }).flushBudgetMs, 900000);
    for (const bad of ['-1', 'x', '0', '199', '250.5', '900001']) {
      assert.deepEqual(readConfig({ SL_FLUSH_BUDGET_MS: bad }).problems, [`SL_FLUSH_BUDGET_MS=${JSON.stringify(bad)} is not a whole number from 200 to 900000`]);
    }
    assert.equal(readConfig({ SL_DISABLE: 'TRUE' }).disabled, true);
    assert.equal(readConfig({ SL_DISABLE: 'false' }).disabled, false);
    assert.match(readConfig({ V8FP_AGENT_MODULE: 'rel.mjs' }).problems[0], /absolute/);
  });
});

describe('shape', () => {
  test('async-ness, length, name and streaming symbols are copied', () => {
    const streaming = async function handler(event, stream, context) {};
    streaming[HANDLER_STREAMING] = 'response';
    streaming[HANDLER_HIGHWATERMARK] = 4;
    const w = shapedLike(streaming, () => {});
    assert.equal(isAsyncFunction(w), true);
    assert.equal(w.length, 3);
    assert.equal(w.name, 'handler');
    assert.equal(w[HANDLER_STREAMING], 'response');
    assert.equal(w[HANDLER_HIGHWATERMARK], 4);
    const plain = shapedLike((a, b) => {}, () => {});
    assert.equal(isAsyncFunction(plain), false);
    assert.equal(plain.length, 2);
    assert.equal(plain[HANDLER_STREAMING], undefined);
  });
  test('the wrapper passes this and the arguments through', () => {
    const self = {};
    const w = shapedLike(function () {}, (original, extra, thisArg, args) => [thisArg, args, extra], 'x');
    assert.deepEqual(w.call(self, 1, 2), [self, [1, 2], 'x']);
  });
});

describe('guarded hooks', () => {
  test('a throwing or rejecting hook is swallowed', async () => {
    const errors = [];
    const saved = console.error;
    console.error = (line) => errors.push(line);
    try {
      const g = guardHooks({ beforeLoad: () => { throw new Error('x1'); }, beforeInvoke: () => Promise.reject(new Error('x2')), afterInvoke: async () => { throw new Error('x3'); } }, 100);
      await g.beforeLoad();
      g.beforeInvoke({}, {});
      await g.afterInvoke({});
      await g.afterInvoke({});
      await new Promise((r) => setImmediate(r));
    } finally {
      console.error = saved;
    }
    assert.deepEqual(errors.sort(), [
      '[v8-footprints] afterInvoke hook failed: Error: x3',
      '[v8-footprints] beforeInvoke hook failed: Error: x2',
      '[v8-footprints] beforeLoad hook failed: Error: x1',
    ]);
  });
  test('a hanging hook is given up after the budget and its timers are unref\'d', async () => {
    let leaked;
    const saved = console.error;
    console.error = () => {};
    try {
      const g = guardHooks({ afterInvoke: () => new Promise((resolve) => { leaked = setTimeout(resolve, 60000); }) }, 50);
      const t0 = Date.now();
      await g.afterInvoke({});
      const ms = Date.now() - t0;
      assert.ok(ms >= 45 && ms < 1000, `${ms} ms`);
    } finally {
      console.error = saved;
    }
    assert.equal(leaked.hasRef(), false, 'the hook\'s timer no longer keeps the process alive');
    clearTimeout(leaked);
  });
  test('missing hooks are fine', async () => {
    const g = guardHooks({}, 10);
    await g.beforeLoad();
    g.beforeInvoke({}, {});
    await g.afterInvoke({});
  });
});
