/**
 * The instrument data that crosses the `CardCrypto` port
 * (what it seals, opens and fingerprints), held in a value class that never
 * prints itself.
 *
 * `String()`, `JSON.stringify`, `util.inspect` and template literals show
 * `<redacted>`; the text leaves the value only through {@link reveal}, which
 * crypto adapters call. It plays the part of effect's `Redacted` on the
 * vault's hot paths at a fraction of the cost: `Redacted.make` records every
 * value in a process-wide `WeakMap`, which costs about a microsecond per value
 * and makes every young-generation collection slower while such values are
 * alive (docs/benchmarks.md).
 *
 * @since 0.1.0
 */
import { TokenError } from "@tokenvault/core"

const inspectSymbol = Symbol.for("nodejs.util.inspect.custom")

/**
 * Sealable text: `C:` and the PAN's digits, or `B:` and an IBAN, as the vault
 * encodes instruments; a port may seal any text.
 *
 * **Gotchas**
 *
 * Never log `reveal(plaintext)`. Everything else on the value is safe to print.
 *
 * @category models
 * @since 0.1.0
 */
export class Plaintext {
  readonly #text: string

  /** @internal use {@link make} */
  constructor(text: string) {
    this.#text = text
  }

  /** @internal */
  static reveal(plaintext: Plaintext): string {
    if (!Plaintext.is(plaintext)) {
      throw TokenError.make("INVALID_INPUT", { message: "Expected a Plaintext from Plaintext.make." })
    }
    return plaintext.#text
  }

  /** @internal a brand check: look-alike objects are not plaintexts. */
  static is(u: unknown): u is Plaintext {
    return typeof u === "object" && u !== null && #text in u
  }

  /** Masked. */
  toString(): string {
    return "<redacted>"
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
 * Wraps text for the crypto port.
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (text: string): Plaintext => new Plaintext(text)

/**
 * The text inside; throws a typed `INVALID_INPUT` error for anything that is
 * not a {@link Plaintext} (the message never repeats the value).
 *
 * @category getters
 * @since 0.1.0
 */
export const reveal = (plaintext: Plaintext): string => Plaintext.reveal(plaintext)

/**
 * Whether a value is a {@link Plaintext}.
 *
 * @category guards
 * @since 0.1.0
 */
export const isPlaintext = (u: unknown): u is Plaintext => Plaintext.is(u)
