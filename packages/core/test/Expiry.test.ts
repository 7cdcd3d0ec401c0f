import { DateTime } from "effect"
import { describe, expect, it } from "vitest"
import * as Expiry from "../src/Expiry.ts"
import type * as TokenError from "../src/TokenError.ts"
import { fc, params } from "./fc.ts"
import { failure, instant, nastyString, refExpiryInstant, refIso, success } from "./support.ts"

const formats: ReadonlyArray<Expiry.Format> = ["MM/YY", "MMYY", "YYMM"]
const pad = (n: number, width: number): string => String(n).padStart(width, "0")

/** The accepted shapes, written independently per format. */
const shapes: Record<Expiry.Format, RegExp> = {
  "MM/YY": /^(?<mm>[0-9]{2})\/(?<yy>[0-9]{2}|[0-9]{4})$/,
  MMYY: /^(?<mm>[0-9]{2})(?<yy>[0-9]{2}|[0-9]{4})$/,
  YYMM: /^(?<yy>[0-9]{2}|[0-9]{4})(?<mm>[0-9]{2})$/
}

/** The model: `undefined` for a valid expiry's parts, or the set of acceptable error codes. */
const model = (input: string, format: Expiry.Format): Expiry.Expiry | ReadonlyArray<TokenError.ErrorCode> => {
  const m = shapes[format].exec(input)
  if (m === null) return ["EXPIRY_INVALID"]
  const month = Number(m.groups!.mm)
  const yy = m.groups!.yy!
  const year = yy.length === 2 ? 2000 + Number(yy) : Number(yy)
  const codes: Array<TokenError.ErrorCode> = []
  if (month < 1 || month > 12) codes.push("EXPIRY_INVALID_MONTH")
  if (year < 2000 || year > 2999) codes.push("EXPIRY_INVALID")
  return codes.length === 0 ? { month, year } : codes
}

const render = (format: Expiry.Format, mm: string, yy: string): string =>
  format === "MM/YY" ? `${mm}/${yy}` : format === "MMYY" ? mm + yy : yy + mm

/** Expiry strings near the valid shapes: any 2-digit month, 2- or 4-digit years of every range. */
const expiryText = fc
  .tuple(
    fc.constantFrom(...formats),
    fc.integer({ min: 0, max: 99 }),
    fc.oneof(fc.integer({ min: 0, max: 99 }).map((y) => pad(y, 2)), fc.integer({ min: 0, max: 9999 }).map((y) => pad(y, 4)))
  )
  .map(([format, month, yy]) => ({ format, input: render(format, pad(month, 2), yy) }))

const expectAgreesWithModel = (input: string, format: Expiry.Format): void => {
  const expected = model(input, format)
  const r = Expiry.parse(input, format)
  if (Array.isArray(expected)) {
    expect(expected).toContain(failure(r, undefined, input).code)
  } else {
    expect(success(r)).toEqual(expected)
  }
}

const validExpiry = fc.record({ month: fc.integer({ min: 1, max: 12 }), year: fc.integer({ min: 2000, max: 2999 }) })

describe("Expiry.parse", () => {
  it("[EXPIRY-FORMAT] MM/YY, MMYY and YYMM with 2- and 4-digit years agree with an independent model", () => {
    fc.assert(
      fc.property(expiryText, ({ format, input }) => expectAgreesWithModel(input, format)),
      params({ numRuns: 2000 })
    )
  })

  it("[EXPIRY-FORMAT] any other text is refused as EXPIRY_INVALID", () => {
    fc.assert(
      fc.property(nastyString, fc.constantFrom(...formats), (input, format) => expectAgreesWithModel(input, format)),
      params()
    )
  })

  it("[EXPIRY-FORMAT] months 00 and 13 are refused in every format", () => {
    fc.assert(
      fc.property(fc.constantFrom(...formats), fc.constantFrom("00", "13"), fc.integer({ min: 0, max: 99 }), (format, mm, y) => {
        failure(Expiry.parse(render(format, mm, pad(y, 2)), format), "EXPIRY_INVALID_MONTH")
        failure(Expiry.parse(render(format, mm, String(2000 + y)), format), "EXPIRY_INVALID_MONTH")
      }),
      params()
    )
  })

  it("[EXPIRY-FORMAT] a 4-digit year is taken as written, never as 20YY", () => {
    failure(Expiry.parse("03/0025", "MM/YY"), "EXPIRY_INVALID")
    failure(Expiry.parse("030025", "MMYY"), "EXPIRY_INVALID")
    failure(Expiry.parse("002503", "YYMM"), "EXPIRY_INVALID")
    failure(Expiry.parse("03/1999", "MM/YY"), "EXPIRY_INVALID")
    expect(success(Expiry.parse("03/2025", "MM/YY"))).toEqual({ month: 3, year: 2025 })
    expect(success(Expiry.parse("03/2999", "MM/YY"))).toEqual({ month: 3, year: 2999 })
    failure(Expiry.parse("03/3000", "MM/YY"), "EXPIRY_INVALID")
  })

  it("[EXPIRY-FORMAT] format then parse gives the expiry back (years 2000–2099)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 2000, max: 2099 }), (month, year) => {
        const text = Expiry.format({ month, year })
        expect(text).toBe(`${pad(month, 2)}/${pad(year % 100, 2)}`)
        expect(success(Expiry.parse(text, "MM/YY"))).toEqual({ month, year })
      }),
      params()
    )
  })
})

