import type { TokenRecord } from "@tokenvault/core"
import { describe, expect, it } from "vitest"
import * as Ops from "../src/internal/ops.ts"
import { Reader, Writer } from "../src/internal/recordCodec.ts"
import { fc, numRuns, record, seed } from "./support.ts"

const text = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 40 }),
  // Around the writer's short-ASCII path (byte by byte below 128 code units) and its way out of it mid-string.
  fc.string({ minLength: 120, maxLength: 140 }),
  fc.tuple(fc.string({ maxLength: 130 }), fc.string({ unit: "grapheme", minLength: 1, maxLength: 4 })).map(([a, b]) => a + b)
)
const number = fc.oneof(fc.nat(), fc.maxSafeNat(), fc.integer({ min: -1000, max: -1 }), fc.double({ noNaN: true }))
const optional = <A>(a: fc.Arbitrary<A>) => fc.option(a, { nil: undefined })

const arbitraryRecord: fc.Arbitrary<TokenRecord.TokenRecord> = fc.record({
  token: text,
  format: fc.constantFrom("registration", "standard", "custom", "opaque"),
  merchantId: text,
  scope: text,
  customerId: optional(text),
  instrument: fc.constantFrom("CARD", "BANK_ACCOUNT"),
  brand: optional(text),
  maskedPan: text,
  expiry: optional(fc.record({ month: number, year: number })),
  fingerprint: optional(text),
  sealed: optional(fc.record({ keyVersion: number, ciphertext: text })),
  status: fc.constantFrom("ACTIVE", "SUSPENDED", "DELETED"),
  deletion: optional(fc.record({ reason: fc.constantFrom("DEREGISTERED", "RETENTION"), on: text })),
  createdAt: text,
  lastActivity: text,
  extended: fc.boolean(),
  retainUntil: text,
  agreements: fc.array(fc.record({ type: fc.constantFrom("UNSCHEDULED", "RECURRING", "INSTALLMENT"), initialTransactionId: text }), { maxLength: 3 }),
  merchantRequestId: optional(text),
  requestDigest: optional(text),
  version: number
}) as unknown as fc.Arbitrary<TokenRecord.TokenRecord>

const snapshotFrame = (w: Writer, records: ReadonlyArray<TokenRecord.TokenRecord>): Buffer => {
  Ops.startRecords(w)
  for (const r of records) w.record(r)
  return w.take()
}

