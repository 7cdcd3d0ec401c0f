import { describe, expect, it } from "vitest"
import * as CardBrand from "../src/CardBrand.ts"
import { fc, params } from "./fc.ts"
import { digits, nastyString } from "./support.ts"

const range = (from: number, to: number): ReadonlyArray<number> => Array.from({ length: to - from + 1 }, (_, i) => from + i)
const LONG = range(16, 19)

/**
 * An independent model of the IIN table, written from the published ranges
 * as regular expressions. Alternatives are ordered longest first, so the
 * match length is the length of the matching IIN; the longest IIN wins.
 */
const model: ReadonlyArray<readonly [CardBrand.CardBrand, RegExp, ReadonlyArray<number>]> = [
  ["VISA", /^4/, [13, 16, 19]],
  ["MASTER", /^(?:222[1-9]|22[3-9][0-9]|2[3-6][0-9]{2}|27[01][0-9]|2720|5[1-5])/, [16]],
  ["AMEX", /^3[47]/, [15]],
  ["DISCOVER", /^(?:622(?:12[6-9]|1[3-9][0-9]|[2-8][0-9]{2}|9[01][0-9]|92[0-5])|6011|64[4-9]|65)/, LONG],
  ["JCB", /^35(?:2[89]|[3-8][0-9])/, LONG],
  ["CHINAUNIONPAY", /^(?:62|81)/, LONG],
  ["DINERS", /^(?:30[0-5]|3[689])/, range(14, 19)],
  ["MAESTRO", /^(?:67677[04]|6304|6759|5[06-8]|6[37])/, range(12, 19)]
]

const modelDetect = (d: string): CardBrand.CardBrand | undefined => {
  let best: CardBrand.CardBrand | undefined
  let bestLength = 0
  for (const [brand, re, lengths] of model) {
    const m = lengths.includes(d.length) ? re.exec(d) : null
    if (m !== null && m[0].length > bestLength) {
      best = brand
      bestLength = m[0].length
    }
  }
  return best
}

/** IINs on and around every boundary of the table. */
const edges = [
  "", "1", "2", "3", "4", "5", "6", "7", "8", "9", "0",
  "2220", "2221", "2299", "2300", "2699", "2700", "2719", "2720", "2721", "2500",
  "50", "51", "55", "56", "58", "59",
  "34", "37", "33", "35", "3527", "3528", "3589", "3590",
  "6010", "6011", "6012", "643", "644", "649", "65", "62", "622125", "622126", "622925", "622926", "81", "80", "82",
  "299", "300", "305", "306", "36", "38", "39",
  "6303", "6304", "6759", "676770", "676771", "676774", "63", "67"
]

/** Card-number-like digit strings: an edge IIN, then random digits up to a length around 12–19. */
const cardLike = fc
  .tuple(fc.constantFrom(...edges), fc.integer({ min: 10, max: 21 }), digits(21, 21))
  .map(([iin, length, fill]) => (iin + fill).slice(0, Math.max(length, iin.length)))

describe("CardBrand.detect", () => {
  it("[PAN-BRAND] agrees with an independent model of the IIN ranges and lengths", () => {
    fc.assert(
      fc.property(fc.oneof(cardLike, digits(0, 25)), (d) => {
        expect(CardBrand.detect(d)).toBe(modelDetect(d))
      }),
      params({ numRuns: 2000 })
    )
  })

  it("[PAN-BRAND] Mastercard is 51–55 and 2221–2720, 16 digits only", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2000, max: 2999 }), fc.integer({ min: 50, max: 56 }), digits(14, 14), (iin4, iin2, fill) => {
        const two = String(iin4) + fill.slice(0, 12)
        expect(CardBrand.detect(two) === "MASTER").toBe(iin4 >= 2221 && iin4 <= 2720)
        const five = String(iin2) + fill
        expect(CardBrand.detect(five) === "MASTER").toBe(iin2 >= 51 && iin2 <= 55)
        expect(CardBrand.detect(five.slice(0, 15))).not.toBe("MASTER")
        expect(CardBrand.detect(five + "0")).not.toBe("MASTER")
      }),
      params()
    )
  })

  it("[PAN-BRAND] the longest IIN wins: Discover's 622126–622925 inside UnionPay's 62", () => {
    fc.assert(
      fc.property(fc.integer({ min: 620000, max: 629999 }), digits(13, 13), fc.constantFrom(16, 17, 18, 19), (iin6, fill, length) => {
        const d = (String(iin6) + fill).slice(0, length)
        const expected = iin6 >= 622126 && iin6 <= 622925 ? "DISCOVER" : "CHINAUNIONPAY"
        expect(CardBrand.detect(d)).toBe(expected)
      }),
      params()
    )
  })

  it("[PAN-BRAND] the brand depends only on the first 6 digits and the length", () => {
    fc.assert(
      fc.property(cardLike, digits(25, 25), (d, other) => {
        const changed = d.slice(0, 6) + other.slice(0, Math.max(0, d.length - 6))
        expect(CardBrand.detect(changed)).toBe(CardBrand.detect(d))
      }),
      params()
    )
  })

  it("[PAN-BRAND] is total over strings and names only brands of the table", () => {
    fc.assert(
      fc.property(nastyString, (s) => {
        const b = CardBrand.detect(s)
        expect(b === undefined || CardBrand.brands.includes(b)).toBe(true)
      }),
      params()
    )
  })

  it("[PAN-BRAND] brand names are the gateways' names, one row each", () => {
    expect([...CardBrand.brands].sort()).toEqual(
      ["AMEX", "CHINAUNIONPAY", "DINERS", "DISCOVER", "JCB", "MAESTRO", "MASTER", "VISA"]
    )
    expect(new Set(CardBrand.table.map((e) => e.brand)).size).toBe(CardBrand.table.length)
    for (const entry of CardBrand.table) {
      for (const length of entry.lengths) expect(length >= 12 && length <= 19).toBe(true)
    }
  })

  it("[PAN-BRAND] detect reads the table it is given: longest prefix, then length", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), digits(11, 18), (first, rest) => {
        const d = String(first) + rest
        expect(CardBrand.detect(d, [])).toBeUndefined()
        const table: ReadonlyArray<CardBrand.BrandEntry> = [
          { brand: "JCB", patterns: [first], lengths: [d.length] },
          { brand: "AMEX", patterns: [[Number(d.slice(0, 2)), Number(d.slice(0, 2))]], lengths: [d.length] }
        ]
        expect(CardBrand.detect(d, table)).toBe("AMEX")
        expect(CardBrand.detect(d, [table[0]!])).toBe("JCB")
        expect(CardBrand.detect(d + "0", table)).toBeUndefined()
      }),
      params()
    )
  })
})
