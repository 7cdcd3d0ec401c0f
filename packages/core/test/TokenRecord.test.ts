import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import * as CardBrand from "../src/CardBrand.ts"
import * as Group from "../src/Group.ts"
import type * as IsoDate from "../src/IsoDate.ts"
import * as Mask from "../src/Mask.ts"
import * as Pan from "../src/Pan.ts"
import * as TokenFormat from "../src/TokenFormat.ts"
import * as TokenRecord from "../src/TokenRecord.ts"
import * as TokenStatus from "../src/TokenStatus.ts"
import { fc, params } from "./fc.ts"
import { anyPan, instant, isoDate } from "./support.ts"

const option = <A>(arb: fc.Arbitrary<A>) => fc.option(arb, { nil: undefined })
const iso = isoDate.map((d) => d as IsoDate.IsoDate)

const record: fc.Arbitrary<TokenRecord.TokenRecord> = fc.record({
  token: fc.oneof(fc.stringMatching(/^[0-9a-f]{32}$/), fc.stringMatching(/^[A-Za-z0-9_-]{22}$/), fc.constant("XYZWJOHN_SMITH_5533")),
  format: fc.constantFrom(...TokenFormat.names),
  merchantId: fc.constantFrom("9000001", "9000002"),
  scope: fc.oneof(fc.constantFrom("9000001", "9000002").map(Group.merchantScope), fc.constantFrom("g1").map(Group.groupScope)),
  customerId: option(fc.constantFrom("14534543", "cust@example")),
  instrument: fc.constantFrom("CARD" as const, "BANK_ACCOUNT" as const),
  brand: option(fc.constantFrom(...CardBrand.brands)),
  maskedPan: fc.constantFrom("528529••••••0255", "••••••••••••1234", ""),
  expiry: option(fc.record({ month: fc.integer({ min: 1, max: 12 }), year: fc.integer({ min: 2000, max: 2999 }) })),
  fingerprint: option(fc.stringMatching(/^[A-Za-z0-9_-]{43}$/)),
  sealed: option(fc.record({ keyVersion: fc.nat({ max: 100 }), ciphertext: fc.stringMatching(/^[A-Za-z0-9_-]{20,60}$/) })),
  status: fc.constantFrom(...TokenStatus.statuses),
  deletion: option(fc.record({ reason: fc.constantFrom("DEREGISTERED" as const, "RETENTION" as const), on: iso })),
  createdAt: instant.map((d) => d.toISOString()),
  lastActivity: iso,
  extended: fc.boolean(),
  retainUntil: iso,
  agreements: fc.array(
    fc.record({ type: fc.constantFrom("UNSCHEDULED" as const, "RECURRING" as const, "INSTALLMENT" as const), initialTransactionId: fc.string({ minLength: 1, maxLength: 20 }) }),
    { maxLength: 3 }
  ),
  merchantRequestId: option(fc.uuid()),
  requestDigest: option(fc.stringMatching(/^[0-9a-f]{64}$/)),
  version: fc.nat({ max: 1_000_000 })
})

const deletion = fc.record({ reason: fc.constantFrom("DEREGISTERED" as const, "RETENTION" as const), on: iso })

const decode = Schema.decodeUnknownSync(TokenRecord.Json)

describe("TokenRecord", () => {
  it("[DELETE-IRREVERSIBLE] [RETENTION-PURGE] a tombstone drops the card data and keeps the token value reserved", () => {
    fc.assert(
      fc.property(record, deletion, (r, d) => {
        const before = structuredClone(r)
        const t = TokenRecord.toTombstone(r, d)
        expect(r).toEqual(before)
        expect(TokenRecord.isTombstone(t)).toBe(true)
        expect(t.status).toBe("DELETED")
        expect(t.deletion).toEqual(d)
        expect([t.sealed, t.fingerprint, t.expiry, t.brand]).toEqual([undefined, undefined, undefined, undefined])
        expect(t.maskedPan).toBe("")
        expect(t.agreements).toEqual([])
        expect(t.version).toBe(r.version + 1)
        const kept = ["token", "format", "merchantId", "scope", "customerId", "instrument", "createdAt", "merchantRequestId", "requestDigest"] as const
        for (const k of kept) expect(t[k]).toEqual(r[k])
      }),
      params()
    )
  })

  it("[DELETE-IRREVERSIBLE] isTombstone is exactly status DELETED", () => {
    fc.assert(
      fc.property(record, (r) => {
        expect(TokenRecord.isTombstone(r)).toBe(r.status === "DELETED")
      }),
      params()
    )
  })

  it("[DELETE-IRREVERSIBLE] records and tombstones survive their JSON form unchanged", () => {
    fc.assert(
      fc.property(record, deletion, fc.boolean(), (r, d, dead) => {
        const rec = dead ? TokenRecord.toTombstone(r, d) : r
        const json = JSON.parse(JSON.stringify(TokenRecord.toJson(rec)))
        expect(TokenRecord.fromJson(decode(json))).toEqual(rec)
        expect(Object.values(json).includes(undefined)).toBe(false)
      }),
      params()
    )
  })

  it("[NO-PAN-LEAK] [MASK-BIN6-LAST4] a record made from a card holds and serializes no card number", () => {
    fc.assert(
      fc.property(record, anyPan, (r, pan) => {
        const rec: TokenRecord.TokenRecord = { ...r, maskedPan: Mask.bin6Last4(pan), brand: pan.brand, instrument: "CARD" }
        const text = JSON.stringify(TokenRecord.toJson(rec))
        expect(text).not.toContain(Pan.reveal(pan))
        const tombstone = TokenRecord.toJson(TokenRecord.toTombstone(rec, { reason: "DEREGISTERED", on: rec.lastActivity }))
        expect([tombstone.maskedPan, tombstone.brand, tombstone.sealed, tombstone.fingerprint]).toEqual(["", null, null, null])
      }),
      params()
    )
  })
})
