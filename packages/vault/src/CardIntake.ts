/**
 * The port for encrypted card input: card data that reaches the vault already
 * encrypted to a merchant's published key, as AlliancePay's token creation
 * sends `encryptedCardNumber` and `encryptedExpDate` (compact JWEs, alg
 * ECDH-ES+A256KW, enc A256GCM, curve P-384).
 *
 * An adapter publishes each merchant's public key and decrypts the two
 * fields. The keyring is the built-in adapter: `Keyring.layer` provides this
 * port too, and `Keyring.cardIntake` turns a keyring into it.
 *
 * Every refusal is a {@link TokenError.TokenError} with the code of the check
 * that failed (`JWE_MALFORMED`, `JWE_UNSUPPORTED_ALGORITHM`,
 * `JWE_UNKNOWN_KEY`, `JWE_INVALID_KEY`, `JWE_DECRYPTION_FAILED`,
 * `JWE_INVALID_PLAINTEXT`) and no further detail: no decrypted byte, key or
 * padding oracle leaks through an error.
 *
 * @since 0.1.0
 */
import type { Expiry, Pan, TokenError } from "@tokenvault/core"
import { Context, type Effect, type Redacted } from "effect"
import * as Jwe from "./Jwe.ts"
import type * as KeyFile from "./KeyFile.ts"

/**
 * What an adapter accepts: exactly one JWE profile.
 *
 * @category models
 * @since 0.1.0
 */
export interface Capabilities {
  readonly alg: typeof Jwe.ALG
  readonly enc: typeof Jwe.ENC
  readonly crv: typeof Jwe.CRV
}

/**
 * The AlliancePay profile: ECDH-ES+A256KW / A256GCM on P-384.
 *
 * @category models
 * @since 0.1.0
 */
export const capabilities: Capabilities = { alg: Jwe.ALG, enc: Jwe.ENC, crv: Jwe.CRV }

/**
 * A decrypted card: the PAN, wrapped twice (a `Redacted` around a
 * self-masking {@link Pan.Pan}), and the expiry.
 *
 * @category models
 * @since 0.1.0
 */
export interface DecryptedCard {
  readonly pan: Redacted.Redacted<Pan.Pan>
  readonly expiry: Expiry.Expiry
}

/**
 * The port.
 *
 * @category models
 * @since 0.1.0
 */
export interface Service {
  /** The one JWE profile this adapter decrypts. */
  readonly capabilities: Capabilities
  /** The merchant's current public key (created on first use); fails only when the key cannot be persisted. */
  readonly publicJwk: (merchantId: string) => Effect.Effect<Jwe.PublicJwk, KeyFile.KeyFileError>
  /**
   * Decrypts the card number (a 12–19 digit PAN, Luhn per `options.luhn`,
   * default `enforce`) and the expiry (`YYMM`) sent to the merchant's key.
   */
  readonly decryptCard: (
    merchantId: string,
    input: Jwe.EncryptedCard,
    options?: Jwe.PlaintextOptions
  ) => Effect.Effect<DecryptedCard, TokenError.TokenError>
}

/**
 * The port as an Effect service.
 *
 * @category services
 * @since 0.1.0
 */
export class CardIntake extends Context.Service<CardIntake, Service>()("@tokenvault/vault/CardIntake") {}
