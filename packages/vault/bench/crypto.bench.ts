/**
 * Crypto benchmarks, each against a baseline measured in the same run:
 *
 * 1. Encrypted card input: decrypting an AlliancePay card-number + expiry JWE
 *    pair with `Jwe.decryptCard` (checks, Effect, plaintext validation) vs the
 *    raw ceiling (two inline node:crypto decryptions: KeyObject ECDH, Concat
 *    KDF, AES-KW unwrap, AES-GCM; target ≥ 0.8×), and vs jose's
 *    `compactDecrypt` as the peer.
 * 2. Keyring seal + open vs the single-key `NodeCardCrypto` (target ≥ 0.9×).
 * 3. Rewrap over 100k records in a `MemoryTokenStore` (records/s) vs a raw
 *    open + seal + Map write loop over the same records.
 *
 * Run with `pnpm bench crypto`.
 */
import { createDecipheriv, createHash, createPublicKey, diffieHellman, type KeyObject } from "node:crypto"
import { Group, IsoDate, type TokenRecord } from "@tokenvault/core"
import { Effect, Redacted } from "effect"
import * as jose from "jose"
import { compare, type Result } from "../../../bench/harness.ts"
import * as CardCrypto from "../src/CardCrypto.ts"
import * as Jwe from "../src/Jwe.ts"
import * as KeyFile from "../src/KeyFile.ts"
import * as Keyring from "../src/Keyring.ts"
import * as MemoryTokenStore from "../src/MemoryTokenStore.ts"
import * as NodeCardCrypto from "../src/NodeCardCrypto.ts"
import * as Plaintext from "../src/Plaintext.ts"

const PAN = "4539578763621486"

// --- 1. JWE ----------------------------------------------------------------

const u32 = (n: number) => {
  const b = Buffer.alloc(4)
  b.writeUInt32BE(n)
  return b
}
const ALG_ID = Buffer.from("ECDH-ES+A256KW")
const KW_IV = Buffer.from("A6A6A6A6A6A6A6A6", "hex")

/** The raw ceiling: one compact JWE decryption with node:crypto and no checks beyond what the primitives do. */
const rawDecrypt = (compact: string, privateKey: KeyObject): Buffer => {
  const [h, k, i, c, t] = compact.split(".") as [string, string, string, string, string]
  const header = JSON.parse(Buffer.from(h, "base64url").toString("utf8")) as { epk: { x: string; y: string } }
  const epk = createPublicKey({ key: { kty: "EC", crv: "P-384", x: header.epk.x, y: header.epk.y }, format: "jwk" })
  const z = diffieHellman({ privateKey, publicKey: epk })
  const kek = createHash("sha256").update(u32(1)).update(z).update(u32(ALG_ID.length)).update(ALG_ID).update(u32(0)).update(u32(0)).update(u32(256)).digest()
  const unwrap = createDecipheriv("id-aes256-wrap", kek, KW_IV)
  const cek = Buffer.concat([unwrap.update(Buffer.from(k, "base64url")), unwrap.final()])
  const gcm = createDecipheriv("aes-256-gcm", cek, Buffer.from(i, "base64url"))
  gcm.setAAD(Buffer.from(h, "ascii"))
  gcm.setAuthTag(Buffer.from(t, "base64url"))
  return Buffer.concat([gcm.update(Buffer.from(c, "base64url")), gcm.final()])
}

const jweBench = async (): Promise<Array<Result>> => {
  const keyring = await Effect.runPromise(Keyring.make({ storage: KeyFile.memoryStorage() }))
  const jwk = await Effect.runPromise(keyring.publicJwk("merchant"))
  const keys = keyring.jweKeys("merchant")
  const privateKey = keys[0]!.privateKey
  const publicKey = await jose.importJWK(jwk, Jwe.ALG)
  const encrypt = (s: string) =>
    new jose.CompactEncrypt(new TextEncoder().encode(s)).setProtectedHeader({ alg: Jwe.ALG, enc: Jwe.ENC }).encrypt(publicKey)
  const pairs: Array<Jwe.EncryptedCard & { encryptedCardNumber: string; encryptedExpDate: string }> = []
  for (let i = 0; i < 32; i++) pairs.push({ encryptedCardNumber: await encrypt(PAN), encryptedExpDate: await encrypt("2912") })
  const PER_SAMPLE = 64

  const ours = () =>
    (async () => {
      const t0 = performance.now()
      for (let i = 0; i < PER_SAMPLE; i++) await Effect.runPromise(Jwe.decryptCard(pairs[i % pairs.length]!, keys))
      return (PER_SAMPLE * 1000) / (performance.now() - t0)
    })()
  const raw = () =>
    (async () => {
      const t0 = performance.now()
      for (let i = 0; i < PER_SAMPLE; i++) {
        const p = pairs[i % pairs.length]!
        rawDecrypt(p.encryptedCardNumber, privateKey)
        rawDecrypt(p.encryptedExpDate, privateKey)
      }
      return (PER_SAMPLE * 1000) / (performance.now() - t0)
    })()
  const peer = () =>
    (async () => {
      const t0 = performance.now()
      for (let i = 0; i < PER_SAMPLE; i++) {
        const p = pairs[i % pairs.length]!
        await jose.compactDecrypt(p.encryptedCardNumber, privateKey)
        await jose.compactDecrypt(p.encryptedExpDate, privateKey)
      }
      return (PER_SAMPLE * 1000) / (performance.now() - t0)
    })()

  return [
    await compare("jwe.decryptCard pair (P-384)", "raw node:crypto JWE pair", ours, raw, { target: "≥ 0.8" }),
    await compare("jwe.decryptCard pair (P-384)", "jose compactDecrypt pair (peer)", ours, peer)
  ]
}

