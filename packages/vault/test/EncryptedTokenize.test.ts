/**
 * AlliancePay's encrypted token creation (seed 003), through the Effect API
 * (`EncryptedTokenize.create` over `Vault.layer` and the `CardIntake` port)
 * and the Promise facade (`createVault({ intake })`): JWEs are made by `jose`
 * with a fresh merchant key from the keyring. Every refusal keeps its own
 * code and changes nothing (store, key file, keyring status); the merchant is
 * checked before any decryption; retries are idempotent.
 */
import { generateKeyPairSync } from "node:crypto"
import type { TokenError } from "@tokenvault/core"
import { Effect, Layer, ManagedRuntime, Result } from "effect"
import * as TestClock from "effect/testing/TestClock"
import * as jose from "jose"
import { afterEach, describe, expect, it } from "vitest"
import * as CardCrypto from "../src/CardCrypto.ts"
import * as CardIntake from "../src/CardIntake.ts"
import * as EncryptedTokenize from "../src/EncryptedTokenize.ts"
import type * as Jwe from "../src/Jwe.ts"
import * as KeyFile from "../src/KeyFile.ts"
import * as Keyring from "../src/Keyring.ts"
import * as MemoryTokenStore from "../src/MemoryTokenStore.ts"
import * as NodeSecureRandom from "../src/NodeSecureRandom.ts"
import { createVault } from "../src/PromiseVault.ts"
import * as TokenStore from "../src/TokenStore.ts"
import * as Vault from "../src/Vault.ts"
import {
  expectCode,
  expectNoLeak,
  fc,
  fcParams,
  makeTracker,
  PAN_A,
  PAN_B,
  PAN_C,
  PAN_LUHN_BAD,
  refMask,
  T0,
  withCheckDigit
} from "./helpers.ts"

// ---------------------------------------------------------------------------
// JWEs made by jose
// ---------------------------------------------------------------------------

const PROFILE = { alg: "ECDH-ES+A256KW", enc: "A256GCM" } as const

/** A compact JWE of `plaintext` to `jwk`, made by jose. */
const seal = async (plaintext: string, jwk: jose.JWK, header: jose.CompactJWEHeaderParameters = PROFILE) =>
  new jose.CompactEncrypt(new TextEncoder().encode(plaintext)).setProtectedHeader(header).encrypt(
    await jose.importJWK(jwk, header.alg)
  )

/** Replaces part `i` of a compact JWE (0 header … 4 tag) by `edit` of its decoded bytes. */
const editPart = (compact: string, i: number, edit: (bytes: Buffer) => Buffer): string =>
  compact.split(".").map((p, j) => (j === i ? edit(Buffer.from(p, "base64url")).toString("base64url") : p)).join(".")

const flipFirstBit = (bytes: Buffer): Buffer => Buffer.from(bytes.map((b, j) => (j === 0 ? b ^ 1 : b)))

/** Rewrites the protected header's JSON. */
const editHeader = (compact: string, edit: (h: Record<string, any>) => Record<string, unknown>): string =>
  editPart(compact, 0, (b) => Buffer.from(JSON.stringify(edit(JSON.parse(b.toString("utf8"))))))

/** The ephemeral key with its `y` changed: a point off the curve (invalid-curve attack). */
const offCurve = (compact: string): string =>
  editHeader(compact, (h) => ({ ...h, epk: { ...h["epk"], y: flipFirstBit(Buffer.from(h["epk"].y, "base64url")).toString("base64url") } }))

// ---------------------------------------------------------------------------
// Harnesses: the Effect API and the Promise facade over the same parts
// ---------------------------------------------------------------------------

interface Harness {
  readonly create: (request: EncryptedTokenize.CreateRequest) => Promise<EncryptedTokenize.CreateResponse>
  readonly publicJwk: (merchantId: string) => Promise<Jwe.PublicJwk>
  readonly vault: {
    readonly addMerchant: (request: Vault.AddMerchantRequest) => Promise<unknown>
    readonly getToken: (merchantId: string, token: string) => Promise<Vault.TokenView>
  }
  /** How many times the card intake was asked to decrypt. */
  readonly decrypts: () => number
  /** Everything a refused request must leave untouched: stored records, key file, keyring status. */
  readonly state: () => Promise<string>
  /** The stored records only. */
  readonly stored: () => Promise<string>
  /** Every response and error seen, for the leak checks. */
  readonly seen: Array<unknown>
  readonly close: () => Promise<void>
}

