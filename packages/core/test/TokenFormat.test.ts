import { Result } from "effect"
import { describe, expect, it } from "vitest"
import { toBase64Url, toHex } from "../src/internal/alphabet.ts"
import * as Mask from "../src/Mask.ts"
import * as Pan from "../src/Pan.ts"
import * as TokenFormat from "../src/TokenFormat.ts"
import { atLeast, fc, params } from "./fc.ts"
import {
  ALNUM,
  anyPan,
  customModel,
  customValue,
  digits,
  failure,
  looksLikePan,
  nastyString,
  panDigits,
  prefix,
  success,
  UPPER
} from "./support.ts"

/** Uniform random bytes, as a CSPRNG gives them (no bias towards edge values). */
const bytes = (minLength: number, maxLength: number) => fc.noBias(fc.uint8Array({ minLength, maxLength }))

/** The format patterns, written again independently of the descriptor table. */
const modelPatterns: Record<TokenFormat.Name, RegExp> = {
  registration: /^[0-9a-f]{32}$/,
  standard: /^[0-9]{2}[0-9A-Z]{10}[0-9]{4}$/,
  custom: /^[0-9A-Z]{4}[0-9A-Z_]{10,20}$/,
  opaque: /^[0-9A-Za-z_-]{22,24}$/
}
const modelFormats = (s: string): ReadonlyArray<TokenFormat.Name> =>
  TokenFormat.names.filter((n) => s.length <= 64 && modelPatterns[n].test(s))

const recognised = (token: string, name: TokenFormat.Name): boolean => {
  const r = TokenFormat.parse(token)
  return Result.isSuccess(r) && r.success.token === token && r.success.formats.includes(name) && TokenFormat.isToken(name, token)
}

/** The checks TOKEN-NOT-PAN asks of every generated token. */
const wellFormedNotPan = (token: string, name: TokenFormat.Name): boolean =>
  !looksLikePan(token) && TokenFormat.formats[name].pattern.test(token) && modelPatterns[name].test(token) && recognised(token, name)

describe("TokenFormat.generate: TOKEN-NOT-PAN over 10^5 tokens per format", () => {
  it("[TOKEN-NOT-PAN] [FORMAT-REGISTRATION] no registration token is a Luhn-valid 12–19 digit string", () => {
    fc.assert(
      fc.property(bytes(16, 24), (random) => {
        const r = TokenFormat.generate("registration", { random })
        return Result.isSuccess(r) && wellFormedNotPan(r.success, "registration")
      }),
      atLeast(100_000)
    )
  })

  it("[TOKEN-NOT-PAN] [FORMAT-STANDARD] no standard token is a Luhn-valid 12–19 digit string, whatever the PAN and prefix", () => {
    fc.assert(
      fc.property(bytes(32, 40), panDigits, prefix, (random, d, p) => {
        const pan = Pan.parse(d, { luhn: "report" })
        if (Result.isFailure(pan)) return false
        const r = TokenFormat.generate("standard", { random, pan: pan.success, prefix: p })
        return Result.isSuccess(r) && wellFormedNotPan(r.success, "standard")
      }),
      atLeast(100_000)
    )
  })

  it("[TOKEN-NOT-PAN] [FORMAT-CUSTOM] no custom token is a Luhn-valid 12–19 digit string", () => {
    fc.assert(
      fc.property(customValue, prefix, (value, p) => {
        const r = TokenFormat.generate("custom", { random: new Uint8Array(0), prefix: p, customValue: value })
        return Result.isSuccess(r) && wellFormedNotPan(r.success, "custom")
      }),
      atLeast(100_000)
    )
  })

  it("[TOKEN-NOT-PAN] [FORMAT-OPAQUE] no opaque token is a Luhn-valid 12–19 digit string", () => {
    fc.assert(
      fc.property(bytes(17, 24), (random) => {
        const r = TokenFormat.generate("opaque", { random })
        return Result.isSuccess(r) && wellFormedNotPan(r.success, "opaque")
      }),
      atLeast(100_000)
    )
  })

  it("[TOKEN-NOT-PAN] [FORMAT-CUSTOM] an unvalidated all-digit custom value cannot make a card-number-like token", () => {
    // 1234 + 12345678901234 would be an 18-digit string; some such strings pass Luhn.
    fc.assert(
      fc.property(digits(4, 4), digits(8, 15), (p, value) => {
        const r = TokenFormat.generate("custom", { random: new Uint8Array(0), prefix: p, customValue: value })
        expect(failure(r, "CUSTOM_TOKEN_INVALID").violations?.map((v) => v.gatewayCode)).toEqual(customModel(value))
      }),
      params()
    )
  })
})

