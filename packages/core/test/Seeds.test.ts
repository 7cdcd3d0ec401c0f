/**
 * Every example of the three seed documents, as a test:
 * seed 000 (ACI registration tokens), seed 002 (Axerve tokens), seed 003
 * (AlliancePay token creation).
 */
import { DateTime } from "effect"
import { describe, expect, it } from "vitest"
import * as CardBrand from "../src/CardBrand.ts"
import * as CustomToken from "../src/CustomToken.ts"
import * as Expiry from "../src/Expiry.ts"
import * as Group from "../src/Group.ts"
import type * as IsoDate from "../src/IsoDate.ts"
import * as Mask from "../src/Mask.ts"
import * as Merchant from "../src/Merchant.ts"
import * as MerchantPrefix from "../src/MerchantPrefix.ts"
import * as Pan from "../src/Pan.ts"
import * as PaymentTokenization from "../src/PaymentTokenization.ts"
import * as PaymentUse from "../src/PaymentUse.ts"
import * as RequestToken from "../src/RequestToken.ts"
import * as Retention from "../src/Retention.ts"
import * as TokenFormat from "../src/TokenFormat.ts"
import * as TokenStatus from "../src/TokenStatus.ts"
import { fc, params } from "./fc.ts"
import { failure, luhn, success, withCheckDigit } from "./support.ts"

const random = new Uint8Array(64).map((_, i) => (i * 37 + 11) % 251)
const at = (iso: string) => DateTime.makeUnsafe(iso)
const asIso = (s: string) => s as IsoDate.IsoDate

