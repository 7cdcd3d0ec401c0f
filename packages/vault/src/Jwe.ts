/**
 * Encrypted card input (AlliancePay): `encryptedCardNumber` and
 * `encryptedExpDate` arrive as compact JWEs with `alg` ECDH-ES+A256KW and
 * `enc` A256GCM, encrypted to the merchant's published EC P-384 key.
 *
 * Decryption runs on `node:crypto` only (JWK import with on-curve check,
 * `diffieHellman`, a single SHA-256 Concat KDF, `id-aes256-wrap`,
 * `aes-256-gcm`); nothing is hand-rolled. Exactly one profile is accepted;
 * everything else is refused with a {@link TokenError.TokenError} whose code
 * says which check failed and nothing more:
 *
 * | code | when |
 * |---|---|
 * | `JWE_MALFORMED` | not five base64url parts, header not a JSON object, IV not 96 bits, tag not 128 bits, bad `kid`/`apu`/`apv` type |
 * | `JWE_UNSUPPORTED_ALGORITHM` | `alg`, `enc`, epk `kty`/`crv` other than the profile; `zip` or `crit` present |
 * | `JWE_UNKNOWN_KEY` | the header's `kid` is not one of the merchant's keys, or the merchant has none |
 * | `JWE_INVALID_KEY` | the ephemeral key is not a valid P-384 point (off-curve, wrong size, ≥ p) |
 * | `JWE_DECRYPTION_FAILED` | any cryptographic failure (wrong key, tampered header, encrypted key, IV, ciphertext or tag) |
 * | `JWE_INVALID_PLAINTEXT` | the card JWE does not hold a 12–19 digit PAN, or the expiry JWE not YYMM |
 *
 * **Event loop**
 *
 * One P-384 decryption costs one JWK import and one ECDH (about 2–4 ms on a
 * server core) and runs synchronously: `crypto.diffieHellman` has no
 * asynchronous form on Node 20. {@link decryptCard} yields to the scheduler
 * between the two decryptions, so the event loop is never blocked for longer
 * than one operation. Hosts with a high JWE rate should bound concurrency or
 * run the vault in several worker threads.
 *
 * @since 0.1.0
 */
import { createHash, generateKeyPairSync, type KeyObject } from "node:crypto"
import { Expiry, Pan, TokenError } from "@tokenvault/core"
import { Effect, Redacted } from "effect"
import * as internal from "./internal/jwe.ts"

/**
 * The one key-management algorithm accepted.
 *
 * @category models
 * @since 0.1.0
 */
export const ALG = "ECDH-ES+A256KW" as const

/**
 * The one content-encryption algorithm accepted.
 *
 * @category models
 * @since 0.1.0
 */
export const ENC = "A256GCM" as const

/**
 * The one curve accepted.
 *
 * @category models
 * @since 0.1.0
 */
export const CRV = "P-384" as const

/**
 * A merchant's published encryption key, as a JWK (RFC 7517). `kid` is the
 * key's RFC 7638 thumbprint.
 *
 * @category models
 * @since 0.1.0
 */
export interface PublicJwk {
  readonly kty: "EC"
  readonly crv: typeof CRV
  readonly x: string
  readonly y: string
  readonly use: "enc"
  readonly alg: typeof ALG
  readonly kid: string
}

/**
 * A private key the decrypter may use, named by its `kid`. The `KeyObject`
 * never prints its material (`util.inspect` and `JSON.stringify` show none).
 *
 * @category models
 * @since 0.1.0
 */
export interface DecryptionKey {
  readonly kid: string
  readonly privateKey: KeyObject
}

/**
 * A key pair: the private key and the public JWK to publish.
 *
 * @category models
 * @since 0.1.0
 */
export interface KeyPair extends DecryptionKey {
  readonly publicJwk: PublicJwk
}

/**
 * A decrypted AlliancePay card: the PAN (which never prints its digits) and
 * the expiry.
 *
 * @category models
 * @since 0.1.0
 */
export interface DecryptedCard {
  readonly pan: Pan.Pan
  readonly expiry: Expiry.Expiry
}

/**
 * The encrypted fields of an AlliancePay token-creation request.
 *
 * @category models
 * @since 0.1.0
 */
export interface EncryptedCard {
  readonly encryptedCardNumber: unknown
  readonly encryptedExpDate: unknown
}

/**
 * Options for the plaintext checks.
 *
 * @category models
 * @since 0.1.0
 */
export interface PlaintextOptions {
  /** The merchant's Luhn policy (default `enforce`). */
  readonly luhn?: Pan.LuhnPolicy | undefined
}

/**
 * The RFC 7638 JWK thumbprint (SHA-256, base64url) of an EC public key.
 *
 * @category encoding
 * @since 0.1.0
 */
export const thumbprint = (jwk: { readonly crv: string; readonly x: string; readonly y: string }): string =>
  createHash("sha256").update(`{"crv":${JSON.stringify(jwk.crv)},"kty":"EC","x":${JSON.stringify(jwk.x)},"y":${JSON.stringify(jwk.y)}}`).digest(
    "base64url"
  )

/**
 * The public JWK of a P-384 private or public key.
 *
 * @category getters
 * @since 0.1.0
 */
