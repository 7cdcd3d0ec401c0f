/**
 * The vault through its Effect API: every use case (the shared suite in
 * helpers.ts, run over `Vault.layer` + `MemoryTokenStore.layer` +
 * `NodeCardCrypto.layer` + `NodeSecureRandom.layer` with a `TestClock`), then
 * what only the Effect API can show: deterministic `SecureRandom`s, fibers
 * racing on one record, and the ports' failures.
 */
import { Iban, type IsoDate, Pan, TokenError, type TokenRecord } from "@tokenvault/core"
import { Effect, Layer, Redacted, Result } from "effect"
import * as SecureRandom from "effect/crypto/SecureRandom"
import * as TestClock from "effect/testing/TestClock"
import { describe, expect, it } from "vitest"
import * as CardCrypto from "../src/CardCrypto.ts"
import * as MemoryTokenStore from "../src/MemoryTokenStore.ts"
import * as NodeCardCrypto from "../src/NodeCardCrypto.ts"
import * as NodeSecureRandom from "../src/NodeSecureRandom.ts"
import * as Plaintext from "../src/Plaintext.ts"
import * as TokenStore from "../src/TokenStore.ts"
import * as Vault from "../src/Vault.ts"
import {
  at,
  byteStream,
  canaryForms,
  deterministicRandom,
  effectDriver,
  expectNoLeak,
  expectTokenError,
  fc,
  fcParams,
  IBAN_A,
  KEYS,
  OTHER_KEYS,
  PAN_A,
  PAN_B,
  PAN_C,
  PAN_D,
  refCardRetention,
  scriptedRandom,
  T0,
  useCaseSuite,
  withCheckDigit
} from "./helpers.ts"

useCaseSuite("Effect API", effectDriver)

// ---------------------------------------------------------------------------
// Layers
// ---------------------------------------------------------------------------

/**
 * A store whose every effectful operation first yields to other fibers, so that concurrent use cases
 * interleave. Its synchronous reads stay (they cannot yield), so uses that write nothing race the others.
 */
const yielding = (store: TokenStore.Service): TokenStore.Service => {
  const out: Record<string, unknown> = { capabilities: store.capabilities, peek: store.peek }
  for (const [name, op] of Object.entries(store)) {
    if (typeof op !== "function") continue
    out[name] = (...args: Array<unknown>) =>
      Effect.andThen(Effect.yieldNow, () => (op as (...a: Array<unknown>) => Effect.Effect<unknown, unknown>)(...args))
  }
  return out as unknown as TokenStore.Service
}

interface LayerOptions {
  readonly store?: TokenStore.Service | undefined
  readonly random?: SecureRandom.SecureRandom["Service"] | undefined
  readonly keys?: NodeCardCrypto.Keys | undefined
  readonly interleave?: boolean | undefined
}

const vaultLayer = (options: LayerOptions = {}) => {
  const base = options.store === undefined ? MemoryTokenStore.layer() : Layer.succeed(TokenStore.TokenStore, options.store)
  const store = options.interleave === true
    ? Layer.effect(TokenStore.TokenStore, Effect.map(Effect.service(TokenStore.TokenStore), yielding)).pipe(Layer.provide(base))
    : base
  const ports = Layer.mergeAll(
    store,
    NodeCardCrypto.layer(options.keys ?? KEYS),
    options.random === undefined ? NodeSecureRandom.layer : Layer.succeed(SecureRandom.SecureRandom, options.random)
  )
  return Layer.mergeAll(Vault.layer.pipe(Layer.provideMerge(ports)), TestClock.layer())
}

/** Runs a program against a fresh vault whose clock starts at T0. */
const runVault = <A, E>(
  program: Effect.Effect<A, E, Vault.Vault | TokenStore.TokenStore | CardCrypto.CardCrypto>,
  options?: LayerOptions
): Promise<A> =>
  Effect.runPromise(
    Effect.andThen(TestClock.setTime(T0), program).pipe(Effect.provide(vaultLayer(options))) as Effect.Effect<A, E>
  )

const merchants = Effect.gen(function*() {
  const vault = yield* Vault.Vault
  yield* vault.addMerchant({ merchantId: "reg", prefix: "REG1", format: "registration" })
  yield* vault.addMerchant({ merchantId: "std", prefix: "STD1", format: "standard" })
  yield* vault.addMerchant({ merchantId: "opq", prefix: "OPQ1", format: "opaque" })
  yield* vault.addMerchant({ merchantId: "cus", prefix: "CUS1" })
  return vault
})

const card = (merchantId: string, customerId: string, pan: string, expiry = "12/27") => ({ merchantId, customerId, pan, expiry })
const CIT = { source: "CIT", mode: "REPEATED", type: "UNSCHEDULED" } as const

/** 16-digit Luhn-valid PANs with a chosen first 2 and last 4 (the last 4 include the check digit). */
const panWith = fc
  .tuple(fc.constantFrom("40", "45", "51", "55"), fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: 13, maxLength: 13 }))
  .map(([first2, rest]) => withCheckDigit(first2 + rest))

// ---------------------------------------------------------------------------
// Effect-native flows
// ---------------------------------------------------------------------------

