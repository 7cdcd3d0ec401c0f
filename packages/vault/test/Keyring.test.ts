/**
 * The keyring: versioned data keys (rotation, retire, destroy, minimum
 * decryption version), the per-key encryption counter, rewrap over a live
 * store with crashes and concurrent writers, tamper resistance, the separate
 * fingerprint key, and the key file (mode, KEK, no key bytes in output).
 */
import { createHash } from "node:crypto"
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { inspect } from "node:util"
import { Group, IsoDate, type TokenRecord } from "@tokenvault/core"
import { Effect, Exit, Redacted } from "effect"
import fc from "fast-check"
import { afterAll, describe, expect, it } from "vitest"
import * as CardCrypto from "../src/CardCrypto.ts"
import * as KeyFile from "../src/KeyFile.ts"
import * as Keyring from "../src/Keyring.ts"
import * as MemoryTokenStore from "../src/MemoryTokenStore.ts"
import * as Plaintext from "../src/Plaintext.ts"
import * as TokenStore from "../src/TokenStore.ts"

// --- fast-check seed (FC_SEED / FC_NUM_RUNS, printed) ----------------------
const intFromEnv = (name: string): number | undefined => {
  const raw = process.env[name]
  return raw === undefined || raw.trim() === "" ? undefined : Number(raw)
}
const seed = intFromEnv("FC_SEED") ?? Math.floor(Math.random() * 2_147_483_647)
console.log(`[fast-check] Keyring.test seed=${seed} (replay: FC_SEED=${seed} pnpm vitest run packages/vault/test/Keyring.test.ts)`)
const params = (numRuns: number): fc.Parameters<unknown> => ({ seed, numRuns: intFromEnv("FC_NUM_RUNS") ?? numRuns })

// --- helpers ---------------------------------------------------------------
const run = <A, E>(effect: Effect.Effect<A, E>): A => Effect.runSync(effect)
const runP = <A, E>(effect: Effect.Effect<A, E>): Promise<A> => Effect.runPromise(effect)

const failureOf = async <A, E>(effect: Effect.Effect<A, E>): Promise<any> => {
  const exit = await Effect.runPromiseExit(effect)
  if (Exit.isSuccess(exit)) throw new Error("expected a failure")
  const reason = exit.cause.reasons[0]
  if (reason?._tag !== "Fail") throw new Error(`expected a typed failure, got ${reason?._tag}`)
  return reason.error
}

const cryptoReason = async <A>(effect: Effect.Effect<A, CardCrypto.CardCryptoError>): Promise<string> => {
  const e = await failureOf(effect)
  expect(e._tag).toBe("CardCryptoError")
  return e.reason._tag
}

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

/** Distinct canary PANs. */
const panOf = (i: number): string => luhnDigit(`4539${String(i).padStart(11, "0")}`)

const memoryKeyring = (options?: Partial<Omit<Keyring.Options, "storage">> & { readonly storage?: KeyFile.MemoryStorage }) => {
  const storage = options?.storage ?? KeyFile.memoryStorage()
  return { storage, keyring: run(Keyring.make({ ...options, storage })) }
}

const aadOf = (r: { token: string; merchantId: string }) => CardCrypto.associatedData(r.token, r.merchantId)

/** A record in the core shape, sealed by `keyring`. */
const makeRecord = (keyring: Keyring.Service, i: number, extra?: Partial<TokenRecord.TokenRecord>): TokenRecord.TokenRecord => {
  const token = `tok_${String(i).padStart(6, "0")}`
  const merchantId = extra?.merchantId ?? `m${i % 3}`
  const pan = panOf(i)
  const base: TokenRecord.TokenRecord = {
    token,
    format: "opaque",
    merchantId,
    scope: Group.merchantScope(merchantId),
    customerId: `c${i}`,
    instrument: "CARD",
    brand: "VISA",
    maskedPan: `453957******${pan.slice(-4)}`,
    expiry: { month: 3, year: 2030 },
    fingerprint: run(keyring.fingerprint(Plaintext.make(pan))),
    sealed: run(keyring.seal(Plaintext.make(pan), CardCrypto.associatedData(token, merchantId))),
    status: "ACTIVE",
    deletion: undefined,
    createdAt: "2026-01-01T00:00:00.000Z",
    lastActivity: IsoDate.make({ year: 2026, month: 1, day: 1 }),
    extended: false,
    retainUntil: IsoDate.make({ year: 2027 + (i % 3), month: 1 + (i % 12), day: 1 + (i % 28) }),
    agreements: [],
    merchantRequestId: undefined,
    requestDigest: undefined,
    version: 1
  }
  return { ...base, ...extra }
}

