/**
 * Registering the kit's properties as tests in the caller's framework, the
 * way keyv's and abstract-level's suites do: the caller passes its `test`
 * (vitest's `it` or `test`, or anything with the same shape) and the kit
 * adds one test per property, titled with the rule IDs in brackets.
 *
 * @since 0.1.0
 */
import type { Effect, Scope } from "effect"
import * as Property from "./Property.ts"

/**
 * Something that gives a value: a Promise, or an Effect (that may need a
 * `Scope`, kept open until the run ends).
 *
 * @category models
 * @since 0.1.0
 */
export type Source<A> = Promise<A> | Effect.Effect<A, unknown, never> | Effect.Effect<A, unknown, Scope.Scope>

/**
 * What the kit passes to a test body: vitest's test context, when there is
 * one, lets a property that does not apply mark itself skipped.
 *
 * @category models
 * @since 0.1.0
 */
export interface TestContext {
  /** Marks the running test skipped, with a note. */
  readonly skip?: ((note?: string) => void) | undefined
}

/**
 * A test registration function compatible with vitest's `it` and `test`:
 * a title, an async body and a timeout in milliseconds.
 *
 * @category models
 * @since 0.1.0
 */
export type TestFunction = (name: string, fn: (context: TestContext) => Promise<void>, timeout?: number) => unknown

/**
 * The caller's `test`, else a global `it` or `test` (vitest with
 * `globals: true`, jest, mocha); throws when there is none.
 *
 * @category constructors
 * @since 0.1.0
 */
export const resolveTest = (test: TestFunction | undefined): TestFunction => {
  if (test !== undefined) return test
  const g = globalThis as { readonly it?: unknown; readonly test?: unknown }
  const found = typeof g.it === "function" ? g.it : typeof g.test === "function" ? g.test : undefined
  if (found === undefined) throw new TypeError("Pass the test function: storeSuite({ test: it, ... }) with `it` from vitest")
  return found as TestFunction
}

/**
 * A test title: the target, the property and its rule IDs in brackets.
 *
 * @category encoding
 * @since 0.1.0
 */
export const title = (target: string, property: { readonly name: string; readonly rules: ReadonlyArray<string> }): string =>
  `${target}: ${property.name} [${property.rules.join("] [")}]`

/**
 * The error a failing property's test throws: its message is the printed
 * failure (rules, seed, path, replay path, shrunk trace, replay line).
 *
 * @category errors
 * @since 0.1.0
 */
export class ConformanceFailure extends Error {
  override readonly name = "ConformanceFailure"
  constructor(readonly result: Property.Result, target: string) {
    super(Property.formatFailure(target, result))
  }
}

/**
 * Ends a test from a property's result: passes, skips (through the test
 * context when the framework gives one) or throws {@link ConformanceFailure}.
 *
 * @category running
 * @since 0.1.0
 */
export const settle = (target: string, result: Property.Result, context: TestContext | undefined): void => {
  if (result.status === "failed") throw new ConformanceFailure(result, target)
  if (result.status === "skipped") context?.skip?.(result.skipped)
}
