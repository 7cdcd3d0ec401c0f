/**
 * The in-memory {@link TokenStore.TokenStore}: the reference adapter, with real
 * indexes (customer, fingerprint, scope, due date, request id) so no
 * query scans every record. Operations run synchronously inside the effect,
 * so compare-and-set holds under any interleaving of fibers.
 *
 * Not durable: state is lost when the process ends (`durable: false`).
 *
 * **Capacity and layout**
 *
 * - A V8 `Map` or `Set` holds at most 2^24 (16,777,216) entries and throws a
 *   `RangeError` past it. Every map and set here has at most one entry per
 *   token (tombstones included) or per idempotency key, so the store refuses
 *   the insert or key binding that would pass 2^24 with a typed `Unavailable`
 *   error instead. Larger sets of tokens need a durable adapter. (The token
 *   lists below are arrays of at most twice their tokens, plus 32.)
 * - Records are kept as given. The customer and fingerprint indexes are keyed
 *   by scope, then by customer or fingerprint (strings the records already
 *   hold, so no key is built per record), and hold the records themselves: a
 *   single record, an array, or a `Map` past 256. A customer's listing then
 *   reads no lookup per token in the primary map. An array is sorted when it
 *   is listed, not when it is written: a sorted insert compares tokens of
 *   records out of cache, and a recovery paid that on every record (see
 *   `internal/buckets.ts`).
 * - The scope and due-date indexes are token lists: an add is an array push
 *   and a removal only counts, the entry being dropped when the list is next
 *   compacted (see `internal/tokenLists.ts`). A hash-set insert into a set of
 *   a million tokens is a few cache misses, paid on every insert and every
 *   record a durable adapter restores.
 * - About 650 B of heap per card token in all (docs/benchmarks.md).
 *
 * @since 0.1.0
 */
import type { Group, IsoDate, Merchant, TokenRecord } from "@tokenvault/core"
import { Effect, Layer } from "effect"
import * as Buckets from "./internal/buckets.ts"
import { insertSorted, lowerBound, removeSorted } from "./internal/sortedKeys.ts"
import { TokenLists } from "./internal/tokenLists.ts"
import * as TokenStore from "./TokenStore.ts"

const SEP = "\u0000"

/** V8's limit on the entries of one `Map` or `Set` (2^24); past it `set` throws a `RangeError`. */
const MAX_ENTRIES = 2 ** 24

const full = () => TokenStore.errors.unavailable("capacity: the memory store is full")

/** The scope a record is listed under among live tokens, or among tombstones. */
const liveScope = (r: TokenRecord.TokenRecord): string | undefined => (r.status === "DELETED" ? undefined : r.scope)
const deadScope = (r: TokenRecord.TokenRecord): string | undefined => (r.status === "DELETED" ? r.scope : undefined)
/** The date a live record is due for purge on (tombstones are not due again). */
const dueDate = (r: TokenRecord.TokenRecord): string | undefined => (r.status === "DELETED" ? undefined : r.retainUntil)

/** A key bound with `bindRequestId`, and the digest of the request that bound it. */
interface BoundKey {
  readonly token: string
  readonly requestDigest: string | undefined
}

/** True when an update leaves every indexed field alone, so the indexes need no work. */
const sameIndexKeys = (a: TokenRecord.TokenRecord, b: TokenRecord.TokenRecord): boolean =>
  a.status === b.status && a.scope === b.scope && a.customerId === b.customerId && a.fingerprint === b.fingerprint &&
  a.retainUntil === b.retainUntil && a.merchantRequestId === b.merchantRequestId && a.merchantId === b.merchantId

/**
 * Options for the memory store.
 *
 * @category models
 * @since 0.1.0
 */
export interface Options {
  readonly maxPageSize?: number | undefined
  /**
   * The most tokens (tombstones included) the store holds, and the most idempotency keys;
   * at most and by default 2^24, V8's limit on one `Map`. An insert past it fails with
   * `Unavailable`.
   */
  readonly capacity?: number | undefined
}

