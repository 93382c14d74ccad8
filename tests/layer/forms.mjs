/** The handler forms of the differential suite: handler strings in tests/layer/handlers (see helpers.taskRoot). */
const f = (name) => `forms.${name}`;

export const INVOCATION_FORMS = [
  f('asyncOk'), f('asyncThrow'), f('asyncThrowString'), f('asyncReject'), f('promiseOk'), f('asyncUndefined'),
  f('neverSettles'), f('neverSettlesSync'),
  f('callbackOk'), f('callbackError'), f('callbackString'), f('callbackWaits'), f('callbackNoWait'), f('callbackTwice'),
  f('succeed'), f('fail'), f('failEmpty'), f('doneOk'), f('doneErr'), f('succeedThenCallback'),
  f('syncReturn'), f('syncReturnTwoArgs'), f('syncThrow'), f('syncThrowString'), f('syncThrowAfterCallback'),
  f('asyncWithCallback'), f('lengthOne'), f('circular'), f('callbackCircularNoWait'), f('handlerEnv'), f('nested.deep.fn'),
  'streaming.ok', 'streaming.midError', 'streaming.highWaterMark', 'streaming.http', 'streaming.notAsync',
  'streaming.promiseNotAsync', 'streaming.unfinished',
  'esm.handler', 'defaultfn.default', 'cjs.handler', 'noext.handler', 'esmsyntax.handler', 'typemodule/index.handler',
  'nested/dir/app.handler', 'v8fp-fixture-pkg.handler',
];

export const INIT_FORMS = [
  'nomodule.handler', f('missingExport'), f('notAFunction'), 'broken.handler', 'brokenesm.handler',
  'needsmissing.handler', 'initthrow.handler', 'nodot', '../handlers/forms.asyncOk', 'esm.missing',
];

/** Forms that never respond (the runtime waits for the Lambda timeout): invoked once, with this timeout. */
export const TIMEOUT_FORMS = { 'streaming.unfinished': 1500 };

/**
 * Forms whose traces differ by design, compared without their stack frames: the runtime builds this error
 * (a response it cannot serialize) inside the callback, which the wrapper calls after the flush rather than
 * from the handler's own frame. Type and message are still compared.
 */
export const FRAMES_DIFFER = new Set(['forms.callbackCircularNoWait']);

export const EVENTS = [{ n: 1, text: 'first' }, { n: 2, list: [1, 2, 3] }];
