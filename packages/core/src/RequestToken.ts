/**
 * Axerve's `requestToken` field: an optional `:FORCED:` prefix, then the exact
 * word `MASKEDPAN` (a standard token) or any other value (a custom token,
 * validated by {@link CustomToken.validate}).
 *
 * @since 0.1.0
 */
import { Result } from "effect"
import * as CustomToken from "./CustomToken.ts"
import { describeInput } from "./internal/digits.ts"
import { ensure, isRecord } from "./internal/input.ts"
import * as TokenError from "./TokenError.ts"

/**
 * A parsed `requestToken`.
 *
 * @category models
 * @since 0.1.0
 */
export type RequestToken =
  | { readonly _tag: "Standard"; readonly forced: boolean }
  | { readonly _tag: "Custom"; readonly forced: boolean; readonly value: string }

/**
 * The prefix that asks for a token even when the payment is not authorized.
 *
 * @category models
 * @since 0.1.0
 */
export const FORCED = ":FORCED:"

/**
 * The exact word that asks for a standard (masked-PAN) token.
 *
 * @category models
 * @since 0.1.0
 */
export const MASKEDPAN = "MASKEDPAN"

/**
 * Parses a `requestToken` value.
 *
 * @category decoding
 * @since 0.1.0
 */
export const parse = (input: unknown): Result.Result<RequestToken, TokenError.TokenError> => {
  if (typeof input !== "string") {
    return Result.fail(
      TokenError.make("REQUEST_TOKEN_INVALID", { rule: "REQUEST-TOKEN-SYNTAX", message: `requestToken must be a string, got ${describeInput(input)}.` })
    )
  }
  const forced = input.startsWith(FORCED)
  const body = forced ? input.slice(FORCED.length) : input
  if (body.length === 0) {
    return Result.fail(TokenError.make("REQUEST_TOKEN_INVALID", { rule: "REQUEST-TOKEN-SYNTAX", message: "requestToken must not be empty." }))
  }
  if (body === MASKEDPAN) return Result.succeed({ _tag: "Standard", forced })
  return Result.map(CustomToken.validate(body), (value): RequestToken => ({ _tag: "Custom", forced, value }))
}

/**
 * The text form of a parsed `requestToken`. Anything that is not a
 * {@link RequestToken} throws a typed `INVALID_INPUT` error.
 *
 * @category encoding
 * @since 0.1.0
 */
export const format = (rt: RequestToken): string => {
  const ok = isRecord(rt) && typeof rt.forced === "boolean" &&
    (rt._tag === "Standard" || (rt._tag === "Custom" && typeof rt.value === "string"))
  ensure(ok, "A requestToken", "a parsed RequestToken", rt)
  return (rt.forced ? FORCED : "") + (rt._tag === "Standard" ? MASKEDPAN : rt.value)
}
