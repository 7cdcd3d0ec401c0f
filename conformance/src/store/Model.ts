/**
 * The reference model of the `TokenStore` port: three plain collections and
 * full scans. It is deliberately simpler than any adapter (no indexes, no
 * cursors): each obligation of the port's docblock is one short function
 * here, and the commands compare the adapter against it.
 *
 * @since 0.1.0
 */
import type { Group, TokenRecord } from "@tokenvault/core"
import type * as TokenStore from "@tokenvault/vault/TokenStore"
import type * as fc from "fast-check"
import type { Expected } from "../internal/storeCall.ts"

/**
 * The model's state.
 *
 * @category models
 * @since 0.1.0
 */
export interface Model {
  readonly maxPageSize: number
  /** Every record by token value, tombstones included. */
  readonly records: Map<string, TokenRecord.TokenRecord>
  readonly merchants: Map<string, TokenStore.MerchantEntry>
  readonly groups: Set<string>
  /** Keys bound with `bindRequestId`, by {@link keyId}; a record's own key lives on the record. */
  readonly boundKeys: Map<string, TokenStore.RequestKey>
}

/**
 * The system under test: the current store (replaced on reopen), how to
 * reopen it (durable stores only) and the scheduler of concurrent runs.
 *
 * @category models
 * @since 0.1.0
 */
export interface Real {
  store: TokenStore.Service
  readonly reopen: (() => Promise<void>) | undefined
  readonly scheduler: fc.Scheduler | undefined
}

/**
 * A store command.
 *
 * @category models
 * @since 0.1.0
 */
export type Command = fc.AsyncCommand<Model, Real>

/**
 * An empty model.
 *
 * @category constructors
 * @since 0.1.0
 */
export const empty = (maxPageSize: number): Model => ({
  maxPageSize,
  records: new Map(),
  merchants: new Map(),
  groups: new Set(),
  boundKeys: new Map()
})

/**
 * True for a record that is not a tombstone.
 *
 * @category predicates
 * @since 0.1.0
 */
export const isLive = (r: TokenRecord.TokenRecord): boolean => r.status !== "DELETED"

/**
 * Every record that is not a tombstone.
 *
 * @category getters
 * @since 0.1.0
 */
export const live = (m: Model): Array<TokenRecord.TokenRecord> => Array.from(m.records.values()).filter(isLive)

const sameActiveSlot = (a: TokenRecord.TokenRecord, b: TokenRecord.TokenRecord): boolean =>
  a.status === "ACTIVE" && b.status === "ACTIVE" && a.fingerprint !== undefined && a.fingerprint === b.fingerprint &&
  a.scope === b.scope && (a.customerId ?? "") === (b.customerId ?? "")

/**
 * The other ACTIVE record holding the same `(scope, customerId ?? "",
 * fingerprint)` slot as `r`, if any.
 *
 * @category getters
 * @since 0.1.0
 */
export const activeRival = (m: Model, r: TokenRecord.TokenRecord): TokenRecord.TokenRecord | undefined => {
  for (const other of m.records.values()) if (other.token !== r.token && sameActiveSlot(other, r)) return other
  return undefined
}

/**
 * The record with a `(merchantId, merchantRequestId)` pair, tombstones
 * included.
 *
 * @category getters
 * @since 0.1.0
 */
export const byRequestId = (m: Model, merchantId: string, merchantRequestId: string): TokenRecord.TokenRecord | undefined => {
  for (const r of m.records.values()) if (r.merchantId === merchantId && r.merchantRequestId === merchantRequestId) return r
  return undefined
}

/**
 * The identity of a `(merchantId, merchantRequestId)` pair.
 *
 * @category getters
 * @since 0.1.0
 */
export const keyId = (merchantId: string, merchantRequestId: string): string => `${merchantId}\u0000${merchantRequestId}`

/**
 * What `getRequestKey` must return: a record's own key (tombstones
 * included), else a bound one.
 *
 * @category getters
 * @since 0.1.0
 */
export const requestKey = (m: Model, merchantId: string, merchantRequestId: string): TokenStore.RequestKey | undefined => {
  const own = byRequestId(m, merchantId, merchantRequestId)
  if (own !== undefined) return { merchantId, merchantRequestId, token: own.token, requestDigest: own.requestDigest }
  return m.boundKeys.get(keyId(merchantId, merchantRequestId))
}

/**
 * The failures `bindRequestId(key)` may report: `NotFound` for an absent
 * token, `Duplicate` for a taken pair. Empty when the bind must succeed.
 *
 * @category getters
 * @since 0.1.0
 */
