import { DateTime } from "effect"
import { describe, expect, it } from "vitest"
import * as IsoDate from "../src/IsoDate.ts"
import { fc, params } from "./fc.ts"
import { anything, expectInvalidInput, instant, isoDate, nastyString, refAddMonths, refDaysInMonth, refIso } from "./support.ts"

const asIso = (s: string): IsoDate.IsoDate => s as IsoDate.IsoDate
const months = fc.integer({ min: -1200, max: 1200 })
/** A reference date (`toISOString`) within the years 0000–9999: others are written `+010000-…` or `-000001-…`. */
const inFourDigitYears = (s: string): boolean => /^[0-9]{4}-/.test(s)

describe("IsoDate.addMonths", () => {
  it("[RETENTION-NON-CARD] [RETENTION-CARD] [DATE-RANGE] agrees with a Date.UTC reference: clamping, leap years, rollover; INVALID_INPUT outside 0000–9999", () => {
    const wide = fc.oneof(months, fc.integer({ min: -120_000, max: 120_000 }))
    fc.assert(
      fc.property(isoDate, wide, (d, k) => {
        const expected = refAddMonths(d, k)
        if (inFourDigitYears(expected)) expect(IsoDate.addMonths(asIso(d), k)).toBe(expected)
        else expectInvalidInput(() => IsoDate.addMonths(asIso(d), k))
      }),
      params({ numRuns: 2000 })
    )
  })

  it("[RETENTION-NON-CARD] month-end clamping: a 31st plus one month is the last day of the next month", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 9998 }), fc.constantFrom(1, 3, 5, 7, 8, 10, 12), (year, month) => {
        const next = month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 }
        expect(IsoDate.addMonths(asIso(refIso(year, month, 31)), 1)).toBe(
          refIso(next.year, next.month, refDaysInMonth(next.year, next.month))
        )
      }),
      params()
    )
    expect(IsoDate.addMonths(asIso("2023-01-31"), 1)).toBe("2023-02-28")
    expect(IsoDate.addMonths(asIso("2024-01-31"), 1)).toBe("2024-02-29")
    expect(IsoDate.addMonths(asIso("2024-03-31"), 1)).toBe("2024-04-30")
  })

  it("[RETENTION-NON-CARD] 29 February plus whole years lands on 29 February only in leap years", () => {
    fc.assert(
      fc.property(fc.integer({ min: 250, max: 2400 }), fc.integer({ min: 1, max: 50 }), (q, years) => {
        const y = q * 4
        fc.pre(refDaysInMonth(y, 2) === 29)
        const target = y + years
        expect(IsoDate.addMonths(asIso(refIso(y, 2, 29)), 12 * years)).toBe(refIso(target, 2, refDaysInMonth(target, 2)))
      }),
      params()
    )
    expect(IsoDate.addMonths(asIso("2024-02-29"), 12)).toBe("2025-02-28")
    expect(IsoDate.addMonths(asIso("2024-02-29"), 48)).toBe("2028-02-29")
    expect(IsoDate.addMonths(asIso("2096-02-29"), 48)).toBe("2100-02-28")
    expect(IsoDate.addMonths(asIso("1996-02-29"), 48)).toBe("2000-02-29")
  })

  it("[RETENTION-CARD] [RETENTION-NON-CARD] year rollover: December plus one month is January of the next year, and back", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 9998 }), fc.integer({ min: 1, max: 31 }), (year, day) => {
        expect(IsoDate.addMonths(asIso(refIso(year, 12, day)), 1)).toBe(refIso(year + 1, 1, day))
        expect(IsoDate.addMonths(asIso(refIso(year + 1, 1, day)), -1)).toBe(refIso(year, 12, day))
      }),
      params()
    )
  })

  it("[RETENTION-NON-CARD] adding zero months is the identity, and results are always valid dates", () => {
    fc.assert(
      fc.property(isoDate, months, (d, k) => {
        expect(IsoDate.addMonths(asIso(d), 0)).toBe(d)
        fc.pre(inFourDigitYears(refAddMonths(d, k)))
        const r = IsoDate.addMonths(asIso(d), k)
        expect(IsoDate.parse(r)).toBe(r)
      }),
      params()
    )
  })
})