describe("TokenFormat.generate: formats", () => {
  it("[FORMAT-REGISTRATION] [TOKEN-RANDOM] a registration token is the lowercase hex of the first 16 random bytes", () => {
    fc.assert(
      fc.property(bytes(16, 64), anyPan, (random, pan) => {
        const token = success(TokenFormat.generate("registration", { random, pan, prefix: "XYZW" }))
        expect(token).toBe(Buffer.from(random.subarray(0, 16)).toString("hex"))
        expect(token).toHaveLength(32)
      }),
      params()
    )
  })

  it("[FORMAT-REGISTRATION] [FORMAT-OPAQUE] the encoders behind both formats agree with Buffer's hex and base64url at any length, past one String.fromCharCode chunk of 4096 codes", () => {
    fc.assert(
      fc.property(fc.oneof(bytes(0, 40), bytes(2040, 2060), bytes(3066, 3080)), (random) => {
        expect(toHex(random)).toBe(Buffer.from(random).toString("hex"))
        expect(toBase64Url(random)).toBe(Buffer.from(random).toString("base64url"))
      }),
      params()
    )
  })

  it("[FORMAT-OPAQUE] [TOKEN-RANDOM] an opaque token is the unpadded base64url of 17 random bytes (23 characters), a leading '-' written as '_'", () => {
    fc.assert(
      fc.property(bytes(17, 64), anyPan, (random, pan) => {
        const token = success(TokenFormat.generate("opaque", { random, pan }))
        const encoded = Buffer.from(random.subarray(0, 17)).toString("base64url")
        expect(token).toHaveLength(23)
        expect(token.startsWith("-")).toBe(false)
        if (encoded[0] === "-") {
          expect(token.slice(0, 22)).toBe("_" + encoded.slice(1, 22))
          // The last character's spare bit marks the rewrite.
          expect(Buffer.from(token, "base64url")).toEqual(Buffer.from("_" + encoded.slice(1), "base64url"))
          expect(token[22]).not.toBe(encoded[22])
        } else {
          expect(token).toBe(encoded)
        }
      }),
      params()
    )
    // The first six bits 0b111110 encode '-': such bytes still give a token that is not an option.
    const leadingDash = new Uint8Array(17).fill(0xf8)
    expect(success(TokenFormat.generate("opaque", { random: leadingDash }))[0]).toBe("_")
    expect(Result.isFailure(TokenFormat.generate("opaque", { random: new Uint8Array(16) }))).toBe(true)
    expect(TokenFormat.formats.opaque.entropyBits).toBeGreaterThanOrEqual(128)
    expect(TokenFormat.formats.registration.entropyBits).toBeGreaterThanOrEqual(128)
  })

  it("[FORMAT-STANDARD] [MASK-PCI] a standard token is first 2 PAN digits + prefix + 6 upper-case letters or digits (one a letter) + last 4 PAN digits, no PAN digit beyond the maskedPan's", () => {
    fc.assert(
      fc.property(bytes(32, 40), anyPan, prefix, (random, pan, p) => {
        const d = Pan.reveal(pan)
        const token = success(TokenFormat.generate("standard", { random, pan, prefix: p }))
        expect(token).toHaveLength(16)
        expect(token.slice(0, 2)).toBe(d.slice(0, 2))
        expect(token.slice(2, 6)).toBe(p)
        expect(token.slice(12)).toBe(d.slice(-4))
        expect(token.slice(6, 12)).toMatch(/^[0-9A-Z]{6}$/)
        expect(token.slice(6, 12)).toMatch(/[A-Z]/)
        expect(token).not.toContain(d.slice(2, -4))
        // Token and maskedPan together reveal no more than the maskedPan alone (PCI SSC FAQ 1117): at least 6 digits hidden.
        const masked = Mask.bin6Last4(pan)
        expect(masked.slice(0, 2) + masked.slice(-4)).toBe(token.slice(0, 2) + token.slice(12))
      }),
      params({ numRuns: 1000 })
    )
  })

  it("[FORMAT-CUSTOM] [CUSTOM-TOKEN-CASE] a custom token is the prefix followed by the validated, uppercased value", () => {
    fc.assert(
      fc.property(customValue, prefix, (value, p) => {
        expect(success(TokenFormat.generate("custom", { random: new Uint8Array(0), prefix: p, customValue: value }))).toBe(
          p + value.toUpperCase()
        )
      }),
      params()
    )
  })

  it("[FORMAT-STANDARD] [FORMAT-CUSTOM] a prefix that is not 4 upper-case letters or digits is refused, never embedded", () => {
    const badPrefix = fc.oneof(nastyString, fc.constantFrom("xyzw", "XYZ", "XYZWV", "XY_W", "٤٤٤٤", "", "XYZ ")).filter(
      (s) => !/^[A-Z0-9]{4}$/.test(s)
    )
    fc.assert(
      fc.property(badPrefix, anyPan, customValue, bytes(32, 32), (p, pan, value, random) => {
        expect(failure(TokenFormat.generate("standard", { random, pan, prefix: p }), "INVALID_INPUT").rule).toBe("FORMAT-STANDARD")
        expect(failure(TokenFormat.generate("custom", { random, prefix: p, customValue: value }), "INVALID_INPUT").rule).toBe(
          "FORMAT-CUSTOM"
        )
      }),
      params()
    )
  })

  it("[FORMAT-STANDARD] [FORMAT-CUSTOM] a missing PAN, prefix or value is INVALID_INPUT", () => {
    const random = new Uint8Array(32)
    const pan = success(Pan.parse("4111111111111111"))
    failure(TokenFormat.generate("standard", { random, prefix: "XYZW" }), "INVALID_INPUT")
    failure(TokenFormat.generate("standard", { random, pan }), "INVALID_INPUT")
    const fakePan = { bin: "411111", last4: "1111", length: 16 } as unknown as Pan.Pan
    failure(TokenFormat.generate("standard", { random, pan: fakePan, prefix: "XYZW" }), "INVALID_INPUT")
    failure(TokenFormat.generate("custom", { random, prefix: "XYZW" }), "INVALID_INPUT")
    failure(TokenFormat.generate("custom", { random, customValue: "JOHN_SMITH_5533" }), "INVALID_INPUT")
  })
})

