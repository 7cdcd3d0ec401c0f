/**
 * The keyring: a {@link CardCrypto.Service} with versioned data keys, kept in
 * the vault directory's key file ({@link KeyFile}), plus the merchants' JWE
 * key pairs for encrypted card input ({@link Jwe}).
 *
 * **Data keys**
 *
 * Each version is `active`, `decrypt-only` or `destroyed`:
 *
 * ```text
 * active ──retire / rotate──▶ decrypt-only ──destroy──▶ destroyed (key bytes dropped)
 * ```
 *
 * - At most one version is active, and it is the newest. Sealing always uses
 *   it; `decrypt-only` and `destroyed` versions never seal (PCI DSS 3.7.5).
 * - `rotate` adds a fresh random 32-byte version and demotes the previous
 *   active one to `decrypt-only`; old versions keep decrypting.
 * - `destroy` crypto-shreds every value sealed under that version.
 * - `minDecryptionVersion` can be raised only when no record in the store
 *   uses an older version (`KEY_VERSION_IN_USE`); versions below it no longer
 *   open.
 * - Every active version counts its encryptions. The count is persisted in
 *   reserved blocks *before* they are used, so a crash never under-counts;
 *   when it reaches `maxEncryptionsPerKey` (default 2^31, under the 2^32
 *   random-nonce limit of NIST SP 800-38D §8.3) the keyring rotates by
 *   itself.
 *
 * **Fingerprint key**
 *
 * Fingerprints (HMAC-SHA256) use a key of their own that `rotate` never
 * changes: a new fingerprint key would change every fingerprint and break
 * duplicate-card detection for all stored tokens.
 *
 * **Rewrap**
 *
 * `rewrap(store)` re-seals every live record under the newest version with
 * compare-and-set updates, in batches, while the vault serves traffic; it is
 * idempotent, so after a crash it is simply run again.
 *
 * No key byte appears in `JSON.stringify`, `util.inspect`, errors or logs of
 * a keyring: keys are `KeyObject`s, and the keyring prints only its status.
 *
 * @since 0.1.0
 */
import { createSecretKey, type KeyObject, randomBytes } from "node:crypto"
import { IsoDate, TokenError, type TokenRecord } from "@tokenvault/core"
import { Context, Effect, Layer, Redacted, Result } from "effect"
import * as CardCrypto from "./CardCrypto.ts"
import * as CardIntake from "./CardIntake.ts"
import { type Contents, type DataKey, decode, encode, type JweKey, makeProtector, protectPrivate, protectSecret, slots } from "./internal/keyringFile.ts"
import { NonceSource } from "./internal/nonces.ts"
import * as Jwe from "./Jwe.ts"
import * as KeyFile from "./KeyFile.ts"
import { fingerprintWith, openWith, sealWith } from "./NodeCardCrypto.ts"
import * as Plaintext from "./Plaintext.ts"
import type * as TokenStore from "./TokenStore.ts"

/**
 * A data key version's state.
 *
 * @category models
 * @since 0.1.0
 */
export type VersionState = "active" | "decrypt-only" | "destroyed"

/**
 * The default encryption limit per data key: 2^31, half the 2^32 limit for
 * AES-GCM with random 96-bit nonces (NIST SP 800-38D §8.3).
 *
 * @category models
 * @since 0.1.0
 */
export const DEFAULT_MAX_ENCRYPTIONS_PER_KEY = 2 ** 31

/**
 * The default number of encryptions reserved (persisted) at a time.
 *
 * @category models
 * @since 0.1.0
 */
export const DEFAULT_RESERVATION_BLOCK = 2 ** 20

/**
 * Options for opening a keyring.
 *
 * @category models
 * @since 0.1.0
 */
export interface Options {
  /** Where the key document lives: {@link KeyFile.fileStorage} or {@link KeyFile.memoryStorage}. */
  readonly storage: KeyFile.Storage
  /** The key-encrypting key; when given, every key in the file is stored wrapped under it. */
  readonly kek?: Redacted.Redacted<Uint8Array> | undefined
  /** Create a new key document when there is none (default `true`). */
  readonly create?: boolean | undefined
  /** Encryptions per data key before automatic rotation (default 2^31; tests set it low). */
  readonly maxEncryptionsPerKey?: number | undefined
  /** Encryptions reserved per key-file write (default 2^20, capped by the limit). */
  readonly reservationBlock?: number | undefined
  /** The clock for `createdAt` stamps (default: the system clock). */
  readonly now?: (() => Date) | undefined
}

