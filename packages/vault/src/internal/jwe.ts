/**
 * Compact JWE decryption for ECDH-ES+AxxxKW key agreement with AES-GCM
 * content encryption (RFC 7516, RFC 7518 §4.6 and §5.3), on `node:crypto`
 * primitives only: `createPublicKey` (JWK import, which checks the point is on
 * the curve), `diffieHellman`, one SHA-256 for the Concat KDF, the
 * `id-aesNNN-wrap` cipher (RFC 3394) and AES-GCM.
 *
 * Generic over the curve and the key sizes so that published vectors for
 * neighbouring profiles (RFC 7520 §5.4 is ECDH-ES+A128KW / A128GCM on P-384)
 * exercise the same code as the AlliancePay profile
 * (ECDH-ES+A256KW / A256GCM on P-384).
 *
 * Functions return a small result value instead of throwing, and never carry
 * runtime messages: the caller maps a failure code to a detail-free error.
 *
 * @internal
 */
import { createDecipheriv, createHash, createPublicKey, diffieHellman, type KeyObject } from "node:crypto"

/** Failure codes (a subset of the core catalogue). */
export type Failure =
  | "JWE_MALFORMED"
  | "JWE_UNSUPPORTED_ALGORITHM"
  | "JWE_UNKNOWN_KEY"
  | "JWE_INVALID_KEY"
  | "JWE_DECRYPTION_FAILED"

export type Outcome<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly code: Failure }

const fail = (code: Failure): Outcome<never> => ({ ok: false, code })

/** A key-agreement profile: which alg, enc and curve are accepted. */
export interface Profile {
  readonly alg: "ECDH-ES+A128KW" | "ECDH-ES+A192KW" | "ECDH-ES+A256KW"
  readonly enc: "A128GCM" | "A192GCM" | "A256GCM"
  readonly crv: "P-256" | "P-384" | "P-521"
}

/** The AlliancePay profile. */
export const ALLIANCE_PAY: Profile = { alg: "ECDH-ES+A256KW", enc: "A256GCM", crv: "P-384" }

const kwBytes = (alg: Profile["alg"]): number => (alg === "ECDH-ES+A128KW" ? 16 : alg === "ECDH-ES+A192KW" ? 24 : 32)
const gcmBytes = (enc: Profile["enc"]): number => (enc === "A128GCM" ? 16 : enc === "A192GCM" ? 24 : 32)

/** Field primes (big-endian), to refuse non-canonical coordinates (≥ p). */
const FIELD_PRIME: Record<Profile["crv"], Buffer> = {
  "P-256": Buffer.from("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", "hex"),
  "P-384": Buffer.from(
    "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff",
    "hex"
  ),
  "P-521": Buffer.from(
    "01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    "hex"
  )
}

/** RFC 3394 default initial value. */
const KW_IV = Buffer.from("A6A6A6A6A6A6A6A6", "hex")

const B64URL = /^[A-Za-z0-9_-]*$/

/**
 * Strict base64url: alphabet only, no padding, and canonical (the unused low
 * bits of the last character are zero), so that one byte string has exactly
 * one encoding.
 */
export const decodeB64url = (s: string): Buffer | undefined => {
  if (!B64URL.test(s) || s.length % 4 === 1) return undefined
  const bytes = Buffer.from(s, "base64url")
  if (bytes.toString("base64url") !== s) return undefined
  return bytes
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false })

/** The largest compact JWE accepted (a PAN JWE is well under 1 KiB). */
export const MAX_COMPACT_LENGTH = 16384

/** A compact JWE split and decoded, header parsed but not yet judged. */
export interface Parsed {
  /** The protected header exactly as received (the GCM associated data). */
  readonly headerB64: string
  readonly header: Record<string, unknown>
  readonly encryptedKey: Buffer
  readonly iv: Buffer
  readonly ciphertext: Buffer
  readonly tag: Buffer
}

/** Splits and decodes a compact JWE; any structural defect is `JWE_MALFORMED`. */
export const parse = (compact: unknown): Outcome<Parsed> => {
  if (typeof compact !== "string" || compact.length === 0 || compact.length > MAX_COMPACT_LENGTH) {
    return fail("JWE_MALFORMED")
  }
  const parts = compact.split(".")
  if (parts.length !== 5) return fail("JWE_MALFORMED")
  const [h, k, i, c, t] = parts as [string, string, string, string, string]
  if (h.length === 0) return fail("JWE_MALFORMED")
  const headerBytes = decodeB64url(h)
  const encryptedKey = decodeB64url(k)
  const iv = decodeB64url(i)
  const ciphertext = decodeB64url(c)
  const tag = decodeB64url(t)
  if (headerBytes === undefined || encryptedKey === undefined || iv === undefined || ciphertext === undefined || tag === undefined) {
    return fail("JWE_MALFORMED")
  }
  let header: unknown
  try {
    header = JSON.parse(utf8.decode(headerBytes))
  } catch {
    return fail("JWE_MALFORMED")
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) return fail("JWE_MALFORMED")
  return { ok: true, value: { headerB64: h, header: header as Record<string, unknown>, encryptedKey, iv, ciphertext, tag } }
}

