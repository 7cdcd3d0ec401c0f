/**
 * Axerve's rules for custom token values: 10–20 characters, ASCII letters,
 * digits and `_` only, at most 8 digits, case-insensitive and stored
 * uppercase. A bad value gets one typed error that lists every rule it
 * breaks, each with Axerve's code (1160 length, 1161 digits, 1162 characters).
 *
 * @since 0.1.0
 */
import { Result } from "effect"
import { countAsciiDigits, describeInput } from "./internal/digits.ts"
import * as TokenError from "./TokenError.ts"

/**
 * The limits as data.
 *
 * @category models
 * @since 0.1.0
 */
export const limits = { minLength: 10, maxLength: 20, maxDigits: 8, charset: /^[A-Za-z0-9_]*$/ } as const

/**
 * Validates a requested custom value and returns it uppercased.
 *
 * @category decoding
 * @since 0.1.0
 */
export const validate = (input: unknown): Result.Result<string, TokenError.TokenError> => {
  if (typeof input !== "string") {
    return Result.fail(
      TokenError.make("INVALID_INPUT", { rule: "CUSTOM-TOKEN-CHARSET", message: `A custom token must be a string, got ${describeInput(input)}.` })
    )
  }
  const violations: Array<TokenError.Violation> = []
  if (input.length < limits.minLength || input.length > limits.maxLength) {
    violations.push(
      new TokenError.Violation({
        rule: "CUSTOM-TOKEN-LENGTH",
        gatewayCode: "1160",
        message: `Wrong CustomToken length: ${input.length} characters, expected ${limits.minLength} to ${limits.maxLength}.`
      })
    )
  }
  if (countAsciiDigits(input) > limits.maxDigits) {
    violations.push(
      new TokenError.Violation({
        rule: "CUSTOM-TOKEN-DIGITS",
        gatewayCode: "1161",
        message: `Wrong CustomToken digits number: more than ${limits.maxDigits} digits.`
      })
    )
  }
  if (!limits.charset.test(input)) {
    violations.push(
      new TokenError.Violation({
        rule: "CUSTOM-TOKEN-CHARSET",
        gatewayCode: "1162",
        message: "CustomToken with illegal characters: only letters, digits and _ are allowed."
      })
    )
  }
  if (violations.length > 0) {
    return Result.fail(
      TokenError.make("CUSTOM_TOKEN_INVALID", {
        rule: violations[0]!.rule,
        gatewayCode: violations[0]!.gatewayCode,
        message: violations.map((v) => v.message).join(" "),
        violations
      })
    )
  }
  return Result.succeed(input.toUpperCase())
}