export const bindFailures = (m: Model, key: TokenStore.RequestKey): Array<Expected> => [
  ...(m.records.has(key.token) ? [] : [{ reason: "NotFound" } as const]),
  ...(requestKey(m, key.merchantId, key.merchantRequestId) === undefined
    ? []
    : [{ reason: "Duplicate", constraint: "merchantRequestId" } as const])
]

/**
 * The failures `insert(record)` may report: every constraint it breaks.
 * Empty when the insert must succeed.
 *
 * @category getters
 * @since 0.1.0
 */
export const insertFailures = (m: Model, record: TokenRecord.TokenRecord): Array<Expected> => {
  const out: Array<Expected> = []
  if (m.records.has(record.token)) out.push({ reason: "Duplicate", constraint: "token" })
  if (record.merchantRequestId !== undefined && requestKey(m, record.merchantId, record.merchantRequestId) !== undefined) {
    out.push({ reason: "Duplicate", constraint: "merchantRequestId" })
  }
  if (activeRival(m, record) !== undefined) out.push({ reason: "Duplicate", constraint: "activeFingerprint" })
  return out
}

/**
 * The failures `update(next)` may report. `NotFound` alone when absent;
 * otherwise a stale version and a taken ACTIVE slot may each be reported.
 *
 * @category getters
 * @since 0.1.0
 */
export const updateFailures = (m: Model, next: TokenRecord.TokenRecord): Array<Expected> => {
  const current = m.records.get(next.token)
  if (current === undefined) return [{ reason: "NotFound" }]
  const out: Array<Expected> = []
  if (current.version !== next.version - 1) out.push({ reason: "Conflict" })
  if (activeRival(m, next) !== undefined) out.push({ reason: "Duplicate", constraint: "activeFingerprint" })
  return out
}

/**
 * Live records of a scope, by customer.
 *
 * @category getters
 * @since 0.1.0
 */
export const byCustomer = (m: Model, scope: Group.Scope, customerId: string): Array<TokenRecord.TokenRecord> =>
  live(m).filter((r) => r.scope === scope && r.customerId === customerId)

/**
 * Live records of a scope, by fingerprint.
 *
 * @category getters
 * @since 0.1.0
 */
export const byFingerprint = (m: Model, scope: Group.Scope, fingerprint: string): Array<TokenRecord.TokenRecord> =>
  live(m).filter((r) => r.scope === scope && r.fingerprint === fingerprint)

/**
 * Live records of a scope.
 *
 * @category getters
 * @since 0.1.0
 */
export const byScope = (m: Model, scope: Group.Scope): Array<TokenRecord.TokenRecord> => live(m).filter((r) => r.scope === scope)

/**
 * Live records due on or before a date.
 *
 * @category getters
 * @since 0.1.0
 */
export const due = (m: Model, onOrBefore: string): Array<TokenRecord.TokenRecord> =>
  live(m).filter((r) => r.retainUntil <= onOrBefore)

/**
 * The merchant holding a prefix, other than `merchantId`.
 *
 * @category getters
 * @since 0.1.0
 */
export const prefixHolder = (m: Model, prefix: string, merchantId: string): string | undefined => {
  for (const entry of m.merchants.values()) if (entry.prefix === prefix && entry.merchantId !== merchantId) return entry.merchantId
  return undefined
}

/**
 * What a membership change does to the model: the failure it must report,
 * or the records it re-scopes (each with its version bumped).
 *
 * @category getters
 * @since 0.1.0
 */
export const membershipEffect = (
  m: Model,
  change: TokenStore.MembershipChange
): { readonly _tag: "Fail"; readonly failure: Expected } | {
  readonly _tag: "Apply"
  readonly moved: ReadonlyArray<TokenRecord.TokenRecord>
} => {
  if (!m.merchants.has(change.merchantId)) return { _tag: "Fail", failure: { reason: "NotFound" } }
  if (change.groupId !== undefined && !m.groups.has(change.groupId)) return { _tag: "Fail", failure: { reason: "NotFound" } }
  const rescope = change.rescope
  if (rescope === undefined) return { _tag: "Apply", moved: [] }
  const moved = Array.from(m.records.values())
    .filter((r) => r.merchantId === rescope.owner && r.scope === rescope.from)
    .map((r) => ({ ...r, scope: rescope.to, version: r.version + 1 }))
  const movedTokens = new Set(moved.map((r) => r.token))
  for (const next of moved) {
    for (const other of m.records.values()) {
      if (movedTokens.has(other.token)) continue
      if (sameActiveSlot(other, next)) return { _tag: "Fail", failure: { reason: "Duplicate", constraint: "activeFingerprint" } }
    }
  }
  return { _tag: "Apply", moved }
}