/**
 * One data key version as reported by {@link Service.status}.
 *
 * @category models
 * @since 0.1.0
 */
export interface VersionStatus {
  readonly version: number
  readonly state: VersionState
  readonly createdAt: string
  /** Encryptions counted (after a restart, starts from the persisted reservation). */
  readonly encryptions: number
  /** Encryptions reserved in the key file (an upper bound of those made). */
  readonly reservedEncryptions: number
}

/**
 * The keyring's state, free of key material.
 *
 * @category models
 * @since 0.1.0
 */
export interface Status {
  readonly location: string
  readonly protection: "kek" | "none"
  readonly activeVersion: number | undefined
  readonly minDecryptionVersion: number
  readonly maxEncryptionsPerKey: number
  readonly versions: ReadonlyArray<VersionStatus>
  readonly fingerprintKeyCreatedAt: string
  readonly jweKeys: ReadonlyArray<{ readonly owner: string; readonly kid: string; readonly createdAt: string }>
}

/**
 * Progress of a rewrap, reported after each batch. `cursor` resumes the scan
 * (pass it as {@link RewrapOptions.cursor}).
 *
 * @category models
 * @since 0.1.0
 */
export interface RewrapProgress {
  readonly targetVersion: number
  readonly pass: number
  readonly scanned: number
  readonly rewrapped: number
  readonly cursor: string | undefined
}

/**
 * Options for {@link Service.rewrap}.
 *
 * @category models
 * @since 0.1.0
 */
export interface RewrapOptions {
  /** Records per store page (default 256, capped by the store). */
  readonly batchSize?: number | undefined
  /** Resume the first pass after this cursor (from a {@link RewrapProgress}). */
  readonly cursor?: string | undefined
  /** Compare-and-set attempts per record before it is deferred to the next pass (default 16). */
  readonly maxAttempts?: number | undefined
  /** Full passes at most (default 3); a pass runs again only while records were deferred. */
  readonly maxPasses?: number | undefined
  /** Called after every batch (for checkpoints and progress reports). */
  readonly onBatch?: ((progress: RewrapProgress) => void) | undefined
}

/**
 * What a rewrap did.
 *
 * @category models
 * @since 0.1.0
 */
export interface RewrapReport {
  readonly targetVersion: number
  readonly passes: number
  /** Live records seen (a record seen in two passes counts twice). */
  readonly scanned: number
  /** Records re-sealed under the target version. */
  readonly rewrapped: number
  /** Compare-and-set conflicts retried (concurrent writers). */
  readonly conflicts: number
  /** Records whose ciphertext could not be opened (destroyed version, below the minimum, or damaged). */
  readonly unreadable: number
  /** Records still below the target after the last pass (deferred by conflicts, or unreadable). */
  readonly remaining: number
}

/**
 * The errors of the keyring's administrative operations: a rule refusal
 * (`KEY_INVALID_STATE`, `KEY_VERSION_IN_USE`) or a key-file failure.
 *
 * @category errors
 * @since 0.1.0
 */
export type KeyringError = TokenError.TokenError | KeyFile.KeyFileError

/**
 * The keyring: the crypto port plus key management.
 *
 * @category models
 * @since 0.1.0
 */
