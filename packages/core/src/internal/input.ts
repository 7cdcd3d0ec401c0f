/**
 * Guards for values that cross the core's boundary with the wrong runtime
 * type (JavaScript callers, JSON): each bad value gets one typed
 * `INVALID_INPUT` error that names the parameter and describes the value
 * without repeating it. Functions returning a `Result` fail with it; the
 * others throw it, as their only error channel. The checks are `typeof` and
 * `instanceof` tests, cheap enough for hot paths.
 *
 * @internal
 */
import * as TokenError from "../TokenError.ts"
import { describeInput } from "./digits.ts"

/** The typed error for `got` given as `what` where `expected` was needed. */
export const invalidInput = (what: string, expected: string, got: unknown): TokenError.TokenError =>
  TokenError.make("INVALID_INPUT", { message: `${what} must be ${expected}, got ${describeInput(got)}.` })

/** Throws {@link invalidInput} unless `ok`; returns nothing otherwise. */
export const ensure = (ok: boolean, what: string, expected: string, got: unknown): void => {
  if (!ok) throw invalidInput(what, expected, got)
}

/** A non-null object (a record, a class instance, an array). */
export const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> => typeof u === "object" && u !== null

/** Throws unless `u` is a string; returns it. */
export const string = (u: unknown, what: string): string => {
  if (typeof u !== "string") throw invalidInput(what, "a string", u)
  return u
}

/** Throws unless `u` is a boolean; returns it. */
export const boolean = (u: unknown, what: string): boolean => {
  if (typeof u !== "boolean") throw invalidInput(what, "a boolean", u)
  return u
}

/** Throws unless `u` is a `Map` (membership, prefix registry); returns it. */
export const map = <K, V>(u: ReadonlyMap<K, V>, what: string): ReadonlyMap<K, V> => {
  if (!(u instanceof Map)) throw invalidInput(what, "a Map", u)
  return u
}
