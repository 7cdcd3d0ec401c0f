/**
 * The key document (format `tokenvault-keys`, version 1): encoding,
 * decoding and KEK protection. Key bytes live as `KeyObject`s in memory; in
 * the document they are `raw:<base64url>` (no KEK) or
 * `kek:<base64url(nonce ‖ ciphertext ‖ tag)>` (AES-256-GCM under a key
 * derived from the KEK, with the key's slot as associated data).
 *
 * @internal
 */
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createPrivateKey,
  createSecretKey,
  hkdfSync,
  type KeyObject,
  randomBytes,
  timingSafeEqual
} from "node:crypto"
import { Redacted, Result } from "effect"
import * as Jwe from "../Jwe.ts"
import * as KeyFile from "../KeyFile.ts"

export type VersionState = "active" | "decrypt-only" | "destroyed"

export interface DataKey {
  readonly version: number
  readonly state: VersionState
  readonly createdAt: string
  /** Encryptions reserved (persisted before use), an upper bound of the encryptions made. */
  readonly reserved: number
  readonly key: KeyObject | undefined
  readonly material: string | undefined
}

export interface JweKey {
  readonly owner: string
  readonly kid: string
  readonly createdAt: string
  readonly privateKey: KeyObject
  readonly publicJwk: Jwe.PublicJwk
  readonly material: string
}

export interface Contents {
  readonly fingerprint: { readonly createdAt: string; readonly key: KeyObject; readonly material: string }
  readonly minDecryptionVersion: number
  readonly dataKeys: ReadonlyArray<DataKey>
  readonly jweKeys: ReadonlyArray<JweKey>
}

const SALT = Buffer.from("tokenvault-keys/v1", "ascii")

/** Protects key material in the document; with a KEK it also MACs the document. */
export interface Protector {
  readonly mode: "none" | "kek"
  readonly kcv: string | undefined
  readonly protect: (slot: string, bytes: Uint8Array) => string
  readonly unprotect: (slot: string, text: string) => Buffer | undefined
  readonly mac: (body: string) => string | undefined
}

const slotAad = (slot: string): Buffer => Buffer.from(`tokenvault-keys/v1\u0000${slot}`, "utf8")

export const slots = {
  fingerprint: () => JSON.stringify(["fingerprint"]),
  data: (version: number) => JSON.stringify(["data", version]),
  jwe: (owner: string, kid: string) => JSON.stringify(["jwe", owner, kid])
} as const

const plainProtector: Protector = {
  mode: "none",
  kcv: undefined,
  protect: (_slot, bytes) => `raw:${Buffer.from(bytes).toString("base64url")}`,
  unprotect: (_slot, text) => (text.startsWith("raw:") ? Buffer.from(text.slice(4), "base64url") : undefined),
  mac: () => undefined
}

const derive = (kek: Uint8Array, info: string): Buffer => Buffer.from(hkdfSync("sha256", kek, SALT, info, 32))

export const makeProtector = (kek: Redacted.Redacted<Uint8Array> | undefined): Protector => {
  if (kek === undefined) return plainProtector
  const raw = Redacted.value(kek)
  const wrapBytes = derive(raw, "wrap")
  const macBytes = derive(raw, "mac")
  const kcvBytes = derive(raw, "kcv")
  const wrapKey = createSecretKey(wrapBytes)
  const macKey = createSecretKey(macBytes)
  const kcv = kcvBytes.subarray(0, 16).toString("base64url")
  wrapBytes.fill(0)
  macBytes.fill(0)
  kcvBytes.fill(0)
  return {
    mode: "kek",
    kcv,
    protect: (slot, bytes) => {
      const nonce = randomBytes(12)
      const c = createCipheriv("aes-256-gcm", wrapKey, nonce)
      c.setAAD(slotAad(slot))
      const body = Buffer.concat([c.update(bytes), c.final()])
      return `kek:${Buffer.concat([nonce, body, c.getAuthTag()]).toString("base64url")}`
    },
    unprotect: (slot, text) => {
      if (!text.startsWith("kek:")) return undefined
      const bytes = Buffer.from(text.slice(4), "base64url")
      if (bytes.length < 28) return undefined
      try {
        const d = createDecipheriv("aes-256-gcm", wrapKey, bytes.subarray(0, 12))
        d.setAAD(slotAad(slot))
        d.setAuthTag(bytes.subarray(bytes.length - 16))
        return Buffer.concat([d.update(bytes.subarray(12, bytes.length - 16)), d.final()])
      } catch {
        return undefined
      }
    },
    mac: (body) => createHmac("sha256", macKey).update(body, "utf8").digest("base64url")
  }
}