describe("seed 000: ACI Server-to-Server Registration Tokens", () => {
  it("[FORMAT-REGISTRATION] the registration id 8a82944a4cc25ebf014cc2c782423202 is a registration token", () => {
    for (const id of ["8a82944a4cc25ebf014cc2c782423202", "8ac7a4a16f3ba39d016f46aaf0551714"]) {
      expect(success(TokenFormat.parse(id)).formats).toEqual(["registration"])
      expect(TokenFormat.isToken("registration", id)).toBe(true)
    }
    expect(success(TokenFormat.generate("registration", { random }))).toMatch(/^[0-9a-f]{32}$/)
    expect(failure(TokenFormat.parse("8A82944A4CC25EBF014CC2C78242320"), "TOKEN_MALFORMED").gatewayCode).toBe("100.150.101")
  })

  it("[TOKENIZE-ON-PAYMENT] tokenization during payment: createRegistration=true makes a token with an initial purchase or a zero-amount verification", () => {
    expect(success(PaymentTokenization.decide({ createRegistration: true }, "AUTHORIZED"))).toEqual({ _tag: "Token", format: "registration" })
    expect(success(PaymentTokenization.decide({ createRegistration: true }, "VERIFIED"))).toEqual({ _tag: "Token", format: "registration" })
    expect(success(PaymentTokenization.decide({ createRegistration: true }, "DECLINED"))).toEqual({ _tag: "NoToken" })
  })

  it("[PAN-BRAND] one-click: the listing's brands MASTER VISA AMEX CHINAUNIONPAY are detected by those names", () => {
    expect(CardBrand.brands).toEqual(expect.arrayContaining(["MASTER", "VISA", "AMEX", "CHINAUNIONPAY"]))
    const examples: ReadonlyArray<readonly [string, CardBrand.CardBrand]> = [
      ["5555555555554444", "MASTER"],
      ["2221000000000009", "MASTER"],
      ["4111111111111111", "VISA"],
      ["378282246310005", "AMEX"],
      [withCheckDigit("621234567890123"), "CHINAUNIONPAY"]
    ]
    for (const [d, brand] of examples) expect(success(Pan.parse(d)).brand).toBe(brand)
  })

  it("[MASK-PCI] [EXPIRY-FORMAT] [EXPIRY-END-OF-MONTH] one-click: Visa xxxx-xxxx-xxxx-1234, Dec / 2018", () => {
    const body = [..."0123456789"].map((d) => `40000000000${d}1234`).find(luhn)!
    const pan = success(Pan.parse(body))
    expect(pan.brand).toBe("VISA")
    expect(pan.last4).toBe("1234")
    expect(Mask.last4(pan)).toBe("••••••••••••1234")
    expect(Mask.revealedDigits(Mask.last4(pan))).toBe(4)
    const expiry = success(Expiry.parse("12/2018", "MM/YY"))
    expect(expiry).toEqual({ month: 12, year: 2018 })
    expect(success(Expiry.make(12, 18))).toEqual(expiry)
    expect(Expiry.format(expiry)).toBe("12/18")
    expect(Expiry.isExpired(expiry, at("2018-12-31T23:59:59.999Z"))).toBe(false)
    expect(Expiry.isExpired(expiry, at("2019-01-01T00:00:00.000Z"))).toBe(true)
  })

  it("[COF-COMBINATION] [COF-MIT-AGREEMENT] payment with token: one-click is CIT UNSCHEDULED; MIT follows a CIT INITIAL agreement", () => {
    const state: PaymentUse.TokenState = { status: "ACTIVE", retainUntil: asIso("2027-01-01"), expiry: { month: 12, year: 2026 }, agreements: [] }
    const now = at("2025-02-20T16:42:05Z")
    expect(success(PaymentUse.authorize(state, { source: "CIT", mode: "REPEATED", type: "UNSCHEDULED" }, now))).toEqual({ createsAgreement: undefined })
    expect(success(PaymentUse.authorize(state, { source: "CIT", mode: "INITIAL", type: "RECURRING" }, now))).toEqual({ createsAgreement: "RECURRING" })
    failure(PaymentUse.authorize(state, { source: "MIT", mode: "REPEATED", type: "RECURRING", initialTransactionId: "tx-1" }, now), "COF_NO_AGREEMENT")
    const withAgreement = { ...state, agreements: [{ type: "RECURRING" as const, initialTransactionId: "tx-1" }] }
    expect(success(PaymentUse.authorize(withAgreement, { source: "MIT", mode: "REPEATED", type: "RECURRING", initialTransactionId: "tx-1" }, now)))
      .toEqual({ createsAgreement: undefined })
  })

  it("[STATUS-TRANSITIONS] [STATUS-DELETE-TWICE] [USE-ACTIVE] token deletion: a deregistered token cannot be used anymore", () => {
    const deleted = success(TokenStatus.transition("ACTIVE", "DELETE"))
    expect(deleted).toBe("DELETED")
    const state: PaymentUse.TokenState = { status: deleted, retainUntil: asIso("2027-01-01"), expiry: undefined, agreements: [] }
    const err = failure(PaymentUse.authorize(state, { source: "CIT", mode: "REPEATED", type: "UNSCHEDULED" }, at("2025-06-01T00:00:00Z")), "TOKEN_DELETED")
    expect(err.gatewayCode).toBe("100.150.202")
    expect(failure(TokenStatus.transition(deleted, "DELETE"), "TOKEN_ALREADY_DELETED").gatewayCode).toBe("100.350.303")
  })

  it("[RETENTION-CARD] token extension example: a card expiring at 1-Feb-Y1 is deleted 14 months later, on 1-Apr-Y2", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2000, max: 2990 }), (y1) => {
        const expiry = { month: 1, year: y1 }
        expect(Expiry.expiresOn(expiry)).toBe(`${y1}-02-01`)
        expect(Retention.retainUntil({ _tag: "Card", expiry }, false)).toBe(`${y1 + 1}-04-01`)
      }),
      params()
    )
    expect(Retention.retainUntil({ _tag: "Card", expiry: { month: 1, year: 2025 } }, false)).toBe("2026-04-01")
  })

  it("[RETENTION-CARD] ACI Data Retention Policy: card expiry Dec-Y1 is retained till 1-Mar-Y3", () => {
    expect(Retention.retainUntil({ _tag: "Card", expiry: { month: 12, year: 2025 } }, false)).toBe("2027-03-01")
  })

  it("[RETENTION-EXTEND] the default retention period can get extended for up to 24 months", () => {
    expect(Retention.periodMonths(true)).toBe(24)
    expect(Retention.retainUntil({ _tag: "Card", expiry: { month: 1, year: 2025 } }, true)).toBe("2027-02-01")
    expect(Retention.retainUntil({ _tag: "NonCard", lastActivity: asIso("2025-02-20") }, true)).toBe("2027-02-20")
  })

  it("[RETENTION-NON-CARD] [RETENTION-PURGE] a non-card token is deleted 14 months after its last transaction", () => {
    const until = Retention.retainUntil({ _tag: "NonCard", lastActivity: asIso("2025-02-20") }, false)
    expect(until).toBe("2026-04-20")
    expect(Retention.isRetained(until, asIso("2026-04-19"))).toBe(true)
    expect(Retention.isRetained(until, asIso("2026-04-20"))).toBe(false)
  })
})

