/**
 * Generators for the gateway suite: canary card numbers with known brands,
 * valid IBANs, starting instants (month ends and a leap day included),
 * merchant configurations, custom-token values near every limit, and
 * tokenization requests drawn from small pools so they meet often.
 *
 * @since 0.1.0
 */
import * as fc from "fast-check"
import type * as GatewayDriver from "../GatewayDriver.ts"
import type * as Model from "./Model.ts"

const luhnCheckDigit = (body: string): string => {
  let sum = 0
  for (let i = 0; i < body.length; i++) {
    let d = body.charCodeAt(body.length - 1 - i) - 48
    if (i % 2 === 0) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
  }
  return String((10 - (sum % 10)) % 10)
}

const brands: ReadonlyArray<{ readonly brand: string; readonly prefixes: ReadonlyArray<string>; readonly length: number }> = [
  { brand: "VISA", prefixes: ["4"], length: 16 },
  { brand: "VISA", prefixes: ["4"], length: 13 },
  { brand: "MASTER", prefixes: ["51", "52", "53", "54", "55", "2300"], length: 16 },
  { brand: "AMEX", prefixes: ["34", "37"], length: 15 },
  { brand: "DISCOVER", prefixes: ["6011"], length: 16 },
  { brand: "JCB", prefixes: ["3530", "3566"], length: 16 }
]

/**
 * A canary card: a Luhn-valid PAN (or, now and then, one with a wrong check
 * digit) with a brand the IIN table knows.
 *
 * @category constructors
 * @since 0.1.0
 */
export const card: fc.Arbitrary<Model.Card> = fc
  .record({
    kind: fc.constantFrom(...brands),
    prefix: fc.nat(),
    digits: fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 18, maxLength: 18 }),
    luhnValid: fc.oneof({ weight: 10, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) })
  })
  .map(({ digits, kind, luhnValid, prefix }) => {
    const p = kind.prefixes[prefix % kind.prefixes.length]!
    const body = p + digits.join("").slice(0, kind.length - 1 - p.length)
    const check = luhnCheckDigit(body)
    const pan = body + (luhnValid ? check : String((Number(check) + 5) % 10))
    return { pan, brand: kind.brand, luhnValid }
  })

/**
 * The run's cards: 2 to 5 distinct canaries.
 *
 * @category constructors
 * @since 0.1.0
 */
export const cards: fc.Arbitrary<ReadonlyArray<Model.Card>> = fc.uniqueArray(card, {
  minLength: 2,
  maxLength: 5,
  selector: (c) => c.pan
})

/**
 * Valid IBANs (ISO 13616 mod-97), from the registries' published examples.
 *
 * @category models
 * @since 0.1.0
 */
export const ibans: ReadonlyArray<string> = ["DE89370400440532013000", "GB82WEST12345698765432", "NL91ABNA0417164300"]

/**
 * A starting instant at noon UTC: any day of 2026–2028, month ends and
 * 29 February 2028 included.
 *
 * @category constructors
 * @since 0.1.0
 */
export const start: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom("2026-01-31", "2026-12-31", "2027-02-28", "2028-02-29", "2026-03-31", "2027-08-31"),
  fc.record({ y: fc.integer({ min: 2026, max: 2028 }), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 28 }) })
    .map(({ d, m, y }) => `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`)
).map((date) => `${date}T12:00:00.000Z`)

/**
 * The merchant ids of a run: the first four are registered before the
 * commands start, the rest only by commands.
 *
 * @category models
 * @since 0.1.0
 */
export const merchantIds = ["m1", "m2", "m3", "m4", "m5", "m6"] as const

/**
 * The group ids of a run: the first two exist before the commands start.
 *
 * @category models
 * @since 0.1.0
 */
export const groupIds = ["g1", "g2", "g3"] as const

/**
 * A merchant id.
 *
 * @category constructors
 * @since 0.1.0
 */
export const merchantId: fc.Arbitrary<string> = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...merchantIds.slice(0, 4)) },
  { weight: 1, arbitrary: fc.constantFrom(...merchantIds.slice(4)) }
)

/**
 * Who acts on a token: mostly `"holder"` (a merchant that may use it now),
 * else any merchant id.
 *
 * @category constructors
 * @since 0.1.0
 */
export const actor: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constant("holder") },
  { weight: 2, arbitrary: merchantId }
)

/**
 * A group id.
 *
 * @category constructors
 * @since 0.1.0
 */
export const groupId: fc.Arbitrary<string> = fc.constantFrom(...groupIds)

/**
 * A customer id, or none.
 *
 * @category constructors
 * @since 0.1.0
 */