const tombstone = (r: TokenRecord.TokenRecord): TokenRecord.TokenRecord => ({
  ...r,
  status: "DELETED",
  deletion: { reason: "DEREGISTERED", on: IsoDate.make({ year: 2026, month: 2, day: 1 }) },
  sealed: undefined,
  fingerprint: undefined,
  maskedPan: "",
  brand: undefined,
  expiry: undefined,
  version: r.version + 1
})

/** All records of a memory store, tombstones included (by token). */
const allRecords = (store: TokenStore.Service, tokens: Iterable<string>) => {
  const out: Array<TokenRecord.TokenRecord> = []
  for (const t of tokens) {
    const r = run(store.get(t))
    if (r !== undefined) out.push(r)
  }
  return out
}

const opensTo = (keyring: Keyring.Service, r: TokenRecord.TokenRecord): string | undefined => {
  const exit = Effect.runSyncExit(keyring.open(r.sealed!, aadOf(r)))
  return Exit.isSuccess(exit) ? Plaintext.reveal(exit.value) : undefined
}

const tmpDirs: Array<string> = []
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), "tokenvault-keyring-"))
  tmpDirs.push(d)
  return d
}
afterAll(() => {
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true })
})

// ---------------------------------------------------------------------------

describe("Keyring", () => {
  it("[KEY-RETIRED-NEVER-ENCRYPTS] [AEAD-BOUND] after rotation 100% of new ciphertexts use the new version and 100% of old records still decrypt", () => {
    const { keyring } = memoryKeyring()
    expect(keyring.capabilities.keyVersions).toBe(true)
    const old = Array.from({ length: 300 }, (_, i) => makeRecord(keyring, i))
    expect(old.every((r) => r.sealed!.keyVersion === 1)).toBe(true)
    expect(run(keyring.rotate())).toBe(2)
    const fresh = Array.from({ length: 300 }, (_, i) => makeRecord(keyring, 1000 + i))
    expect(fresh.filter((r) => r.sealed!.keyVersion === 2)).toHaveLength(300)
    // The synchronous seal encrypts under the active version too, and what it seals opens.
    const sealed = keyring.sealUnsafe!(Plaintext.make("C:4111111111111111"), "aad")!
    expect(sealed.keyVersion).toBe(2)
    expect(Plaintext.reveal(run(keyring.open(sealed, "aad")))).toBe("C:4111111111111111")
    expect(old.filter((r) => opensTo(keyring, r) === panOf(Number(r.token.slice(4))))).toHaveLength(300)
    expect(fresh.filter((r) => opensTo(keyring, r) === panOf(Number(r.token.slice(4))))).toHaveLength(300)
    expect(keyring.status().versions.map((v) => [v.version, v.state])).toEqual([[1, "decrypt-only"], [2, "active"]])
  })

  it("[KEY-RETIRED-NEVER-ENCRYPTS] decrypt-only and destroyed versions never encrypt, and only legal transitions happen (property over rotate/retire/destroy/seal/open/reopen)", () => {
    type Action =
      | { readonly op: "seal" }
      | { readonly op: "rotate" }
      | { readonly op: "retire" | "destroy"; readonly version: number }
      | { readonly op: "open"; readonly pick: number }
      | { readonly op: "reopen" }
    const action: fc.Arbitrary<Action> = fc.oneof(
      { weight: 6, arbitrary: fc.constant({ op: "seal" } as const) },
      { weight: 2, arbitrary: fc.constant({ op: "rotate" } as const) },
      { weight: 2, arbitrary: fc.record({ op: fc.constantFrom("retire" as const, "destroy" as const), version: fc.integer({ min: 0, max: 8 }) }) },
      { weight: 3, arbitrary: fc.record({ op: fc.constant("open" as const), pick: fc.nat() }) },
      { weight: 1, arbitrary: fc.constant({ op: "reopen" } as const) }
    )
    const LIMIT = 4
    fc.assert(
      fc.property(fc.array(action, { maxLength: 60 }), (actions) => {
        const storage = KeyFile.memoryStorage()
        let keyring = run(Keyring.make({ storage, maxEncryptionsPerKey: LIMIT, reservationBlock: 2 }))
        // The model: version states, and every ciphertext made.
        const states = new Map<number, Keyring.VersionState>([[1, "active"]])
        const sealed: Array<{ sealed: TokenRecord.Sealed; pt: string; aad: string }> = []
        const perVersion = new Map<number, number>()
        const activeOf = () => [...states].find(([, s]) => s === "active")?.[0]
        for (const [i, a] of actions.entries()) {
          switch (a.op) {
            case "seal": {
              const before = activeOf()
              const pt = panOf(i)
              const aad = `aad-${i}`
              const exit = Effect.runSyncExit(keyring.seal(Plaintext.make(pt), aad))
              if (before === undefined) {
                expect(Exit.isFailure(exit)).toBe(true)
                break
              }
              expect(Exit.isSuccess(exit)).toBe(true)
              if (!Exit.isSuccess(exit)) break
              const v = exit.value.keyVersion
              // Automatic rotation at the limit is the only way the version moves on.
              if (v !== before) {
                expect(v).toBe(Math.max(...states.keys()) + 1)
                states.set(before, "decrypt-only")
                states.set(v, "active")
              }
              expect(states.get(v)).toBe("active")
              perVersion.set(v, (perVersion.get(v) ?? 0) + 1)
              expect(perVersion.get(v)!).toBeLessThanOrEqual(LIMIT)
              sealed.push({ sealed: exit.value, pt, aad })
              break
            }
            case "rotate": {
              const v = run(keyring.rotate())
              expect(v).toBe(Math.max(...states.keys()) + 1)
              const a0 = activeOf()
              if (a0 !== undefined) states.set(a0, "decrypt-only")
              states.set(v, "active")
              break
            }
            case "retire":
            case "destroy": {
              const current = states.get(a.version)
              const legal = a.op === "retire" ? current === "active" || current === "decrypt-only" : current === "decrypt-only" || current === "destroyed"
              const exit = Effect.runSyncExit(a.op === "retire" ? keyring.retire(a.version) : keyring.destroy(a.version))
              expect(Exit.isSuccess(exit)).toBe(legal)
              if (!legal && Exit.isFailure(exit)) {
                const r = exit.cause.reasons[0]
                expect(r?._tag === "Fail" && (r.error as { code?: string }).code).toBe("KEY_INVALID_STATE")
              }
              if (legal) states.set(a.version, a.op === "retire" ? "decrypt-only" : "destroyed")
              break
            }
            case "open": {
              if (sealed.length === 0) break
              const s = sealed[a.pick % sealed.length]!
              const exit = Effect.runSyncExit(keyring.open(s.sealed, s.aad))
              if (states.get(s.sealed.keyVersion) === "destroyed") {
                expect(Exit.isFailure(exit)).toBe(true)
              } else {
                expect(Exit.isSuccess(exit) && Plaintext.reveal(exit.value)).toBe(s.pt)
              }
              break
            }
            case "reopen": {
              keyring = run(Keyring.make({ storage, maxEncryptionsPerKey: LIMIT, reservationBlock: 2 }))
              break
            }
          }
          // The keyring reports exactly the model's states.
          expect(new Map(keyring.status().versions.map((v) => [v.version, v.state]))).toEqual(states)
        }
      }),
      params(200)
    )
  })

  it("[KEY-ROTATION-LIMIT] rotates by itself at the configured limit; every version stays under it and all values still open", () => {
    const { keyring, storage } = memoryKeyring({ maxEncryptionsPerKey: 10, reservationBlock: 3 })
    const sealed = Array.from({ length: 35 }, (_, i) => ({ pt: panOf(i), s: run(keyring.seal(Plaintext.make(panOf(i)), `a${i}`)) }))
    const counts = new Map<number, number>()
    for (const { s } of sealed) counts.set(s.keyVersion, (counts.get(s.keyVersion) ?? 0) + 1)
    expect([...counts]).toEqual([[1, 10], [2, 10], [3, 10], [4, 5]])
    for (const [i, { pt, s }] of sealed.entries()) expect(Plaintext.reveal(run(keyring.open(s, `a${i}`)))).toBe(pt)
    const st = keyring.status()
    expect(st.activeVersion).toBe(4)
    expect(st.versions.slice(0, 3).every((v) => v.state === "decrypt-only" && v.encryptions === 10)).toBe(true)
    // The persisted reservation always covers the encryptions made.
    const doc = JSON.parse(storage.snapshot()!) as { dataKeys: Array<{ version: number; reservedEncryptions: number }> }
    expect(doc.dataKeys.find((d) => d.version === 4)!.reservedEncryptions).toBeGreaterThanOrEqual(5)
    // The default stays under NIST SP 800-38D's 2^32 for random nonces.
    expect(Keyring.DEFAULT_MAX_ENCRYPTIONS_PER_KEY).toBeLessThan(2 ** 32)
    expect(memoryKeyring().keyring.status().maxEncryptionsPerKey).toBe(Keyring.DEFAULT_MAX_ENCRYPTIONS_PER_KEY)
  })

  it("[KEY-ROTATION-LIMIT] a crash never under-counts: across restarts, no key encrypts more than the limit (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 7 }),
        fc.array(fc.integer({ min: 0, max: 25 }), { minLength: 1, maxLength: 8 }),
        (limit, block, runs) => {
          const storage = KeyFile.memoryStorage()
          const made = new Map<number, number>()
          for (const n of runs) {
            // A "process": open, encrypt n times, crash (drop it without any shutdown).
            const keyring = run(Keyring.make({ storage, maxEncryptionsPerKey: limit, reservationBlock: block }))
            for (let i = 0; i < n; i++) {
              const s = run(keyring.seal(Plaintext.make("4111111111111111"), "x"))
              made.set(s.keyVersion, (made.get(s.keyVersion) ?? 0) + 1)
              // Persisted before use: the key file covers every encryption made so far.
              const doc = JSON.parse(storage.snapshot()!) as { dataKeys: Array<{ version: number; reservedEncryptions: number }> }
              const reserved = doc.dataKeys.find((d) => d.version === s.keyVersion)!.reservedEncryptions
              expect(reserved).toBeGreaterThanOrEqual(keyring.status().versions.find((v) => v.version === s.keyVersion)!.encryptions)
            }
          }
          for (const count of made.values()) expect(count).toBeLessThanOrEqual(limit)
        }
      ),
      params(200)
    )
  })

  it("[KEY-ROTATION-LIMIT] when the reservation cannot be persisted the keyring refuses to seal (KeyUnavailable) and changes nothing", async () => {
    const storage = KeyFile.memoryStorage()
    const keyring = run(Keyring.make({ storage, maxEncryptionsPerKey: 100, reservationBlock: 2 }))
    run(keyring.seal(Plaintext.make("x"), "a"))
    run(keyring.seal(Plaintext.make("x"), "a"))
    storage.failWrite(1)
    expect(await cryptoReason(keyring.seal(Plaintext.make("x"), "a"))).toBe("KeyUnavailable")
    // The synchronous seal never writes the key file: at a reservation boundary it declines, and the
    // failure armed here is still there for `seal`, which refuses as before.
    storage.failWrite(1)
    expect(keyring.sealUnsafe!(Plaintext.make("x"), "a")).toBeUndefined()
    expect(await cryptoReason(keyring.seal(Plaintext.make("x"), "a"))).toBe("KeyUnavailable")
    expect(keyring.status().versions[0]!.encryptions).toBe(2)
    // A failed rotation leaves the state as it was.
    storage.failWrite(1)
    const e = await failureOf(keyring.rotate())
    expect(e._tag).toBe("KeyFileError")
    expect(e.reason._tag).toBe("Io")
    expect(keyring.status().activeVersion).toBe(1)
    expect(run(keyring.seal(Plaintext.make("x"), "a")).keyVersion).toBe(1)
  })

  it("[KEY-MIN-DECRYPTION] raising minDecryptionVersion is refused while records use an older version, allowed after rewrap; older versions then stop opening", async () => {
    const { keyring } = memoryKeyring()
    const store = MemoryTokenStore.make()
    const records = Array.from({ length: 50 }, (_, i) => makeRecord(keyring, i))
    for (const r of records) run(store.insert(r))
    run(keyring.rotate())
    const e = await failureOf(keyring.setMinDecryptionVersion(2, store))
    expect([e._tag, e.code]).toEqual(["TokenError", "KEY_VERSION_IN_USE"])
    const above = await failureOf(keyring.setMinDecryptionVersion(3, store))
    expect([above._tag, above.code]).toEqual(["TokenError", "KEY_INVALID_STATE"])
    expect(keyring.status().minDecryptionVersion).toBe(1)
    expect([...(await runP(keyring.usage(store)))]).toEqual([[1, 50]])

    const report = await runP(keyring.rewrap(store))
    expect(report).toMatchObject({ targetVersion: 2, rewrapped: 50, remaining: 0, unreadable: 0 })
    expect([...(await runP(keyring.usage(store)))]).toEqual([[2, 50]])
    await runP(keyring.setMinDecryptionVersion(2, store))
    expect(keyring.status().minDecryptionVersion).toBe(2)
    // A ciphertext kept aside from before the rewrap no longer opens.
    expect(await cryptoReason(keyring.open(records[0]!.sealed!, aadOf(records[0]!)))).toBe("KeyUnavailable")
    expect(keyring.openUnsafe!(records[0]!.sealed!, aadOf(records[0]!))).toBeUndefined()
    for (const r of allRecords(store, records.map((r) => r.token))) expect(opensTo(keyring, r)).toBe(panOf(Number(r.token.slice(4))))
  })

  it("[KEY-MIN-DECRYPTION] [AEAD-BOUND] rewrap re-seals every live record (merchant, group and orphaned group scopes, suspended) and leaves tombstones alone", async () => {
    const { keyring } = memoryKeyring()
    const store = MemoryTokenStore.make({ maxPageSize: 64 })
    const tokens: Array<string> = []
    for (let i = 0; i < 400; i++) {
      const scope = i % 5 === 0 ? Group.groupScope("g1") : i % 7 === 0 ? Group.groupScope("orphan") : undefined
      let r = makeRecord(keyring, i, scope === undefined ? {} : { scope })
      if (i % 11 === 0) r = { ...r, status: "SUSPENDED" }
      run(store.insert(r))
      if (i % 13 === 0) run(store.update(tombstone(r)))
      tokens.push(r.token)
    }
    run(keyring.rotate())
    run(keyring.rotate())
    const report = await runP(keyring.rewrap(store, { batchSize: 50 }))
    const all = allRecords(store, tokens)
    const live = all.filter((r) => r.status !== "DELETED")
    expect(report).toMatchObject({ targetVersion: 3, rewrapped: live.length, remaining: 0, conflicts: 0 })
    expect(live.every((r) => r.sealed!.keyVersion === 3)).toBe(true)
    expect(live.every((r) => opensTo(keyring, r) === panOf(Number(r.token.slice(4))))).toBe(true)
    expect(all.filter((r) => r.status === "DELETED").every((r) => r.sealed === undefined && r.version === 2)).toBe(true)
    // Idempotent: a second run finds nothing to do.
    expect(await runP(keyring.rewrap(store))).toMatchObject({ rewrapped: 0, remaining: 0 })
  })

  it("[KEY-MIN-DECRYPTION] [AEAD-BOUND] a rewrap killed at random points, with concurrent writers, and resumed leaves 0 records that cannot be decrypted (property)", async () => {
    type Crash = { readonly after: number; readonly kind: "fail-before" | "fail-after" | "defect" }
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 10, max: 120 }),
        fc.array(fc.record({ after: fc.integer({ min: 0, max: 130 }), kind: fc.constantFrom("fail-before" as const, "fail-after" as const, "defect" as const) }), {
          minLength: 1,
          maxLength: 4
        }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 1, max: 40 }),
        fc.boolean(),
        fc.integer(),
        async (n, crashes: ReadonlyArray<Crash>, contentionPct, batchSize, useCheckpoint, rngSeed) => {
          const storage = KeyFile.memoryStorage()
          let keyring = run(Keyring.make({ storage }))
          const inner = MemoryTokenStore.make({ maxPageSize: 25 })
          const tokens: Array<string> = []
          const expectedStatus = new Map<string, TokenRecord.TokenRecord["status"]>()
          for (let i = 0; i < n; i++) {
            if (i === Math.floor(n / 2)) run(keyring.rotate()) // records under v1 and v2
            let r = makeRecord(keyring, i, i % 4 === 0 ? { scope: Group.groupScope("g") } : {})
            run(inner.insert(r))
            if (i % 9 === 0) {
              r = tombstone(r)
              run(inner.update(r))
            }
            tokens.push(r.token)
            expectedStatus.set(r.token, r.status)
          }
          run(keyring.rotate())
          const target = keyring.status().activeVersion!
          let rng = rngSeed >>> 0
          const random = () => ((rng = (Math.imul(rng, 1664525) + 1013904223) >>> 0) / 2 ** 32)

          // A store whose rewrap-side updates may race with a concurrent writer
          // (status flip) and crash after `crash.after` updates.
          const faulty = (crash: Crash | undefined): TokenStore.Service => {
            let updates = 0
            return {
              ...inner,
              update: (next) =>
                Effect.suspend(() => {
                  if (random() * 100 < contentionPct) {
                    const cur = run(inner.get(next.token))!
                    if (cur.status !== "DELETED") {
                      const status = cur.status === "ACTIVE" ? "SUSPENDED" : "ACTIVE"
                      run(inner.update({ ...cur, status, version: cur.version + 1 }))
                      expectedStatus.set(cur.token, status)
                    }
                  }
                  if (crash !== undefined && updates++ >= crash.after) {
                    if (crash.kind === "defect") return Effect.die(new Error("killed"))
                    if (crash.kind === "fail-after") {
                      return Effect.andThen(inner.update(next), Effect.fail(TokenStore.errors.unavailable("killed after write")))
                    }
                    return Effect.fail(TokenStore.errors.unavailable("killed"))
                  }
                  return inner.update(next)
                })
            }
          }

          let checkpoint: string | undefined
          for (const crash of crashes) {
            await Effect.runPromiseExit(
              keyring.rewrap(faulty(crash), {
                batchSize,
                cursor: useCheckpoint ? checkpoint : undefined,
                onBatch: (p) => {
                  checkpoint = p.cursor
                }
              })
            )
            // The process dies: reopen the keyring from its key file.
            keyring = run(Keyring.make({ storage }))
          }
          const report = await runP(keyring.rewrap(faulty(undefined), { batchSize, cursor: useCheckpoint ? checkpoint : undefined }))
          expect(report.remaining).toBe(0)

          const all = allRecords(inner, tokens)
          const undecryptable = all.filter((r) => r.status !== "DELETED" && opensTo(keyring, r) !== panOf(Number(r.token.slice(4))))
          expect(undecryptable).toHaveLength(0)
          expect(all.filter((r) => r.status !== "DELETED" && r.sealed!.keyVersion !== target)).toHaveLength(0)
          // Concurrent writers' changes survive the rewrap.
          for (const r of all) expect(r.status).toBe(expectedStatus.get(r.token))
          expect([...(await runP(keyring.usage(inner))).keys()]).toEqual(all.some((r) => r.status !== "DELETED") ? [target] : [])
        }
      ),
      params(60)
    )
  })

  it("[AEAD-BOUND] every single-bit flip of a stored ciphertext, every ciphertext swapped between records, and a relabelled key version are rejected (DecryptionFailed)", async () => {
    const { keyring } = memoryKeyring()
    const records = Array.from({ length: 12 }, (_, i) => makeRecord(keyring, i))
    run(keyring.rotate())
    records.push(...Array.from({ length: 12 }, (_, i) => makeRecord(keyring, 100 + i)))
    let flips = 0
    for (const r of records) {
      const bytes = Buffer.from(r.sealed!.ciphertext, "base64url")
      for (let byte = 0; byte < bytes.length; byte++) {
        for (let bit = 0; bit < 8; bit++) {
          const copy = Buffer.from(bytes)
          copy[byte]! ^= 1 << bit
          const flipped = { ...r.sealed!, ciphertext: copy.toString("base64url") }
          const exit = Effect.runSyncExit(keyring.open(flipped, aadOf(r)))
          expect(Exit.isFailure(exit) && exit.cause.reasons[0]?._tag === "Fail" && (exit.cause.reasons[0].error as any).reason._tag).toBe(
            "DecryptionFailed"
          )
          expect(keyring.openUnsafe!(flipped, aadOf(r))).toBeUndefined()
          flips++
        }
      }
    }
    expect(flips).toBeGreaterThan(24 * 8 * 40)
    for (const a of records) {
      for (const b of records) {
        if (a === b) continue
        // b's ciphertext (with its version) presented as a's.
        expect(await cryptoReason(keyring.open(b.sealed!, aadOf(a)))).toBe("DecryptionFailed")
        expect(keyring.openUnsafe!(b.sealed!, aadOf(a))).toBeUndefined()
      }
    }
    for (const r of records) {
      expect(Plaintext.reveal(keyring.openUnsafe!(r.sealed!, aadOf(r))!)).toBe(Plaintext.reveal(Effect.runSync(keyring.open(r.sealed!, aadOf(r)))))
    }
    // A v1 ciphertext relabelled as v2 (the version is bound into the associated data).
    const v1 = records[0]!
    expect(await cryptoReason(keyring.open({ keyVersion: 2, ciphertext: v1.sealed!.ciphertext }, aadOf(v1)))).toBe("DecryptionFailed")
    // Same token, other owner.
    expect(await cryptoReason(keyring.open(v1.sealed!, CardCrypto.associatedData(v1.token, "someone-else")))).toBe("DecryptionFailed")
  })

  it("[FINGERPRINT-KEYED] fingerprints are keyed, separate from data keys and unchanged by rotate, rewrap and reopen", async () => {
    const { keyring, storage } = memoryKeyring()
    const pan = panOf(7)
    const fp = run(keyring.fingerprint(Plaintext.make(pan)))
    expect(keyring.fingerprintUnsafe!(Plaintext.make(pan))).toBe(fp)
    const sha = createHash("sha256").update(pan).digest()
    expect([sha.toString("hex"), sha.toString("base64url"), sha.toString("base64")]).not.toContain(fp)
    run(keyring.rotate())
    run(keyring.rotate())
    expect(run(keyring.fingerprint(Plaintext.make(pan)))).toBe(fp)
    const reopened = run(Keyring.make({ storage }))
    expect(run(reopened.fingerprint(Plaintext.make(pan)))).toBe(fp)
    // Another keyring (another fingerprint key) gives another fingerprint.
    expect(run(memoryKeyring().keyring.fingerprint(Plaintext.make(pan)))).not.toBe(fp)
    const doc = JSON.parse(storage.snapshot()!) as { fingerprintKey: { material: string }; dataKeys: Array<{ material: string }> }
    expect(doc.dataKeys.map((d) => d.material)).not.toContain(doc.fingerprintKey.material)
  })

  describe("key file", () => {
    it("[NO-PAN-LEAK] is created with mode 0600 through an atomic rename, and reopens to the same keys", () => {
      const dir = join(tmp(), "vault")
      const keyring = run(Keyring.fromDirectory(dir, { env: {} }))
      const path = join(dir, KeyFile.fileName)
      if (process.platform !== "win32") {
        expect(statSync(path).mode & 0o777).toBe(0o600)
        expect(statSync(dir).mode & 0o077).toBe(0)
      }
      expect(readdirSync(dir)).toEqual([KeyFile.fileName])
      const doc = JSON.parse(readFileSync(path, "utf8"))
      expect([doc.format, doc.version, doc.protection.mode]).toEqual(["tokenvault-keys", 1, "none"])
      const s = run(keyring.seal(Plaintext.make(panOf(1)), "aad"))
      run(keyring.rotate())
      const reopened = run(Keyring.fromDirectory(dir, { env: {} }))
      expect(Plaintext.reveal(run(reopened.open(s, "aad")))).toBe(panOf(1))
      expect(reopened.status().activeVersion).toBe(2)
      expect(readdirSync(dir)).toEqual([KeyFile.fileName])
    })

    it("[NO-PAN-LEAK] with a KEK every key is stored wrapped; it round-trips; a wrong or missing KEK is a typed error", async () => {
      const dir = tmp()
      // Start unprotected, remember the plain key material, then protect it with a KEK.
      const plain = run(Keyring.fromDirectory(dir, { env: {} }))
      await runP(plain.publicJwk("m1"))
      const sealedBefore = run(plain.seal(Plaintext.make(panOf(2)), "aad"))
      const plainDoc = readFileSync(join(dir, KeyFile.fileName), "utf8")
      const rawMaterials = [...plainDoc.matchAll(/"raw:([A-Za-z0-9_-]+)"/g)].map((m) => m[1]!)
      expect(rawMaterials.length).toBe(3)

      const kek = Redacted.value(KeyFile.generateKek())
      const env = { TOKENVAULT_KEK: kek }
      const wrapped = run(Keyring.fromDirectory(dir, { env }))
      expect(wrapped.status().protection).toBe("kek")
      const text = readFileSync(join(dir, KeyFile.fileName), "utf8")
      expect(text).not.toContain("raw:")
      for (const m of rawMaterials) {
        for (const form of [m, Buffer.from(m, "base64url").toString("hex"), Buffer.from(m, "base64url").toString("base64")]) expect(text).not.toContain(form)
      }
      expect(text).not.toContain(kek)
      if (process.platform !== "win32") expect(statSync(join(dir, KeyFile.fileName)).mode & 0o777).toBe(0o600)

      // Round trip with the KEK: same data key, same fingerprint key, same JWE key.
      const again = run(Keyring.fromDirectory(dir, { env }))
      expect(Plaintext.reveal(run(again.open(sealedBefore, "aad")))).toBe(panOf(2))
      expect(run(again.fingerprint(Plaintext.make("x")))).toBe(run(plain.fingerprint(Plaintext.make("x"))))
      expect((await runP(again.publicJwk("m1"))).kid).toBe((await runP(plain.publicJwk("m1"))).kid)

      const wrong = await failureOf(Keyring.fromDirectory(dir, { env: { TOKENVAULT_KEK: Redacted.value(KeyFile.generateKek()) } }))
      expect([wrong._tag, wrong.reason._tag]).toEqual(["KeyFileError", "WrongKek"])
      const missing = await failureOf(Keyring.fromDirectory(dir, { env: {} }))
      expect([missing._tag, missing.reason._tag]).toEqual(["KeyFileError", "KekRequired"])
      const invalid = await failureOf(Keyring.fromDirectory(dir, { env: { TOKENVAULT_KEK: "too-short" } }))
      expect([invalid._tag, invalid.reason._tag]).toEqual(["KeyFileError", "KekInvalid"])
    })

    it("[NO-PAN-LEAK] [KEY-RETIRED-NEVER-ENCRYPTS] a KEK-protected file whose states or keys were edited is refused (document MAC, slot-bound wrapping)", async () => {
      const storage = KeyFile.memoryStorage()
      const kek = KeyFile.generateKek()
      const kekBytes = run(Effect.fromResult(KeyFile.decodeKek(Redacted.value(kek))))
      const keyring = run(Keyring.make({ storage, kek: kekBytes }))
      run(keyring.rotate())
      const doc = JSON.parse(storage.snapshot()!)
      // Re-activate a retired version.
      const reactivated = structuredClone(doc)
      reactivated.dataKeys[0].state = "active"
      reactivated.dataKeys[1].state = "decrypt-only"
      // Swap two wrapped keys.
      const swapped = structuredClone(doc)
      ;[swapped.dataKeys[0].material, swapped.dataKeys[1].material] = [doc.dataKeys[1].material, doc.dataKeys[0].material]
      // Lower the reservation (would under-count encryptions).
      const lowered = structuredClone(doc)
      lowered.dataKeys[1].reservedEncryptions = 0
      for (const edited of [reactivated, swapped, lowered]) {
        const e = await failureOf(Keyring.make({ storage: KeyFile.memoryStorage(JSON.stringify(edited)), kek: kekBytes }))
        expect([e._tag, e.reason._tag]).toEqual(["KeyFileError", "Corrupt"])
      }
      const future = await failureOf(Keyring.make({ storage: KeyFile.memoryStorage(JSON.stringify({ ...doc, version: 2 })), kek: kekBytes }))
      expect(future.reason._tag).toBe("UnsupportedVersion")
    })

    it("[NO-PAN-LEAK] no key bytes in JSON.stringify or util.inspect of the keyring, its status or its errors", async () => {
      const storage = KeyFile.memoryStorage()
      const keyring = run(Keyring.make({ storage }))
      await runP(keyring.publicJwk("m1"))
      const sealed = run(keyring.seal(Plaintext.make(panOf(3)), "aad"))
      const doc = storage.snapshot()!
      const secrets = [...doc.matchAll(/"raw:([A-Za-z0-9_-]+)"/g)].map((m) => m[1]!)
      expect(secrets).toHaveLength(3)
      const forms = secrets.flatMap((s) => {
        const b = Buffer.from(s, "base64url")
        return [s, b.toString("hex"), b.toString("base64"), b.toString("latin1")]
      })
      const errors = [
        await failureOf(keyring.open({ ...sealed, ciphertext: sealed.ciphertext.slice(2) }, "aad")),
        await failureOf(keyring.open({ ...sealed, keyVersion: 99 }, "aad")),
        await failureOf(keyring.destroy(1)),
        await failureOf(Keyring.make({ storage: KeyFile.memoryStorage("{") }))
      ]
      const printed = [
        JSON.stringify(keyring),
        inspect(keyring, { depth: 20, showHidden: true }),
        String(keyring),
        JSON.stringify(keyring.status()),
        inspect(keyring.jweKeys("m1"), { depth: 20 }),
        JSON.stringify(keyring.jweKeys("m1")),
        JSON.stringify(storage),
        ...errors.flatMap((e) => [JSON.stringify(e), inspect(e, { depth: 20 }), String(e.message), String(e.stack)])
      ]
      for (const text of printed) {
        for (const f of forms) expect(text).not.toContain(f)
        expect(text).not.toContain(panOf(3))
      }
    })
  })
})
