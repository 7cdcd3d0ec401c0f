import { DateTime } from "effect"
import { describe, expect, it } from "vitest"
import type * as IsoDate from "../src/IsoDate.ts"
import * as PaymentUse from "../src/PaymentUse.ts"
import type * as TokenError from "../src/TokenError.ts"
import { fc, params } from "./fc.ts"
import { anything, failure, instant, isoDate, refExpiryInstant, success } from "./support.ts"

const source = fc.constantFrom<PaymentUse.Source>("CIT", "MIT")
const mode = fc.constantFrom<PaymentUse.Mode>("INITIAL", "REPEATED")
const type = fc.constantFrom<PaymentUse.AgreementType>("UNSCHEDULED", "RECURRING", "INSTALLMENT")
const txId = fc.constantFrom("8ac7a4a16f3ba39d016f46aaf0551714", "tx-1", "tx-2", "tx-3")

const use = fc.record(
  { source, mode, type, initialTransactionId: fc.option(txId, { nil: undefined }) },
  { requiredKeys: ["source", "mode", "type"] }
)

const state = fc.record({
  status: fc.constantFrom("ACTIVE", "ACTIVE", "SUSPENDED", "DELETED") as fc.Arbitrary<PaymentUse.TokenState["status"]>,
  retainUntil: isoDate.map((d) => d as IsoDate.IsoDate),
  expiry: fc.option(fc.record({ month: fc.integer({ min: 1, max: 12 }), year: fc.integer({ min: 2000, max: 2999 }) }), { nil: undefined }),
  agreements: fc.array(fc.record({ type, initialTransactionId: txId }), { maxLength: 4 })
})

/** Instants near the token's own dates, so every check is reached often. */
const nowFor = (s: PaymentUse.TokenState) =>
  fc.oneof(
    instant,
    fc.integer({ min: -40 * 86_400_000, max: 40 * 86_400_000 }).map((o) => new Date(Date.parse(`${s.retainUntil}T00:00:00Z`) + o)),
    s.expiry === undefined
      ? instant
      : fc.integer({ min: -40 * 86_400_000, max: 40 * 86_400_000 }).map((o) => new Date(refExpiryInstant(s.expiry!.month, s.expiry!.year) + o))
  ).filter((d) => d.getUTCFullYear() >= 1000 && d.getUTCFullYear() <= 9999)

type Expected = PaymentUse.Decision | TokenError.ErrorCode

/** The checks, in ACI's order, written from the rules (times via the JS Date). */
const model = (s: PaymentUse.TokenState, u: PaymentUse.Use, now: Date): Expected => {
  if (s.status === "DELETED") return "TOKEN_DELETED"
  if (!(now.toISOString().slice(0, 10) < s.retainUntil)) return "RETENTION_EXPIRED"
  if (s.status !== "ACTIVE") return "TOKEN_SUSPENDED"
  if (s.expiry !== undefined && now.getTime() >= refExpiryInstant(s.expiry.month, s.expiry.year)) return "TOKEN_EXPIRED"
  if (u.source === "MIT") {
    if (u.mode !== "REPEATED") return "COF_INVALID"
    const ok = s.agreements.some((a) => a.type === u.type && a.initialTransactionId === u.initialTransactionId)
    return ok ? { createsAgreement: undefined } : "COF_NO_AGREEMENT"
  }
  return { createsAgreement: u.mode === "INITIAL" ? u.type : undefined }
}

const gateway: Partial<Record<TokenError.ErrorCode, string>> = {
  TOKEN_DELETED: "100.150.202",
  RETENTION_EXPIRED: "100.150.206",
  TOKEN_EXPIRED: "1164",
  COF_NO_AGREEMENT: "100.150.300"
}

const active = (over: Partial<PaymentUse.TokenState> = {}): PaymentUse.TokenState => ({
  status: "ACTIVE",
  retainUntil: "2027-04-01" as IsoDate.IsoDate,
  expiry: { month: 1, year: 2026 },
  agreements: [],
  ...over
})
const at = (iso: string) => DateTime.makeUnsafe(iso)

