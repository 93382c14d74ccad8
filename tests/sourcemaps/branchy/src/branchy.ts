// Every branch form the build scanner numbers, in TypeScript whose types must make no branch:
// optional parameters and members (`x?: T`), non-null assertions, `as`, generics, conditional
// types, interfaces, enums, parameter properties and overloads.
export type Shape = 'circle' | 'square' | 'none';
export type Maybe<T> = T extends null | undefined ? never : T;
type Pick2<T, K extends keyof T = keyof T> = { [P in K]?: T[P] extends Function ? never : T[P] };

export interface Options {
  scale?: number;
  label?: string | null;
  strict?: boolean;
  pick?: Pick2<{ a: number }>;
}

export enum Level {
  Low = 1,
  High = Low > 0 ? 10 : 20,
}

export function area(shape: Shape, size: number, opts?: Options): number {
  const scale = opts?.scale ?? 1;
  let result: number;
  switch (shape) {
    case 'circle':
      result = Math.PI * size * size;
      break;
    case 'square':
      result = size * size;
      break;
    default:
      result = 0;
  }
  if (opts && opts.strict && result === 0) {
    throw new Error(`no area for ${shape}`);
  }
  return result * (scale > 0 ? scale : 1);
}

export function label(value: number | null, fallback: string = 'n/a', level: Level = Level.Low): string {
  if (value === null) return fallback;
  else if (value < 0) {
    return (value as number) < -10 ? 'very negative' : 'negative';
  }
  const text = <string>(value > 100 ? 'big' : String(value));
  return level === Level.High && text !== 'big' ? text.toUpperCase() : text!;
}

export class Counter<T extends { id: number }> {
  private readonly seen = new Map<number, T>();
  constructor(public name: string, protected limit: number = 3) {}

  add(item: T, force?: boolean): boolean {
    if (this.seen.size >= this.limit && !force) return false;
    this.seen.set(item.id, item);
    return true;
  }

  get size(): number {
    return this.seen.size;
  }

  pick<K extends keyof T>(id: number, key: K): T[K] | undefined {
    const item = this.seen.get(id)!;
    return item ? item[key] : undefined;
  }
}

export function first<T>(list: readonly T[]): T | undefined;
export function first<T>(list: readonly T[], fallback: T): T;
export function first<T>(list: readonly T[], fallback?: T): T | undefined {
  return list.length > 0 ? list[0] : fallback;
}

const isShape = (s: unknown): s is Shape => s === 'circle' || s === 'square' || s === 'none';

export function run(inputs: Array<[unknown, number]>): string[] {
  const out: string[] = [];
  const counter = new Counter<{ id: number; v: string }>('c');
  for (const [shape, size] of inputs) {
    if (!isShape(shape)) {
      out.push(label(null));
      continue;
    }
    try {
      out.push(label(area(shape, size, { scale: size > 2 ? 2 : undefined, strict: size === 0 }), 'x', Level.High));
    } catch (e) {
      out.push((e as Error).message || 'error');
    }
    counter.add({ id: size, v: shape }, size > 5);
  }
  out.push(String(counter.pick(1, 'v') ?? first(out, '')), String(counter.size));
  return out;
}

export function handler(): string[] {
  return run([
    ['circle', 1],
    ['square', 3],
    ['square', 3],
    ['none', 0],
    ['triangle', 2],
    ['circle', -1],
    ['square', 7],
  ]);
}
