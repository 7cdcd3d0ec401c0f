/**
 * The vault for teams without Effect: `createVault(...)` returns an object of
 * async methods that reject with the vault's typed errors (objects with
 * `_tag: "TokenError"`, `code` and `gatewayCode`).
 *
 * **Example** (Tokenize and use a card)
 *
 * ```ts
 * import { createVault } from "@tokenvault/vault/PromiseVault"
 *
 * const vault = await createVault()
 * await vault.addMerchant({ merchantId: "shop-1" })
 * const t = await vault.tokenize({ merchantId: "shop-1", customerId: "c1", pan: "4111111111111111", expiry: "12/30" })
 * const use = await vault.authorizeUse({ merchantId: "shop-1", token: t.token, source: "CIT", mode: "INITIAL", type: "RECURRING" })
 * ```
 *
 * @since 0.1.0
 */
import { randomBytes } from "node:crypto"
import { TokenError } from "@tokenvault/core"
import { Clock, Effect, Layer, ManagedRuntime, Redacted, Result } from "effect"
import * as SecureRandom from "effect/crypto/SecureRandom"
import * as CardCrypto from "./CardCrypto.ts"
import type * as CardIntake from "./CardIntake.ts"
import * as EncryptedTokenize from "./EncryptedTokenize.ts"
import type * as Jwe from "./Jwe.ts"
import * as MemoryTokenStore from "./MemoryTokenStore.ts"
import * as NodeCardCrypto from "./NodeCardCrypto.ts"
import * as NodeSecureRandom from "./NodeSecureRandom.ts"
import * as TokenStore from "./TokenStore.ts"
import * as Vault from "./Vault.ts"

/**
 * Options for {@link createVault}. Every port has a default: a fresh memory
 * store, node:crypto with fresh random keys, the OS CSPRNG and the real
 * clock.
 *
 * @category models
 * @since 0.1.0
 */
export interface CreateVaultOptions {
  readonly store?: TokenStore.Service | undefined
  readonly crypto?: CardCrypto.Service | undefined
  readonly random?: SecureRandom.SecureRandom["Service"] | undefined
  /** Epoch milliseconds "now", for back-fills and tests. */
  readonly now?: (() => number) | undefined
  /**
   * Encrypted card input (e.g. `Keyring.cardIntake(keyring)`); when given,
   * the vault also has {@link PromiseCardIntake}'s methods.
   */
  readonly intake?: CardIntake.Service | undefined
}

/**
 * The methods a vault made with {@link CreateVaultOptions.intake} adds
 * (see {@link EncryptedTokenize.Service}).
 *
 * @category models
 * @since 0.1.0
 */
export interface PromiseCardIntake {
  /** AlliancePay's token creation from encrypted card data. */
  readonly tokenizeEncrypted: (request: EncryptedTokenize.CreateRequest) => Promise<EncryptedTokenize.CreateResponse>
  /** A known merchant's public encryption key. */
  readonly publicJwk: (merchantId: string) => Promise<Jwe.PublicJwk>
}

/**
 * The Promise-based vault: each method mirrors {@link Vault.Service}.
 *
 * @category models
 * @since 0.1.0
 */
export type PromiseVault = {
  readonly [K in keyof Vault.Service]: Vault.Service[K] extends (...args: infer A) => Effect.Effect<infer R, infer _E> ? (
      ...args: A
    ) => Promise<R>
    : never
} & {
  /** Releases the runtime and closes the store. */
  readonly close: () => Promise<void>
}

/**
 * A `Clock` that reads `now()`; `sleep` is not supported by the vault's use
 * cases and completes at once.
 *
 * @category constructors
 * @since 0.1.0
 */
export const clockFrom = (now: () => number): Clock.Clock => ({
  currentTimeMillisUnsafe: now,
  currentTimeMillis: Effect.sync(now),
  currentTimeNanosUnsafe: () => BigInt(now()) * 1_000_000n,
  currentTimeNanos: Effect.sync(() => BigInt(now()) * 1_000_000n),
  monotonicTimeNanosUnsafe: () => BigInt(now()) * 1_000_000n,
  monotonicTimeNanos: Effect.sync(() => BigInt(now()) * 1_000_000n),
  sleep: () => Effect.void
})

/**
 * Builds a vault and returns its Promise API; with `intake`, also
 * {@link PromiseCardIntake}'s methods.
 *
 * @category constructors
 * @since 0.1.0
 */
export async function createVault(
  options: CreateVaultOptions & { readonly intake: CardIntake.Service }
): Promise<PromiseVault & PromiseCardIntake>
export async function createVault(options?: CreateVaultOptions): Promise<PromiseVault>
export async function createVault(options: CreateVaultOptions = {}): Promise<PromiseVault> {
  const store = options.store ?? MemoryTokenStore.make()
  const crypto = options.crypto ??
    NodeCardCrypto.make({ dataKey: Redacted.make(randomBytes(32)), fingerprintKey: Redacted.make(randomBytes(32)) })
  const ports = Layer.mergeAll(
    Layer.succeed(TokenStore.TokenStore, store),
    Layer.succeed(CardCrypto.CardCrypto, crypto),
    options.random === undefined ? NodeSecureRandom.layer : Layer.succeed(SecureRandom.SecureRandom, options.random)
  )
  const clock = options.now === undefined ? Layer.empty : Layer.succeed(Clock.Clock, clockFrom(options.now))
  const runtime = ManagedRuntime.make(Layer.mergeAll(Vault.layer.pipe(Layer.provide(ports)), clock))
  const service: Vault.Service = await runtime.runPromise(Effect.gen(function*() {
    return yield* Vault.Vault
  }))
  let closed = false
  const run = <A>(effect: Effect.Effect<A, unknown>): Promise<A> =>
    closed
      ? Promise.reject(TokenError.make("STORE_UNAVAILABLE", { message: "The vault is closed." }))
      : runtime.runPromise(Effect.result(effect)).then((result) => {
        if (Result.isSuccess(result)) return result.success
        throw result.failure
      })
  const api: Record<string, unknown> = {}
  for (const [name, method] of Object.entries(service)) {
    api[name] = (...args: Array<unknown>) => run((method as (...a: Array<unknown>) => Effect.Effect<unknown, unknown>)(...args))
  }
  if (options.intake !== undefined) {
    const encrypted = EncryptedTokenize.make({ vault: service, store, intake: options.intake })
    api["tokenizeEncrypted"] = (request: EncryptedTokenize.CreateRequest) => run(encrypted.create(request))
    api["publicJwk"] = (merchantId: string) => run(encrypted.publicJwk(merchantId))
  }
  api["close"] = async () => {
    if (closed) return
    closed = true
    await runtime.runPromise(Effect.ignore(store.close()))
    await runtime.dispose()
  }
  return api as PromiseVault
}
