/**
 * Generators for the store suite. Values come from small pools (a handful of
 * token values, merchants, customers, fingerprints, request ids and dates)
 * so that generated commands collide often: uniqueness constraints,
 * tombstones and re-scoping only show their bugs when values meet.
 *
 * @since 0.1.0
 */
import { type Group, type TokenFormat, TokenRecord } from "@tokenvault/core"
import type * as TokenStore from "@tokenvault/vault/TokenStore"
import * as fc from "fast-check"

/**
 * The pools values are drawn from.
 *
 * @category models
 * @since 0.1.0
 */
export const pools = {
  tokens: [
    "8a82944a4cc25ebf014cc2c782423202",
    "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
    "41AAAA7K3Q9Z1111",
    "55BBBBX0Y1Z24444",
    "AAAAJOHN_SMITH_5533",
    "BBBBJACK_JONES_1234",
    "Q2FyZFRva2VuLTAwMDAwMQ",
    "dG9rZW4tdmF1bHQtMDAwMDI"
  ],
  merchants: ["m1", "m2", "m3"],
  groups: ["g1", "g2"],
  customers: ["c1", "c2"],
  fingerprints: ["fp1", "fp2", "fp3"],
  requestIds: ["r1", "r2", "r3"],
  dates: ["2026-01-01", "2026-02-28", "2026-03-01", "2026-12-31", "2027-06-30"],
  prefixes: ["AAAA", "BBBB", "CCCC", "DDDD"]
} as const

const formatOf = (token: string): TokenFormat.Name =>
  /^[0-9a-f]{32}$/.test(token) ? "registration" : /^\d\d[A-Z0-9]{10}\d{4}$/.test(token) ? "standard" : token.includes("_") ? "custom" : "opaque"

/**
 * A token value from the pool.
 *
 * @category constructors
 * @since 0.1.0
 */
export const token: fc.Arbitrary<string> = fc.constantFrom(...pools.tokens)

/**
 * A merchant id from the pool.
 *
 * @category constructors
 * @since 0.1.0
 */
export const merchantId: fc.Arbitrary<string> = fc.constantFrom(...pools.merchants)

/**
 * A group id from the pool.
 *
 * @category constructors
 * @since 0.1.0
 */
export const groupId: fc.Arbitrary<string> = fc.constantFrom(...pools.groups)

/**
 * A customer id from the pool.
 *
 * @category constructors
 * @since 0.1.0
 */
export const customerId: fc.Arbitrary<string> = fc.constantFrom(...pools.customers)

/**
 * A fingerprint from the pool.
 *
 * @category constructors
 * @since 0.1.0
 */
export const fingerprint: fc.Arbitrary<string> = fc.constantFrom(...pools.fingerprints)

/**
 * A merchant request id from the pool.
 *
 * @category constructors
 * @since 0.1.0
 */
export const requestId: fc.Arbitrary<string> = fc.constantFrom(...pools.requestIds)

/**
 * A calendar date from the pool (month ends and year ends included).
 *
 * @category constructors
 * @since 0.1.0
 */
export const date: fc.Arbitrary<string> = fc.constantFrom(...pools.dates)

/**
 * A scope: a merchant's own or a group's.
 *
 * @category constructors
 * @since 0.1.0
 */
export const scope: fc.Arbitrary<Group.Scope> = fc.oneof(
  { weight: 3, arbitrary: merchantId.map((m): Group.Scope => `merchant:${m}`) },
  { weight: 2, arbitrary: groupId.map((g): Group.Scope => `group:${g}`) }
)

/**
 * A live token record (ACTIVE or SUSPENDED) with pool values. Its scope is
 * usually its owner's.
 *
 * @category constructors
 * @since 0.1.0
 */
export const record: fc.Arbitrary<TokenRecord.TokenRecord> = fc
  .record({
    token,
    merchantId,
    ownScope: fc.boolean(),
    scope,
    customerId: fc.option(customerId, { nil: undefined, freq: 3 }),
    fingerprint: fc.option(fingerprint, { nil: undefined, freq: 5 }),
    status: fc.constantFrom("ACTIVE", "ACTIVE", "SUSPENDED" as const),
    retainUntil: date,
    merchantRequestId: fc.option(requestId, { nil: undefined, freq: 2 }),
    card: fc.boolean(),
    version: fc.constantFrom(1, 1, 1, 7)
  })
  .map((g): TokenRecord.TokenRecord => ({
    token: g.token,
    format: formatOf(g.token),
    merchantId: g.merchantId,
    scope: g.ownScope ? `merchant:${g.merchantId}` : g.scope,
    customerId: g.customerId,
    instrument: g.card ? "CARD" : "BANK_ACCOUNT",
    brand: g.card ? "VISA" : undefined,
    maskedPan: g.card ? "411111••••••1111" : "••••••••••••••••••3000",
    expiry: g.card ? { month: 12, year: 2030 } : undefined,
    fingerprint: g.fingerprint,
    sealed: { keyVersion: 1, ciphertext: `sealed-${g.token}` },
    status: g.status,
    deletion: undefined,
    createdAt: "2025-01-01T00:00:00.000Z",
    lastActivity: "2025-01-01" as TokenRecord.TokenRecord["lastActivity"],
    extended: false,
    retainUntil: g.retainUntil as TokenRecord.TokenRecord["retainUntil"],
    agreements: g.card ? [{ type: "RECURRING", initialTransactionId: `tx-${g.token.slice(0, 6)}` }] : [],
    merchantRequestId: g.merchantRequestId,
    requestDigest: g.merchantRequestId === undefined ? undefined : `digest-${g.merchantRequestId}`,
    version: g.version
  }))

