import { describe, expect, it } from "vitest"
import * as Mask from "../src/Mask.ts"
import * as Pan from "../src/Pan.ts"
import { fc, params } from "./fc.ts"
import { anyPan, digits, nastyString } from "./support.ts"

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

/**
 * The PCI cap, checked position by position: the mask has the PAN's length,
 * every shown character is the PAN's digit at that position and lies in the
 * first 6 or the last 4, and at least 4 positions are hidden.
 */
const expectWithinCap = (masked: string, d: string): void => {
  expect(masked.length).toBe(d.length)
  let hidden = 0
  for (let i = 0; i < d.length; i++) {
    if (masked[i] === BULLET) {
      hidden++
    } else {
      expect(masked[i]).toBe(d[i])
      expect(i < 6 || i >= d.length - 4).toBe(true)
    }
  }
  expect(hidden).toBeGreaterThanOrEqual(Math.min(4, d.length))
  expect(Mask.revealedDigits(masked)).toBe(d.length - hidden)
}

describe("Mask", () => {
  it("[MASK-PCI] no mask reveals more than BIN6 + last 4, and every mask hides at least 4 digits (12–19 digit PANs)", () => {
    fc.assert(
      fc.property(anyPan, style, (pan, s) => {
        const d = Pan.reveal(pan)
        expectWithinCap(Mask.mask(pan, s), d)
        expectWithinCap(Mask.bin6Last4(pan), d)
        expectWithinCap(Mask.last4(pan), d)
        expectWithinCap(Mask.first2Last4(pan), d)
        expectWithinCap(Mask.mask(pan), d)
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
        const lead = Math.min(6, d.length - 8)
        expect(Mask.bin6Last4(pan)).toBe(d.slice(0, lead) + BULLET.repeat(d.length - lead - 4) + d.slice(-4))
        if (d.length >= 14) expect(Mask.bin6Last4(pan).slice(0, 6)).toBe(pan.bin6)
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

  it("[MASK-PCI] revealedDigits counts exactly the ASCII digits", () => {
    fc.assert(
      fc.property(nastyString, (s) => {
        expect(Mask.revealedDigits(s)).toBe((s.match(/[0-9]/g) ?? []).length)
      }),
      params()
    )
  })
})