describe("Vault (Effect API)", () => {
  it("[COF-MIT-AGREEMENT][USE-CARD-NOT-EXPIRED][RETENTION-CARD] a whole life in one Effect.gen, with TestClock.adjust", () =>
    runVault(Effect.gen(function*() {
      const vault = yield* merchants
      const t = yield* vault.tokenize({ ...card("reg", "c1", PAN_A, "03/25"), merchantRequestId: "r1" })
      expect(t.retainUntil).toBe(refCardRetention(3, 2025))
      const cit = yield* vault.authorizeUse({ merchantId: "reg", token: t.token, source: "CIT", mode: "INITIAL", type: "INSTALLMENT" })
      yield* TestClock.adjust("30 days")
      yield* vault.authorizeUse({
        merchantId: "reg",
        token: t.token,
        source: "MIT",
        mode: "REPEATED",
        type: "INSTALLMENT",
        initialTransactionId: cit.transactionId
      })
      yield* TestClock.setTime(at(2025, 4, 1, 0))
      const expired = yield* Effect.flip(vault.authorizeUse({ merchantId: "reg", token: t.token, ...CIT }))
      expectTokenError(expired, "TOKEN_EXPIRED", "1164")
      const extended = yield* vault.extendRetention("reg", t.token)
      expect(extended.retainUntil).toBe(refCardRetention(3, 2025, true))
      yield* TestClock.setTime(at(2027, 4, 1, 0))
      expect(yield* vault.sweep()).toEqual({ purged: 1, scanned: 1 })
      expectTokenError(yield* Effect.flip(vault.authorizeUse({ merchantId: "reg", token: t.token, ...CIT })), "RETENTION_EXPIRED", "100.150.206")
    })))

  it("[TOKEN-RANDOM] the same card for different customers gives distinct tokens in every format", () =>
    runVault(Effect.gen(function*() {
      const vault = yield* merchants
      for (const m of ["reg", "std", "opq"]) {
        const tokens = new Set<string>()
        for (let i = 0; i < 150; i++) tokens.add((yield* vault.tokenize(card(m, `c${i}`, PAN_A))).token)
        expect(tokens.size).toBe(150)
        if (m === "std") {
          const middles = new Set([...tokens].map((t) => t.slice(6, 12)))
          expect(middles.size).toBeGreaterThan(145)
        }
      }
    })))

  it("[TOKEN-RANDOM][FORMAT-STANDARD] with the same random bytes, tokens are equal whatever the card, beyond the standard format's first 2 and last 4", async () => {
    const tokensFor = (pan: string, streamSeed: string) =>
      runVault(
        Effect.gen(function*() {
          const vault = yield* merchants
          const out: Array<string> = []
          for (const m of ["reg", "opq", "std"]) out.push((yield* vault.tokenize(card(m, "c1", pan))).token)
          return out
        }),
        { random: deterministicRandom(streamSeed) }
      )
    await fc.assert(
      fc.asyncProperty(panWith, panWith, fc.string({ minLength: 1, maxLength: 8 }), async (p1, p2, s) => {
        const [reg1, opq1, std1] = await tokensFor(p1, s)
        const [reg2, opq2, std2] = await tokensFor(p2, s)
        expect(reg2).toBe(reg1)
        expect(opq2).toBe(opq1)
        expect(std1!.slice(2, 12)).toBe(std2!.slice(2, 12))
        expect(std1!.slice(0, 2) + std1!.slice(12)).toBe(p1.slice(0, 2) + p1.slice(-4))
        expect(std2!.slice(0, 2) + std2!.slice(12)).toBe(p2.slice(0, 2) + p2.slice(-4))
        // And a different stream gives different tokens for the same card.
        const [reg3] = await tokensFor(p1, `${s}'`)
        expect(reg3).not.toBe(reg1)
      }),
      fcParams(40)
    )
  })

  it("[DELETE-IRREVERSIBLE][TOKEN-RANDOM] random bytes that would reissue a deleted value are drawn again", async () => {
    const x = new Uint8Array(16).fill(0xab)
    const y = new Uint8Array(16).fill(0xcd)
    const { calls, service } = scriptedRandom([x, x, y])
    await runVault(
      Effect.gen(function*() {
        const vault = yield* merchants
        const first = yield* vault.tokenize(card("reg", "c1", PAN_A))
        expect(first.token).toBe("ab".repeat(16))
        yield* vault.deleteToken("reg", first.token)
        const second = yield* vault.tokenize(card("reg", "c2", PAN_B))
        expect(second.token).toBe("cd".repeat(16))
        expect(calls).toEqual([16, 16, 16])
        expect((yield* vault.getToken("reg", first.token)).status).toBe("DELETED")
      }),
      { random: service }
    )
  })

  it("[DELETE-IRREVERSIBLE] a broken random that only repeats a deleted value fails typed and never reissues it", async () => {
    const stuck = SecureRandom.make((size) => new Uint8Array(size).fill(7))
    await runVault(
      Effect.gen(function*() {
        const vault = yield* merchants
        const first = yield* vault.tokenize(card("reg", "c1", PAN_A))
        yield* vault.deleteToken("reg", first.token)
        const e = yield* Effect.flip(vault.tokenize(card("reg", "c2", PAN_B)))
        expect(TokenError.isTokenError(e)).toBe(true)
        expect((yield* vault.getToken("reg", first.token)).status).toBe("DELETED")
        expect(yield* vault.listByMerchant("reg")).toEqual([])
      }),
      { random: stuck }
    )
  })
})