export interface Service extends CardCrypto.Service {
  /** The state, without key material. */
  readonly status: () => Status
  /** Adds a new active version (returned); the previous active one becomes decrypt-only. */
  readonly rotate: () => Effect.Effect<number, KeyFile.KeyFileError>
  /** Makes a version decrypt-only (no-op if it already is). */
  readonly retire: (version: number) => Effect.Effect<void, KeyringError>
  /** Destroys a decrypt-only version: its key bytes are dropped and everything sealed under it is shredded. */
  readonly destroy: (version: number) => Effect.Effect<void, KeyringError>
  /**
   * Sets the minimum version that may decrypt. Raising it is refused with
   * `KEY_VERSION_IN_USE` while any record in `store` uses an older version,
   * and with `KEY_INVALID_STATE` above the active version.
   */
  readonly setMinDecryptionVersion: (
    version: number,
    store: TokenStore.Service
  ) => Effect.Effect<void, KeyringError | TokenStore.TokenStoreError>
  /** Live records per key version in `store`. */
  readonly usage: (store: TokenStore.Service) => Effect.Effect<ReadonlyMap<number, number>, TokenStore.TokenStoreError>
  /** Re-seals every live record of `store` under the active version. */
  readonly rewrap: (
    store: TokenStore.Service,
    options?: RewrapOptions
  ) => Effect.Effect<RewrapReport, KeyringError | TokenStore.TokenStoreError | CardCrypto.CardCryptoError>
  /** The owner's (merchant's) current public JWK, creating its key pair on first use. */
  readonly publicJwk: (owner: string) => Effect.Effect<Jwe.PublicJwk, KeyFile.KeyFileError>
  /** Adds a new JWE key pair for the owner (older ones keep decrypting until destroyed). */
  readonly rotateJweKey: (owner: string) => Effect.Effect<Jwe.PublicJwk, KeyFile.KeyFileError>
  /** Destroys one of the owner's JWE keys. */
  readonly destroyJweKey: (owner: string, kid: string) => Effect.Effect<void, KeyringError>
  /** The owner's JWE private keys, newest first. */
  readonly jweKeys: (owner: string) => ReadonlyArray<Jwe.DecryptionKey>
  /** Decrypts an AlliancePay card-number / expiry JWE pair sent to the owner's key. */
  readonly decryptCard: (
    owner: string,
    input: Jwe.EncryptedCard,
    options?: Jwe.PlaintextOptions
  ) => Effect.Effect<Jwe.DecryptedCard, TokenError.TokenError>
}

/**
 * The keyring as an Effect service.
 *
 * @category services
 * @since 0.1.0
 */
export class Keyring extends Context.Service<Keyring, Service>()("@tokenvault/vault/Keyring") {}

const inspectSymbol = Symbol.for("nodejs.util.inspect.custom")

const FAR_FUTURE = IsoDate.make({ year: 9999, month: 12, day: 31 })

const invalidState = (message: string) => TokenError.make("KEY_INVALID_STATE", { rule: "KEY-RETIRED-NEVER-ENCRYPTS", message })

type One = "rewrapped" | "current" | "gone" | "unreadable" | "deferred"

const keyUnavailable = (keyVersion?: number) =>
  new CardCrypto.CardCryptoError({
    reason: keyVersion === undefined ? new CardCrypto.KeyUnavailable({}) : new CardCrypto.KeyUnavailable({ keyVersion })
  })

const decryptionFailed = () => new CardCrypto.CardCryptoError({ reason: new CardCrypto.DecryptionFailed() })

const newSecret = () => {
  const bytes = randomBytes(32)
  const key = createSecretKey(bytes)
  bytes.fill(0)
  return key
}

interface Active {
  readonly version: number
  readonly key: KeyObject
  reserved: number
  used: number
}