describe("TokenFormat.generate: randomness", () => {
  it("[TOKEN-RANDOM] the random part of a standard token never depends on the card number", () => {
    fc.assert(
      fc.property(bytes(32, 40), anyPan, anyPan, prefix, (random, a, b, p) => {
        const ta = success(TokenFormat.generate("standard", { random, pan: a, prefix: p }))
        const tb = success(TokenFormat.generate("standard", { random, pan: b, prefix: p }))
        expect(ta.slice(6, 12)).toBe(tb.slice(6, 12))
        for (const name of ["registration", "opaque"] as const) {
          expect(TokenFormat.generate(name, { random, pan: a, prefix: p })).toEqual(TokenFormat.generate(name, { random }))
        }
      }),
      params()
    )
  })

  it("[TOKEN-RANDOM] each byte below 252 maps to exactly one of 36 characters, 7 bytes each; higher bytes are skipped", () => {
    const pan = success(Pan.parse("4111111111111111"))
    const counts = new Map<string, number>()
    for (let b = 0; b < 256; b++) {
      // b, then 4 more characters, then letter 'A' (byte 0) inserted at position 5 (byte 5).
      const random = Uint8Array.from([b, 1, 2, 3, 4, 0, 5, 7, 8, 9, 10, 11, 12])
      const middle = success(TokenFormat.generate("standard", { random, pan, prefix: "XYZW" })).slice(6, 12)
      if (b < 252) {
        expect(middle).toBe(ALNUM[b % 36]! + "1234" + "A")
        counts.set(middle[0]!, (counts.get(middle[0]!) ?? 0) + 1)
      } else {
        // b is skipped: "1234" + "0" (byte 0), letter "F" (byte 5) at position 1 (byte 7).
        expect(middle).toBe("1F2340")
      }
    }
    expect(counts.size).toBe(36)
    expect([...counts.values()].every((n) => n === 7)).toBe(true)
  })

  it("[TOKEN-RANDOM] the guaranteed letter is drawn without bias and inserted at a drawn position", () => {
    const pan = success(Pan.parse("4111111111111111"))
    for (let b = 0; b < 234; b++) {
      const random = Uint8Array.from([0, 0, 0, 0, 0, b, b % 6])
      const middle = success(TokenFormat.generate("standard", { random, pan, prefix: "XYZW" })).slice(6, 12)
      const at = b % 6
      expect(middle).toBe("0".repeat(at) + UPPER[b % 26]! + "0".repeat(5 - at))
    }
  })

  it("[TOKEN-RANDOM] too few usable random bytes is a typed error, never a biased or short token", () => {
    const pan = success(Pan.parse("4111111111111111"))
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 15 }), fc.uint8Array({ min: 252, max: 255, maxLength: 64 }), (short, rejected) => {
        for (const name of ["registration", "opaque"] as const) {
          expect(failure(TokenFormat.generate(name, { random: short }), "INVALID_INPUT").rule).toBe("TOKEN-RANDOM")
        }
        expect(failure(TokenFormat.generate("standard", { random: rejected, pan, prefix: "XYZW" }), "INVALID_INPUT").rule).toBe(
          "TOKEN-RANDOM"
        )
      }),
      params()
    )
    for (const random of [undefined, null, [1, 2, 3], "0123456789abcdef0123456789abcdef", new Uint16Array(16)]) {
      failure(TokenFormat.generate("registration", { random } as unknown as TokenFormat.GenerateInput), "INVALID_INPUT")
    }
  })

  /** 17 bytes whose base64url starts with '-' or '_' (first six bits 0b11111x): where the rewrite happens. */
  const leadingDash = bytes(17, 17).map((b) => Uint8Array.from(b, (x, i) => (i === 0 ? 0xf8 | (x & 0x07) : x)))

  it("[TOKEN-RANDOM] distinct random bytes give distinct registration and opaque tokens", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.oneof(bytes(17, 17), leadingDash), { minLength: 2, maxLength: 50, selector: (b) => Buffer.from(b).toString("hex") }), (all) => {
        for (const name of ["registration", "opaque"] as const) {
          const tokens = all.map((random) => success(TokenFormat.generate(name, { random })))
          expect(new Set(tokens).size).toBe(all.length)
        }
      }),
      params()
    )
  })
})

