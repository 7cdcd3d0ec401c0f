import { describe, expect, it } from "vitest"
import * as CustomToken from "../src/CustomToken.ts"
import { fc, params } from "./fc.ts"
import { customModel, customValue, digitChar, failure, LOWER, nastyString, success, UPPER } from "./support.ts"

const ruleOf = { "1160": "CUSTOM-TOKEN-LENGTH", "1161": "CUSTOM-TOKEN-DIGITS", "1162": "CUSTOM-TOKEN-CHARSET" } as const

/** Candidate values around every limit: lengths 0–30, many digits, and illegal characters. */
const candidate = fc.oneof(
  customValue,
  fc.string({
    unit: fc.oneof(
      { weight: 4, arbitrary: digitChar },
      { weight: 4, arbitrary: fc.constantFrom(...UPPER, ...LOWER, "_") },
      { weight: 1, arbitrary: fc.constantFrom("-", " ", ".", "٤", "４", "é", "ß", "\u0000", "\n", "😀", "：") }
    ),
    maxLength: 30
  }),
  nastyString
)

describe("CustomToken.validate", () => {
  it("[CUSTOM-TOKEN-LENGTH] [CUSTOM-TOKEN-DIGITS] [CUSTOM-TOKEN-CHARSET] validator agrees with an independent model and lists every violation", () => {
    fc.assert(
      fc.property(candidate, (s) => {
        const expected = customModel(s)
        const r = CustomToken.validate(s)
        if (expected.length === 0) {
          expect(success(r)).toBe(s.toUpperCase())
          return
        }
        const err = failure(r, "CUSTOM_TOKEN_INVALID", s)
        const violations = err.violations ?? []
        expect(violations.map((v) => v.gatewayCode)).toEqual(expected)
        expect(violations.map((v) => v.rule)).toEqual(expected.map((c) => ruleOf[c]))
        expect(err.gatewayCode).toBe(expected[0])
        expect(err.rule).toBe(ruleOf[expected[0]!])
      }),
      params({ numRuns: 2000 })
    )
  })

  it("[CUSTOM-TOKEN-CASE] values are case-insensitive and stored uppercase", () => {
    fc.assert(
      fc.property(customValue, fc.func(fc.boolean()), (s, flip) => {
        const mixed = [...s].map((c, i) => (flip(i) ? c.toLowerCase() : c.toUpperCase())).join("")
        const upper = success(CustomToken.validate(s))
        expect(upper).toBe(s.toUpperCase())
        expect(success(CustomToken.validate(mixed))).toBe(upper)
        expect(success(CustomToken.validate(s.toLowerCase()))).toBe(upper)
        expect(/[a-z]/.test(upper)).toBe(false)
      }),
      params()
    )
  })

  it("[CUSTOM-TOKEN-LENGTH] 10 and 20 characters pass, 9 and 21 are 1160", () => {
    expect(success(CustomToken.validate("A".repeat(10)))).toBe("A".repeat(10))
    expect(success(CustomToken.validate("a".repeat(20)))).toBe("A".repeat(20))
    for (const bad of ["A".repeat(9), "A".repeat(21), ""]) {
      const err = failure(CustomToken.validate(bad), "CUSTOM_TOKEN_INVALID")
      expect(err.gatewayCode).toBe("1160")
      expect(err.violations?.map((v) => v.gatewayCode)).toEqual(["1160"])
    }
  })

  it("[CUSTOM-TOKEN-DIGITS] 8 digits pass, 9 are 1161", () => {
    expect(success(CustomToken.validate("AB12345678"))).toBe("AB12345678")
    const err = failure(CustomToken.validate("AB123456789"), "CUSTOM_TOKEN_INVALID")
    expect(err.violations?.map((v) => v.gatewayCode)).toEqual(["1161"])
  })

  it("[CUSTOM-TOKEN-CHARSET] only ASCII letters, digits and _ are legal: Unicode digits and letters are 1162", () => {
    for (const bad of ["JOHN_SMITH_٤٤", "JOHN-SMITH-5533", "JOHN SMITH 5533", "ÄBCDEFGHIJK", "JOHN_SMITH_５５", "JOHN.SMITH.55"]) {
      const err = failure(CustomToken.validate(bad), "CUSTOM_TOKEN_INVALID")
      expect(err.violations?.map((v) => v.gatewayCode)).toEqual(["1162"])
    }
  })

  it("[CUSTOM-TOKEN-LENGTH] [CUSTOM-TOKEN-DIGITS] [CUSTOM-TOKEN-CHARSET] a value breaking all three rules gets one error listing all three", () => {
    const err = failure(CustomToken.validate("1234567890123456789012!"), "CUSTOM_TOKEN_INVALID")
    expect(err.violations?.map((v) => [v.rule, v.gatewayCode])).toEqual([
      ["CUSTOM-TOKEN-LENGTH", "1160"],
      ["CUSTOM-TOKEN-DIGITS", "1161"],
      ["CUSTOM-TOKEN-CHARSET", "1162"]
    ])
    expect(err.gatewayCode).toBe("1160")
    expect(err.message).not.toContain("1234567890")
  })

  it("[CUSTOM-TOKEN-CHARSET] a value that is not a string is INVALID_INPUT", () => {
    for (const bad of [undefined, null, 1234567890, 12n, ["JOHN_SMITH_5533"], { value: "JOHN_SMITH_5533" }]) {
      failure(CustomToken.validate(bad), "INVALID_INPUT")
    }
  })

  it("[CUSTOM-TOKEN-LENGTH] [CUSTOM-TOKEN-DIGITS] the limits are Axerve's", () => {
    expect(CustomToken.limits.minLength).toBe(10)
    expect(CustomToken.limits.maxLength).toBe(20)
    expect(CustomToken.limits.maxDigits).toBe(8)
  })
})
