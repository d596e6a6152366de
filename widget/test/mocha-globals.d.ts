// widget/test/mocha-globals.d.ts
// The few Mocha globals the tests use (web-test-runner provides Mocha; @types/mocha is not installed).

interface MochaTest {
  fullTitle(): string;
}

/** `this` in tests and hooks (declared with `function`, not arrows). */
interface MochaContext {
  skip(): never;
  test?: MochaTest;
  currentTest?: MochaTest;
}

type MochaFn = (this: MochaContext) => void | Promise<void>;

declare function describe(title: string, fn: () => void): void;
declare function it(title: string, fn: MochaFn): void;
declare function beforeEach(fn: MochaFn): void;
declare function afterEach(fn: MochaFn): void;
declare function before(fn: MochaFn): void;
declare function after(fn: MochaFn): void;
