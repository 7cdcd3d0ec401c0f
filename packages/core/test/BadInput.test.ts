/**
 * Bad input to every exported function of the core (rule INPUT-TYPED): a
 * typed TokenError (tag and a catalogued code, never a message) as a failed
 * Result, or, from functions that return no Result, a thrown
 * `INVALID_INPUT` TokenError; or a documented `undefined` / `false`. Never
 * any other exception. Messages never repeat the input's digits.
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
 *   out-of-range DateTimes, empty or huge maps and byte arrays;
 * - and, last, every exported function of every module gets any arguments
 *   at all (what a JavaScript caller or JSON can pass), mixed with
 *   well-typed samples so that the later checks are reached too.
 *
 * Each test also checks that it covers every function its module exports, so
 * a new export without a bad-input case fails here. (`Rules.get` is checked
 * with the registry, in Rules.test.ts.)
 */
import { DateTime, Result, Schema } from "effect"
import { describe, expect, it } from "vitest"
import * as Core from "../src/index.ts"
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
import {
  anyPan,
  anything,
  check,
  expectInvalidInput,
  expectTypedError,
  expectTypedResult,
  expectValueOrInvalidInput,
  luhn,
  nastyString,
  nastyValues,
  outcome,
  prefix
} from "./support.ts"

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
          expect(Mask.revealedDigits(m)).toBeLessThanOrEqual(12)
          expect(m.length - Mask.revealedDigits(m)).toBeGreaterThanOrEqual(6)
        }
        expect(Number.isInteger(Mask.revealedDigits(s))).toBe(true)
      }),
      params()
    )
  })

  it("[EXPIRY-FORMAT] [EXPIRY-END-OF-MONTH] Expiry: make and parse take anything; expiresOn, isExpired and format any numbers and any DateTime", () => {
    expectCovers(Expiry, ["make", "parse", "isExpiry", "expiresOn", "isExpired", "format"])
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
        // A valid expiry (month 1–12, year 0–9999) is answered at any instant; any other is INVALID_INPUT.
        expectValueOrInvalidInput(() => Expiry.expiresOn(e), (d) => IsoDate.parse(d) === d)
        if (Expiry.isExpiry(e)) {
          expect(isBoolean(Expiry.isExpired(e, now))).toBe(true)
          expect(Expiry.format(e)).toMatch(/^[0-9]{2}\/[0-9]{2}$/)
        } else {
          expectInvalidInput(() => Expiry.isExpired(e, now))
          expectInvalidInput(() => Expiry.format(e))
        }
      }),
      params()
    )
  })

  it("[RETENTION-NON-CARD] [RETENTION-CARD] [DATE-RANGE] IsoDate: parse takes anything; the date maths answer any string and number with a valid date or INVALID_INPUT", () => {
    expectCovers(IsoDate, ["make", "toParts", "daysInMonth", "addMonths", "firstOfNextMonth", "fromDateTime", "parse", "compare"])
    forAnything((u) => {
      const d = IsoDate.parse(u)
      expect(d === undefined || (typeof u === "string" && d === u)).toBe(true)
    })
    fc.assert(
      fc.property(nastyIso, nastyIso, nastyNumber, nastyNumber, nastyNumber, (a, b, x, y, z) => {
        const isDate = (d: unknown) => IsoDate.parse(d) === d
        expectValueOrInvalidInput(() => IsoDate.make({ year: x, month: y, day: z }), isDate)
        expectValueOrInvalidInput(() => IsoDate.toParts(a), (p) => isDate(IsoDate.make(p as IsoDate.Parts)), a)
        expectValueOrInvalidInput(() => IsoDate.daysInMonth(x, y), (n) => n === 28 || n === 29 || n === 30 || n === 31)
        expectValueOrInvalidInput(() => IsoDate.addMonths(a, x), isDate, a)
        expectValueOrInvalidInput(() => IsoDate.firstOfNextMonth(x, y), isDate)
        expectValueOrInvalidInput(() => IsoDate.compare(a, b), (n) => n === -1 || n === 0 || n === 1, a, b)
      }),
      params()
    )
    fc.assert(
      fc.property(anyDateTime, (now) => {
        expectValueOrInvalidInput(() => IsoDate.fromDateTime(now), (d) => IsoDate.parse(d) === d)
      }),
      params()
    )
  })

  it("[RETENTION-CARD] [RETENTION-NON-CARD] [RETENTION-EXTEND] [RETENTION-PURGE] [INPUT-TYPED] Retention: any anchor numbers and date strings give a date or INVALID_INPUT; only a boolean extends", () => {
    expectCovers(Retention, ["periodMonths", "retainUntil", "isRetained"])
    const anchor = fc.oneof(
      nastyExpiry.map((expiry): Retention.Anchor => ({ _tag: "Card", expiry })),
      nastyIso.map((lastActivity): Retention.Anchor => ({ _tag: "NonCard", lastActivity }))
    )
    forAnything((u) => {
      if (typeof u === "boolean") expect(Retention.periodMonths(u)).toBe(u ? 24 : 14)
      else expectInvalidInput(() => Retention.periodMonths(u as boolean), u)
    }, 100)
    fc.assert(
      fc.property(anchor, fc.boolean(), nastyIso, nastyIso, (a, extended, until, today) => {
        expectValueOrInvalidInput(() => Retention.retainUntil(a, extended), (d) => IsoDate.parse(d) === d)
        expectValueOrInvalidInput(() => Retention.isRetained(until, today), isBoolean, until, today)
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

  it("[FORMAT-REGISTRATION] [FORMAT-STANDARD] [FORMAT-CUSTOM] [FORMAT-OPAQUE] [TOKEN-NOT-PAN] TokenFormat: parse, isToken, isTokenValue and generate take anything", () => {
    expectCovers(TokenFormat, ["generate", "isToken", "isTokenValue", "parse"])
    const name = fc.oneof(fc.constantFrom(...TokenFormat.names), nastyString, fc.constantFrom("__proto__", "constructor", "toString"))
    forAnything((u) => {
      const r = TokenFormat.parse(u)
      expectTypedResult(r, u)
      if (Result.isFailure(r)) expect(r.failure.code).toBe("TOKEN_MALFORMED")
      expect(TokenFormat.isTokenValue(u)).toBe(Result.isSuccess(r))
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
        // A deletion date that is not a date, or a version that is not an integer, is INVALID_INPUT.
        if (IsoDate.parse(on) === undefined || !Number.isSafeInteger(r.version)) {
          expectInvalidInput(() => TokenRecord.toTombstone(r, { reason: "RETENTION", on }), on)
          return
        }
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

// ---------------------------------------------------------------------------
// Every export of every module, with any arguments
// ---------------------------------------------------------------------------

/** The functions that answer with a `Result`: bad input is a failed Result, never a throw. */
const resultFunctions: ReadonlySet<string> = new Set([
  "CustomToken.validate",
  "Expiry.make",
  "Expiry.parse",
  "Group.join",
  "Group.leave",
  "Iban.parse",
  "Merchant.decodeId",
  "Merchant.requireTokenization",
  "MerchantPrefix.validate",
  "Pan.parse",
  "PaymentTokenization.decide",
  "PaymentUse.authorize",
  "PaymentUse.decodeUse",
  "RequestToken.parse",
  "TokenFormat.generate",
  "TokenFormat.parse",
  "TokenStatus.transition",
  "TokenStatus.transitionTo"
])

const isClassOrSchema = (v: unknown): boolean =>
  Schema.isSchema(v) || Function.prototype.toString.call(v).startsWith("class")

/** Every exported function of every module of the core, as `Module.name`. */
const allFunctions: ReadonlyArray<readonly [string, (...args: ReadonlyArray<unknown>) => unknown]> = Object.entries(Core).flatMap((
  [moduleName, module]
) =>
  Object.entries(module as Record<string, unknown>)
    .filter(([, v]) => typeof v === "function" && !isClassOrSchema(v))
    .map(([name, f]) => [`${moduleName}.${name}`, f as (...args: ReadonlyArray<unknown>) => unknown] as const)
)

const deepFreeze = <A>(a: A): A => {
  // DateTimes cache their parts on first use, so they stay unfrozen, as do the byte arrays and maps checked by `contents`.
  if (typeof a === "object" && a !== null && !ArrayBuffer.isView(a) && !(a instanceof Map) && !DateTime.isDateTime(a) && !Object.isFrozen(a)) {
    for (const v of Object.values(a)) deepFreeze(v)
    Object.freeze(a)
  }
  return a
}

const PAN = "4111111111111111"
const samplePan = Result.getOrThrow(Pan.parse(PAN))
const expiry = { month: 3, year: 2030 }
const record: TokenRecord.TokenRecord = {
  token: "TlcMw5uKf9Gp6nM_7cHGAf",
  format: "opaque",
  merchantId: "m1",
  scope: "merchant:m1",
  customerId: undefined,
  instrument: "CARD",
  brand: "VISA",
  maskedPan: "411111••••••1111",
  expiry,
  fingerprint: "f",
  sealed: { keyVersion: 1, ciphertext: "c" },
  status: "ACTIVE",
  deletion: undefined,
  createdAt: "2025-01-01T00:00:00Z",
  lastActivity: "2025-01-31" as IsoDate.IsoDate,
  extended: false,
  retainUntil: "2027-03-01" as IsoDate.IsoDate,
  agreements: [{ type: "RECURRING", initialTransactionId: "tx1" }],
  merchantRequestId: undefined,
  requestDigest: undefined,
  version: 1
}

/** Well-typed values of every domain type, so that bad arguments also reach the later checks of a function. */
const samples: ReadonlyArray<unknown> = [
  samplePan,
  Result.getOrThrow(Iban.parse("GB82WEST12345698765432")),
  PAN,
  "2025-01-31",
  "9999-12-31",
  "merchant:m1",
  "m1",
  "g1",
  "ACTIVE",
  "DELETE",
  "standard",
  "custom",
  "MMYY",
  "merchantId",
  "INVALID_INPUT",
  "JOHN_SMITH_55",
  true,
  false,
  12,
  2030,
  expiry,
  { month: 12, year: 9999 },
  { lead: 8, trail: 4 },
  { _tag: "Card", expiry },
  { _tag: "NonCard", lastActivity: "9999-01-31" },
  { _tag: "Custom", forced: true, value: "JOHN_SMITH_55" },
  { source: "MIT", mode: "REPEATED", type: "RECURRING", initialTransactionId: "tx1" },
  { owner: "m1", from: "merchant:m1", to: "group:g1" },
  { reason: "RETENTION", on: "2026-01-01" },
  { merchantId: "m1", prefix: "XYZW", format: "standard", tokenization: true, luhn: "enforce" },
  { random: new Uint8Array(32).fill(7), pan: samplePan, prefix: "XYZW", customValue: "JOHN_SMITH_55" },
  { createRegistration: true },
  { message: "m", rule: "PAN-LENGTH" },
  record,
  TokenRecord.toJson(record),
  CardBrand.table,
  DateTime.makeUnsafe(Date.UTC(2026, 0, 1)),
  DateTime.makeUnsafe(Date.UTC(10_000, 0, 1)),
  new Uint8Array(3),
  new Map([["m1", "g1"], ["m2", "XYZW"]])
].map(deepFreeze)

const argument = fc.oneof({ weight: 2, arbitrary: anything }, { weight: 1, arbitrary: fc.constantFrom(...samples) })

/** The arguments' mutable contents (map entries, bytes), flattened, to check that no call changes them. */
const contents = (args: ReadonlyArray<unknown>): ReadonlyArray<unknown> =>
  args.flatMap((a) => (a instanceof Map ? [...a].flat() : a instanceof Uint8Array ? [...a] : [a]))

const same = (a: ReadonlyArray<unknown>, b: ReadonlyArray<unknown>): boolean => a.length === b.length && a.every((x, i) => Object.is(x, b[i]))

/**
 * Calls `f` and checks its answer: a value, or a Result whose failure is a
 * typed error, or (for functions without a Result) a thrown INVALID_INPUT
 * TokenError; never another exception; no error repeats the digits of a
 * string argument; the arguments are left as they were.
 */
const checkCall = (name: string, f: (...args: ReadonlyArray<unknown>) => unknown, args: ReadonlyArray<unknown>): void => {
  const before = contents(args)
  const o = outcome(() => f(...args))
  if (o.threw) {
    check(TokenError.isTokenError(o.error), () => `${name} threw ${o.error instanceof Error ? o.error.name : typeof o.error}: ${String(o.error)}`)
    check(!resultFunctions.has(name), () => `${name} threw instead of failing its Result`)
    const err = expectTypedError(o.error)
    check(err.code === "INVALID_INPUT", () => `${name} threw ${err.code}, not INVALID_INPUT`)
    for (const a of args) expectTypedError(err, a)
  } else if (resultFunctions.has(name)) {
    check(Result.isResult(o.value), () => `${name} did not return a Result`)
    const r = o.value as Result.Result<unknown, unknown>
    if (Result.isFailure(r)) for (const a of [undefined, ...args]) expectTypedError(r.failure, a)
  }
  check(same(contents(args), before), () => `${name} changed its arguments`)
}

describe("every export of every module, with any arguments", () => {
  it("[INPUT-TYPED] [NO-PAN-LEAK] a value, a typed Result or a thrown INVALID_INPUT TokenError; never another exception, a leaked digit run or a changed argument", () => {
    expect(allFunctions.length).toBeGreaterThan(60)
    const classic: ReadonlyArray<ReadonlyArray<unknown>> = [
      [],
      [null],
      [undefined, undefined, undefined, undefined],
      [Object.create(null), Object.create(null), Object.create(null)],
      [42, 42n, Symbol("s"), () => PAN],
      [PAN, PAN, PAN, PAN],
      [{}, {}, {}, {}],
      [samplePan, { lead: 1n, trail: Object.create(null) }]
    ]
    for (const [name, f] of allFunctions) {
      for (const args of classic) checkCall(name, f, args)
      fc.assert(
        fc.property(fc.array(argument, { maxLength: 4 }), (args) => checkCall(name, f, args)),
        params()
      )
    }
  })

  it("[INPUT-TYPED] [MERCHANT-PREFIX] assign refuses what is not a byte array at once, instead of looping forever", () => {
    for (const random of [{}, { length: Infinity }, [], "abc", null]) {
      expectInvalidInput(() => MerchantPrefix.assign(random as Uint8Array, new Map()))
    }
    expectInvalidInput(() => MerchantPrefix.assign(new Uint8Array(8), {} as ReadonlyMap<string, string>))
  })

  it("[INPUT-TYPED] [RETENTION-EXTEND] [GROUP-MEMBERSHIP] [TOKENIZE-ON-PAYMENT] a string \"false\" is never taken as true", () => {
    expectInvalidInput(() => Retention.periodMonths("false" as unknown as boolean))
    expectInvalidInput(() => Retention.retainUntil({ _tag: "NonCard", lastActivity: "2025-01-31" as IsoDate.IsoDate }, "false" as unknown as boolean))
    const joined = Group.join(new Map(), "m1", "g1", "false" as unknown as boolean)
    expect(Result.isFailure(joined) && joined.failure.code).toBe("INVALID_INPUT")
    const decided = PaymentTokenization.decide({ createRegistration: "false" as unknown as boolean }, "AUTHORIZED")
    expect(Result.isFailure(decided) && decided.failure.code).toBe("INVALID_INPUT")
    const merchant = { merchantId: "m1", prefix: "XYZW", format: "opaque", tokenization: "false", luhn: "enforce" } as unknown as Merchant.Merchant
    const required = Merchant.requireTokenization(merchant)
    expect(Result.isFailure(required) && required.failure.code).toBe("INVALID_INPUT")
  })
})
