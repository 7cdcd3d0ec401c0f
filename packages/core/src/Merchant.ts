/**
 * A merchant's configuration in the vault: its prefix, its default token
 * format, whether tokenization is enabled for it (Axerve enables it per
 * merchant), and how strictly card numbers are checked.
 *
 * @since 0.1.0
 */
import { Result } from "effect"
import { describeInput } from "./internal/digits.ts"
import { invalidInput, isRecord } from "./internal/input.ts"
import type * as Pan from "./Pan.ts"
import * as TokenError from "./TokenError.ts"
import type * as TokenFormat from "./TokenFormat.ts"

/**
 * A merchant's configuration.
 *
 * @category models
 * @since 0.1.0
 */
export interface Merchant {
  readonly merchantId: string
  readonly prefix: string
  readonly format: TokenFormat.Name
  readonly tokenization: boolean
  readonly luhn: Pan.LuhnPolicy
}

const ID = /^[A-Za-z0-9._-]{1,64}$/
const idKinds: ReadonlyArray<unknown> = ["merchantId", "groupId", "merchantRequestId", "customerId"]

/**
 * Checks an identifier (merchant, group, request or customer id): 1–64
 * characters of `[A-Za-z0-9._-]` (customer ids allow up to 255, as
 * AlliancePay's `customerId` does).
 *
 * @category decoding
 * @since 0.1.0
 */
export const decodeId = (
  u: unknown,
  what: "merchantId" | "groupId" | "merchantRequestId" | "customerId"
): Result.Result<string, TokenError.TokenError> => {
  if (!idKinds.includes(what)) return Result.fail(invalidInput("The kind of id", "merchantId, groupId, merchantRequestId or customerId", what))
  const ok = typeof u === "string" && (what === "customerId" ? /^[A-Za-z0-9._@:-]{1,255}$/.test(u) : ID.test(u))
  return ok
    ? Result.succeed(u as string)
    : Result.fail(
      TokenError.make("INVALID_INPUT", {
        message: `${what} must be ${what === "customerId" ? "1–255" : "1–64"} characters of letters, digits, '.', '_' or '-', got ${describeInput(u)}.`
      })
    )
}

/**
 * Refuses tokenization for a merchant that does not have the feature, and
 * anything that is not a merchant with a boolean `tokenization` as
 * `INVALID_INPUT`.
 *
 * @category predicates
 * @since 0.1.0
 */
export const requireTokenization = (merchant: Merchant): Result.Result<Merchant, TokenError.TokenError> =>
  !isRecord(merchant) || typeof merchant.tokenization !== "boolean"
    ? Result.fail(invalidInput("A merchant", "a merchant with a boolean tokenization flag", merchant))
    : merchant.tokenization
    ? Result.succeed(merchant)
    : Result.fail(TokenError.make("TOKENIZATION_DISABLED", { rule: "TOKENIZATION-ENABLED" }))
