/**
 * The crypto port's plaintext value: it never prints its text, gives it back
 * only through `reveal`, and refuses look-alikes with a typed error.
 */
import { inspect } from "node:util"
import { describe, expect, it } from "vitest"
import * as Plaintext from "../src/Plaintext.ts"
import { expectNoLeak, fc, fcParams, PAN_A } from "./helpers.ts"

describe("Plaintext", () => {
  it("[NO-PAN-LEAK] prints <redacted> in String, templates, JSON and util.inspect, and reveals the text", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{12,19}$/), (digits) => {
        const p = Plaintext.make(`C:${digits}`)
        for (const shown of [String(p), `${p}`, JSON.stringify({ p }), inspect(p), inspect({ nested: [p] }, { depth: 5 })]) {
          expect(shown).not.toContain(digits)
          expect(shown).toContain("<redacted>")
        }
        expect(Plaintext.reveal(p)).toBe(`C:${digits}`)
        expect(Plaintext.isPlaintext(p)).toBe(true)
      }),
      fcParams(200)
    )
    expectNoLeak(Plaintext.make(`C:${PAN_A}`), "Plaintext")
  })

  it("[NO-PAN-LEAK] refuses anything else with INVALID_INPUT, without repeating it", () => {
    for (const u of [`C:${PAN_A}`, { text: `C:${PAN_A}` }, Object.create(Plaintext.Plaintext.prototype), null, undefined]) {
      expect(Plaintext.isPlaintext(u)).toBe(false)
      let caught: unknown
      try {
        Plaintext.reveal(u as Plaintext.Plaintext)
      } catch (e) {
        caught = e
      }
      expect(caught).toMatchObject({ _tag: "TokenError", code: "INVALID_INPUT" })
      expectNoLeak(caught, "refusal")
    }
  })
})