const build = (
  storage: KeyFile.Storage,
  protector: ReturnType<typeof makeProtector>,
  initial: Contents,
  options: Options,
  fresh: boolean
): Service => {
  const limit = options.maxEncryptionsPerKey ?? DEFAULT_MAX_ENCRYPTIONS_PER_KEY
  const block = Math.max(1, Math.min(options.reservationBlock ?? DEFAULT_RESERVATION_BLOCK, limit))
  const now = options.now ?? (() => new Date())
  const nonces = new NonceSource()

  let state = initial
  /** Encryptions counted per version; after a restart, the persisted reservation. */
  const used = new Map<number, number>()
  // A fresh document has made no encryption; a reopened one may have used its whole reservation.
  for (const k of state.dataKeys) used.set(k.version, fresh ? 0 : k.reserved)
  let active: Active | undefined
  let openable = new Map<number, KeyObject>()
  let jweByOwner = new Map<string, ReadonlyArray<Jwe.DecryptionKey>>()

  const refresh = () => {
    if (active !== undefined) used.set(active.version, active.used)
    const a = state.dataKeys.find((k) => k.state === "active")
    active = a === undefined || a.key === undefined
      ? undefined
      : { version: a.version, key: a.key, reserved: a.reserved, used: used.get(a.version) ?? a.reserved }
    openable = new Map()
    for (const k of state.dataKeys) {
      if (k.key !== undefined && k.state !== "destroyed" && k.version >= state.minDecryptionVersion) openable.set(k.version, k.key)
    }
    const byOwner = new Map<string, Array<Jwe.DecryptionKey>>()
    for (let i = state.jweKeys.length - 1; i >= 0; i--) {
      const k = state.jweKeys[i]!
      let list = byOwner.get(k.owner)
      if (list === undefined) byOwner.set(k.owner, (list = []))
      list.push({ kid: k.kid, privateKey: k.privateKey })
    }
    jweByOwner = byOwner
  }
  refresh()

  /** Persists `next` and makes it current; on failure nothing changes. */
  const commit = (next: Contents): Result.Result<void, KeyFile.KeyFileError> => {
    const written = storage.write(encode(next, protector))
    if (Result.isFailure(written)) return written
    state = next
    refresh()
    return written
  }

  const withDataKeys = (dataKeys: ReadonlyArray<DataKey>): Contents => ({ ...state, dataKeys })

  const rotateNow = (): Result.Result<number, KeyFile.KeyFileError> => {
    const last = state.dataKeys[state.dataKeys.length - 1]
    const version = (last?.version ?? 0) + 1
    const key = newSecret()
    const fresh: DataKey = {
      version,
      state: "active",
      createdAt: now().toISOString(),
      reserved: block,
      key,
      material: protectSecret(protector, slots.data(version), key)
    }
    const committed = commit(
      withDataKeys([...state.dataKeys.map((k): DataKey => (k.state === "active" ? { ...k, state: "decrypt-only" } : k)), fresh])
    )
    if (Result.isFailure(committed)) return Result.fail(committed.failure)
    used.set(version, 0)
    active = { version, key, reserved: block, used: 0 }
    return Result.succeed(version)
  }

  /**
   * The key to seal with next, after counting the encryption; `undefined` when none may seal. With `write`
   * false it takes no new reservation and does not rotate, so it writes nothing: `undefined` when either is due.
   */
  const nextEncryption = (write: boolean): Active | undefined => {
    let a = active
    if (a === undefined) return undefined
    if (!write && (a.used >= limit || a.used >= a.reserved)) return undefined
    if (a.used >= limit) {
      if (Result.isFailure(rotateNow())) return undefined
      a = active!
    }
    if (a.used >= a.reserved) {
      const reserved = Math.min(a.used + block, limit)
      const version = a.version
      if (Result.isFailure(commit(withDataKeys(state.dataKeys.map((k) => (k.version === version ? { ...k, reserved } : k))))))
        return undefined
      a = active!
    }
    a.used++
    return a
  }

  const findVersion = (version: number): DataKey | undefined => state.dataKeys.find((k) => k.version === version)

  const sealSync = (plaintext: string, aad: string, write = true): TokenRecord.Sealed | undefined => {
    const a = nextEncryption(write)
    return a === undefined ? undefined : { keyVersion: a.version, ciphertext: sealWith(a.key, a.version, nonces.next(), plaintext, aad) }
  }

  /** The plaintext, or the reason it cannot be had. */
  const openSync = (sealed: TokenRecord.Sealed, aad: string): string | "KeyUnavailable" | "DecryptionFailed" => {
    const key = openable.get(sealed.keyVersion)
    if (key === undefined) return "KeyUnavailable"
    return openWith(key, sealed.keyVersion, sealed.ciphertext, aad) ?? "DecryptionFailed"
  }

  const seal: CardCrypto.Service["seal"] = (plaintext, aad) =>
    Effect.suspend(() => {
      const sealed = sealSync(Plaintext.reveal(plaintext), aad)
      return sealed === undefined ? Effect.fail(keyUnavailable()) : Effect.succeed(sealed)
    })

  const open: CardCrypto.Service["open"] = (sealed, aad) =>
    Effect.suspend(() => {
      const out = openSync(sealed, aad)
      if (out === "KeyUnavailable") return Effect.fail(keyUnavailable(sealed.keyVersion))
      if (out === "DecryptionFailed") return Effect.fail(decryptionFailed())
      return Effect.succeed(Plaintext.make(out))
    })

  const openUnsafe: CardCrypto.Service["openUnsafe"] = (sealed, aad) => {
    const out = openSync(sealed, aad)
    return out === "KeyUnavailable" || out === "DecryptionFailed" ? undefined : Plaintext.make(out)
  }

  /** Within the reservation already on file only: a key-file write (a new reservation, a rotation) is `seal`'s, once. */
  const sealUnsafe: CardCrypto.Service["sealUnsafe"] = (plaintext, aad) => sealSync(Plaintext.reveal(plaintext), aad, false)

  const fingerprintUnsafe = (value: Plaintext.Plaintext): string => fingerprintWith(state.fingerprint.key, Plaintext.reveal(value))

  const fingerprint: CardCrypto.Service["fingerprint"] = (value) => Effect.sync(() => fingerprintUnsafe(value))

  const status = (): Status => {
    if (active !== undefined) used.set(active.version, active.used)
    return {
      location: storage.location,
      protection: protector.mode,
      activeVersion: active?.version,
      minDecryptionVersion: state.minDecryptionVersion,
      maxEncryptionsPerKey: limit,
      versions: state.dataKeys.map((k) => ({
        version: k.version,
        state: k.state,
        createdAt: k.createdAt,
        encryptions: used.get(k.version) ?? k.reserved,
        reservedEncryptions: k.reserved
      })),
      fingerprintKeyCreatedAt: state.fingerprint.createdAt,
      jweKeys: state.jweKeys.map((k) => ({ owner: k.owner, kid: k.kid, createdAt: k.createdAt }))
    }
  }

  const fromResult = <A>(r: Result.Result<A, KeyFile.KeyFileError>): Effect.Effect<A, KeyFile.KeyFileError> => Effect.fromResult(r)

  const setState = (version: number, to: "decrypt-only" | "destroyed"): Effect.Effect<void, KeyringError> =>
    Effect.suspend((): Effect.Effect<void, KeyringError> => {
      const k = findVersion(version)
      if (k === undefined) return Effect.fail(invalidState(`Key version ${version} does not exist.`))
      if (k.state === to) return Effect.void
      if (to === "decrypt-only" && k.state !== "active") return Effect.fail(invalidState("Only an active version can be retired."))
      if (to === "destroyed" && k.state !== "decrypt-only") {
        return Effect.fail(invalidState("Only a decrypt-only version can be destroyed; retire or rotate first."))
      }
      const next: DataKey = to === "destroyed" ? { ...k, state: to, key: undefined, material: undefined } : { ...k, state: to }
      return fromResult(commit(withDataKeys(state.dataKeys.map((d) => (d.version === version ? next : d)))))
    })

  /** Visits every live record (tombstones hold no sealed data), page by page. */
  const sweep = <E>(
    store: TokenStore.Service,
    batchSize: number,
    cursor: string | undefined,
    visit: (items: ReadonlyArray<TokenRecord.TokenRecord>, cursor: string | undefined) => Effect.Effect<boolean, E>
  ): Effect.Effect<void, E | TokenStore.TokenStoreError> =>
    Effect.gen(function*() {
      let next = cursor
      do {
        const page = yield* store.dueForPurge(FAR_FUTURE, { limit: batchSize, cursor: next })
        next = page.cursor
        const stop = yield* visit(page.items, next)
        if (stop) return
      } while (next !== undefined)
    })

  const usage = (store: TokenStore.Service) =>
    Effect.gen(function*() {
      const counts = new Map<number, number>()
      yield* sweep(store, 1000, undefined, (items) =>
        Effect.sync(() => {
          for (const r of items) {
            if (r.sealed !== undefined) counts.set(r.sealed.keyVersion, (counts.get(r.sealed.keyVersion) ?? 0) + 1)
          }
          return false
        }))
      return counts as ReadonlyMap<number, number>
    })

  const setMinDecryptionVersion = (version: number, store: TokenStore.Service) =>
    Effect.gen(function*() {
      if (!Number.isSafeInteger(version) || version < 1) return yield* invalidState("A key version is a positive integer.")
      if (active === undefined || version > active.version) {
        return yield* invalidState("minDecryptionVersion cannot exceed the active version.")
      }
      if (version > state.minDecryptionVersion) {
        let inUse = false
        yield* sweep(store, 1000, undefined, (items) =>
          Effect.sync(() => {
            inUse = items.some((r) => r.sealed !== undefined && r.sealed.keyVersion < version)
            return inUse
          }))
        if (inUse) return yield* TokenError.make("KEY_VERSION_IN_USE", { rule: "KEY-MIN-DECRYPTION" })
      }
      yield* fromResult(commit({ ...state, minDecryptionVersion: version }))
    })


  /**
   * Re-seals one record under `target` with compare-and-set; on a conflict
   * it re-reads the record and tries again (at most `maxAttempts` times).
   */
  const rewrapOne = (
    store: TokenStore.Service,
    first: TokenRecord.TokenRecord | undefined,
    target: number,
    maxAttempts: number,
    counters: { conflicts: number }
  ): Effect.Effect<One, TokenStore.TokenStoreError | CardCrypto.CardCryptoError> => {
    const attempt = (r: TokenRecord.TokenRecord | undefined, n: number): Effect.Effect<One, TokenStore.TokenStoreError | CardCrypto.CardCryptoError> => {
      if (r === undefined || r.sealed === undefined || r.status === "DELETED") return Effect.succeed("gone")
      if (r.sealed.keyVersion >= target) return Effect.succeed("current")
      if (n >= maxAttempts) return Effect.succeed("deferred")
      const aad = CardCrypto.associatedData(r.token, r.merchantId)
      const plaintext = openSync(r.sealed, aad)
      if (plaintext === "KeyUnavailable" || plaintext === "DecryptionFailed") return Effect.succeed("unreadable")
      const sealed = sealSync(plaintext, aad)
      if (sealed === undefined) return Effect.fail(keyUnavailable())
      return Effect.matchEffect(store.update({ ...r, sealed, version: r.version + 1 }), {
        onSuccess: () => Effect.succeed<One>("rewrapped"),
        onFailure: (e) => {
          if (e.reason._tag === "NotFound") return Effect.succeed<One>("gone")
          if (e.reason._tag !== "Conflict") return Effect.fail(e)
          counters.conflicts++
          return Effect.flatMap(store.get(r.token), (next) => attempt(next, n + 1))
        }
      })
    }
    return Effect.suspend(() => attempt(first, 0))
  }

  const rewrap: Service["rewrap"] = (store, options) =>
    Effect.gen(function*() {
      if (active === undefined) return yield* invalidState("No active key version to rewrap to.")
      const target = active.version
      const batchSize = Math.max(1, options?.batchSize ?? 256)
      const maxAttempts = Math.max(1, options?.maxAttempts ?? 16)
      const maxPasses = Math.max(1, options?.maxPasses ?? 3)
      const counters = { conflicts: 0 }
      let scanned = 0
      let rewrapped = 0
      let unreadable = 0
      let remaining = 0
      let passes = 0
      let start = options?.cursor
      for (let pass = 1; pass <= maxPasses; pass++) {
        passes = pass
        let deferred = 0
        unreadable = 0
        yield* sweep(store, batchSize, start, (items, cursor) =>
          Effect.gen(function*() {
            for (const r of items) {
              scanned++
              const outcome = yield* rewrapOne(store, r, target, maxAttempts, counters)
              if (outcome === "rewrapped") rewrapped++
              else if (outcome === "unreadable") unreadable++
              else if (outcome === "deferred") deferred++
            }
            options?.onBatch?.({ targetVersion: target, pass, scanned, rewrapped, cursor })
            return false
          }))
        remaining = deferred + unreadable
        // A pass that started mid-way (resume) is followed by a full one.
        if (deferred === 0 && start === undefined) break
        start = undefined
      }
      return { targetVersion: target, passes, scanned, rewrapped, conflicts: counters.conflicts, unreadable, remaining }
    })

  const addJweKey = (owner: string): Result.Result<Jwe.PublicJwk, KeyFile.KeyFileError> => {
    const pair = Jwe.generateKeyPair()
    const entry: JweKey = {
      owner,
      kid: pair.kid,
      createdAt: now().toISOString(),
      privateKey: pair.privateKey,
      publicJwk: pair.publicJwk,
      material: protectPrivate(protector, slots.jwe(owner, pair.kid), pair.privateKey)
    }
    const committed = commit({ ...state, jweKeys: [...state.jweKeys, entry] })
    return Result.isFailure(committed) ? Result.fail(committed.failure) : Result.succeed(pair.publicJwk)
  }

  const jweKeys = (owner: string): ReadonlyArray<Jwe.DecryptionKey> => jweByOwner.get(owner) ?? []

  const service: Service = {
    capabilities: { name: "node-keyring", aead: "AES-256-GCM", fingerprint: "HMAC-SHA256", keyVersions: true },
    seal,
    open,
    openUnsafe,
    fingerprint,
    sealUnsafe,
    fingerprintUnsafe,
    status,
    rotate: () => Effect.suspend(() => fromResult(rotateNow())),
    retire: (version) => setState(version, "decrypt-only"),
    destroy: (version) => setState(version, "destroyed"),
    setMinDecryptionVersion,
    usage,
    rewrap,
    publicJwk: (owner) =>
      Effect.suspend(() => {
        for (let i = state.jweKeys.length - 1; i >= 0; i--) {
          const k = state.jweKeys[i]!
          if (k.owner === owner) return Effect.succeed(k.publicJwk)
        }
        return fromResult(addJweKey(owner))
      }),
    rotateJweKey: (owner) => Effect.suspend(() => fromResult(addJweKey(owner))),
    destroyJweKey: (owner, kid) =>
      Effect.suspend((): Effect.Effect<void, KeyringError> => {
        if (!state.jweKeys.some((k) => k.owner === owner && k.kid === kid)) {
          return Effect.fail(invalidState("No such JWE key."))
        }
        return fromResult(commit({ ...state, jweKeys: state.jweKeys.filter((k) => !(k.owner === owner && k.kid === kid)) }))
      }),
    jweKeys,
    decryptCard: (owner, input, options) => Jwe.decryptCard(input, jweKeys(owner), options)
  }
  // Print the status, never key material.
  Object.defineProperty(service, "toJSON", { value: () => status(), enumerable: false })
  Object.defineProperty(service, inspectSymbol, {
    value: () => {
      const s = status()
      return `Keyring(${s.location}, protection: ${s.protection}, active: v${s.activeVersion ?? "-"}, versions: ${s.versions.length}, jwe keys: ${s.jweKeys.length})`
    },
    enumerable: false
  })
  Object.defineProperty(service, "toString", { value: () => "Keyring(<redacted>)", enumerable: false })
  return service
}

