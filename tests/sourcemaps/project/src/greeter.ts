// Classes: constructor parameter properties, static members, a getter, a private method,
// a #private method and an arrow-valued field.
export abstract class Base {
  abstract greet(): string;

  describe(): string {
    return `a ${this.kind()}`;
  }

  protected kind(): string {
    return 'base';
  }
}

export class Greeter extends Base {
  static instances = 0;
  readonly shout = (text: string): string => text.toUpperCase();

  constructor(private readonly name: string) {
    super();
    Greeter.instances++;
  }

  static create(name: string): Greeter {
    return new Greeter(name.trim());
  }

  static get made(): number {
    return Greeter.instances;
  }

  greet(): string {
    const greeting = this.#polite() ? 'Hello' : 'Hi';
    return `${greeting}, ${this.decorate(this.name)}!`;
  }

  private decorate(value: string): string {
    return value.length > 10 ? this.shout(value) : value;
  }

  #polite(): boolean {
    return true;
  }

  protected override kind(): string {
    return 'greeter';
  }
}

export class Counter {
  static total = 0;

  static bump(): number {
    return ++Counter.total;
  }

  static reset(): void {
    Counter.total = 0;
  }
}