describe("binary record operations", () => {
  it("[R1][R10] insert, update and snapshot frames decode to exactly the records written (any text, any number, every optional field)", () => {
    const w = new Writer()
    fc.assert(
      fc.property(fc.array(arbitraryRecord, { minLength: 1, maxLength: 8 }), (records) => {
        const insert = Ops.record(w, Ops.INSERT, records[0]!)
        expect(Ops.decodeRecords(insert, 0, insert.length)).toEqual({ op: Ops.INSERT, records: [records[0]] })
        const update = Ops.record(w, Ops.UPDATE, records[0]!)
        expect(Ops.decodeRecords(update, 0, update.length)).toEqual({ op: Ops.UPDATE, records: [records[0]] })
        const frame = snapshotFrame(w, records)
        expect(Ops.decodeRecords(frame, 0, frame.length)).toEqual({ op: Ops.RECORDS, records })
      }),
      { seed, numRuns: numRuns(300) }
    )
  })

  it("[R1][R10] one reader decoding frame after frame, as recovery does, gives every record exactly (values repeated across frames, odd expiry numbers)", () => {
    const w = new Writer()
    const reader = new Reader(Buffer.alloc(0), 0, 0)
    // Few distinct values, so frames repeat (and hash-collide on) what earlier frames defined.
    const common = fc.oneof(fc.constantFrom("m1", "m2", "merchant:m1", "é", "", "2026-01-01", "VISA", "\u{1F600}"), text)
    const expiryNumber = fc.oneof(fc.constantFrom(0, -0, 1, 12, 15, 16, 2030, 0xfffff, 0x100000, 1.5, -1, Number.MAX_SAFE_INTEGER), number)
    const repeating = fc.tuple(arbitraryRecord, common, common, optional(common), common, common, common, expiryNumber, expiryNumber, fc.boolean())
      .map(([r, merchantId, scope, brand, lastActivity, retainUntil, on, month, year, withExpiry]) => ({
        ...r,
        merchantId,
        scope,
        brand,
        lastActivity,
        retainUntil,
        deletion: r.deletion === undefined ? undefined : { ...r.deletion, on },
        expiry: withExpiry ? { month, year } : undefined
      }) as unknown as TokenRecord.TokenRecord)
    fc.assert(
      fc.property(fc.array(repeating, { minLength: 1, maxLength: 20 }), (records) => {
        for (const r of records) {
          const frame = Ops.record(w, Ops.INSERT, r)
          expect(Ops.decodeRecords(frame, 0, frame.length, reader)).toEqual({ op: Ops.INSERT, records: [r] })
        }
      }),
      { seed, numRuns: numRuns(300) }
    )
  })

  it("[R1] a reader shares equal expiry dates between records (frozen), and past its caches still decodes every distinct value", () => {
    const w = new Writer()
    const reader = new Reader(Buffer.alloc(0), 0, 0)
    const decode = (r: TokenRecord.TokenRecord): TokenRecord.TokenRecord => {
      const frame = Ops.record(w, Ops.INSERT, r)
      return Ops.decodeRecords(frame, 0, frame.length, reader)!.records[0]!
    }
    const a = decode(record(1, { expiry: { month: 4, year: 2031 } }))
    const b = decode(record(2, { expiry: { month: 4, year: 2031 } }))
    expect(b.expiry).toBe(a.expiry)
    expect(Object.isFrozen(a.expiry)).toBe(true)
    // Two merchants whose bytes hash alike (FNV-1a): each keeps its own value.
    expect(decode(record(3, { merchantId: "aan1wu" })).merchantId).toBe("aan1wu")
    expect(decode(record(4, { merchantId: "aa0tfa" })).merchantId).toBe("aa0tfa")
    // More distinct merchants, scopes and expiry dates than the reader keeps.
    for (let i = 0; i < 6000; i++) {
      const r = record(i, { merchantId: `m${i}`, scope: `merchant:m${i}` as never, expiry: { month: 1 + (i % 12), year: 2000 + i } })
      expect(decode(r)).toEqual(r)
    }
  })

  it("[R4] a cut, extended or wrongly tagged payload never decodes to records", () => {
    const w = new Writer()
    const two = [record(1), record(2, { customerId: undefined, deletion: { reason: "RETENTION", on: "2026-01-01" as never } })]
    const frame = snapshotFrame(w, two)
    // Cut anywhere: nothing, or (cut exactly between them) the first record whole; never a half-read record.
    const outcomes = Array.from({ length: frame.length }, (_, cut) => Ops.decodeRecords(frame, 0, cut))
    expect(outcomes.filter((o) => o !== undefined)).toEqual([{ op: Ops.RECORDS, records: [two[0]] }])
    expect(Ops.decodeRecords(Buffer.concat([frame, Buffer.from([0])]), 0, frame.length + 1)).toBeUndefined()
    for (const op of [0x00, 0x04, 0x7b, 0xff]) {
      const other = Buffer.from(frame)
      other[0] = op
      expect(Ops.decodeRecords(other, 0, other.length)).toBeUndefined()
    }
    const insert = Ops.record(w, Ops.INSERT, record(3))
    expect(Ops.decodeRecords(Buffer.concat([insert, insert.subarray(1)]), 0, 2 * insert.length - 1)).toBeUndefined()
  })

  it("[R1] a frame writes each repeated value once, before and past the table's first sixteen entries", () => {
    // 40 customers, then the same 40 again: the table holds far more than sixteen values.
    const records = Array.from({ length: 80 }, (_, i) => record(i, { customerId: `customer-${String(i % 40).padStart(3, "0")}` }))
    const w = new Writer()
    const frame = snapshotFrame(w, records)
    const text = frame.toString("latin1")
    for (const c of ["customer-000", "customer-015", "customer-016", "customer-039"]) expect(text.split(c).length - 1).toBe(1)
    expect(text.split("merchant:m1").length - 1).toBe(1)
    expect(Ops.decodeRecords(frame, 0, frame.length)).toEqual({ op: Ops.RECORDS, records })
  })

  it("[R1] a string UTF-8 cannot carry (a lone surrogate) is refused, never stored altered", () => {
    for (const customerId of ["c\ud800", "\udc00", `${"x".repeat(200)}\ud800`]) {
      expect(() => Ops.record(new Writer(), Ops.INSERT, record(1, { customerId }))).toThrow()
    }
  })
})
