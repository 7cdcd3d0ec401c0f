/** Running store effects in tests and reading their typed failures. */
import type * as TokenStore from "@tokenvault/vault/TokenStore"
import { Cause, Effect, Exit } from "effect"

/** Runs an effect; resolves with its value (rejects on failure). */
export const run = <A, E>(effect: Effect.Effect<A, E>): Promise<A> => Effect.runPromise(effect)

/** What a store call produced: its value, or the typed failure's reason. */
export type Outcome<A> =
  | { readonly _tag: "Success"; readonly value: A }
  | { readonly _tag: "Failure"; readonly error: TokenStore.TokenStoreError }
  | { readonly _tag: "Defect"; readonly defect: unknown }

/** Runs a store call and records what happened (never throws). */
export const outcome = async <A>(effect: Effect.Effect<A, TokenStore.TokenStoreError>): Promise<Outcome<A>> => {
  let exit: Exit.Exit<A, TokenStore.TokenStoreError>
  try {
    exit = await Effect.runPromiseExit(effect)
  } catch (defect) {
    return { _tag: "Defect", defect }
  }
  if (Exit.isSuccess(exit)) return { _tag: "Success", value: exit.value }
  const error = exit.cause.reasons.find(Cause.isFailReason)?.error
  return error === undefined ? { _tag: "Defect", defect: Cause.squash(exit.cause) } : { _tag: "Failure", error }
}

/** The reason of a failed store call (`reason._tag` and, for Duplicate, the constraint). */
export const reasonOf = async (effect: Effect.Effect<unknown, TokenStore.TokenStoreError>): Promise<string> => {
  const o = await outcome(effect)
  if (o._tag === "Success") return "success"
  if (o._tag === "Defect") return `defect: ${String(o.defect)}`
  const r = o.error.reason
  return r._tag === "Duplicate" ? `Duplicate(${r.constraint})` : r._tag
}