const parts = async () => {
  const storage = KeyFile.memoryStorage()
  const keyring = await Effect.runPromise(Keyring.make({ storage }))
  const tracker = makeTracker()
  const store = tracker.wrap(MemoryTokenStore.make())
  let decrypts = 0
  const inner = Keyring.cardIntake(keyring)
  const intake: CardIntake.Service = {
    ...inner,
    decryptCard: (...args) => Effect.suspend(() => (decrypts++, inner.decryptCard(...args)))
  }
  const stored = async () => JSON.stringify([await tracker.records(), [...tracker.tokens]])
  const state = async () => JSON.stringify([await stored(), storage.read(), keyring.status()])
  return { keyring, store, intake, decrypts: () => decrypts, state, stored }
}

const recorded = <A extends ReadonlyArray<unknown>, B>(seen: Array<unknown>, f: (...a: A) => Promise<B>) => (...a: A): Promise<B> =>
  f(...a).then((out) => (seen.push(out), out), (e) => {
    seen.push(e)
    throw e
  })

const effectHarness = async (): Promise<Harness> => {
  const p = await parts()
  const ports = Layer.mergeAll(
    Layer.succeed(TokenStore.TokenStore, p.store),
    Layer.succeed(CardCrypto.CardCrypto, p.keyring),
    Layer.succeed(CardIntake.CardIntake, p.intake),
    NodeSecureRandom.layer
  )
  const runtime = ManagedRuntime.make(Layer.mergeAll(Vault.layer.pipe(Layer.provideMerge(ports)), TestClock.layer()))
  await runtime.runPromise(TestClock.setTime(T0))
  const run = <A, R>(effect: Effect.Effect<A, unknown, R>): Promise<A> =>
    runtime.runPromise(Effect.result(effect as Effect.Effect<A, unknown, never>)).then((r) => {
      if (Result.isSuccess(r)) return r.success
      throw r.failure
    })
  const seen: Array<unknown> = []
  return {
    create: recorded(seen, (r: EncryptedTokenize.CreateRequest) => run(EncryptedTokenize.create(r))),
    publicJwk: recorded(seen, (m: string) => run(EncryptedTokenize.publicJwk(m))),
    vault: {
      addMerchant: (r) => run(Effect.flatMap(Effect.service(Vault.Vault), (v) => v.addMerchant(r))),
      getToken: (m, t) => run(Effect.flatMap(Effect.service(Vault.Vault), (v) => v.getToken(m, t)))
    },
    decrypts: p.decrypts,
    state: p.state,
    stored: p.stored,
    seen,
    close: () => runtime.dispose()
  }
}

const promiseHarness = async (): Promise<Harness> => {
  const p = await parts()
  const vault = await createVault({ store: p.store, crypto: p.keyring, intake: p.intake, now: () => T0 })
  const seen: Array<unknown> = []
  return {
    create: recorded(seen, vault.tokenizeEncrypted),
    publicJwk: recorded(seen, vault.publicJwk),
    vault,
    decrypts: p.decrypts,
    state: p.state,
    stored: p.stored,
    seen,
    close: vault.close
  }
}

// ---------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------

/** The seed's `date` format. */
const DATE = "2025-01-15 12:00:05.00+00:00"

