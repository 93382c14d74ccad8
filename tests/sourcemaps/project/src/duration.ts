// Wraps the `ms` package (a real npm dependency, bundled by esbuild and webpack).
import ms from 'ms';

export type Millis = number;

export function parseDuration(text: string): Millis {
  const value = ms(text);
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new Error(`not a duration: ${text}`);
  }
  return value;
}

export function describeDuration(value: Millis): string {
  const long = (v: Millis) => ms(v, { long: true });
  return value >= 1000 ? long(value) : `${value} ms`;
}

/** Never called by the tests. */
export function neverCalled(): string {
  const inner = function () {
    return 'still not called';
  };
  return inner();
}
