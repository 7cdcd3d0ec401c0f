/**
 * The store's merchant cache and what each fiber last read of a merchant.
 *
 * Merchants and memberships are read on every vault operation and change
 * rarely, so the store answers `getMerchant` from memory. Each merchant row
 * carries a `version`, bumped in the same transaction as any change to the
 * merchant or its membership. A cached answer is never trusted on its own:
 * the store remembers, per fiber, the merchant id and version it answered
 * with ({@link Seen}), and the fiber's next statement confirms that version
 * in the database (in the same statement for `get` and `insert`, by a
 * separate one otherwise). A mismatch evicts the entry and fails the call
 * with `Conflict`, so no operation acts on a merchant state that is not
 * current at one of its own statements, however many instances there are.
 * The time-to-live only bounds how often that happens after a change made
 * by another instance.
 *
 * @internal
 */
import type * as TokenStore from "@tokenvault/vault/TokenStore"

/** What a fiber last read of a merchant: its id and version (0 when absent). */
export interface Seen {
  readonly merchantId: string
  readonly version: number
  /** True once a statement has confirmed the version in the database. */
  verified: boolean
}

interface Cached {
  readonly entry: TokenStore.MerchantEntry
  readonly version: number
  readonly at: number
}

/** A per-store cache (no module-level state). `ttlMs <= 0` disables caching. */
export const makeCache = (ttlMs: number, now: () => number = Date.now) => {
  const entries = new Map<string, Cached>()
  const seen = new WeakMap<object, Seen>()
  return {
    /** A fresh cached entry, or `undefined`. */
    lookup: (merchantId: string): Cached | undefined => {
      const hit = entries.get(merchantId)
      if (hit === undefined || now() - hit.at >= ttlMs) return undefined
      return hit
    },
    remember: (entry: TokenStore.MerchantEntry, version: number): void => {
      if (ttlMs > 0) entries.set(entry.merchantId, { entry, version, at: now() })
    },
    evict: (merchantId: string): void => {
      entries.delete(merchantId)
    },
    see: (fiber: object, s: Seen): void => {
      seen.set(fiber, s)
    },
    seenBy: (fiber: object): Seen | undefined => seen.get(fiber),
    /** The fiber's last read of `merchantId`, consumed. */
    take: (fiber: object, merchantId: string): Seen | undefined => {
      const s = seen.get(fiber)
      if (s === undefined || s.merchantId !== merchantId) return undefined
      seen.delete(fiber)
      return s
    }
  }
}

/** The cache's type. */
export type Cache = ReturnType<typeof makeCache>

/** Reads a `bigint` version column (node-postgres returns text). */
export const versionOf = (v: string | number | null | undefined): number => (v === null || v === undefined ? 0 : Number(v))