// ---------------------------------------------------------------------------
// Encoding

const exportSecret = (key: KeyObject): Buffer => key.export()

export const protectSecret = (protector: Protector, slot: string, key: KeyObject): string => {
  const bytes = exportSecret(key)
  const out = protector.protect(slot, bytes)
  bytes.fill(0)
  return out
}

export const protectPrivate = (protector: Protector, slot: string, key: KeyObject): string => {
  const der = key.export({ format: "der", type: "pkcs8" })
  const out = protector.protect(slot, der)
  der.fill(0)
  return out
}

const body = (contents: Contents, protector: Protector) => ({
  format: KeyFile.FORMAT,
  version: KeyFile.VERSION,
  protection: protector.mode === "kek" ? { mode: "kek", alg: "A256GCM", kdf: "HKDF-SHA256", kcv: protector.kcv } : { mode: "none" },
  minDecryptionVersion: contents.minDecryptionVersion,
  fingerprintKey: { createdAt: contents.fingerprint.createdAt, material: contents.fingerprint.material },
  dataKeys: contents.dataKeys.map((k) => ({
    version: k.version,
    state: k.state,
    createdAt: k.createdAt,
    reservedEncryptions: k.reserved,
    material: k.material ?? null
  })),
  jweKeys: contents.jweKeys.map((k) => ({
    owner: k.owner,
    kid: k.kid,
    createdAt: k.createdAt,
    publicJwk: k.publicJwk,
    material: k.material
  }))
})

/** The document text: pretty JSON, with a trailing `mac` member when protected by a KEK. */
export const encode = (contents: Contents, protector: Protector): string => {
  const b = body(contents, protector)
  const mac = protector.mac(JSON.stringify(b))
  return `${JSON.stringify(mac === undefined ? b : { ...b, mac }, null, 2)}\n`
}

// ---------------------------------------------------------------------------
// Decoding

const corrupt = (detail: string) => new KeyFile.KeyFileError({ reason: new KeyFile.Corrupt({ detail }) })

const isObject = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)
const isIso = (u: unknown): u is string => typeof u === "string" && u.length > 0 && u.length < 64
const isCount = (u: unknown): u is number => typeof u === "number" && Number.isSafeInteger(u) && u >= 0

const importSecret = (protector: Protector, slot: string, material: unknown): KeyObject | undefined => {
  if (typeof material !== "string") return undefined
  const bytes = protector.unprotect(slot, material)
  if (bytes === undefined) return undefined
  if (bytes.length !== 32) {
    bytes.fill(0)
    return undefined
  }
  const key = createSecretKey(bytes)
  bytes.fill(0)
  return key
}

const importPrivate = (protector: Protector, slot: string, material: unknown): KeyObject | undefined => {
  if (typeof material !== "string") return undefined
  const der = protector.unprotect(slot, material)
  if (der === undefined) return undefined
  try {
    return createPrivateKey({ key: der, format: "der", type: "pkcs8" })
  } catch {
    return undefined
  } finally {
    der.fill(0)
  }
}

export interface Decoded {
  readonly contents: Contents
  /** The file is unprotected but a KEK was given: rewrite it protected. */
  readonly upgrade: boolean
}

/**
 * Decodes a document. With a KEK, re-protects plain material so the caller
 * can rewrite the file protected (`upgrade`).
 */