/** The header fields the key agreement needs, after the checks. */
export interface Agreement {
  readonly kid: string | undefined
  readonly epk: Record<string, unknown>
  readonly apu: Buffer
  readonly apv: Buffer
}

const optionalB64 = (u: unknown): Buffer | null => {
  if (u === undefined) return Buffer.alloc(0)
  if (typeof u !== "string") return null
  return decodeB64url(u) ?? null
}

/**
 * Judges the protected header against `profile`: alg, enc and the epk's kty
 * and crv must match exactly (`JWE_UNSUPPORTED_ALGORITHM`, as are `zip` and
 * `crit`, which this decrypter does not implement).
 */
export const agreement = (header: Record<string, unknown>, profile: Profile): Outcome<Agreement> => {
  if (header["alg"] !== profile.alg || header["enc"] !== profile.enc) return fail("JWE_UNSUPPORTED_ALGORITHM")
  if (header["zip"] !== undefined || header["crit"] !== undefined) return fail("JWE_UNSUPPORTED_ALGORITHM")
  const epk = header["epk"]
  if (typeof epk !== "object" || epk === null || Array.isArray(epk)) return fail("JWE_UNSUPPORTED_ALGORITHM")
  const e = epk as Record<string, unknown>
  if (e["kty"] !== "EC" || e["crv"] !== profile.crv) return fail("JWE_UNSUPPORTED_ALGORITHM")
  const kid = header["kid"]
  if (kid !== undefined && typeof kid !== "string") return fail("JWE_MALFORMED")
  const apu = optionalB64(header["apu"])
  const apv = optionalB64(header["apv"])
  if (apu === null || apv === null) return fail("JWE_MALFORMED")
  return { ok: true, value: { kid, epk: e, apu, apv } }
}

/**
 * Imports the ephemeral public key: the coordinates must be canonical field
 * elements of the curve's size, the epk must carry no private part, and
 * `node:crypto` refuses a point that is not on the curve
 * (ERR_CRYPTO_INVALID_JWK). Every failure is `JWE_INVALID_KEY`.
 */
export const importEpk = (a: Agreement, crv: Profile["crv"]): Outcome<KeyObject> => {
  const e = a.epk
  if (e["d"] !== undefined) return fail("JWE_INVALID_KEY")
  const p = FIELD_PRIME[crv]
  const x = typeof e["x"] === "string" ? decodeB64url(e["x"]) : undefined
  const y = typeof e["y"] === "string" ? decodeB64url(e["y"]) : undefined
  if (x === undefined || y === undefined || x.length !== p.length || y.length !== p.length) return fail("JWE_INVALID_KEY")
  if (Buffer.compare(x, p) >= 0 || Buffer.compare(y, p) >= 0) return fail("JWE_INVALID_KEY")
  try {
    const key = createPublicKey({ key: { kty: "EC", crv, x: e["x"] as string, y: e["y"] as string }, format: "jwk" })
    return { ok: true, value: key }
  } catch {
    return fail("JWE_INVALID_KEY")
  }
}

const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4)
  b.writeUInt32BE(n >>> 0, 0)
  return b
}

/**
 * Concat KDF (NIST SP 800-56A §5.8.1, as profiled by RFC 7518 §4.6.2) for
 * key lengths up to 256 bits, i.e. a single SHA-256 round:
 * `SHA-256(00000001 ‖ Z ‖ len(AlgorithmID) ‖ AlgorithmID ‖ len(apu) ‖ apu ‖
 * len(apv) ‖ apv ‖ keydatalen)`, truncated to `keyBits`.
 */
export const concatKdf = (z: Uint8Array, algorithmId: string, apu: Uint8Array, apv: Uint8Array, keyBits: number): Buffer => {
  if (keyBits <= 0 || keyBits > 256 || keyBits % 8 !== 0) throw new RangeError("keyBits must be 8..256, a multiple of 8")
  const alg = Buffer.from(algorithmId, "ascii")
  const digest = createHash("sha256")
    .update(u32(1))
    .update(z)
    .update(u32(alg.length))
    .update(alg)
    .update(u32(apu.length))
    .update(apu)
    .update(u32(apv.length))
    .update(apv)
    .update(u32(keyBits))
    .digest()
  const out = Buffer.from(digest.subarray(0, keyBits / 8))
  digest.fill(0)
  return out
}

