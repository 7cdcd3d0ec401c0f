/**
 * Encrypted card input (AlliancePay JWE): `jose` is the reference. JWEs are
 * made by jose's `CompactEncrypt` with the merchant's published JWK; our
 * decrypter must agree with jose's `compactDecrypt` on them and on tampered
 * copies, pass the published vectors (RFC 7520 §5.4 through the generic
 * internal path, RFC 7518 Appendix C for the Concat KDF), and refuse every
 * malformed input with its own code.
 */
import { createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, type KeyObject } from "node:crypto"
import { inspect } from "node:util"
import { Pan } from "@tokenvault/core"
import { Effect, Exit, Redacted } from "effect"
import fc from "fast-check"
import * as jose from "jose"
import { beforeAll, describe, expect, it } from "vitest"
import * as internal from "../src/internal/jwe.ts"
import * as Jwe from "../src/Jwe.ts"
import * as KeyFile from "../src/KeyFile.ts"
import * as Keyring from "../src/Keyring.ts"

// --- fast-check seed (FC_SEED / FC_NUM_RUNS, printed) ----------------------
const intFromEnv = (name: string): number | undefined => {
  const raw = process.env[name]
  return raw === undefined || raw.trim() === "" ? undefined : Number(raw)
}
const seed = intFromEnv("FC_SEED") ?? Math.floor(Math.random() * 2_147_483_647)
console.log(`[fast-check] Jwe.test seed=${seed} (replay: FC_SEED=${seed} pnpm vitest run packages/vault/test/Jwe.test.ts)`)
const params = (numRuns: number): fc.Parameters<unknown> => ({ seed, numRuns: intFromEnv("FC_NUM_RUNS") ?? numRuns })

// --- helpers ---------------------------------------------------------------
const enc = new TextEncoder()
const dec = new TextDecoder()

const luhnDigit = (body: string): string => {
  for (let d = 0; d <= 9; d++) {
    const s = body + d
    let sum = 0
    for (let i = 0; i < s.length; i++) {
      let v = s.charCodeAt(s.length - 1 - i) - 48
      if (i % 2 === 1) v = v * 2 > 9 ? v * 2 - 9 : v * 2
      sum += v
    }
    if (sum % 10 === 0) return s
  }
  throw new Error("unreachable")
}

/** A Luhn-valid canary PAN that is not a real card. */
const PAN = luhnDigit("453957876362148")

const joseEncrypt = async (
  plaintext: string | Uint8Array,
  jwk: jose.JWK,
  header: jose.CompactJWEHeaderParameters = { alg: "ECDH-ES+A256KW", enc: "A256GCM" }
): Promise<string> => {
  const key = await jose.importJWK(jwk, header.alg)
  return new jose.CompactEncrypt(typeof plaintext === "string" ? enc.encode(plaintext) : plaintext)
    .setProtectedHeader(header)
    .encrypt(key)
}

const failure = async <A>(effect: Effect.Effect<A, unknown>): Promise<{ _tag?: string; code?: string }> => {
  const exit = await Effect.runPromiseExit(effect)
  if (Exit.isSuccess(exit)) throw new Error("expected a failure")
  const err = exit.cause.reasons[0]
  if (err?._tag !== "Fail") throw new Error(`expected a typed failure, got ${err?._tag}`)
  return err.error as { _tag?: string; code?: string }
}

const expectCode = async <A>(effect: Effect.Effect<A, unknown>, code: string): Promise<void> => {
  const e = await failure(effect)
  expect(e._tag).toBe("TokenError")
  expect(e.code).toBe(code)
}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64url")
const unb64 = (s: string): Buffer => Buffer.from(s, "base64url")

/** Flips one bit of the decoded bytes of `part` (0 header … 4 tag) and re-encodes canonically. */
const flip = (compact: string, part: number, byte: number, bit: number): string => {
  const parts = compact.split(".")
  const bytes = unb64(parts[part]!)
  bytes[byte % bytes.length]! ^= 1 << bit
  parts[part] = b64(bytes)
  return parts.join(".")
}

