/**
 * The crypto port: seals instrument data with an AEAD bound to its token and
 * owner, opens it, and computes keyed fingerprints for duplicate detection.
 *
 * **Obligations every adapter meets**
 *
 * - `seal` binds the ciphertext to `aad`; `open` with any other `aad` fails
 *   with `DecryptionFailed`, as does any change to a ciphertext byte.
 * - Every sealed value names the key version that sealed it; only an active
 *   version ever seals.
 * - `fingerprint` is a keyed MAC under a key of its own, never a plain hash.
 * - Errors carry no plaintext, no key bytes and no detail that could serve as
 *   an oracle.
 *
 * @since 0.1.0
 */
import type { TokenRecord } from "@tokenvault/core"
import { Context, type Effect, Schema } from "effect"
import type * as Plaintext from "./Plaintext.ts"

/**
 * What an adapter provides.
 *
 * @category models
 * @since 0.1.0
 */
export interface Capabilities {
  readonly name: string
  readonly aead: "AES-256-GCM"
  readonly fingerprint: "HMAC-SHA256"
  /** Whether the adapter holds several key versions (rotation, rewrap). */
  readonly keyVersions: boolean
}

/**
 * Decryption failed. Identical for every cause (wrong key, wrong associated
 * data, tampered bytes), with no message from the runtime, so that it is no
 * oracle.
 *
 * @category errors
 * @since 0.1.0
 */
export class DecryptionFailed extends Schema.TaggedError<DecryptionFailed>()("DecryptionFailed", {}) {}

/**
 * The key version a ciphertext names is not available for decryption (below
 * the minimum decryption version, or destroyed), or no active key can seal.
 *
 * @category errors
 * @since 0.1.0
 */
export class KeyUnavailable extends Schema.TaggedError<KeyUnavailable>()("KeyUnavailable", {
  keyVersion: Schema.optional(Schema.Number)
}) {}

/**
 * The crypto port's one error, with a tagged `reason`.
 *
 * @category errors
 * @since 0.1.0
 */
export class CardCryptoError extends Schema.TaggedError<CardCryptoError>()("CardCryptoError", {
  reason: Schema.Union([DecryptionFailed, KeyUnavailable])
}) {}

/**
 * The port's operations.
 *
 * @category models
 * @since 0.1.0
 */
export interface Service {
  /** What the adapter provides. */
  readonly capabilities: Capabilities
  /**
   * Encrypts instrument data under an active key version, bound to `aad` (see
   * `associatedData`); returns the ciphertext and the version that sealed it.
   */
  readonly seal: (plaintext: Plaintext.Plaintext, aad: string) => Effect.Effect<TokenRecord.Sealed, CardCryptoError>
  /**
   * Decrypts sealed data with the same `aad`. Another `aad`, another key or any changed
   * byte gives `DecryptionFailed`, with no detail; a version that may no longer decrypt
   * gives `KeyUnavailable`.
   */
  readonly open: (sealed: TokenRecord.Sealed, aad: string) => Effect.Effect<Plaintext.Plaintext, CardCryptoError>
  /**
   * Optional: `open` run synchronously, for adapters whose keys are in memory. It answers
   * what `open` succeeds with, or `undefined` on any failure; the caller then takes `open`,
   * which gives the typed error. The vault's read-only hot path uses it. A wrapper that
   * overrides `open` (to audit or count decryptions) overrides or drops this one too.
   */
  readonly openUnsafe?: ((sealed: TokenRecord.Sealed, aad: string) => Plaintext.Plaintext | undefined) | undefined
  /**
   * A keyed MAC of the value under the fingerprint key (never a plain hash), for
   * duplicate detection.
   */
  readonly fingerprint: (value: Plaintext.Plaintext) => Effect.Effect<string, CardCryptoError>
  /**
   * Optional: `seal` run synchronously, as `openUnsafe` is `open`'s twin: what `seal`
   * succeeds with, or `undefined` on any failure. The vault's tokenize uses it, and takes
   * `seal` when it answers `undefined`. A wrapper that overrides `seal` overrides or drops it.
   */
  readonly sealUnsafe?: ((plaintext: Plaintext.Plaintext, aad: string) => TokenRecord.Sealed | undefined) | undefined
  /**
   * Optional: `fingerprint` run synchronously: the same MAC, or `undefined` on any failure.
   * The vault's tokenize uses it, and takes `fingerprint` when it answers `undefined`. A
   * wrapper that overrides `fingerprint` overrides or drops it: duplicate detection and
   * idempotency compare fingerprints from both.
   */
  readonly fingerprintUnsafe?: ((value: Plaintext.Plaintext) => string | undefined) | undefined
}

/**
 * The crypto port as an Effect service.
 *
 * @category services
 * @since 0.1.0
 */
export class CardCrypto extends Context.Service<CardCrypto, Service>()("@tokenvault/vault/CardCrypto") {}

/**
 * The associated data that binds a ciphertext to its token and owner.
 *
 * @category encoding
 * @since 0.1.0
 */
export const associatedData = (token: string, merchantId: string): string => `tokenvault/v1\u0000${token}\u0000${merchantId}`
