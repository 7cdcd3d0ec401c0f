/**
 * Bad input to every exported function of the core: a typed TokenError (tag
 * and a catalogued code, never a message), or a documented `undefined` /
 * `false`, and never a throw. Messages never repeat the input's digits.
 *
 * Two kinds of parameters are told apart:
 *
 * - parameters typed `unknown` (the decoding boundary: parse, validate,
 *   decode, make, the guards, the status table) get `fc.anything()` with
 *   every option on, plus the specific nasty values of `support.ts`
 *   (null, undefined, symbols, bigints, Unicode digits ٤ and ４, 11- and
 *   20-digit PANs, 1 MiB strings, …);
 * - parameters typed with a domain value (a parsed `Pan`, an `IsoDate`, a
 *   `Membership` map, a `DateTime`, …) get every hostile value their type
 *   admits: NaN and infinite numbers, malformed date strings, 1 MiB strings,
 *   out-of-range DateTimes, empty or huge maps and byte arrays.
 *
 * Each test also checks that it covers every function its module exports, so
 * a new export without a bad-input case fails here. (`Rules.get` is checked
 * with the registry, in Rules.test.ts.)
 */
import { DateTime, Result } from "effect"
import { describe, expect, it } from "vitest"
import * as CardBrand from "../src/CardBrand.ts"
import * as CustomToken from "../src/CustomToken.ts"
import * as Expiry from "../src/Expiry.ts"
import * as Group from "../src/Group.ts"
import * as Iban from "../src/Iban.ts"
import * as IsoDate from "../src/IsoDate.ts"
import * as Mask from "../src/Mask.ts"
import * as Merchant from "../src/Merchant.ts"
import * as MerchantPrefix from "../src/MerchantPrefix.ts"
import * as Pan from "../src/Pan.ts"
import * as PaymentTokenization from "../src/PaymentTokenization.ts"
import * as PaymentUse from "../src/PaymentUse.ts"
import * as RequestToken from "../src/RequestToken.ts"
import * as Retention from "../src/Retention.ts"
import * as TokenError from "../src/TokenError.ts"
import * as TokenFormat from "../src/TokenFormat.ts"
import * as TokenRecord from "../src/TokenRecord.ts"
import * as TokenStatus from "../src/TokenStatus.ts"
import { fc, params } from "./fc.ts"
import { anyPan, anything, expectTypedError, expectTypedResult, luhn, nastyString, nastyValues, prefix } from "./support.ts"

/** Asserts that `module` exports exactly these functions (besides the listed classes and schemas). */
const expectCovers = (module: object, functions: ReadonlyArray<string>, classesAndSchemas: ReadonlyArray<string> = []): void => {
  const exported = Object.entries(module).filter(([, v]) => typeof v === "function").map(([k]) => k).sort()
  expect(exported).toEqual([...functions, ...classesAndSchemas].sort())
}

/** Runs `check` on every specific nasty value, then on generated ones. */
const forAnything = (check: (u: unknown) => void, numRuns = 300): void => {
  for (const u of nastyValues) check(u)
  fc.assert(fc.property(anything, (u) => check(u)), params({ numRuns }))
}

const nastyNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 0.5, 1e308, -1, 13, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER)
)
const nastyIso = nastyString.map((s) => s as IsoDate.IsoDate)
/** DateTimes over the whole JS range (years −271821 to 275760). */
const anyDateTime = fc.date({ noInvalidDate: true }).map((d) => DateTime.fromDateUnsafe(d))
const nastyMap = fc.array(fc.tuple(nastyString, nastyString), { maxLength: 5 }).map((entries) => new Map(entries))
const nastyExpiry = fc.record({ month: nastyNumber, year: nastyNumber })

const isString = (u: unknown): boolean => typeof u === "string"
const isBoolean = (u: unknown): boolean => typeof u === "boolean"