/** Replaces the protected header (JSON) of a compact JWE. */
const withHeader = (compact: string, edit: (h: Record<string, unknown>) => Record<string, unknown>): string => {
  const parts = compact.split(".")
  const header = JSON.parse(dec.decode(unb64(parts[0]!))) as Record<string, unknown>
  parts[0] = b64(enc.encode(JSON.stringify(edit(header))))
  return parts.join(".")
}

const joseDecrypt = async (compact: string, key: KeyObject): Promise<Uint8Array | "rejected"> => {
  try {
    return (await jose.compactDecrypt(compact, key, { keyManagementAlgorithms: ["ECDH-ES+A256KW"], contentEncryptionAlgorithms: ["A256GCM"] }))
      .plaintext
  } catch {
    return "rejected"
  }
}

const oursDecrypt = async (compact: string, keys: ReadonlyArray<Jwe.DecryptionKey>): Promise<Uint8Array | "rejected"> => {
  const exit = await Effect.runPromiseExit(Jwe.decrypt(compact, keys))
  return Exit.isSuccess(exit) ? new Uint8Array(Redacted.value(exit.value)) : "rejected"
}

// --- fixtures --------------------------------------------------------------
let keyring: Keyring.Service
let jwk: Jwe.PublicJwk
let keys: ReadonlyArray<Jwe.DecryptionKey>

beforeAll(async () => {
  keyring = await Effect.runPromise(Keyring.make({ storage: KeyFile.memoryStorage() }))
  jwk = await Effect.runPromise(keyring.publicJwk("merchant-1"))
  keys = keyring.jweKeys("merchant-1")
})