/**
 * A request key to bind: a pair from the pools, a token value from the
 * pool (present or not) and one of two digests.
 *
 * @category constructors
 * @since 0.1.0
 */
export const requestKey: fc.Arbitrary<TokenStore.RequestKey> = fc.record({
  merchantId,
  merchantRequestId: requestId,
  token,
  requestDigest: fc.constantFrom("digest-a", "digest-b")
})

/**
 * A change an update applies to the current record.
 *
 * @category models
 * @since 0.1.0
 */
export type Change =
  | { readonly _tag: "Status"; readonly status: "ACTIVE" | "SUSPENDED" }
  | { readonly _tag: "Tombstone"; readonly reason: "DEREGISTERED" | "RETENTION"; readonly on: string }
  | { readonly _tag: "Customer"; readonly customerId: string | undefined }
  | { readonly _tag: "Fingerprint"; readonly fingerprint: string | undefined }
  | { readonly _tag: "Retention"; readonly retainUntil: string; readonly extended: boolean }
  | { readonly _tag: "Activity"; readonly on: string; readonly transactionId: string }

/**
 * A change.
 *
 * @category constructors
 * @since 0.1.0
 */
export const change: fc.Arbitrary<Change> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom("ACTIVE", "SUSPENDED" as const).map((status): Change => ({ _tag: "Status", status })) },
  {
    weight: 2,
    arbitrary: fc.record({ reason: fc.constantFrom("DEREGISTERED", "RETENTION" as const), on: date }).map((g): Change => ({
      _tag: "Tombstone",
      ...g
    }))
  },
  { weight: 1, arbitrary: fc.option(customerId, { nil: undefined }).map((c): Change => ({ _tag: "Customer", customerId: c })) },
  { weight: 1, arbitrary: fc.option(fingerprint, { nil: undefined }).map((f): Change => ({ _tag: "Fingerprint", fingerprint: f })) },
  {
    weight: 1,
    arbitrary: fc.record({ retainUntil: date, extended: fc.boolean() }).map((g): Change => ({ _tag: "Retention", ...g }))
  },
  {
    weight: 1,
    arbitrary: fc.record({ on: date, transactionId: fc.constantFrom("tx1", "tx2") }).map((g): Change => ({ _tag: "Activity", ...g }))
  }
)

/**
 * Applies a change to a record; the version is left to the caller.
 *
 * @category combinators
 * @since 0.1.0
 */
export const applyChange = (r: TokenRecord.TokenRecord, c: Change): TokenRecord.TokenRecord => {
  switch (c._tag) {
    case "Status":
      return { ...r, status: c.status }
    case "Tombstone":
      return { ...TokenRecord.toTombstone(r, { reason: c.reason, on: c.on as TokenRecord.Deletion["on"] }), version: r.version }
    case "Customer":
      return { ...r, customerId: c.customerId }
    case "Fingerprint":
      return { ...r, fingerprint: c.fingerprint }
    case "Retention":
      return { ...r, retainUntil: c.retainUntil as TokenRecord.TokenRecord["retainUntil"], extended: c.extended }
    case "Activity":
      return {
        ...r,
        lastActivity: c.on as TokenRecord.TokenRecord["lastActivity"],
        agreements: [...r.agreements, { type: "UNSCHEDULED", initialTransactionId: c.transactionId }]
      }
  }
}

/**
 * Text for a change.
 *
 * @category encoding
 * @since 0.1.0
 */
export const showChange = (c: Change): string => {
  switch (c._tag) {
    case "Status":
      return `status=${c.status}`
    case "Tombstone":
      return `tombstone(${c.reason}, ${c.on})`
    case "Customer":
      return `customerId=${c.customerId ?? "none"}`
    case "Fingerprint":
      return `fingerprint=${c.fingerprint ?? "none"}`
    case "Retention":
      return `retainUntil=${c.retainUntil}${c.extended ? " extended" : ""}`
    case "Activity":
      return `activity(${c.on}, ${c.transactionId})`
  }
}

/**
 * Short text for a record in command traces.
 *
 * @category encoding
 * @since 0.1.0
 */
export const showRecord = (r: TokenRecord.TokenRecord): string =>
  [
    r.token,
    `owner=${r.merchantId}`,
    r.scope,
    r.status,
    ...(r.customerId === undefined ? [] : [`customer=${r.customerId}`]),
    ...(r.fingerprint === undefined ? [] : [`fp=${r.fingerprint}`]),
    ...(r.merchantRequestId === undefined ? [] : [`request=${r.merchantRequestId}`]),
    `due=${r.retainUntil}`,
    `v${r.version}`
  ].join(" ")

/**
 * A requested page size: small, or one above the store's `maxPageSize`.
 *
 * @category models
 * @since 0.1.0
 */
export type PageLimit = number | "aboveMax"

/**
 * A requested page size.
 *
 * @category constructors
 * @since 0.1.0
 */
export const pageLimit: fc.Arbitrary<PageLimit> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 4 }) },
  { weight: 1, arbitrary: fc.constant("aboveMax" as const) }
)

/**
 * The number to send for a requested page size.
 *
 * @category getters
 * @since 0.1.0
 */
export const limitFor = (limit: PageLimit, maxPageSize: number): number => (limit === "aboveMax" ? maxPageSize + 1 : limit)