describe("PaymentUse.authorize", () => {
  it("[USE-ACTIVE] [USE-CARD-NOT-EXPIRED] [RETENTION-PURGE] [COF-MIT-AGREEMENT] [COF-COMBINATION] agrees with a model of every check, in order", () => {
    fc.assert(
      fc.property(
        state.chain((s) => fc.tuple(fc.constant(s), use, nowFor(s))),
        ([s, u, now]) => {
          const expected = model(s, u, now)
          const r = PaymentUse.authorize(s, u, DateTime.fromDateUnsafe(now))
          if (typeof expected === "string") {
            const err = failure(r, expected)
            if (gateway[expected] !== undefined) expect(err.gatewayCode).toBe(gateway[expected])
          } else {
            expect(success(r)).toEqual(expected)
          }
        }
      ),
      params({ numRuns: 2000 })
    )
  })

  it("[USE-ACTIVE] a deleted token is TOKEN_DELETED (100.150.202) and a suspended one TOKEN_SUSPENDED", () => {
    const cit: PaymentUse.Use = { source: "CIT", mode: "REPEATED", type: "UNSCHEDULED" }
    const del = failure(PaymentUse.authorize(active({ status: "DELETED" }), cit, at("2025-06-01T00:00:00Z")), "TOKEN_DELETED")
    expect(del.gatewayCode).toBe("100.150.202")
    expect(del.rule).toBe("USE-ACTIVE")
    expect(failure(PaymentUse.authorize(active({ status: "SUSPENDED" }), cit, at("2025-06-01T00:00:00Z")), "TOKEN_SUSPENDED").rule).toBe(
      "USE-ACTIVE"
    )
    expect(success(PaymentUse.authorize(active(), cit, at("2025-06-01T00:00:00Z")))).toEqual({ createsAgreement: undefined })
  })

  it("[RETENTION-PURGE] on or after the retention date a token is RETENTION_EXPIRED (100.150.206)", () => {
    const cit: PaymentUse.Use = { source: "CIT", mode: "REPEATED", type: "UNSCHEDULED" }
    const s = active({ expiry: undefined, retainUntil: "2026-04-01" as IsoDate.IsoDate })
    expect(success(PaymentUse.authorize(s, cit, at("2026-03-31T23:59:59.999Z")))).toEqual({ createsAgreement: undefined })
    expect(failure(PaymentUse.authorize(s, cit, at("2026-04-01T00:00:00Z")), "RETENTION_EXPIRED").gatewayCode).toBe("100.150.206")
  })

  it("[RETENTION-PURGE] a retention date or an instant that is not a date is INVALID_INPUT, never a use allowed", () => {
    const cit: PaymentUse.Use = { source: "CIT", mode: "REPEATED", type: "UNSCHEDULED" }
    const now = at("2025-06-01T00:00:00Z")
    for (const retainUntil of ["2026-02-30", "2026-13-01", "10000-01-01", "2026-1-01", 20260101, undefined]) {
      failure(PaymentUse.authorize(active({ retainUntil: retainUntil as IsoDate.IsoDate }), cit, now), "INVALID_INPUT")
    }
    const s = active({ retainUntil: "9999-12-31" as IsoDate.IsoDate, expiry: undefined })
    failure(PaymentUse.authorize(s, cit, DateTime.makeUnsafe(Date.UTC(10000, 0, 1))), "INVALID_INPUT")
    failure(PaymentUse.authorize(s, cit, DateTime.makeUnsafe(Date.UTC(-1, 11, 31))), "INVALID_INPUT")
    // Look-alikes that pass DateTime.isDateTime (a type-id check) but carry no date: refused, not read as retained.
    const real = DateTime.makeUnsafe(Date.UTC(2025, 5, 1))
    const lookAlike = (fields: object) => Object.assign(Object.create(Object.getPrototypeOf(real)), real, fields) as DateTime.DateTime
    for (const fake of [lookAlike({ epochMilliseconds: Number.NaN }), lookAlike({ partsUtc: { year: 2025, month: 13, day: 40 } })]) {
      expect(DateTime.isDateTime(fake)).toBe(true)
      failure(PaymentUse.authorize(active({ retainUntil: "2020-01-01" as IsoDate.IsoDate }), cit, fake), "INVALID_INPUT")
    }
  })

  it("[USE-CARD-NOT-EXPIRED] a card token is TOKEN_EXPIRED (1164) from the first day after its expiry month", () => {
    const cit: PaymentUse.Use = { source: "CIT", mode: "REPEATED", type: "UNSCHEDULED" }
    const s = active({ expiry: { month: 12, year: 2018 }, retainUntil: "2020-03-01" as IsoDate.IsoDate })
    expect(success(PaymentUse.authorize(s, cit, at("2018-12-31T23:59:59.999Z")))).toEqual({ createsAgreement: undefined })
    const err = failure(PaymentUse.authorize(s, cit, at("2019-01-01T00:00:00Z")), "TOKEN_EXPIRED")
    expect(err.gatewayCode).toBe("1164")
    expect(err.rule).toBe("USE-CARD-NOT-EXPIRED")
  })

  it("[COF-MIT-AGREEMENT] a MIT REPEATED use needs an agreement of its type from a CIT INITIAL use, carrying its transaction id", () => {
    const now = at("2025-06-01T00:00:00Z")
    const initial = success(PaymentUse.authorize(active(), { source: "CIT", mode: "INITIAL", type: "RECURRING" }, now))
    expect(initial).toEqual({ createsAgreement: "RECURRING" })
    const s = active({ agreements: [{ type: "RECURRING", initialTransactionId: "tx-1" }] })
    const mit = (t: PaymentUse.AgreementType, id?: string): PaymentUse.Use => ({
      source: "MIT",
      mode: "REPEATED",
      type: t,
      ...(id === undefined ? {} : { initialTransactionId: id })
    })
    expect(success(PaymentUse.authorize(s, mit("RECURRING", "tx-1"), now))).toEqual({ createsAgreement: undefined })
    expect(failure(PaymentUse.authorize(s, mit("RECURRING", "tx-2"), now), "COF_NO_AGREEMENT").gatewayCode).toBe("100.150.300")
    failure(PaymentUse.authorize(s, mit("RECURRING"), now), "COF_NO_AGREEMENT")
    expect(failure(PaymentUse.authorize(s, mit("INSTALLMENT", "tx-1"), now), "COF_NO_AGREEMENT").rule).toBe("COF-MIT-AGREEMENT")
    failure(PaymentUse.authorize(active(), mit("RECURRING", "tx-1"), now), "COF_NO_AGREEMENT")
    // Two subscriptions on one card: either agreement's id is accepted.
    const two = active({
      agreements: [{ type: "RECURRING", initialTransactionId: "tx-1" }, { type: "RECURRING", initialTransactionId: "tx-2" }]
    })
    expect(success(PaymentUse.authorize(two, mit("RECURRING", "tx-2"), now))).toEqual({ createsAgreement: undefined })
  })

  it("[COF-COMBINATION] a MIT use is always REPEATED; one-click is CIT UNSCHEDULED and needs no agreement", () => {
    const now = at("2025-06-01T00:00:00Z")
    const s = active({ agreements: [{ type: "UNSCHEDULED", initialTransactionId: "tx-1" }] })
    expect(
      failure(PaymentUse.authorize(s, { source: "MIT", mode: "INITIAL", type: "UNSCHEDULED", initialTransactionId: "tx-1" }, now), "COF_INVALID")
        .rule
    ).toBe("COF-COMBINATION")
    expect(success(PaymentUse.authorize(active(), { source: "CIT", mode: "REPEATED", type: "UNSCHEDULED" }, now))).toEqual({
      createsAgreement: undefined
    })
  })
})

