// Handler forms in CommonJS: every completion style the runtimes support.
const tick = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms));

exports.asyncOk = async (event) => ({ ok: true, event });
exports.asyncThrow = async () => {
  await tick();
  throw new TypeError('async boom');
};
exports.asyncThrowString = async () => {
  throw 'a thrown string';
};
exports.asyncReject = () => Promise.reject(new RangeError('rejected'));
exports.promiseOk = (event) => new Promise((resolve) => setTimeout(() => resolve({ later: event }), 10));
exports.asyncUndefined = async () => undefined;
exports.neverSettles = async () => new Promise(() => {});
exports.neverSettlesSync = () => new Promise(() => {});
exports.callbackOk = (event, context, callback) => {
  setTimeout(() => callback(null, { viaCallback: event }), 5);
};
exports.callbackError = (event, context, callback) => callback(new Error('callback error'));
exports.callbackString = (event, context, callback) => callback('callback string error');
exports.callbackWaits = (event, context, callback) => {
  setTimeout(() => {}, 150);
  callback(null, 'waited for the event loop');
};
exports.callbackNoWait = (event, context, callback) => {
  context.callbackWaitsForEmptyEventLoop = false;
  setTimeout(() => {}, 1500);
  callback(null, 'did not wait');
};
exports.callbackTwice = (event, context, callback) => {
  callback(null, 'first');
  callback(null, 'second');
};
exports.succeed = (event, context) => context.succeed({ succeeded: event });
exports.fail = (event, context) => context.fail(new Error('context.fail'));
exports.failEmpty = (event, context) => context.fail();
exports.doneOk = (event, context) => context.done(null, 'done ok');
exports.doneErr = (event, context) => context.done(new Error('done err'));
exports.succeedThenCallback = (event, context, callback) => {
  context.succeed('succeed wins');
  callback(null, 'callback loses');
};
exports.syncReturn = (event) => ({ syncReturn: event });
exports.syncReturnTwoArgs = (event, context) => 'sync two args';
exports.syncThrow = () => {
  throw new Error('sync boom');
};
exports.syncThrowString = () => {
  throw 'sync string';
};
exports.syncThrowAfterCallback = (event, context, callback) => {
  callback(null, 'callback first');
  throw new Error('thrown after callback');
};
exports.asyncWithCallback = async (event, context, callback) => {
  callback(null, 'callback from async');
  return 'returned from async';
};
exports.lengthOne = async function (event) {
  return { length: exports.lengthOne.length };
};
exports.circular = async () => {
  const o = {};
  o.o = o;
  return o;
};
exports.handlerEnv = async () => ({ _HANDLER: process.env._HANDLER });
exports.callbackCircularNoWait = (event, context, callback) => {
  context.callbackWaitsForEmptyEventLoop = false;
  const o = {};
  o.o = o;
  callback(null, o);
};
exports.nested = { deep: { fn: async () => 'nested property path' } };
exports.notAFunction = 42;
exports.layerEnv = async () => ({ ORIG_NAME: process.env.ORIG_NAME ?? null, _HANDLER: process.env._HANDLER });
