/**
 * The Promise facade: every use case (the shared suite in helpers.ts, over
 * `createVault({ store, crypto, random, now })` with a mutable clock), then
 * the facade's own contract: defaults, the `now` option, typed rejections for
 * any input, and `close`.
 */
import { TokenError } from "@tokenvault/core"
import { Effect, Redacted } from "effect"
import { describe, expect, it } from "vitest"
import * as MemoryTokenStore from "../src/MemoryTokenStore.ts"
import * as NodeCardCrypto from "../src/NodeCardCrypto.ts"
import { clockFrom, createVault } from "../src/PromiseVault.ts"
import {
  at,
  deterministicRandom,
  expectCode,
  expectNoLeak,
  fc,
  fcParams,
  IBAN_A,
  KEYS,
  PAN_A,
  PAN_B,
  promiseDriver,
  refCardRetention,
  refNonCardRetention,
  rejection,
  T0,
  useCaseSuite
} from "./helpers.ts"

useCaseSuite("Promise facade", promiseDriver)

const CIT = { source: "CIT", mode: "REPEATED", type: "UNSCHEDULED" } as const

const METHODS = [
  "addMerchant",
  "authorizeUse",
  "checkToken",
  "close",
  "createGroup",
  "deleteToken",
  "extendRetention",
  "getToken",
  "joinGroup",
  "leaveGroup",
  "listByCustomer",
  "listByMerchant",
  "listOneClick",
  "sweep",
  "tokenize",
  "tokenizeDuringPayment",
  "updateExpiry",
  "updateStatus"
]

