/**
 * {@link CardCrypto.CardCrypto} on `node:crypto`: AES-256-GCM with random
 * 96-bit nonces for sealing, HMAC-SHA256 under a separate key for
 * fingerprints. Keys are given at construction as `Redacted` bytes and kept
 * as `KeyObject`s, which never print their material.
 *
 * Sealed layout (base64url): nonce (12) ‖ ciphertext ‖ tag (16). The key
 * version is stored beside it and bound into the associated data.
 *
 * @since 0.1.0
 */
import type { TokenRecord } from "@tokenvault/core"
import { createCipheriv, createDecipheriv, createHmac, createSecretKey, type KeyObject } from "node:crypto"
import { Effect, Layer, Redacted } from "effect"
import * as CardCrypto from "./CardCrypto.ts"
import * as Plaintext from "./Plaintext.ts"
import { NonceSource } from "./internal/nonces.ts"

/**
 * Keys for the single-key adapter: a 32-byte data key and a separate 32-byte
 * fingerprint key.
 *
 * @category models
 * @since 0.1.0
 */
export interface Keys {
  readonly dataKey: Redacted.Redacted<Uint8Array>
  readonly fingerprintKey: Redacted.Redacted<Uint8Array>
  /** The version number written beside every ciphertext (default 1). */
  readonly keyVersion?: number | undefined
}

const decryptionFailed = () => new CardCrypto.CardCryptoError({ reason: new CardCrypto.DecryptionFailed() })

/**
 * Seals `plaintext` under `key`, binding `aad` and the key version.
 *
 * @category encoding
 * @since 0.1.0
 */
export const sealWith = (key: KeyObject, keyVersion: number, nonce: Uint8Array, plaintext: string, aad: string): string => {
  const cipher = createCipheriv("aes-256-gcm", key, nonce)
  cipher.setAAD(Buffer.from(`${aad}\u0000v${keyVersion}`, "utf8"))
  const body = cipher.update(plaintext, "utf8")
  const final = cipher.final()
  return Buffer.concat([nonce, body, final, cipher.getAuthTag()]).toString("base64url")
}

/**
 * Opens a sealed value, or returns `undefined` on any failure (wrong key,
 * wrong associated data, tampered bytes): callers map it to one
 * detail-free `DecryptionFailed`.
 *
 * @category decoding
 * @since 0.1.0
 */
export const openWith = (key: KeyObject, keyVersion: number, ciphertext: string, aad: string): string | undefined => {
  const bytes = Buffer.from(ciphertext, "base64url")
  if (bytes.length < 28) return undefined
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, bytes.subarray(0, 12))
    decipher.setAAD(Buffer.from(`${aad}\u0000v${keyVersion}`, "utf8"))
    decipher.setAuthTag(bytes.subarray(bytes.length - 16))
    // Bytes out, decoded once: an output encoding would give every decipher a StringDecoder of its own.
    const body = decipher.update(bytes.subarray(12, bytes.length - 16))
    decipher.final()
    return body.toString("utf8")
  } catch {
    return undefined
  }
}

/**
 * HMAC-SHA256 fingerprint (base64url) of `value` under `key`.
 *
 * @category encoding
 * @since 0.1.0
 */
export const fingerprintWith = (key: KeyObject, value: string): string => createHmac("sha256", key).update(value, "utf8").digest("base64url")

/**
 * Imports 32 secret bytes as an AES/HMAC `KeyObject`.
 *
 * @category constructors
 * @since 0.1.0
 */
export const importKey = (bytes: Redacted.Redacted<Uint8Array>): KeyObject => {
  const raw = Redacted.value(bytes)
  if (raw.length !== 32) throw new RangeError("A key must be 32 bytes.")
  return createSecretKey(raw)
}

/**
 * Builds the adapter from its keys.
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (keys: Keys): CardCrypto.Service => {
  const dataKey = importKey(keys.dataKey)
  const fingerprintKey = importKey(keys.fingerprintKey)
  const keyVersion = keys.keyVersion ?? 1
  const nonces = new NonceSource()
  const sealUnsafe = (plaintext: Plaintext.Plaintext, aad: string): TokenRecord.Sealed => ({
    keyVersion,
    ciphertext: sealWith(dataKey, keyVersion, nonces.next(), Plaintext.reveal(plaintext), aad)
  })
  const fingerprintUnsafe = (value: Plaintext.Plaintext): string => fingerprintWith(fingerprintKey, Plaintext.reveal(value))
  return {
    capabilities: { name: "node-aes-256-gcm", aead: "AES-256-GCM", fingerprint: "HMAC-SHA256", keyVersions: false },
    seal: (plaintext, aad) => Effect.sync(() => sealUnsafe(plaintext, aad)),
    open: (sealed, aad) =>
      Effect.suspend(() => {
        if (sealed.keyVersion !== keyVersion) {
          return Effect.fail(new CardCrypto.CardCryptoError({ reason: new CardCrypto.KeyUnavailable({ keyVersion: sealed.keyVersion }) }))
        }
        const out = openWith(dataKey, keyVersion, sealed.ciphertext, aad)
        return out === undefined ? Effect.fail(decryptionFailed()) : Effect.succeed(Plaintext.make(out))
      }),
    openUnsafe: (sealed, aad) => {
      const out = sealed.keyVersion === keyVersion ? openWith(dataKey, keyVersion, sealed.ciphertext, aad) : undefined
      return out === undefined ? undefined : Plaintext.make(out)
    },
    fingerprint: (value) => Effect.sync(() => fingerprintUnsafe(value)),
    sealUnsafe,
    fingerprintUnsafe
  }
}

/**
 * A layer with the adapter.
 *
 * @category layers
 * @since 0.1.0
 */
export const layer = (keys: Keys): Layer.Layer<CardCrypto.CardCrypto> => Layer.sync(CardCrypto.CardCrypto, () => make(keys))