const newContents = (options: Options, protector: ReturnType<typeof makeProtector>): Contents => {
  const createdAt = (options.now ?? (() => new Date()))().toISOString()
  const fingerprintKey = newSecret()
  const dataKey = newSecret()
  const limit = options.maxEncryptionsPerKey ?? DEFAULT_MAX_ENCRYPTIONS_PER_KEY
  return {
    fingerprint: { createdAt, key: fingerprintKey, material: protectSecret(protector, slots.fingerprint(), fingerprintKey) },
    minDecryptionVersion: 1,
    dataKeys: [
      {
        version: 1,
        state: "active",
        createdAt,
        reserved: Math.max(1, Math.min(options.reservationBlock ?? DEFAULT_RESERVATION_BLOCK, limit)),
        key: dataKey,
        material: protectSecret(protector, slots.data(1), dataKey)
      }
    ],
    jweKeys: []
  }
}

/**
 * Opens the keyring in `options.storage`, creating a new key document (a
 * fingerprint key and data key version 1) when there is none. A plain
 * document opened with a KEK is rewritten protected at once.
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (options: Options): Effect.Effect<Service, KeyFile.KeyFileError> =>
  Effect.suspend(() => {
    const limit = options.maxEncryptionsPerKey ?? DEFAULT_MAX_ENCRYPTIONS_PER_KEY
    if (!Number.isSafeInteger(limit) || limit < 1) return Effect.die(new RangeError("maxEncryptionsPerKey must be a positive integer"))
    const block = options.reservationBlock ?? DEFAULT_RESERVATION_BLOCK
    if (!Number.isSafeInteger(block) || block < 1) return Effect.die(new RangeError("reservationBlock must be a positive integer"))
    const protector = makeProtector(options.kek)
    const read = options.storage.read()
    if (Result.isFailure(read)) return Effect.fail(read.failure)
    if (read.success === undefined) {
      if (options.create === false) {
        return Effect.fail(new KeyFile.KeyFileError({ reason: new KeyFile.Io({ detail: "open: ENOENT" }) }))
      }
      const contents = newContents(options, protector)
      const written = options.storage.write(encode(contents, protector))
      if (Result.isFailure(written)) return Effect.fail(written.failure)
      return Effect.succeed(build(options.storage, protector, contents, options, true))
    }
    const decoded = decode(read.success, protector)
    if (Result.isFailure(decoded)) return Effect.fail(decoded.failure)
    if (decoded.success.upgrade) {
      const written = options.storage.write(encode(decoded.success.contents, protector))
      if (Result.isFailure(written)) return Effect.fail(written.failure)
    }
    return Effect.succeed(build(options.storage, protector, decoded.success.contents, options, false))
  })

/**
 * Opens (or creates) the keyring in the vault directory `directory`
 * (`<directory>/keys.json`), with the KEK from `TOKENVAULT_KEK` in `env`
 * (default `process.env`) when set.
 *
 * @category constructors
 * @since 0.1.0
 */