describe("seed 002: Axerve Tokenization", () => {
  it("[REQUEST-TOKEN-SYNTAX] requestToken MASKEDPAN asks for a standard token, :FORCED:MASKEDPAN even if not authorized", () => {
    expect(success(RequestToken.parse("MASKEDPAN"))).toEqual({ _tag: "Standard", forced: false })
    expect(success(RequestToken.parse(":FORCED:MASKEDPAN"))).toEqual({ _tag: "Standard", forced: true })
  })

  it("[TOKENIZE-FORCED] [TOKENIZE-ON-PAYMENT] :FORCED:MASKEDPAN creates the token even if the transaction is not authorized", () => {
    expect(success(PaymentTokenization.decide({ requestToken: ":FORCED:MASKEDPAN" }, "DECLINED"))).toEqual({
      _tag: "Token",
      format: "standard",
      requestToken: { _tag: "Standard", forced: true }
    })
    expect(success(PaymentTokenization.decide({ requestToken: "MASKEDPAN" }, "DECLINED"))).toEqual({ _tag: "NoToken" })
    expect(success(PaymentTokenization.decide({ requestToken: "MASKEDPAN" }, "AUTHORIZED"))._tag).toBe("Token")
  })

  it("[FORMAT-STANDARD] [PAN-LUHN] standard tokens: 1234567890123456 → 12XYZW??????3456 and 3456789012345678 → 34XYZW??????5678", () => {
    for (const [d, shape] of [
      ["1234567890123456", /^12XYZW[0-9A-Z]{6}3456$/],
      ["3456789012345678", /^34XYZW[0-9A-Z]{6}5678$/]
    ] as const) {
      failure(Pan.parse(d), "PAN_LUHN_FAILED")
      const pan = success(Pan.parse(d, { luhn: "report" }))
      expect(pan.luhnValid).toBe(false)
      const token = success(TokenFormat.generate("standard", { random, pan, prefix: "XYZW" }))
      expect(token).toMatch(shape)
      expect(token).toHaveLength(16)
      expect(success(TokenFormat.parse(token)).formats).toContain("standard")
    }
  })

  it("[FORMAT-STANDARD] the documented tokens 12XYZWABCDEF3456, 34XYZWGHIJKL5678 and 44MRWNA710AC4448 are standard tokens", () => {
    for (const token of ["12XYZWABCDEF3456", "34XYZWGHIJKL5678", "44MRWNA710AC4448"]) {
      expect(success(TokenFormat.parse(token)).formats).toContain("standard")
      expect(TokenFormat.isToken("standard", token)).toBe(true)
    }
  })

  it("[EXPIRY-FORMAT] the Decrypt response's TokenExpiryMonth 10 and TokenExpiryYear 21 are October 2021", () => {
    expect(success(Expiry.make(10, 21))).toEqual({ month: 10, year: 2021 })
    expect(success(Expiry.parse("1021", "MMYY"))).toEqual({ month: 10, year: 2021 })
    expect(success(Expiry.parse("10/21", "MM/YY"))).toEqual({ month: 10, year: 2021 })
  })

  it("[FORMAT-CUSTOM] [CUSTOM-TOKEN-CASE] custom tokens: JOHN_SMITH_5533 → XYZWJOHN_SMITH_5533, JACK_JONES_1234 → XYZWJACK_JONES_1234", () => {
    for (const [requested, returned] of [
      ["JOHN_SMITH_5533", "XYZWJOHN_SMITH_5533"],
      ["JACK_JONES_1234", "XYZWJACK_JONES_1234"],
      ["john_smith_5533", "XYZWJOHN_SMITH_5533"]
    ] as const) {
      const rt = success(RequestToken.parse(requested))
      expect(rt._tag).toBe("Custom")
      if (rt._tag !== "Custom") continue
      const token = success(TokenFormat.generate("custom", { random, prefix: "XYZW", customValue: rt.value }))
      expect(token).toBe(returned)
      expect(success(TokenFormat.parse(token)).formats).toContain("custom")
    }
  })

  it("[REQUEST-TOKEN-SYNTAX] [FORMAT-CUSTOM] any other requestToken value asks for a custom token", () => {
    expect(success(RequestToken.parse("ANY_OTHER_VALUE"))).toEqual({ _tag: "Custom", forced: false, value: "ANY_OTHER_VALUE" })
    expect(success(PaymentTokenization.decide({ requestToken: "JOHN_SMITH_5533" }, "AUTHORIZED"))).toMatchObject({ _tag: "Token", format: "custom" })
  })

  it("[CUSTOM-TOKEN-LENGTH] [CUSTOM-TOKEN-DIGITS] [CUSTOM-TOKEN-CHARSET] [CUSTOM-TOKEN-CASE] rules for custom tokens", () => {
    expect(customCodes("JOHN_SMIT")).toEqual(["1160"]) // at least 10 characters
    expect(customCodes("JOHN_SMITH_5533_ABCDE")).toEqual(["1160"]) // at most 20
    expect(customCodes("JOHN-SMITH-5533")).toEqual(["1162"]) // letters, digits and _ only
    expect(customCodes("JOHN_123456789")).toEqual(["1161"]) // at most 8 digits
    expect(success(CustomToken.validate("John_Smith_5533"))).toBe("JOHN_SMITH_5533") // stored upper case
  })

  it("[MERCHANT-PREFIX] the 4 prefix characters are the same for each merchant and differ between merchants", () => {
    const registry = new Map([["9000001", "XYZW"]])
    expect(success(TokenFormat.generate("standard", { random, pan: success(Pan.parse("4111111111111111")), prefix: "XYZW" })).slice(2, 6)).toBe("XYZW")
    failure(MerchantPrefix.validate("XYZW", "9000002", registry), "PREFIX_TAKEN")
    expect(success(MerchantPrefix.validate("XYZW", "9000001", registry))).toBe("XYZW")
  })

  it("[GROUP-ACCESS] [GROUP-MEMBERSHIP] sharing tokens: group members use each other's tokens; joining and leaving with or without tokens", () => {
    let membership: Group.Membership = new Map()
    const a = "9000001"
    const b = "9000002"
    const aToken = Group.scopeForNewTokens(a, membership)
    membership = success(Group.join(membership, a, "g1", true)).membership
    membership = success(Group.join(membership, b, "g1", false)).membership
    const moved = Group.applyRescope({ owner: a, from: Group.merchantScope(a), to: Group.groupScope("g1") }, a, aToken)
    expect(Group.canAccess(moved, b, membership)).toBe(true)
    const leaving = success(Group.leave(membership, a, "g1", false))
    expect(leaving.rescope).toBeUndefined()
    expect(Group.canAccess(moved, b, leaving.membership)).toBe(true)
    expect(Group.canAccess(moved, a, leaving.membership)).toBe(false)
    const taking = success(Group.leave(membership, a, "g1", true))
    const back = Group.applyRescope(taking.rescope!, a, moved)
    expect(Group.canAccess(back, a, taking.membership)).toBe(true)
    expect(Group.canAccess(back, b, taking.membership)).toBe(false)
  })

  it("[TOKENIZATION-ENABLED] tokenization is not automatically available: it must be enabled per merchant", () => {
    const merchant: Merchant.Merchant = { merchantId: "9000001", prefix: "XYZW", format: "standard", tokenization: false, luhn: "report" }
    failure(Merchant.requireTokenization(merchant), "TOKENIZATION_DISABLED")
    expect(success(Merchant.requireTokenization({ ...merchant, tokenization: true })).merchantId).toBe("9000001")
  })
})