// ---------------------------------------------------------------------------
// Fibers racing
// ---------------------------------------------------------------------------

describe("Vault under concurrent fibers", () => {
  it("[DUPLICATE-CARD] concurrent tokenizations of one card for one customer make one token", () =>
    runVault(
      Effect.gen(function*() {
        const vault = yield* merchants
        const views = yield* Effect.all(Array.from({ length: 25 }, () => vault.tokenize(card("opq", "c1", PAN_A))), {
          concurrency: "unbounded"
        })
        expect(new Set(views.map((v) => v.token)).size).toBe(1)
        expect(yield* vault.listByMerchant("opq")).toHaveLength(1)
      }),
      { interleave: true }
    ))

  it("[IDEMPOTENCY] concurrent requests with one merchantRequestId: same payload one token; different payloads one winner, the rest IDEMPOTENCY_CONFLICT", () =>
    runVault(
      Effect.gen(function*() {
        const vault = yield* merchants
        const same = yield* Effect.all(
          Array.from({ length: 10 }, () => vault.tokenize({ ...card("opq", "c1", PAN_A), merchantRequestId: "k1" })),
          { concurrency: "unbounded" }
        )
        expect(new Set(same.map((v) => v.token)).size).toBe(1)
        const pans = Array.from({ length: 10 }, (_, i) => withCheckDigit(`49000000000000${i}`))
        const mixed = yield* Effect.all(
          pans.map((pan) => Effect.result(vault.tokenize({ ...card("opq", "c2", pan), merchantRequestId: "k2" }))),
          { concurrency: "unbounded" }
        )
        const wins = mixed.filter(Result.isSuccess)
        expect(wins).toHaveLength(1)
        for (const r of mixed.filter(Result.isFailure)) expectTokenError(r.failure, "IDEMPOTENCY_CONFLICT")
        expect(yield* vault.listByMerchant("opq")).toHaveLength(2)
      }),
      { interleave: true }
    ))

  it("[IDEMPOTENCY][CUSTOM-TOKEN-UNIQUE] a new key answered with the card's existing custom token is bound to it: a retry with another payload is a conflict", () =>
    runVault(Effect.gen(function*() {
      const vault = yield* merchants
      const first = yield* vault.tokenize({ ...card("cus", "c1", PAN_A), requestToken: "Same_Card_Val", merchantRequestId: "k1" })
      // Another customer, so the answer comes from the custom value's owner, not the duplicate-card rule.
      const again = yield* vault.tokenize({ ...card("cus", "c2", PAN_A), requestToken: "Same_Card_Val", merchantRequestId: "k2" })
      expect(again.token).toBe(first.token)
      expect(yield* vault.tokenize({ ...card("cus", "c2", PAN_A), requestToken: "Same_Card_Val", merchantRequestId: "k2" })).toMatchObject({ token: first.token })
      expectTokenError(yield* Effect.flip(vault.tokenize({ ...card("cus", "c2", PAN_B), merchantRequestId: "k2" })), "IDEMPOTENCY_CONFLICT")
      expect(yield* vault.listByMerchant("cus")).toHaveLength(1)
    })))

  it("[IDEMPOTENCY][DUPLICATE-CARD] concurrent requests with one new key, each answered by an existing duplicate: one payload takes the key, the rest IDEMPOTENCY_CONFLICT", () =>
    runVault(
      Effect.gen(function*() {
        const vault = yield* merchants
        const pans = Array.from({ length: 6 }, (_, i) => withCheckDigit(`49100000000000${i}`))
        const existing = new Map<string, string>()
        for (const [i, pan] of pans.entries()) {
          existing.set(pan, (yield* vault.tokenize({ ...card("opq", "c1", pan), merchantRequestId: `own-${i}` })).token)
        }
        const results = yield* Effect.all(
          [...pans, ...pans].map((pan) => Effect.result(vault.tokenize({ ...card("opq", "c1", pan), merchantRequestId: "shared" }))),
          { concurrency: "unbounded" }
        )
        const wins = results.filter(Result.isSuccess).map((r) => r.success.token)
        expect(wins).toHaveLength(2)
        expect(new Set(wins).size).toBe(1)
        expect([...existing.values()]).toContain(wins[0])
        for (const r of results.filter(Result.isFailure)) expectTokenError(r.failure, "IDEMPOTENCY_CONFLICT")
        expect(yield* vault.listByMerchant("opq")).toHaveLength(pans.length)
      }),
      { interleave: true }
    ))

  it("[CUSTOM-TOKEN-UNIQUE] concurrent requests for one custom value and different cards: one token, the rest 1163", () =>
    runVault(
      Effect.gen(function*() {
        const vault = yield* merchants
        const pans = Array.from({ length: 8 }, (_, i) => withCheckDigit(`45390000000000${i}`))
        const results = yield* Effect.all(
          pans.map((pan, i) => Effect.result(vault.tokenize({ ...card("cus", `c${i}`, pan), requestToken: "Race_Value_01" }))),
          { concurrency: "unbounded" }
        )
        expect(results.filter(Result.isSuccess)).toHaveLength(1)
        for (const r of results.filter(Result.isFailure)) expectTokenError(r.failure, "CUSTOM_TOKEN_TAKEN", "1163")
      }),
      { interleave: true }
    ))

  it("[STATUS-TRANSITIONS][RETENTION-EXTEND] concurrent updates of one token all land (compare-and-set with retries)", () =>
    runVault(
      Effect.gen(function*() {
        const vault = yield* merchants
        const store = yield* TokenStore.TokenStore
        const t = yield* vault.tokenize(card("opq", "c1", PAN_A))
        yield* Effect.all(
          [
            vault.updateStatus("opq", t.token, "SUSPENDED"),
            vault.extendRetention("opq", t.token),
            vault.updateExpiry("opq", t.token, "06/29")
          ],
          { concurrency: "unbounded" }
        )
        const r = (yield* store.get(t.token))!
        expect(r).toMatchObject({ status: "SUSPENDED", extended: true, expiry: { month: 6, year: 2029 }, version: 4 })
        expect(r.retainUntil).toBe(refCardRetention(6, 2029, true))
        // Uses of a bank token race on lastActivity; all succeed.
        const bank = yield* vault.tokenize({ merchantId: "opq", customerId: "c1", iban: IBAN_A })
        const uses = yield* Effect.all(Array.from({ length: 5 }, () => vault.authorizeUse({ merchantId: "opq", token: bank.token, ...CIT })), {
          concurrency: "unbounded"
        })
        expect(new Set(uses.map((u) => u.transactionId)).size).toBe(5)
        // A delete racing a suspend: the token ends DELETED either way.
        const u = yield* vault.tokenize(card("opq", "c2", PAN_B))
        const raced = yield* Effect.all(
          [Effect.result(vault.updateStatus("opq", u.token, "SUSPENDED")), Effect.result(vault.deleteToken("opq", u.token))],
          { concurrency: "unbounded" }
        )
        expect(Result.isSuccess(raced[1])).toBe(true)
        expect((yield* store.get(u.token))!.status).toBe("DELETED")
      }),
      { interleave: true }
    ))
})