export const fromDirectory = (
  directory: string,
  options?: Omit<Options, "storage" | "kek"> & { readonly env?: Readonly<Record<string, string | undefined>> | undefined }
): Effect.Effect<Service, KeyFile.KeyFileError> =>
  Effect.flatMap(Effect.fromResult(KeyFile.kekFromEnv(options?.env ?? process.env)), (kek) =>
    make({ ...options, storage: KeyFile.fileStorage(directory), kek }))

/**
 * The keyring as the encrypted card input port: its merchants' JWE keys,
 * with the decrypted PAN wrapped in `Redacted`.
 *
 * @category constructors
 * @since 0.1.0
 */
export const cardIntake = (keyring: Service): CardIntake.Service => ({
  capabilities: CardIntake.capabilities,
  publicJwk: keyring.publicJwk,
  decryptCard: (merchantId, input, options) =>
    Effect.map(keyring.decryptCard(merchantId, input, options), ({ expiry, pan }) => ({ pan: Redacted.make(pan), expiry }))
})

/** Every service a keyring provides. */
const services = (k: Service) =>
  Context.make(Keyring, k).pipe(Context.add(CardCrypto.CardCrypto, k), Context.add(CardIntake.CardIntake, cardIntake(k)))

/**
 * A layer with the keyring, as {@link Keyring}, the crypto port and the
 * encrypted card input port.
 *
 * @category layers
 * @since 0.1.0
 */
export const layer = (
  options: Options
): Layer.Layer<Keyring | CardCrypto.CardCrypto | CardIntake.CardIntake, KeyFile.KeyFileError> =>
  Layer.effectContext(Effect.map(make(options), services))

/**
 * A layer with the keyring of the vault directory `directory` (KEK from
 * `TOKENVAULT_KEK`), as {@link Keyring}, the crypto port and the encrypted
 * card input port.
 *
 * @category layers
 * @since 0.1.0
 */
export const layerFromDirectory = (
  directory: string,
  options?: Omit<Options, "storage" | "kek"> & { readonly env?: Readonly<Record<string, string | undefined>> | undefined }
): Layer.Layer<Keyring | CardCrypto.CardCrypto | CardIntake.CardIntake, KeyFile.KeyFileError> =>
  Layer.effectContext(Effect.map(fromDirectory(directory, options), services))
