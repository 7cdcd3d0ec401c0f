import { describe, expect, it } from "vitest"
import * as RequestToken from "../src/RequestToken.ts"
import { fc, params } from "./fc.ts"
import { anything, customModel, customValue, failure, nastyString, success } from "./support.ts"

/** `requestToken` values: optional (possibly repeated or mis-cased) :FORCED:, then MASKEDPAN, a custom value or junk. */
const requestToken = fc
  .tuple(
    fc.constantFrom("", "", ":FORCED:", ":FORCED::FORCED:", ":forced:", "FORCED:", ":FORCED"),
    fc.oneof(
      fc.constant("MASKEDPAN"),
      fc.constantFrom("maskedpan", "MaskedPan", " MASKEDPAN", "MASKEDPAN ", "MASKEDPAN_X", "MASKEDPAN12", "MASKED_PAN_1"),
      customValue,
      nastyString,
      fc.constant("")
    )
  )
  .map(([forced, body]) => forced + body)

describe("RequestToken.parse", () => {
  it("[REQUEST-TOKEN-SYNTAX] agrees with a model: optional :FORCED:, then exactly MASKEDPAN or a valid custom value", () => {
    fc.assert(
      fc.property(requestToken, (input) => {
        const forced = input.startsWith(":FORCED:")
        const body = forced ? input.slice(8) : input
        const r = RequestToken.parse(input)
        if (body === "") {
          expect(failure(r, "REQUEST_TOKEN_INVALID", input).rule).toBe("REQUEST-TOKEN-SYNTAX")
        } else if (body === "MASKEDPAN") {
          expect(success(r)).toEqual({ _tag: "Standard", forced })
        } else if (customModel(body).length === 0) {
          expect(success(r)).toEqual({ _tag: "Custom", forced, value: body.toUpperCase() })
        } else {
          const err = failure(r, "CUSTOM_TOKEN_INVALID", input)
          expect(err.violations?.map((v) => v.gatewayCode)).toEqual(customModel(body))
        }
      }),
      params({ numRuns: 1000 })
    )
  })

  it("[REQUEST-TOKEN-SYNTAX] format and parse round-trip", () => {
    fc.assert(
      fc.property(requestToken, (input) => {
        const r = RequestToken.parse(input)
        fc.pre(r._tag === "Success")
        const rt = success(r)
        const text = RequestToken.format(rt)
        expect(success(RequestToken.parse(text))).toEqual(rt)
        expect(text.toUpperCase()).toBe(input.toUpperCase())
      }),
      params({ numRuns: 500 })
    )
  })

  it("[REQUEST-TOKEN-SYNTAX] MASKEDPAN is an exact word: other spellings are custom values, valid or not", () => {
    expect(success(RequestToken.parse("MASKEDPAN"))).toEqual({ _tag: "Standard", forced: false })
    expect(success(RequestToken.parse(":FORCED:MASKEDPAN"))).toEqual({ _tag: "Standard", forced: true })
    expect(success(RequestToken.parse("MASKEDPAN_X"))).toEqual({ _tag: "Custom", forced: false, value: "MASKEDPAN_X" })
    expect(failure(RequestToken.parse("maskedpan"), "CUSTOM_TOKEN_INVALID").gatewayCode).toBe("1160")
    expect(failure(RequestToken.parse(" MASKEDPAN"), "CUSTOM_TOKEN_INVALID").violations?.map((v) => v.gatewayCode)).toEqual([
      "1162"
    ])
    expect(failure(RequestToken.parse(":forced:MASKEDPAN"), "CUSTOM_TOKEN_INVALID").violations?.map((v) => v.gatewayCode))
      .toEqual(["1162"])
  })

  it("[REQUEST-TOKEN-SYNTAX] an empty value, a bare :FORCED: and non-strings are REQUEST_TOKEN_INVALID", () => {
    failure(RequestToken.parse(""), "REQUEST_TOKEN_INVALID")
    failure(RequestToken.parse(":FORCED:"), "REQUEST_TOKEN_INVALID")
    fc.assert(
      fc.property(anything, (u) => {
        fc.pre(typeof u !== "string")
        failure(RequestToken.parse(u), "REQUEST_TOKEN_INVALID", u)
      }),
      params()
    )
  })

  it("[REQUEST-TOKEN-SYNTAX] the constants are Axerve's words", () => {
    expect(RequestToken.FORCED).toBe(":FORCED:")
    expect(RequestToken.MASKEDPAN).toBe("MASKEDPAN")
  })
})