// ---------------------------------------------------------------------------
// Port failures
// ---------------------------------------------------------------------------

describe("Vault over failing ports", () => {
  it("[AEAD-BOUND] sealed data moved to another record, or tampered with, fails the use with CRYPTO_FAILURE", () =>
    runVault(Effect.gen(function*() {
      const vault = yield* merchants
      const store = yield* TokenStore.TokenStore
      const a = yield* vault.tokenize(card("opq", "c1", PAN_A))
      const b = yield* vault.tokenize(card("opq", "c2", PAN_B))
      const ra = (yield* store.get(a.token))!
      const rb = (yield* store.get(b.token))!
      yield* store.update({ ...rb, sealed: ra.sealed, version: rb.version + 1 })
      expectTokenError(yield* Effect.flip(vault.authorizeUse({ merchantId: "opq", token: b.token, ...CIT })), "CRYPTO_FAILURE")
      const ct = Buffer.from(ra.sealed!.ciphertext, "base64url")
      ct[20] = ct[20]! ^ 1
      yield* store.update({ ...ra, sealed: { ...ra.sealed!, ciphertext: ct.toString("base64url") }, version: ra.version + 1 })
      expectTokenError(yield* Effect.flip(vault.authorizeUse({ merchantId: "opq", token: a.token, ...CIT })), "CRYPTO_FAILURE")
      // The untouched path still works.
      const c = yield* vault.tokenize(card("opq", "c3", PAN_C))
      yield* vault.authorizeUse({ merchantId: "opq", token: c.token, ...CIT })
    })))

  it("[AEAD-BOUND][FINGERPRINT-KEYED] a vault with other keys over the same store can open nothing and fingerprints differently", async () => {
    const store = MemoryTokenStore.make()
    const token = await runVault(
      Effect.gen(function*() {
        const vault = yield* merchants
        return (yield* vault.tokenize(card("opq", "c1", PAN_A))).token
      }),
      { store }
    )
    await runVault(
      Effect.gen(function*() {
        const vault = yield* Vault.Vault
        expectTokenError(yield* Effect.flip(vault.authorizeUse({ merchantId: "opq", token, ...CIT })), "CRYPTO_FAILURE")
        const again = yield* vault.tokenize(card("opq", "c1", PAN_A))
        expect(again.token).not.toBe(token)
        const fps = new Set([(yield* store.get(token))!.fingerprint, (yield* store.get(again.token))!.fingerprint])
        expect(fps.size).toBe(2)
      }),
      { store, keys: OTHER_KEYS }
    )
  })

  it("[NO-PAN-LEAK] a closed store maps to STORE_UNAVAILABLE for every use case", async () => {
    const store = MemoryTokenStore.make()
    await runVault(
      Effect.gen(function*() {
        const vault = yield* merchants
        const t = yield* vault.tokenize(card("opq", "c1", PAN_A))
        yield* store.close()
        const attempts: ReadonlyArray<Effect.Effect<unknown, TokenError.TokenError>> = [
          vault.tokenize(card("opq", "c1", PAN_A)),
          vault.authorizeUse({ merchantId: "opq", token: t.token, ...CIT }),
          vault.getToken("opq", t.token),
          vault.listOneClick("opq", "c1"),
          vault.listByMerchant("opq"),
          vault.deleteToken("opq", t.token),
          vault.sweep(),
          vault.createGroup("g"),
          vault.addMerchant({ merchantId: "new" })
        ]
        for (const attempt of attempts) {
          const e = yield* Effect.flip(attempt)
          expectTokenError(e, "STORE_UNAVAILABLE")
          expectNoLeak(e)
        }
      }),
      { store }
    )
  })

  it("[NO-PAN-LEAK] the leak checks themselves catch a PAN in every form they look for", () => {
    for (const form of canaryForms(PAN_A)) {
      expect(() => expectNoLeak({ note: `x${form}x` })).toThrow(/NO-PAN-LEAK/)
      expect(() => expectNoLeak(new Error(`boom ${form}`))).toThrow(/NO-PAN-LEAK/)
    }
    expect(() => expectNoLeak(Redacted.make(PAN_A))).not.toThrow()
    expect(() => expectNoLeak({ masked: `${PAN_A.slice(0, 6)}••••••${PAN_A.slice(-4)}` })).not.toThrow()
    expect(() => expectNoLeak(Buffer.from(Redacted.value(KEYS.dataKey)).toString("hex"))).toThrow(/key bytes/)
  })
})

