import { Result } from "effect"
import { Console } from "node:console"
import { Writable } from "node:stream"
import * as util from "node:util"
import { describe, expect, it } from "vitest"
import * as CardBrand from "../src/CardBrand.ts"
import * as Pan from "../src/Pan.ts"
import { fc, params } from "./fc.ts"
import { anyPan, digits, failure, luhn, luhnPanDigits, panDigits, success } from "./support.ts"

/** Everything a PAN can be printed through, captured as text. */
const printed = (value: unknown): ReadonlyArray<string> => {
  let out = ""
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      out += String(chunk)
      callback()
    }
  })
  const console = new Console({ stdout: sink, stderr: sink, colorMode: false })
  console.log(value)
  console.log("%s %o %O %j", value, value, value, value)
  console.error({ value })
  console.info([value], new Map([["value", value]]))
  console.table([{ value }])
  return [
    String(value),
    `${value}`,
    "" + value,
    JSON.stringify(value),
    JSON.stringify({ value }),
    JSON.stringify([value]),
    util.inspect(value),
    util.inspect({ nested: { value } }, { depth: 10, showHidden: true }),
    util.format("%s %o %O %j", value, value, value, value),
    out
  ]
}

describe("Pan.parse", () => {
  it("[PAN-LENGTH] accepts exactly 12 to 19 ASCII digits", () => {
    fc.assert(
      fc.property(digits(0, 70), (d) => {
        const r = Pan.parse(d, { luhn: "report" })
        if (d.length >= 12 && d.length <= 19) {
          expect(success(r).length).toBe(d.length)
        } else if (d.length === 0) {
          expect(["PAN_INVALID_LENGTH", "PAN_INVALID_CHARACTERS"]).toContain(failure(r, undefined, d).code)
        } else {
          const err = failure(r, "PAN_INVALID_LENGTH", d)
          expect(err.rule).toBe("PAN-LENGTH")
        }
      }),
      params()
    )
  })

  it("[PAN-LENGTH] refuses any non-ASCII-digit character: Unicode digits, separators, letters", () => {
    const intruder = fc.oneof(
      fc.constantFrom("٤", "４", "۴", "߄", "𝟒", " ", "-", "\u00a0", "\u0000", "\n", "+", "a", "e", "."),
      fc.string({ unit: "binary", minLength: 1, maxLength: 1 }).filter((c) => !/^[0-9]$/.test(c))
    )
    fc.assert(
      fc.property(panDigits, fc.nat(), intruder, (d, at, c) => {
        const i = at % (d.length + 1)
        const input = d.slice(0, i) + c + d.slice(i)
        const err = failure(Pan.parse(input, { luhn: "report" }), "PAN_INVALID_CHARACTERS", input)
        expect(err.rule).toBe("PAN-LENGTH")
      }),
      params()
    )
  })

  it("[PAN-LUHN] agrees with an independent Luhn model under both policies", () => {
    fc.assert(
      fc.property(fc.oneof(panDigits, luhnPanDigits), (d) => {
        const enforced = Pan.parse(d)
        if (luhn(d)) expect(success(enforced).luhnValid).toBe(true)
        else expect(failure(enforced, "PAN_LUHN_FAILED", d).rule).toBe("PAN-LUHN")
        const reported = success(Pan.parse(d, { luhn: "report" }))
        expect(reported.luhnValid).toBe(luhn(d))
      }),
      params()
    )
  })

  it("[PAN-LUHN] every single-digit change of a valid card number fails the check", () => {
    fc.assert(
      fc.property(luhnPanDigits, fc.nat(), fc.integer({ min: 1, max: 9 }), (d, at, delta) => {
        const i = at % d.length
        const changed = d.slice(0, i) + String((Number(d[i]) + delta) % 10) + d.slice(i + 1)
        failure(Pan.parse(changed), "PAN_LUHN_FAILED", changed)
        expect(success(Pan.parse(changed, { luhn: "report" })).luhnValid).toBe(false)
      }),
      params()
    )
  })

  it("[PAN-LUHN] an unknown Luhn policy fails closed: only \"report\" lets a Luhn failure through", () => {
    fc.assert(
      fc.property(panDigits, fc.oneof(fc.string(), fc.constantFrom("enforced", "REPORT", "Report", "off", "none", "")), (d, policy) => {
        fc.pre(!luhn(d) && policy !== "report")
        failure(Pan.parse(d, { luhn: policy as Pan.LuhnPolicy }), "PAN_LUHN_FAILED", d)
      }),
      params()
    )
  })

  it("[PAN-LUHN] enforce is the default policy", () => {
    failure(Pan.parse("4111111111111112"), "PAN_LUHN_FAILED")
    failure(Pan.parse("4111111111111112", {}), "PAN_LUHN_FAILED")
    failure(Pan.parse("4111111111111112", { luhn: "enforce" }), "PAN_LUHN_FAILED")
    expect(success(Pan.parse("4111111111111111")).luhnValid).toBe(true)
  })
})