describe("PromiseVault.createVault", () => {
  it("[TOKEN-RANDOM][FINGERPRINT-KEYED] with no options: a memory store, fresh random keys, the OS CSPRNG and the real clock", async () => {
    const a = await createVault()
    const b = await createVault()
    try {
      expect(Object.keys(a).sort()).toEqual(METHODS)
      for (const v of [a, b]) await v.addMerchant({ merchantId: "shop-1", prefix: "SHP1", format: "registration" })
      const ta = await a.tokenize({ merchantId: "shop-1", customerId: "c1", pan: PAN_A, expiry: "12/99" })
      const tb = await b.tokenize({ merchantId: "shop-1", customerId: "c1", pan: PAN_A, expiry: "12/99" })
      expect(ta.token).toMatch(/^[0-9a-f]{32}$/)
      expect(ta.token).not.toBe(tb.token)
      const use = await a.authorizeUse({ merchantId: "shop-1", token: ta.token, source: "CIT", mode: "INITIAL", type: "RECURRING" })
      expect(use.transactionId).toMatch(/^[0-9a-f]{32}$/)
      expectNoLeak(use)
      expect(ta.retainUntil).toBe(refCardRetention(12, 2099))
      // Real clock: a bank token is retained 14 months from the host's today.
      const before = refNonCardRetention(Date.now())
      const bank = await a.tokenize({ merchantId: "shop-1", customerId: "c1", iban: IBAN_A })
      expect([before, refNonCardRetention(Date.now())]).toContain(bank.retainUntil)
      await expectCode(b.authorizeUse({ merchantId: "shop-1", token: ta.token, ...CIT }), "TOKEN_NOT_FOUND", "100.150.200")
    } finally {
      await a.close()
      await b.close()
    }
  })

  it("[RETENTION-NON-CARD][USE-CARD-NOT-EXPIRED] the now option is the vault's clock, read on every call", async () => {
    let now = T0
    const v = await createVault({ now: () => now, crypto: NodeCardCrypto.make(KEYS), random: deterministicRandom("now") })
    try {
      await v.addMerchant({ merchantId: "m", prefix: "MMM1" })
      const t = await v.tokenize({ merchantId: "m", customerId: "c", pan: PAN_A, expiry: "02/25" })
      const bank = await v.tokenize({ merchantId: "m", customerId: "c", iban: IBAN_A })
      expect(bank.retainUntil).toBe("2026-03-15")
      now = at(2025, 2, 28)
      await v.authorizeUse({ merchantId: "m", token: t.token, ...CIT })
      await v.authorizeUse({ merchantId: "m", token: bank.token, ...CIT })
      expect((await v.getToken("m", bank.token)).retainUntil).toBe("2026-04-28")
      now = at(2025, 3, 1, 0)
      await expectCode(v.authorizeUse({ merchantId: "m", token: t.token, ...CIT }), "TOKEN_EXPIRED", "1164")
      now = at(2026, 4, 28, 0)
      await expectCode(v.authorizeUse({ merchantId: "m", token: bank.token, ...CIT }), "RETENTION_EXPIRED", "100.150.206")
    } finally {
      await v.close()
    }
  })

  it("[NO-PAN-LEAK] rejections are the vault's TokenError values, not wrapped fiber failures", async () => {
    const v = await createVault({ now: () => T0 })
    try {
      const e = await rejection(v.tokenize({ merchantId: "nobody", pan: PAN_A, expiry: "12/27" }))
      expect(TokenError.isTokenError(e)).toBe(true)
      expect(e).toBeInstanceOf(Error)
      expect(e).toMatchObject({ _tag: "TokenError", code: "MERCHANT_UNKNOWN" })
      expectNoLeak(e)
    } finally {
      await v.close()
    }
  })

  it("[NO-PAN-LEAK] any input gives a result or a typed TokenError, never a defect, and no rejection shows a canary", async () => {
    const v = await createVault({ now: () => T0, crypto: NodeCardCrypto.make(KEYS) })
    await v.addMerchant({ merchantId: "m", prefix: "MMM1", format: "registration" })
    const ok = await v.tokenize({ merchantId: "m", customerId: "c", pan: PAN_B, expiry: "12/27" })
    const weird = fc.oneof(
      fc.anything({ maxDepth: 1 }),
      fc.constantFrom<unknown>(null, undefined, "", PAN_A, Number(PAN_A), {}, [], "12/27", "m", ok.token, "c", NaN, IBAN_A)
    )
    // Identifiers are echoed back by design, so they never carry a canary here.
    const weirdId = fc.oneof(fc.anything({ maxDepth: 1 }), fc.constantFrom<unknown>(null, undefined, "", {}, [], "m", ok.token, "c", NaN))
    const field = (valid: unknown) => fc.oneof(fc.constant(valid), weird)
    const idField = (valid: unknown) => fc.oneof(fc.constant(valid), weirdId)
    const request = fc.record({
      merchantId: idField("m"),
      customerId: idField("c"),
      pan: field(PAN_A),
      expiry: field("12/27"),
      iban: fc.oneof(fc.constant(undefined), weird),
      requestToken: fc.oneof(fc.constant(undefined), weird),
      format: fc.oneof(fc.constant(undefined), weird),
      merchantRequestId: fc.oneof(fc.constant(undefined), weirdId),
      createRegistration: fc.oneof(fc.constant(true), weird),
      outcome: field("AUTHORIZED"),
      token: field(ok.token),
      source: field("CIT"),
      mode: field("REPEATED"),
      type: field("UNSCHEDULED"),
      initialTransactionId: fc.oneof(fc.constant(undefined), weird),
      batchSize: fc.oneof(fc.constant(undefined), fc.integer(), fc.double()),
      onProgress: fc.oneof(fc.constant(undefined), fc.constant(() => undefined))
    }, { requiredKeys: [] })
    const call = fc.tuple(
      fc.constantFrom(...METHODS.filter((m) => m !== "close")),
      fc.oneof(request, weirdId),
      weirdId,
      weirdId
    )
    const v2 = v as unknown as Record<string, (...args: Array<unknown>) => Promise<unknown>>
    try {
      await fc.assert(
        fc.asyncProperty(call, async ([method, a, b, c]) => {
          const args = method === "tokenize" || method === "tokenizeDuringPayment" || method === "authorizeUse" || method === "addMerchant"
            ? [a]
            : method === "getToken" || method === "checkToken" || method === "deleteToken" || method === "extendRetention"
            ? [(a as { merchantId?: unknown })?.merchantId ?? a, (a as { token?: unknown })?.token ?? b]
            : [a, b, c]
          try {
            expectNoLeak(await v2[method]!(...args), `${method} result`)
          } catch (e) {
            if (!TokenError.isTokenError(e)) {
              throw new Error(`${method} rejected with a defect: ${e instanceof Error ? `${e.name}: ${e.message}` : typeof e}`)
            }
            expectNoLeak(e, `${method} error`)
          }
        }),
        fcParams(300)
      )
    } finally {
      await v.close()
    }
  })

  it("[EXPIRY-FORMAT] tokenize with expiry null is a typed EXPIRY_INVALID, as updateExpiry's is", async () => {
    const v = await createVault({ now: () => T0 })
    try {
      await v.addMerchant({ merchantId: "m" })
      const t = await v.tokenize({ merchantId: "m", customerId: "c", pan: PAN_A, expiry: "12/27" })
      await expectCode(v.updateExpiry("m", t.token, null as never), "EXPIRY_INVALID")
      await expectCode(v.tokenize({ merchantId: "m", customerId: "c", pan: PAN_B, expiry: null as never }), "EXPIRY_INVALID")
    } finally {
      await v.close()
    }
  })

  it("[RETENTION-PURGE] the store given is the store used; close closes it and later calls reject", async () => {
    const store = MemoryTokenStore.make()
    const v = await createVault({ store, now: () => T0 })
    await v.addMerchant({ merchantId: "m", prefix: "MMM1" })
    const t = await v.tokenize({ merchantId: "m", customerId: "c", pan: PAN_A, expiry: "12/27" })
    expect((await Effect.runPromise(store.get(t.token)))?.merchantId).toBe("m")
    await v.close()
    const closed = await Effect.runPromise(Effect.flip(store.get(t.token)))
    expect(closed.reason._tag).toBe("Unavailable")
    await expect(v.getToken("m", t.token)).rejects.toBeDefined()
  })

  it("[NO-PAN-LEAK] after close every method rejects with a typed STORE_UNAVAILABLE, never a plain Error", async () => {
    const v = await createVault({ now: () => T0 })
    await v.addMerchant({ merchantId: "m", prefix: "MMM1" })
    const t = await v.tokenize({ merchantId: "m", customerId: "c", pan: PAN_A, expiry: "12/27" })
    await v.close()
    await v.close()
    const calls: ReadonlyArray<Promise<unknown>> = [
      v.getToken("m", t.token),
      v.tokenize({ merchantId: "m", customerId: "c", pan: PAN_A, expiry: "12/27" }),
      v.authorizeUse({ merchantId: "m", token: t.token, ...CIT }),
      v.sweep(),
      v.addMerchant({ merchantId: "n" })
    ]
    for (const call of calls) {
      expectNoLeak(await expectCode(call, "STORE_UNAVAILABLE", null))
    }
  })

  it("[RETENTION-PURGE] sweep with bad options fails with a typed INVALID_INPUT and purges nothing", async () => {
    const v = await createVault({ now: () => T0 })
    try {
      const bad: ReadonlyArray<unknown> = [
        { onProgress: 5 },
        { onProgress: "x" },
        { batchSize: "10" },
        { batchSize: 0 },
        { batchSize: -1 },
        { batchSize: 1.5 },
        { batchSize: Number.NaN },
        { batchSize: Number.POSITIVE_INFINITY },
        "batch",
        7
      ]
      for (const options of bad) await expectCode(v.sweep(options as never), "INVALID_INPUT")
      expect(await v.sweep({ batchSize: 5, onProgress: () => undefined })).toEqual({ purged: 0, scanned: 0 })
      expect(await v.sweep(null as never)).toEqual({ purged: 0, scanned: 0 })
    } finally {
      await v.close()
    }
  })

  it("[TOKENIZE-ON-PAYMENT][TOKENIZATION-ENABLED] a declined payment of an unknown merchant is MERCHANT_UNKNOWN, not undefined", async () => {
    const v = await createVault({ now: () => T0 })
    try {
      await v.addMerchant({ merchantId: "m", prefix: "MMM1" })
      const declined = { customerId: "c", pan: PAN_A, expiry: "12/27", createRegistration: true, outcome: "DECLINED" } as const
      await expectCode(v.tokenizeDuringPayment({ merchantId: "nobody", ...declined }), "MERCHANT_UNKNOWN")
      expect(await v.tokenizeDuringPayment({ merchantId: "m", ...declined })).toBeUndefined()
    } finally {
      await v.close()
    }
  })

  it("[RETENTION-PURGE] clockFrom reads now() on every call and its sleep completes at once", async () => {
    let now = 1_000
    const clock = clockFrom(() => now)
    expect(clock.currentTimeMillisUnsafe()).toBe(1_000)
    now = 2_500
    expect(await Effect.runPromise(clock.currentTimeMillis)).toBe(2_500)
    expect(clock.currentTimeNanosUnsafe()).toBe(2_500_000_000n)
    expect(await Effect.runPromise(clock.currentTimeNanos)).toBe(2_500_000_000n)
    await Effect.runPromise(clock.sleep(Infinity as never))
  })

  it("[AEAD-BOUND] a vault opened over a store with the wrong keys refuses uses with CRYPTO_FAILURE", async () => {
    const store = MemoryTokenStore.make()
    const first = await createVault({ store, crypto: NodeCardCrypto.make(KEYS), now: () => T0 })
    await first.addMerchant({ merchantId: "m", prefix: "MMM1" })
    const t = await first.tokenize({ merchantId: "m", customerId: "c", pan: PAN_A, expiry: "12/27" })
    const other = await createVault({
      store,
      crypto: NodeCardCrypto.make({ dataKey: Redacted.make(new Uint8Array(32).fill(9)), fingerprintKey: KEYS.fingerprintKey }),
      now: () => T0
    })
    await expectCode(other.authorizeUse({ merchantId: "m", token: t.token, ...CIT }), "CRYPTO_FAILURE")
    await first.authorizeUse({ merchantId: "m", token: t.token, ...CIT })
    await other.close()
  })
})
