/** Token records for tests. */
import type { Group, IsoDate, TokenRecord } from "@tokenvault/core"

/** A live card record with test values; override what the test needs. */
export const record = (token: string, overrides: Partial<TokenRecord.TokenRecord> = {}): TokenRecord.TokenRecord => ({
  token,
  format: "opaque",
  merchantId: "m1",
  scope: "merchant:m1" as Group.Scope,
  customerId: "c1",
  instrument: "CARD",
  brand: "VISA",
  maskedPan: "411111••••••1111",
  expiry: { month: 12, year: 2030 },
  fingerprint: `fp-${token}`,
  sealed: { keyVersion: 1, ciphertext: `c2VhbGVk-${token}` },
  status: "ACTIVE",
  deletion: undefined,
  createdAt: "2026-01-02T03:04:05.678Z",
  lastActivity: "2026-01-02" as IsoDate.IsoDate,
  extended: false,
  retainUntil: "2031-01-31" as IsoDate.IsoDate,
  agreements: [{ type: "RECURRING", initialTransactionId: `tx-${token}` }],
  merchantRequestId: undefined,
  requestDigest: undefined,
  version: 1,
  ...overrides
})

/** The next version of a record with changes applied. */
export const next = (r: TokenRecord.TokenRecord, changes: Partial<TokenRecord.TokenRecord> = {}): TokenRecord.TokenRecord => ({
  ...r,
  ...changes,
  version: r.version + 1
})
