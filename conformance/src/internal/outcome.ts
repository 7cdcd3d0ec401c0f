/**
 * Running a port call and keeping what happened: a value, a typed failure or
 * a defect. The kit never lets an adapter's throw escape unrecorded.
 */
import { Cause, Effect, Exit, Result, Scope } from "effect"
import type { Source } from "../Harness.ts"

/** What a call produced. */
export type Outcome<A> =
  | { readonly _tag: "Success"; readonly value: A }
  | { readonly _tag: "Failure"; readonly error: unknown }
  | { readonly _tag: "Defect"; readonly defect: unknown }

/** Runs an effect (or a thunk that builds one and may throw) and records its outcome. */
export const attempt = async <A, E>(thunk: () => Effect.Effect<A, E>): Promise<Outcome<A>> => {
  let effect: Effect.Effect<A, E>
  try {
    effect = thunk()
  } catch (defect) {
    return { _tag: "Defect", defect }
  }
  const exit = await Effect.runPromiseExit(effect)
  if (Exit.isSuccess(exit)) return { _tag: "Success", value: exit.value }
  const found = Cause.findError(exit.cause)
  return Result.isSuccess(found) ? { _tag: "Failure", error: found.success } : { _tag: "Defect", defect: Cause.squash(exit.cause) }
}

/** A resource and how to let it go. */
export interface Acquired<A> {
  readonly value: A
  readonly release: () => Promise<void>
}

/**
 * Acquires a value from a Promise or an Effect. An Effect runs in a fresh
 * scope that stays open until `release`, so adapters built with
 * `acquireRelease` keep their resources for the whole run.
 */
export const acquire = async <A>(source: Source<A>): Promise<Acquired<A>> => {
  if (!Effect.isEffect(source)) return { value: await source, release: () => Promise.resolve() }
  const scope = Scope.makeUnsafe()
  const exit = await Effect.runPromiseExit(Scope.provide(scope)(source as Effect.Effect<A, unknown, Scope.Scope>))
  if (Exit.isFailure(exit)) {
    await Effect.runPromise(Scope.close(scope, Exit.void))
    throw Cause.squash(exit.cause)
  }
  return { value: exit.value, release: () => Effect.runPromise(Scope.close(scope, Exit.void)) }
}
