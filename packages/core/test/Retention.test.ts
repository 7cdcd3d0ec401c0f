import { describe, expect, it } from "vitest"
import type * as IsoDate from "../src/IsoDate.ts"
import * as Retention from "../src/Retention.ts"
import { fc, params } from "./fc.ts"
import { isoDate, refAddMonths, refExpiryInstant, refIso } from "./support.ts"

const asIso = (s: string): IsoDate.IsoDate => s as IsoDate.IsoDate
const card = (month: number, year: number): Retention.Anchor => ({ _tag: "Card", expiry: { month, year } })
const nonCard = (lastActivity: string): Retention.Anchor => ({ _tag: "NonCard", lastActivity: asIso(lastActivity) })

/** Purge date of a card token, from the Date model: the end of the expiry month plus `months`. */
const refCard = (month: number, year: number, months: number): string => {
  const end = new Date(refExpiryInstant(month, year))
  return refAddMonths(refIso(end.getUTCFullYear(), end.getUTCMonth() + 1, 1), months)
}

const expiry = fc.record({ month: fc.integer({ min: 1, max: 12 }), year: fc.integer({ min: 2000, max: 2997 }) })
const recentDate = isoDate.filter((d) => d >= "1100" && d < "9900")
const anchor = fc.oneof(
  expiry.map(({ month, year }) => card(month, year)),
  recentDate.map(nonCard)
)

describe("Retention.retainUntil", () => {
  it("[RETENTION-CARD] seed 000: a card expiring at 1-Feb-Y1 (expiry month January Y1) is deleted on 1-Apr-Y2", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2000, max: 2998 }), (y1) => {
        expect(Retention.retainUntil(card(1, y1), false)).toBe(`${y1 + 1}-04-01`)
      }),
      params()
    )
  })

  it("[RETENTION-CARD] ACI policy: card expiry Dec-Y1 is retained until 1-Mar-Y3", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2000, max: 2997 }), (y1) => {
        expect(Retention.retainUntil(card(12, y1), false)).toBe(`${y1 + 2}-03-01`)
      }),
      params()
    )
  })

  it("[RETENTION-CARD] a card token is purged on the 1st, 14 months after the end of its expiry month", () => {
    fc.assert(
      fc.property(expiry, ({ month, year }) => {
        const until = Retention.retainUntil(card(month, year), false)
        expect(until).toBe(refCard(month, year, 14))
        expect(until.endsWith("-01")).toBe(true)
      }),
      params()
    )
  })

  it("[RETENTION-NON-CARD] a non-card token is purged 14 months after its last activity, clamped to the month end", () => {
    fc.assert(
      fc.property(recentDate, (d) => {
        expect(Retention.retainUntil(nonCard(d), false)).toBe(refAddMonths(d, 14))
      }),
      params({ numRuns: 1000 })
    )
    expect(Retention.retainUntil(nonCard("2023-12-31"), false)).toBe("2025-02-28")
    expect(Retention.retainUntil(nonCard("2022-12-31"), false)).toBe("2024-02-29")
    expect(Retention.retainUntil(nonCard("2024-02-29"), false)).toBe("2025-04-29")
  })

  it("[RETENTION-CARD] [RETENTION-NON-CARD] retention is monotone in its anchor: a later expiry or activity never gives an earlier date", () => {
    fc.assert(
      fc.property(expiry, expiry, fc.boolean(), (a, b, extended) => {
        const [lo, hi] = a.year * 12 + a.month <= b.year * 12 + b.month ? [a, b] : [b, a]
        expect(Retention.retainUntil(card(lo.month, lo.year), extended) <= Retention.retainUntil(card(hi.month, hi.year), extended))
          .toBe(true)
      }),
      params({ numRuns: 1000 })
    )
    fc.assert(
      fc.property(recentDate, recentDate, fc.boolean(), (a, b, extended) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a]
        expect(Retention.retainUntil(nonCard(lo), extended) <= Retention.retainUntil(nonCard(hi), extended)).toBe(true)
      }),
      params({ numRuns: 1000 })
    )
  })

  it("[RETENTION-NON-CARD] every transaction moves the date: a new activity never shortens retention", () => {
    fc.assert(
      fc.property(recentDate, fc.array(fc.integer({ min: 0, max: 400 }), { maxLength: 10 }), fc.boolean(), (created, gaps, extended) => {
        let last = created
        let until = Retention.retainUntil(nonCard(last), extended)
        for (const gap of gaps) {
          const d = new Date(Date.parse(`${last}T00:00:00Z`) + gap * 86_400_000).toISOString().slice(0, 10)
          fc.pre(d < "9900")
          last = d
          const next = Retention.retainUntil(nonCard(last), extended)
          expect(next >= until).toBe(true)
          until = next
        }
      }),
      params()
    )
  })
})

describe("Retention extension", () => {
  it("[RETENTION-EXTEND] extension makes the period 24 months instead of 14, never earlier than the default", () => {
    expect(Retention.periods).toEqual({ default: 14, extended: 24 })
    expect(Retention.periodMonths(false)).toBe(14)
    expect(Retention.periodMonths(true)).toBe(24)
    fc.assert(
      fc.property(anchor, (a) => {
        const base = Retention.retainUntil(a, false)
        const extended = Retention.retainUntil(a, true)
        expect(extended > base).toBe(true)
        if (a._tag === "Card") {
          expect(extended).toBe(refCard(a.expiry.month, a.expiry.year, 24))
          expect(extended).toBe(refAddMonths(base, 10))
        } else {
          expect(extended).toBe(refAddMonths(a.lastActivity, 24))
        }
      }),
      params({ numRuns: 1000 })
    )
    expect(Retention.retainUntil(card(1, 2025), true)).toBe("2027-02-01")
  })

  it("[RETENTION-EXTEND] extension takes no parameters and is idempotent", () => {
    interface State {
      readonly anchor: Retention.Anchor
      readonly extended: boolean
      readonly retainUntil: string
    }
    const extend = (s: State): State => ({ ...s, extended: true, retainUntil: Retention.retainUntil(s.anchor, true) })
    fc.assert(
      fc.property(anchor, fc.boolean(), fc.integer({ min: 1, max: 5 }), (a, wasExtended, times) => {
        const start: State = { anchor: a, extended: wasExtended, retainUntil: Retention.retainUntil(a, wasExtended) }
        let s = extend(start)
        const once = s
        for (let i = 1; i < times; i++) s = extend(s)
        expect(s).toEqual(once)
        expect(once.retainUntil >= start.retainUntil).toBe(true)
      }),
      params()
    )
  })
})

describe("Retention.isRetained", () => {
  it("[RETENTION-PURGE] a token is usable strictly before its purge date and not on or after it", () => {
    fc.assert(
      fc.property(isoDate, isoDate, (until, today) => {
        expect(Retention.isRetained(asIso(until), asIso(today))).toBe(
          Date.parse(`${today}T00:00:00Z`) < Date.parse(`${until}T00:00:00Z`)
        )
        expect(Retention.isRetained(asIso(until), asIso(until))).toBe(false)
      }),
      params({ numRuns: 1000 })
    )
    expect(Retention.isRetained(asIso("2026-04-01"), asIso("2026-03-31"))).toBe(true)
    expect(Retention.isRetained(asIso("2026-04-01"), asIso("2026-04-01"))).toBe(false)
  })
})
