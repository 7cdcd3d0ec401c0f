import { Console } from "node:console"
import { Writable } from "node:stream"
import * as util from "node:util"
import { describe, expect, it } from "vitest"
import * as Iban from "../src/Iban.ts"
import { fc, params } from "./fc.ts"
import { DIGITS, failure, nastyString, success, UPPER } from "./support.ts"

/** mod 97 of the rearranged IBAN with BigInt: an independent model of ISO 13616. */
const mod97 = (iban: string): bigint => {
  const rearranged = iban.slice(4) + iban.slice(0, 4)
  const numeric = [...rearranged].map((c) => (c >= "A" && c <= "Z" ? String(c.charCodeAt(0) - 55) : c)).join("")
  return BigInt(numeric) % 97n
}
const modelValid = (s: string): boolean => /^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$/.test(s) && mod97(s) === 1n

/** The IBAN with correct check digits for a country and BBAN. */
const withCheck = (country: string, bban: string): string => {
  const check = 98n - mod97(country + "00" + bban)
  return country + String(check).padStart(2, "0") + bban
}

const letter = fc.constantFrom(...UPPER)
const alnum = fc.constantFrom(...DIGITS, ...UPPER)
const country = fc.string({ unit: letter, minLength: 2, maxLength: 2 })
const validIban = fc.tuple(country, fc.string({ unit: alnum, minLength: 11, maxLength: 30 })).map(([c, b]) => withCheck(c, b))
const shapedIban = fc
  .tuple(country, fc.string({ unit: fc.constantFrom(...DIGITS), minLength: 2, maxLength: 2 }), fc.string({ unit: alnum, minLength: 11, maxLength: 30 }))
  .map(([c, k, b]) => c + k + b)

const known = [
  "GB82WEST12345698765432",
  "DE89370400440532013000",
  "FR1420041010050500013M02606",
  "NL91ABNA0417164300",
  "BE68539007547034",
  "CH9300762011623852957",
  "IT60X0542811101000000123456",
  "ES9121000418450200051332",
  "NO9386011117947",
  "MT84MALT011000012345MTLCAST001S",
  "LC55HEMM000100010012001200023015"
]

const printed = (value: unknown): ReadonlyArray<string> => {
  let out = ""
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      out += String(chunk)
      callback()
    }
  })
  const console = new Console({ stdout: sink, colorMode: false })
  console.log(value)
  console.log("%s %o %O %j", value, value, value, value)
  console.log({ value })
  return [String(value), `${value}`, JSON.stringify(value), JSON.stringify({ value }), util.inspect(value), util.inspect({ value }), out]
}

describe("Iban.parse", () => {
  it("[IBAN-MOD97] known valid IBANs parse, with spaces and in lower case", () => {
    for (const iban of known) {
      expect(modelValid(iban)).toBe(true)
      expect(Iban.reveal(success(Iban.parse(iban)))).toBe(iban)
      const spaced = iban.replace(/(.{4})/g, "$1 ").trim()
      expect(Iban.reveal(success(Iban.parse(spaced)))).toBe(iban)
      expect(Iban.reveal(success(Iban.parse(spaced.toLowerCase())))).toBe(iban)
    }
    const gb = success(Iban.parse("GB82 WEST 1234 5698 7654 32"))
    expect(gb.country).toBe("GB")
    expect(gb.last4).toBe("5432")
  })

  it("[IBAN-MOD97] agrees with an independent BigInt mod-97 model", () => {
    fc.assert(
      fc.property(fc.oneof(validIban, shapedIban, nastyString), (s) => {
        const r = Iban.parse(s)
        const normalised = s.replace(/ /g, "").toUpperCase()
        if (s.length <= 64 && modelValid(normalised)) expect(Iban.reveal(success(r))).toBe(normalised)
        else expect(failure(r, "IBAN_INVALID", s).rule).toBe("IBAN-MOD97")
      }),
      params({ numRuns: 1000 })
    )
  })

  it("[IBAN-MOD97] every single-character substitution of a valid IBAN is refused", () => {
    fc.assert(
      fc.property(fc.oneof(validIban, fc.constantFrom(...known)), fc.nat(), fc.integer({ min: 1, max: 35 }), (iban, at, shift) => {
        const i = at % iban.length
        const c = iban[i]!
        const pool = c >= "0" && c <= "9" ? DIGITS : UPPER
        const replaced = pool[(pool.indexOf(c) + (shift % (pool.length - 1)) + 1) % pool.length]!
        expect(replaced).not.toBe(c)
        const mutated = iban.slice(0, i) + replaced + iban.slice(i + 1)
        failure(Iban.parse(mutated), "IBAN_INVALID")
      }),
      params({ numRuns: 1000 })
    )
  })

  it("[IBAN-MOD97] lengths outside 15–34 are refused even with correct check digits", () => {
    fc.assert(
      fc.property(country, fc.oneof(fc.string({ unit: alnum, maxLength: 10 }), fc.string({ unit: alnum, minLength: 31, maxLength: 40 })), (c, bban) => {
        failure(Iban.parse(withCheck(c, bban)), "IBAN_INVALID")
      }),
      params()
    )
  })

  it("[IBAN-MOD97] values that are not strings are INVALID_INPUT", () => {
    for (const bad of [undefined, null, 82, 82n, ["GB82WEST12345698765432"], { iban: "GB82WEST12345698765432" }]) {
      failure(Iban.parse(bad), "INVALID_INPUT")
    }
  })
})

describe("Iban.Iban", () => {
  it("[NO-PAN-LEAK] [IBAN-MOD97] an IBAN never prints itself: only the country and last 4 are shown", () => {
    fc.assert(
      fc.property(validIban, (s) => {
        const iban = success(Iban.parse(s))
        for (const text of printed(iban)) {
          expect(text).not.toContain(s)
          expect(text).not.toContain(s.slice(4, -4))
          expect(text).not.toContain(s.slice(2, 4) + s.slice(4, 8))
        }
        expect(String(iban)).toBe(`Iban(${s.slice(0, 2)}••••${s.slice(-4)})`)
        expect(JSON.stringify({ iban })).toBe(`{"iban":"Iban(${s.slice(0, 2)}••••${s.slice(-4)})"}`)
      }),
      params()
    )
  })
})
