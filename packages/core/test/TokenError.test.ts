import { describe, expect, it } from "vitest"
import * as TokenError from "../src/TokenError.ts"
import { fc, params } from "./fc.ts"
import { anything } from "./support.ts"

const code = fc.constantFrom(...TokenError.errorCodes)
const option = <A>(arb: fc.Arbitrary<A>) => fc.option(arb, { nil: undefined })

describe("TokenError", () => {
  it("[USE-ACTIVE] [RETENTION-PURGE] [STATUS-DELETE-TWICE] [COF-MIT-AGREEMENT] [USE-CARD-NOT-EXPIRED] [GROUP-ACCESS] make fills the gateway code from the catalogue, ACI first, unless one is given", () => {
    fc.assert(
      fc.property(
        code,
        fc.record({ message: option(fc.string()), rule: option(fc.string()), gatewayCode: option(fc.string()) }, { requiredKeys: [] }),
        (c, options) => {
          const e = TokenError.make(c, options)
          const entry: { readonly description: string; readonly aci?: string; readonly axerve?: string } = TokenError.catalogue[c]
          expect(e._tag).toBe("TokenError")
          expect(e.code).toBe(c)
          expect(e.gatewayCode).toBe(options.gatewayCode ?? entry.aci ?? entry.axerve)
          expect(e.message).toBe(options.message ?? entry.description)
          expect(e.rule).toBe(options.rule)
          expect(TokenError.isTokenError(e)).toBe(true)
          expect(e instanceof Error).toBe(true)
        }
      ),
      params({ numRuns: 500 })
    )
  })

  it("[USE-ACTIVE] [RETENTION-PURGE] [STATUS-DELETE-TWICE] [COF-MIT-AGREEMENT] [USE-CARD-NOT-EXPIRED] [GROUP-ACCESS] [CUSTOM-TOKEN-LENGTH] the gateways' codes are where the rules say", () => {
    const gw = (c: TokenError.ErrorCode) => TokenError.make(c).gatewayCode
    expect(gw("TOKEN_DELETED")).toBe("100.150.202")
    expect(gw("RETENTION_EXPIRED")).toBe("100.150.206")
    expect(gw("TOKEN_ALREADY_DELETED")).toBe("100.350.303")
    expect(gw("COF_NO_AGREEMENT")).toBe("100.150.300")
    expect(gw("TOKEN_EXPIRED")).toBe("1164")
    expect(gw("TOKEN_NOT_FOUND")).toBe("100.150.200")
    expect(TokenError.catalogue.TOKEN_NOT_FOUND.axerve).toBe("1165")
    expect(gw("TOKEN_MALFORMED")).toBe("100.150.101")
    expect(gw("CUSTOM_TOKEN_INVALID")).toBe("1160")
    expect(gw("CUSTOM_TOKEN_TAKEN")).toBe("1163")
    for (const c of TokenError.errorCodes) {
      const entry: { readonly description: string; readonly aci?: string; readonly axerve?: string } = TokenError.catalogue[c]
      if (entry.aci !== undefined) expect(entry.aci).toMatch(/^[0-9]{3}\.[0-9]{3}\.[0-9]{3}$/)
      if (entry.axerve !== undefined) expect(entry.axerve).toMatch(/^[0-9]{4}$/)
    }
    expect(TokenError.errorCodes).toEqual(Object.keys(TokenError.catalogue))
    expect(new Set(TokenError.errorCodes).size).toBe(TokenError.errorCodes.length)
  })

  it("[NO-PAN-LEAK] the catalogue's messages hold no digit runs, and isTokenError recognises only TokenErrors", () => {
    for (const c of TokenError.errorCodes) expect(TokenError.catalogue[c].description).not.toMatch(/[0-9]{5}/)
    fc.assert(
      fc.property(anything, (u) => {
        expect(TokenError.isTokenError(u)).toBe(false)
      }),
      params()
    )
    expect(TokenError.isTokenError(new Error("TokenError"))).toBe(false)
    expect(TokenError.isTokenError({ _tag: "TokenError", code: "INVALID_INPUT", message: "" })).toBe(false)
  })

  it("[CUSTOM-TOKEN-LENGTH] [CUSTOM-TOKEN-DIGITS] [CUSTOM-TOKEN-CHARSET] violations travel with the error", () => {
    const v = new TokenError.Violation({ rule: "CUSTOM-TOKEN-DIGITS", gatewayCode: "1161", message: "too many digits" })
    const e = TokenError.make("CUSTOM_TOKEN_INVALID", { violations: [v], gatewayCode: "1161", rule: "CUSTOM-TOKEN-DIGITS" })
    expect(e.violations).toEqual([v])
    expect(e.gatewayCode).toBe("1161")
    expect(e.rule).toBe("CUSTOM-TOKEN-DIGITS")
  })
})