export const customerId: fc.Arbitrary<string | undefined> = fc.constantFrom("c1", "c1", "c2", undefined)

/**
 * An idempotency key, or none.
 *
 * @category constructors
 * @since 0.1.0
 */
export const requestId: fc.Arbitrary<string | undefined> = fc.constantFrom("r1", "r2", "r3", "r4", undefined, undefined, undefined, undefined)

/**
 * A merchant configuration: mostly tokenizing merchants with a
 * non-custom default format.
 *
 * @category constructors
 * @since 0.1.0
 */
export const merchantConfig: fc.Arbitrary<Omit<GatewayDriver.MerchantRequest, "merchantId">> = fc.record({
  prefix: fc.option(fc.stringMatching(/^[A-Z0-9]{4}$/), { nil: undefined, freq: 2 }),
  format: fc.constantFrom("registration", "standard", "opaque", "registration", "opaque", "standard", "registration", "custom" as const),
  tokenization: fc.oneof({ weight: 15, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  luhn: fc.constantFrom("enforce", "enforce", "report" as const)
})

/**
 * Custom values near every limit, with case variants of the same value:
 * 10 and 20 characters, 9 and 21, 8 and 9 digits, illegal characters.
 *
 * @category models
 * @since 0.1.0
 */
export const customValues: ReadonlyArray<string> = [
  "JOHN_SMITH_5533",
  "john_smith_5533",
  "John_Smith_5533",
  "JACK_JONES_1234",
  "ABCDEFGHIJ",
  "abcdefghij",
  "ABCDEFGHIJKLMNOPQRST",
  "A1B2C3D4E5F6G7H8",
  "ABCDEFGHI",
  "abcdefghi",
  "ABCDEFGHIJKLMNOPQRSTU",
  "AB123456789",
  "12345678901",
  "JOHN-SMITH-55",
  "JOHN SMITH 55",
  "ÄBCDEFGHIJ"
]

/**
 * A requestToken: MASKEDPAN, a custom value, either after `:FORCED:`, or
 * none.
 *
 * @category constructors
 * @since 0.1.0
 */
export const requestToken: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 10, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: fc.constantFrom("MASKEDPAN", ":FORCED:MASKEDPAN") },
  { weight: 2, arbitrary: fc.constantFrom(...customValues) },
  { weight: 1, arbitrary: fc.constantFrom(...customValues).map((v) => `:FORCED:${v}`) },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9_]{8,22}$/) },
  { weight: 1, arbitrary: fc.constant(":FORCED:") }
)

/**
 * A customer's instrument: a card of the run with an expiry `offset`
 * months from the current month, or an IBAN.
 *
 * @category models
 * @since 0.1.0
 */
export type InstrumentSpec =
  | { readonly kind: "card"; readonly index: number; readonly offset: number }
  | { readonly kind: "iban"; readonly index: number }

/**
 * An instrument.
 *
 * @category constructors
 * @since 0.1.0
 */
export const instrument: fc.Arbitrary<InstrumentSpec> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("card" as const),
      index: fc.nat(9),
      offset: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: 36 }) }, { weight: 1, arbitrary: fc.integer({ min: -3, max: -1 }) })
    })
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("iban" as const), index: fc.nat(9) }) }
)

/**
 * A tokenization request before it meets the model's clock and cards.
 *
 * @category models
 * @since 0.1.0
 */
export interface TokenizeSpec {
  readonly merchantId: string
  readonly customerId: string | undefined
  readonly instrument: InstrumentSpec
  readonly requestToken: string | undefined
  readonly format: GatewayDriver.FormatName | undefined
  readonly requestId: string | undefined
}

/**
 * A tokenization request.
 *
 * @category constructors
 * @since 0.1.0
 */
export const tokenizeSpec = (rt: fc.Arbitrary<string | undefined> = requestToken): fc.Arbitrary<TokenizeSpec> =>
  fc.record({
    merchantId,
    customerId,
    instrument,
    requestToken: rt,
    format: fc.oneof(
      { weight: 5, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constantFrom("registration", "standard", "opaque" as const) }
    ),
    requestId
  }).map((s) => (s.requestToken === undefined ? s : { ...s, format: undefined }))

/**
 * Which token a command names: an index into the issued tokens, or `-1`
 * for a well-formed value never issued.
 *
 * @category constructors
 * @since 0.1.0
 */
export const tokenPick: fc.Arbitrary<number> = fc.oneof({ weight: 9, arbitrary: fc.nat(1000) }, { weight: 1, arbitrary: fc.constant(-1) })
