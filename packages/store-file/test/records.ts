/**
 * Test data without test-framework imports (the kill -9 child loads it):
 * records with distinctive ciphertexts, fingerprints and masked PANs,
 * merchants, and a seeded PRNG.
 */
import type { Group, IsoDate, Merchant, TokenRecord } from "@tokenvault/core"

/** A small deterministic PRNG (mulberry32) for test plans derived from the seed. */
export const prng = (s: number): () => number => {
  let a = s >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const hex = (n: number, width: number): string => n.toString(16).padStart(width, "0")

/** A record with distinctive, per-record ciphertext, fingerprint and masked PAN. */
export const record = (i: number, overrides: Partial<TokenRecord.TokenRecord> = {}): TokenRecord.TokenRecord => {
  const merchantId = overrides.merchantId ?? "m1"
  return {
    token: `tok_${hex(i, 8)}`,
    format: "opaque",
    merchantId,
    scope: `merchant:${merchantId}` as Group.Scope,
    customerId: `cust-${i % 7}`,
    instrument: "CARD",
    brand: "VISA",
    maskedPan: `4${String(i % 100000).padStart(5, "0")}******${String(i % 10000).padStart(4, "0")}`,
    expiry: { month: 1 + (i % 12), year: 2030 },
    fingerprint: `fp_${hex(i * 2654435761 % 4294967296, 8)}${hex(i, 8)}`,
    sealed: { keyVersion: 1, ciphertext: `ct_${hex(i, 8)}_${"Q".repeat(40)}${hex(i * 40503 % 65536, 4)}` },
    status: "ACTIVE",
    deletion: undefined,
    createdAt: "2025-01-01T00:00:00.000Z",
    lastActivity: "2025-01-01" as IsoDate.IsoDate,
    extended: false,
    retainUntil: `2026-0${1 + (i % 9)}-01` as IsoDate.IsoDate,
    agreements: [],
    merchantRequestId: `req-${i}`,
    requestDigest: undefined,
    version: 1,
    ...overrides
  }
}

/** A merchant. */
export const merchant = (merchantId: string, prefix: string): Merchant.Merchant => ({
  merchantId,
  prefix,
  format: "opaque",
  tokenization: true,
  luhn: "enforce"
})
