/**
 * The agent as a Lambda internal extension (the Extensions API, from inside the runtime process), so that its
 * work after an invocation happens after the response went out: Lambda delivers the next event, and may
 * freeze the sandbox, only once the runtime and every registered extension asked for the next event. The
 * agent registers during init (before the runtime's first `next`), asks for the next event at once (init is
 * over for it), and after each invocation asks again only when its work for it is done.
 *
 * The pending `GET /event/next` must never keep the process alive or delay a response that waits for an
 * empty event loop: its socket is unref'd. Node built-ins only; the token never goes here.
 */
import { http } from '../builtins.mjs';

const EXTENSION_NAME = 'v8-footprints';
const REGISTER_TIMEOUT_MS = 1000;

/**
 * Registers for INVOKE events with the Runtime API at `runtimeApi` (host:port). Resolves to an extension
 * `{next(): void}`, or throws with a message saying why it could not register.
 */
export async function registerExtension(runtimeApi) {
  if (!runtimeApi) throw new Error('AWS_LAMBDA_RUNTIME_API is not set');
  const [host, port] = splitHostPort(runtimeApi);
  // One connection for the life of the process: each invocation's `next` reuses it (a new connection each
  // time left a socket and its buffers per invocation for the collector).
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1, maxFreeSockets: 1 });
  const answer = await request({ host, port, agent, method: 'POST', path: '/2020-01-01/extension/register', headers: { 'Lambda-Extension-Name': EXTENSION_NAME, 'Content-Type': 'application/json' }, body: '{"events":["INVOKE"]}', timeoutMs: REGISTER_TIMEOUT_MS });
  const id = answer.headers['lambda-extension-identifier'];
  if (answer.status !== 200 || !id) throw new Error(`the Extensions API answered ${answer.status} to the registration`);

  let waiting = false;
  return {
    /**
     * Tells Lambda the agent is done with the current invocation (or with init): asks for the next event
     * and leaves the request pending, unref'd, until Lambda delivers one. Calling it while a request is
     * pending does nothing.
     */
    next() {
      if (waiting) return;
      waiting = true;
      const req = http.request({ host, port, agent, method: 'GET', path: '/2020-01-01/extension/event/next', headers: { 'Lambda-Extension-Identifier': id } });
      req.on('socket', (socket) => socket.unref());
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => (waiting = false));
        res.on('error', () => (waiting = false));
      });
      req.on('error', () => (waiting = false));
      req.end();
    },
  };
}

function splitHostPort(hostPort) {
  const at = hostPort.lastIndexOf(':');
  return at > 0 ? [hostPort.slice(0, at).replace(/^\[|\]$/g, ''), Number(hostPort.slice(at + 1))] : [hostPort, 80];
}

/** One small request with a deadline; its timer and socket keep nothing alive once it ends. */
function request({ host, port, agent, method, path, headers, body, timeoutMs }) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port, agent, method, path, headers: { ...headers, 'Content-Length': Buffer.byteLength(body) } });
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode, headers: res.headers });
      });
    });
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end(body);
  });
}
