// Response-streaming handlers (awslambda is defined by the runtime before this module loads).
const tick = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms));

exports.ok = awslambda.streamifyResponse(async (event, responseStream) => {
  responseStream.write('chunk-1;');
  await tick();
  responseStream.write('chunk-2;');
  responseStream.end();
});
exports.midError = awslambda.streamifyResponse(async (event, responseStream) => {
  responseStream.write('before the error;');
  await tick();
  throw new Error('failed mid-stream');
});
exports.highWaterMark = awslambda.streamifyResponse(
  async (event, responseStream) => {
    for (let i = 0; i < 5; i++) responseStream.write(`hwm-${i};`);
    responseStream.end();
  },
  { highWaterMark: 4 },
);
exports.http = awslambda.streamifyResponse(async (event, responseStream) => {
  const stream = awslambda.HttpResponseStream.from(responseStream, { statusCode: 201, headers: { 'x-a': 'b' } });
  stream.write('http body');
  stream.end();
});
exports.notAsync = awslambda.streamifyResponse((event, responseStream) => {
  responseStream.end('sync streaming');
});
exports.promiseNotAsync = awslambda.streamifyResponse((event, responseStream) =>
  tick().then(() => responseStream.end('promise streaming')),
);
exports.unfinished = awslambda.streamifyResponse(async (event, responseStream) => {
  responseStream.write('never ended');
});