// ---------------------------------------------------------------------------
// Retention and scope edges (outcomes must not depend on when the sweep ran)
// ---------------------------------------------------------------------------

describe("Vault retention and scope edges", () => {
  it("[RETENTION-NON-CARD][COF-MIT-AGREEMENT] a use records its day and its agreement; a same-day use that sets up nothing leaves the record as it is", () =>
    runVault(Effect.gen(function*() {
      const vault = yield* merchants
      const store = yield* TokenStore.TokenStore
      const stored = (token: string) => Effect.map(store.get(token), (r) => r!)
      for (const input of [{ pan: PAN_A, expiry: "12/30" }, { iban: IBAN_A }]) {
        const t = yield* vault.tokenize({ merchantId: "opq", customerId: "c1", ...input })
        const created = yield* stored(t.token)
        yield* vault.authorizeUse({ merchantId: "opq", token: t.token, ...CIT })
        expect(yield* stored(t.token)).toBe(created)
        const initial = yield* vault.authorizeUse({ merchantId: "opq", token: t.token, ...CIT, mode: "INITIAL", type: "RECURRING" })
        const agreed = yield* stored(t.token)
        expect(agreed).toMatchObject({ version: created.version + 1, agreements: [{ type: "RECURRING", initialTransactionId: initial.transactionId }] })
        yield* TestClock.adjust("2 days")
        yield* vault.authorizeUse({ merchantId: "opq", token: t.token, ...CIT })
        const later = yield* stored(t.token)
        expect(later.version).toBe(agreed.version + 1)
        expect(later.lastActivity > agreed.lastActivity).toBe(true)
        // A bank token's retention runs from its last use; a card's from its expiry.
        expect(later.retainUntil > agreed.retainUntil).toBe(later.instrument === "BANK_ACCOUNT")
        yield* vault.authorizeUse({ merchantId: "opq", token: t.token, ...CIT })
        expect(yield* stored(t.token)).toBe(later)
      }
    })))

  it("[RETENTION-PURGE][DUPLICATE-CARD] tokenizing a bank account again once its token is past retention gives a usable token, swept or not", async () => {
    const again = (sweepFirst: boolean) =>
      runVault(Effect.gen(function*() {
        const vault = yield* merchants
        const old = yield* vault.tokenize({ merchantId: "opq", customerId: "c1", iban: IBAN_A })
        yield* TestClock.setTime(at(2026, 4, 1))
        if (sweepFirst) expect(yield* vault.sweep()).toEqual({ purged: 1, scanned: 1 })
        const fresh = yield* vault.tokenize({ merchantId: "opq", customerId: "c1", iban: IBAN_A })
        const use = yield* Effect.result(vault.authorizeUse({ merchantId: "opq", token: fresh.token, ...CIT }))
        return { old: old.token, fresh: fresh.token, usable: Result.isSuccess(use) ? "ok" : (use.failure as TokenError.TokenError).code }
      }))
    const swept = await again(true)
    expect(swept.usable).toBe("ok")
    expect(swept.fresh).not.toBe(swept.old)
    const notSwept = await again(false)
    expect(notSwept.usable).toBe("ok")
  })

  it("[RETENTION-PURGE] updateExpiry cannot revive a card token past its retention date; before and after the sweep it is RETENTION_EXPIRED", () =>
    runVault(Effect.gen(function*() {
      const vault = yield* merchants
      const t = yield* vault.tokenize(card("opq", "c1", PAN_A, "01/25"))
      expect(t.retainUntil).toBe("2026-04-01")
      yield* TestClock.setTime(at(2026, 4, 1))
      expectTokenError(yield* Effect.flip(vault.extendRetention("opq", t.token)), "RETENTION_EXPIRED", "100.150.206")
      const revived = yield* Effect.result(vault.updateExpiry("opq", t.token, "01/29"))
      if (Result.isSuccess(revived)) {
        const use = yield* Effect.result(vault.authorizeUse({ merchantId: "opq", token: t.token, ...CIT }))
        throw new Error(`a token past retention was revived (use afterwards: ${Result.isSuccess(use) ? "succeeds" : "fails"})`)
      }
      expectTokenError(revived.failure, "RETENTION_EXPIRED", "100.150.206")
      expect(yield* vault.sweep()).toEqual({ purged: 1, scanned: 1 })
      expectTokenError(yield* Effect.flip(vault.updateExpiry("opq", t.token, "01/29")), "RETENTION_EXPIRED", "100.150.206")
    })))

  it("[DELETE-IRREVERSIBLE][RETENTION-PURGE][IDEMPOTENCY] every tombstone the vault writes (delete, sweep, purge of a duplicate) keeps only what docs/security.md lists", () =>
    runVault(Effect.gen(function*() {
      const vault = yield* merchants
      const store = yield* TokenStore.TokenStore
      const request = { ...card("opq", "c1", PAN_A), merchantRequestId: "r1" }
      const deleted = yield* vault.tokenize(request)
      yield* vault.authorizeUse({ merchantId: "opq", token: deleted.token, source: "CIT", mode: "INITIAL", type: "RECURRING" })
      const swept = yield* vault.tokenize(card("opq", "c2", PAN_B, "01/25"))
      const purged = yield* vault.tokenize({ merchantId: "opq", customerId: "c3", iban: IBAN_A })
      const live = new Map<string, TokenRecord.TokenRecord>()
      for (const t of [deleted, swept, purged]) live.set(t.token, (yield* store.get(t.token))!)
      expect(live.get(deleted.token)?.agreements.length).toBe(1)

      yield* vault.deleteToken("opq", deleted.token)
      yield* TestClock.setTime(at(2026, 3, 20))
      const fresh = yield* vault.tokenize({ merchantId: "opq", customerId: "c3", iban: IBAN_A })
      expect(fresh.token).not.toBe(purged.token)
      yield* TestClock.setTime(at(2026, 4, 2))
      expect(yield* vault.sweep()).toEqual({ purged: 1, scanned: 1 })

      const expected: ReadonlyArray<readonly [string, TokenRecord.Deletion]> = [
        [deleted.token, { reason: "DEREGISTERED", on: "2025-01-15" as IsoDate.IsoDate }],
        [purged.token, { reason: "RETENTION", on: "2026-03-20" as IsoDate.IsoDate }],
        [swept.token, { reason: "RETENTION", on: "2026-04-02" as IsoDate.IsoDate }]
      ]
      for (const [token, deletion] of expected) {
        const before = live.get(token)!
        const tomb = yield* store.get(token)
        // Dropped: sealed data, fingerprint, masked PAN, brand, expiry, agreements. Everything else is kept as it was.
        expect(tomb).toEqual({
          ...before,
          status: "DELETED",
          deletion,
          sealed: undefined,
          fingerprint: undefined,
          maskedPan: "",
          brand: undefined,
          expiry: undefined,
          agreements: [],
          version: before.version + 1
        })
        const stored = JSON.stringify(tomb)
        for (const gone of [before.sealed!.ciphertext, before.fingerprint!, before.maskedPan.slice(-4)]) {
          expect(stored).not.toContain(gone)
        }
      }
      // The kept request digest still tells a replay of the deleted token's key from a conflicting one.
      expect(yield* vault.tokenize(request)).toMatchObject({ token: deleted.token, status: "DELETED" })
      expectTokenError(yield* Effect.flip(vault.tokenize({ ...request, pan: PAN_C })), "IDEMPOTENCY_CONFLICT")
    })))

  it("[GROUP-ACCESS][CUSTOM-TOKEN-UNIQUE] tokenize never hands a merchant a token outside its scopes", () =>
    runVault(Effect.gen(function*() {
      const vault = yield* merchants
      yield* vault.createGroup("G")
      yield* vault.joinGroup("G", "cus", false)
      const shared = yield* vault.tokenize({ ...card("cus", "c1", PAN_A), requestToken: "Shared_Value_1" })
      yield* vault.leaveGroup("G", "cus", false)
      expectTokenError(yield* Effect.flip(vault.getToken("cus", shared.token)), "TOKEN_NOT_FOUND", "100.150.200")
      const out = yield* Effect.result(vault.tokenize({ ...card("cus", "c1", PAN_A), requestToken: "Shared_Value_1" }))
      if (Result.isFailure(out)) {
        expectTokenError(out.failure, "CUSTOM_TOKEN_TAKEN", "1163")
      } else {
        const got = yield* Effect.result(vault.getToken("cus", out.success.token))
        expect(Result.isSuccess(got), "the returned token must be visible to the merchant that asked for it").toBe(true)
      }
    })))
})

