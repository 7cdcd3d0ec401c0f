/**
 * The node:crypto adapter of the crypto port: AES-256-GCM bound to its
 * associated data and key version, HMAC-SHA256 fingerprints under their own
 * key, and errors that are no oracle.
 */
import { createHash, createHmac } from "node:crypto"
import { inspect } from "node:util"
import { Effect, Redacted } from "effect"
import { describe, expect, it } from "vitest"
import * as CardCrypto from "../src/CardCrypto.ts"
import * as NodeCardCrypto from "../src/NodeCardCrypto.ts"
import * as Plaintext from "../src/Plaintext.ts"
import { fc, fcParams, KEYS, keyHexes, OTHER_KEYS, PAN_A } from "./helpers.ts"

const crypto = NodeCardCrypto.make(KEYS)
const aad = CardCrypto.associatedData("tok_1234567890abcdefghij", "merchant-1")

const seal = (plaintext: string, a = aad, c = crypto) => Effect.runPromise(c.seal(Plaintext.make(plaintext), a))
const open = (sealed: { keyVersion: number; ciphertext: string }, a = aad, c = crypto) =>
  Effect.runPromise(Effect.result(c.open(sealed, a)))

const expectReason = async (
  sealed: { keyVersion: number; ciphertext: string },
  reason: "DecryptionFailed" | "KeyUnavailable",
  a = aad,
  c = crypto
) => {
  const r = await open(sealed, a, c)
  if (r._tag === "Success") throw new Error("expected a failure, the ciphertext opened")
  // The synchronous open fails on the same inputs, with nothing to tell why.
  expect(c.openUnsafe!(sealed, a)).toBeUndefined()
  expect(r.failure._tag).toBe("CardCryptoError")
  expect(r.failure.reason._tag).toBe(reason)
  return r.failure
}

const flipBit = (ciphertext: string, bit: number): string => {
  const bytes = Buffer.from(ciphertext, "base64url")
  bytes[bit >> 3] = bytes[bit >> 3]! ^ (1 << (bit & 7))
  return bytes.toString("base64url")
}