describe("Jwe", () => {
  it("[JWE-ALGORITHMS] publishes a P-384 ECDH-ES+A256KW JWK whose kid is its RFC 7638 thumbprint", async () => {
    expect(Object.keys(jwk).sort()).toEqual(["alg", "crv", "kid", "kty", "use", "x", "y"])
    expect(jwk).toMatchObject({ kty: "EC", crv: "P-384", use: "enc", alg: "ECDH-ES+A256KW" })
    expect(jwk.kid).toBe(await jose.calculateJwkThumbprint({ kty: "EC", crv: jwk.crv, x: jwk.x, y: jwk.y }, "sha256"))
    expect(unb64(jwk.x)).toHaveLength(48)
    // The same key is returned until rotated.
    expect(await Effect.runPromise(keyring.publicJwk("merchant-1"))).toEqual(jwk)
  })

  it("[JWE-ALGORITHMS] decrypts a card-number / expiry pair made by jose with the published JWK, with and without kid", async () => {
    for (const header of [
      { alg: "ECDH-ES+A256KW", enc: "A256GCM" },
      { alg: "ECDH-ES+A256KW", enc: "A256GCM", kid: jwk.kid }
    ] as const) {
      const input = { encryptedCardNumber: await joseEncrypt(PAN, jwk, header), encryptedExpDate: await joseEncrypt("2503", jwk, header) }
      const card = await Effect.runPromise(keyring.decryptCard("merchant-1", input))
      expect(Pan.reveal(card.pan)).toBe(PAN)
      expect(card.expiry).toEqual({ month: 3, year: 2025 })
    }
  })

  it("[JWE-ALGORITHMS] round trip: every jose-encrypted PAN and YYMM decrypts to itself (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 11, max: 18 }).chain((n) => fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: n, maxLength: n })),
        fc.integer({ min: 0, max: 99 }),
        fc.integer({ min: 1, max: 12 }),
        fc.boolean(),
        async (body, yy, mm, withKid) => {
          const pan = luhnDigit(body)
          const header = withKid ? { alg: "ECDH-ES+A256KW", enc: "A256GCM", kid: jwk.kid } : { alg: "ECDH-ES+A256KW", enc: "A256GCM" }
          const yymm = String(yy).padStart(2, "0") + String(mm).padStart(2, "0")
          const card = await Effect.runPromise(
            Jwe.decryptCard({ encryptedCardNumber: await joseEncrypt(pan, jwk, header), encryptedExpDate: await joseEncrypt(yymm, jwk, header) }, keys)
          )
          expect(Pan.reveal(card.pan)).toBe(pan)
          expect(card.expiry).toEqual({ month: mm, year: 2000 + yy })
        }
      ),
      params(25)
    )
  })

  it("[JWE-ALGORITHMS] agrees with jose compactDecrypt on intact and bit-flipped JWEs (property)", async () => {
    const privateKey = keys[0]!.privateKey
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 40 }),
        fc.option(fc.record({ part: fc.integer({ min: 0, max: 4 }), byte: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }), { nil: undefined }),
        async (plaintext, tamper) => {
          const compact = await joseEncrypt(plaintext, jwk)
          const input = tamper === undefined ? compact : flip(compact, tamper.part, tamper.byte, tamper.bit)
          const [ours, theirs] = [await oursDecrypt(input, keys), await joseDecrypt(input, privateKey)]
          if (tamper === undefined) {
            expect(ours).toEqual(plaintext)
            expect(theirs).toEqual(plaintext)
          } else {
            expect(ours).toBe("rejected")
            expect(theirs).toBe("rejected")
          }
        }
      ),
      params(40)
    )
  })

  it("[JWE-ALGORITHMS] is never more lenient than jose: whatever we accept after a character edit, jose accepts with the same plaintext (property)", async () => {
    const privateKey = keys[0]!.privateKey
    const compact = await joseEncrypt(PAN, jwk)
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.="
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: compact.length - 1 }), fc.constantFrom(...alphabet), async (at, ch) => {
        const input = compact.slice(0, at) + ch + compact.slice(at + 1)
        const ours = await oursDecrypt(input, keys)
        if (ours !== "rejected") expect(await joseDecrypt(input, privateKey)).toEqual(ours)
      }),
      params(60)
    )
  })

  it("[JWE-ALGORITHMS] RFC 7520 §5.4 (ECDH-ES+A128KW / A128GCM on P-384) decrypts through the same internal path, and jose agrees", async () => {
    const key = {
      kty: "EC",
      crv: "P-384",
      x: "YU4rRUzdmVqmRtWOs2OpDE_T5fsNIodcG8G5FWPrTPMyxpzsSOGaQLpe2FpxBmu2",
      y: "A8-yxCHxkfBz3hKZfI1jUYMjUhsEveZ9THuwFjH2sCNdtksRJU7D5-SkgaFL1ETP",
      d: "iTx2pk7wW-GqJkHcEkFQb2EFyYcO7RugmaW3mRrQVAOUiPommT0IdnYK2xDlZh-j"
    }
    const compact =
      "eyJhbGciOiJFQ0RILUVTK0ExMjhLVyIsImtpZCI6InBlcmVncmluLnRvb2tAdHVja2Jvcm91Z2guZXhhbXBsZSIsImVwayI6eyJrdHkiOiJFQyIsImNydiI6IlAtMzg0IiwieCI6InVCbzRrSFB3Nmtiang1bDB4b3dyZF9vWXpCbWF6LUdLRlp1NHhBRkZrYllpV2d1dEVLNml1RURzUTZ3TmROZzMiLCJ5Ijoic3AzcDVTR2haVkMyZmFYdW1JLWU5SlUyTW84S3BvWXJGRHI1eVBOVnRXNFBnRXdaT3lRVEEtSmRhWTh0YjdFMCJ9LCJlbmMiOiJBMTI4R0NNIn0" +
      ".0DJjBXri_kBcC46IkU5_Jk9BqaQeHdv2.mH-G2zVqgztUtnW_" +
      ".tkZuOO9h95OgHJmkkrfLBisku8rGf6nzVxhRM3sVOhXgz5NJ76oID7lpnAi_cPWJRCjSpAaUZ5dOR3Spy7QuEkmKx8-3RCMhSYMzsXaEwDdXta9Mn5B7cCBoJKB0IgEnj_qfo1hIi-uEkUpOZ8aLTZGHfpl05jMwbKkTe2yK3mjF6SBAsgicQDVCkcY9BLluzx1RmC3ORXaM0JaHPB93YcdSDGgpgBWMVrNU1ErkjcMqMoT_wtCex3w03XdLkjXIuEr2hWgeP-nkUZTPU9EoGSPj6fAS-bSz87RCPrxZdj_iVyC6QWcqAu07WNhjzJEPc4jVntRJ6K53NgPQ5p99l3Z408OUqj4ioYezbS6vTPlQ" +
      ".WuGzxmcreYjpHGJoa17EBg"
    const expected =
      "You can trust us to stick with you through thick and thin\u2013to the bitter end. And you can trust us to keep any secret of yours\u2013closer than you keep it yourself. But you cannot trust us to let you face trouble alone, and go off without a word. We are your friends, Frodo."
    const privateKey = createPrivateKey({ key, format: "jwk" })
    const out = internal.decrypt(compact, [{ kid: "peregrin.took@tuckborough.example", privateKey }], {
      alg: "ECDH-ES+A128KW",
      enc: "A128GCM",
      crv: "P-384"
    })
    expect(out.ok && dec.decode(out.value)).toBe(expected)
    expect(dec.decode((await jose.compactDecrypt(compact, privateKey)).plaintext)).toBe(expected)
    // The public API accepts only the AlliancePay profile.
    await expectCode(Jwe.decrypt(compact, [{ kid: "peregrin.took@tuckborough.example", privateKey }]), "JWE_UNSUPPORTED_ALGORITHM")
  })

  it("[JWE-ALGORITHMS] RFC 7518 Appendix C: ECDH Z and Concat KDF give the published derived key", () => {
    const alice = { kty: "EC", crv: "P-256", x: "gI0GAILBdu7T53akrFmMyGcsF3n5dO7MmwNBHKW5SV0", y: "SLW_xSffzlPWrHEVI30DHM_4egVwt3NQqeUD7nMFpps", d: "0_NxaRPUMQoAJt50Gz8YiTr8gRTwyEaCumd-MToTmIo" }
    const bob = { kty: "EC", crv: "P-256", x: "weNJy2HscCSM6AEDTDg04biOvhFhyyWvOHQfeF_PxMQ", y: "e8lnCO-AlStT-NJVX-crhB7QRYhiix03illJOVAOyck", d: "VEmDZpDXXK8p8N0Cndsxs924q6nS1RXFASRl6BfUqdw" }
    const z = diffieHellman({
      privateKey: createPrivateKey({ key: bob, format: "jwk" }),
      publicKey: createPublicKey({ key: { kty: alice.kty, crv: alice.crv, x: alice.x, y: alice.y }, format: "jwk" })
    })
    expect([...z]).toEqual([
      158, 86, 217, 29, 129, 113, 53, 211, 114, 131, 66, 131, 191, 132, 38, 156, 251, 49, 110, 163, 218, 128, 106, 72, 246, 218, 167, 121, 140, 254, 144, 196
    ])
    const derived = internal.concatKdf(z, "A128GCM", enc.encode("Alice"), enc.encode("Bob"), 128)
    expect(derived.toString("base64url")).toBe("VqqN6vgjbSBcIijNcacQGg")
  })

  it("[JWE-ALGORITHMS] the AlliancePay documentation's sample JWEs parse as the accepted profile and fail only on the key", async () => {
    const card =
      "eyJhbGciOiJFQ0RILUVTK0EyNTZLVyIsImVuYyI6IkEyNTZHQ00iLCJlcGsiOnsia3R5IjoiRUMiLCJ4IjoidE1sRVIyWGNHWGpxUTg2dEpRTEgyeHRyQ2NvVzdLUXJnVVZRNVJtQmNSaEZycmhnZnlxVW5sLTF2WVh0cjZIeiIsInkiOiJ3T0xyV3R5RzBqYlA4OWlUaVl1UkF2Si1valNoZE0yVWUycnVlYkhqUmlIMEt5clJELVBfdGFZV0ZxX3dGemRvIiwiY3J2IjoiUC0zODQifX0.ZAIlVIU6nh2Nt5yAx1QVolk82fEb-Gyw8X6DZxmhCbq-E1Kvz83jYQ.HGw9tqjLb8HtdmeF.nCXcOe4S9KcX-k4MKHNpXw.bDUYIFzik3HfHBrYYz-Wdw"
    const exp =
      "eyJhbGciOiJFQ0RILUVTK0EyNTZLVyIsImVuYyI6IkEyNTZHQ00iLCJlcGsiOnsia3R5IjoiRUMiLCJ4IjoibHZxMTdaWnBVWTNsX1JlcFpFU0lRUnlOeWlpS09xU0tfRUF5aHdvNGk4c0QwaVF4ZnE3ZTQxM1VjRFJMbjJQZyIsInkiOiIwVXJkcjJialhOTS16SUxiOTg1bGNZYjJrcUJReGNBMkZSNzdhWXhVVU1qUHFNR0Z6SlBxUDhpT2hGaU9pZHNiIiwiY3J2IjoiUC0zODQifX0.L35f-ycKXciH_WM2Zh-iOzMqsjL9pTz6OBPu8BVkqj9kp8Ck-faNjg.Q5CGl2neg0laf4TP.TZ_giQ.w7e9zx6LTbA_e607veBRHA"
    // We do not hold AlliancePay's test private key: the header, epk point and
    // sizes pass every check, and AES-KW fails under our key.
    await expectCode(Jwe.decrypt(card, keys), "JWE_DECRYPTION_FAILED")
    await expectCode(Jwe.decrypt(exp, keys), "JWE_DECRYPTION_FAILED")
  })

  describe("refuses every malformed input with its own code", () => {
    it("[JWE-ALGORITHMS] JWE_MALFORMED: not a string, not five parts, bad base64url, header not a JSON object, bad IV or tag size", async () => {
      const good = await joseEncrypt(PAN, jwk)
      const parts = good.split(".")
      const cases: Array<unknown> = [
        undefined,
        42,
        "",
        "a.b.c",
        parts.slice(0, 4).join("."),
        [...parts, "x"].join("."),
        good.replace(".", ".!"),
        good + "=",
        [b64(enc.encode("not json")), ...parts.slice(1)].join("."),
        [b64(enc.encode("[1,2]")), ...parts.slice(1)].join("."),
        [parts[0], parts[1], b64(new Uint8Array(16)), parts[3], parts[4]].join("."),
        [parts[0], parts[1], parts[2], parts[3], b64(new Uint8Array(12))].join("."),
        "x".repeat(20_000),
        withHeader(good, (h) => ({ ...h, kid: 7 })),
        withHeader(good, (h) => ({ ...h, apu: "not base64url!" }))
      ]
      for (const c of cases) await expectCode(Jwe.decrypt(c, keys), "JWE_MALFORMED")
    })

    it("[JWE-ALGORITHMS] JWE_UNSUPPORTED_ALGORITHM: wrong alg, wrong enc, P-256 epk, zip, crit", async () => {
      await expectCode(Jwe.decrypt(await joseEncrypt(PAN, jwk, { alg: "ECDH-ES+A128KW", enc: "A256GCM" }), keys), "JWE_UNSUPPORTED_ALGORITHM")
      await expectCode(Jwe.decrypt(await joseEncrypt(PAN, jwk, { alg: "ECDH-ES", enc: "A256GCM" }), keys), "JWE_UNSUPPORTED_ALGORITHM")
      await expectCode(Jwe.decrypt(await joseEncrypt(PAN, jwk, { alg: "ECDH-ES+A256KW", enc: "A128GCM" }), keys), "JWE_UNSUPPORTED_ALGORITHM")
      await expectCode(Jwe.decrypt(await joseEncrypt(PAN, jwk, { alg: "ECDH-ES+A256KW", enc: "A256CBC-HS512" }), keys), "JWE_UNSUPPORTED_ALGORITHM")
      const p256 = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ format: "jwk" }) as jose.JWK
      await expectCode(Jwe.decrypt(await joseEncrypt(PAN, p256), keys), "JWE_UNSUPPORTED_ALGORITHM")
      const good = await joseEncrypt(PAN, jwk)
      await expectCode(Jwe.decrypt(withHeader(good, (h) => ({ ...h, zip: "DEF" })), keys), "JWE_UNSUPPORTED_ALGORITHM")
      await expectCode(Jwe.decrypt(withHeader(good, (h) => ({ ...h, crit: ["exp"], exp: 1 })), keys), "JWE_UNSUPPORTED_ALGORITHM")
      await expectCode(Jwe.decrypt(withHeader(good, (h) => ({ ...h, epk: { ...(h["epk"] as object), kty: "OKP" } })), keys), "JWE_UNSUPPORTED_ALGORITHM")
      await expectCode(Jwe.decrypt(withHeader(good, ({ epk: _, ...h }) => h), keys), "JWE_UNSUPPORTED_ALGORITHM")
    })

    it("[JWE-ALGORITHMS] JWE_UNKNOWN_KEY: a kid the merchant does not hold, or a merchant without keys", async () => {
      await expectCode(Jwe.decrypt(await joseEncrypt(PAN, jwk, { alg: "ECDH-ES+A256KW", enc: "A256GCM", kid: "not-ours" }), keys), "JWE_UNKNOWN_KEY")
      await expectCode(keyring.decryptCard("merchant-without-keys", { encryptedCardNumber: await joseEncrypt(PAN, jwk), encryptedExpDate: "x" }), "JWE_UNKNOWN_KEY")
    })

    it("[JWE-ALGORITHMS] JWE_INVALID_KEY: off-curve (invalid-curve) epk points, wrong coordinate sizes, coordinates ≥ p, a private epk", async () => {
      const good = await joseEncrypt(PAN, jwk)
      const epkOf = (c: string) => JSON.parse(dec.decode(unb64(c.split(".")[0]!)))["epk"] as Record<string, string>
      const epk = epkOf(good)
      const y = unb64(epk["y"]!)
      y[47]! ^= 1
      const offCurve = withHeader(good, (h) => ({ ...h, epk: { ...epk, y: b64(y) } }))
      await expectCode(Jwe.decrypt(offCurve, keys), "JWE_INVALID_KEY")
      expect(await joseDecrypt(offCurve, keys[0]!.privateKey)).toBe("rejected")
      // The x of our own key with y = x: not on the curve.
      await expectCode(Jwe.decrypt(withHeader(good, (h) => ({ ...h, epk: { ...epk, y: epk["x"] } })), keys), "JWE_INVALID_KEY")
      // (0, 0) and (p-1, p-1): valid sizes, not on the curve.
      const zero = b64(new Uint8Array(48))
      await expectCode(Jwe.decrypt(withHeader(good, (h) => ({ ...h, epk: { ...epk, x: zero, y: zero } })), keys), "JWE_INVALID_KEY")
      const ff = b64(new Uint8Array(48).fill(0xff))
      await expectCode(Jwe.decrypt(withHeader(good, (h) => ({ ...h, epk: { ...epk, x: ff } })), keys), "JWE_INVALID_KEY")
      await expectCode(Jwe.decrypt(withHeader(good, (h) => ({ ...h, epk: { ...epk, x: epk["x"]!.slice(0, 43) } })), keys), "JWE_INVALID_KEY")
      await expectCode(Jwe.decrypt(withHeader(good, (h) => ({ ...h, epk: { ...epk, y: undefined } })), keys), "JWE_INVALID_KEY")
      await expectCode(Jwe.decrypt(withHeader(good, (h) => ({ ...h, epk: { ...epk, d: epk["x"] } })), keys), "JWE_INVALID_KEY")
    })

    it("[JWE-ALGORITHMS] JWE_DECRYPTION_FAILED: tampered tag, ciphertext, IV, header or encrypted key, wrong key — and jose rejects them too", async () => {
      const good = await joseEncrypt(PAN, jwk)
      const privateKey = keys[0]!.privateKey
      const tampered = [
        flip(good, 4, 0, 0), // tag
        flip(good, 4, 15, 7),
        flip(good, 3, 0, 3), // ciphertext
        flip(good, 2, 5, 1), // IV
        flip(good, 1, 0, 0), // encrypted key
        flip(good, 1, 39, 6),
        withHeader(good, (h) => ({ ...h, "x-extra": 1 })), // header (the AAD)
        withHeader(good, (h) => ({ ...h, apu: "QWxpY2U" })),
        good.split(".").slice(0, 1).concat(unb64(good.split(".")[1]!).subarray(0, 32).toString("base64url"), good.split(".").slice(2)).join(".")
      ]
      for (const t of tampered) {
        await expectCode(Jwe.decrypt(t, keys), "JWE_DECRYPTION_FAILED")
        expect(await joseDecrypt(t, privateKey)).toBe("rejected")
      }
      const stranger = Jwe.generateKeyPair()
      await expectCode(Jwe.decrypt(good, [stranger]), "JWE_DECRYPTION_FAILED")
    })

    it("[JWE-ALGORITHMS] JWE_INVALID_PLAINTEXT: a card JWE without a 12–19 digit (Luhn per policy) PAN, an expiry JWE without YYMM", async () => {
      for (const p of ["hello", "4111-1111-1111-1111", "41111111111", "41111111111111111111", "٤١١١١١١١١١١١١١١١", "", PAN.slice(0, -1) + ((Number(PAN.slice(-1)) + 1) % 10)]) {
        await expectCode(Jwe.decryptPan(await joseEncrypt(p, jwk), keys), "JWE_INVALID_PLAINTEXT")
      }
      // Luhn per merchant policy: `report` accepts the seed's non-Luhn example.
      const seedPan = "5573670000000304"
      const lenient = await Effect.runPromise(Jwe.decryptPan(await joseEncrypt(seedPan, jwk), keys, { luhn: "report" }))
      expect(Pan.reveal(lenient)).toBe(seedPan)
      for (const e of ["2513", "2500", "25/03", "0325x", "253", "", "abcd"]) {
        await expectCode(Jwe.decryptExpiry(await joseEncrypt(e, jwk), keys), "JWE_INVALID_PLAINTEXT")
      }
      expect(await Effect.runPromise(Jwe.decryptExpiry(await joseEncrypt("3012", jwk), keys))).toEqual({ month: 12, year: 2030 })
    })
  })

  it("[JWE-ALGORITHMS] merchant key rotation: JWEs to the previous key still decrypt (by kid or by trial); a destroyed key no longer does", async () => {
    const kr = await Effect.runPromise(Keyring.make({ storage: KeyFile.memoryStorage() }))
    const first = await Effect.runPromise(kr.publicJwk("m"))
    const second = await Effect.runPromise(kr.rotateJweKey("m"))
    expect(second.kid).not.toBe(first.kid)
    expect(await Effect.runPromise(kr.publicJwk("m"))).toEqual(second)
    const toFirst = await joseEncrypt(PAN, first)
    const toFirstKid = await joseEncrypt(PAN, first, { alg: "ECDH-ES+A256KW", enc: "A256GCM", kid: first.kid })
    for (const c of [toFirst, toFirstKid]) expect(Pan.reveal(await Effect.runPromise(Jwe.decryptPan(c, kr.jweKeys("m"))))).toBe(PAN)
    await Effect.runPromise(kr.destroyJweKey("m", first.kid))
    await expectCode(Jwe.decrypt(toFirst, kr.jweKeys("m")), "JWE_DECRYPTION_FAILED")
    await expectCode(Jwe.decrypt(toFirstKid, kr.jweKeys("m")), "JWE_UNKNOWN_KEY")
  })

  it("[NO-PAN-LEAK] neither results nor errors print the plaintext or key material", async () => {
    const card = await Effect.runPromise(
      Jwe.decryptCard({ encryptedCardNumber: await joseEncrypt(PAN, jwk), encryptedExpDate: await joseEncrypt("2503", jwk) }, keys)
    )
    const d = keys[0]!.privateKey.export({ format: "jwk" }).d!
    const printed = [JSON.stringify(card), inspect(card, { depth: 10 }), String(card.pan), inspect(keys, { depth: 10 }), JSON.stringify(keys)]
    const bad = await failure(Jwe.decryptPan(await joseEncrypt(PAN.slice(0, -1) + "x", jwk), keys))
    printed.push(JSON.stringify(bad), inspect(bad, { depth: 10 }), String((bad as { message?: string }).message))
    for (const text of printed) {
      expect(text).not.toContain(PAN)
      expect(text).not.toContain(PAN.slice(0, -1))
      expect(text).not.toContain(d)
    }
  })
})