describe("PaymentUse.decodeUse", () => {
  it("[COF-COMBINATION] accepts exactly the listed source, mode and type, refuses MIT INITIAL, and never throws", () => {
    const candidate = fc.oneof(
      fc.record({
        source: fc.oneof(source, anything),
        mode: fc.oneof(mode, anything),
        type: fc.oneof(type, anything),
        initialTransactionId: fc.oneof(txId, fc.string({ maxLength: 70 }), anything)
      }, { requiredKeys: [] }),
      anything
    )
    fc.assert(
      fc.property(candidate, (u) => {
        const r = PaymentUse.decodeUse(u)
        const o = typeof u === "object" && u !== null ? (u as Record<string, unknown>) : undefined
        const id = o?.initialTransactionId
        const valid = o !== undefined &&
          PaymentUse.values.source.includes(o.source as PaymentUse.Source) &&
          PaymentUse.values.mode.includes(o.mode as PaymentUse.Mode) &&
          PaymentUse.values.type.includes(o.type as PaymentUse.AgreementType) &&
          (id === undefined || (typeof id === "string" && id.length >= 1 && id.length <= 64)) &&
          !(o.source === "MIT" && o.mode === "INITIAL")
        if (valid) {
          expect(success(r)).toEqual({ source: o.source, mode: o.mode, type: o.type, ...(id === undefined ? {} : { initialTransactionId: id }) })
        } else {
          expect(failure(r, "COF_INVALID", u).rule).toBe("COF-COMBINATION")
        }
      }),
      params({ numRuns: 1000 })
    )
    failure(PaymentUse.decodeUse({ source: "MIT", mode: "INITIAL", type: "RECURRING" }), "COF_INVALID")
  })
})
