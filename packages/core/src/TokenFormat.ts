/**
 * Token formats as data: each format is a descriptor plus a pure generator
 * that takes CSPRNG bytes from its caller (never a clock, never the PAN's
 * hidden digits). Every format also recognises its own tokens.
 *
 * No generated token is ever a Luhn-valid string of 12–19 digits: the
 * registration and opaque formats are longer than 19 characters, and the
 * standard format always puts a letter in its random part. Custom values
 * have at least 2 non-digits by their own rules.
 *
 * @since 0.1.0
 */
import { Result } from "effect"
import * as CustomToken from "./CustomToken.ts"
import { B64URL, drawChars, toBase64Url, toHex } from "./internal/alphabet.ts"
import * as MerchantPrefix from "./MerchantPrefix.ts"
import * as Pan from "./Pan.ts"
import * as TokenError from "./TokenError.ts"

/**
 * A token format's name.
 *
 * @category models
 * @since 0.1.0
 */
export type Name = "registration" | "standard" | "custom" | "opaque"

/**
 * A format descriptor.
 *
 * @category models
 * @since 0.1.0
 */
export interface Descriptor {
  readonly name: Name
  /** Which gateway defines the format. */
  readonly gateway: "ACI" | "Axerve" | "AlliancePay"
  /** What a token of this format looks like. */
  readonly pattern: RegExp
  /** The shortest and longest token the pattern admits: {@link parse} tries a pattern only on a token of such a length. */
  readonly length: { readonly min: number; readonly max: number }
  /** How many random bytes {@link generate} needs (at most; surplus is allowed). */
  readonly randomBytes: number
  /** Random bits a token carries. */
  readonly entropyBits: number
  /** Whether the token embeds digits of the PAN (first 2 and last 4). */
  readonly embedsPanDigits: boolean
  /** Rule ID of the format. */
  readonly rule: string
}

/**
 * The format table.
 *
 * @category models
 * @since 0.1.0
 */
export const formats: { readonly [K in Name]: Descriptor & { readonly name: K } } = {
  registration: {
    name: "registration",
    gateway: "ACI",
    pattern: /^[0-9a-f]{32}$/,
    length: { min: 32, max: 32 },
    randomBytes: 16,
    entropyBits: 128,
    embedsPanDigits: false,
    rule: "FORMAT-REGISTRATION"
  },
  standard: {
    name: "standard",
    gateway: "Axerve",
    pattern: /^[0-9]{2}[A-Z0-9]{4}[A-Z0-9]{6}[0-9]{4}$/,
    length: { min: 16, max: 16 },
    randomBytes: 32,
    entropyBits: 30,
    embedsPanDigits: true,
    rule: "FORMAT-STANDARD"
  },
  custom: {
    name: "custom",
    gateway: "Axerve",
    pattern: /^[A-Z0-9]{4}[A-Z0-9_]{10,20}$/,
    length: { min: 14, max: 24 },
    randomBytes: 0,
    entropyBits: 0,
    embedsPanDigits: false,
    rule: "FORMAT-CUSTOM"
  },
  opaque: {
    name: "opaque",
    gateway: "AlliancePay",
    pattern: /^[A-Za-z0-9_-]{22,24}$/,
    length: { min: 22, max: 24 },
    randomBytes: 17,
    entropyBits: 135,
    embedsPanDigits: false,
    rule: "FORMAT-OPAQUE"
  }
}

/**
 * The unpadded base64url of 17 random bytes: 23 characters, the last of which
 * carries 4 bits and two zero bits. A leading `-` is written as `_`, so that a
 * token is never read as a command-line option, and the lowest (otherwise
 * zero) bit of the last character records that, so distinct bytes still give
 * distinct tokens.
 */
const opaqueToken = (random: Uint8Array): string => {
  const token = toBase64Url(random)
  if (token[0] !== "-") return token
  return "_" + token.slice(1, -1) + B64URL[B64URL.indexOf(token.at(-1)!) | 1]!
}

/**
 * Every format name.
 *
 * @category models
 * @since 0.1.0
 */
export const names: ReadonlyArray<Name> = ["registration", "standard", "custom", "opaque"]

/**
 * What a generator needs besides random bytes: the merchant prefix for
 * `standard` and `custom`, the PAN for `standard` (first 2 and last 4 only),
 * and the validated custom value for `custom`.
 *
 * @category models
 * @since 0.1.0
 */
export interface GenerateInput {
  readonly random: Uint8Array
  readonly prefix?: string | undefined
  readonly pan?: Pan.Pan | undefined
  readonly customValue?: string | undefined
}

const ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

const needMore = (name: Name) =>
  TokenError.make("INVALID_INPUT", {
    rule: "TOKEN-RANDOM",
    message: `The ${name} format needs at least ${formats[name].randomBytes} random bytes.`
  })

/**
 * Generates a token of format `name` from random bytes. Pure: the same input
 * gives the same token. The vault passes fresh CSPRNG bytes and retries on the
 * (rare) collision with a stored token.
 *
 * @category constructors
 * @since 0.1.0
 */
export const generate = (name: Name, input: GenerateInput): Result.Result<string, TokenError.TokenError> => {
  if (!names.includes(name)) return Result.fail(TokenError.make("INVALID_INPUT", { message: "Unknown token format." }))
  const random = typeof input === "object" && input !== null ? input.random : undefined
  if (!(random instanceof Uint8Array)) return Result.fail(needMore(name))
  const prefix = typeof input.prefix === "string" && MerchantPrefix.pattern.test(input.prefix) ? input.prefix : undefined
  switch (name) {
    case "registration":
      return random.length < 16 ? Result.fail(needMore(name)) : Result.succeed(toHex(random.subarray(0, 16)))
    case "opaque":
      return random.length < 17 ? Result.fail(needMore(name)) : Result.succeed(opaqueToken(random.subarray(0, 17)))
    case "standard": {
      if (!Pan.isPan(input.pan) || prefix === undefined) {
        return Result.fail(TokenError.make("INVALID_INPUT", { rule: "FORMAT-STANDARD", message: "A standard token needs a PAN and a merchant prefix." }))
      }
      const drawn = drawChars(random, 0, ALNUM, 5)
      const letter = drawn === undefined ? undefined : drawChars(random, drawn.next, LETTERS, 1)
      const position = letter === undefined ? undefined : drawChars(random, letter.next, "012345", 1)
      if (drawn === undefined || letter === undefined || position === undefined) return Result.fail(needMore(name))
      // Insert one guaranteed letter at a random position, so the token is never all digits.
      const at = Number(position.chars)
      const middle = drawn.chars.slice(0, at) + letter.chars + drawn.chars.slice(at)
      return Result.succeed(Pan.first2(input.pan) + prefix + middle + input.pan.last4)
    }
    case "custom": {
      if (prefix === undefined || input.customValue === undefined) {
        return Result.fail(TokenError.make("INVALID_INPUT", { rule: "FORMAT-CUSTOM", message: "A custom token needs a prefix and a validated value." }))
      }
      // Validated again here: an unchecked value could make an all-digit, Luhn-valid token (TOKEN-NOT-PAN).
      return Result.map(CustomToken.validate(input.customValue), (value) => prefix + value)
    }
    default:
      return Result.fail(TokenError.make("INVALID_INPUT", { message: "Unknown token format." }))
  }
}

/**
 * True when `u` is a token of format `name`.
 *
 * @category predicates
 * @since 0.1.0
 */
export const isToken = (name: Name, u: unknown): u is string =>
  typeof u === "string" && u.length <= 64 && names.includes(name) && formats[name].pattern.test(u)

/** Whether format `name` admits `u` (its length first: every format's tokens are far shorter than 64 characters). */
const admits = (name: Name, u: string): boolean => {
  const { length, pattern } = formats[name]
  return u.length >= length.min && u.length <= length.max && pattern.test(u)
}

/**
 * True when `u` is a token of some format: what {@link parse} accepts,
 * without building its answer (a hot path's check).
 *
 * @category predicates
 * @since 0.1.0
 */
export const isTokenValue = (u: unknown): u is string => {
  if (typeof u !== "string") return false
  for (const n of names) if (admits(n, u)) return true
  return false
}

/**
 * Recognises a token value: the formats it could belong to, or a typed
 * `TOKEN_MALFORMED` error (ACI `100.150.101`) when it fits none.
 *
 * @category decoding
 * @since 0.1.0
 */
export const parse = (u: unknown): Result.Result<{ readonly token: string; readonly formats: ReadonlyArray<Name> }, TokenError.TokenError> => {
  if (typeof u !== "string" || u.length === 0 || u.length > 64) {
    return Result.fail(TokenError.make("TOKEN_MALFORMED"))
  }
  const matching: Array<Name> = []
  for (const n of names) if (admits(n, u)) matching.push(n)
  return matching.length === 0 ? Result.fail(TokenError.make("TOKEN_MALFORMED")) : Result.succeed({ token: u, formats: matching })
}