describe.each([
  ["Effect API", effectHarness],
  ["Promise facade", promiseHarness]
] as const)("AlliancePay token creation through the %s", (_api, makeHarness) => {
  let h: Harness
  let jwk: Jwe.PublicJwk
  let requests = 0

  const setup = async () => {
    h = await makeHarness()
    await h.vault.addMerchant({ merchantId: "m-ap" })
    await h.vault.addMerchant({ merchantId: "m-other" })
    await h.vault.addMerchant({ merchantId: "m-off", tokenization: false })
    await h.vault.addMerchant({ merchantId: "m-test", luhn: "report" })
    jwk = await h.publicJwk("m-ap")
  }

  /** A request for `pan` / `yymm` encrypted to `to` (default: m-ap's key), with a fresh merchantRequestId. */
  const request = async (pan: string, yymm: string, overrides: Partial<EncryptedTokenize.CreateRequest> = {}, to: jose.JWK = jwk) => ({
    merchantRequestId: `req-${++requests}`,
    merchantId: "m-ap",
    customerId: "14534543",
    encryptedCardNumber: await seal(pan, to),
    encryptedExpDate: await seal(yymm, to),
    date: DATE,
    ...overrides
  })

  afterEach(async () => {
    h.seen.forEach((u, i) => expectNoLeak(u, `response/error #${i}`))
    await h.close()
  })

  it("[JWE-ALGORITHMS] [MASK-BIN6-LAST4] [FORMAT-OPAQUE] a jose-encrypted card gives exactly the seed's response", async () => {
    await setup()
    const out = await h.create(await request(PAN_B, "2503"))
    expect(Object.keys(out).sort()).toEqual(["customerId", "maskedPan", "merchantId", "status", "token"])
    expect(out).toMatchObject({ customerId: "14534543", maskedPan: refMask(PAN_B), merchantId: "m-ap", status: "ACTIVE" })
    expect(out.token).toMatch(/^[A-Za-z0-9_-]{22,24}$/)
    expect(await h.vault.getToken("m-ap", out.token)).toMatchObject({ expiryMonth: 3, expiryYear: 2025, brand: "MASTER" })
    expect(h.decrypts()).toBe(1)
  })

  it("[JWE-ALGORITHMS] [MASK-BIN6-LAST4] every jose-encrypted PAN and future YYMM round-trips into a token (property)", async () => {
    await setup()
    // From January 2025 (the vault's clock is 2025-01-15) to December 2049.
    const card = fc.tuple(fc.stringMatching(/^4[0-9]{14}$/), fc.integer({ min: 25, max: 49 }), fc.integer({ min: 1, max: 12 }))
    await fc.assert(
      fc.asyncProperty(card, async ([body, yy, mm]) => {
        const pan = withCheckDigit(body)
        const out = await h.create(await request(pan, `${yy}${String(mm).padStart(2, "0")}`, { customerId: `c-prop-${requests}` }))
        expect(out.maskedPan).toBe(refMask(pan))
        const view = await h.vault.getToken("m-ap", out.token)
        expect([view.expiryMonth, view.expiryYear]).toEqual([mm, 2000 + yy])
      }),
      fcParams(8)
    )
    h.seen.length = 0 // generated PANs are not canaries
  })

  it("[IDEMPOTENCY] a retry with the same merchantRequestId and the card encrypted again returns the same token; another card conflicts", async () => {
    await setup()
    const first = await request(PAN_A, "2712")
    const out = await h.create(first)
    const retry = await h.create({ ...(await request(PAN_A, "2712")), merchantRequestId: first.merchantRequestId, date: "2025-01-15T12:03:00Z" })
    expect(retry).toEqual(out)
    // (The vault may seal the card before its insert meets the taken key: only the store is compared.)
    const before = await h.stored()
    await expectCode(h.create({ ...(await request(PAN_C, "2712")), merchantRequestId: first.merchantRequestId }), "IDEMPOTENCY_CONFLICT")
    expect(await h.stored()).toBe(before)
  })

  it("[DUPLICATE-CARD] the same card for the same customer under a new merchantRequestId returns the existing token", async () => {
    await setup()
    const a = await h.create(await request(PAN_A, "2712"))
    const b = await h.create(await request(PAN_A, "2712"))
    expect(b.token).toBe(a.token)
  })

  it("[JWE-ALGORITHMS] every malformed JWE is refused with its own code and changes nothing", async () => {
    await setup()
    const good = await seal(PAN_A, jwk)
    const p256 = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ format: "jwk" }) as jose.JWK
    const otherMerchant = await h.publicJwk("m-other")
    const cases: ReadonlyArray<readonly [TokenError.ErrorCode, string]> = [
      ["JWE_MALFORMED", good.split(".").slice(0, 4).join(".")],
      ["JWE_MALFORMED", editPart(good, 2, () => Buffer.alloc(16))],
      ["JWE_UNSUPPORTED_ALGORITHM", await seal(PAN_A, jwk, { alg: "ECDH-ES+A128KW", enc: "A256GCM" })],
      ["JWE_UNSUPPORTED_ALGORITHM", await seal(PAN_A, jwk, { alg: "ECDH-ES+A256KW", enc: "A128GCM" })],
      ["JWE_UNSUPPORTED_ALGORITHM", await seal(PAN_A, p256)],
      ["JWE_UNKNOWN_KEY", await seal(PAN_A, jwk, { ...PROFILE, kid: "not-ours" })],
      ["JWE_UNKNOWN_KEY", await seal(PAN_A, jwk, { ...PROFILE, kid: otherMerchant.kid })],
      ["JWE_INVALID_KEY", offCurve(good)],
      ["JWE_DECRYPTION_FAILED", editPart(good, 4, flipFirstBit)],
      ["JWE_DECRYPTION_FAILED", editPart(good, 3, flipFirstBit)],
      ["JWE_DECRYPTION_FAILED", editHeader(good, (h) => ({ ...h, "x-extra": 1 }))],
      ["JWE_DECRYPTION_FAILED", await seal(PAN_A, otherMerchant)],
      ["JWE_INVALID_PLAINTEXT", await seal("not a card", jwk)],
      ["JWE_INVALID_PLAINTEXT", await seal("4111", jwk)],
      ["JWE_INVALID_PLAINTEXT", await seal(PAN_LUHN_BAD, jwk)]
    ]
    const base = await request(PAN_A, "2712")
    const before = await h.state()
    for (const [code, encryptedCardNumber] of cases) {
      await expectCode(h.create({ ...base, encryptedCardNumber }), code)
      expect(await h.state()).toBe(before)
    }
    // The same merchantRequestId was never taken by a refused request.
    expect((await h.create(base)).maskedPan).toBe(refMask(PAN_A))
  })

  it("[JWE-ALGORITHMS] [EXPIRY-FORMAT] an expiry JWE that is not YYMM, or tampered, is refused and changes nothing", async () => {
    await setup()
    const base = await request(PAN_A, "2712")
    const before = await h.state()
    const cases: ReadonlyArray<readonly [TokenError.ErrorCode, string]> = [
      ["JWE_INVALID_PLAINTEXT", await seal("12/27", jwk)],
      ["JWE_INVALID_PLAINTEXT", await seal("2713", jwk)],
      ["JWE_INVALID_PLAINTEXT", await seal("271", jwk)],
      ["JWE_DECRYPTION_FAILED", editPart(base.encryptedExpDate, 4, flipFirstBit)],
      ["JWE_INVALID_KEY", offCurve(base.encryptedExpDate)]
    ]
    for (const [code, encryptedExpDate] of cases) {
      await expectCode(h.create({ ...base, encryptedExpDate }), code)
      expect(await h.state()).toBe(before)
    }
  })

  it("[PAN-LUHN] the merchant's Luhn policy applies to the decrypted PAN", async () => {
    await setup()
    const test = await h.publicJwk("m-test")
    const out = await h.create(await request(PAN_LUHN_BAD, "2712", { merchantId: "m-test" }, test))
    expect(out.maskedPan).toBe(refMask(PAN_LUHN_BAD))
  })

  it("[TOKENIZATION-ENABLED] an unknown merchant or one without tokenization is refused before any decryption", async () => {
    await setup()
    const before = await h.state()
    await expectCode(h.create(await request(PAN_A, "2712", { merchantId: "m-nobody" })), "MERCHANT_UNKNOWN")
    await expectCode(h.create(await request(PAN_A, "2712", { merchantId: "m-off" })), "TOKENIZATION_DISABLED")
    await expectCode(h.publicJwk("m-nobody"), "MERCHANT_UNKNOWN")
    expect(h.decrypts()).toBe(0)
    expect(await h.state()).toBe(before)
  })

  it("[EXPIRY-END-OF-MONTH] date is the merchant's timestamp: checked for form before decryption, never the vault's now", async () => {
    await setup()
    const bad = ["", "2025-02-20", "2025-02-20 16:42:05", "2025-02-30 16:42:05Z", "2025-02-20 24:00:00Z", "20-02-2025 16:42:05Z", "2025-02-20 16:42:05+2:00"]
    for (const date of bad) await expectCode(h.create(await request(PAN_A, "2712", { date })), "INVALID_INPUT")
    await expectCode(h.create({ ...(await request(PAN_A, "2712")), date: 20250220 as never }), "INVALID_INPUT")
    expect(h.decrypts()).toBe(0)
    for (const date of ["2025-02-20 16:42:05.00+00:00", "2025-02-20T16:42:05Z", "2024-02-29T23:59:59.123456-05:30"]) {
      expect((await h.create(await request(PAN_A, "2712", { date }))).status).toBe("ACTIVE")
    }
    // A card that expired in December 2024 stays expired on 2025-01-15, whatever date the merchant sends.
    await expectCode(h.create(await request(PAN_B, "2412", { date: "2024-06-01 10:00:00.00+00:00" })), "CARD_EXPIRED")
  })

  it("[NO-PAN-LEAK] requests with malformed ids are refused before decryption, and no response or error shows a card", async () => {
    await setup()
    h.seen.length = 0
    await expectCode(h.create(null as never), "INVALID_INPUT")
    await expectCode(h.create(await request(PAN_A, "2712", { merchantRequestId: "" })), "INVALID_INPUT")
    await expectCode(h.create(await request(PAN_A, "2712", { customerId: PAN_A.replace(/^4/, "x ") })), "INVALID_INPUT")
    expect(h.decrypts()).toBe(0)
    await h.create(await request(PAN_C, "2712"))
    expect(h.seen.length).toBe(4)
  })
})

