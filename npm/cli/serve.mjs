// `v8-footprints serve [stand-in options]`: runs the backend stand-in on 127.0.0.1 (the package's
// standin/standin.mjs), prints its URL, a test token and each footprints body as it arrives, and serves
// the inspection page pointed at what it recorded: /inspector/?preload opens every recorded body (and
// why a refused one was refused), so "what did the layer send?" is one page away.
import { pageAvailable, pageHandler } from './page-server.mjs';
import { runCli } from '../standin/standin.mjs';

/** Runs the stand-in; resolves with an exit code on bad arguments, else runs until SIGINT / SIGTERM. */
export async function run(args) {
  const page = pageAvailable()
    ? pageHandler({ preload: () => ({ name: 'stand-in', root: '', files: [{ path: 'stand-in recordings', href: '/__standin/received' }] }) })
    : undefined;
  const code = await runCli(args, {
    command: 'v8-footprints serve',
    page,
    onStart: (standin) => {
      if (page) console.log(`  inspection page (what arrived): ${standin.url}/inspector/?preload`);
    },
  });
  if (code !== null) return code;
  return new Promise(() => {}); // the stand-in exits on SIGINT / SIGTERM
}
