/**
 * Tokenization during a payment: from the request's flags (ACI
 * `createRegistration=true`, or Axerve's `requestToken` with or without
 * `:FORCED:`) and the payment's outcome, decide whether a token is made and
 * in which format.
 *
 * @since 0.1.0
 */
import { Result } from "effect"
import * as RequestToken from "./RequestToken.ts"
import * as TokenError from "./TokenError.ts"
import type * as TokenFormat from "./TokenFormat.ts"

/**
 * The payment's outcome. `VERIFIED` is a zero-amount account verification.
 *
 * @category models
 * @since 0.1.0
 */
export type Outcome = "AUTHORIZED" | "DECLINED" | "VERIFIED"

/**
 * The tokenization flags of a payment request.
 *
 * @category models
 * @since 0.1.0
 */
export interface Flags {
  readonly createRegistration?: boolean | undefined
  readonly requestToken?: string | undefined
}

/**
 * The decision.
 *
 * @category models
 * @since 0.1.0
 */
export type Decision =
  | { readonly _tag: "NoToken" }
  | { readonly _tag: "Token"; readonly format: TokenFormat.Name; readonly requestToken?: RequestToken.RequestToken | undefined }

const outcomes: ReadonlyArray<Outcome> = ["AUTHORIZED", "DECLINED", "VERIFIED"]

/**
 * Decides. Asking for both an ACI registration and an Axerve token in one
 * request is refused as `INVALID_INPUT`; an invalid `requestToken` gives its
 * own typed error (1160–1162) whatever the outcome. A `createRegistration`
 * that is not a boolean (`"false"`) is `INVALID_INPUT`, never taken as true.
 *
 * @category combinators
 * @since 0.1.0
 */
export const decide = (flags: Flags, outcome: unknown): Result.Result<Decision, TokenError.TokenError> => {
  if (!outcomes.includes(outcome as Outcome)) {
    return Result.fail(TokenError.make("INVALID_INPUT", { rule: "TOKENIZE-ON-PAYMENT", message: "Unknown payment outcome." }))
  }
  if (typeof flags !== "object" || flags === null) {
    return Result.fail(TokenError.make("INVALID_INPUT", { rule: "TOKENIZE-ON-PAYMENT", message: "Flags must be an object." }))
  }
  if (flags.createRegistration !== undefined && typeof flags.createRegistration !== "boolean") {
    return Result.fail(TokenError.make("INVALID_INPUT", { rule: "TOKENIZE-ON-PAYMENT", message: "createRegistration must be a boolean." }))
  }
  const succeeded = outcome !== "DECLINED"
  if (flags.requestToken !== undefined) {
    if (flags.createRegistration === true) {
      return Result.fail(
        TokenError.make("INVALID_INPUT", { rule: "TOKENIZE-ON-PAYMENT", message: "Use either createRegistration or requestToken, not both." })
      )
    }
    return Result.map(RequestToken.parse(flags.requestToken), (rt): Decision =>
      succeeded || rt.forced
        ? { _tag: "Token", format: rt._tag === "Standard" ? "standard" : "custom", requestToken: rt }
        : { _tag: "NoToken" })
  }
  if (flags.createRegistration === true && succeeded) return Result.succeed({ _tag: "Token", format: "registration" })
  return Result.succeed({ _tag: "NoToken" })
}
