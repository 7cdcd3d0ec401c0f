import { describe, expect, it } from "vitest"
import * as Merchant from "../src/Merchant.ts"
import * as TokenFormat from "../src/TokenFormat.ts"
import { fc, params } from "./fc.ts"
import { anything, failure, nastyString, prefix, success } from "./support.ts"

const merchant = fc.record({
  merchantId: fc.stringMatching(/^[A-Za-z0-9._-]{1,64}$/),
  prefix,
  format: fc.constantFrom(...TokenFormat.names),
  tokenization: fc.boolean(),
  luhn: fc.constantFrom("enforce" as const, "report" as const)
})

const idText = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9._@:-]{1,70}$/),
  fc.string({ unit: fc.constantFrom("a", "Z", "0", ".", "_", "-", "@", ":", "/", " ", "\u0000", "٤"), maxLength: 300 }),
  nastyString,
  anything
)

describe("Merchant", () => {
  it("[TOKENIZATION-ENABLED] requireTokenization refuses a merchant without the feature with a typed error", () => {
    fc.assert(
      fc.property(merchant, (m) => {
        const r = Merchant.requireTokenization(m)
        if (m.tokenization) expect(success(r)).toBe(m)
        else expect(failure(r, "TOKENIZATION_DISABLED").rule).toBe("TOKENIZATION-ENABLED")
      }),
      params()
    )
  })

  it("[GROUP-ACCESS] decodeId: merchant, group and request ids are 1–64 letters, digits, '.', '_' or '-', so scopes never collide", () => {
    fc.assert(
      fc.property(idText, fc.constantFrom("merchantId" as const, "groupId" as const, "merchantRequestId" as const), (u, what) => {
        const r = Merchant.decodeId(u, what)
        if (typeof u === "string" && /^[A-Za-z0-9._-]{1,64}$/.test(u)) expect(success(r)).toBe(u)
        else failure(r, "INVALID_INPUT", u)
      }),
      params({ numRuns: 1000 })
    )
    failure(Merchant.decodeId("merchant:m1", "merchantId"), "INVALID_INPUT")
    failure(Merchant.decodeId("g\u0000", "groupId"), "INVALID_INPUT")
  })

  it("[NO-PAN-LEAK] decodeId: customer ids are 1–255 letters, digits, '.', '_', '@', ':' or '-', and a refused id is never echoed", () => {
    fc.assert(
      fc.property(idText, (u) => {
        const r = Merchant.decodeId(u, "customerId")
        if (typeof u === "string" && /^[A-Za-z0-9._@:-]{1,255}$/.test(u)) expect(success(r)).toBe(u)
        else failure(r, "INVALID_INPUT", u)
      }),
      params({ numRuns: 1000 })
    )
    expect(success(Merchant.decodeId("14534543", "customerId"))).toBe("14534543")
    expect(success(Merchant.decodeId("a".repeat(255), "customerId"))).toHaveLength(255)
    failure(Merchant.decodeId("a".repeat(256), "customerId"), "INVALID_INPUT")
  })
})