describe("Expiry.make", () => {
  it("[EXPIRY-FORMAT] takes integer months 1–12 and years 00–99 (as 20YY) or 2000–2999", () => {
    const number = fc.oneof(fc.integer({ min: -50, max: 3100 }), fc.double(), fc.constantFrom(NaN, Infinity, -0, 0.5, 12.000001))
    fc.assert(
      fc.property(number, number, (month, year) => {
        const r = Expiry.make(month, year)
        if (!Number.isInteger(month) || !Number.isInteger(year)) {
          failure(r, "EXPIRY_INVALID")
        } else if (month < 1 || month > 12) {
          failure(r, "EXPIRY_INVALID_MONTH")
        } else {
          const full = year >= 0 && year <= 99 ? 2000 + year : year
          if (full >= 2000 && full <= 2999) expect(success(r)).toEqual({ month, year: full })
          else failure(r, "EXPIRY_INVALID")
        }
      }),
      params({ numRuns: 1000 })
    )
  })
})

describe("Expiry.isExpired", () => {
  it("[EXPIRY-END-OF-MONTH] a card is valid through the last millisecond of its expiry month, UTC", () => {
    const nearBoundary = fc.tuple(validExpiry, fc.integer({ min: -3 * 86_400_000, max: 3 * 86_400_000 }))
    fc.assert(
      fc.property(nearBoundary, ([expiry, offset]) => {
        const t = refExpiryInstant(expiry.month, expiry.year) + offset
        expect(Expiry.isExpired(expiry, DateTime.makeUnsafe(t))).toBe(offset >= 0)
      }),
      params({ numRuns: 1000 })
    )
  })

  it("[EXPIRY-END-OF-MONTH] agrees with a Date.UTC model at any instant", () => {
    fc.assert(
      fc.property(validExpiry, instant, (expiry, now) => {
        expect(Expiry.isExpired(expiry, DateTime.fromDateUnsafe(now))).toBe(
          now.getTime() >= refExpiryInstant(expiry.month, expiry.year)
        )
      }),
      params({ numRuns: 1000 })
    )
  })

  it("[EXPIRY-END-OF-MONTH] expiresOn is the first day of the following month", () => {
    fc.assert(
      fc.property(validExpiry, (expiry) => {
        const next = new Date(refExpiryInstant(expiry.month, expiry.year))
        expect(Expiry.expiresOn(expiry)).toBe(refIso(next.getUTCFullYear(), next.getUTCMonth() + 1, 1))
      }),
      params()
    )
  })

  it("[EXPIRY-END-OF-MONTH] December rolls over to 1 January of the next year", () => {
    expect(Expiry.expiresOn({ month: 12, year: 2018 })).toBe("2019-01-01")
    expect(Expiry.isExpired({ month: 12, year: 2018 }, DateTime.makeUnsafe("2018-12-31T23:59:59.999Z"))).toBe(false)
    expect(Expiry.isExpired({ month: 12, year: 2018 }, DateTime.makeUnsafe("2019-01-01T00:00:00.000Z"))).toBe(true)
  })

  it("[EXPIRY-END-OF-MONTH] the calendar date is UTC whatever the DateTime's zone", () => {
    fc.assert(
      fc.property(validExpiry, fc.integer({ min: -12, max: 14 }), fc.integer({ min: -86_400_000, max: 86_400_000 }), (expiry, hours, offset) => {
        const t = refExpiryInstant(expiry.month, expiry.year) + offset
        const zoned = DateTime.setZoneOffset(DateTime.makeUnsafe(t), hours * 3_600_000)
        expect(Expiry.isExpired(expiry, zoned)).toBe(offset >= 0)
      }),
      params()
    )
  })
})
