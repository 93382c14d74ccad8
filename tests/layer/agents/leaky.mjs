// Test agent: afterInvoke hangs on a 10 s timer and on a request to a server that never answers
// (V8FP_TEST_HANG_PORT on 127.0.0.1), leaving both live behind it.
import http from 'node:http';

export async function afterInvoke() {
  const port = Number(process.env.V8FP_TEST_HANG_PORT);
  const request = port
    ? new Promise((resolve) => {
        const req = http.request({ host: '127.0.0.1', port, path: '/hang', method: 'POST' }, resolve);
        req.on('error', resolve);
        req.end('{}');
      })
    : Promise.resolve();
  await Promise.all([new Promise((resolve) => setTimeout(resolve, 10000)), request]);
}