describe("seed 003: AlliancePay Token Creation", () => {
  it("[PAN-LUHN] [PAN-BRAND] encryptedCardNumber 5573670000000304 is Luhn-invalid and reported as such", () => {
    expect(luhn("5573670000000304")).toBe(false)
    failure(Pan.parse("5573670000000304"), "PAN_LUHN_FAILED")
    const pan = success(Pan.parse("5573670000000304", { luhn: "report" }))
    expect(pan.luhnValid).toBe(false)
    expect(pan.brand).toBe("MASTER")
  })

  it("[EXPIRY-FORMAT] encryptedExpDate 2503 (YYMM) is March 2025", () => {
    expect(success(Expiry.parse("2503", "YYMM"))).toEqual({ month: 3, year: 2025 })
    expect(success(Expiry.parse("202503", "YYMM"))).toEqual({ month: 3, year: 2025 })
    expect(Expiry.isExpired({ month: 3, year: 2025 }, at("2025-02-20T16:42:05Z"))).toBe(false)
    expect(Retention.retainUntil({ _tag: "Card", expiry: { month: 3, year: 2025 } }, false)).toBe("2026-06-01")
  })

  it("[MASK-BIN6-LAST4] [MASK-PCI] maskedPan 528529••••••0255", () => {
    expect(luhn("5285290000000255")).toBe(false)
    const pan = success(Pan.parse("5285290000000255", { luhn: "report" }))
    expect(Mask.bin6Last4(pan)).toBe("528529••••••0255")
    expect(Mask.revealedDigits(Mask.bin6Last4(pan))).toBe(10)
  })

  it("[FORMAT-OPAQUE] tokens TlcMw5uKf9Gp6nM_7cHGAf (22) and _TlcMw5uKf9Gp6nM_7cHGAf_ (24) are opaque tokens", () => {
    for (const token of ["TlcMw5uKf9Gp6nM_7cHGAf", "_TlcMw5uKf9Gp6nM_7cHGAf_"]) {
      expect(success(TokenFormat.parse(token)).formats).toEqual(["opaque"])
      expect(TokenFormat.isToken("opaque", token)).toBe(true)
    }
    expect(success(TokenFormat.generate("opaque", { random }))).toHaveLength(23)
  })

  it("[STATUS-TRANSITIONS] a new token's status is ACTIVE, from which it can be suspended or deleted", () => {
    expect(TokenStatus.isStatus("ACTIVE")).toBe(true)
    expect(success(TokenStatus.transition("ACTIVE", "SUSPEND"))).toBe("SUSPENDED")
    expect(success(TokenStatus.transition("ACTIVE", "DELETE"))).toBe("DELETED")
  })

  it("[GROUP-ACCESS] merchantId, merchantRequestId and customerId of the example are valid identifiers", () => {
    expect(success(Merchant.decodeId("137d9304-0368-11ed-b939-0242ac168002", "merchantId"))).toBe("137d9304-0368-11ed-b939-0242ac168002")
    expect(success(Merchant.decodeId("8d1b3cbb-3d31-4067-81bd-57edbe050011", "merchantRequestId"))).toBe("8d1b3cbb-3d31-4067-81bd-57edbe050011")
    expect(success(Merchant.decodeId("14534543", "customerId"))).toBe("14534543")
  })
})

const customCodes = (value: string) => {
  const r = CustomToken.validate(value)
  return r._tag === "Success" ? [] : (r.failure.violations ?? []).map((v) => v.gatewayCode)
}