/** AES key unwrap (RFC 3394) with the `id-aesNNN-wrap` cipher; `undefined` when the integrity check fails. */
export const aesKwUnwrap = (kek: Buffer, wrapped: Buffer): Buffer | undefined => {
  const cipher = kek.length === 16 ? "id-aes128-wrap" : kek.length === 24 ? "id-aes192-wrap" : "id-aes256-wrap"
  try {
    const d = createDecipheriv(cipher, kek, KW_IV)
    return Buffer.concat([d.update(wrapped), d.final()])
  } catch {
    return undefined
  }
}

/** AES-GCM decryption; `undefined` on any failure (tag, key, data). */
export const gcmDecrypt = (cek: Buffer, iv: Buffer, ciphertext: Buffer, tag: Buffer, aad: Buffer): Buffer | undefined => {
  const cipher = cek.length === 16 ? "aes-128-gcm" : cek.length === 24 ? "aes-192-gcm" : "aes-256-gcm"
  try {
    const d = createDecipheriv(cipher, cek, iv, { authTagLength: 16 })
    d.setAAD(aad)
    d.setAuthTag(tag)
    return Buffer.concat([d.update(ciphertext), d.final()])
  } catch {
    return undefined
  }
}

/** ECDH shared secret Z. */
export const sharedSecret = (privateKey: KeyObject, publicKey: KeyObject): Buffer | undefined => {
  try {
    return diffieHellman({ privateKey, publicKey })
  } catch {
    return undefined
  }
}

/**
 * Unwraps the content key with one recipient private key (ECDH, KDF, AES-KW);
 * `undefined` when the AES-KW integrity check fails (wrong key or tampered
 * encrypted key).
 */
export const unwrapCek = (
  privateKey: KeyObject,
  epk: KeyObject,
  a: Agreement,
  encryptedKey: Buffer,
  profile: Profile
): Buffer | undefined => {
  const z = sharedSecret(privateKey, epk)
  if (z === undefined) return undefined
  const kek = concatKdf(z, profile.alg, a.apu, a.apv, kwBytes(profile.alg) * 8)
  z.fill(0)
  const cek = aesKwUnwrap(kek, encryptedKey)
  kek.fill(0)
  if (cek !== undefined && cek.length !== gcmBytes(profile.enc)) {
    cek.fill(0)
    return undefined
  }
  return cek
}

/** A recipient key the decrypter may use. */
export interface RecipientKey {
  readonly kid: string
  readonly privateKey: KeyObject
}

/**
 * The candidate keys for a header: the one named by `kid`, or every key
 * (newest first, as given) when the header names none.
 */
export const candidates = (kid: string | undefined, keys: ReadonlyArray<RecipientKey>): Outcome<ReadonlyArray<RecipientKey>> => {
  if (keys.length === 0) return fail("JWE_UNKNOWN_KEY")
  if (kid === undefined) return { ok: true, value: keys }
  for (const k of keys) if (k.kid === kid) return { ok: true, value: [k] }
  return fail("JWE_UNKNOWN_KEY")
}

/**
 * Decrypts a compact JWE under `profile` with one of `keys`. The returned
 * buffer is the caller's to zero after use.
 */
export const decrypt = (compact: unknown, keys: ReadonlyArray<RecipientKey>, profile: Profile): Outcome<Buffer> => {
  const parsed = parse(compact)
  if (!parsed.ok) return parsed
  const p = parsed.value
  const agreed = agreement(p.header, profile)
  if (!agreed.ok) return agreed
  const a = agreed.value
  // GCM with a 96-bit IV and a full 128-bit tag only (as jose); judged once enc is known.
  if (p.iv.length !== 12 || p.tag.length !== 16) return fail("JWE_MALFORMED")
  const which = candidates(a.kid, keys)
  if (!which.ok) return which
  const epk = importEpk(a, profile.crv)
  if (!epk.ok) return epk
  // The wrapped content key is the GCM key plus the 8-byte AES-KW block.
  if (p.encryptedKey.length !== gcmBytes(profile.enc) + 8) return fail("JWE_DECRYPTION_FAILED")
  for (const k of which.value) {
    const cek = unwrapCek(k.privateKey, epk.value, a, p.encryptedKey, profile)
    if (cek === undefined) continue
    const plaintext = gcmDecrypt(cek, p.iv, p.ciphertext, p.tag, Buffer.from(p.headerB64, "ascii"))
    cek.fill(0)
    return plaintext === undefined ? fail("JWE_DECRYPTION_FAILED") : { ok: true, value: plaintext }
  }
  return fail("JWE_DECRYPTION_FAILED")
}