describe("TokenFormat.parse and isToken", () => {
  it("[FORMAT-REGISTRATION] [FORMAT-STANDARD] [FORMAT-CUSTOM] [FORMAT-OPAQUE] parse recognises exactly the formats whose pattern matches", () => {
    const shaped = fc.oneof(
      fc.stringMatching(/^[0-9a-f]{32}$/),
      fc.stringMatching(/^[0-9]{2}[0-9A-Z]{10}[0-9]{4}$/),
      fc.stringMatching(/^[0-9A-Z]{4}[0-9A-Z_]{10,20}$/),
      fc.stringMatching(/^[0-9A-Za-z_-]{22,24}$/),
      fc.stringMatching(/^[0-9A-Za-z_-]{10,40}$/),
      nastyString
    )
    fc.assert(
      fc.property(shaped, (s) => {
        const expected = modelFormats(s)
        const r = TokenFormat.parse(s)
        if (expected.length === 0) {
          expect(failure(r, "TOKEN_MALFORMED", s).gatewayCode).toBe("100.150.101")
        } else {
          expect(success(r)).toEqual({ token: s, formats: expected })
        }
        for (const name of TokenFormat.names) expect(TokenFormat.isToken(name, s)).toBe(expected.includes(name))
        expect(TokenFormat.isTokenValue(s)).toBe(expected.length > 0)
      }),
      params({ numRuns: 1000 })
    )
  })

  it("[FORMAT-REGISTRATION] [FORMAT-STANDARD] [FORMAT-CUSTOM] [FORMAT-OPAQUE] isToken answers false for names that are not formats", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.constantFrom("__proto__", "constructor", "toString", "hasOwnProperty", "REGISTRATION")), nastyString, (name, s) => {
        fc.pre(!(TokenFormat.names as ReadonlyArray<string>).includes(name))
        expect(TokenFormat.isToken(name as TokenFormat.Name, s)).toBe(false)
      }),
      params()
    )
    expect(TokenFormat.isToken("__proto__" as TokenFormat.Name, "[]")).toBe(false)
  })

  it("[FORMAT-REGISTRATION] [FORMAT-STANDARD] [FORMAT-CUSTOM] [FORMAT-OPAQUE] the descriptor table names each format's gateway and rule", () => {
    expect(TokenFormat.names).toEqual(["registration", "standard", "custom", "opaque"])
    expect(TokenFormat.names.map((n) => [TokenFormat.formats[n].name, TokenFormat.formats[n].gateway, TokenFormat.formats[n].rule])).toEqual([
      ["registration", "ACI", "FORMAT-REGISTRATION"],
      ["standard", "Axerve", "FORMAT-STANDARD"],
      ["custom", "Axerve", "FORMAT-CUSTOM"],
      ["opaque", "AlliancePay", "FORMAT-OPAQUE"]
    ])
    expect(TokenFormat.names.filter((n) => TokenFormat.formats[n].embedsPanDigits)).toEqual(["standard"])
  })
})