describe("Pan.Pan", () => {
  it("[PAN-REDACTED] [NO-PAN-LEAK] String, template, JSON, util.inspect and console.log never show the digits", () => {
    fc.assert(
      fc.property(anyPan, (pan) => {
        const d = Pan.reveal(pan)
        for (const text of printed(pan)) {
          expect(text).not.toContain(d)
          expect(text).not.toContain(d.slice(0, 6))
          expect(text).not.toMatch(/[0-9]{5}/)
        }
        expect(String(pan)).toBe(`Pan(••••${d.slice(-4)})`)
        expect(JSON.stringify({ pan })).toBe(`{"pan":"Pan(••••${d.slice(-4)})"}`)
        expect(util.inspect(pan)).toBe(`Pan(••••${d.slice(-4)})`)
      }),
      params()
    )
  })

  it("[PAN-REDACTED] [NO-PAN-LEAK] even with custom inspection off, no output holds the whole number", () => {
    fc.assert(
      fc.property(anyPan, (pan) => {
        const d = Pan.reveal(pan)
        let dir = ""
        const sink = new Writable({
          write(chunk, _encoding, callback) {
            dir += String(chunk)
            callback()
          }
        })
        new Console({ stdout: sink, colorMode: false }).dir(pan, { depth: 5 }) // console.dir turns custom inspection off
        const texts = [
          dir,
          util.inspect(pan, { customInspect: false, showHidden: true, depth: 10 }),
          JSON.stringify({ ...pan }),
          JSON.stringify(Object.entries(pan)),
          util.inspect(structuredClone({ ...pan }))
        ]
        for (const text of texts) {
          expect(text).not.toContain(d)
          // Only the public BIN and last-4 fields may show digits.
          const shown = text.replaceAll(pan.bin, "").replaceAll(pan.last4, "")
          expect(shown).not.toMatch(/[0-9]{3}/)
        }
      }),
      params()
    )
  })

  it("[PAN-REDACTED] [PAN-BRAND] [MASK-PCI] public fields are the BIN (as far as MASK-PCI allows), last 4, length, brand and the Luhn flag only", () => {
    fc.assert(
      fc.property(panDigits, (d) => {
        const pan = success(Pan.parse(d, { luhn: "report" }))
        expect(Object.keys(pan).sort()).toEqual(["bin", "brand", "last4", "length", "luhnValid"])
        // At least 6 digits stay hidden beside the last 4: the first 2 of 12 digits, … the first 6 from 16.
        expect(pan.bin).toBe(d.slice(0, Math.min(6, d.length - 10)))
        expect(pan.last4).toBe(d.slice(-4))
        expect(pan.length).toBe(d.length)
        expect(pan.brand).toBe(CardBrand.detect(d))
        expect(Pan.reveal(pan)).toBe(d)
        expect(Pan.first2(pan)).toBe(d.slice(0, 2))
        expect(Pan.isPan(pan)).toBe(true)
      }),
      params()
    )
  })

  it("[PAN-REDACTED] isPan recognises only parsed card numbers", () => {
    fc.assert(
      fc.property(fc.anything(), (u) => {
        expect(Pan.isPan(u)).toBe(false)
      }),
      params()
    )
    expect(Pan.isPan({ bin: "411111", last4: "1111", length: 16, luhnValid: true, brand: "VISA" })).toBe(false)
    expect(Pan.isPan(Object.create(Pan.Pan.prototype))).toBe(false)
    expect(Pan.isPan(Result.getOrThrow(Pan.parse("4111111111111111")))).toBe(true)
  })
})