// ---------------------------------------------------------------------------
// The synchronous use path
// ---------------------------------------------------------------------------

/** A memory store that counts its effectful reads and writes of records (its `peek` is kept). */
const countingStore = () => {
  const inner = MemoryTokenStore.make()
  const counts = { get: 0, update: 0 }
  const store: TokenStore.Service = {
    ...inner,
    get: (token) => Effect.andThen(Effect.sync(() => counts.get++), inner.get(token)),
    update: (next) => Effect.andThen(Effect.sync(() => counts.update++), inner.update(next))
  }
  return { store, counts }
}

const revealed = (a: Vault.Authorization): string =>
  a.instrument._tag === "Card" ? Pan.reveal(a.instrument.pan) : Iban.reveal(a.instrument.iban)

describe("Vault's synchronous use path", () => {
  it("[USE-ACTIVE][COF-MIT-AGREEMENT] a use that writes nothing is answered from the synchronous reads; one that writes, or fails, goes through the store", async () => {
    const { counts, store } = countingStore()
    await runVault(
      Effect.gen(function*() {
        const vault = yield* merchants
        const t = yield* vault.tokenize(card("reg", "c1", PAN_A))
        const initial = yield* vault.authorizeUse({ merchantId: "reg", token: t.token, source: "CIT", mode: "INITIAL", type: "RECURRING" })
        // The agreement is a write: the effectful path read and updated the record.
        expect(counts).toEqual({ get: 1, update: 1 })
        const repeated = yield* vault.authorizeUse({ merchantId: "reg", token: t.token, ...CIT })
        const mit = yield* vault.authorizeUse({
          merchantId: "reg",
          token: t.token,
          source: "MIT",
          mode: "REPEATED",
          type: "RECURRING",
          initialTransactionId: initial.transactionId
        })
        // Same day, no agreement: neither read nor wrote through the port, and answered in full.
        expect(counts).toEqual({ get: 1, update: 1 })
        for (const a of [initial, repeated, mit]) {
          expect(a.token).toBe(t.token)
          expect(a.transactionId).toMatch(/^[0-9a-f]{32}$/)
          expect(revealed(a)).toBe(PAN_A)
          expect(a.instrument).toMatchObject({ _tag: "Card", expiry: { month: 12, year: 2027 } })
        }
        expect(new Set([initial, repeated, mit].map((a) => a.transactionId)).size).toBe(3)
        // Failures are the effectful path's, with its codes.
        expectTokenError(
          yield* Effect.flip(vault.authorizeUse({ merchantId: "reg", token: t.token, source: "MIT", mode: "REPEATED", type: "RECURRING", initialTransactionId: "x" })),
          "COF_NO_AGREEMENT"
        )
        expectTokenError(yield* Effect.flip(vault.authorizeUse({ merchantId: "std", token: t.token, ...CIT })), "TOKEN_NOT_FOUND", "100.150.200")
        yield* vault.updateStatus("reg", t.token, "SUSPENDED")
        expectTokenError(yield* Effect.flip(vault.authorizeUse({ merchantId: "reg", token: t.token, ...CIT })), "TOKEN_SUSPENDED")
        yield* vault.updateStatus("reg", t.token, "ACTIVE")
        // A bank account's use moves its retention on a new day: a write, through the store.
        const bank = yield* vault.tokenize({ merchantId: "reg", customerId: "c2", iban: IBAN_A })
        yield* TestClock.adjust("2 days")
        const before = { ...counts }
        expect(revealed(yield* vault.authorizeUse({ merchantId: "reg", token: bank.token, ...CIT }))).toBe(IBAN_A)
        expect(counts.update).toBe(before.update + 1)
        // A closed store: the synchronous reads answer nothing, and the effectful one gives the error.
        yield* store.close()
        expectTokenError(yield* Effect.flip(vault.authorizeUse({ merchantId: "reg", token: t.token, ...CIT })), "STORE_UNAVAILABLE")
      }),
      { store }
    )
  })

  it("[USE-ACTIVE] transaction ids are the SecureRandom service's bytes, in order, and never repeat", async () => {
    const stream = byteStream("transaction ids")
    const handedOut: Array<Uint8Array> = []
    const random = SecureRandom.make((size) => {
      const bytes = stream(size)
      handedOut.push(Uint8Array.from(bytes))
      return bytes
    })
    await runVault(
      Effect.gen(function*() {
        const vault = yield* merchants
        const t = yield* vault.tokenize(card("reg", "c1", PAN_A))
        const drawn = handedOut.length
        const ids: Array<string> = []
        for (let i = 0; i < 600; i++) ids.push((yield* vault.authorizeUse({ merchantId: "reg", token: t.token, ...CIT })).transactionId)
        expect(new Set(ids).size).toBe(600)
        // Every byte drawn since the tokenization, cut in 16-byte ids: the uses' ids, in order.
        const bytes = Buffer.concat(handedOut.slice(drawn))
        const cut = Array.from({ length: Math.floor(bytes.length / 16) }, (_, i) => bytes.subarray(16 * i, 16 * i + 16).toString("hex"))
        expect(cut.slice(0, 600)).toEqual(ids)
      }),
      { random }
    )
  })

  it("[USE-ACTIVE] adapters written as classes, and synchronous reads that throw, still answer", async () => {
    class ClassCrypto implements CardCrypto.Service {
      readonly #inner = NodeCardCrypto.make(KEYS)
      opened = 0
      get capabilities() {
        return this.#inner.capabilities
      }
      seal(plaintext: Parameters<CardCrypto.Service["seal"]>[0], aad: string) {
        return this.#inner.seal(plaintext, aad)
      }
      open(sealed: TokenRecord.Sealed, aad: string) {
        return this.#inner.open(sealed, aad)
      }
      openUnsafe(sealed: TokenRecord.Sealed, aad: string) {
        this.opened++
        return this.#inner.openUnsafe!(sealed, aad)
      }
      fingerprint(value: Parameters<CardCrypto.Service["fingerprint"]>[0]) {
        return this.#inner.fingerprint(value)
      }
      sealUnsafe(plaintext: Parameters<CardCrypto.Service["seal"]>[0], aad: string) {
        this.sealed++
        if (throwing) throw new Error("a broken synchronous seal")
        return declining ? undefined : this.#inner.sealUnsafe!(plaintext, aad)
      }
      fingerprintUnsafe(value: Parameters<CardCrypto.Service["fingerprint"]>[0]) {
        this.fingerprinted++
        if (throwing) throw new Error("a broken synchronous fingerprint")
        return declining ? undefined : this.#inner.fingerprintUnsafe!(value)
      }
      sealed = 0
      fingerprinted = 0
    }
    const crypto = new ClassCrypto()
    const memory = MemoryTokenStore.make()
    let throwing = false
    let declining = false
    const store: TokenStore.Service = {
      ...memory,
      peek: {
        record: (token) => {
          if (throwing) throw new Error("a broken synchronous read")
          return memory.peek!.record(token)
        },
        merchant: (merchantId) => {
          if (throwing) throw new Error("a broken synchronous read")
          return memory.peek!.merchant(merchantId)
        }
      }
    }
    const layer = Layer.mergeAll(
      Vault.layer.pipe(
        Layer.provideMerge(Layer.mergeAll(Layer.succeed(TokenStore.TokenStore, store), Layer.succeed(CardCrypto.CardCrypto, crypto), NodeSecureRandom.layer))
      ),
      TestClock.layer()
    )
    await Effect.runPromise(
      Effect.gen(function*() {
        yield* TestClock.setTime(T0)
        const vault = yield* merchants
        const t = yield* vault.tokenize(card("reg", "c1", PAN_A))
        expect(revealed(yield* vault.authorizeUse({ merchantId: "reg", token: t.token, ...CIT }))).toBe(PAN_A)
        expect(revealed(yield* vault.authorizeUse({ merchantId: "reg", token: t.token, ...CIT }))).toBe(PAN_A)
        // The second use took the synchronous path, through the class's own method.
        expect(crypto.opened).toBe(1)
        // The tokenization sealed and fingerprinted through the class's own methods.
        expect([crypto.sealed, crypto.fingerprinted]).toEqual([1, 1])
        throwing = true
        expect(revealed(yield* vault.authorizeUse({ merchantId: "reg", token: t.token, ...CIT }))).toBe(PAN_A)
        // With every synchronous twin throwing, a tokenization still answers, through the effects.
        const u = yield* vault.tokenize(card("reg", "c2", PAN_B))
        expect([crypto.sealed, crypto.fingerprinted]).toEqual([2, 2])
        expect(revealed(yield* vault.authorizeUse({ merchantId: "reg", token: u.token, ...CIT }))).toBe(PAN_B)
        // The record holds the fingerprint the effect computed, so a duplicate card is still found.
        expect(memory.peek!.record(u.token)!.fingerprint).toBe(yield* NodeCardCrypto.make(KEYS).fingerprint(Plaintext.make(`C:${PAN_B}`)))
        expect((yield* vault.tokenize(card("reg", "c2", PAN_B))).token).toBe(u.token)
        // Twins that decline (answer undefined) leave it to the effects too. A request keyed with a
        // merchantRequestId, digested by a twin, is replayed with its digest from the effect: the same token.
        throwing = false
        const keyed = { ...card("reg", "c3", PAN_C), merchantRequestId: "req-twins" }
        const first = yield* vault.tokenize(keyed)
        declining = true
        expect((yield* vault.tokenize(keyed)).token).toBe(first.token)
        const v = yield* vault.tokenize(card("reg", "c4", PAN_D))
        expect(revealed(yield* vault.authorizeUse({ merchantId: "reg", token: v.token, ...CIT }))).toBe(PAN_D)
        // A replay with another card under the same key is still a conflict.
        expectTokenError(yield* Effect.flip(vault.tokenize({ ...keyed, pan: PAN_D })), "IDEMPOTENCY_CONFLICT")
      }).pipe(Effect.provide(layer))
    )
  })
})