describe("IsoDate calendar", () => {
  it("[RETENTION-NON-CARD] [EXPIRY-END-OF-MONTH] daysInMonth follows the Gregorian 4/100/400 rule", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9999 }), fc.integer({ min: 1, max: 12 }), (year, month) => {
        expect(IsoDate.daysInMonth(year, month)).toBe(refDaysInMonth(year, month))
      }),
      params({ numRuns: 1000 })
    )
    expect([1900, 2000, 2023, 2024, 2100].map((y) => IsoDate.daysInMonth(y, 2))).toEqual([28, 29, 28, 29, 28])
  })

  it("[RETENTION-CARD] [EXPIRY-END-OF-MONTH] firstOfNextMonth is the 1st of the following month", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 9998 }), fc.integer({ min: 1, max: 12 }), (year, month) => {
        const next = new Date(0)
        next.setUTCFullYear(year, month, 1)
        expect(IsoDate.firstOfNextMonth(year, month)).toBe(next.toISOString().slice(0, 10))
      }),
      params()
    )
  })

  it("[EXPIRY-END-OF-MONTH] [RETENTION-PURGE] fromDateTime is the UTC calendar date of the instant", () => {
    fc.assert(
      fc.property(instant, (d) => {
        expect(IsoDate.fromDateTime(DateTime.fromDateUnsafe(d))).toBe(d.toISOString().slice(0, 10))
      }),
      params()
    )
  })

  it("[RETENTION-NON-CARD] parse accepts exactly the real YYYY-MM-DD dates", () => {
    const shaped = fc
      .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }))
      .map(([y, m, d]) => `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`)
    fc.assert(
      fc.property(fc.oneof(shaped, isoDate, nastyString), (s) => {
        const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(s)
        const valid = m !== null && Number(m[2]) >= 1 && Number(m[2]) <= 12 && Number(m[3]) >= 1 &&
          Number(m[3]) <= refDaysInMonth(Number(m[1]), Number(m[2]))
        expect(IsoDate.parse(s)).toBe(valid ? s : undefined)
      }),
      params({ numRuns: 1000 })
    )
    expect(IsoDate.parse("2023-02-29")).toBeUndefined()
    expect(IsoDate.parse("2024-02-29")).toBe("2024-02-29")
    expect(IsoDate.parse("２０２４-０２-２９")).toBeUndefined()
  })

  it("[RETENTION-NON-CARD] make and toParts are inverse on valid dates", () => {
    fc.assert(
      fc.property(isoDate, (d) => {
        const parts = IsoDate.toParts(asIso(d))
        expect(IsoDate.make(parts)).toBe(d)
        expect(refIso(parts.year, parts.month, parts.day)).toBe(d)
      }),
      params()
    )
  })

  it("[RETENTION-PURGE] compare and string order agree with time order", () => {
    fc.assert(
      fc.property(isoDate, isoDate, (a, b) => {
        const diff = Date.parse(`${a}T00:00:00Z`) - Date.parse(`${b}T00:00:00Z`)
        expect(IsoDate.compare(asIso(a), asIso(b))).toBe(Math.sign(diff))
        expect(a < b).toBe(diff < 0)
      }),
      params()
    )
  })
})

describe("IsoDate range: years 0000–9999 only", () => {
  const outOfRange = fc.oneof(fc.integer({ min: 10_000, max: 300_000 }), fc.integer({ min: -300_000, max: -1 }))
  const badNumber = fc.oneof(outOfRange, fc.double({ noInteger: true }), fc.constantFrom(NaN, Infinity, -Infinity, 1e21))

  it("[DATE-RANGE] make, daysInMonth and firstOfNextMonth refuse years outside 0000–9999, months outside 1–12 and impossible days", () => {
    fc.assert(
      fc.property(badNumber, fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }), (bad, month, day) => {
        expectInvalidInput(() => IsoDate.make({ year: bad, month, day }))
        expectInvalidInput(() => IsoDate.make({ year: 2025, month: bad, day }))
        expectInvalidInput(() => IsoDate.make({ year: 2025, month, day: bad }))
        expectInvalidInput(() => IsoDate.daysInMonth(bad, month))
        expectInvalidInput(() => IsoDate.daysInMonth(2025, bad))
        expectInvalidInput(() => IsoDate.firstOfNextMonth(bad, month))
      }),
      params()
    )
    expectInvalidInput(() => IsoDate.make({ year: 2025, month: 13, day: 1 }))
    expectInvalidInput(() => IsoDate.make({ year: 2023, month: 2, day: 29 }))
    expectInvalidInput(() => IsoDate.firstOfNextMonth(9999, 12))
    expect(IsoDate.make({ year: 0, month: 1, day: 1 })).toBe("0000-01-01")
    expect(IsoDate.make({ year: 9999, month: 12, day: 31 })).toBe("9999-12-31")
    expect(IsoDate.firstOfNextMonth(9999, 11)).toBe("9999-12-01")
    expect(IsoDate.years).toEqual({ min: 0, max: 9999 })
  })

  it("[DATE-RANGE] fromDateTime gives the UTC date of any instant in 0000–9999 and refuses every other, over the whole JS range", () => {
    fc.assert(
      fc.property(fc.date({ noInvalidDate: true }), (d) => {
        const expected = d.toISOString().slice(0, 10)
        if (inFourDigitYears(d.toISOString())) expect(IsoDate.fromDateTime(DateTime.fromDateUnsafe(d))).toBe(expected)
        else expectInvalidInput(() => IsoDate.fromDateTime(DateTime.fromDateUnsafe(d)))
      }),
      params()
    )
    expectInvalidInput(() => IsoDate.fromDateTime(DateTime.makeUnsafe(Date.UTC(10_000, 0, 1))))
    expect(IsoDate.fromDateTime(DateTime.makeUnsafe(Date.UTC(9999, 11, 31, 23, 59, 59, 999)))).toBe("9999-12-31")
  })

  it("[DATE-RANGE] [INPUT-TYPED] toParts, addMonths and compare refuse anything that is not a valid date; parse answers undefined", () => {
    fc.assert(
      fc.property(fc.oneof(anything, nastyString), isoDate, (u, d) => {
        fc.pre(IsoDate.parse(u) === undefined)
        expectInvalidInput(() => IsoDate.toParts(u as IsoDate.IsoDate), u)
        expectInvalidInput(() => IsoDate.addMonths(u as IsoDate.IsoDate, 1), u)
        expectInvalidInput(() => IsoDate.compare(u as IsoDate.IsoDate, asIso(d)), u)
        expectInvalidInput(() => IsoDate.compare(asIso(d), u as IsoDate.IsoDate), u)
        if (!Number.isSafeInteger(u)) expectInvalidInput(() => IsoDate.addMonths(asIso(d), u as number), u)
      }),
      params()
    )
    for (const s of ["10000-01-01", "+10000-01-01", "-0001-01-01", "2025-13-01", "2025-02-30", "2025-1-01"]) {
      expect(IsoDate.parse(s)).toBeUndefined()
      expectInvalidInput(() => IsoDate.toParts(asIso(s)))
    }
  })
})
