/**
 * The primary account number (PAN) as a value that never prints itself.
 *
 * A {@link Pan} keeps its digits in a private field. `String()`,
 * `JSON.stringify`, `util.inspect` and template literals show a masked form
 * (last 4 digits only). The digits leave the value only through
 * {@link reveal}, which the crypto adapters call to encrypt or fingerprint.
 *
 * The functions taking a {@link Pan} throw a typed `INVALID_INPUT` error for
 * anything else (a string, a look-alike object), and the error never
 * repeats the value.
 *
 * @since 0.1.0
 */
import { Result } from "effect"
import * as CardBrand from "./CardBrand.ts"
import { describeInput, isAsciiDigits, luhnValid } from "./internal/digits.ts"
import { cap } from "./internal/display.ts"
import { invalidInput } from "./internal/input.ts"
import * as TokenError from "./TokenError.ts"

const inspectSymbol = Symbol.for("nodejs.util.inspect.custom")

/**
 * How a Luhn failure is treated: `enforce` refuses the number (the default);
 * `report` accepts it and reports `luhnValid: false`, as Axerve reports
 * `CheckDigit KO`. `report` exists for test merchants and the seed examples,
 * which are not Luhn-valid.
 *
 * @category models
 * @since 0.1.0
 */
export type LuhnPolicy = "enforce" | "report"

/**
 * A validated card number.
 *
 * **Gotchas**
 *
 * Never log `reveal(pan)`. Everything else on the value is safe to print.
 *
 * @category models
 * @since 0.1.0
 */
export class Pan {
  readonly #digits: string
  /** The card brand, when the IIN table knows it. */
  readonly brand: CardBrand.CardBrand | undefined
  /** Whether the Luhn check digit is right (`CheckDigit OK`). */
  readonly luhnValid: boolean
  /**
   * The leading digits that may be displayed beside `last4`
   * (PCI DSS 3.4.1, rule MASK-PCI): the first 6 (the BIN) when at least 6
   * digits stay hidden, fewer on shorter PANs (2 of a 12-digit PAN).
   */
  readonly bin: string
  /** The last 4 digits. */
  readonly last4: string
  /** The number of digits. */
  readonly length: number

  /** @internal use {@link parse} */
  constructor(digits: string) {
    this.#digits = digits
    this.brand = CardBrand.detect(digits)
    this.luhnValid = luhnValid(digits)
    this.bin = digits.slice(0, cap(digits.length, 6, 4).lead)
    this.last4 = digits.slice(-4)
    this.length = digits.length
  }

  /** @internal */
  static reveal(pan: Pan): string {
    if (!Pan.is(pan)) throw invalidInput("A card number", "a Pan from Pan.parse", pan)
    return pan.#digits
  }

  /** @internal a brand check: look-alike objects and `Object.create(Pan.prototype)` are not Pans. */
  static is(u: unknown): u is Pan {
    return typeof u === "object" && u !== null && #digits in u
  }

  /** Masked: `Pan(••••1234)`. */
  toString(): string {
    return `Pan(••••${this.last4})`
  }

  /** Masked: the JSON form is the same as {@link toString}. */
  toJSON(): string {
    return this.toString()
  }

  /** Masked for `util.inspect` and `console.log`. */
  [inspectSymbol](): string {
    return this.toString()
  }
}

/**
 * Parses a card number: 12–19 ASCII digits (ISO/IEC 7812), Luhn-checked per
 * `policy`. Accepts `unknown` and never throws: wrong types, Unicode digits
 * (`٤`, `４`), separators and bad lengths each give a typed
 * {@link TokenError.TokenError} whose message never repeats the input.
 *
 * @category decoding
 * @since 0.1.0
 */
export const parse = (input: unknown, options?: { readonly luhn?: LuhnPolicy }): Result.Result<Pan, TokenError.TokenError> => {
  if (typeof input !== "string") {
    return Result.fail(
      TokenError.make("INVALID_INPUT", { rule: "PAN-LENGTH", message: `A card number must be a string, got ${describeInput(input)}.` })
    )
  }
  if (input.length === 0 || input.length > 64 || !isAsciiDigits(input)) {
    return Result.fail(
      input.length > 64
        ? TokenError.make("PAN_INVALID_LENGTH", { rule: "PAN-LENGTH" })
        : TokenError.make("PAN_INVALID_CHARACTERS", { rule: "PAN-LENGTH" })
    )
  }
  if (input.length < 12 || input.length > 19) {
    return Result.fail(
      TokenError.make("PAN_INVALID_LENGTH", {
        rule: "PAN-LENGTH",
        message: `A card number must have 12 to 19 digits, got ${input.length}.`
      })
    )
  }
  const pan = new Pan(input)
  // Fail closed: only the exact policy "report" lets a Luhn failure through.
  if (!pan.luhnValid && options?.luhn !== "report") {
    return Result.fail(TokenError.make("PAN_LUHN_FAILED", { rule: "PAN-LUHN" }))
  }
  return Result.succeed(pan)
}

/**
 * The digits of a card number, for the crypto adapters only. Throws a
 * typed `INVALID_INPUT` error for anything but a {@link Pan}.
 *
 * @category getters
 * @since 0.1.0
 */
export const reveal = (pan: Pan): string => Pan.reveal(pan)

/**
 * The first 2 digits, as the standard token embeds them (always within the
 * MASK-PCI cap: at least 6 of a 12-digit PAN's digits stay hidden beside
 * the last 4).
 *
 * @category getters
 * @since 0.1.0
 */
export const first2 = (pan: Pan): string => Pan.reveal(pan).slice(0, 2)

/**
 * True when `u` is a {@link Pan}.
 *
 * @category guards
 * @since 0.1.0
 */
export const isPan = (u: unknown): u is Pan => Pan.is(u)
