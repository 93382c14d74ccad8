#!/usr/bin/env node
// The `v8-footprints` command (the package's `bin`): picks the subcommand and hands it the rest of
// the arguments. Each subcommand lives in its own module of this folder and exports
// `run(args: string[]): Promise<number>`, the process's exit code.
import process from 'node:process';

const SUBCOMMANDS = {
  convert: ['./convert.mjs', 'V8 coverage (files or NODE_V8_COVERAGE folders) to footprints, Istanbul JSON, LCOV or JSON'],
  send: ['./send.mjs', 'send a saved footprints body with the layer\'s settings (SL_*)'],
  serve: ['./serve.mjs', 'run the backend stand-in on 127.0.0.1 and look at what a layer sends'],
  inspect: ['./inspect.mjs', 'open the inspection page on 127.0.0.1 with coverage, footprints and sources preloaded'],
};

function usage() {
  const width = Math.max(...Object.keys(SUBCOMMANDS).map((name) => name.length));
  const lines = Object.entries(SUBCOMMANDS).map(([name, [, what]]) => `  ${name.padEnd(width)}  ${what}`);
  return `usage: v8-footprints <command> [options]\n\ncommands:\n${lines.join('\n')}\n\n` +
    'Run `v8-footprints <command> --help` for the options of one command.\n';
}

async function main(argv) {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    const { createRequire } = await import('node:module');
    process.stdout.write(createRequire(import.meta.url)('../package.json').version + '\n');
    return 0;
  }
  const entry = Object.hasOwn(SUBCOMMANDS, name) ? SUBCOMMANDS[name] : undefined;
  if (!entry) {
    process.stderr.write(`v8-footprints: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  const command = await import(entry[0]);
  return command.run(args);
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error) => {
    process.stderr.write(`v8-footprints: ${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 1;
  },
);