/**
 * A memory store with a bulk-load entry for recovery: `restore` adds a record
 * synchronously (no effect per record) and builds every index exactly as
 * `insert` does, but checks only that the token is new and the capacity.
 *
 * Trusted input only: a durable adapter rebuilding its state from records it
 * wrote after they passed `insert`'s constraints (the request-id and
 * one-ACTIVE-card checks are not repeated). Never for caller data.
 *
 * @category models
 * @since 0.1.0
 */
export interface Restorable {
  readonly store: TokenStore.Service
  /** Adds a trusted record; a `Duplicate` (token) or `Unavailable` (capacity) error, or `undefined`. */
  readonly restore: (record: TokenRecord.TokenRecord) => TokenStore.TokenStoreError | undefined
  /**
   * The store's `insert` run synchronously: the same checks and errors (`Unavailable` once closed), without
   * an effect to run. For a durable adapter that applies each live write to its memory store before it
   * journals the write.
   */
  readonly insertNow: (record: TokenRecord.TokenRecord) => TokenStore.TokenStoreError | undefined
  /** The store's `update` run synchronously, as `insertNow` is its `insert`. */
  readonly updateNow: (next: TokenRecord.TokenRecord) => TokenStore.TokenStoreError | undefined
  /** Every record by token, tombstones included, in first-insertion order: a read-only live view of the store's own map. */
  readonly records: ReadonlyMap<string, TokenRecord.TokenRecord>
}

/**
 * Builds a fresh, empty memory store.
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (options?: Options): TokenStore.Service => makeRestorable(options).store

/**
 * Builds a fresh, empty memory store with its trusted bulk-load entry (see {@link Restorable}).
 *
 * @category constructors
 * @since 0.1.0
 */
