import { describe, expect, it } from "vitest"
import * as Mask from "../src/Mask.ts"
import * as Pan from "../src/Pan.ts"
import { fc, params } from "./fc.ts"
import { anyPan, digits, nastyString, success } from "./support.ts"

const BULLET = "•"

/** Any count a caller could put in a style: integers, fractions, negatives, NaN and infinities. */
const count = fc.oneof(
  fc.integer({ min: -20, max: 40 }),
  fc.double({ min: -20, max: 40 }),
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 0.5, 3.999, 4.5, 5.5, 6.5)
)

const style = fc.oneof(
  fc.constantFrom<Mask.MaskStyle>(Mask.styles.bin6Last4, Mask.styles.last4, Mask.styles.first2Last4),
  fc.record({ lead: count, trail: count })
)

/** The BIN's length (PCI SSC FAQ 1492): 8 digits on PANs of 16 or more digits, else 6. */
const binLength = (length: number): number => (length >= 16 ? 8 : 6)

/**
 * The PCI cap, checked position by position: the mask has the PAN's length,
 * every shown character is the PAN's digit at that position and lies in the
 * BIN or the last 4, and at least 6 positions are hidden.
 */
const expectWithinCap = (masked: string, d: string): void => {
  expect(masked.length).toBe(d.length)
  let hidden = 0
  for (let i = 0; i < d.length; i++) {
    if (masked[i] === BULLET) {
      hidden++
    } else {
      expect(masked[i]).toBe(d[i])
      expect(i < binLength(d.length) || i >= d.length - 4).toBe(true)
    }
  }
  expect(hidden).toBeGreaterThanOrEqual(Math.min(6, d.length))
  expect(Mask.revealedDigits(masked)).toBe(d.length - hidden)
}

describe("Mask", () => {
  it("[MASK-PCI] no mask reveals more than the BIN (6, or 8 from 16 digits) + last 4, and every mask hides at least 6 digits (12–19 digit PANs)", () => {
    fc.assert(
      fc.property(anyPan, style, (pan, s) => {
        const d = Pan.reveal(pan)
        expectWithinCap(Mask.mask(pan, s), d)
        expectWithinCap(Mask.bin6Last4(pan), d)
        expectWithinCap(Mask.last4(pan), d)
        expectWithinCap(Mask.first2Last4(pan), d)
        expectWithinCap(Mask.mask(pan), d)
        // The Pan's own display fields obey the same cap.
        expectWithinCap(pan.bin + BULLET.repeat(d.length - pan.bin.length - 4) + pan.last4, d)
      }),
      params({ numRuns: 1000 })
    )
  })

  it("[MASK-PCI] maskDigits keeps the cap on any digit string, however short", () => {
    fc.assert(
      fc.property(digits(0, 30), style, (d, s) => {
        expectWithinCap(Mask.maskDigits(d, s), d)
      }),
      params({ numRuns: 1000 })
    )
  })

  it("[MASK-PCI] NaN, negative and fractional style counts never widen a mask", () => {
    const d = "4111111111111111"
    expect(Mask.maskDigits(d, { lead: NaN, trail: NaN })).toBe(BULLET.repeat(16))
    expect(Mask.maskDigits(d, { lead: 0, trail: NaN })).toBe(BULLET.repeat(16))
    expect(Mask.maskDigits(d, { lead: -3, trail: -3 })).toBe(BULLET.repeat(16))
    expect(Mask.maskDigits(d, { lead: 2.5, trail: 4 })).toBe("41" + BULLET.repeat(10) + "1111")
    expect(Mask.maskDigits(d, { lead: Infinity, trail: Infinity })).toBe("411111" + BULLET.repeat(6) + "1111")
  })

  it("[MASK-BIN6-LAST4] bin6Last4 shows the first 6 and last 4 with • between, fewer leading digits on short PANs", () => {
    fc.assert(
      fc.property(anyPan, (pan) => {
        const d = Pan.reveal(pan)
        const lead = Math.min(6, d.length - 10)
        expect(Mask.bin6Last4(pan)).toBe(d.slice(0, lead) + BULLET.repeat(d.length - lead - 4) + d.slice(-4))
        expect(pan.bin).toBe(d.slice(0, lead))
        expect(Mask.mask(pan)).toBe(Mask.bin6Last4(pan))
      }),
      params()
    )
  })

  it("[MASK-BIN6-LAST4] [MASK-PCI] last4 and first2Last4 have their documented shapes", () => {
    fc.assert(
      fc.property(anyPan, (pan) => {
        const d = Pan.reveal(pan)
        expect(Mask.last4(pan)).toBe(BULLET.repeat(d.length - 4) + d.slice(-4))
        expect(Mask.first2Last4(pan)).toBe(d.slice(0, 2) + BULLET.repeat(d.length - 6) + d.slice(-4))
      }),
      params()
    )
  })

  it("[MASK-PCI] [MASK-BIN6-LAST4] short PANs show fewer leading digits: 12 digits 2 + 4, 15 digits (Amex) 5 + 4, 16 digits 6 + 4", () => {
    const masked = (d: string) => Mask.bin6Last4(success(Pan.parse(d, { luhn: "report" })))
    expect(masked("528529000255")).toBe("52••••••0255")
    expect(masked("371449635398431")).toBe("37144••••••8431")
    expect(masked("5285290000000255")).toBe("528529••••••0255") // seed 003's maskedPan
    expect(masked("6011000000000000004")).toBe("601100•••••••••0004")
    const pan12 = success(Pan.parse("528529000255", { luhn: "report" }))
    expect([pan12.bin, pan12.last4]).toEqual(["52", "0255"])
    expect(Mask.maskDigits("6011000000000000004", { lead: 8, trail: 4 })).toBe("60110000•••••••0004")
    expect(Mask.maskDigits("5285290000000255", { lead: 8, trail: 4 })).toBe("528529••••••0255")
  })

  it("[MASK-PCI] revealedDigits counts exactly the ASCII digits", () => {
    fc.assert(
      fc.property(nastyString, (s) => {
        expect(Mask.revealedDigits(s)).toBe((s.match(/[0-9]/g) ?? []).length)
      }),
      params()
    )
  })
})
