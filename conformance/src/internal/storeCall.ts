/**
 * Calling a store and checking the outcome against the model's expectation:
 * success, or a `TokenStoreError` whose `reason._tag` (and `constraint`, for
 * `Duplicate`) is one of the allowed ones. Errors are matched by tag, never
 * by message.
 */
import type * as TokenStore from "@tokenvault/vault/TokenStore"
import type { Effect } from "effect"
import { Mismatch } from "./assert.ts"
import { attempt, type Outcome } from "./outcome.ts"

/** An allowed failure: a reason tag and, for `Duplicate`, the constraint. */
export interface Expected {
  readonly reason: TokenStore.Reason
  readonly constraint?: TokenStore.Duplicate["constraint"] | undefined
}

/** Text for an expected failure. */
export const showExpected = (e: Expected): string => e.constraint === undefined ? e.reason : `${e.reason}(${e.constraint})`

const reasonOf = (error: unknown): Expected | undefined => {
  if (typeof error !== "object" || error === null || (error as { _tag?: unknown })._tag !== "TokenStoreError") return undefined
  const reason = (error as { reason?: { _tag?: unknown; constraint?: unknown } }).reason
  if (typeof reason?._tag !== "string") return undefined
  return { reason: reason._tag as TokenStore.Reason, constraint: reason.constraint as Expected["constraint"] }
}

/** Text for an outcome. */
export const showOutcome = (o: Outcome<unknown>): string => {
  switch (o._tag) {
    case "Success":
      return "success"
    case "Failure": {
      const r = reasonOf(o.error)
      return r === undefined ? `an untyped failure (${String(o.error)})` : `TokenStoreError ${showExpected(r)}`
    }
    case "Defect":
      return `a defect (${o.defect instanceof Error ? o.defect.message : String(o.defect)})`
  }
}

/** Runs `thunk` and requires success; returns the value. */
export const expectSuccess = async <A>(
  what: string,
  thunk: () => Effect.Effect<A, TokenStore.TokenStoreError>,
  rules?: ReadonlyArray<string>
): Promise<A> => {
  const o = await attempt(thunk)
  if (o._tag !== "Success") throw new Mismatch(`${what}: expected success, got ${showOutcome(o)}`, rules)
  return o.value
}

/** True when an outcome is a `TokenStoreError` with one of the `allowed` reasons. */
export const failedWithOneOf = (o: Outcome<unknown>, allowed: ReadonlyArray<Expected>): boolean => {
  const r = o._tag === "Failure" ? reasonOf(o.error) : undefined
  return r !== undefined && allowed.some((a) => a.reason === r.reason && (a.constraint === undefined || a.constraint === r.constraint))
}

/** Runs `thunk` and requires a `TokenStoreError` with one of the `allowed` reasons. */
export const expectFailure = async (
  what: string,
  thunk: () => Effect.Effect<unknown, TokenStore.TokenStoreError>,
  allowed: ReadonlyArray<Expected>,
  rules?: ReadonlyArray<string>
): Promise<Expected> => {
  const o = await attempt(thunk)
  const r = o._tag === "Failure" ? reasonOf(o.error) : undefined
  const match = r === undefined
    ? undefined
    : allowed.find((a) => a.reason === r.reason && (a.constraint === undefined || a.constraint === r.constraint))
  if (match === undefined) {
    throw new Mismatch(`${what}: expected TokenStoreError ${allowed.map(showExpected).join(" or ")}, got ${showOutcome(o)}`, rules)
  }
  return r!
}

/** Runs `thunk` and checks it against `allowed`: success when empty, else one of the failures. */
export const expectOutcome = async <A>(
  what: string,
  thunk: () => Effect.Effect<A, TokenStore.TokenStoreError>,
  allowed: ReadonlyArray<Expected>,
  rules?: ReadonlyArray<string>
): Promise<A | undefined> => {
  if (allowed.length === 0) return expectSuccess(what, thunk, rules)
  await expectFailure(what, thunk, allowed, rules)
  return undefined
}
