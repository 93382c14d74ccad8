// The subcommands' argument parsing: Node's own `util.parseArgs` (strict: an unknown option or a
// missing value is an error), with `--help` on every command and errors as one line that names
// the command. Repeatable options (`multiple`) give arrays.
import { parseArgs } from 'node:util';

/** A mistake on the command line: the command prints it with its usage and exits with 2. */
export class UsageError extends Error {}

/**
 * Parses `args` for `command` with `options` (as util.parseArgs takes them, plus `help`).
 * Returns {values, positionals}; throws a UsageError for anything it does not know.
 * @returns {{ values: Record<string, any>, positionals: string[] }}
 */
export function parse(command, args, options) {
  try {
    return parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(`v8-footprints ${command}: ${error.message}`);
  }
}

/** Runs a subcommand body: a UsageError prints the message and the usage (exit 2). */
export async function withUsage(usage, body) {
  try {
    return await body();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${usage}`);
    return 2;
  }
}

/** One of `allowed` for option `name`, or a UsageError. */
export function oneOf(command, name, value, allowed) {
  if (allowed.includes(value)) return value;
  throw new UsageError(`v8-footprints ${command}: --${name} must be one of ${allowed.join(', ')}, not '${value}'`);
}
