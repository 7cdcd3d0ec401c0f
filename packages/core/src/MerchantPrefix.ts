/**
 * Merchant prefixes: 4 characters of `[A-Z0-9]`, unique per merchant. Standard
 * and custom tokens embed them. The uniqueness check is pure: the registry of
 * existing prefixes is passed in.
 *
 * @since 0.1.0
 */
import { Result } from "effect"
import { drawChars } from "./internal/alphabet.ts"
import { invalidInput, map } from "./internal/input.ts"
import * as TokenError from "./TokenError.ts"

/**
 * The prefix pattern.
 *
 * @category models
 * @since 0.1.0
 */
export const pattern = /^[A-Z0-9]{4}$/

/**
 * Validates `prefix` for `merchantId` against the registry of assigned
 * prefixes (merchant ID → prefix). A merchant may keep its own prefix. A
 * registry that is not a `Map` is `INVALID_INPUT`.
 *
 * @category decoding
 * @since 0.1.0
 */
export const validate = (
  prefix: unknown,
  merchantId: string,
  registry: ReadonlyMap<string, string>
): Result.Result<string, TokenError.TokenError> => {
  if (typeof prefix !== "string" || !pattern.test(prefix)) {
    return Result.fail(TokenError.make("PREFIX_INVALID", { rule: "MERCHANT-PREFIX" }))
  }
  if (!(registry instanceof Map)) return Result.fail(invalidInput("The prefix registry", "a Map", registry))
  for (const [other, taken] of registry) {
    if (taken === prefix && other !== merchantId) {
      return Result.fail(TokenError.make("PREFIX_TAKEN", { rule: "MERCHANT-PREFIX" }))
    }
  }
  return Result.succeed(prefix)
}

/**
 * Picks an unassigned prefix from random bytes (4 characters per attempt,
 * drawn without bias), or `undefined` when the bytes run out before a free
 * one is found; the caller then supplies fresh bytes. Anything but a
 * `Uint8Array` and a `Map` throws a typed `INVALID_INPUT` error.
 *
 * @category constructors
 * @since 0.1.0
 */
export const assign = (random: Uint8Array, registry: ReadonlyMap<string, string>): string | undefined => {
  if (!(random instanceof Uint8Array)) throw invalidInput("random", "a Uint8Array", random)
  const taken = new Set(map(registry, "The prefix registry").values())
  let offset = 0
  for (;;) {
    const drawn = drawChars(random, offset, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", 4)
    if (drawn === undefined) return undefined
    if (!taken.has(drawn.chars)) return drawn.chars
    offset = drawn.next
  }
}