export const publicJwkOf = (key: KeyObject): PublicJwk => {
  const jwk = key.export({ format: "jwk" })
  if (jwk.kty !== "EC" || jwk.crv !== CRV || typeof jwk.x !== "string" || typeof jwk.y !== "string") {
    throw new TypeError("Not a P-384 EC key.")
  }
  const x = jwk.x
  const y = jwk.y
  return { kty: "EC", crv: CRV, x, y, use: "enc", alg: ALG, kid: thumbprint({ crv: CRV, x, y }) }
}

/**
 * Generates a fresh P-384 key pair with `node:crypto`.
 *
 * @category constructors
 * @since 0.1.0
 */
export const generateKeyPair = (): KeyPair => {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: CRV })
  const publicJwk = publicJwkOf(privateKey)
  return { kid: publicJwk.kid, privateKey, publicJwk }
}

const error = (code: TokenError.ErrorCode): TokenError.TokenError => TokenError.make(code, { rule: "JWE-ALGORITHMS" })

const decryptSync = (compact: unknown, keys: ReadonlyArray<DecryptionKey>): Buffer | TokenError.TokenError => {
  const out = internal.decrypt(compact, keys, internal.ALLIANCE_PAY)
  return out.ok ? out.value : error(out.code)
}

/**
 * Decrypts one compact JWE (ECDH-ES+A256KW / A256GCM on P-384) with one of
 * `keys` (the one its `kid` names, else each in turn, newest first). The
 * plaintext is returned as `Redacted` bytes.
 *
 * @category decoding
 * @since 0.1.0
 */
export const decrypt = (compact: unknown, keys: ReadonlyArray<DecryptionKey>): Effect.Effect<Redacted.Redacted<Uint8Array>, TokenError.TokenError> =>
  Effect.suspend(() => {
    const out = decryptSync(compact, keys)
    return out instanceof TokenError.TokenError ? Effect.fail(out) : Effect.succeed(Redacted.make<Uint8Array>(out))
  })

const ASCII_DIGITS = /^[0-9]+$/

/** Plaintext bytes → string of ASCII digits only (else undefined); zeroes the bytes. */
const digits = (bytes: Buffer, maxLength: number): string | undefined => {
  const ok = bytes.length > 0 && bytes.length <= maxLength
  const text = ok ? bytes.toString("latin1") : ""
  bytes.fill(0)
  return ok && ASCII_DIGITS.test(text) ? text : undefined
}

const invalidPlaintext = () => error("JWE_INVALID_PLAINTEXT")

const toPan = (bytes: Buffer, options: PlaintextOptions | undefined): Pan.Pan | TokenError.TokenError => {
  const text = digits(bytes, 19)
  if (text === undefined) return invalidPlaintext()
  const pan = Pan.parse(text, { luhn: options?.luhn ?? "enforce" })
  return pan._tag === "Success" ? pan.success : invalidPlaintext()
}

const toExpiry = (bytes: Buffer): Expiry.Expiry | TokenError.TokenError => {
  const text = digits(bytes, 6)
  if (text === undefined) return invalidPlaintext()
  const expiry = Expiry.parse(text, "YYMM")
  return expiry._tag === "Success" ? expiry.success : invalidPlaintext()
}

/**
 * Decrypts an `encryptedCardNumber` JWE: its plaintext must be a 12–19 digit
 * PAN (Luhn per the merchant's policy), else `JWE_INVALID_PLAINTEXT`.
 *
 * @category decoding
 * @since 0.1.0
 */
export const decryptPan = (
  compact: unknown,
  keys: ReadonlyArray<DecryptionKey>,
  options?: PlaintextOptions
): Effect.Effect<Pan.Pan, TokenError.TokenError> =>
  Effect.suspend(() => {
    const bytes = decryptSync(compact, keys)
    if (bytes instanceof TokenError.TokenError) return Effect.fail(bytes)
    const pan = toPan(bytes, options)
    return pan instanceof TokenError.TokenError ? Effect.fail(pan) : Effect.succeed(pan)
  })

/**
 * Decrypts an `encryptedExpDate` JWE: its plaintext must be `YYMM` (`2503`
 * is March 2025), else `JWE_INVALID_PLAINTEXT`.
 *
 * @category decoding
 * @since 0.1.0
 */
export const decryptExpiry = (compact: unknown, keys: ReadonlyArray<DecryptionKey>): Effect.Effect<Expiry.Expiry, TokenError.TokenError> =>
  Effect.suspend(() => {
    const bytes = decryptSync(compact, keys)
    if (bytes instanceof TokenError.TokenError) return Effect.fail(bytes)
    const expiry = toExpiry(bytes)
    return expiry instanceof TokenError.TokenError ? Effect.fail(expiry) : Effect.succeed(expiry)
  })

/**
 * Decrypts both fields of an AlliancePay token-creation request (card
 * number first, then expiry), yielding to the scheduler between the two so
 * that no synchronous slice is longer than one P-384 decryption.
 *
 * @category decoding
 * @since 0.1.0
 */
export const decryptCard = (
  input: EncryptedCard,
  keys: ReadonlyArray<DecryptionKey>,
  options?: PlaintextOptions
): Effect.Effect<DecryptedCard, TokenError.TokenError> =>
  Effect.flatMap(decryptPan(input.encryptedCardNumber, keys, options), (pan) =>
    Effect.andThen(Effect.yieldNow, Effect.map(decryptExpiry(input.encryptedExpDate, keys), (expiry) => ({ pan, expiry })))
  )