// --- 2. Keyring seal + open ------------------------------------------------

const sealOpenBench = async (): Promise<Result> => {
  const keyring = await Effect.runPromise(Keyring.make({ storage: KeyFile.memoryStorage() }))
  const single = NodeCardCrypto.make({
    dataKey: Redacted.make(new Uint8Array(32).fill(7)),
    fingerprintKey: Redacted.make(new Uint8Array(32).fill(9))
  })
  const plaintext = Plaintext.make(PAN)
  const aad = CardCrypto.associatedData("tok_0123456789abcdefghijkl", "merchant-1")
  const N = 30_000
  const loop = (crypto: CardCrypto.Service) => async () => {
    const t0 = performance.now()
    for (let i = 0; i < N; i++) {
      const sealed = Effect.runSync(crypto.seal(plaintext, aad))
      Effect.runSync(crypto.open(sealed, aad))
    }
    return (N * 1000) / (performance.now() - t0)
  }
  return compare("keyring seal+open", "NodeCardCrypto single key seal+open", loop(keyring), loop(single), { target: "≥ 0.9", rounds: 9 })
}

// --- 3. Rewrap ---------------------------------------------------------------

const rewrapBench = async (): Promise<Result> => {
  const RECORDS = 100_000
  const keyring = await Effect.runPromise(Keyring.make({ storage: KeyFile.memoryStorage() }))
  const store = MemoryTokenStore.make()
  const records: Array<TokenRecord.TokenRecord> = []
  for (let i = 0; i < RECORDS; i++) {
    const token = `tok_${String(i).padStart(8, "0")}`
    const merchantId = `m${i % 50}`
    const pan = Plaintext.make(`45395787${String(i).padStart(8, "0")}`)
    const record: TokenRecord.TokenRecord = {
      token,
      format: "opaque",
      merchantId,
      scope: Group.merchantScope(merchantId),
      customerId: `c${i}`,
      instrument: "CARD",
      brand: "VISA",
      maskedPan: "453957******0000",
      expiry: { month: 12, year: 2030 },
      fingerprint: Effect.runSync(keyring.fingerprint(pan)),
      sealed: Effect.runSync(keyring.seal(pan, CardCrypto.associatedData(token, merchantId))),
      status: "ACTIVE",
      deletion: undefined,
      createdAt: "2026-01-01T00:00:00.000Z",
      lastActivity: IsoDate.make({ year: 2026, month: 1, day: 1 }),
      extended: false,
      // Retention dates spread over about three years, as in a live vault.
      retainUntil: IsoDate.make({ year: 2027 + (i % 3), month: 1 + (i % 12), day: 1 + (i % 28) }),
      agreements: [],
      merchantRequestId: undefined,
      requestDigest: undefined,
      version: 1
    }
    Effect.runSync(store.insert(record))
    records.push(record)
  }

  const ours = async () => {
    await Effect.runPromise(keyring.rotate())
    const t0 = performance.now()
    const report = await Effect.runPromise(keyring.rewrap(store, { batchSize: 1000 }))
    const ms = performance.now() - t0
    if (report.rewrapped !== RECORDS) throw new Error(`rewrapped ${report.rewrapped} of ${RECORDS}`)
    return (RECORDS * 1000) / ms
  }

  // Baseline: the same re-encryption with raw primitives into a Map
  // (alternating between two keys, one round after another).
  const keys = [
    NodeCardCrypto.importKey(Redacted.make(new Uint8Array(32).fill(1))),
    NodeCardCrypto.importKey(Redacted.make(new Uint8Array(32).fill(2)))
  ] as const
  const nonce = () => crypto.getRandomValues(new Uint8Array(12))
  const map = new Map(
    records.map((r) => {
      const aad = CardCrypto.associatedData(r.token, r.merchantId)
      return [r.token, { ...r, sealed: { keyVersion: 0 as number, ciphertext: NodeCardCrypto.sealWith(keys[0], 0, nonce(), PAN, aad) } }] as const
    })
  )
  const base = async () => {
    const t0 = performance.now()
    for (const r of map.values()) {
      const aad = CardCrypto.associatedData(r.token, r.merchantId)
      const from = r.sealed.keyVersion
      const to = 1 - from
      const pt = NodeCardCrypto.openWith(keys[from]!, from, r.sealed.ciphertext, aad)
      if (pt === undefined) throw new Error("baseline: open failed")
      map.set(r.token, { ...r, sealed: { keyVersion: to, ciphertext: NodeCardCrypto.sealWith(keys[to]!, to, nonce(), pt, aad) }, version: r.version + 1 })
    }
    return (map.size * 1000) / (performance.now() - t0)
  }
  return compare("keyring.rewrap 100k records (memory store)", "raw open+seal+Map.set loop", ours, base, { rounds: 2 })
}

/**
 * Runs the crypto benchmarks.
 *
 * @category running
 * @since 0.1.0
 */
export const run = async (): Promise<Array<Result>> => [...(await jweBench()), await sealOpenBench(), await rewrapBench()]

if (import.meta.url === `file://${process.argv[1]}`) await run()
