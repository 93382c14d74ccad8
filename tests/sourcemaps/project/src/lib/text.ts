// Small text helpers: arrows in callbacks, an object with methods, a generic function.
export const words = (text: string): string[] =>
  text
    .split(/\s+/)
    .filter((w) => w.length > 0);

export function titleCase(text: string): string {
  return words(text)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join(' ');
}

export function first<T>(items: T[], fallback: T): T {
  return items.length > 0 ? items[0] : fallback;
}

export const formatter = {
  prefix: '>',
  line(text: string): string {
    return `${this.prefix} ${text}`;
  },
  get width(): number {
    return 80;
  },
};