export const makeRestorable = (options?: Options): Restorable => {
  const maxPageSize = options?.maxPageSize ?? 1000
  const capacity = Math.min(options?.capacity ?? MAX_ENTRIES, MAX_ENTRIES)
  const records = new Map<string, TokenRecord.TokenRecord>()
  /**
   * Idempotency keys by merchant, then request id: a record's own key (its token; the digest is on the record)
   * or a key bound with `bindRequestId`. Two levels, so no key string is built and kept per record.
   */
  const byRequest = new Map<string, Map<string, string | BoundKey>>()
  let requestKeyCount = 0
  const requestKey = (merchantId: string, merchantRequestId: string): string | BoundKey | undefined =>
    byRequest.get(merchantId)?.get(merchantRequestId)
  const setRequestKey = (merchantId: string, merchantRequestId: string, entry: string | BoundKey): void => {
    let keys = byRequest.get(merchantId)
    if (keys === undefined) byRequest.set(merchantId, keys = new Map())
    const before = keys.size
    keys.set(merchantRequestId, entry)
    requestKeyCount += keys.size - before
  }
  const deleteRequestKey = (merchantId: string, merchantRequestId: string): void => {
    const keys = byRequest.get(merchantId)
    if (keys === undefined || !keys.delete(merchantRequestId)) return
    requestKeyCount--
    if (keys.size === 0) byRequest.delete(merchantId)
  }
  const byCustomer: Buckets.Index<TokenRecord.TokenRecord> = new Map()
  const byFingerprint: Buckets.Index<TokenRecord.TokenRecord> = new Map()
  /** Live tokens by scope, tombstones by scope (a membership change moves both), live tokens by retention date. */
  const byScope = new TokenLists((scope, token) => liveScope(records.get(token)!) === scope)
  const deadByScope = new TokenLists((scope, token) => deadScope(records.get(token)!) === scope)
  const byDue = new TokenLists((date, token) => dueDate(records.get(token)!) === date)
  /** The keys of `byDue`, ascending. */
  const dueDates: Array<string> = []
  const merchants = new Map<string, TokenStore.MerchantEntry>()
  const prefixes = new Map<string, string>()
  const groups = new Set<string>()
  let closed = false

  /** Moves `token` from list `from` to list `to` of `lists`, when they differ. */
  const move = (lists: TokenLists, from: string | undefined, to: string | undefined, token: string): void => {
    if (from === to) return
    if (from !== undefined) lists.remove(from)
    if (to !== undefined) lists.add(to, token)
  }

  /** A live record's entries in the customer and fingerprint buckets: added, dropped, or taken by its next version. */
  const addToBuckets = (r: TokenRecord.TokenRecord): void => {
    if (r.customerId !== undefined) Buckets.put(byCustomer, r.scope, r.customerId, r)
    if (r.fingerprint !== undefined) Buckets.put(byFingerprint, r.scope, r.fingerprint, r)
  }
  const dropFromBuckets = (r: TokenRecord.TokenRecord): void => {
    if (r.customerId !== undefined) Buckets.drop(byCustomer, r.scope, r.customerId, r)
    if (r.fingerprint !== undefined) Buckets.drop(byFingerprint, r.scope, r.fingerprint, r)
  }
  const replaceInBuckets = (current: TokenRecord.TokenRecord, next: TokenRecord.TokenRecord): void => {
    if (next.customerId !== undefined) Buckets.replace(byCustomer, next.scope, next.customerId, current, next)
    if (next.fingerprint !== undefined) Buckets.replace(byFingerprint, next.scope, next.fingerprint, current, next)
  }

  /**
   * Brings the indexes from `before` (absent for a new record) to `after`, the
   * record now in `records` (the token lists read it to tell their stale entries).
   */
  const reindex = (before: TokenRecord.TokenRecord | undefined, after: TokenRecord.TokenRecord): void => {
    const token = after.token
    if (after.merchantRequestId !== undefined && (after.merchantRequestId !== before?.merchantRequestId || after.merchantId !== before.merchantId)) {
      setRequestKey(after.merchantId, after.merchantRequestId, token)
    }
    move(byScope, before && liveScope(before), liveScope(after), token)
    move(deadByScope, before && deadScope(before), deadScope(after), token)
    const due = before && dueDate(before)
    const nextDue = dueDate(after)
    if (due !== nextDue) {
      if (due !== undefined && byDue.remove(due)) removeSorted(dueDates, due)
      if (nextDue !== undefined && byDue.add(nextDue, token)) insertSorted(dueDates, nextDue)
    }
    if (before !== undefined && before.status !== "DELETED") dropFromBuckets(before)
    if (after.status !== "DELETED") addToBuckets(after)
  }

  /** The ACTIVE token holding `r`'s card, customer and scope, other than `r` itself. */
  const activeHolder = (r: TokenRecord.TokenRecord, scope: string = r.scope): string | undefined => {
    if (r.status !== "ACTIVE" || r.fingerprint === undefined) return undefined
    for (const other of Buckets.items(Buckets.get(byFingerprint, scope, r.fingerprint))) {
      if (other.token !== r.token && other.status === "ACTIVE" && other.customerId === r.customerId) return other.token
    }
    return undefined
  }

  /** `insert`'s body: its constraints, then the record and its indexes; an error changes nothing. */
  const insertRecord = (record: TokenRecord.TokenRecord): TokenStore.TokenStoreError | undefined => {
    if (records.has(record.token)) return TokenStore.errors.duplicate("token")
    if (record.merchantRequestId !== undefined && requestKey(record.merchantId, record.merchantRequestId) !== undefined) {
      return TokenStore.errors.duplicate("merchantRequestId")
    }
    if (activeHolder(record) !== undefined) return TokenStore.errors.duplicate("activeFingerprint")
    if (records.size >= capacity) return full()
    records.set(record.token, record)
    reindex(undefined, record)
    return undefined
  }

  /** `update`'s body: compare-and-set by version, the one-ACTIVE-card constraint, then the indexes. */
  const updateRecord = (next: TokenRecord.TokenRecord): TokenStore.TokenStoreError | undefined => {
    const current = records.get(next.token)
    if (current === undefined) return TokenStore.errors.notFound()
    if (current.version !== next.version - 1) return TokenStore.errors.conflict()
    // Unchanged index keys keep the one-ACTIVE-card constraint as it held for `current`.
    if (sameIndexKeys(current, next)) {
      records.set(next.token, next)
      if (next.status !== "DELETED") replaceInBuckets(current, next)
      return undefined
    }
    if (activeHolder(next) !== undefined) return TokenStore.errors.duplicate("activeFingerprint")
    records.set(next.token, next)
    if (current.merchantRequestId !== undefined && current.merchantRequestId !== next.merchantRequestId) {
      deleteRequestKey(current.merchantId, current.merchantRequestId)
    }
    reindex(current, next)
    return undefined
  }

  const closedError = () => TokenStore.errors.unavailable("closed")

  const guard = <A>(f: () => A): Effect.Effect<A, TokenStore.TokenStoreError> =>
    Effect.suspend(() => (closed ? Effect.fail(closedError()) : Effect.succeed(f())))

  const guardEither = <A>(f: () => A | TokenStore.TokenStoreError): Effect.Effect<A, TokenStore.TokenStoreError> =>
    Effect.suspend(() => {
      if (closed) return Effect.fail(closedError())
      const out = f()
      return out instanceof TokenStore.TokenStoreError ? Effect.fail(out) : Effect.succeed(out)
    })

  const page = (scope: string, request: TokenStore.PageRequest): TokenStore.Page<TokenRecord.TokenRecord> => {
    const limit = Math.max(1, Math.min(request.limit, maxPageSize))
    // One more than the page: whether a next page exists.
    const tokens = byScope.read(scope, request.cursor, limit + 1)
    const more = tokens.length > limit
    if (more) tokens.pop()
    return { items: tokens.map((t) => records.get(t)!), cursor: more ? tokens[tokens.length - 1] : undefined }
  }

  const service: Omit<TokenStore.Service, "bindRequestId" | "getRequestKey"> = {
    capabilities: { name: "memory", durable: false, durability: "none", maxPageSize, multiProcess: false },
    insert: (record) => guardEither(() => insertRecord(record)),
    peek: {
      record: (token) => (closed ? undefined : records.get(token)),
      merchant: (merchantId) => (closed ? undefined : merchants.get(merchantId))
    },
    get: (token) => guard(() => records.get(token)),
    getByRequestId: (merchantId, merchantRequestId) =>
      guard(() => {
        const key = requestKey(merchantId, merchantRequestId)
        return typeof key === "string" ? records.get(key) : undefined
      }),
    update: (next) => guardEither(() => updateRecord(next)),
    findByCustomer: (scope, customerId) =>
      guard(() => Buckets.sorted(Buckets.get(byCustomer, scope, customerId))),
    findByFingerprint: (scope, fingerprint) =>
      guard(() => Buckets.sorted(Buckets.get(byFingerprint, scope, fingerprint))),
    listByScope: (scope, request) => guard(() => page(scope, request)),
    dueForPurge: (onOrBefore: IsoDate.IsoDate, request) =>
      guard(() => {
        const limit = Math.max(1, Math.min(request.limit, maxPageSize))
        // Cursor is "date\0token"; resume strictly after it.
        const items: Array<TokenRecord.TokenRecord> = []
        const [cDate, cToken] = request.cursor === undefined ? ["", ""] : request.cursor.split(SEP) as [string, string]
        for (let i = cDate === "" ? 0 : lowerBound(dueDates, cDate); i < dueDates.length; i++) {
          const date = dueDates[i]!
          if (date > onOrBefore) break
          for (const t of byDue.read(date, date === cDate ? cToken : undefined, limit - items.length)) items.push(records.get(t)!)
          if (items.length === limit) {
            const last = items[items.length - 1]!
            return { items, cursor: last.retainUntil + SEP + last.token }
          }
        }
        return { items, cursor: undefined }
      }),
    getMerchant: (merchantId) => guard(() => merchants.get(merchantId)),
    putMerchant: (merchant: Merchant.Merchant) =>
      guardEither(() => {
        const existing = merchants.get(merchant.merchantId)
        const holder = prefixes.get(merchant.prefix)
        if (holder !== undefined && holder !== merchant.merchantId) return TokenStore.errors.duplicate("prefix")
        if (existing !== undefined && existing.prefix !== merchant.prefix) prefixes.delete(existing.prefix)
        prefixes.set(merchant.prefix, merchant.merchantId)
        merchants.set(merchant.merchantId, { ...merchant, groupId: existing?.groupId })
        return undefined
      }),
    listMerchants: () => guard(() => Array.from(merchants.values()).sort((a, b) => (a.merchantId < b.merchantId ? -1 : 1))),
    createGroup: (groupId) =>
      guardEither(() => {
        if (groups.has(groupId)) return TokenStore.errors.duplicate("group")
        groups.add(groupId)
        return undefined
      }),
    hasGroup: (groupId) => guard(() => groups.has(groupId)),
    changeMembership: (change) =>
      guardEither(() => {
        const merchant = merchants.get(change.merchantId)
        if (merchant === undefined) return TokenStore.errors.notFound()
        if (change.groupId !== undefined && !groups.has(change.groupId)) return TokenStore.errors.notFound()
        const moved: Array<[TokenRecord.TokenRecord, TokenRecord.TokenRecord]> = []
        const rescope: Group.Rescope | undefined = change.rescope
        if (rescope !== undefined) {
          const all = (lists: TokenLists) => lists.read(rescope.from, undefined, lists.size(rescope.from))
          for (const t of [...all(byScope), ...all(deadByScope)]) {
            const r = records.get(t)!
            if (r.merchantId !== rescope.owner) continue
            moved.push([r, { ...r, scope: rescope.to, version: r.version + 1 }])
          }
          // All-or-nothing: check the ACTIVE-fingerprint constraint in the target scope first.
          const claimed = new Set<string>()
          for (const [, next] of moved) {
            if (next.status !== "ACTIVE" || next.fingerprint === undefined) continue
            const key = next.scope + SEP + (next.customerId ?? "") + SEP + next.fingerprint
            if (activeHolder(next) !== undefined || claimed.has(key)) return TokenStore.errors.duplicate("activeFingerprint")
            claimed.add(key)
          }
        }
        for (const [current, next] of moved) {
          records.set(next.token, next)
          reindex(current, next)
        }
        merchants.set(change.merchantId, { ...merchant, groupId: change.groupId })
        return moved.length
      }),
    close: () =>
      Effect.sync(() => {
        closed = true
      })
  }
  const requestKeys: Pick<TokenStore.Service, "bindRequestId" | "getRequestKey"> = {
    bindRequestId: (bound) =>
      guardEither(() => {
        if (!records.has(bound.token)) return TokenStore.errors.notFound()
        if (requestKey(bound.merchantId, bound.merchantRequestId) !== undefined) return TokenStore.errors.duplicate("merchantRequestId")
        if (requestKeyCount >= capacity) return full()
        setRequestKey(bound.merchantId, bound.merchantRequestId, { token: bound.token, requestDigest: bound.requestDigest })
        return undefined
      }),
    getRequestKey: (merchantId, merchantRequestId) =>
      guard((): TokenStore.RequestKey | undefined => {
        const key = requestKey(merchantId, merchantRequestId)
        if (key === undefined) return undefined
        return typeof key === "string"
          ? { merchantId, merchantRequestId, token: key, requestDigest: records.get(key)!.requestDigest }
          : { merchantId, merchantRequestId, token: key.token, requestDigest: key.requestDigest }
      })
  }
  const restore = (record: TokenRecord.TokenRecord): TokenStore.TokenStoreError | undefined => {
    if (records.has(record.token)) return TokenStore.errors.duplicate("token")
    if (records.size >= capacity) return full()
    records.set(record.token, record)
    reindex(undefined, record)
    return undefined
  }
  return {
    store: { ...service, ...requestKeys },
    restore,
    insertNow: (record) => (closed ? closedError() : insertRecord(record)),
    updateNow: (next) => (closed ? closedError() : updateRecord(next)),
    records
  }
}

/**
 * A layer with a fresh memory store.
 *
 * @category layers
 * @since 0.1.0
 */
export const layer = (options?: Options): Layer.Layer<TokenStore.TokenStore> =>
  Layer.sync(TokenStore.TokenStore, () => make(options))