describe("bad input never throws", () => {
  it("[PAN-LENGTH] [PAN-LUHN] [PAN-REDACTED] [NO-PAN-LEAK] Pan: parse and isPan take anything; reveal and first2 any parsed card", () => {
    expectCovers(Pan, ["parse", "reveal", "first2", "isPan"], ["Pan"])
    forAnything((u) => {
      for (const options of [undefined, { luhn: "report" as const }, { luhn: "enforce" as const }]) {
        const r = Pan.parse(u, options)
        expectTypedResult(r, u)
        if (Result.isSuccess(r)) expect(typeof u === "string" && /^[0-9]{12,19}$/.test(u)).toBe(true)
      }
      expect(Pan.isPan(u)).toBe(false)
    })
    fc.assert(
      fc.property(fc.oneof(nastyString, fc.stringMatching(/^[0-9]{12,19}$/)), anything, (s, options) => {
        const r = Pan.parse(s, options as { readonly luhn?: "report" })
        expectTypedResult(r, s)
        // An unknown policy fails closed: only "report" lets a Luhn failure through.
        if (Result.isSuccess(r) && !luhn(s)) expect((options as { luhn?: unknown } | undefined)?.luhn).toBe("report")
      }),
      params()
    )
    fc.assert(
      fc.property(anyPan, (pan) => {
        expect(isString(Pan.reveal(pan)) && isString(Pan.first2(pan))).toBe(true)
      }),
      params()
    )
  })

  it("[PAN-BRAND] CardBrand: detect takes any string and any table, answering a brand or undefined", () => {
    expectCovers(CardBrand, ["detect"])
    const table = fc.array(
      fc.record({
        brand: fc.constantFrom(...CardBrand.brands),
        patterns: fc.array(fc.oneof(nastyNumber, fc.tuple(nastyNumber, nastyNumber)), { maxLength: 3 }),
        lengths: fc.array(nastyNumber, { maxLength: 3 })
      }),
      { maxLength: 3 }
    )
    fc.assert(
      fc.property(nastyString, fc.option(table, { nil: undefined }), (s, t) => {
        const b = CardBrand.detect(s, t)
        expect(b === undefined || CardBrand.brands.includes(b)).toBe(true)
      }),
      params()
    )
  })

  it("[MASK-PCI] [MASK-BIN6-LAST4] Mask: masks take any digits and any style counts; revealedDigits any string", () => {
    expectCovers(Mask, ["maskDigits", "mask", "bin6Last4", "last4", "first2Last4", "revealedDigits"])
    const style = fc.record({ lead: nastyNumber, trail: nastyNumber })
    fc.assert(
      fc.property(nastyString, style, anyPan, (s, st, pan) => {
        expect(isString(Mask.maskDigits(s, st))).toBe(true)
        for (const m of [Mask.mask(pan, st), Mask.mask(pan), Mask.bin6Last4(pan), Mask.last4(pan), Mask.first2Last4(pan)]) {
          expect(Mask.revealedDigits(m)).toBeLessThanOrEqual(10)
        }
        expect(Number.isInteger(Mask.revealedDigits(s))).toBe(true)
      }),
      params()
    )
  })

  it("[EXPIRY-FORMAT] [EXPIRY-END-OF-MONTH] Expiry: make and parse take anything; expiresOn, isExpired and format any numbers and any DateTime", () => {
    expectCovers(Expiry, ["make", "parse", "expiresOn", "isExpired", "format"])
    const format = fc.oneof(fc.constantFrom<Expiry.Format>("MM/YY", "MMYY", "YYMM"), anything)
    forAnything((u) => {
      expectTypedResult(Expiry.make(u, 25), u)
      expectTypedResult(Expiry.make(3, u), u)
      for (const f of ["MM/YY", "MMYY", "YYMM", "DD/MM", undefined] as const) expectTypedResult(Expiry.parse(u, f as Expiry.Format), u)
    })
    fc.assert(
      fc.property(anything, anything, format, (m, y, f) => {
        expectTypedResult(Expiry.make(m, y))
        expectTypedResult(Expiry.parse(m, f as Expiry.Format), m)
      }),
      params()
    )
    fc.assert(
      fc.property(nastyExpiry, anyDateTime, (e, now) => {
        expect(isString(Expiry.expiresOn(e))).toBe(true)
        expect(isBoolean(Expiry.isExpired(e, now))).toBe(true)
        expect(isString(Expiry.format(e))).toBe(true)
      }),
      params()
    )
  })

  it("[RETENTION-NON-CARD] [RETENTION-CARD] IsoDate: parse takes anything; the date maths take any string and number", () => {
    expectCovers(IsoDate, ["make", "toParts", "daysInMonth", "addMonths", "firstOfNextMonth", "fromDateTime", "parse", "compare"])
    forAnything((u) => {
      const d = IsoDate.parse(u)
      expect(d === undefined || (typeof u === "string" && d === u)).toBe(true)
    })
    fc.assert(
      fc.property(nastyIso, nastyIso, nastyNumber, nastyNumber, nastyNumber, (a, b, x, y, z) => {
        expect(isString(IsoDate.make({ year: x, month: y, day: z }))).toBe(true)
        const parts = IsoDate.toParts(a)
        expect(typeof parts.year).toBe("number")
        expect(typeof IsoDate.daysInMonth(x, y)).toBe("number")
        expect(isString(IsoDate.addMonths(a, x))).toBe(true)
        expect(isString(IsoDate.firstOfNextMonth(x, y))).toBe(true)
        expect([-1, 0, 1]).toContain(IsoDate.compare(a, b))
      }),
      params()
    )
    fc.assert(
      fc.property(anyDateTime, (now) => {
        expect(isString(IsoDate.fromDateTime(now))).toBe(true)
      }),
      params()
    )
  })

  it("[RETENTION-CARD] [RETENTION-NON-CARD] [RETENTION-EXTEND] [RETENTION-PURGE] Retention: any anchor numbers and date strings", () => {
    expectCovers(Retention, ["periodMonths", "retainUntil", "isRetained"])
    const anchor = fc.oneof(
      nastyExpiry.map((expiry): Retention.Anchor => ({ _tag: "Card", expiry })),
      nastyIso.map((lastActivity): Retention.Anchor => ({ _tag: "NonCard", lastActivity }))
    )
    forAnything((u) => {
      expect([14, 24]).toContain(Retention.periodMonths(u as boolean))
    }, 100)
    fc.assert(
      fc.property(anchor, fc.boolean(), nastyIso, nastyIso, (a, extended, until, today) => {
        expect(isString(Retention.retainUntil(a, extended))).toBe(true)
        expect(isBoolean(Retention.isRetained(until, today))).toBe(true)
      }),
      params()
    )
  })

  it("[IBAN-MOD97] [NO-PAN-LEAK] Iban: parse takes anything; reveal any parsed IBAN", () => {
    expectCovers(Iban, ["parse", "reveal"], ["Iban"])
    forAnything((u) => {
      const r = Iban.parse(u)
      expectTypedResult(r, u)
      if (Result.isSuccess(r)) expect(isString(Iban.reveal(r.success))).toBe(true)
    })
    expect(Iban.reveal(Result.getOrThrow(Iban.parse("GB82WEST12345698765432")))).toBe("GB82WEST12345698765432")
  })

  it("[CUSTOM-TOKEN-LENGTH] [CUSTOM-TOKEN-DIGITS] [CUSTOM-TOKEN-CHARSET] CustomToken: validate takes anything", () => {
    expectCovers(CustomToken, ["validate"])
    forAnything((u) => {
      const r = CustomToken.validate(u)
      expectTypedResult(r, u)
      if (Result.isFailure(r)) expect(["INVALID_INPUT", "CUSTOM_TOKEN_INVALID"]).toContain(r.failure.code)
    })
  })

  it("[REQUEST-TOKEN-SYNTAX] RequestToken: parse takes anything; format any parsed value", () => {
    expectCovers(RequestToken, ["parse", "format"])
    forAnything((u) => {
      const r = RequestToken.parse(u)
      expectTypedResult(r, u)
      if (Result.isSuccess(r)) expect(isString(RequestToken.format(r.success))).toBe(true)
    })
  })

  it("[MERCHANT-PREFIX] MerchantPrefix: validate takes any prefix; assign any bytes and registry", () => {
    expectCovers(MerchantPrefix, ["validate", "assign"])
    const registry = new Map([["m1", "XYZW"], ["m2", "0000"]])
    forAnything((u) => {
      const r = MerchantPrefix.validate(u, "m3", registry)
      expectTypedResult(r, u)
      if (Result.isFailure(r)) expect(["PREFIX_INVALID", "PREFIX_TAKEN"]).toContain(r.failure.code)
    })
    fc.assert(
      fc.property(anything, nastyString, nastyMap, (u, m, reg) => {
        expectTypedResult(MerchantPrefix.validate(u, m, reg), u)
      }),
      params()
    )
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), nastyMap, (random, registry) => {
        const p = MerchantPrefix.assign(random, registry)
        expect(p === undefined || /^[A-Z0-9]{4}$/.test(p)).toBe(true)
      }),
      params()
    )
  })

  it("[TOKENIZATION-ENABLED] [GROUP-ACCESS] Merchant: decodeId takes anything; requireTokenization any merchant", () => {
    expectCovers(Merchant, ["decodeId", "requireTokenization"])
    forAnything((u) => {
      for (const what of ["merchantId", "groupId", "merchantRequestId", "customerId"] as const) {
        const r = Merchant.decodeId(u, what)
        expectTypedResult(r, u)
        if (Result.isFailure(r)) expect(r.failure.code).toBe("INVALID_INPUT")
      }
    })
    fc.assert(
      fc.property(nastyString, nastyString, fc.boolean(), (merchantId, p, tokenization) => {
        const m: Merchant.Merchant = { merchantId, prefix: p, format: "opaque", tokenization, luhn: "enforce" }
        expectTypedResult(Merchant.requireTokenization(m))
      }),
      params()
    )
  })

  it("[GROUP-ACCESS] [GROUP-MEMBERSHIP] Group: every function takes any ids, scopes and membership", () => {
    expectCovers(Group, ["merchantScope", "groupScope", "visibleScopes", "scopeForNewTokens", "canAccess", "join", "leave", "applyRescope"])
    fc.assert(
      fc.property(nastyString, nastyString, nastyString, nastyMap, fc.boolean(), (m, g, s, membership, flag) => {
        const scope = s as Group.Scope
        expect(isString(Group.merchantScope(m)) && isString(Group.groupScope(g))).toBe(true)
        expect(Group.visibleScopes(m, membership).every(isString)).toBe(true)
        expect(isString(Group.scopeForNewTokens(m, membership))).toBe(true)
        expect(isBoolean(Group.canAccess(scope, m, membership))).toBe(true)
        for (const r of [Group.join(membership, m, g, flag), Group.leave(membership, m, g, flag)]) {
          expectTypedResult(r)
          if (Result.isFailure(r)) expect(r.failure.code).toBe("GROUP_MEMBERSHIP")
        }
        expect(isString(Group.applyRescope({ owner: m, from: scope, to: Group.groupScope(g) }, g, scope))).toBe(true)
      }),
      params()
    )
  })

  it("[TOKENIZE-ON-PAYMENT] [TOKENIZE-FORCED] PaymentTokenization: decide takes any flags and any outcome", () => {
    expectCovers(PaymentTokenization, ["decide"])
    const flags = fc.oneof(
      anything,
      fc.record({ createRegistration: anything, requestToken: anything }, { requiredKeys: [] })
    )
    forAnything((u) => {
      expectTypedResult(PaymentTokenization.decide({ requestToken: u as string }, "AUTHORIZED"), u)
      expectTypedResult(PaymentTokenization.decide({ createRegistration: true }, u), u)
      expectTypedResult(PaymentTokenization.decide(u as PaymentTokenization.Flags, "DECLINED"), u)
    })
    fc.assert(
      fc.property(flags, fc.oneof(fc.constantFrom("AUTHORIZED", "DECLINED", "VERIFIED"), anything), (f, o) => {
        expectTypedResult(PaymentTokenization.decide(f as PaymentTokenization.Flags, o))
      }),
      params()
    )
  })

  it("[USE-ACTIVE] [USE-CARD-NOT-EXPIRED] [COF-MIT-AGREEMENT] [COF-COMBINATION] PaymentUse: decodeUse takes anything; authorize any state and any DateTime", () => {
    expectCovers(PaymentUse, ["decodeUse", "authorize"])
    forAnything((u) => {
      const r = PaymentUse.decodeUse(u)
      expectTypedResult(r, u)
      if (Result.isFailure(r)) expect(r.failure.code).toBe("COF_INVALID")
    })
    const state = fc.record({
      status: fc.constantFrom("ACTIVE" as const, "SUSPENDED" as const, "DELETED" as const),
      retainUntil: nastyIso,
      expiry: fc.option(nastyExpiry, { nil: undefined }),
      agreements: fc.array(fc.record({ type: fc.constantFrom(...PaymentUse.values.type), initialTransactionId: nastyString }), { maxLength: 3 })
    })
    const use = fc.record(
      {
        source: fc.constantFrom(...PaymentUse.values.source),
        mode: fc.constantFrom(...PaymentUse.values.mode),
        type: fc.constantFrom(...PaymentUse.values.type),
        initialTransactionId: fc.option(nastyString, { nil: undefined })
      },
      { requiredKeys: ["source", "mode", "type"] }
    )
    fc.assert(
      fc.property(state, use, anyDateTime, (s, u, now) => {
        expectTypedResult(PaymentUse.authorize(s, u, now))
      }),
      params()
    )
  })

  it("[FORMAT-REGISTRATION] [FORMAT-STANDARD] [FORMAT-CUSTOM] [FORMAT-OPAQUE] [TOKEN-NOT-PAN] TokenFormat: parse, isToken and generate take anything", () => {
    expectCovers(TokenFormat, ["generate", "isToken", "parse"])
    const name = fc.oneof(fc.constantFrom(...TokenFormat.names), nastyString, fc.constantFrom("__proto__", "constructor", "toString"))
    forAnything((u) => {
      const r = TokenFormat.parse(u)
      expectTypedResult(r, u)
      if (Result.isFailure(r)) expect(r.failure.code).toBe("TOKEN_MALFORMED")
      for (const n of TokenFormat.names) {
        expect(isBoolean(TokenFormat.isToken(n, u))).toBe(true)
        expectTypedResult(TokenFormat.generate(n, u as TokenFormat.GenerateInput), u)
      }
      expectTypedResult(TokenFormat.generate(u as TokenFormat.Name, { random: new Uint8Array(32), prefix: "XYZW", customValue: "JOHN_SMITH_5533" }))
    })
    fc.assert(
      fc.property(name, anything, anything, anything, anything, (n, random, pan, p, customValue) => {
        const input = { random, pan, prefix: p, customValue } as unknown as TokenFormat.GenerateInput
        const r = TokenFormat.generate(n as TokenFormat.Name, input)
        expectTypedResult(r)
        expect(isBoolean(TokenFormat.isToken(n as TokenFormat.Name, p))).toBe(true)
      }),
      params()
    )
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), anyPan, fc.oneof(prefix, nastyString), nastyString, (random, pan, p, customValue) => {
        for (const n of TokenFormat.names) expectTypedResult(TokenFormat.generate(n, { random, pan, prefix: p, customValue }), customValue)
      }),
      params()
    )
  })

  it("[STATUS-TRANSITIONS] [STATUS-DELETE-TWICE] TokenStatus: every function takes anything", () => {
    expectCovers(TokenStatus, ["isStatus", "isEvent", "transition", "transitionTo"])
    forAnything((u) => {
      expect(isBoolean(TokenStatus.isStatus(u)) && isBoolean(TokenStatus.isEvent(u))).toBe(true)
      for (const other of [u, "ACTIVE", "DELETE", "DELETED"]) {
        expectTypedResult(TokenStatus.transition(u, other), u)
        expectTypedResult(TokenStatus.transition(other, u), u)
        expectTypedResult(TokenStatus.transitionTo(u, other), u)
        expectTypedResult(TokenStatus.transitionTo(other, u), u)
      }
    })
  })

  it("[DELETE-IRREVERSIBLE] TokenRecord: every function takes any record", () => {
    expectCovers(TokenRecord, ["isTombstone", "toTombstone", "toJson", "fromJson"], ["Json"])
    const record = fc.record({
      token: nastyString,
      format: fc.constantFrom(...TokenFormat.names),
      merchantId: nastyString,
      scope: nastyString.map((s) => s as Group.Scope),
      customerId: fc.option(nastyString, { nil: undefined }),
      instrument: fc.constantFrom("CARD" as const, "BANK_ACCOUNT" as const),
      brand: fc.option(fc.constantFrom(...CardBrand.brands), { nil: undefined }),
      maskedPan: nastyString,
      expiry: fc.option(nastyExpiry, { nil: undefined }),
      fingerprint: fc.option(nastyString, { nil: undefined }),
      sealed: fc.option(fc.record({ keyVersion: nastyNumber, ciphertext: nastyString }), { nil: undefined }),
      status: fc.constantFrom(...TokenStatus.statuses),
      deletion: fc.option(fc.record({ reason: fc.constantFrom("DEREGISTERED" as const, "RETENTION" as const), on: nastyIso }), { nil: undefined }),
      createdAt: nastyString,
      lastActivity: nastyIso,
      extended: fc.boolean(),
      retainUntil: nastyIso,
      agreements: fc.constant([]),
      merchantRequestId: fc.option(nastyString, { nil: undefined }),
      requestDigest: fc.option(nastyString, { nil: undefined }),
      version: nastyNumber
    })
    fc.assert(
      fc.property(record, nastyIso, (r, on) => {
        expect(isBoolean(TokenRecord.isTombstone(r))).toBe(true)
        const t = TokenRecord.toTombstone(r, { reason: "RETENTION", on })
        expect(TokenRecord.isTombstone(t)).toBe(true)
        expect(TokenRecord.fromJson(TokenRecord.toJson(t)).token).toBe(r.token)
      }),
      params()
    )
  })

  it("[NO-PAN-LEAK] TokenError: make takes every code and any options; isTokenError anything", () => {
    expectCovers(TokenError, ["make", "isTokenError"], ["TokenError", "Violation"])
    forAnything((u) => {
      expect(TokenError.isTokenError(u)).toBe(false)
    })
    fc.assert(
      fc.property(fc.constantFrom(...TokenError.errorCodes), fc.option(nastyString, { nil: undefined }), fc.option(nastyString, { nil: undefined }), (code, message, rule) => {
        const e = TokenError.make(code, { message, rule, gatewayCode: message })
        expect(e.code).toBe(code)
        expect(TokenError.isTokenError(e)).toBe(true)
      }),
      params()
    )
  })

  it("[NO-PAN-LEAK] no error of the boundary functions repeats a card number given to them", () => {
    const digitsLike = fc.oneof(
      fc.stringMatching(/^[0-9]{6,11}$/),
      fc.stringMatching(/^[0-9]{20,40}$/),
      fc.stringMatching(/^[0-9]{4}[ -][0-9]{4}[ -][0-9]{4}[ -][0-9]{4}$/),
      fc.stringMatching(/^[0-9]{12,19}[^0-9]$/)
    )
    fc.assert(
      fc.property(digitsLike, (s) => {
        const results: ReadonlyArray<Result.Result<unknown, TokenError.TokenError>> = [
          Pan.parse(s),
          Iban.parse(s),
          CustomToken.validate(s),
          RequestToken.parse(s),
          Expiry.parse(s, "MMYY"),
          TokenFormat.parse(s),
          MerchantPrefix.validate(s, "m", new Map()),
          Merchant.decodeId(s + "!", "merchantId"),
          TokenStatus.transition(s, s),
          PaymentUse.decodeUse({ source: s }),
          PaymentTokenization.decide({ requestToken: s }, "AUTHORIZED")
        ]
        for (const r of results) if (Result.isFailure(r)) expectTypedError(r.failure, s)
      }),
      params()
    )
  })
})
