/**
 * Bank accounts (IBAN, ISO 13616): the non-card instrument of ACI's
 * registration tokens. Like {@link Pan.Pan}, an {@link Iban} never prints
 * itself in full.
 *
 * @since 0.1.0
 */
import { Result } from "effect"
import { describeInput } from "./internal/digits.ts"
import { invalidInput } from "./internal/input.ts"
import type * as Pan from "./Pan.ts"
import * as TokenError from "./TokenError.ts"

const inspectSymbol = Symbol.for("nodejs.util.inspect.custom")

/**
 * A validated IBAN (upper case, no spaces).
 *
 * @category models
 * @since 0.1.0
 */
export class Iban {
  readonly #value: string
  /** ISO 3166 country code. */
  readonly country: string
  /** The last 4 characters. */
  readonly last4: string

  /** @internal use {@link parse} */
  constructor(value: string) {
    this.#value = value
    this.country = value.slice(0, 2)
    this.last4 = value.slice(-4)
  }

  /** @internal */
  static reveal(iban: Iban): string {
    if (typeof iban !== "object" || iban === null || !(#value in iban)) throw invalidInput("An IBAN", "an Iban from Iban.parse", iban)
    return iban.#value
  }

  /** Masked: `Iban(DE••••3000)`. */
  toString(): string {
    return `Iban(${this.country}••••${this.last4})`
  }

  /** Masked. */
  toJSON(): string {
    return this.toString()
  }

  /** Masked. */
  [inspectSymbol](): string {
    return this.toString()
  }
}

/** mod 97 of the rearranged IBAN, computed piecewise so no big integers are needed. */
const mod97 = (iban: string): number => {
  const rearranged = iban.slice(4) + iban.slice(0, 4)
  let rest = 0
  for (let i = 0; i < rearranged.length; i++) {
    const c = rearranged.charCodeAt(i)
    const v = c >= 65 ? c - 55 : c - 48
    rest = v >= 10 ? (rest * 100 + v) % 97 : (rest * 10 + v) % 97
  }
  return rest
}

/**
 * Parses an IBAN: spaces are ignored and letters upper-cased; the result must
 * be 2 letters, 2 check digits and 11–30 alphanumerics, with a mod-97 result
 * of 1.
 *
 * @category decoding
 * @since 0.1.0
 */
export const parse = (input: unknown): Result.Result<Iban, TokenError.TokenError> => {
  if (typeof input !== "string") {
    return Result.fail(
      TokenError.make("INVALID_INPUT", { rule: "IBAN-MOD97", message: `An IBAN must be a string, got ${describeInput(input)}.` })
    )
  }
  if (input.length > 64) return Result.fail(TokenError.make("IBAN_INVALID", { rule: "IBAN-MOD97" }))
  const value = input.replace(/ /g, "").toUpperCase()
  if (!/^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$/.test(value) || mod97(value) !== 1) {
    return Result.fail(TokenError.make("IBAN_INVALID", { rule: "IBAN-MOD97" }))
  }
  return Result.succeed(new Iban(value))
}

/**
 * The full IBAN, for the crypto adapters only. Throws a typed
 * `INVALID_INPUT` error for anything but an {@link Iban}.
 *
 * @category getters
 * @since 0.1.0
 */
export const reveal = (iban: Iban): string => Iban.reveal(iban)

/**
 * A payment instrument: a card (with its expiry) or a bank account.
 *
 * @category models
 * @since 0.1.0
 */
export type Instrument =
  | { readonly _tag: "Card"; readonly pan: Pan.Pan }
  | { readonly _tag: "BankAccount"; readonly iban: Iban }