export const decode = (text: string, protector: Protector): Result.Result<Decoded, KeyFile.KeyFileError> => {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch {
    return Result.fail(corrupt("not JSON"))
  }
  if (!isObject(doc) || doc["format"] !== KeyFile.FORMAT) return Result.fail(corrupt("not a tokenvault key file"))
  if (doc["version"] !== KeyFile.VERSION) {
    return Result.fail(
      typeof doc["version"] === "number" && doc["version"] > KeyFile.VERSION
        ? new KeyFile.KeyFileError({ reason: new KeyFile.UnsupportedVersion({ version: String(doc["version"]) }) })
        : corrupt("bad version")
    )
  }
  const protection = doc["protection"]
  if (!isObject(protection) || (protection["mode"] !== "none" && protection["mode"] !== "kek")) {
    return Result.fail(corrupt("bad protection"))
  }
  const fileMode = protection["mode"]
  if (fileMode === "kek") {
    if (protector.mode !== "kek") return Result.fail(new KeyFile.KeyFileError({ reason: new KeyFile.KekRequired() }))
    const kcv = protection["kcv"]
    if (
      typeof kcv !== "string" ||
      kcv.length !== protector.kcv!.length ||
      !timingSafeEqual(Buffer.from(kcv), Buffer.from(protector.kcv!))
    ) {
      return Result.fail(new KeyFile.KeyFileError({ reason: new KeyFile.WrongKek() }))
    }
    const mac = doc["mac"]
    const rest: Record<string, unknown> = { ...doc }
    delete rest["mac"]
    const expected = protector.mac(JSON.stringify(rest))!
    if (typeof mac !== "string" || mac.length !== expected.length || !timingSafeEqual(Buffer.from(mac), Buffer.from(expected))) {
      return Result.fail(corrupt("document MAC mismatch"))
    }
  }
  // Material is read with the file's own protection; a plain file opened with
  // a KEK is re-protected below.
  const reader = fileMode === "kek" ? protector : plainProtector
  const upgrade = fileMode === "none" && protector.mode === "kek"
  const reprotect = (slot: string, material: string, key: KeyObject, kind: "secret" | "private"): string =>
    upgrade ? (kind === "secret" ? protectSecret(protector, slot, key) : protectPrivate(protector, slot, key)) : material

  const min = doc["minDecryptionVersion"]
  if (!isCount(min) || min < 1) return Result.fail(corrupt("bad minDecryptionVersion"))

  const fp = doc["fingerprintKey"]
  if (!isObject(fp) || !isIso(fp["createdAt"])) return Result.fail(corrupt("bad fingerprintKey"))
  const fpKey = importSecret(reader, slots.fingerprint(), fp["material"])
  if (fpKey === undefined) return Result.fail(corrupt("fingerprint key does not unwrap"))

  const rawData = doc["dataKeys"]
  if (!Array.isArray(rawData)) return Result.fail(corrupt("bad dataKeys"))
  const dataKeys: Array<DataKey> = []
  let previous = 0
  let actives = 0
  for (const d of rawData) {
    if (!isObject(d)) return Result.fail(corrupt("bad data key"))
    const version = d["version"]
    const state = d["state"]
    if (!isCount(version) || version <= previous) return Result.fail(corrupt("data key versions must increase"))
    previous = version
    if (state !== "active" && state !== "decrypt-only" && state !== "destroyed") return Result.fail(corrupt("bad data key state"))
    if (!isIso(d["createdAt"]) || !isCount(d["reservedEncryptions"])) return Result.fail(corrupt("bad data key"))
    if (state === "active") actives++
    if (state === "destroyed") {
      if (d["material"] !== null) return Result.fail(corrupt("a destroyed key keeps no material"))
      dataKeys.push({ version, state, createdAt: d["createdAt"], reserved: d["reservedEncryptions"], key: undefined, material: undefined })
      continue
    }
    const slot = slots.data(version)
    const key = importSecret(reader, slot, d["material"])
    if (key === undefined) return Result.fail(corrupt("data key does not unwrap"))
    dataKeys.push({
      version,
      state,
      createdAt: d["createdAt"],
      reserved: d["reservedEncryptions"],
      key,
      material: reprotect(slot, d["material"] as string, key, "secret")
    })
  }
  if (actives > 1) return Result.fail(corrupt("more than one active data key"))
  const newest = dataKeys[dataKeys.length - 1]
  if (actives === 1 && newest?.state !== "active") return Result.fail(corrupt("the active data key must be the newest"))

  const rawJwe = doc["jweKeys"]
  if (!Array.isArray(rawJwe)) return Result.fail(corrupt("bad jweKeys"))
  const jweKeys: Array<JweKey> = []
  for (const j of rawJwe) {
    if (!isObject(j) || typeof j["owner"] !== "string" || typeof j["kid"] !== "string" || !isIso(j["createdAt"])) {
      return Result.fail(corrupt("bad JWE key"))
    }
    const owner = j["owner"]
    const kid = j["kid"]
    const slot = slots.jwe(owner, kid)
    const privateKey = importPrivate(reader, slot, j["material"])
    if (privateKey === undefined) return Result.fail(corrupt("JWE key does not unwrap"))
    let publicJwk: Jwe.PublicJwk
    try {
      publicJwk = Jwe.publicJwkOf(privateKey)
    } catch {
      return Result.fail(corrupt("JWE key is not P-384"))
    }
    if (publicJwk.kid !== kid) return Result.fail(corrupt("JWE key does not match its kid"))
    jweKeys.push({ owner, kid, createdAt: j["createdAt"], privateKey, publicJwk, material: reprotect(slot, j["material"] as string, privateKey, "private") })
  }

  return Result.succeed({
    contents: {
      fingerprint: {
        createdAt: fp["createdAt"],
        key: fpKey,
        material: reprotect(slots.fingerprint(), fp["material"] as string, fpKey, "secret")
      },
      minDecryptionVersion: min,
      dataKeys,
      jweKeys
    },
    upgrade
  })
}