describe("Keyring as the card intake", () => {
  it("[JWE-ALGORITHMS] Keyring.layer provides the CardIntake port with the AlliancePay profile and the keyring's keys", async () => {
    const program = Effect.gen(function*() {
      const intake = yield* CardIntake.CardIntake
      const keyring = yield* Keyring.Keyring
      return { capabilities: intake.capabilities, jwk: yield* intake.publicJwk("m1"), same: yield* keyring.publicJwk("m1") }
    })
    const out = await Effect.runPromise(Effect.provide(program, Keyring.layer({ storage: KeyFile.memoryStorage() })))
    expect(out.capabilities).toEqual({ alg: "ECDH-ES+A256KW", enc: "A256GCM", crv: "P-384" })
    expect(out.jwk).toEqual(out.same)
    expect(out.jwk).toMatchObject({ kty: "EC", crv: "P-384", alg: "ECDH-ES+A256KW", use: "enc" })
  })
})

describe("decodeDate", () => {
  it("[EXPIRY-END-OF-MONTH] reads the seed's format and ISO 8601 with offsets as the same instant", () => {
    const instant = (s: string) => Result.map(EncryptedTokenize.decodeDate(s), (d) => d.epochMilliseconds)
    const expected = Result.succeed(Date.UTC(2025, 1, 20, 16, 42, 5))
    expect(instant("2025-02-20 16:42:05.00+00:00")).toEqual(expected)
    expect(instant("2025-02-20T18:42:05+02:00")).toEqual(expected)
    expect(instant("2025-02-20T16:12:05-00:30")).toEqual(Result.succeed(Date.UTC(2025, 1, 20, 16, 42, 5)))
    expect(instant("2025-02-20 16:42:05.5Z")).toEqual(Result.succeed(Date.UTC(2025, 1, 20, 16, 42, 5, 500)))
    for (const bad of ["0025-02-20T16:42:05Z", "2025-13-01T00:00:00Z", "2025-02-20T16:60:00Z", "2025-02-20T16:42:05+24:00"]) {
      const r = EncryptedTokenize.decodeDate(bad)
      expect(Result.isFailure(r) && r.failure.code).toBe("INVALID_INPUT")
    }
  })
})