describe("NodeCardCrypto", () => {
  it("[AEAD-BOUND] seal then open (and openUnsafe) gives the plaintext back; the layout is nonce ‖ ciphertext ‖ tag in base64url", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "grapheme", maxLength: 64 }), fc.string({ maxLength: 40 }), async (plaintext, a) => {
        const sealed = await seal(plaintext, a)
        expect(sealed.keyVersion).toBe(1)
        expect(sealed.ciphertext).toMatch(/^[A-Za-z0-9_-]*$/)
        expect(Buffer.from(sealed.ciphertext, "base64url").length).toBe(12 + Buffer.byteLength(plaintext, "utf8") + 16)
        const r = await open(sealed, a)
        expect(r._tag).toBe("Success")
        if (r._tag === "Success") expect(Plaintext.reveal(r.success)).toBe(plaintext)
        expect(Plaintext.reveal(crypto.openUnsafe!(sealed, a)!)).toBe(plaintext)
        // The synchronous seal: the same layout, a fresh nonce, and it opens the same way.
        const twin = crypto.sealUnsafe!(Plaintext.make(plaintext), a)!
        expect(twin.keyVersion).toBe(1)
        expect(Buffer.from(twin.ciphertext, "base64url").length).toBe(12 + Buffer.byteLength(plaintext, "utf8") + 16)
        expect(twin.ciphertext.slice(0, 16)).not.toBe(sealed.ciphertext.slice(0, 16))
        const reopened = await open(twin, a)
        expect(reopened._tag === "Success" && Plaintext.reveal(reopened.success)).toBe(plaintext)
      }),
      fcParams(200)
    )
    expect(crypto.capabilities).toMatchObject({ aead: "AES-256-GCM", fingerprint: "HMAC-SHA256", keyVersions: false })
  })

  it("[AEAD-BOUND] flipping any single bit of the sealed bytes gives DecryptionFailed (every bit of one ciphertext)", async () => {
    const sealed = await seal(`C:${PAN_A}`)
    const bits = Buffer.from(sealed.ciphertext, "base64url").length * 8
    for (let bit = 0; bit < bits; bit++) {
      await expectReason({ ...sealed, ciphertext: flipBit(sealed.ciphertext, bit) }, "DecryptionFailed")
    }
  })

  it("[AEAD-BOUND] tampering anywhere (random plaintexts, random bits, truncation, extension) gives DecryptionFailed", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 48 }), fc.nat(), fc.nat({ max: 40 }), async (plaintext, bitSeed, cut) => {
        const sealed = await seal(plaintext)
        const bytes = Buffer.from(sealed.ciphertext, "base64url")
        await expectReason({ ...sealed, ciphertext: flipBit(sealed.ciphertext, bitSeed % (bytes.length * 8)) }, "DecryptionFailed")
        await expectReason({ ...sealed, ciphertext: bytes.subarray(0, Math.max(0, bytes.length - 1 - cut)).toString("base64url") }, "DecryptionFailed")
        await expectReason({ ...sealed, ciphertext: Buffer.concat([bytes, Buffer.from([0])]).toString("base64url") }, "DecryptionFailed")
      }),
      fcParams(150)
    )
    for (const garbage of ["", "AAAA", "!!!!", "x".repeat(40), Buffer.alloc(28).toString("base64url")]) {
      await expectReason({ keyVersion: 1, ciphertext: garbage }, "DecryptionFailed")
    }
  })

  it("[AEAD-BOUND] a ciphertext moved to another token, owner or any other associated data gives DecryptionFailed", async () => {
    const sealed = await seal(`C:${PAN_A}`, CardCrypto.associatedData("tokenA", "m1"))
    await expectReason(sealed, "DecryptionFailed", CardCrypto.associatedData("tokenB", "m1"))
    await expectReason(sealed, "DecryptionFailed", CardCrypto.associatedData("tokenA", "m2"))
    await expectReason(sealed, "DecryptionFailed", CardCrypto.associatedData("tokenA", "m1") + " ")
    await expectReason(sealed, "DecryptionFailed", "")
    expect((await open(sealed, CardCrypto.associatedData("tokenA", "m1")))._tag).toBe("Success")
    // The separator keeps (token, owner) pairs from running into each other.
    expect(CardCrypto.associatedData("ab", "c")).not.toBe(CardCrypto.associatedData("a", "bc"))
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.string(), async (a1, a2) => {
        fc.pre(a1 !== a2)
        await expectReason(await seal("secret", a1), "DecryptionFailed", a2)
      }),
      fcParams(100)
    )
  })

  it("[AEAD-BOUND] the key version is bound: another version is KeyUnavailable, a relabelled one fails to open", async () => {
    const sealed = await seal("C:4111")
    const e = await expectReason({ ...sealed, keyVersion: 2 }, "KeyUnavailable")
    expect(e.reason).toMatchObject({ _tag: "KeyUnavailable", keyVersion: 2 })
    // Same key bytes, labelled version 2: a v1 ciphertext relabelled as v2 does not open (the version is in the AAD).
    const v2 = NodeCardCrypto.make({ ...KEYS, keyVersion: 2 })
    const sealedV2 = await Effect.runPromise(v2.seal(Plaintext.make("C:4111"), aad))
    expect(sealedV2.keyVersion).toBe(2)
    await expectReason({ ...sealed, keyVersion: 2 }, "DecryptionFailed", aad, v2)
    await expectReason({ ...sealedV2, keyVersion: 1 }, "DecryptionFailed")
  })

  it("[AEAD-BOUND][NO-PAN-LEAK] another data key cannot open; every failure looks the same and carries no detail", async () => {
    const other = NodeCardCrypto.make(OTHER_KEYS)
    const sealed = await seal(`C:${PAN_A}`)
    const wrongKey = await expectReason(sealed, "DecryptionFailed", aad, other)
    const wrongAad = await expectReason(sealed, "DecryptionFailed", "other")
    const tampered = await expectReason({ ...sealed, ciphertext: flipBit(sealed.ciphertext, 100) }, "DecryptionFailed")
    const truncated = await expectReason({ ...sealed, ciphertext: "AAAA" }, "DecryptionFailed")
    const shapes = [wrongKey, wrongAad, tampered, truncated].map((e) => JSON.stringify(e))
    expect(new Set(shapes).size).toBe(1)
    for (const e of [wrongKey, wrongAad, tampered, truncated]) {
      const text = JSON.stringify(e) + String(e) + inspect(e, { depth: Infinity }) + (e.stack ?? "")
      expect(text).not.toContain(PAN_A)
      expect(text).not.toContain(sealed.ciphertext)
      for (const k of keyHexes) expect(text).not.toContain(k)
    }
  })

  it("[FINGERPRINT-KEYED] the fingerprint is HMAC-SHA256 under the fingerprint key: deterministic, key-dependent, never a plain hash", async () => {
    const fp = (value: string, c = crypto) => Effect.runPromise(c.fingerprint(Plaintext.make(value)))
    const expected = createHmac("sha256", Redacted.value(KEYS.fingerprintKey)).update(`C:${PAN_A}`).digest("base64url")
    expect(await fp(`C:${PAN_A}`)).toBe(expected)
    expect(crypto.fingerprintUnsafe!(Plaintext.make(`C:${PAN_A}`))).toBe(expected)
    expect(await fp(`C:${PAN_A}`)).toBe(await fp(`C:${PAN_A}`))
    // Only the fingerprint key matters; another fingerprint key changes it.
    expect(await fp(`C:${PAN_A}`, NodeCardCrypto.make({ ...OTHER_KEYS, fingerprintKey: KEYS.fingerprintKey }))).toBe(expected)
    expect(await fp(`C:${PAN_A}`, NodeCardCrypto.make(OTHER_KEYS))).not.toBe(expected)
    // Not keyed with the data key either.
    expect(expected).not.toBe(createHmac("sha256", Redacted.value(KEYS.dataKey)).update(`C:${PAN_A}`).digest("base64url"))
    for (const v of [PAN_A, `C:${PAN_A}`]) {
      for (const enc of ["hex", "base64", "base64url"] as const) expect(await fp(`C:${PAN_A}`)).not.toBe(createHash("sha256").update(v).digest(enc))
    }
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.string(), async (a, b) => {
        fc.pre(a !== b)
        expect(await fp(a)).not.toBe(await fp(b))
        expect(await fp(a)).toMatch(/^[A-Za-z0-9_-]{43}$/)
      }),
      fcParams(100)
    )
  })

  it("[AEAD-BOUND] 10^4 seals of one plaintext: no nonce is ever reused, no two ciphertexts are equal", async () => {
    const nonces = new Set<string>()
    const ciphertexts = new Set<string>()
    const program = Effect.forEach(Array.from({ length: 10_000 }), () => crypto.seal(Plaintext.make(`C:${PAN_A}`), aad))
    for (const sealed of await Effect.runPromise(program)) {
      const bytes = Buffer.from(sealed.ciphertext, "base64url")
      nonces.add(bytes.subarray(0, 12).toString("hex"))
      ciphertexts.add(sealed.ciphertext)
    }
    expect(nonces.size).toBe(10_000)
    expect(ciphertexts.size).toBe(10_000)
  })

  it("[NO-PAN-LEAK] keys are 32 bytes and never show: not in the adapter, its JSON or its inspection", () => {
    for (const n of [0, 16, 31, 33, 64]) {
      expect(() => NodeCardCrypto.make({ ...KEYS, dataKey: Redacted.make(new Uint8Array(n)) })).toThrow(RangeError)
      expect(() => NodeCardCrypto.make({ ...KEYS, fingerprintKey: Redacted.make(new Uint8Array(n)) })).toThrow(RangeError)
    }
    const texts = [JSON.stringify(crypto), String(crypto), inspect(crypto, { depth: Infinity, showHidden: true })]
    for (const text of texts) for (const k of keyHexes) expect(text).not.toContain(k)
    expect(inspect(KEYS, { depth: Infinity })).not.toContain(keyHexes[0]!)
  })
})
